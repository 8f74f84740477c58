/*
 * Encoder slip, corrected at finish after placement.c. Within a stretch
 * the encoder is continuous, but a slipping sleeve makes a roll read a
 * few % long or short, and the error carries into every later place of
 * the stretch. A *sweep* (the passes between two turning points, holds
 * included) that turned at both ends of the calf should span the calf;
 * people turn within about a centimetre of the same places (just above
 * the heel, just below the knee crease), so:
 *
 *   1. rm_sweeps_build       passes -> sweeps
 *   2. rm_sweeps_place       each sweep's placed ends (x0, x1)
 *   3. rm_sweeps_mark_ends   ends near a calf end turned there
 *   4. rm_sweeps_mark_turns  reversals inside a stretch turned too;
 *      rm_sweeps_drop_passed ends their own stretch rolled well past are
 *                            none (partial passes, put-downs)
 *      rm_sweeps_drop_inner  nor are groups of turns well inside the
 *                            outermost group at their end
 *   5. rm_turns_measure      median turning points -> the calf's ends
 *   6. rm_sweep_target       each sweep onto them: stretched when its span
 *                            disagrees, moved when both ends miss alike
 *   7. rm_sweeps_carry       sweeps between moved ones move with them
 *   8. rm_sweeps_replace_loose  stretches with no turn, onto pinned passes
 *
 * Example: turning points 0.5 and 37.5 cm; a sweep placed 0.2 -> 39.0 cm
 * (a 5 % slip) is mapped 0.5 -> 37.5 by scale 37.0 / 38.8; one placed
 * -0.6 -> 36.6 is moved by +1.0 to 0.4 -> 37.6.
 */
#include <math.h>
#include <stdlib.h>

#include "finish.h"

/* A sweep's span or ends may miss the turning points by this much (cm)
 * before it is corrected. */
#define SLIP_MIN_CM 0.5
/* A turning point this close to a calf end (cm) is at that end. */
#define TURN_END_CM 3.0
/* A turn (the roller reversed within one stretch) is at the calf's end
 * it faced when its place is within TURN_FAR of the length from that
 * end: people roll end to end and turn there; a stretch placed a few cm
 * off (its widths matched on the wrong part of the calf) must not hide
 * its turns. */
#define TURN_FAR 0.25
/* Of two sweeps meeting at a turn, an end this close to the extreme of
 * the two (cm) is the turning point (the other ended at a hold before a
 * short nudge on, too short to be a pass). */
#define TURN_JOIN_CM 1.0
/* Stretches without a turn, at least LOOSE_MIN_CM long, are placed again
 * on LOOSE_MIN_REFS or more pinned passes of their own line, moving at
 * most LOOSE_SEARCH_CM (the lean bias is a few cm; more is a mismatch). */
#define LOOSE_MIN_CM 5.0
#define LOOSE_MIN_REFS 2
#define LOOSE_SEARCH_CM 8.0
/* Share of its ticks a loose stretch may have beyond the pinned passes'
 * reach (their ends are a turn's width short of the calf's). */
#define LOOSE_MISS 0.1
/* Sweeps that turned at both ends needed to measure the calf's length
 * from their mean encoder span (instead of the extent of the anchors). */
#define FULL_SWEEPS_MIN 3
#define SPAN_AGREE_CM 0.5
/* A sweep short of the turning points' spacing by this much (cm), one end
 * this far inside its turning point, turned short there (a partial
 * pass): more than a slipping sleeve's few % and the band people turn in. */
#define PARTIAL_CM 3.0
/* A pass with fewer used bins than this has no width profile to place. */
#define PASS_MIN_BINS 4
/* The most a slipping sleeve shortens a sweep, as a share of its span
 * (a few % a pass; original `noisy` up to 6 %). */
#define SLIP_MAX 0.1
/* A marked end its own stretch rolled more than this share of the length
 * beyond (toward the same calf end) is no calf end: partial passes turn
 * 12-25 % of the length from an end; true turns lie within the turning
 * band (1-3 cm) and the encoder drifts a few % of every pass in between
 * (original `noisy`: 3-3.5 cm between two turns at one end of a 40 cm
 * calf, so a fixed 3 cm unmarked true turns). */
#define PASSED_SHARE 0.1
/* Drift a slipping sleeve may put between two places of one stretch, as
 * a share of the path rolled between them: a typical pass slips a few %,
 * of either sign, so the drift grows more slowly than the largest slip
 * (original `noisy`: up to 6 % a pass; tuning seed 10021, noisy: a
 * true turn read 4.3 cm above the put-down it was 1.3 cm from, after
 * 66 cm of rolling). */
#define SLIP_DRIFT 0.02

static int pass_dir(const rm_pass_rec *r)
{
    return r->enc_to > r->enc_from ? 1 : -1;
}

