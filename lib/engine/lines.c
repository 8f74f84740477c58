/*
 * Lines at finish. A pass's own lean is shrunk toward the mean lean of all
 * rolling in its stretch (the leg is turned onto a line for a placement
 * and mostly stays there) with the weight of LINE_PRIOR_S of ticks: a long
 * pass speaks for itself, a short one over the narrow lower calf (where
 * 20 mm cells barely show the lean) borrows from its neighbours. A hold
 * sits still, so the cell grid biases its lean the same way for its whole
 * length: it takes the line of the rolling around it when there is
 * enough of it, else its own. A pass's mean CoP is shrunk toward its
 * stretch's the same way (COP_PRIOR_S): where a line shows as a CoP
 * offset, the offset follows the footprint's local width and shape along
 * the calf, and a short pass over one part of it strays from its line's.
 */
#include <math.h>
#include <stdlib.h>

#include "finish.h"

#define LINE_PRIOR_S 2.0
#define HOLD_OWN_LINE_S 3.0
/* Share of the rolling's ticks leaning past line_skew above which the
 * lean names the session's lines ... */
#define LEAN_SESSION_SHARE 0.35
/* ... when they add up to this much rolling (s): a few ticks of a narrow
 * footprint (rev A's Achilles) lean past it by the cell grid alone ... */
#define LEAN_SESSION_MIN_S 2.0
/* ... and do not lean nearly all one way (the minority side under this
 * share of them) while the CoP shows three lines: a session rolled on
 * both sides leans both ways (the original physics: the minority side
 * carries >= 23 % on seeds 1-100), a skewed footprint (the bigger
 * medial head) leans one way on every line. */
#define LEAN_ONE_SIDED 0.15
/* One-sided says something only after this much leaning rolling (s): a
 * session (or the live view of one) that has rolled one side so far may
 * roll the other later. */
#define LEAN_ONE_SIDED_MIN_S 20.0
/* CoP groups: at least this far apart. The smallest side line in the
 * simulator family moves the CoP ~6 mm (a lean of 25 % of a 25 mm
 * half-width with the leg's resting place fixed; a shift is 15-30 mm);
 * the resting place creeping 1-3 mm is kept out by the spread test ... */
#define COP_MIN_SEP_MM 5.0
/* ... each tight (pooled sd under this share of the gap) ... */
#define COP_MAX_SPREAD 0.25
/* ... and carrying this share of the CoP ticks. */
#define COP_MIN_SHARE 0.03
/* Two groups wider apart than this are the two sides. */
#define COP_SIDES_MM 32.0
/* One CoP group from fewer passes than this says nothing about where
 * the session's middle line lies: with no lean to go by, no line. */
#define COP_MIN_PASSES 3
/* A pass's mean CoP is shrunk toward its stretch's with the weight of
 * this much CoP (s): tuning family, random combinations of tuning seeds
 * 10300-10399 and original seeds 1-100 (docs/engine.md, "Lines that
 * hold when variants stack"). */
#define COP_PRIOR_S 4.0
/* A lean within this share of line_skew of it names no line where the
 * session's CoP can (rm_line_rule.lean_cop_on): the footprints whose
 * lean barely shows a side line (a flat power-law one) or leans on the
 * middle line (the bigger medial head) sit there. */
#define LEAN_AMBIGUOUS 0.35
/* ... provided its CoP lies within this many pooled spreads of a group
 * centre: a placement landing elsewhere (the original physics) can put
 * a pass between the groups, and there its CoP names nothing. */
#define LEAN_COP_REACH 4.0
/* A leaning session's lines go to its CoP when its placements (stretches)
 * recur on three CoP places: where the leg's resting place is the
 * session's, every placement on one line lands on that line's CoP
 * (within the resting place's 1-3 mm creep), whatever the lean says; where
 * each placement lands somewhere else (the original physics), three
 * groups of two or more placements each as tight as that, spaced like the
 * lines, come by chance only rarely. A stretch counts with this much CoP
 * (s) ... */
#define RECUR_MIN_S 2.0
/* ... each group holds at least this many stretches ... */
#define RECUR_MIN_STRETCHES 2
/* ... their pooled spread (stretch means) is under this share of the
 * smaller gap (shifting sessions: 0.01-0.08, the creep against 25-40 mm
 * gaps; the original physics, whose placements land anywhere in +-30
 * mm: never under 0.08 on 1,300 sessions of tuning seeds 1-400; see
 * docs/engine.md, "Placements that recur") ... */
#define RECUR_MAX_SPREAD 0.06
/* ... and the two gaps are alike (smaller over larger at least this): a
 * leg turned by the same amount onto either side moves the contact as
 * far either way. */
