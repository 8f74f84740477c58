/*
 * Flinches: a protective lift-off, the load falling by flinch_drop_fraction
 * within flinch_window_s (a reflex, ~0.1-0.2 s), unlike a deliberate lift
 * (a 0.4-1 s ramp). Fed every tick; a ring of the last few seconds only.
 */
#include <math.h>
#include <string.h>

#include "engine_internal.h"

/* The load before a drop is its mean over this long, ending where the
 * window before the lift-off begins. */
#define LEVEL_S 1.0
/* At the start of the window the load must still be this share of that
 * level: the whole fall happened inside the window. */
#define LEVEL_SHARE 0.8

void rm_flinch_init(rm_flinch_tracker *fl, const rm_engine_config *cfg)
{
    memset(fl, 0, sizeof *fl);
    fl->drop_fraction = cfg->flinch_drop_fraction;
    fl->window_s = cfg->flinch_window_s;
    fl->contact_n = cfg->contact_force_n;
    fl->stretch = -1;
}

/* Ring index of the i-th newest entry (0 = newest). */
static size_t newest(const rm_flinch_tracker *fl, size_t i)
{
    return (fl->head + RM_FLINCH_RING - 1 - i) % RM_FLINCH_RING;
}

/* Linear interpolation of the ring at time t_s (clamped to its ends). */
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

int rm_flinch_tick(rm_flinch_tracker *fl, const rm_tick *t, int lost,
                   rm_flinch_rec *out)
{
    if (t->contact && t->stretch != fl->stretch) {
        fl->n = 0;
        fl->stretch = t->stretch;
    }
    fl->t[fl->head] = t->t_s;
    fl->f[fl->head] = t->force_n;
    fl->p[fl->head] = t->enc_cm;
    fl->s[fl->head] = t->skew;
    fl->head = (fl->head + 1) % RM_FLINCH_RING;
    if (fl->n < RM_FLINCH_RING)
        fl->n++;
    if (!lost || fl->n < 3)
        return 0;

    /* Level: mean load over [t - window - LEVEL_S, t - window]. */
    double t_win = t->t_s - fl->window_s;
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
    size_t kw = at_time(fl, t_win);
    double before = fl->f[kw];
    if (level < 3.0 * fl->contact_n || before < LEVEL_SHARE * level)
        return 0;
    if (t->force_n > (1.0 - fl->drop_fraction) * before)
        return 0;

    /* The flinch time: the last tick still at the level, where the fall
     * began. */
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
