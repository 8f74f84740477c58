/*
 * Width profiles placed on width profiles: a stretch (or pass) that
 * rolled only part of the calf is matched against the session profile
 * of the anchors by least squares over the calf, every A_STEP cm. Runs
 * at finish (placement.c, slip.c), after align.c has placed the
 * stretches.
 */
#include <math.h>
#include <string.h>

#include "engine_internal.h"

/* Offsets searched every A_STEP cm along the calf. */
#define A_STEP 0.1
/* Longest calf searched (cm): twice a stretch's working profile, far
 * beyond any leg. A longer "calf" comes from corrupt encoder data, and
 * the profile bins and the search (both proportional to the length)
 * must not follow it: cost stays under ~(1.2 x 192 + 40) bins and
 * 2,100 offsets x 192 bins per call. */
#define MAX_LEN_CM (2.0 * RM_SBINS * RM_BIN_CM)

static double bin_e(int b)
{
    return ((double)(b - RM_SBIN0) + 0.5) * RM_BIN_CM;
}

double rm_placing_x(const rm_placing *p, int dir, double e_rel)
{
    return p->a + dir * p->s * (e_rel - p->pivot_e);
}

/* Session profile: mean width of the placed refs per calf bin from x0. */
static void build(const rm_placing *r, size_t n, int dir, double x0, int nb,
                  double *sum, double *cnt)
{
    memset(sum, 0, (size_t)nb * sizeof *sum);
    memset(cnt, 0, (size_t)nb * sizeof *cnt);
    for (size_t k = 0; k < n; k++) {
        if (!r[k].placed)
            continue;
        for (int b = r[k].bmin; b <= r[k].bmax; b++) {
            double w = r[k].n[b - r[k].bmin];
            if (w <= 0)
                continue;
            double x = rm_placing_x(&r[k], dir, bin_e(b));
            int j = rm_index((x - x0) / RM_BIN_CM, nb);
            if (j < 0)
                continue;
            sum[j] += r[k].wsum[b - r[k].bmin];
            cnt[j] += w;
        }
    }
    for (int j = 0; j < nb; j++)
        sum[j] = cnt[j] > 0 ? sum[j] / cnt[j] : NAN;
}

/* Profile value at x (linear between bin centres); NAN outside. */
static double at(const double *prof, int nb, double x0, double x)
{
    double u = (x - x0) / RM_BIN_CM - 0.5;
    int j = rm_index(u, nb - 1);
    if (j < 0)
        return NAN;
    double f = u - j;
    return prof[j] * (1 - f) + prof[j + 1] * f;
}

/*
 * A stretch that rolled only part of the calf (the leg put down mid-calf)
 * is matched against the profile of the anchors (stretches that rolled
 * most of the calf, so of this very leg), anywhere on the calf: by shape
 * (free gain) when it is long enough to show one, else by its absolute
 * widths (4 cm only at the Achilles, 11 cm only over the bellies, the
 * slope telling the rising from the falling side).
 */
rm_status rm_drift_place_abs(rm_placing *p, const rm_placing *anchors,
                             size_t na, int dir, double len_cm, int free_gain,
                             double max_miss)
{
    double x0 = -0.1 * len_cm - 10.0;
    int nb = (int)ceil((1.2 * len_cm + 20.0) / RM_BIN_CM);
    if (!(len_cm > 0) || len_cm > MAX_LEN_CM)
        return RM_OK; /* no calf to place on: p stays unplaced */
    double *prof = rm_calloc((size_t)nb, sizeof *prof);
    double *cnt = rm_calloc((size_t)nb, sizeof *cnt);
    if (!prof || !cnt) {
        rm_free(prof);
        rm_free(cnt);
        return RM_ERR_NOMEM;
    }
    build(anchors, na, dir, x0, nb, prof, cnt);
    double best = INFINITY, best_a = p->a;
    for (double a = -0.05 * len_cm; a <= 1.05 * len_cm; a += A_STEP) {
        double smm = 0, w = 0, smt = 0, stt = 0, sxx = 0, miss = 0;
        int ok = 1;
        for (int b = p->bmin; b <= p->bmax && ok; b++) {
            double n = p->n[b - p->bmin];
            if (n <= 0)
                continue;
            double x = a + dir * p->s * (bin_e(b) - p->pivot_e);
            double t = at(prof, nb, x0, x);
            if (!isfinite(t)) {
                miss += n;
                ok = max_miss > 0;
                continue;
            }
            double m = p->wsum[b - p->bmin] / n;
            double d = m - t;
            smm += n * d * d;
            smt += n * m * t;
            stt += n * t * t;
            sxx += n * m * m;
            w += n;
        }
        if (!ok || w <= 0 || miss > max_miss * (w + miss))
            continue;
        /* Free gain: the shape only (least squares at the best gain). */
        double c = free_gain ? (stt > 0 ? (sxx - smt * smt / stt) / w : INFINITY)
                             : smm / w;
        if (c < best) {
            best = c;
            best_a = a;
        }
    }
    rm_free(prof);
    rm_free(cnt);
    if (!isfinite(best))
        return RM_OK; /* nowhere on the anchors' calf: leave it */
    p->a = best_a;
    p->cost = best;
    p->placed = 1;
    return RM_OK;
}