#define RECUR_MIN_SYMMETRY 0.7
/* A leaning session's lines go to the footprint's shape when its
 * placements (stretches) split into untilted and tilted ones: a leg turned
 * onto a side piles its load up on that side and its moment width shrinks
 * against its edges' (rm_pass_rec.shape: 0.60-0.65 on a side line, 0.65-
 * 0.80 on the middle, whatever the footprint), while a footprint that
 * leans the same way on every line (the bigger medial head) or whose
 * lean is weak (a flat one) moves the lean's zero far more than the
 * shape. A
 * stretch counts with this much lean (s) ... */
#define TILT_MIN_S 1.0
/* ... the two shape groups (least squares, stretch means weighted by
 * ticks) lie this far apart (a turned leg narrows the footprint by 0.04-
 * 0.08; more is a grooved or Gaussian footprint whose shape says
 * something else) ... */
#define TILT_MIN_GAP 0.04
#define TILT_MAX_GAP 0.12
/* ... within a pooled spread under this share of the gap ... */
#define TILT_MAX_SPREAD 0.25
/* ... each carrying this share of the ticks ... */
#define TILT_MIN_SHARE 0.1
/* ... and the untilted stretches lean alike, within this many line_skew
 * (weighted sd): every placement on the middle line leans by the
 * footprint's own bias, the same all session; untilted stretches that
 * lean as far apart as two lines are a side line's shape mistaken for
 * the middle's ... */
#define TILT_MID_SD 1.0
/* ... and less than this many line_skew (the bias a skewed footprint
 * gives the middle line is a fraction of a side line's lean). */
#define TILT_MAX_ZERO 3.0

/* The first of a stretch's passes (n if none). Passes are kept in time
 * order, so by stretch: a binary search finds it (callers loop over
 * passes and stretches, and a scan of all passes here made that
 * quadratic). */
static size_t first_of_stretch(const rm_pass_rec *passes, size_t n,
                               int stretch)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (passes[mid].stretch < stretch)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A stretch's passes' lean (shape 0) or shape (1): weighted sum,
 * weights, and the lean ticks behind them. */
static rm_lean stretch_sum(const rm_pass_rec *passes, size_t n, int stretch,
                           int shape)
{
    rm_lean l = { 0.0, 0.0, 0.0 };
    for (size_t i = first_of_stretch(passes, n, stretch);
         i < n && passes[i].stretch == stretch; i++) {
        const rm_pass_rec *r = &passes[i];
        double v = shape ? r->shape : r->skew;
        double w = shape ? r->w_shape : r->w_skew;
        if (!(w > 0) || !isfinite(v))
            continue;
        l.sum += v * w;
        l.weight += w;
        l.ticks += r->n_skew;
    }
    return l;
}

rm_lean rm_stretch_lean(const rm_pass_rec *passes, size_t n, int stretch)
{
    return stretch_sum(passes, n, stretch, 0);
}

rm_cop_sum rm_stretch_cop(const rm_pass_rec *passes, size_t n, int stretch)
{
    rm_cop_sum c = { 0.0, 0.0 };
    for (size_t i = first_of_stretch(passes, n, stretch);
         i < n && passes[i].stretch == stretch; i++)
        if (passes[i].n_cop > 0 && isfinite(passes[i].cop_mm)) {
            c.sum += passes[i].cop_mm * passes[i].n_cop;
            c.n += passes[i].n_cop;
        }
    return c;
}

rm_lean rm_stretch_shape(const rm_pass_rec *passes, size_t n, int stretch)
{
    return stretch_sum(passes, n, stretch, 1);
}

/*
 * Example: tilt_cut 0.66, tilt_zero 0.17 (a left leg): a stretch of shape
 * 0.70 is the middle line whatever its lean; one of shape 0.62 leaning
 * 0.10 lies below the zero, toward low cells: lateral.
 */
rm_line rm_tilt_line(const rm_lean *lean, const rm_lean *shape,
                     const rm_line_rule *rule)
{
    rm_tilt_stretch t;
    if (!rule->tilt_on ||
        !rm_tilt_stretch_of(lean, shape, rule->tick_hz, &t))
        return RM_LINE_UNKNOWN;
    if (t.shape >= rule->tilt_cut)
        return RM_LINE_MIDDLE;
    double side = t.lean.sum / t.lean.weight >= rule->tilt_zero ? 1.0 : -1.0;
    return rm_line_from_skew(side, rule->leg, 0.5);
}

