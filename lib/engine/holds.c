/*
 * Holds (dwell): the contact line staying within hold_still_cm for at
 * least hold_min_s. Fed one tick at a time in encoder cm (placement on the
 * calf comes at finish); keeps fixed-size edge buffers and 10 Hz signals
 * for technique.c, never the raw samples.
 */
#include <math.h>
#include <string.h>

#include "engine_internal.h"

/* Edges of a hold are placed where the position comes within this share
 * of hold_still_cm of the hold's mean position: tighter than the run's
 * band (so a roll decelerating into the spot is not counted as hold) and
 * wider than the few mm a flexing foot nudges the roller. */
#define EDGE_SHARE 0.25
/* The roller has stopped when it stays within EDGE_TOL_CM (about one and
 * a half rev A encoder counts) for EDGE_STILL_S. */
#define EDGE_TOL_CM 0.03
#define EDGE_STILL_S 0.5
/* A lift ends a hold when the load has fallen below this share of its
 * level 1-2.5 s before the leg came off (the person has started to
 * lift); natural load sway is far slower than a lift. */
#define LIFT_SHARE 0.95
#define LIFT_LEVEL_FROM_S 1.0
#define LIFT_LEVEL_TO_S 2.5

rm_status rm_holds_init(rm_hold_tracker *h, const rm_engine_config *cfg,
                        double line_skew, rm_leg leg)
{
    memset(h, 0, sizeof *h);
    h->still_cm = cfg->hold_still_cm;
    h->min_s = cfg->hold_min_s;
    h->line_skew = line_skew;
    h->leg = leg;
    h->cop = rm_calloc(RM_HOLD_MAXN, sizeof *h->cop);
    h->force = rm_calloc(RM_HOLD_MAXN, sizeof *h->force);
    if (!h->cop || !h->force) {
        rm_holds_free(h);
        return RM_ERR_NOMEM;
    }
    return RM_OK;
}

void rm_holds_free(rm_hold_tracker *h)
{
    rm_free(h->cop);
    rm_free(h->force);
    h->cop = h->force = NULL;
}

static void start_run(rm_hold_tracker *h, const rm_tick *t)
{
    h->active = 1;
    h->settled = 0;
    h->stretch = t->stretch;
    h->t0 = t->t_s - t->dt_s; /* the tick covers the time before it */
    h->t_last = t->t_s;
    h->dt_s = t->dt_s;
    h->pmin = h->pmax = t->enc_cm;
    h->n = 0;
    h->sum_pos = h->sum_f = h->max_f = h->sum_kpa = h->max_kpa = 0.0;
    h->sum_skew = h->n_skew = h->w_skew = 0.0;
    h->sum_cop = h->n_cop = 0.0;
    h->n_early = 0;
    h->late_head = h->n_late = 0;
    h->n_dec = 0;
    h->acc_cop = h->acc_f = 0.0;
    h->acc_n = 0;
    h->dec_next_t = h->t0 + 1.0 / RM_HOLD_RATE_HZ;
}

static void add_tick(rm_hold_tracker *h, const rm_tick *t)
{
    h->n++;
    h->t_last = t->t_s;
    h->sum_pos += t->enc_cm;
    h->sum_f += t->force_n;
    if (t->force_n > h->max_f)
        h->max_f = t->force_n;
    h->sum_kpa += t->peak_kpa;
    if (t->peak_kpa > h->max_kpa)
        h->max_kpa = t->peak_kpa;
    if (isfinite(t->skew)) {
        h->sum_skew += t->skew * t->skew_w;
        h->w_skew += t->skew_w;
        h->n_skew += 1.0;
    }
    if (isfinite(t->cop_mm) && t->force_n > 0) {
        h->sum_cop += t->cop_mm;
        h->n_cop += 1.0;
    }
    if (h->n_early < RM_EDGE_TICKS) {
        h->early_t[h->n_early] = t->t_s;
        h->early_p[h->n_early] = t->enc_cm;
        h->n_early++;
    }
    h->late_t[h->late_head] = t->t_s;
    h->late_p[h->late_head] = t->enc_cm;
    h->late_f[h->late_head] = t->force_n;
    h->late_head = (h->late_head + 1) % RM_EDGE_TICKS;
    if (h->n_late < RM_EDGE_TICKS)
        h->n_late++;

    /* 10 Hz decimation: mean of the ticks in each 0.1 s. */
    h->acc_cop += isfinite(t->cop_mm) ? t->cop_mm : 0.0;
    h->acc_f += t->force_n;
    h->acc_n++;
    if (t->t_s >= h->dec_next_t) {
        if (h->n_dec < RM_HOLD_MAXN) {
            h->cop[h->n_dec] = (float)(h->acc_cop / h->acc_n);
            h->force[h->n_dec] = (float)(h->acc_f / h->acc_n);
            h->n_dec++;
        }
        h->acc_cop = h->acc_f = 0.0;
        h->acc_n = 0;
        h->dec_next_t += 1.0 / RM_HOLD_RATE_HZ;
        if (h->dec_next_t < t->t_s) /* a gap of dropped frames */
            h->dec_next_t = t->t_s + 1.0 / RM_HOLD_RATE_HZ;
    }
}

