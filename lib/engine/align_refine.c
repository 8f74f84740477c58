/*
 * The alignment's refinement (after align.c's template fit): every
 * stretch moved to where its widths correlate best with the session's
 * width profile.
 *
 * Session profile in calf coordinates (bins of RM_BIN_CM over
 * [-slack, 1 + slack] of the length): the mean gain-normalised width of
 * every placed ref. Each target is then moved to where its own widths
 * match that profile best, within +-search_cm: at each whole-bin lag, the
 * Pearson correlation of the target's bin widths with the profile of the
 * *other* refs (the target's own ticks taken out) over the target's bins;
 * every bin of the target must fall on the profile; sub-bin by a
 * parabola through the peak.
 *
 * Why normalised and leave-one-out. The plain product sum_j x_j y_(j+l)
 * of a demeaned target with the session profile (demeaned once, over the
 * whole calf) grows wherever the profile swings far from its mean, most
 * of all over the narrow Achilles, so a stretch put down a few cm above
 * the heel scored best with its low end on the tendon (docs/engine.md,
 * tuning log); correlation over the target's own span compares shape only
 * (a leaning load narrows the footprint over the bellies far more than
 * at the tendon, so absolute widths differ between lines). A target's own
 * ticks in the profile correlate perfectly with it where it already is
 * and would hold it there, so they are left out.
 * Example: a 30 cm target, search 4 cm -> 17 lags x 60 bins.
 */

#include <math.h>
#include <string.h>

#include "engine_internal.h"

/* A lag is scored only with this many of the target's bins on the
 * session profile, and a target needs as many bins to be moved. */
#define XC_MIN_BINS 4

/* The calf bin (of nb from x0) of bin b of a view placed at home, or -1. */
static int calf_bin(double home, int dir, int b, double x0, int nb)
{
    return rm_index((home + dir * rm_bin_enc_cm(b) - x0) / RM_BIN_CM, nb);
}

/* Add (remove 0) view v's gain-normalised widths and ticks, placed at
 * home, to the calf-bin sums. */
static void profile_add(const rm_pview *v, double home, int dir, double x0,
                        int nb, double *sum, double *cnt, int add)
{
    for (int b = v->bmin; b <= v->bmax; b++) {
        double n = v->n[b - v->bmin];
        if (n <= 0)
            continue;
        int j = calf_bin(home, dir, b, x0, nb);
        if (j < 0)
            continue;
        if (add) {
            sum[j] += v->wsum[b - v->bmin] / v->gain;
            cnt[j] += n;
        } else {
            sum[j] -= v->wsum[b - v->bmin] / v->gain;
            cnt[j] -= n;
        }
    }
}

/* The target's mean bin widths in calf order (ankle first), NAN where it
 * has no tick; its gain does not matter to a correlation. Returns the
 * bins that have ticks. */
static int target_widths(const rm_pview *v, int dir, double *xw)
{
    int n_have = 0;
    for (int b = v->bmin; b <= v->bmax; b++) {
        double n = v->n[b - v->bmin];
        int j = dir > 0 ? b - v->bmin : v->bmax - b;
        xw[j] = n > 0 ? v->wsum[b - v->bmin] / n : NAN;
        n_have += n > 0;
    }
    return n_have;
}

/* Index of target k among the refs (the same view writes to the same
 * offset), n_refs if it is none of them. */
static size_t self_index(const rm_pview *refs, size_t n_refs,
                         const rm_pview *targets, size_t k)
{
    if (targets == refs && k < n_refs)
        return k;
    for (size_t r = 0; r < n_refs; r++)
        if (refs[r].offset_cm == targets[k].offset_cm)
            return r;
    return n_refs;
}

/* Pearson correlation of the target's widths xw[0..nbs-1] with the
 * profile prof from calf bin l on; -INFINITY when a target bin falls off
 * the profile or fewer than XC_MIN_BINS take part. */
static double lag_score(const double *xw, int nbs, const double *prof,
                        int nb, int l)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, r = -INFINITY;
    int m = 0, off = 0;
    for (int j = 0; j < nbs && !off; j++) {
        if (!isfinite(xw[j]))
            continue;
        int q = l + j;
        if (q < 0 || q >= nb || !isfinite(prof[q])) {
            off = 1; /* every bin must lie on the profile */
            continue;
        }
        double a = xw[j], b = prof[q];
        sx += a;
        sy += b;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
        m++;
    }
    if (!off && m >= XC_MIN_BINS) {
        double vx = sxx - sx * sx / m, vy = syy - sy * sy / m;
        if (vx > 0 && vy > 0)
            r = (sxy - sx * sy / m) / sqrt(vx * vy);
    }
    return r;
}

/* The calf-bin sums every placed ref makes (sum, cnt) and where each ref
 * was when they were taken (home: targets move as they go). */