/* The stretch's line by the tilt rule, UNKNOWN where it does not name it. */
static rm_line stretch_tilt_line(const rm_pass_rec *passes, size_t n,
                                 int stretch, const rm_line_rule *rule)
{
    if (!rule->tilt_on)
        return RM_LINE_UNKNOWN;
    rm_lean l = rm_stretch_lean(passes, n, stretch);
    rm_lean s = rm_stretch_shape(passes, n, stretch);
    return rm_tilt_line(&l, &s, rule);
}

rm_line rm_stretch_line(const rm_pass_rec *passes, size_t n, int stretch,
                        const rm_line_rule *rule)
{
    rm_line t = stretch_tilt_line(passes, n, stretch, rule);
    if (t != RM_LINE_UNKNOWN)
        return t;
    if (rule->cop_on) {
        rm_cop_sum c = rm_stretch_cop(passes, n, stretch);
        return rm_line_from_cop(c.n > 0 ? c.sum / c.n : NAN, rule);
    }
    rm_lean l = rm_stretch_lean(passes, n, stretch);
    return l.weight > 0 ? rm_line_from_skew(l.sum / l.weight, rule->leg,
                                            rule->line_skew)
                        : RM_LINE_UNKNOWN;
}

/*
 * Example: stretch lean 0.20 (line_skew 0.14: a side line), a short pass
 * of 25 ticks leaning 0.05 at 50 ticks/s (prior 100 ticks): (0.05 x 25 +
 * 100 x 0.20) / 125 = 0.17, the stretch's line.
 */
double rm_pass_lean(const rm_lean *st, double skew, double n_skew,
                    double tick_hz)
{
    double k = LINE_PRIOR_S * tick_hz;
    int own_ok = n_skew > 0 && isfinite(skew);
    double own = own_ok ? skew * n_skew : 0;
    double own_n = own_ok ? n_skew : 0;
    if (st->weight > 0 && own_n + k > 0)
        return (own + k * st->sum / st->weight) / (own_n + k);
    return own_n > 0 ? own / own_n : NAN;
}

/*
 * Example: a 1 s pass at 80 ticks/s, CoP 112 mm, in a stretch whose
 * passes average 104 mm (prior 4 s: 320 ticks): (112 x 80 + 104 x 320) /
 * 400 = 105.6 mm.
 */
double rm_pass_cop(const rm_cop_sum *st, double cop_mm, double n_cop,
                   double tick_hz)
{
    if (!(n_cop > 0) || !isfinite(cop_mm))
        return NAN;
    if (!(st->n > 0))
        return cop_mm;
    double k = COP_PRIOR_S * tick_hz;
    return (cop_mm * n_cop + k * st->sum / st->n) / (n_cop + k);
}

int rm_lean_ambiguous(double lean, double line_skew)
{
    return !isfinite(lean) ||
           fabs(fabs(lean) - line_skew) < LEAN_AMBIGUOUS * line_skew;
}

rm_line_rule rm_lean_cop_view(const rm_line_rule *rule)
{
    rm_line_rule v = *rule;
    const double *c = rule->lean_cop_mm;
    v.cop_on = rule->lean_cop_on;
    v.cop_unknown = 0;
    v.cop_groups = 3;
    v.cop_lo_mm = (c[0] + c[1]) / 2;
    v.cop_hi_mm = (c[1] + c[2]) / 2;
    v.cop_lo_gap_mm = (c[1] - c[0]) / 2;
    v.cop_hi_gap_mm = (c[2] - c[1]) / 2;
    return v;
}

int rm_lean_cop_names(const rm_line_rule *rule, double lean, double cop_mm)
{
    if (!rule->lean_cop_on || !isfinite(cop_mm) ||
        !rm_lean_ambiguous(lean, rule->line_skew))
        return 0;
    double d = INFINITY;
    for (int i = 0; i < 3; i++)
        d = fmin(d, fabs(cop_mm - rule->lean_cop_mm[i]));
    return d <= LEAN_COP_REACH * rule->lean_cop_sd_mm;
}

/* A leaning session's pass or hold whose lean cannot tell: the line of
 * its CoP among the lean-named passes' CoP groups. */
static rm_line line_by_lean_cop(double cop_mm, const rm_line_rule *rule)
{
    rm_line_rule v = rm_lean_cop_view(rule);
    return rm_line_from_cop(cop_mm, &v);
}

rm_line rm_pass_line_by(const rm_lean *st, const rm_cop_sum *st_cop,
                        double skew, double n_skew, double cop_mm,
                        double n_cop, const rm_line_rule *rule)
{
    double cop = rm_pass_cop(st_cop, cop_mm, n_cop, rule->tick_hz);
    if (rule->cop_on && isfinite(cop))
        return rm_line_from_cop(cop, rule);
    double lean = rm_pass_lean(st, skew, n_skew, rule->tick_hz);
    if (rm_lean_cop_names(rule, lean, cop))
        return line_by_lean_cop(cop, rule);
    return rm_line_from_skew(lean, rule->leg, rule->line_skew);
}

