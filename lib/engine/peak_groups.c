/*
 * Peaks at finish: the candidates every pass kept (peaks.c) are placed on
 * the calf through their pass, given the line of the spot under them,
 * grouped along each line, kept when they recurred on enough of the
 * passes that rolled over the place, and scored.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"
#include "finish.h"

/* Along one line two spots closer than this cannot be told apart: a
 * 1-2 cm spot under a 2 cm contact band blurs over ~3 cm, and the load it
 * takes leaves dips in the other cells that echo it a bump-width away
 * (cm). The one with the higher score stays. */
#define RESOLVE_CM 3.5
/* Spots on different lines closer than this are one spot (cm). */
#define MERGE_CM 0.0
/* Peaks of one spot on different passes fall within this (cm). */
#define GROUP_CM 2.0
/* A spot of weak candidates only (peaks.c) must show on this share of
 * the passes over it, and on this many: three passes in four, since the
 * weak floors sit just under the faintest spot worth finding, where a
 * footprint's own unevenness also shows now and then; consistency
 * across passes, not the height on one, tells them apart. */
#define WEAK_SHARE 0.75
#define WEAK_MIN_PASSES 3
/* A spot's echo lies about a bump-width along on the other side of the
 * footprint (cm; see rm_peaks_finish's own-line rule). */
#define WEAK_ECHO_CM 4.0
/* ... but beside the spot, not at its place: there the spot takes load
 * from the other side's cells, whose shares dip, and the echo is the
 * bump that dip leaves in the fitted base a bump-width along. A weak
 * bump of the other side within this of the strong spot (cm: a bin
 * either side of where the groups' means put them) is a second spot at
 * the same height, as the medial and lateral gastrocnemius heads often
 * have (random pool: 0.728 / 0.801 -> 0.731 / 0.801, tuning family
 * 0.869 / 0.875 -> 0.870 / 0.875; 1 cm 0.731 / 0.801, 0.870 / 0.874). */
#define WEAK_ECHO_MIN_CM 0.6
/* A side spot is seen "from its own line" when this many passes of that
 * line show it (resolve_echoes, group_peak). */
#define WEAK_OWN_PASSES 2
/* The far edge of a bump's flanks (5 cm, peaks.c) and half a strong
 * spot's blur beyond it (cm). */
#define WEAK_NEAR_CM 6.5
/* A middle-line peak this close along the calf to a medial or lateral
 * one is that side spot read off its line (cm): rolled flat, a side
 * spot can read nearer the footprint's centre than SIDE_U (a narrow or
 * soft-edged footprint, a leg resting off the strip's middle), and on
 * the other side's passes it lies toward the unloaded edge, where a
 * middle spot reads too (TURNED_U); its own line's passes, which bring
 * it under the loaded middle, are what tell its line. Two spots of
 * adjacent lines at one place along the calf, 1.5-3 cm apart across
 * it, would press on one strip of the footprint. Measured on the tuning
 * family: every middle peak reported (20) lay within 2 cm of a planted
 * side spot, 16 of them within 2.5 cm of a side peak. */
#define MIDDLE_BESIDE_SIDE_CM 2.5

rm_zone rm_zone_at(double frac, rm_line line)
{
    /* Tendon ends: the Achilles below ~12 % of the length, the popliteal
     * region above ~92 %. The gastrocnemius bellies fill the upper calf
     * down to a little above half way (a bit lower on the medial head);
     * below them lies the soleus (anatomy, brief). */
    if (frac < 0.12)
        return RM_ZONE_ACHILLES;
    if (frac > 0.92)
        return RM_ZONE_BELOW_KNEE;
    if (line == RM_LINE_LATERAL)
        return frac >= 0.60 ? RM_ZONE_GASTROC_LATERAL : RM_ZONE_SOLEUS;
    return frac >= 0.52 ? RM_ZONE_GASTROC_MEDIAL : RM_ZONE_SOLEUS;
}

/* Zone weights for the score: tendon ends read tender without being
 * knots (lower pain thresholds near tendons), so they count half. */
static double zone_weight(rm_zone z)
{
    return z == RM_ZONE_ACHILLES || z == RM_ZONE_BELOW_KNEE ? 0.5 : 1.0;
}