size_t rm_sweeps_build(const rm_pass_rec *passes, size_t np, rm_sweep *sw)
{
    size_t n = 0;
    for (size_t i = 0; i < np; i++) {
        const rm_pass_rec *r = &passes[i];
        if (!r->placed)
            continue;
        if (n > 0) {
            rm_sweep *w = &sw[n - 1];
            const rm_pass_rec *q = &passes[w->last];
            if (q->stretch == r->stretch && pass_dir(q) == pass_dir(r)) {
                w->last = i;
                w->e1 = r->enc_to;
                continue;
            }
        }
        sw[n] = (rm_sweep){ .first = i, .last = i, .e0 = r->enc_from,
                            .e1 = r->enc_to, .fix = RM_SWEEP_KEPT,
                            .end = { RM_END_NONE, RM_END_NONE } };
        n++;
    }
    return n;
}

void rm_sweeps_place(const rm_layout *lay, rm_sweep *sw, size_t n)
{
    int dir = lay->al->dir;
    for (size_t k = 0; k < n; k++) {
        rm_sweep *w = &sw[k];
        w->x0 = rm_calf_x(&lay->passes[w->first].map, dir, w->e0);
        w->x1 = rm_calf_x(&lay->passes[w->last].map, dir, w->e1);
    }
}

static rm_turn_end end_at(double x, double len)
{
    return x < TURN_END_CM         ? RM_END_ANKLE
           : x > len - TURN_END_CM ? RM_END_KNEE
                                   : RM_END_NONE;
}

void rm_sweeps_mark_ends(rm_sweep *sw, size_t n, double len)
{
    for (size_t k = 0; k < n; k++) {
        sw[k].end[0] = end_at(sw[k].x0, len);
        sw[k].end[1] = end_at(sw[k].x1, len);
    }
}

/* Sweeps a and b (consecutive) of one stretch: the roller reversed
 * between them (sweeps change at a reversal or a new stretch). */
static int turn_between(const rm_pass_rec *passes, const rm_sweep *a,
                        const rm_sweep *b)
{
    return passes[a->last].stretch == passes[b->first].stretch;
}

/* Reversals within a stretch: the roller turned at the extreme of the
 * two sweeps' ends (a hold and a short nudge may lie between). */
void rm_sweeps_mark_turns(const rm_layout *lay, rm_sweep *sw, size_t n)
{
    double len = lay->al->length_cm;
    for (size_t k = 0; k + 1 < n; k++) {
        rm_sweep *a = &sw[k], *b = &sw[k + 1];
        if (!turn_between(lay->passes, a, b))
            continue;
        int at_knee = lay->al->dir * (a->e1 - a->e0) > 0;
        double xt = at_knee ? fmax(a->x1, b->x0) : fmin(a->x1, b->x0);
        if (at_knee ? xt < (1.0 - TURN_FAR) * len : xt > TURN_FAR * len)
            continue;
        rm_turn_end end = at_knee ? RM_END_KNEE : RM_END_ANKLE;
        if (fabs(a->x1 - xt) <= TURN_JOIN_CM)
            a->end[1] = end;
        if (fabs(b->x0 - xt) <= TURN_JOIN_CM)
            b->end[0] = end;
    }
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the turning points at one end (sorts v). */
static double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_dbl);
    return v[n / 2];
}

/* Median distance of the turning points at one end from their median m
 * (overwrites v). */
static double spread_of(double *v, size_t n, double m)
{
    for (size_t i = 0; i < n; i++)
        v[i] = fabs(v[i] - m);
    return median_of(v, n);
}

/*
 * The end the rolling did not reach, should a measured length leave more
 * beyond the turns than two turned-short ends can (calf_frame.h): the end
 * whose marks scatter more about their median. Turns at an end that was
 * reached lie within the turning band (1-3 cm wide); an end that was not
 * is marked by partial turns 12-25 % of the length in, lift-offs and
 * put-downs wherever the leg left or came down near it. The scatter
 * carries the stretches' placement errors as well: on tuning sessions
 * where one end lay over 6 cm beyond its turns it named that end 8 times
 * in 11 (docs/engine.md, "Which end a measured length goes to").
 */
static rm_calf_short unreached_of(double spread_ankle, double spread_knee)
{
    return spread_ankle > spread_knee   ? RM_CALF_SHORT_ANKLE
           : spread_knee > spread_ankle ? RM_CALF_SHORT_KNEE
                                        : RM_CALF_SHORT_NONE;
}

/* A sweep that turned at both calf ends: it measured the calf alone. */
static int full_sweep(const rm_sweep *w)
{
    return w->end[0] != RM_END_NONE && w->end[1] != RM_END_NONE &&
           w->end[0] != w->end[1];
}

/*
 * The calf's ends: half the turning band (RM_TURN_BAND_CM, calf_frame.h)
 * beyond the usual turning points (rm_turns_use_length puts them where a
 * measured length says). The farthest reach of the rolling is no measure
 * of an end: it is set by the turn that went farthest and by the stretch
 * whose encoder slipped most. The turning points' spacing is measured
 * through placements that carry each stretch's accumulated slip; every
 * sweep that turned at both ends measured the calf on its own. When
 * their mean encoder span (slips of either sign average out) differs
 * from the spacing by more than SPAN_AGREE_CM, it replaces it, about the
 * same middle.
 * Example: turning points 1.0 and 37.5, mean span of the full sweeps
 * 35.5 cm: the turning points move to 1.5 and 37.0, the ends 0.5 beyond
 * them: length 36.5 cm, origin at 1.0.
 */
