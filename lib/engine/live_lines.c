/*
 * The live view's line: rm_lines_fit()'s rule on the passes so far. The
 * final report decides between the lean and the CoP shift, and groups
 * the passes' mean CoPs, over the whole session; live, the same sums are
 * kept as passes end (the CoPs in a fixed histogram: bounded memory
 * however long the session) and the groups refitted every few seconds,
 * so a hold's live line is the line the report will give it once the
 * session has shown its lines.
 */
#include <math.h>
#include <string.h>

#include "live_lines.h"

/* Session time between refits of the CoP groups (s): a pass takes 1-3 s,
 * and one more pass moves a group's mean by a fraction of a mm once a
 * dozen are in. */
#define REFIT_S 3.0
/* The rule is provisional until this much rolling (s of lean or CoP
 * ticks, whichever cue names the lines) has been seen: 10 passes of 2 s,
 * enough to show the middle line and a side one. */
#define ESTABLISHED_S 20.0
/* The CoP names the lines only while under 35 % of the rolling leans
 * past line_skew (rm_lines_lean_session): from this share on, more
 * rolling on a side line can still hand the session to the lean. On
 * the original physics (seeds 1-100: the lean names every session's
 * lines) the CoP lines shown with 15-35 % leaning agreed with the
 * report's 43 % of the time; on the tuning family 99.9 %
 * (docs/engine.md, "The live line's flag", session 6). */
#define LEAN_UNSETTLED_SHARE 0.15

void rm_live_lines_init(rm_live_lines *ll, const rm_line_rule *rule,
                        unsigned cells, double pitch_mm)
{
    memset(ll, 0, sizeof *ll);
    ll->rule = *rule;
    ll->rule.cop_on = 0;
    ll->rule.cop_lo_mm = ll->rule.cop_hi_mm = NAN;
    ll->rule.lean_cop_on = 0;
    ll->rule.tilt_on = 0;
    /* Bins from half a cell below cell 0's centre to half a cell above
     * the last one's: every CoP the strip can show. */
    ll->bin0_mm = -pitch_mm / 2;
    ll->bin_mm = (cells > 0 ? cells : 1) * pitch_mm / RM_LIVE_COP_BINS;
    ll->stretch = -1;
}

static int bin_of(const rm_live_lines *ll, double cop_mm)
{
    int b = rm_index((cop_mm - ll->bin0_mm) / ll->bin_mm, RM_LIVE_COP_BINS);
    if (b < 0)
        b = cop_mm < ll->bin0_mm ? 0 : RM_LIVE_COP_BINS - 1;
    return b;
}