/*
 * Which line a spot lies on, from where it showed across the footprint
 * and the line being rolled. Rolling the middle line, the leg lies flat:
 * a spot's place across the footprint is its place across the leg.
 * Turning the leg onto a side rolls the skin over the roller and brings
 * that side's spots to the loaded middle of the contact (the other side's
 * go to the unloaded edge and hardly show), so on a medial or lateral
 * pass a spot near the middle is on that line and one well toward the
 * other side is a middle-line spot.
 * Example: left leg, medial pass, spot at u = +0.1 -> medial; at -0.5
 * -> middle.
 */
#define SIDE_U 0.25
/* On a medial or lateral pass the footprint's measured centre (edges at
 * 5 % of the peak cell) moves toward the loaded side, since the light
 * tail on the other side falls under the edge threshold: a spot of the
 * rolled line reads 0.1-0.3 half-widths toward the unloaded side, a
 * middle-line spot 0.6-0.8 (measured in the simulator). The boundary
 * lies between them. */
#define TURNED_U 0.45

static rm_line spot_line(rm_line pass_line, double u, rm_leg leg)
{
    double u_med = leg == RM_LEG_RIGHT ? -u : u; /* + toward medial */
    switch (pass_line) {
    case RM_LINE_MIDDLE:
        if (leg == RM_LEG_UNKNOWN)
            return fabs(u) <= SIDE_U ? RM_LINE_MIDDLE : RM_LINE_UNKNOWN;
        return u_med > SIDE_U    ? RM_LINE_MEDIAL
               : u_med < -SIDE_U ? RM_LINE_LATERAL
                                 : RM_LINE_MIDDLE;
    case RM_LINE_MEDIAL:
        return u_med < -TURNED_U ? RM_LINE_MIDDLE : RM_LINE_MEDIAL;
    case RM_LINE_LATERAL:
        return u_med > TURNED_U ? RM_LINE_MIDDLE : RM_LINE_LATERAL;
    default:
        return RM_LINE_UNKNOWN;
    }
}

typedef rm_placed_cand placed;

static int cmp_placed(const void *a, const void *b)
{
    const placed *p = a, *q = b;
    if (p->line != q->line)
        return (int)p->line - (int)q->line;
    return (p->x > q->x) - (p->x < q->x);
}

/* A middle-line pass counts this much toward the passes that could show
 * a medial or lateral spot: rolling flat, a side's spot lies off the
 * loaded middle of the contact (> SIDE_U half-widths out) and shows
 * weaker than on its own line, so a middle pass that missed it is weaker
 * evidence against it: an own-line pass over a side spot shows it
 * about 9 times in 10, a middle pass about 8 in 10. A side spot must also
 * show on its own line (rm_peaks_finish); of the weights tried, 0.5 gave
 * the best recall at the precision target (docs/engine.md, tuning
 * log). */
#define MIDDLE_PASS_WEIGHT 0.5

/* Passes over calf position x (2.5 cm inside their ends) that could show
 * a spot on `line`, weighted: any line for a middle spot; for a side's
 * spot its own line and the middle one (MIDDLE_PASS_WEIGHT each; turned
 * the other way the spot goes to the unloaded edge). */
static double passes_over(const rm_peak_frame *e, double x, rm_line line,
                          int own_only)
{
    double n = 0.0;
    for (size_t i = 0; i < e->n_passes; i++) {
        rm_line pl = e->passes[i].line;
        if (line != RM_LINE_MIDDLE && pl != line && pl != RM_LINE_MIDDLE)
            continue;
        if (own_only && pl != line)
            continue;
        double a = e->passes[i].from_cm, b = e->passes[i].to_cm;
        if (!isfinite(a) || !isfinite(b))
            continue;
        double lo = a < b ? a : b, hi = a < b ? b : a;
        if (x >= lo + 2.5 && x <= hi - 2.5)
            n += line != RM_LINE_MIDDLE && pl != line ? MIDDLE_PASS_WEIGHT
                                                      : 1.0;
    }
    return n;
}

/* Every candidate placed on the calf with its spot line (v, returns how
 * many); candidates that cannot be placed are left out. */