int rm_turns_measure(const rm_sweep *sw, size_t n, double *scratch,
                     rm_turns *out)
{
    /* A sweep may turn at the same end twice, so either end can take up
     * to 2 n points: ankle points fill scratch from the front, knee points
     * from the back. */
    double *ta = scratch, *tk_end = scratch + 2 * n;
    size_t na = 0, nk = 0;
    for (size_t k = 0; k < n; k++) {
        double ends[2] = { sw[k].x0, sw[k].x1 };
        for (int j = 0; j < 2; j++) {
            if (sw[k].end[j] == RM_END_ANKLE)
                ta[na++] = ends[j];
            else if (sw[k].end[j] == RM_END_KNEE)
                *(tk_end - ++nk) = ends[j];
        }
    }
    if (na < 2 || nk < 2)
        return 0;
    double ankle = median_of(ta, na), knee = median_of(tk_end - nk, nk);
    out->unreached = unreached_of(spread_of(ta, na, ankle),
                                  spread_of(tk_end - nk, nk, knee));
    double span_sum = 0.0;
    size_t n_full = 0;
    for (size_t k = 0; k < n; k++) {
        const rm_sweep *w = &sw[k];
        if (full_sweep(w)) {
            span_sum += fabs(w->e1 - w->e0);
            n_full++;
        }
    }
    if (n_full >= FULL_SWEEPS_MIN &&
        fabs(span_sum / (double)n_full - (knee - ankle)) > SPAN_AGREE_CM) {
        double mid = 0.5 * (ankle + knee);
        double half = 0.5 * span_sum / (double)n_full;
        ankle = mid - half;
        knee = mid + half;
    }
    out->ankle_cm = ankle;
    out->knee_cm = knee;
    rm_turns_use_length(out, 0.0);
    return 1;
}

/* The calf's ends a pad beyond the turning points: half the turning band,
 * or with a measured length (measured_cm > 0) that length's difference to
 * their spacing, split between the ends (calf_frame.h). */
void rm_turns_use_length(rm_turns *tp, double measured_cm)
{
    tp->pad = rm_calf_pad_of(tp->knee_cm - tp->ankle_cm, measured_cm,
                             tp->unreached);
    tp->length_cm =
        tp->knee_cm - tp->ankle_cm + tp->pad.ankle_cm + tp->pad.knee_cm;
    tp->shift_cm = tp->ankle_cm - tp->pad.ankle_cm;
}

static double turn_x(const rm_turns *tp, rm_turn_end end)
{
    return end == RM_END_ANKLE ? tp->ankle_cm : tp->knee_cm;
}

/*
 * A partial pass turns well inside the calf (people stop short of an end
 * now and then) and must not be stretched onto that end. A sweep marked
 * at both ends whose span falls short of the turning points' spacing by
 * more than PARTIAL_CM, with one end that far inside its turning point,
 * turned short there: that end is no turn, and neither is the same turn
 * as the neighbouring sweep's end (the sweep rolled on from it; marked
 * with the same end within TURN_JOIN_CM), or that sweep is pinned onto
 * the turning point by it and drags the short sweep along
 * (rm_sweeps_carry): a whole stretch 6-7 cm off. (A stretch whose widths
 * matched a few cm off has the right span, one end inside and the other
 * outside: it keeps both.) A sweep short by more than a sleeve slips
 * (SLIP_MAX of the spacing) with neither end that far inside turned short
 * at one end of a stretch placed off by about as much, and which end is
 * not told by where it lies: it loses both marks (stretched onto the
 * turning points it was stretched 10-25 %, and its span shortened the
 * calf through the full sweeps' mean span), its neighbours keep theirs.
 * Returns how many ends were dropped.
 */
size_t rm_sweeps_drop_partial(rm_sweep *sw, size_t n, const rm_turns *tp)
{
    size_t dropped = 0;
    double spacing = tp->knee_cm - tp->ankle_cm;
    for (size_t k = 0; k < n; k++) {
        rm_sweep *w = &sw[k];
        if (w->end[0] == RM_END_NONE || w->end[1] == RM_END_NONE ||
            w->end[0] == w->end[1] ||
            fabs(w->x1 - w->x0) > spacing - PARTIAL_CM)
            continue;
        double x[2] = { w->x0, w->x1 }, in[2];
        for (int j = 0; j < 2; j++)
            in[j] = w->end[j] == RM_END_ANKLE ? x[j] - tp->ankle_cm
                                               : tp->knee_cm - x[j];
        int j = in[0] >= in[1] ? 0 : 1;
        if (in[j] <= PARTIAL_CM &&
            fabs(w->x1 - w->x0) < (1.0 - SLIP_MAX) * spacing) {
            /* Short by more than any slip, yet neither end clearly
             * inside: no full sweep, and no telling which end turned
             * short. Neither pins it; its neighbours keep theirs. */
            w->end[0] = w->end[1] = RM_END_NONE;
            dropped += 2;
        } else if (in[j] > PARTIAL_CM) {
            rm_turn_end e = w->end[j];
            w->end[j] = RM_END_NONE;
            dropped++;
            /* The sweep rolled on from this turn: after it (end) or
             * before it (start). */
            rm_sweep *nb = j == 1 ? (k + 1 < n ? &sw[k + 1] : NULL)
                                  : (k > 0 ? &sw[k - 1] : NULL);
            int nj = j == 1 ? 0 : 1;
            double nx = nb ? (nj == 0 ? nb->x0 : nb->x1) : NAN;
            if (nb && nb->end[nj] == e && fabs(nx - x[j]) <= TURN_JOIN_CM)
                nb->end[nj] = RM_END_NONE;
        }
    }
    return dropped;
}