rm_line rm_pass_line(const rm_pass_rec *passes, size_t n,
                     const rm_pass_rec *r, const rm_line_rule *rule)
{
    rm_line t = stretch_tilt_line(passes, n, r->stretch, rule);
    if (t != RM_LINE_UNKNOWN)
        return t;
    rm_lean l = rm_stretch_lean(passes, n, r->stretch);
    rm_cop_sum c = rm_stretch_cop(passes, n, r->stretch);
    return rm_pass_line_by(&l, &c, r->skew, r->n_skew, r->cop_mm, r->n_cop,
                           rule);
}

int rm_hold_line_is_own(const rm_lean *st, double cop_mm,
                        const rm_line_rule *rule)
{
    return !(rule->cop_on && isfinite(cop_mm)) &&
           !(st->weight > 0 && st->ticks >= HOLD_OWN_LINE_S * rule->tick_hz);
}

rm_line rm_hold_line_by(const rm_lean *st, double cop_mm, rm_line own,
                        const rm_line_rule *rule)
{
    if (rule->cop_on && isfinite(cop_mm))
        return rm_line_from_cop(cop_mm, rule);
    if (!rm_hold_line_is_own(st, cop_mm, rule))
        return rm_line_from_skew(st->sum / st->weight, rule->leg,
                                 rule->line_skew);
    return own == RM_LINE_UNKNOWN && rm_lean_cop_names(rule, NAN, cop_mm)
               ? line_by_lean_cop(cop_mm, rule)
               : own;
}

rm_line rm_hold_line(const rm_pass_rec *passes, size_t n,
                     const rm_hold_rec *h, const rm_line_rule *rule)
{
    if (rule->cop_on && isfinite(h->cop_mm))
        return rm_line_from_cop(h->cop_mm, rule);
    rm_line t = stretch_tilt_line(passes, n, h->stretch, rule);
    if (t != RM_LINE_UNKNOWN)
        return t;
    rm_lean l = rm_stretch_lean(passes, n, h->stretch);
    return rm_hold_line_by(&l, h->cop_mm, h->pub.line, rule);
}

void rm_lean_shares_add(rm_lean_shares *sh, double skew, double n,
                        double line_skew)
{
    if (!(n > 0) || !isfinite(skew))
        return;
    sh->all += n;
    if (skew >= line_skew)
        sh->high += n;
    else if (skew <= -line_skew)
        sh->low += n;
}

int rm_lines_lean_session(const rm_lean_shares *sh, int cop_groups,
                          double tick_hz)
{
    double side = sh->high + sh->low;
    if (!(sh->all > 0) || side < LEAN_SESSION_SHARE * sh->all ||
        side < LEAN_SESSION_MIN_S * tick_hz)
        return 0;
    double minority = sh->high < sh->low ? sh->high : sh->low;
    return !(cop_groups == 3 && side >= LEAN_ONE_SIDED_MIN_S * tick_hz &&
             minority < LEAN_ONE_SIDED * side);
}

void rm_lines_choose(rm_line_rule *rule, const rm_lean_shares *sh, int k,
                     size_t n_cop, int one_sided_test)
{
    if (rm_lines_lean_session(sh, one_sided_test ? k : 0, rule->tick_hz)) {
        rule->cop_on = 0;
        return;
    }
    rule->cop_unknown = rule->cop_on && k == 1 && n_cop < COP_MIN_PASSES;
}

/* ---- the centre-of-pressure cue ---- */

typedef struct cop_item {
    double x, w;
} cop_item;

static int cmp_item(const void *a, const void *b)
{
    double x = ((const cop_item *)a)->x, y = ((const cop_item *)b)->x;
    return (x > y) - (x < y);
}

/* Weighted sums of items [i, j) from prefix sums. */
typedef struct prefix {
    const double *w, *s, *q;
} prefix;

/* Sort m items by CoP and fill buf (3 (m + 1) doubles) with their
 * prefix sums: weight, weight x CoP, weight x CoP^2 of items [0, i). */
static prefix prefix_sums(cop_item *it, size_t m, double *buf)
{
    qsort(it, m, sizeof *it, cmp_item);
    double *w = buf, *sx = buf + m + 1, *q = buf + 2 * (m + 1);
    w[0] = sx[0] = q[0] = 0.0;
    for (size_t i = 0; i < m; i++) {
        w[i + 1] = w[i] + it[i].w;
        sx[i + 1] = sx[i] + it[i].w * it[i].x;
        q[i + 1] = q[i] + it[i].w * it[i].x * it[i].x;
    }
    return (prefix){ w, sx, q };
}