static size_t place_candidates(const rm_engine *e, placed *v)
{
    const rm_peak_tracker *p = &e->peaks_tr;
    size_t nv = 0;
    for (size_t i = 0; i < p->n; i++) {
        double x = NAN;
        int pi = p->c[i].pass;
        if (pi >= 0 && (size_t)pi < e->n_passes)
            x = rm_engine_place(e, p->c[i].stretch, p->c[i].enc_cm,
                                e->passes[pi].pub.start_s,
                                e->passes[pi].pub.end_s);
        if (!isfinite(x))
            continue;
        v[nv].x = x;
        v[nv].line = spot_line(e->passes_v[pi].line, p->c[i].u, e->meta.leg);
        if (v[nv].line == RM_LINE_UNKNOWN)
            continue;
        v[nv].c = &p->c[i];
        nv++;
    }
    return nv;
}

/* What a group of candidates (v[i..j-1], one line) adds up to. */
typedef struct group {
    unsigned distinct, distinct_own; /* passes it showed on (own line) */
    unsigned distinct_mid;           /* ... on middle-line passes */
    double sx, sw;                   /* rise-weighted position sum, weights */
    double skpa, srise;              /* pressure and rise sums */
    unsigned members;                /* candidates in those sums */
} group;

static group group_sums(const rm_peak_frame *e, const placed *v, size_t i,
                        size_t j, char *seen)
{
    group g = { 0, 0, 0, 0, 0, 0, 0, 0 };
    memset(seen, 0, e->n_passes + 1);
    for (size_t k = i; k < j; k++) {
        int pi = v[k].c->pass;
        if (pi >= 0 && (size_t)pi < e->n_passes && !seen[pi]) {
            seen[pi] = 1;
            g.distinct++;
            g.distinct_own += e->passes[pi].line == v[i].line;
            g.distinct_mid += e->passes[pi].line == RM_LINE_MIDDLE;
        }
        double w = v[k].c->rise;
        g.sx += w * v[k].x;
        g.sw += w;
        g.skpa += v[k].c->kpa;
        g.srise += v[k].c->rise;
        g.members++;
    }
    return g;
}

/* End of the group starting at v[i]: same line (and tier: v[i..end-1]),
 * each within GROUP_CM of the first. */
static size_t group_end(const placed *v, size_t i, size_t end)
{
    size_t j = i;
    while (j < end && v[j].line == v[i].line && v[j].x - v[i].x <= GROUP_CM)
        j++;
    return j;
}

/* First of w[0..nw-1] (sorted by line, then place) at or after (line,
 * x): a binary search, so the support below costs log n per group. */