/* How far out toward end e a place x lies (larger: nearer that end). */
static double outward(rm_turn_end e, double x)
{
    return e == RM_END_ANKLE ? -x : x;
}

/* A place along one stretch: where it lies toward an end, and the path
 * rolled to it from the stretch's first sweep. */
typedef struct path_pt {
    double out, s;
} path_pt;

/* End j of sweep k (its path start s0) as a path_pt toward end e. */
static path_pt pt_of(const rm_sweep *w, int j, double s0, rm_turn_end e)
{
    double span = fabs(w->x1 - w->x0);
    return (path_pt){ outward(e, j ? w->x1 : w->x0), s0 + (j ? span : 0.0) };
}

/* Unmarks end j of sweep w (marked e) when some place of the stretch
 * reached more than limit beyond it plus SLIP_DRIFT of the path in
 * between: *best is the largest out - SLIP_DRIFT x path distance over
 * the places on one side, kept as out + sign x SLIP_DRIFT x s. */
static size_t unmark_if_passed(rm_sweep *w, int j, rm_turn_end e,
                               path_pt p, double *best, double sign,
                               double limit)
{
    *best = fmax(*best, p.out + sign * SLIP_DRIFT * p.s);
    if (w->end[j] != e || *best - sign * SLIP_DRIFT * p.s - p.out <= limit)
        return 0;
    w->end[j] = RM_END_NONE;
    return 1;
}

/*
 * The marked ends of the run of sweeps [k0, k1) (one stretch) that the
 * run reached more than PASSED_SHARE x len beyond toward their end, plus
 * SLIP_DRIFT of the path rolled between the two, unmarked. One pass
 * forward (places rolled before) and one backward (after) per end, each
 * keeping the best reach so far: linear in the sweeps.
 */
static size_t unmark_passed(rm_sweep *sw, size_t k0, size_t k1, double len)
{
    size_t dropped = 0;
    double limit = PASSED_SHARE * len;
    for (int e = RM_END_ANKLE; e <= RM_END_KNEE; e++) {
        double best = -INFINITY, s0 = 0.0;
        for (size_t k = k0; k < k1; k++) {
            for (int j = 0; j < 2; j++)
                dropped += unmark_if_passed(&sw[k], j, (rm_turn_end)e,
                                            pt_of(&sw[k], j, s0, e), &best,
                                            1.0, limit);
            s0 += fabs(sw[k].x1 - sw[k].x0);
        }
        best = -INFINITY;
        for (size_t k = k1; k-- > k0;) {
            s0 -= fabs(sw[k].x1 - sw[k].x0);
            for (int j = 2; j-- > 0;)
                dropped += unmark_if_passed(&sw[k], j, (rm_turn_end)e,
                                            pt_of(&sw[k], j, s0, e), &best,
                                            -1.0, limit);
        }
    }
    return dropped;
}

/*
 * A turn its own stretch rolled well past is no calf end. Within a
 * stretch the encoder is continuous (slip aside: a few % of a pass), so
 * when the same stretch reached more than PASSED_SHARE of the length
 * beyond a marked end toward that calf end, plus SLIP_DRIFT of the path
 * rolled between the two, the roller turned short there (a partial pass,
 * 12-25 % of the length from the end) or was put down or lifted off
 * inside the calf. This needs no turning points: a partial turn is
 * found before it can pull their medians inward (two partial passes in
 * one stretch made half a session's turns; tuning seed 10018: calf
 * 6.6 cm short) and however the stretch was placed. Returns how many
 * ends were unmarked.
 * Example: on a 32 cm calf a stretch rolls 2 -> 31 cm, turns at 27 cm,
 * rolls down, turns, rolls up to 31.5 cm: the turn at 27 lies 4.5 cm
 * (> 3.2) below the stretch's highest reach and is no knee turn.
 */
size_t rm_sweeps_drop_passed(const rm_pass_rec *passes, rm_sweep *sw,
                             size_t n, double len)
{
    size_t dropped = 0, k0 = 0;
    while (k0 < n) {
        int stretch = passes[sw[k0].first].stretch;
        size_t k1 = k0;
        while (k1 < n && passes[sw[k1].first].stretch == stretch)
            k1++;
        dropped += unmark_passed(sw, k0, k1, len);
        k0 = k1;
    }
    return dropped;
}