void rm_live_lines_pass(rm_live_lines *ll, const rm_pass_rec *r)
{
    if (r->stretch != ll->stretch) {
        rm_tilt_stretch t;
        if (rm_tilt_stretch_of(&ll->lean, &ll->shape, ll->rule.tick_hz,
                               &t)) {
            ll->tilt[ll->tilt_head] = t;
            ll->tilt_head = (ll->tilt_head + 1) % RM_LIVE_TILT_RING;
            if (ll->tilt_n < RM_LIVE_TILT_RING)
                ll->tilt_n++;
        }
        ll->stretch = r->stretch;
        ll->lean = (rm_lean){ 0.0, 0.0, 0.0 };
        ll->shape = (rm_lean){ 0.0, 0.0, 0.0 };
        ll->cop = (rm_cop_sum){ 0.0, 0.0 };
    }
    /* rm_stretch_lean()'s sums, this stretch's passes so far. */
    if (r->w_skew > 0 && isfinite(r->skew)) {
        ll->lean.sum += r->skew * r->w_skew;
        ll->lean.weight += r->w_skew;
        ll->lean.ticks += r->n_skew;
    }
    /* rm_stretch_shape()'s. */
    if (r->w_shape > 0 && isfinite(r->shape)) {
        ll->shape.sum += r->shape * r->w_shape;
        ll->shape.weight += r->w_shape;
        ll->shape.ticks += r->n_skew;
    }
    /* rm_lines_fit()'s lean shares. */
    rm_lean_shares_add(&ll->lean_sh, r->skew, r->n_skew, ll->rule.line_skew);
    if (!(r->n_cop > 0) || !isfinite(r->cop_mm))
        return;
    /* The lean-named passes' CoPs per line, each CoP shrunk toward its
     * stretch's so far (rm_lines_fit()'s fit_lean_cop). */
    ll->cop.sum += r->cop_mm * r->n_cop;
    ll->cop.n += r->n_cop;
    double tick_hz = ll->rule.tick_hz;
    rm_lean_cop_add(&ll->lean_cop,
                    rm_pass_lean(&ll->lean, r->skew, r->n_skew, tick_hz),
                    rm_pass_cop(&ll->cop, r->cop_mm, r->n_cop, tick_hz),
                    r->n_cop, ll->rule.line_skew);
    /* The histogram keeps the pass's own CoP, not the report's shrunk
     * one: a stretch under way has little of itself to shrink toward,
     * and with shrunk CoPs the live hold line agreed with the report's
     * less often (original seeds 1-100: 0.740 own, 0.733 shrunk; tuning
     * family 0.765, 0.759). */
    int b = bin_of(ll, r->cop_mm);
    ll->w[b] += r->n_cop;
    ll->s[b] += r->n_cop * r->cop_mm;
    ll->q[b] += r->n_cop * r->cop_mm * r->cop_mm;
    ll->cop_ticks += r->n_cop;
    ll->n_cop++;

    ll->dirty = 1;
}

/* Group the occupied bins, in CoP order, into r's CoP rule. */
static void fit(rm_live_lines *ll, rm_line_rule *r)
{
    r->cop_on = 0;
    r->cop_lo_mm = r->cop_hi_mm = NAN;
    r->lean_cop_on = 0;
    r->cop_groups = 0;
    r->cop_unknown = 0;
    ll->groups = 0;
    if (ll->n_cop < 1)
        return;
    size_t m = 0;
    ll->pw[0] = ll->ps[0] = ll->pq[0] = 0.0;
    for (int b = 0; b < RM_LIVE_COP_BINS; b++) {
        if (!(ll->w[b] > 0))
            continue;
        ll->pw[m + 1] = ll->pw[m] + ll->w[b];
        ll->ps[m + 1] = ll->ps[m] + ll->s[b];
        ll->pq[m + 1] = ll->pq[m] + ll->q[b];
        m++;
    }
    int k = rm_lines_cop_rule(ll->pw, ll->ps, ll->pq, m, r);
    /* The report's rule, one-sided test included. A session that has
     * rolled one side so far may roll the other later (then the lean
     * names its lines): such CoP lines are flagged provisional
     * (rm_live_lines_provisional; docs/engine.md, "Lines across the
     * physics family"). */
    rm_lines_choose(r, &ll->lean_sh, k, ll->n_cop, 1);
    if (!r->cop_on)
        rm_lean_cop_rule(&ll->lean_cop, r);
    /* The tilt rule on the ended stretches and the one under way. */
    r->tilt_on = 0;
    if (!r->cop_on) {
        rm_tilt_stretch st[RM_LIVE_TILT_RING + 1];
        size_t nt = ll->tilt_n;
        memcpy(st, ll->tilt, nt * sizeof *st);
        nt += (size_t)rm_tilt_stretch_of(&ll->lean, &ll->shape, r->tick_hz,
                                         &st[nt]);
        rm_tilt_fit(st, nt, r);
    }
    ll->groups = r->cop_on ? k : 0;
    ll->one_sided = r->cop_on &&
                    rm_lines_lean_session(&ll->lean_sh, 0, r->tick_hz);
}

void rm_live_lines_refit(rm_live_lines *ll, double t_s)
{
    if (!ll->dirty || t_s < ll->next_fit_s)
        return;
    ll->dirty = 0;
    ll->next_fit_s = t_s + REFIT_S;
    fit(ll, &ll->rule);
}