static size_t lower_bound(const placed *w, size_t nw, rm_line line, double x)
{
    size_t lo = 0, hi = nw;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w[mid].line < line || (w[mid].line == line && w[mid].x < x))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
 * A strong group that did not recur on enough passes, with the weak
 * candidates of its line within GROUP_CM of its place (w[0..nw-1],
 * sorted) on passes it did not show on: a spot that stands out past
 * peak_min_rise on one pass (the spot under a cell's middle, a heavier
 * pass) stands out by less on the others, and grouped by tier the two
 * halves each fell short. Adds those passes to *g (seen[] holds the
 * group's own); returns how many. The group is then judged as a weak
 * spot: most of the passes over it, and several; its mean rise, with
 * the weak showings in it, is what its score and confidence see.
 */
static unsigned weak_support(const rm_peak_frame *e, const placed *w, size_t nw,
                             rm_line line, double x, char *seen, group *g)
{
    unsigned added = 0;
    for (size_t k = lower_bound(w, nw, line, x - GROUP_CM);
         k < nw && w[k].line == line && w[k].x <= x + GROUP_CM; k++) {
        int pi = w[k].c->pass;
        if (pi < 0 || (size_t)pi >= e->n_passes || seen[pi])
            continue;
        seen[pi] = 1;
        g->distinct++;
        g->distinct_own += e->passes[pi].line == line;
        g->distinct_mid += e->passes[pi].line == RM_LINE_MIDDLE;
        /* Its pressure and rise join the means (the place stays the
         * strong bump's). */
        g->skpa += w[k].c->kpa;
        g->srise += w[k].c->rise;
        g->members++;
        added++;
    }
    return added;
}

/* The group starting at v[i] (sums in *g) as a peak in *pk when it
 * recurred on enough of the passes over it; returns 0 when it did not. */
static int group_peak(const rm_peak_frame *e, const placed *v, size_t i,
                      const group *g, int weak, rm_peak *pk)
{
    double x = g->sw > 0 ? g->sx / g->sw : v[i].x;
    double over = passes_over(e, x, v[i].line, 0);
    if (over < g->distinct)
        over = g->distinct;
    /* A medial or lateral spot must show on at least one pass of its
     * own line when that line was rolled over it: a spot on one side
     * takes load from the cells on the other, whose shares then dip
     * and leave a bump between two dips (or beside one) about 3 cm
     * along and on the far side of the footprint. Rolled flat, such
     * an echo of a medial spot reads exactly like a lateral spot, and
     * recurs on every middle pass; on the lateral line itself the
     * medial spot goes to the unloaded edge and neither shows
     * (what this rule bought: docs/engine.md, tuning log). A middle
     * spot likewise must show on a middle pass when one rolled over
     * it: a medial or lateral pass puts it toward the unloaded side,
     * past TURNED_U, where the other side's spot at the unloaded edge
     * reads too (only its inner part is under load, so it reads well
     * inside the edge); rolled flat, a middle spot lies under the
     * loaded middle. */
    int own_ok = g->distinct_own > 0 ||
                 passes_over(e, x, v[i].line, 1) < 1.0;
    if (!((double)g->distinct >= e->min_passes &&
          2 * g->distinct >= over && own_ok))
        return 0;
    /* A weak spot (peaks.c) stands out of the flanks by little, as a
     * footprint's own unevenness can once in a while: it must show on
     * most of the passes over it, and on several; or, for a side spot,
     * on every pass of its own line over it, and on at least
     * WEAK_OWN_PASSES of them. Its own line brings a side spot under
     * the loaded middle of the contact, where it shows best; rolled
     * flat it lies toward the edge and a weak one often does not show,
     * so a line rolled twice over it could never give the three passes
     * (middle passes count half, passes_over). */
    int all_own = v[i].line != RM_LINE_MIDDLE &&
                  g->distinct_own >= WEAK_OWN_PASSES &&
                  (double)g->distinct_own >= passes_over(e, x, v[i].line, 1);
    if (weak && !all_own &&
        ((double)g->distinct < WEAK_SHARE * over ||
         (double)g->distinct < WEAK_MIN_PASSES))
        return 0;
    pk->position_cm = x;
    pk->position_frac = x / e->length_cm;
    pk->line = v[i].line;
    pk->zone = rm_zone_at(pk->position_frac, pk->line);
    pk->pressure_kpa = g->skpa / (double)g->members;
    pk->passes = g->distinct;
    /* Raw score: how often it shows x how far it stands out. */
    double rec = over > 0 ? (double)g->distinct / over : 1.0;
    pk->score = zone_weight(pk->zone) * (rec > 1 ? 1 : rec) *
                (g->srise / (double)g->members);
    pk->confidence = rm_conf_peak(g->srise / (double)g->members,
                                  e->min_rise, g->distinct, over,
                                  e->min_passes);
    return 1;
}

/* What resolve_echoes needs to know of a peak besides its record. */
#define TIER_WEAK 1u  /* weak candidates only (peaks.c) */
#define TIER_BOTH 2u  /* a side spot seen on WEAK_OWN_PASSES passes of its
                         own line and on a middle pass */

/* Echoes along a line (RESOLVE_CM) and one spot labelled on two lines
 * (MERGE_CM): only the one with the higher score (recurrence x rise)
 * stays. Compacts out[] and tier[] in place; returns how many are
 * kept. */
static size_t resolve_echoes(rm_peak *out, unsigned char *tier, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        int drop = 0, wi = tier[i] & TIER_WEAK;
        for (size_t j = 0; j < n && !drop; j++) {
            if (j == i)
                continue;
            int wj = tier[j] & TIER_WEAK;
            double d = fabs(out[j].position_cm - out[i].position_cm);
            /* A weak side spot near a strong one of the other side is
             * that spot's echo on the far side of the footprint, unless
             * it showed both where its own line brings it under the
             * loaded middle (WEAK_OWN_PASSES passes of that line) and
             * where rolling flat puts it toward its side (a middle
             * pass): an echo comes from one way of lying on the roller,
             * a spot in the leg shows from both (docs/engine.md, tuning
             * log). */
            if (wi && !wj && !(tier[i] & TIER_BOTH) && d <= WEAK_ECHO_CM &&
                d >= WEAK_ECHO_MIN_CM && out[i].line != out[j].line &&
                out[i].line != RM_LINE_MIDDLE &&
                out[j].line != RM_LINE_MIDDLE) {
                drop = 1;
                continue;
            }
            /* A weak spot whose flanks held a strong one of its line: the
             * strong bump bent the base it was measured against. */
            if (wi && !wj && out[i].line == out[j].line &&
                d <= WEAK_NEAR_CM) {
                drop = 1;
                continue;
            }
            if (out[j].line == out[i].line ? d > RESOLVE_CM : d > MERGE_CM)
                continue;
            /* A spot of strong candidates wins over a weak one. */
            if (wj != wi)
                drop = wi;
            else if (out[j].score > out[i].score ||
                     (out[j].score == out[i].score && j < i))
                drop = 1;
        }
        if (!drop) {
            tier[kept] = tier[i];
            out[kept++] = out[i];
        }
    }
    return kept;
}