static double seg_sse(const prefix *p, size_t i, size_t j)
{
    double w = p->w[j] - p->w[i], s = p->s[j] - p->s[i];
    double q = p->q[j] - p->q[i];
    return w > 0 ? q - s * s / w : 0.0;
}

static double seg_mean(const prefix *p, size_t i, size_t j)
{
    double w = p->w[j] - p->w[i];
    return w > 0 ? (p->s[j] - p->s[i]) / w : NAN;
}

/* The best split into three groups, its cuts (a, b) and cost. */
typedef struct split3 {
    const prefix *p;
    size_t n, a, b;
    double best;
} split3;

/*
 * Three groups [0, a) [a, b) [b, n): for each b the best a splitting
 * [0, b) in two, plus [b, n). The best a never moves left as b moves
 * right (within-group sums of squares of sorted items obey the quadrangle
 * inequality, the fact behind Ckmeans.1d.dp), so the b are taken middle
 * first and each half searches only the a on its side of the middle's:
 * O(n log n) instead of O(n^2), the same optimum. Ties go to the smaller
 * (a, b), as a scan in that order would.
 */
static void split3_rows(split3 *s, size_t blo, size_t bhi, size_t alo,
                        size_t ahi)
{
    if (blo > bhi)
        return;
    size_t b = blo + (bhi - blo) / 2, top = ahi < b - 1 ? ahi : b - 1;
    double best2 = INFINITY;
    size_t opt = alo;
    for (size_t a = alo; a <= top; a++) {
        double e = seg_sse(s->p, 0, a) + seg_sse(s->p, a, b);
        if (e < best2) {
            best2 = e;
            opt = a;
        }
    }
    double e = best2 + seg_sse(s->p, b, s->n);
    if (e < s->best || (e == s->best && (opt < s->a ||
                                         (opt == s->a && b < s->b)))) {
        s->best = e;
        s->a = opt;
        s->b = b;
    }
    if (b > blo)
        split3_rows(s, blo, b - 1, alo, opt);
    split3_rows(s, b + 1, bhi, opt, ahi);
}

/* Optimal 1-D split of sorted items into k = 1..3 groups. cut[0..k] are
 * the group boundaries; returns the total within-group sum of squares. */
static double best_split(const prefix *p, size_t n, int k, size_t cut[4])
{
    cut[0] = 0;
    cut[k] = n;
    if (k == 1)
        return seg_sse(p, 0, n);
    double best = INFINITY;
    if (k == 2) {
        for (size_t a = 1; a < n; a++) {
            double e = seg_sse(p, 0, a) + seg_sse(p, a, n);
            if (e < best) {
                best = e;
                cut[1] = a;
            }
        }
        return best;
    }
    split3 s = { p, n, 0, 0, INFINITY };
    if (n >= 3)
        split3_rows(&s, 2, n - 1, 1, n - 2);
    cut[1] = s.a;
    cut[2] = s.b;
    return s.best;
}

/*
 * How many lines the CoP shows: the largest k (1..3) whose groups lie at
 * least COP_MIN_SEP_MM apart with a within-group spread under
 * COP_MAX_SPREAD of that gap, each carrying COP_MIN_SHARE of the ticks.
 */
static int pick_k(const prefix *p, size_t m, size_t cut[4], double c[3])
{
    for (int k = m >= 3 ? 3 : (int)m; k >= 2; k--) {
        double sse = best_split(p, m, k, cut);
        double sd = sqrt(sse / p->w[m]);
        int ok = 1;
        for (int g = 0; g < k; g++) {
            c[g] = seg_mean(p, cut[g], cut[g + 1]);
            if (p->w[cut[g + 1]] - p->w[cut[g]] < COP_MIN_SHARE * p->w[m])
                ok = 0;
        }
        for (int g = 1; g < k && ok; g++)
            if (c[g] - c[g - 1] < COP_MIN_SEP_MM ||
                sd > COP_MAX_SPREAD * (c[g] - c[g - 1]))
                ok = 0;
        if (ok)
            return k;
    }
    cut[0] = 0;
    cut[1] = m;
    c[0] = seg_mean(p, 0, m);
    return 1;
}

/* 1 when the lean-named passes' CoPs make three groups in the lines'
 * order, each at least COP_MIN_SEP_MM from the next and with a pooled
 * spread under COP_MAX_SPREAD of each gap (the CoP rule's own tests);
 * their centres into c, the pooled spread into sd. */
