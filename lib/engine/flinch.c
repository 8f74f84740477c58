/*
 * Flinches: a sudden drop of the load, a protective reflex (~0.1-0.25 s),
 * whether the leg then leaves the roller or stays down and recovers.
 * Two cases, told apart by whether contact ends:
 *  - leg down: the load falls by DOWN_DROP of its level within
 *    DOWN_WINDOW_S and the leg is still down CONFIRM_S later (nothing a
 *    person does on purpose with the leg down sheds half the load that
 *    fast; flexes move it by at most ~30 % in that time);
 *  - lift-off: a deliberate lift also sheds half the load within 0.3 s
 *    (a 0.5-1 s smoothstep ramp: 0.17-0.35 s), so a drop ending in a
 *    lift counts only when faster than any deliberate lift:
 *    flinch_drop_fraction within flinch_window_s (a 0.5-s ramp sheds at
 *    most 57 % in 0.2 s). It is reported when the leg comes back: the
 *    session's final lift-off is never a flinch.
 * Fed every tick; a ring of the last few seconds only.
 */
#include <math.h>
#include <string.h>

#include "engine_internal.h"

/* The load before a drop is its mean over this long, ending where the
 * window before the drop begins. */
#define LEVEL_S 1.0
/* At the start of the window the load must still be this share of that
 * level: the whole fall happened inside the window. */
#define LEVEL_SHARE 0.8
/* The leg-down rule (see the top). */
#define DOWN_DROP 0.5
#define DOWN_WINDOW_S 0.3
/* A 0.86-s lift, the slowest to shed half its load within 0.3 s, loses
 * contact 0.35 s after the half-way point: wait longer than that. */
#define CONFIRM_S 0.5
/* One drop is one flinch: none again this soon after one began. */
#define QUIET_S 1.0

void rm_flinch_init(rm_flinch_tracker *fl, const rm_engine_config *cfg)
{
    memset(fl, 0, sizeof *fl);
    fl->drop_fraction = cfg->flinch_drop_fraction;
    fl->window_s = cfg->flinch_window_s;
    fl->contact_n = cfg->contact_force_n;
    fl->stretch = -1;
    fl->quiet_until = -INFINITY;
}

/* Ring index of the i-th newest entry (0 = newest). */
static size_t newest(const rm_flinch_tracker *fl, size_t i)
{
    return (fl->head + RM_FLINCH_RING - 1 - i) % RM_FLINCH_RING;
}

/* The newest entry at or before t_s (the oldest if none is). */
static size_t at_time(const rm_flinch_tracker *fl, double t_s)
{
    size_t best = newest(fl, 0);
    for (size_t i = 0; i < fl->n; i++) {
        size_t k = newest(fl, i);
        best = k;
        if (fl->t[k] <= t_s)
            break;
    }
    return best;
}

/*
 * Whether the newest tick t ends a drop of `drop` of the load within
 * `window_s`, from a level held for LEVEL_S before; fills *out (time:
 * the last tick still at the level, where the fall began). kw: the ring
 * entry window_s back.
 */
static int drop_at(const rm_flinch_tracker *fl, const rm_tick *t,
                   double window_s, double drop, size_t kw,
                   rm_flinch_rec *out)
{
    double t_win = t->t_s - window_s;
    double before = fl->f[kw];
    if (fl->t[kw] > t_win || t->force_n > (1.0 - drop) * before)
        return 0;
    /* Level: mean load over [t - window - LEVEL_S, t - window]. */
    double sum = 0.0, sum_skew = 0.0;
    size_t cnt = 0, cnt_skew = 0;
    int covered = 0;
    for (size_t i = 0; i < fl->n; i++) {
        size_t k = newest(fl, i);
        if (fl->t[k] > t_win)
            continue;
        if (fl->t[k] < t_win - LEVEL_S) {
            covered = 1;
            break;
        }
        sum += fl->f[k];
        cnt++;
        if (isfinite(fl->s[k])) {
            sum_skew += fl->s[k];
            cnt_skew++;
        }
    }
    if (!covered || cnt == 0)
        return 0; /* not a second of contact before: cannot tell */
    double level = sum / (double)cnt;
    if (level < 3.0 * fl->contact_n || before < LEVEL_SHARE * level)
        return 0;

    double t_fall = fl->t[kw];
    double enc = fl->p[kw];
    for (size_t i = 0; i < fl->n; i++) {
        size_t k = newest(fl, i);
        if (fl->t[k] < t_win)
            break;
        if (fl->f[k] >= LEVEL_SHARE * level) {
            t_fall = fl->t[k];
            enc = fl->p[k];
            break;
        }
    }
    memset(out, 0, sizeof *out);
    out->stretch = fl->stretch;
    out->enc_cm = enc;
    out->skew = cnt_skew ? sum_skew / (double)cnt_skew : NAN;
    out->pub.time_s = t_fall;
    out->pub.position_cm = out->pub.position_frac = NAN;
    out->pub.line = RM_LINE_UNKNOWN;
    out->pub.force_before_n = level;
    return 1;
}

int rm_flinch_tick(rm_flinch_tracker *fl, const rm_tick *t, int lost,
                   rm_flinch_rec *out)
{
    int got = 0;
    if (t->contact && t->stretch != fl->stretch) {
        /* The leg is back: a lift-off flinch before it stands. */
        if (fl->lift_pending) {
            *out = fl->lift_rec;
            fl->lift_pending = 0;
            got = 1;
        }
        fl->n = 0;
        fl->lag = 0;
        fl->down_pending = 0;
        fl->stretch = t->stretch;
    }
    fl->t[fl->head] = t->t_s;
    fl->f[fl->head] = t->force_n;
    fl->p[fl->head] = t->enc_cm;
    fl->s[fl->head] = t->skew;
    fl->head = (fl->head + 1) % RM_FLINCH_RING;
    if (fl->n < RM_FLINCH_RING)
        fl->n++;
    /* The entry DOWN_WINDOW_S back, followed tick by tick (amortised
     * O(1)): the newest one at or before t - DOWN_WINDOW_S. */
    if (fl->lag + 1 < fl->n)
        fl->lag++;
    while (fl->lag > 0 &&
           fl->t[newest(fl, fl->lag - 1)] <= t->t_s - DOWN_WINDOW_S)
        fl->lag--;
    if (got || fl->n < 3)
        return got;

    if (lost) {
        /* A drop under way was the start of a lift: the lift rule
         * judges it again. */
        if (fl->down_pending)
            fl->quiet_until = -INFINITY;
        fl->down_pending = 0;
        rm_flinch_rec r;
        size_t kw = at_time(fl, t->t_s - fl->window_s);
        if (t->t_s >= fl->quiet_until &&
            drop_at(fl, t, fl->window_s, fl->drop_fraction, kw, &r)) {
            fl->lift_rec = r;
            fl->lift_pending = 1;
        }
        return 0;
    }
    if (!t->contact)
        return 0;
    if (fl->down_pending) {
        if (t->t_s < fl->down_until)
            return 0;
        fl->down_pending = 0;
        *out = fl->down_rec;
        return 1;
    }
    if (t->t_s < fl->quiet_until)
        return 0;
    rm_flinch_rec r;
    if (drop_at(fl, t, DOWN_WINDOW_S, DOWN_DROP, newest(fl, fl->lag), &r)) {
        fl->down_rec = r;
        fl->down_pending = 1;
        fl->down_until = t->t_s + CONFIRM_S;
        fl->quiet_until = r.pub.time_s + QUIET_S;
    }
    return 0;
}