/* A side peak that stands, in its line's mean over the session's passes
 * (peak_stack.c), under this share of the highest place 3.5-7.5 cm along
 * the line is that place's echo: a strong spot takes load from the cells
 * around it, and its dips lower the base of the place 4-7 cm away on
 * every pass over both, so the echo recurs as a spot would. One pass may
 * show it past the floors (its flanks fitted on a dip); the mean over
 * the line's passes weighs it against its parent. Echoes stand a fifth
 * to half as high as their spot, planted spots beside another mostly
 * over half (the stacked spots' own test, STACK_ECHO_RATIO 0.5); peaks
 * of candidates showed on single passes as well, so they go only well
 * under that (tuning family: 0.2 / 0.25 / 0.3 / 0.4, docs/engine.md). */
#define ECHO_MEAN_RATIO 0.3
/* Only an uncertain peak (strength, rm_conf_peak, under this: its mean
 * rise under peak_min_rise, or shown on few of the passes over it; the
 * strength, not the confidence reported, which is set after the
 * grouping, rm_conf_peak_stated) is judged so: an
 * echo a fifth to half as high as its spot mostly stays under
 * peak_min_rise, while two real spots 4-7 cm apart on one line (the
 * gastrocnemius heads) both rise past it. */
#define ECHO_UNSURE_CONF 0.5
/* The stacked mean is read at its highest within this of a peak's
 * place (bins of RM_STACK_BIN_CM): a peak's place is its candidates'
 * mean, the mean's maximum may lie a bin or two off. */
#define ECHO_NEAR_BINS 2

/* Is peak pk, of a side line, the echo of a place along its line by the
 * stacked profile of f (ECHO_MEAN_RATIO)? No when there is none. */
static int stacked_echo(const rm_peak_frame *f, const rm_peak *pk)
{
    if (!f->prof || f->prof_ng <= 0 || pk->confidence >= ECHO_UNSURE_CONF ||
        (pk->line != RM_LINE_MEDIAL && pk->line != RM_LINE_LATERAL))
        return 0;
    int ng = f->prof_ng, li = pk->line == RM_LINE_MEDIAL ? 0 : 1;
    const float *mean = f->prof + 2 * li * ng, *parent = mean + ng;
    int g0 = (int)floor(pk->position_cm / RM_STACK_BIN_CM);
    double best = NAN, best_parent = NAN;
    for (int g = g0 - ECHO_NEAR_BINS; g <= g0 + ECHO_NEAR_BINS; g++) {
        if (g < 0 || g >= ng || !isfinite(mean[g]))
            continue;
        if (!(mean[g] <= best)) {
            best = mean[g];
            best_parent = parent[g];
        }
    }
    return isfinite(best) && best_parent > 0 &&
           best < ECHO_MEAN_RATIO * best_parent;
}

/* Drops from out[0..n-1] (and tier[]) the side peaks that are echoes by
 * the stacked profile (stacked_echo); returns how many are kept. */
static size_t drop_stacked_echoes(const rm_peak_frame *f, rm_peak *out,
                                  unsigned char *tier, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (stacked_echo(f, &out[i]))
            continue;
        tier[kept] = tier[i];
        out[kept++] = out[i];
    }
    return kept;
}

/* The stacked spots (peak_stack.c) added to out[0..n-1], the peaks the
 * candidates left: each only where no peak of its line lies within
 * RESOLVE_CM (it never hides one), the higher of two stacked spots of a
 * line closer than that. The same-line WEAK_NEAR_CM rule and the
 * cross-line echo rule of weak spots do not apply: a stacked spot passed
 * its own echo test against the stacked profile and showed on its own
 * line's passes. Returns the new count; *best_score grows with them. */