/* The innermost outwardness of the outermost group of marked ends at e
 * (consecutive ends, outermost first, no more than gap apart), and
 * whether that group has turns of two stretches or more. -INFINITY when
 * no end is marked e. Sorts scratch (one double per marked end). */
static double outer_group(const rm_pass_rec *passes, const rm_sweep *sw,
                          size_t n, rm_turn_end e, double gap,
                          double *scratch, int *two_stretches, int *lone,
                          double *next_out)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        if (sw[k].end[0] == e)
            scratch[m++] = -outward(e, sw[k].x0);
        if (sw[k].end[1] == e)
            scratch[m++] = -outward(e, sw[k].x1);
    }
    *two_stretches = 0;
    *lone = -1;
    *next_out = -INFINITY;
    if (m == 0)
        return -INFINITY;
    qsort(scratch, m, sizeof *scratch, cmp_dbl); /* outermost first */
    size_t i = 1;
    while (i < m && scratch[i] - scratch[i - 1] <= gap)
        i++;
    double cut = -scratch[i - 1];
    if (i < m)
        *next_out = -scratch[i];
    int first = -1;
    for (size_t k = 0; k < n && !*two_stretches; k++) {
        double x[2] = { sw[k].x0, sw[k].x1 };
        for (int j = 0; j < 2; j++) {
            if (sw[k].end[j] != e || outward(e, x[j]) < cut)
                continue;
            int st = passes[sw[k].first].stretch;
            if (first < 0)
                first = st;
            else if (st != first)
                *two_stretches = 1;
        }
    }
    *lone = *two_stretches ? -1 : first;
    return cut;
}

/* Median place of the ends marked e (NAN when none). Sorts scratch. */
static double marked_median(const rm_sweep *sw, size_t n, rm_turn_end e,
                            double *scratch)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        for (int j = 0; j < 2; j++)
            if (sw[k].end[j] == e)
                scratch[m++] = j ? sw[k].x1 : sw[k].x0;
    return m ? median_of(scratch, m) : NAN;
}

/* The farthest stretch st reached toward end e (as outward(e, x)). */
static double stretch_reach(const rm_pass_rec *passes, const rm_sweep *sw,
                            size_t n, int st, rm_turn_end e)
{
    double best = -INFINITY;
    for (size_t k = 0; k < n; k++)
        if (passes[sw[k].first].stretch == st)
            best = fmax(best, fmax(outward(e, sw[k].x0),
                                   outward(e, sw[k].x1)));
    return best;
}

/*
 * An outermost group at end e made by one stretch alone (outer_out, the
 * outwardness of its outermost turn) is the calf end all the same when
 * that stretch's own encoder proves the calf reaches it: from the
 * farthest it rolled toward the other end to this turn it spans more
 * than the inner group (next_out) lies from the other end's usual
 * turning point, by more than PASSED_SHARE of the length. A stretch
 * placed a few cm out by its widths moves both its ends alike and shows
 * no such span; only turning short of the end (the inner group) does.
 * Tuning seed 10271: knee turns at 27.1, 27.0, 26.0, 25.7 (two stretches
 * turning 6-7 cm short) and one at 32.5 of a stretch that rolled from
 * 0.1: the calf came out 10 cm short.
 */
static int lone_group_backed(const rm_pass_rec *passes, const rm_sweep *sw,
                             size_t n, rm_turn_end e, int lone,
                             double outer_out, double next_out, double len,
                             double *scratch)
{
    rm_turn_end other = e == RM_END_ANKLE ? RM_END_KNEE : RM_END_ANKLE;
    double opp = marked_median(sw, n, other, scratch);
    if (lone < 0 || !isfinite(next_out) || !isfinite(opp))
        return 0;
    double own_span =
        outer_out + stretch_reach(passes, sw, n, lone, other);
    double inner_span = next_out + outward(other, opp);
    return own_span > inner_span + PASSED_SHARE * len;
}

/*
 * Turns at one end that lie in a group more than PASSED_SHARE of the
 * length inside the outermost group are partial turns (12-25 % of the
 * length from the end), however many: several partial passes in a
 * session can outnumber the turns at the end and take the median
 * (tuning seed 10058: four of seven knee marks 5 cm inside). The
 * outermost group must hold turns of two stretches or more, so that one
 * stretch placed a few cm out by its widths does not make it. Returns
 * how many ends were unmarked; scratch: 2 n doubles.
 */
size_t rm_sweeps_drop_inner(const rm_pass_rec *passes, rm_sweep *sw,
                            size_t n, double len, double *scratch)
{
    size_t dropped = 0;
    double gap = PASSED_SHARE * len;
    for (int e = RM_END_ANKLE; e <= RM_END_KNEE; e++) {
        int two, lone;
        double next_out;
        double cut = outer_group(passes, sw, n, (rm_turn_end)e, gap,
                                 scratch, &two, &lone, &next_out);
        double outer_out = isfinite(cut) ? -scratch[0] : -INFINITY;
        if (!two && !lone_group_backed(passes, sw, n, (rm_turn_end)e, lone,
                                       outer_out, next_out, len, scratch))
            continue;
        for (size_t k = 0; k < n; k++) {
            double x[2] = { sw[k].x0, sw[k].x1 };
            for (int j = 0; j < 2; j++) {
                if (sw[k].end[j] == (rm_turn_end)e &&
                    outward((rm_turn_end)e, x[j]) < cut) {
                    sw[k].end[j] = RM_END_NONE;
                    dropped++;
                }
            }
        }
    }
    return dropped;
}