/* Late ring in time order: index i = 0 is the oldest. */
static size_t late_idx(const rm_hold_tracker *h, size_t i)
{
    return (h->late_head + RM_EDGE_TICKS - h->n_late + i) % RM_EDGE_TICKS;
}

/*
 * Close the run; if it lasted hold_min_s, fill *out. lifted: the run ends
 * because the leg came off (end where the load began to fall), else
 * because the roller moved again (end where the position left the spot).
 */
/* Start: the first tick from which the position then stays within
 * EDGE_TOL_CM for EDGE_STILL_S (the roller has stopped); else the first
 * tick near the run's mean place. */
static double run_start(const rm_hold_tracker *h, double mean_p, double tol)
{
    double start = NAN;
    for (size_t i = 0; i < h->n_early && !isfinite(start); i++) {
        int still = 1;
        size_t j = i + 1;
        for (; j < h->n_early && h->early_t[j] - h->early_t[i] <= EDGE_STILL_S;
             j++)
            if (fabs(h->early_p[j] - h->early_p[i]) > EDGE_TOL_CM) {
                still = 0;
                break;
            }
        if (still && j < h->n_early)
            start = h->early_t[i];
    }
    if (!isfinite(start)) {
        start = h->t0;
        for (size_t i = 0; i < h->n_early; i++)
            if (fabs(h->early_p[i] - mean_p) <= tol) {
                start = h->early_t[i] - h->dt_s;
                break;
            }
    }
    return start < h->t0 ? h->t0 : start;
}

/* End of a run the leg lifted off: the last tick still carrying
 * LIFT_SHARE of the load it had just before (NAN if none). */
static double lift_end(const rm_hold_tracker *h, double mean_f)
{
    double lsum = 0, ln = 0;
    for (size_t i = 0; i < h->n_late; i++) {
        size_t k = late_idx(h, i);
        double age = h->t_last - h->late_t[k];
        if (age >= LIFT_LEVEL_FROM_S && age <= LIFT_LEVEL_TO_S) {
            lsum += h->late_f[k];
            ln += 1;
        }
    }
    double level = ln > 0 ? lsum / ln : mean_f;
    for (size_t i = h->n_late; i-- > 0;) {
        size_t k = late_idx(h, i);
        if (h->late_f[k] >= LIFT_SHARE * level)
            return h->late_t[k];
    }
    return NAN;
}

/* End of a run the roller moved on from: the last tick up to which it
 * had stood still for EDGE_STILL_S; else the last tick near the mean
 * place (NAN if none). */
static double roll_end(const rm_hold_tracker *h, double mean_p, double tol)
{
    for (size_t i = h->n_late; i-- > 0;) {
        size_t k = late_idx(h, i);
        int still = 1;
        size_t j = i;
        while (j-- > 0) {
            size_t q = late_idx(h, j);
            if (h->late_t[k] - h->late_t[q] > EDGE_STILL_S)
                break;
            if (fabs(h->late_p[q] - h->late_p[k]) > EDGE_TOL_CM) {
                still = 0;
                break;
            }
        }
        if (still && j != (size_t)-1)
            return h->late_t[k];
    }
    for (size_t i = h->n_late; i-- > 0;) {
        size_t k = late_idx(h, i);
        if (fabs(h->late_p[k] - mean_p) <= tol)
            return h->late_t[k];
    }
    return NAN;
}