static int lean_cop_groups(const rm_lean_cop *g, double c[3], double *sd)
{
    double w = 0.0, sse = 0.0;
    for (int i = 0; i < 3; i++) {
        if (!(g->w[i] > 0))
            return 0;
        c[i] = g->s[i] / g->w[i];
        w += g->w[i];
        sse += g->q[i] - g->s[i] * c[i];
    }
    *sd = sqrt(sse > 0 ? sse / w : 0.0);
    for (int i = 1; i < 3; i++)
        if (c[i] - c[i - 1] < COP_MIN_SEP_MM ||
            *sd > COP_MAX_SPREAD * (c[i] - c[i - 1]))
            return 0;
    return 1;
}

void rm_lean_cop_add(rm_lean_cop *lc, double lean, double cop_mm,
                     double n_cop, double line_skew)
{
    if (!isfinite(cop_mm) || !(n_cop > 0) ||
        rm_lean_ambiguous(lean, line_skew))
        return;
    int i = fabs(lean) < line_skew ? 1 : lean > 0 ? 2 : 0;
    lc->w[i] += n_cop;
    lc->s[i] += n_cop * cop_mm;
    lc->q[i] += n_cop * cop_mm * cop_mm;
}

void rm_lean_cop_rule(const rm_lean_cop *lc, rm_line_rule *rule)
{
    rule->lean_cop_on =
        lean_cop_groups(lc, rule->lean_cop_mm, &rule->lean_cop_sd_mm);
}

/*
 * In a leaning session, is the CoP a cue too? Where the leg's resting
 * place is the session's, the passes whose lean clearly names a line
 * show that line's CoP, and the lines' CoPs lie apart in the lines'
 * order; where every placement lands elsewhere, one line's placements
 * scatter and the groups are not tight. Passes (and holds without a
 * lean) whose lean cannot tell then go by their CoP.
 */
static void fit_lean_cop(const rm_pass_rec *passes, size_t n,
                         rm_line_rule *rule)
{
    rm_lean_cop lc = { { 0.0 }, { 0.0 }, { 0.0 } };
    rm_lean l = { 0.0, 0.0, 0.0 };
    rm_cop_sum c = { 0.0, 0.0 };
    for (size_t i = 0; i < n; i++) {
        const rm_pass_rec *r = &passes[i];
        if (i == 0 || r->stretch != passes[i - 1].stretch) {
            l = rm_stretch_lean(passes, n, r->stretch);
            c = rm_stretch_cop(passes, n, r->stretch);
        }
        rm_lean_cop_add(&lc,
                        rm_pass_lean(&l, r->skew, r->n_skew, rule->tick_hz),
                        rm_pass_cop(&c, r->cop_mm, r->n_cop, rule->tick_hz),
                        r->n_cop, rule->line_skew);
    }
    rm_lean_cop_rule(&lc, rule);
}

/*
 * A leaning session whose placements recur on three CoP places
 * (RECUR_*): its lines are those places', named as a shifting session's
 * three CoP groups are. Returns 1 when it set the rule.
 */
static int fit_recurrent_cop(const rm_pass_rec *passes, size_t n,
                             rm_line_rule *rule)
{
    cop_item *it = rm_calloc(n + 1, sizeof *it);
    double *buf = rm_calloc(3 * (n + 1), sizeof *buf);
    int ok = 0;
    if (!it || !buf)
        goto out;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && passes[i].stretch == passes[i - 1].stretch)
            continue;
        rm_cop_sum c = rm_stretch_cop(passes, n, passes[i].stretch);
        if (c.n >= RECUR_MIN_S * rule->tick_hz)
            it[m++] = (cop_item){ c.sum / c.n, c.n };
    }
    if (m < 3 * RECUR_MIN_STRETCHES)
        goto out;
    prefix p = prefix_sums(it, m, buf);
    size_t cut[4];
    double sse = best_split(&p, m, 3, cut), c[3];
    for (int g = 0; g < 3; g++) {
        if (cut[g + 1] - cut[g] < RECUR_MIN_STRETCHES)
            goto out;
        c[g] = seg_mean(&p, cut[g], cut[g + 1]);
    }
    double lo = c[1] - c[0], hi = c[2] - c[1];
    double gmin = fmin(lo, hi), sd = sqrt(sse / p.w[m]);
    if (gmin < COP_MIN_SEP_MM || sd > RECUR_MAX_SPREAD * gmin ||
        gmin < RECUR_MIN_SYMMETRY * fmax(lo, hi))
        goto out;
    rule->cop_on = 1;
    rule->cop_unknown = 0;
    rule->cop_groups = 3;
    rule->cop_mid_guessed = 0;
    rule->cop_lo_mm = (c[0] + c[1]) / 2;
    rule->cop_hi_mm = (c[1] + c[2]) / 2;
    rule->cop_lo_gap_mm = lo / 2;
    rule->cop_hi_gap_mm = hi / 2;
    ok = 1;