/*
 * Target places t0, t1 of a sweep's ends (NAN: free) and, for a sweep
 * whose span agrees with the turning points' spacing, the move that
 * puts its ends on them: a span that agrees shows no slip, but its
 * stretch may still sit off them as a whole (its widths matched a little
 * off). Returns 0 when the sweep stays.
 */
static int sweep_goal(const rm_sweep *w, const rm_turns *tp, double *t0,
                      double *t1, double *move)
{
    int s0 = w->end[0] != RM_END_NONE, s1 = w->end[1] != RM_END_NONE;
    *t0 = *t1 = *move = NAN;
    if (s0 && s1 && w->end[0] != w->end[1]) {
        *t0 = turn_x(tp, w->end[0]);
        *t1 = turn_x(tp, w->end[1]);
        if (fabs(fabs(w->x1 - w->x0) - fabs(*t1 - *t0)) <= SLIP_MIN_CM) {
            *move = 0.5 * ((*t0 - w->x0) + (*t1 - w->x1));
            return fabs(*move) > SLIP_MIN_CM;
        }
        return 1;
    }
    if (s0) {
        *t0 = turn_x(tp, w->end[0]);
        return fabs(w->x0 - *t0) > SLIP_MIN_CM;
    }
    if (s1) {
        *t1 = turn_x(tp, w->end[1]);
        return fabs(w->x1 - *t1) > SLIP_MIN_CM;
    }
    return 0;
}

int rm_sweep_target(const rm_sweep *w, const rm_turns *tp, int dir,
                    rm_calf_pos *map)
{
    double t0, t1, move;
    if (!sweep_goal(w, tp, &t0, &t1, &move))
        return 0;
    /* x = a + dir * s * (enc - pivot) for every pass of the sweep, pivot
     * at its start. */
    double s = 1.0, a;
    if (isfinite(move)) {
        a = w->x0 + move;
    } else if (isfinite(t0) && isfinite(t1)) {
        s = fabs(t1 - t0) / fabs(w->e1 - w->e0);
        a = t0;
    } else if (isfinite(t0)) {
        a = t0;
    } else {
        a = t1 - dir * (w->e1 - w->e0);
    }
    *map = (rm_calf_pos){ a, s, w->e0 };
    return 1;
}

/* Every placed pass of sweep w, in its first pass's stretch, gets map. */
static void sweep_set_map(rm_layout *lay, const rm_sweep *w,
                          const rm_calf_pos *map)
{
    int stretch = lay->passes[w->first].stretch;
    for (size_t i = w->first; i <= w->last; i++) {
        rm_pass_rec *r = &lay->passes[i];
        if (r->placed && r->stretch == stretch)
            r->map = *map;
    }
}

/* Every placed pass of sweep w, in its first pass's stretch, moves by d. */
static void sweep_move(rm_layout *lay, const rm_sweep *w, double d)
{
    int stretch = lay->passes[w->first].stretch;
    for (size_t i = w->first; i <= w->last; i++) {
        rm_pass_rec *r = &lay->passes[i];
        if (r->placed && r->stretch == stretch)
            r->map.a_cm += d;
    }
}

/* How far sweep w's start (or end) moved from where it was placed. */
static double joint_shift(const rm_layout *lay, const rm_sweep *w,
                          int at_end)
{
    int dir = lay->al->dir;
    if (at_end)
        return rm_calf_x(&lay->passes[w->last].map, dir, w->e1) - w->x1;
    return rm_calf_x(&lay->passes[w->first].map, dir, w->e0) - w->x0;
}

/*
 * A sweep left on its stretch's placement (no turn of its own at a calf
 * end) whose neighbour in the same stretch was moved onto a turning point
 * moves with it: within one stretch the encoder is continuous, so where
 * the neighbour now starts (or ends) is where this one ended (started).
 * Chains along the stretch both ways; with a moved neighbour on both
 * sides the two shifts are averaged.
 * Example: a leg put down mid-calf rolls up 18 cm, holds, turns below
 * the knee and rolls down; its widths placed it 5 cm too low. The down
 * sweep's turn is pinned to the knee's turning point (+5 cm); the up
 * sweep and its hold follow (+5 cm).
 */