/* The hold record of a run from start to end (s). */
static void fill_hold(const rm_hold_tracker *h, double start, double end,
                      double mean_p, double mean_f, rm_hold_rec *out)
{
    memset(out, 0, sizeof *out);
    out->stretch = h->stretch;
    out->enc_cm = mean_p;
    rm_hold *p = &out->pub;
    p->start_s = start;
    p->end_s = end;
    p->duration_s = end - start;
    p->position_cm = p->position_frac = NAN;
    out->skew = h->w_skew > 0 ? h->sum_skew / h->w_skew : NAN;
    out->n_skew = h->n_skew;
    out->cop_mm = h->n_cop > 0 ? h->sum_cop / h->n_cop : NAN;
    p->line = rm_line_from_skew(out->skew, h->leg, h->line_skew);
    p->mean_force_n = mean_f;
    p->peak_force_n = h->max_f;
    p->mean_pressure_kpa = h->sum_kpa / (double)h->n;
    p->peak_pressure_kpa = h->max_kpa;

    rm_tech_result tr;
    if (rm_technique_classify(h->cop, h->force, h->n_dec, RM_HOLD_RATE_HZ,
                              &tr) == RM_OK) {
        p->technique = tr.technique;
        p->flexes = tr.flexes;
        out->tech = tr;
    }
}

static int close_run(rm_hold_tracker *h, int lifted, rm_hold_rec *out)
{
    h->active = 0;
    if (h->n == 0)
        return 0;
    double mean_p = h->sum_pos / (double)h->n;
    double tol = EDGE_SHARE * h->still_cm;
    double start = run_start(h, mean_p, tol);
    double mean_f = h->sum_f / (double)h->n;
    double end = lifted ? lift_end(h, mean_f) : roll_end(h, mean_p, tol);
    if (!isfinite(end))
        end = h->t_last;
    if (end - start < h->min_s)
        return 0;
    fill_hold(h, start, end, mean_p, mean_f, out);
    return 1;
}

/*
 * A run may begin while the roller is still coasting into the spot; once
 * the roller has stood within EDGE_TOL_CM for EDGE_STILL_S, the run is
 * begun again from where it stopped, so the band of hold_still_cm is
 * centred on the spot (a flexing foot nudges the roller a few mm and must
 * not break the hold) and the start is when the roller stopped.
 */
static void settle(rm_hold_tracker *h, const rm_tick *t)
{
    if (h->settled || h->n_late < 2)
        return;
    double oldest = t->t_s;
    for (size_t i = h->n_late; i-- > 0;) {
        size_t k = late_idx(h, i);
        if (fabs(h->late_p[k] - t->enc_cm) > EDGE_TOL_CM)
            return;
        oldest = h->late_t[k];
        if (t->t_s - oldest >= EDGE_STILL_S)
            break;
    }
    if (t->t_s - oldest < EDGE_STILL_S)
        return;
    if (oldest > h->t0 + h->dt_s) {
        /* Begin again at the stop: the first edge tick marks it. */
        start_run(h, t);
        h->t0 = oldest - h->dt_s;
        h->early_t[0] = oldest;
        h->early_p[0] = t->enc_cm;
        h->n_early = 1;
        add_tick(h, t);
    }
    h->settled = 1;
}

int rm_holds_tick(rm_hold_tracker *h, const rm_tick *t, rm_hold_rec *out)
{
    if (!t->contact)
        return 0;
    if (!h->active || h->stretch != t->stretch) {
        start_run(h, t);
        add_tick(h, t);
        return 0;
    }
    double lo = t->enc_cm < h->pmin ? t->enc_cm : h->pmin;
    double hi = t->enc_cm > h->pmax ? t->enc_cm : h->pmax;
    if (hi - lo <= h->still_cm) {
        h->pmin = lo;
        h->pmax = hi;
        add_tick(h, t);
        settle(h, t);
        return 0;
    }
    int done = close_run(h, 0, out);
    start_run(h, t);
    add_tick(h, t);
    return done;
}

int rm_holds_lift(rm_hold_tracker *h, const rm_tick *t, rm_hold_rec *out)
{
    (void)t;
    if (!h->active)
        return 0;
    return close_run(h, 1, out);
}

double rm_holds_current_s(const rm_hold_tracker *h)
{
    if (!h->active)
        return 0.0;
    double d = h->t_last - h->t0;
    return d >= h->min_s ? d : 0.0;
}