/* The stretch's lean and CoP so far (none for another stretch). */
static rm_lean stretch_lean(const rm_live_lines *ll, int stretch)
{
    return stretch == ll->stretch ? ll->lean : (rm_lean){ 0.0, 0.0, 0.0 };
}

static rm_cop_sum stretch_cop(const rm_live_lines *ll, int stretch)
{
    return stretch == ll->stretch ? ll->cop : (rm_cop_sum){ 0.0, 0.0 };
}

/* 1 while the share of the rolling so far that leans past line_skew
 * could still reach the lean's 35 % and take the lines from the CoP. */
static int lean_may_decide(const rm_live_lines *ll)
{
    const rm_lean_shares *sh = &ll->lean_sh;
    return sh->all > 0 &&
           sh->high + sh->low >= LEAN_UNSETTLED_SHARE * sh->all;
}

/*
 * Provisional: too little rolling yet; or the CoP names the lines but has
 * shown under three groups so far (where the session's middle line lies
 * is then a guess: on the tuning family such lines agreed with the
 * report's 24 % of the time with one group, 85 % with two, 100 % with
 * three), or names them only because the lean has gone one way so far,
 * or while enough of the rolling leans that the lean may yet name them;
 * or a hold's line rests on its own lean, which the report replaces by
 * its stretch's rolling, mostly still to come (36 %, against 89 %), or
 * on a stretch lean so far that lies near line_skew (within the band
 * where the report calls a lean ambiguous, rm_lean_ambiguous), where
 * the stretch's rolling still to come often moves it across (such lines
 * agreed with the report's 81 % of the time on the tuning family, 73 %
 * on the original physics, against 95-97 % further from line_skew).
 */
int rm_live_lines_provisional(const rm_live_lines *ll, int stretch,
                              int resting, double cop_mm)
{
    double seen = ll->rule.cop_on ? ll->cop_ticks : ll->lean_sh.all;
    if (seen < ESTABLISHED_S * ll->rule.tick_hz)
        return 1;
    if (ll->rule.cop_on)
        return ll->groups < 3 || ll->one_sided || lean_may_decide(ll);
    if (!resting)
        return 0;
    rm_lean l = stretch_lean(ll, stretch);
    return rm_hold_line_is_own(&l, cop_mm, &ll->rule) ||
           rm_lean_ambiguous(l.sum / l.weight, ll->rule.line_skew);
}

rm_line rm_live_lines_hold(const rm_live_lines *ll, int stretch,
                           double cop_mm, rm_line own)
{
    rm_lean l = stretch_lean(ll, stretch);
    rm_lean s = stretch == ll->stretch ? ll->shape : (rm_lean){ 0, 0, 0 };
    rm_line t = rm_tilt_line(&l, &s, &ll->rule);
    return t != RM_LINE_UNKNOWN ? t : rm_hold_line_by(&l, cop_mm, own,
                                                       &ll->rule);
}

rm_line rm_live_lines_rolling(const rm_live_lines *ll, int stretch,
                              const rm_lean *own, double cop_sum,
                              double cop_n)
{
    /* The report's stretch lean counts the pass itself. */
    rm_lean l = stretch_lean(ll, stretch);
    if (own->weight > 0) {
        l.sum += own->sum;
        l.weight += own->weight;
        l.ticks += own->ticks;
    }
    rm_cop_sum c = stretch_cop(ll, stretch);
    if (cop_n > 0) {
        c.sum += cop_sum;
        c.n += cop_n;
    }
    rm_lean s = stretch == ll->stretch ? ll->shape : (rm_lean){ 0, 0, 0 };
    rm_line t = rm_tilt_line(&l, &s, &ll->rule);
    if (t != RM_LINE_UNKNOWN)
        return t;
    double skew = own->weight > 0 ? own->sum / own->weight : NAN;
    double cop = cop_n > 0 ? cop_sum / cop_n : NAN;
    return rm_pass_line_by(&l, &c, skew, own->ticks, cop, cop_n, &ll->rule);
}