void rm_sweeps_carry(rm_layout *lay, rm_sweep *sw, size_t n)
{
    for (int round = 0; round < 2; round++) {
        for (size_t q = 0; q < n; q++) {
            /* round 0 walks forward, round 1 backward: chains both ways */
            size_t k = round == 0 ? q : n - 1 - q;
            rm_sweep *w = &sw[k];
            if (w->fix != RM_SWEEP_KEPT)
                continue;
            double sum = 0.0;
            int cnt = 0;
            if (k > 0 && sw[k - 1].fix != RM_SWEEP_KEPT &&
                turn_between(lay->passes, &sw[k - 1], w)) {
                sum += joint_shift(lay, &sw[k - 1], 1);
                cnt++;
            }
            if (k + 1 < n && sw[k + 1].fix != RM_SWEEP_KEPT &&
                turn_between(lay->passes, w, &sw[k + 1])) {
                sum += joint_shift(lay, &sw[k + 1], 0);
                cnt++;
            }
            if (!cnt)
                continue;
            sweep_move(lay, w, sum / cnt);
            w->fix = RM_SWEEP_CARRIED;
        }
    }
}

/* The placing (drift.c) of pass i as currently mapped. */
static rm_placing pass_placing(const rm_layout *lay, size_t i)
{
    const rm_pass_rec *r = &lay->passes[i];
    double enc0 = lay->st[r->stretch].enc0_cm;
    return (rm_placing){ .bmin = r->bmin, .bmax = r->bmax, .wsum = r->wsum,
                         .n = r->n, .pivot_e = r->map.pivot_cm - enc0,
                         .a = r->map.a_cm, .s = r->map.scale,
                         .placed = r->placed && r->wsum &&
                                   r->bmax - r->bmin >= PASS_MIN_BINS };
}

/* Stretch k placed again on refs (m of them): the move, NAN if none. */
static rm_status loose_move(rm_layout *lay, size_t k, const rm_placing *refs,
                            size_t m, double *move)
{
    rm_stretch *st = &lay->st[k];
    rm_placing p = { .bmin = st->bmin, .bmax = st->bmax, .wsum = st->wsum,
                     .n = st->n, .pivot_e = 0.0, .a = st->offset_cm,
                     .s = 1.0, .placed = 0 };
    *move = NAN;
    rm_status rc = rm_drift_place_abs(&p, refs, m, lay->al->dir,
                                      lay->al->length_cm, 0, LOOSE_MISS);
    if (rc != RM_OK)
        return rc;
    double d = p.a - st->offset_cm;
    if (p.placed && isfinite(d) && fabs(d) <= LOOSE_SEARCH_CM)
        *move = d;
    return RM_OK;
}

/*
 * A stretch none of whose sweeps reached a turning point (the leg put
 * down mid-calf and lifted again) is placed by its widths alone, matched
 * against stretches of every line; a leaning load reads narrower, so on
 * a side line it lands several cm toward the narrow ankle. Once the
 * turns have pinned the other stretches, such a stretch is placed again
 * on the absolute widths of the pinned passes of its own line (same
 * lean, same bias), when they cover it.
 */
rm_status rm_sweeps_replace_loose(rm_layout *lay, const rm_sweep *sw,
                                  size_t n, const rm_line_rule *rule)
{
    const rm_pass_rec *ps = lay->passes;
    size_t np = lay->n_passes;
    char *pinned = rm_calloc(np + 1, 1);
    char *has_turn = rm_calloc(lay->n_st + 1, 1);
    rm_placing *refs = rm_calloc(np + 1, sizeof *refs);
    rm_status rc = pinned && has_turn && refs ? RM_OK : RM_ERR_NOMEM;
    for (size_t k = 0; k < n && rc == RM_OK; k++) {
        if (sw[k].end[0] == RM_END_NONE && sw[k].end[1] == RM_END_NONE)
            continue;
        has_turn[ps[sw[k].first].stretch] = 1;
        for (size_t i = sw[k].first; i <= sw[k].last; i++)
            pinned[i] = ps[i].stretch == ps[sw[k].first].stretch;
    }
    for (size_t k = 0; k < lay->n_st && rc == RM_OK; k++) {
        rm_stretch *st = &lay->st[k];
        double span = (double)(st->bmax - st->bmin + 1) * RM_BIN_CM;
        if (has_turn[k] || !st->placed || !st->wsum || span < LOOSE_MIN_CM)
            continue;
        rm_line line = rm_stretch_line(ps, np, (int)k, rule);
        if (line == RM_LINE_UNKNOWN)
            continue;
        size_t m = 0;
        for (size_t i = 0; i < np; i++)
            if (pinned[i] && rm_stretch_line(ps, np, ps[i].stretch, rule) == line)
                refs[m++] = pass_placing(lay, i);
        if (m < LOOSE_MIN_REFS)
            continue;
        double d;
        rc = loose_move(lay, k, refs, m, &d);
        if (rc != RM_OK || !isfinite(d))
            continue;
        st->offset_cm += d;
        for (size_t i = 0; i < np; i++)
            if (lay->passes[i].stretch == (int)k)
                lay->passes[i].map.a_cm += d;
    }
    rm_free(pinned);
    rm_free(has_turn);
    rm_free(refs);
    return rc;
}

/* Steps 5-6: map every sweep that misses the turning points onto them,
 * then make the new ankle end the origin. */