out:
    rm_free(it);
    rm_free(buf);
    return ok;
}

/*
 * A leaning session whose placements split by shape into untilted and
 * tilted ones (TILT_*): the untilted are the middle line, and the tilted
 * lie on the side their lean takes from the untilted ones' mean lean.
 * st: the stretches with TILT_MIN_S of lean and a shape (m of them).
 * Sets rule->tilt_on and its cut, zero and gap.
 */
void rm_tilt_fit(const rm_tilt_stretch *st, size_t m, rm_line_rule *rule)
{
    rule->tilt_on = 0;
    if (m < 3)
        return;
    cop_item *it = rm_calloc(m, sizeof *it);
    double *buf = rm_calloc(3 * (m + 1), sizeof *buf);
    if (!it || !buf)
        goto out;
    for (size_t i = 0; i < m; i++)
        it[i] = (cop_item){ st[i].shape, st[i].ticks };
    prefix p = prefix_sums(it, m, buf);
    size_t cut[4] = { 0, 1, m, m };
    double sse = best_split(&p, m, 2, cut);
    double lo = seg_mean(&p, 0, cut[1]), hi = seg_mean(&p, cut[1], m);
    double gap = hi - lo, sd = sqrt(sse / p.w[m]);
    double w_lo = p.w[cut[1]], w_hi = p.w[m] - w_lo;
    if (gap < TILT_MIN_GAP || gap > TILT_MAX_GAP ||
        sd > TILT_MAX_SPREAD * gap ||
        fmin(w_lo, w_hi) < TILT_MIN_SHARE * p.w[m])
        goto out;
    double tilt_cut = (it[cut[1] - 1].x + it[cut[1]].x) / 2;
    double zs = 0.0, zq = 0.0, zw = 0.0;
    for (size_t i = 0; i < m; i++)
        if (st[i].shape >= tilt_cut) {
            zs += st[i].lean.sum;
            zq += st[i].lean.sum * st[i].lean.sum / st[i].lean.weight;
            zw += st[i].lean.weight;
        }
    double zero = zw > 0 ? zs / zw : NAN;
    if (!(fabs(zero) <= TILT_MAX_ZERO * rule->line_skew) ||
        !(sqrt(fmax(zq / zw - zero * zero, 0.0)) <=
          TILT_MID_SD * rule->line_skew))
        goto out;
    rule->tilt_on = 1;
    rule->tilt_cut = tilt_cut;
    rule->tilt_zero = zero;
    rule->tilt_gap = gap;
out:
    rm_free(it);
    rm_free(buf);
}

int rm_tilt_stretch_of(const rm_lean *lean, const rm_lean *shape,
                       double tick_hz, rm_tilt_stretch *out)
{
    if (!(lean->weight > 0) || !(shape->weight > 0) ||
        shape->ticks < TILT_MIN_S * tick_hz)
        return 0;
    *out = (rm_tilt_stretch){ *lean, shape->sum / shape->weight,
                              shape->ticks };
    return 1;
}

static void fit_tilt(const rm_pass_rec *passes, size_t n, rm_line_rule *rule)
{
    rm_tilt_stretch *st = rm_calloc(n + 1, sizeof *st);
    if (!st)
        return;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && passes[i].stretch == passes[i - 1].stretch)
            continue;
        rm_lean l = rm_stretch_lean(passes, n, passes[i].stretch);
        rm_lean s = rm_stretch_shape(passes, n, passes[i].stretch);
        m += (size_t)rm_tilt_stretch_of(&l, &s, rule->tick_hz, &st[m]);
    }
    rm_tilt_fit(st, m, rule);
    rm_free(st);
}

/*
 * Two ways a turned leg shows on the strip: the footprint leans, or it
 * rolls sideways (the whole footprint moves toward the loaded side). The
 * lean needs no reference; the shift needs the session's own middle line,
 * since where the leg rests on the strip is the person's. The passes'
 * mean CoPs are grouped (rm_lines_cop_rule); then when a fair share of
 * the rolling leans past line_skew, both ways, the lean names the lines
 * (a leaning session's CoP also moves with the lean, the same way, but
 * where each placement lands somewhere else it says nothing), else the
 * CoP groups do (rm_lines_choose). Each pass's CoP is first shrunk toward
 * its stretch's (rm_pass_cop). When the lean would name the lines but the
 * placements recur on three CoP places, those places do
 * (fit_recurrent_cop); else the CoPs of the passes the lean names clearly
 * may still name those it cannot (fit_lean_cop).
 */