static size_t add_stacked(rm_peak *out, size_t n, const rm_peak *st,
                          size_t n_st, double *best_score)
{
    size_t base = n;
    for (size_t k = 0; k < n_st; k++) {
        int drop = 0;
        for (size_t j = 0; j < base && !drop; j++)
            drop = out[j].line == st[k].line &&
                   fabs(out[j].position_cm - st[k].position_cm) <= RESOLVE_CM;
        for (size_t q = 0; q < n_st && !drop; q++)
            drop = q != k && st[q].line == st[k].line &&
                   fabs(st[q].position_cm - st[k].position_cm) <= RESOLVE_CM &&
                   (st[q].score > st[k].score ||
                    (st[q].score == st[k].score && q < k));
        if (drop)
            continue;
        out[n++] = st[k];
        if (st[k].score > *best_score)
            *best_score = st[k].score;
    }
    return n;
}

/* Drops each middle-line peak of out[0..n-1] within
 * MIDDLE_BESIDE_SIDE_CM of a medial or lateral one (the side spot read
 * off its line); returns how many are kept. */
static size_t drop_middle_beside_side(rm_peak *out, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        int drop = 0;
        if (out[i].line == RM_LINE_MIDDLE)
            for (size_t j = 0; j < n && !drop; j++)
                drop = (out[j].line == RM_LINE_MEDIAL ||
                        out[j].line == RM_LINE_LATERAL) &&
                       fabs(out[j].position_cm - out[i].position_cm) <=
                           MIDDLE_BESIDE_SIDE_CM;
        if (!drop)
            out[kept++] = out[i];
    }
    return kept;
}

rm_status rm_peaks_group(const rm_peak_frame *e, rm_placed_cand *v,
                         size_t nv, rm_peak **out_p, size_t *n_out)
{
    *out_p = NULL;
    *n_out = 0;
    size_t ns_in = e->stacked ? e->n_stacked : 0;
    if (nv + ns_in == 0)
        return RM_OK;
    rm_peak *out = rm_calloc(nv + ns_in, sizeof *out);
    char *seen = rm_calloc(e->n_passes + 1, 1);
    unsigned char *tier = rm_calloc(nv + ns_in, 1);
    if (!out || !seen || !tier) {
        rm_free(out);
        rm_free(seen);
        rm_free(tier);
        return RM_ERR_NOMEM;
    }
    size_t n_peaks = 0;
    /* Strong candidates first, then weak ones, each sorted by line and
     * place and grouped on its own: weak bumps never join or split a
     * group of strong ones (a strong group short of passes may count
     * them, weak_support). */
    size_t ns = 0;
    for (size_t k = 0; k < nv; k++)
        if (!v[k].c->weak) {
            placed t = v[ns];
            v[ns++] = v[k];
            v[k] = t;
        }
    qsort(v, ns, sizeof *v, cmp_placed);
    qsort(v + ns, nv - ns, sizeof *v, cmp_placed);
    double best_score = 0.0;
    for (size_t i = 0; i < nv;) {
        /* One group: same line and tier, each within GROUP_CM of the
         * first. */
        size_t end = i < ns ? ns : nv, j = group_end(v, i, end);
        group g = group_sums(e, v, i, j, seen);
        rm_peak *pk = &out[n_peaks];
        int weak = i >= ns;
        int ok = group_peak(e, v, i, &g, weak, pk);
        if (!ok && !weak) {
            double x = g.sw > 0 ? g.sx / g.sw : v[i].x;
            if (weak_support(e, v + ns, nv - ns, v[i].line, x, seen, &g)) {
                weak = 1;
                ok = group_peak(e, v, i, &g, weak, pk);
            }
        }
        if (ok) {
            /* Seen from its own line and rolled flat (resolve_echoes). */
            int both = v[i].line != RM_LINE_MIDDLE &&
                       g.distinct_own >= WEAK_OWN_PASSES &&
                       g.distinct_mid > 0;
            tier[n_peaks++] = (unsigned char)((weak ? TIER_WEAK : 0u) |
                                           (both ? TIER_BOTH : 0u));
            if (pk->score > best_score)
                best_score = pk->score;
        }
        i = j;
    }
    n_peaks = drop_stacked_echoes(e, out, tier, n_peaks);
    n_peaks = resolve_echoes(out, tier, n_peaks);
    if (ns_in)
        n_peaks = add_stacked(out, n_peaks, e->stacked, ns_in, &best_score);
    size_t before = n_peaks;
    n_peaks = drop_middle_beside_side(out, n_peaks);
    if (n_peaks < before) {
        /* The strongest may have gone with them. */
        best_score = 0.0;
        for (size_t i = 0; i < n_peaks; i++)
            if (out[i].score > best_score)
                best_score = out[i].score;
    }
    /* Scores 0..1 relative to the strongest spot of the session; the
     * confidence reported from it (until here the peaks carried their
     * strength, rm_conf_peak, which the echo rule reads). */
    for (size_t i = 0; i < n_peaks; i++) {
        out[i].score = best_score > 0 ? out[i].score / best_score : 0.0;
        out[i].confidence = rm_conf_peak_stated(
            out[i].score,
            (double)out[i].passes >=
                passes_over(e, out[i].position_cm, out[i].line, 0));
    }
    rm_free(seen);
    rm_free(tier);
    *out_p = out;
    *n_out = n_peaks;
    return RM_OK;
}