static void refit_sweeps(rm_layout *lay, rm_sweep *sw, size_t n,
                         const rm_turns *tp)
{
    lay->al->length_cm = tp->length_cm;
    for (size_t k = 0; k < n; k++) {
        rm_calf_pos map;
        if (!rm_sweep_target(&sw[k], tp, lay->al->dir, &map))
            continue;
        sw[k].fix = RM_SWEEP_REFIT;
        sweep_set_map(lay, &sw[k], &map);
    }
    if (tp->shift_cm == 0.0)
        return;
    rm_layout_shift(lay, tp->shift_cm);
    for (size_t k = 0; k < n; k++) {
        sw[k].x0 -= tp->shift_cm;
        sw[k].x1 -= tp->shift_cm;
    }
}

/* No usual turning points (too few turns at an end): the calf is what
 * the rolling reached (Alignment step 5). A measured length is put
 * about the same middle, the reach standing in for the turns' spacing
 * (calf_frame.h), the difference split equally: too few turns to tell
 * an end the rolling did not reach. */
static void reach_use_length(rm_layout *lay, rm_sweep *sw, size_t n,
                             double measured_cm, rm_calf_pad *frame)
{
    *frame = rm_calf_pad_of(lay->al->length_cm, measured_cm,
                            RM_CALF_SHORT_NONE);
    double pad = frame->ankle_cm;
    lay->al->length_cm += pad + frame->knee_cm;
    if (pad == 0.0)
        return;
    rm_layout_shift(lay, -pad);
    for (size_t k = 0; k < n; k++) {
        sw[k].x0 += pad;
        sw[k].x1 += pad;
    }
}

void rm_sweeps_mark_pinned(rm_pass_rec *passes, const rm_sweep *sw,
                           size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const rm_sweep *w = &sw[k];
        int pin = w->end[0] != RM_END_NONE || w->end[1] != RM_END_NONE ||
                  w->fix != RM_SWEEP_KEPT;
        int stretch = passes[w->first].stretch;
        for (size_t i = w->first; i <= w->last; i++)
            if (passes[i].stretch == stretch)
                passes[i].pinned = pin;
    }
}

/*
 * Example: of five sweeps, three full ones spanning 31.0, 32.0 and 33.0
 * encoder cm: n_full 3, sd 1.0 cm; one full sweep: sd NAN.
 */
rm_frame_cues rm_sweeps_frame_cues(const rm_sweep *sw, size_t n)
{
    double s = 0.0, q = 0.0;
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (full_sweep(&sw[k])) {
            double span = fabs(sw[k].e1 - sw[k].e0);
            s += span;
            q += span * span;
            m++;
        }
    double var = m > 1 ? (q - s * s / (double)m) / (double)(m - 1) : NAN;
    return (rm_frame_cues){ .n_sweeps = n, .n_full = m,
                            .full_sd_cm = m > 1 ? sqrt(fmax(var, 0.0))
                                                : NAN };
}

rm_status rm_fix_slip(rm_layout *lay, const rm_line_rule *rule,
                      double measured_cm, rm_calf_pad *frame,
                      rm_frame_cues *cues)
{
    /* Without passes the frame is the rolling's reach (Alignment step
     * 5) and a measured length is not used. */
    *frame = (rm_calf_pad){ .ankle_cm = NAN, .knee_cm = NAN,
                            .measured_cm = measured_cm };
    *cues = (rm_frame_cues){ .full_sd_cm = NAN };
    for (size_t i = 0; i < lay->n_passes; i++)
        lay->passes[i].pinned = 0;
    if (!lay->al->found || lay->n_passes == 0)
        return RM_OK;
    rm_sweep *sw = rm_calloc(lay->n_passes, sizeof *sw);
    double *scratch = rm_calloc(2 * lay->n_passes, sizeof *scratch);
    if (!sw || !scratch) {
        rm_free(sw);
        rm_free(scratch);
        return RM_ERR_NOMEM;
    }
    size_t n = rm_sweeps_build(lay->passes, lay->n_passes, sw);
    rm_sweeps_place(lay, sw, n);
    rm_sweeps_mark_ends(sw, n, lay->al->length_cm);
    rm_sweeps_mark_turns(lay, sw, n);
    rm_sweeps_drop_passed(lay->passes, sw, n, lay->al->length_cm);
    rm_sweeps_drop_inner(lay->passes, sw, n, lay->al->length_cm, scratch);
    rm_turns tp;
    int have = rm_turns_measure(sw, n, scratch, &tp);
    if (have && rm_sweeps_drop_partial(sw, n, &tp))
        have = rm_turns_measure(sw, n, scratch, &tp);
    if (have) {
        if (measured_cm > 0.0)
            rm_turns_use_length(&tp, measured_cm);
        *frame = tp.pad;
        frame->measured_cm = measured_cm;
        refit_sweeps(lay, sw, n, &tp);
    } else if (measured_cm > 0.0) {
        reach_use_length(lay, sw, n, measured_cm, frame);
    }
    rm_sweeps_carry(lay, sw, n);
    rm_sweeps_mark_pinned(lay->passes, sw, n);
    *cues = rm_sweeps_frame_cues(sw, n);
    rm_status st = rm_sweeps_replace_loose(lay, sw, n, rule);
    rm_free(sw);
    rm_free(scratch);
    return st;
}
