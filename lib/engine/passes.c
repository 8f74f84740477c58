/*
 * Passes: one roll in one direction along the calf, from where the roller
 * left a standstill or a turnaround to where it stopped or turned back.
 * Fed ticks in encoder cm; placed on the calf and given cm/s at finish.
 */
#include <math.h>
#include <string.h>

#include "engine_internal.h"

/* While standing, the roller is "still there" within this distance (cm):
 * a few encoder counts plus the nudge of a flexing foot. */
#define STAND_CM 0.25
/* Speed is the slope over this time: long enough to average encoder
 * quantisation (0.019 cm/count rev A), short next to a 10 s pass. */
#define SPEED_SPAN_S 0.25

void rm_passes_init(rm_pass_tracker *p, double rev_cm, double min_cm,
                    double pause_s)
{
    memset(p, 0, sizeof *p);
    p->rev_cm = rev_cm;
    p->min_cm = min_cm;
    p->pause_s = pause_s;
}

static void begin_standing(rm_pass_tracker *p, const rm_tick *t)
{
    p->dir = 0;
    p->anchor_p = t->enc_cm;
    p->anchor_t = t->t_s;
    p->sum_skew = p->w_skew = 0.0;
    p->n_skew = 0;
    p->sum_cop = p->n_cop = 0.0;
    p->sum_shape = p->w_shape = 0.0;
    p->peak_speed = 0.0;
}

/* Emit the movement anchor -> ext if it was long enough. */
static int emit(rm_pass_tracker *p, rm_pass_rec *out)
{
    double dist = fabs(p->ext_p - p->anchor_p);
    if (p->dir == 0 || dist < p->min_cm || p->ext_t <= p->anchor_t)
        return 0;
    memset(out, 0, sizeof *out);
    out->stretch = p->stretch;
    out->enc_from = p->anchor_p;
    out->enc_to = p->ext_p;
    out->skew = p->w_skew > 0 ? p->sum_skew / p->w_skew : NAN;
    out->n_skew = (double)p->n_skew;
    out->w_skew = p->w_skew;
    out->cop_mm = p->n_cop > 0 ? p->sum_cop / p->n_cop : NAN;
    out->n_cop = p->n_cop;
    out->shape = p->w_shape > 0 ? p->sum_shape / p->w_shape : NAN;
    out->w_shape = p->w_shape;
    out->pub.start_s = p->anchor_t;
    out->pub.end_s = p->ext_t;
    out->pub.from_cm = out->pub.to_cm = NAN;
    out->pub.line = RM_LINE_UNKNOWN;
    /* Encoder cm/s for now; engine.c scales to calf cm/s. */
    out->pub.mean_speed_cm_s = dist / (p->ext_t - p->anchor_t);
    out->pub.peak_speed_cm_s = p->peak_speed;
    return 1;
}

static void update_speed(rm_pass_tracker *p, const rm_tick *t)
{
    p->ring_t[p->ring_head] = t->t_s;
    p->ring_p[p->ring_head] = t->enc_cm;
    p->ring_head = (p->ring_head + 1) % RM_SPEED_RING;
    if (p->ring_n < RM_SPEED_RING)
        p->ring_n++;
    /* Oldest sample still within SPEED_SPAN_S. Tick times never go
     * back, so the samples within the span are the newest few, and one
     * that fell out stays out (t - t_k only grows, rounding included):
     * the window only moves forward, by a step or two a tick, instead
     * of being searched back from the newest (~13 at 50 Hz). */
    size_t win = p->ring_win + 1;
    if (win > p->ring_n - 1)
        win = p->ring_n - 1;
    while (win > 0 &&
           t->t_s - p->ring_t[(p->ring_head + RM_SPEED_RING - 1 - win) %
                              RM_SPEED_RING] > SPEED_SPAN_S)
        win--;
    p->ring_win = win;
    size_t k0 = (p->ring_head + RM_SPEED_RING - 1 - win) % RM_SPEED_RING;
    double t0 = p->ring_t[k0], p0 = p->ring_p[k0];
    p->speed = t->t_s > t0 ? (t->enc_cm - p0) / (t->t_s - t0) : 0.0;
}

int rm_passes_tick(rm_pass_tracker *p, const rm_tick *t, rm_pass_rec *out)
{
    if (!t->contact)
        return 0;
    if (!p->active || p->stretch != t->stretch) {
        p->active = 1;
        p->stretch = t->stretch;
        p->ring_n = 0;
        p->ring_win = 0;
        p->still_p = t->enc_cm;
        p->still_t = t->t_s;
        begin_standing(p, t);
    }
    update_speed(p, t);
    if (fabs(t->enc_cm - p->still_p) > STAND_CM) {
        p->still_p = t->enc_cm;
        p->still_t = t->t_s;
    }

    if (p->dir == 0) {
        if (fabs(t->enc_cm - p->anchor_p) <= STAND_CM) {
            p->anchor_t = t->t_s;
        } else if (fabs(t->enc_cm - p->anchor_p) >= p->rev_cm) {
            p->dir = t->enc_cm > p->anchor_p ? 1 : -1;
            p->ext_p = t->enc_cm;
            p->ext_t = t->t_s;
        }
        return 0;
    }

    if (isfinite(t->skew)) {
        p->sum_skew += t->skew * t->skew_w;
        p->w_skew += t->skew_w;
        p->n_skew++;
        if (t->half_mm > 0 && t->width_mm > 0) {
            p->sum_shape += t->skew_w * t->width_mm / (2.0 * t->half_mm);
            p->w_shape += t->skew_w;
        }
    }
    if (isfinite(t->cop_mm) && t->force_n > 0) {
        p->sum_cop += t->cop_mm;
        p->n_cop += 1.0;
    }
    if (fabs(p->speed) > p->peak_speed)
        p->peak_speed = fabs(p->speed);
    if ((t->enc_cm - p->ext_p) * p->dir > 0.0) {
        p->ext_p = t->enc_cm;
        p->ext_t = t->t_s;
    }

    /* Stopped long enough: the pass ended where the roller stopped. */
    if (t->t_s - p->still_t >= p->pause_s) {
        int done = emit(p, out);
        begin_standing(p, t);
        p->anchor_p = p->still_p;
        return done;
    }
    /* Turned back by rev_cm: the pass ended at the turning point and the
     * next one starts there. */
    if ((p->ext_p - t->enc_cm) * p->dir >= p->rev_cm) {
        int done = emit(p, out);
        int dir = -p->dir;
        double ap = p->ext_p, at = p->ext_t;
        begin_standing(p, t);
        p->anchor_p = ap;
        p->anchor_t = at;
        p->dir = dir;
        p->ext_p = t->enc_cm;
        p->ext_t = t->t_s;
        return done;
    }
    return 0;
}

int rm_passes_lift(rm_pass_tracker *p, rm_pass_rec *out)
{
    if (!p->active)
        return 0;
    p->active = 0;
    return emit(p, out);
}