void rm_lines_fit(const rm_pass_rec *passes, size_t n, rm_line_rule *rule)
{
    rule->cop_on = 0;
    rule->cop_lo_mm = rule->cop_hi_mm = NAN;
    rule->lean_cop_on = 0;
    rule->cop_groups = 0;
    rule->cop_lo_gap_mm = rule->cop_hi_gap_mm = NAN;
    rule->cop_mid_guessed = 0;
    rule->cop_unknown = 0;
    rule->tilt_on = 0;
    rule->tilt_cut = rule->tilt_zero = rule->tilt_gap = NAN;
    rm_lean_shares sh = { 0.0, 0.0, 0.0 };
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const rm_pass_rec *r = &passes[i];
        rm_lean_shares_add(&sh, r->skew, r->n_skew, rule->line_skew);
        if (r->n_cop > 0 && isfinite(r->cop_mm))
            m++;
    }
    if (m < 1)
        return;
    cop_item *it = rm_calloc(m, sizeof *it);
    double *buf = rm_calloc(3 * (m + 1), sizeof *buf);
    if (!it || !buf) {
        rm_free(it);
        rm_free(buf);
        return;
    }
    m = 0;
    rm_cop_sum c = { 0.0, 0.0 };
    for (size_t i = 0; i < n; i++) {
        const rm_pass_rec *r = &passes[i];
        if (i == 0 || r->stretch != passes[i - 1].stretch)
            c = rm_stretch_cop(passes, n, r->stretch);
        double cop = rm_pass_cop(&c, r->cop_mm, r->n_cop, rule->tick_hz);
        if (isfinite(cop))
            it[m++] = (cop_item){ cop, r->n_cop };
    }
    prefix p = prefix_sums(it, m, buf);
    int k = rm_lines_cop_rule(p.w, p.s, p.q, m, rule);
    rm_free(it);
    rm_free(buf);
    rm_lines_choose(rule, &sh, k, m, 1);
    if (!rule->cop_on && !fit_recurrent_cop(passes, n, rule))
        fit_lean_cop(passes, n, rule);
    if (!rule->cop_on)
        fit_tilt(passes, n, rule);
}

/*
 * The CoP rule from the prefix sums of the passes' mean CoPs in CoP order
 * (w, s, q: weight, weight x CoP, weight x CoP^2 of items [0, i), i =
 * 0..m): three groups are lateral, middle and medial; two are either both
 * sides (wider apart than one side's largest shift) or the middle and one
 * side, the middle being the group nearer the strip's middle; one group
 * is the middle line.
 */
int rm_lines_cop_rule(const double *w, const double *s, const double *q,
                      size_t m, rm_line_rule *rule)
{
    prefix p = { w, s, q };
    size_t cut[4];
    double c[3];
    int k = pick_k(&p, m, cut, c);
    rule->cop_mid_guessed = 0;
    double mid, lo_gap, hi_gap;
    if (k == 3) {
        mid = c[1];
        lo_gap = c[1] - c[0];
        hi_gap = c[2] - c[1];
    } else if (k == 2 && c[1] - c[0] > COP_SIDES_MM) {
        mid = (c[0] + c[1]) / 2;
        lo_gap = hi_gap = (c[1] - c[0]) / 2;
    } else if (k == 2) {
        rule->cop_mid_guessed = 1;
        int low_mid = fabs(c[0] - rule->strip_mid_mm) <=
                      fabs(c[1] - rule->strip_mid_mm);
        mid = low_mid ? c[0] : c[1];
        lo_gap = hi_gap = c[1] - c[0];
    } else {
        mid = c[0];
        lo_gap = hi_gap = 2 * COP_MIN_SEP_MM;
    }
    rule->cop_on = 1;
    rule->cop_lo_mm = mid - lo_gap / 2;
    rule->cop_hi_mm = mid + hi_gap / 2;
    rule->cop_groups = k;
    rule->cop_lo_gap_mm = lo_gap / 2;
    rule->cop_hi_gap_mm = hi_gap / 2;
    return k;
}

rm_line rm_line_from_cop(double cop_mm, const rm_line_rule *rule)
{
    if (!isfinite(cop_mm) || !rule->cop_on || rule->cop_unknown)
        return RM_LINE_UNKNOWN;
    /* rm_line_from_skew's sides: + toward high cells. */
    double side = cop_mm > rule->cop_hi_mm ? 1.0
                  : cop_mm < rule->cop_lo_mm ? -1.0 : 0.0;
    return rm_line_from_skew(side, rule->leg, 0.5);
}