typedef struct session_profile {
    int nb;                   /* calf bins from x0 */
    double x0;
    int dir;
    double *sum, *cnt;        /* all placed refs */
    double *psum, *pcnt;      /* less one target's own: then its mean */
    double *home;
} session_profile;

/* Move target k to the lag (within span bins) where its widths correlate
 * best with the profile of the other refs; score: 2 span + 5 scratch. */
static void refine_one(const session_profile *sp, const rm_pview *refs,
                       size_t n_refs, rm_pview *targets, size_t k, int span,
                       double *score)
{
    double xw[RM_SBINS];
    rm_pview *v = &targets[k];
    int nb = sp->nb, dir = sp->dir;
    if (!*v->placed || v->gain <= 0)
        return;
    int nbs = v->bmax - v->bmin + 1;
    if (nbs <= 0 || nbs > RM_SBINS)
        return;
    if (target_widths(v, dir, xw) < XC_MIN_BINS)
        return;
    size_t self = self_index(refs, n_refs, targets, k);
    size_t nbz = (size_t)nb;
    memcpy(sp->psum, sp->sum, nbz * sizeof *sp->psum);
    memcpy(sp->pcnt, sp->cnt, nbz * sizeof *sp->pcnt);
    if (self < n_refs && *refs[self].placed && refs[self].gain > 0)
        profile_add(&refs[self], sp->home[self], dir, sp->x0, nb, sp->psum,
                    sp->pcnt, 0);
    for (int j = 0; j < nb; j++)
        sp->psum[j] = sp->pcnt[j] > 1e-6 ? sp->psum[j] / sp->pcnt[j] : NAN;

    double e_low = dir > 0 ? rm_bin_enc_cm(v->bmin) : rm_bin_enc_cm(v->bmax);
    double xs = *v->offset_cm + dir * e_low - 0.5 * RM_BIN_CM;
    double lag0 = (xs - sp->x0) / RM_BIN_CM;
    /* Lags l_lo..l_hi are searched; score[0] and the last are the
     * parabola's spares. */
    int l_lo = (int)floor(lag0) - span, l_hi = (int)ceil(lag0) + span;
    if (l_hi - l_lo + 3 > 2 * span + 5)
        return; /* lag0 not finite or out of int range */
    for (int l = l_lo - 1; l <= l_hi + 1; l++)
        score[l - l_lo + 1] = lag_score(xw, nbs, sp->psum, nb, l);
    double best = -INFINITY;
    int best_l = 0;
    for (int l = l_lo; l <= l_hi; l++)
        if (score[l - l_lo + 1] > best) {
            best = score[l - l_lo + 1];
            best_l = l;
        }
    if (!isfinite(best) || best <= 0)
        return;
    double cm = score[best_l - l_lo], cp = score[best_l - l_lo + 2];
    double frac = rm_vertex_offset(cm, best, cp, 1, 0.5);
    *v->offset_cm += ((double)best_l + frac - lag0) * RM_BIN_CM;
}

rm_status rm_align_refine(const rm_pview *refs, size_t n_refs,
                          rm_pview *targets, size_t n_targets,
                          const rm_align *al, double search_cm)
{
    int nb = (int)ceil(al->length_cm * (1 + 2 * RM_ALIGN_END_SLACK) /
                       RM_BIN_CM) + 1;
    double x0 = -RM_ALIGN_END_SLACK * al->length_cm;
    if (!al->found || !(nb > 0) || nb > 4 * RM_SBINS)
        return RM_OK; /* cannot happen with L_MAX_CM; keep the grid fit */
    if (!(search_cm >= 0) || search_cm > RM_SBINS * RM_BIN_CM)
        return RM_ERR_ARG;
    int span = (int)(search_cm / RM_BIN_CM);
    size_t nbz = (size_t)nb;
    double *sum = rm_calloc(4 * nbz, sizeof *sum);
    double *home = rm_calloc(n_refs ? n_refs : 1, sizeof *home);
    double *score = rm_calloc((size_t)(2 * span + 5), sizeof *score);
    if (!sum || !home || !score) {
        rm_free(sum);
        rm_free(home);
        rm_free(score);
        return RM_ERR_NOMEM;
    }
    session_profile sp = { .nb = nb, .x0 = x0, .dir = al->dir, .sum = sum,
                           .cnt = sum + nbz, .psum = sum + 2 * nbz,
                           .pcnt = sum + 3 * nbz, .home = home };
    for (size_t k = 0; k < n_refs; k++) {
        home[k] = *refs[k].offset_cm;
        if (*refs[k].placed && refs[k].gain > 0)
            profile_add(&refs[k], home[k], al->dir, x0, nb, sp.sum, sp.cnt,
                        1);
    }
    for (size_t k = 0; k < n_targets; k++)
        refine_one(&sp, refs, n_refs, targets, k, span, score);
    rm_free(sum);
    rm_free(home);
    rm_free(score);
    return RM_OK;
}