/* Every pass's rows (peaks.c) placed on the calf (w, returns how many);
 * rows that cannot be placed are left out. */
static size_t place_rows(const rm_engine *e, rm_placed_row *w)
{
    const rm_peak_tracker *p = &e->peaks_tr;
    size_t nw = 0;
    for (size_t i = 0; i < p->n_rows; i++) {
        int pi = p->rows[i].pass;
        if (pi < 0 || (size_t)pi >= e->n_passes)
            continue;
        const rm_pass_rec *pr = &e->passes[pi];
        double x = rm_engine_place(e, pr->stretch, p->rows[i].enc_cm,
                                   pr->pub.start_s, pr->pub.end_s);
        if (!isfinite(x))
            continue;
        w[nw].x = x;
        w[nw].row = &p->rows[i];
        nw++;
    }
    return nw;
}

/* The stacked spots of the session (peak_stack.c) in *out, *n, and the
 * side lines' profiles in prof (rm_peak_frame.prof). */
static rm_status stacked_spots(const rm_engine *e, const rm_peak_frame *f,
                               rm_peak **out, size_t *n, float *prof)
{
    const rm_peak_tracker *p = &e->peaks_tr;
    *out = NULL;
    *n = 0;
    if (p->n_rows == 0)
        return RM_OK;
    rm_placed_row *w = rm_calloc(p->n_rows, sizeof *w);
    if (!w)
        return RM_ERR_NOMEM;
    size_t nw = place_rows(e, w);
    rm_status st = rm_peaks_stack_profile(f, e->meta.leg, w, nw, out, n, prof);
    rm_free(w);
    return st;
}

rm_status rm_peaks_finish(rm_engine *e)
{
    const rm_peak_tracker *p = &e->peaks_tr;
    e->n_peaks = 0;
    if (!e->al.found || (p->n == 0 && p->n_rows == 0))
        return RM_OK;
    rm_peak_frame f = { e->passes_v, e->n_passes, e->al.length_cm,
                        e->cfg.peak_min_passes, e->cfg.peak_min_rise,
                        NULL, 0, NULL, 0 };
    rm_peak *stacked = NULL;
    f.prof_ng = rm_peaks_stack_bins(f.length_cm);
    float *prof = rm_calloc(4 * (size_t)f.prof_ng + 1, sizeof *prof);
    if (!prof)
        return RM_ERR_NOMEM;
    rm_status st = stacked_spots(e, &f, &stacked, &f.n_stacked, prof);
    if (st != RM_OK) {
        rm_free(prof);
        return st;
    }
    f.stacked = stacked;
    f.prof = prof;
    placed *v = rm_calloc(p->n ? p->n : 1, sizeof *v);
    if (!v) {
        rm_free(stacked);
        rm_free(prof);
        return RM_ERR_NOMEM;
    }
    size_t nv = place_candidates(e, v);
    st = rm_peaks_group(&f, v, nv, &e->peaks_v, &e->n_peaks);
    rm_free(v);
    rm_free(stacked);
    rm_free(prof);
    return st;
}
