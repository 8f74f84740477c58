/*
 * How the footprint's width grows with load, per session, so that a
 * stretch placed by its absolute widths (placement.c's short stretches,
 * slip.c's loose ones) is compared with the anchors at like load.
 *
 * A soft calf spreads under more load: with the other leg crossed over
 * (+50-80 % load for a whole put-down) the footprint may read 5-20 %
 * wider, as wide as a place several cm further up the calf. Whether it
 * does is the session's own matter (foot-widen physics; the original
 * footprint keeps its width), so it is measured on the anchors: each
 * anchor's widths against the other anchors of its line (a leaning load
 * reads narrower, so lines are never mixed), as a width ratio, against
 * its load relative to the anchors' median load. A slope clearly above
 * the scatter becomes each stretch's width gain; otherwise every gain
 * stays 1 and nothing changes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finish.h"

/* The calf grid of the line profiles (cm), as drift.c's. */
#define GRID_MARGIN_CM 10.0
/* An anchor's ratio needs this many bins shared with its line's others. */
#define MIN_SHARED_BINS 10
/* Ratios needed for a slope, and the load spread that must show among
 * them (relative to the median): crossed legs load 1.5-1.8 x. */
#define MIN_RATIOS 3
#define MIN_LOAD_SPREAD 0.3
/* The slope is used only when this many standard errors above zero, and
 * never beyond MAX_SLOPE (a doubling of the load widening 50 %). */
#define MIN_T 3.0
#define MAX_SLOPE 0.5
/* Gains kept within these (a stretch's load is a mean over its bins). */
#define MIN_GAIN 0.7
#define MAX_GAIN 1.4
/* Longest calf gridded (cm), as drift.c's MAX_LEN_CM. */
#define MAX_LEN_CM (2.0 * RM_SBINS * RM_BIN_CM)

/* Lines a profile is kept for: the three and unknown. */
#define N_LINES 4

double rm_stretch_load(const rm_stretch *s)
{
    if (!s->fsum || !s->n || s->bmax < s->bmin)
        return NAN;
    /* Each bin's mean load once: a hold piles a minute of ticks (often
     * at a pressed-in load) on one bin and must not stand for the
     * put-down's load. */
    double sum = 0.0, bins = 0.0;
    for (int b = s->bmin; b <= s->bmax; b++) {
        double n = s->n[b - s->bmin];
        if (n < 1.0)
            continue;
        sum += s->fsum[b - s->bmin] / n;
        bins += 1.0;
    }
    return bins > 0 && sum > 0 ? sum / bins : NAN;
}

double rm_stretch_width_gain(const rm_stretch *s)
{
    return s->load_gain > 0 ? s->load_gain : 1.0;
}

static int line_slot(rm_line l)
{
    switch (l) {
    case RM_LINE_MEDIAL: return 0;
    case RM_LINE_MIDDLE: return 1;
    case RM_LINE_LATERAL: return 2;
    default: return 3;
    }
}

/* Grid index of stretch bin b, or -1 off the grid. */
static int grid_j(const rm_stretch *s, int dir, int b, double x0, int nb)
{
    rm_calf_pos m = { s->offset_cm, 1.0, 0.0 };
    double x = rm_calf_x(&m, dir, rm_bin_enc_cm(b));
    return rm_index((x - x0) / RM_BIN_CM, nb);
}

/* Adds (sign +1) or takes out (-1) anchor s's bin means in prof/cnt. */
static void profile_add(const rm_stretch *s, int dir, double x0, int nb,
                        double *prof, double *cnt, double sign)
{
    for (int b = s->bmin; b <= s->bmax; b++) {
        double n = s->n[b - s->bmin];
        int j = grid_j(s, dir, b, x0, nb);
        if (n < 1.0 || j < 0)
            continue;
        prof[j] += sign * s->wsum[b - s->bmin] / n;
        cnt[j] += sign;
    }
}

/* Anchor s's widths over its line's other anchors' mean widths (both
 * summed over the bins they share); NAN when they share too few. */
static double width_ratio(const rm_stretch *s, int dir, double x0, int nb,
                          const double *prof, const double *cnt)
{
    double own = 0.0, others = 0.0;
    int shared = 0;
    for (int b = s->bmin; b <= s->bmax; b++) {
        double n = s->n[b - s->bmin];
        int j = grid_j(s, dir, b, x0, nb);
        if (n < 1.0 || j < 0 || cnt[j] < 2.0)
            continue;
        double w = s->wsum[b - s->bmin] / n;
        own += w;
        others += (prof[j] - w) / (cnt[j] - 1.0);
        shared++;
    }
    return shared >= MIN_SHARED_BINS && others > 0 ? own / others : NAN;
}

static double median_of(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t q = i; q > 0 && v[q - 1] > v[q]; q--) {
            double t = v[q];
            v[q] = v[q - 1];
            v[q - 1] = t;
        }
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Least-squares slope of ratio on relative load, when clearly there. */
static double fit_slope(const double *u, const double *g, size_t n)
{
    if (n < MIN_RATIOS)
        return 0.0;
    double mu = 0, mg = 0, umin = INFINITY, umax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        mu += u[i] / n;
        mg += g[i] / n;
        umin = u[i] < umin ? u[i] : umin;
        umax = u[i] > umax ? u[i] : umax;
    }
    if (umax - umin < MIN_LOAD_SPREAD)
        return 0.0;
    double suu = 0, sug = 0, sgg = 0;
    for (size_t i = 0; i < n; i++) {
        suu += (u[i] - mu) * (u[i] - mu);
        sug += (u[i] - mu) * (g[i] - mg);
        sgg += (g[i] - mg) * (g[i] - mg);
    }
    double c = sug / suu;
    double resid = sgg - c * sug;
    double se = n > 2 ? sqrt((resid > 0 ? resid : 0) / (double)(n - 2) / suu)
                      : INFINITY;
    if (getenv("RM_WL_DEBUG")) {
        fprintf(stderr, "WLPTS c %.3f se %.3f:", c, se);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %.2f:%.3f", u[i], g[i]);
        fprintf(stderr, "\n");
    }
    if (!(c > MIN_T * se))
        return 0.0;
    return c > MAX_SLOPE ? MAX_SLOPE : c;
}

static void set_gains(rm_layout *lay, double slope, double ref)
{
    for (size_t k = 0; k < lay->n_st; k++) {
        double load = rm_stretch_load(&lay->st[k]);
        double g = 1.0;
        if (slope > 0 && isfinite(load) && ref > 0)
            g = 1.0 + slope * (load / ref - 1.0);
        lay->st[k].load_gain = g < MIN_GAIN ? MIN_GAIN
                               : g > MAX_GAIN ? MAX_GAIN : g;
    }
}

rm_status rm_width_load_fit(rm_layout *lay, const rm_line_rule *rule,
                            const char *anchor, double *slope_out)
{
    *slope_out = 0.0;
    set_gains(lay, 0.0, 0.0);
    double len = lay->al->length_cm;
    if (!(len > 0) || len > MAX_LEN_CM || lay->n_st == 0)
        return RM_OK;
    double x0 = -0.1 * len - GRID_MARGIN_CM;
    int nb = (int)ceil((1.2 * len + 2.0 * GRID_MARGIN_CM) / RM_BIN_CM);
    double *prof = rm_calloc((size_t)(2 * N_LINES * nb), sizeof *prof);
    double *pts = rm_calloc(3 * lay->n_st, sizeof *pts);
    int *slot = rm_calloc(lay->n_st, sizeof *slot);
    if (!prof || !pts || !slot) {
        rm_free(prof);
        rm_free(pts);
        rm_free(slot);
        return RM_ERR_NOMEM;
    }
    int dir = lay->al->dir;
    for (size_t k = 0; k < lay->n_st; k++) {
        const rm_stretch *s = &lay->st[k];
        slot[k] = -1;
        if (!anchor[k] || !s->placed || !s->wsum || !isfinite(rm_stretch_load(s)))
            continue;
        slot[k] = line_slot(rm_stretch_line(lay->passes, lay->n_passes,
                                            (int)k, rule));
        double *p = prof + 2 * slot[k] * nb;
        profile_add(s, dir, x0, nb, p, p + nb, 1.0);
    }
    double *u = pts, *g = pts + lay->n_st, *loads = pts + 2 * lay->n_st;
    size_t n = 0;
    for (size_t k = 0; k < lay->n_st; k++) {
        if (slot[k] < 0)
            continue;
        const double *p = prof + 2 * slot[k] * nb;
        double r = width_ratio(&lay->st[k], dir, x0, nb, p, p + nb);
        if (!isfinite(r))
            continue;
        u[n] = rm_stretch_load(&lay->st[k]);
        g[n] = r;
        loads[n] = u[n];
        n++;
    }
    double ref = n ? median_of(loads, n) : 0.0;
    for (size_t i = 0; i < n; i++)
        u[i] = u[i] / ref - 1.0;
    double slope = ref > 0 ? fit_slope(u, g, n) : 0.0;
    set_gains(lay, slope, ref);
    if (getenv("RM_WL_DEBUG"))
        for (size_t k = 0; k < lay->n_st; k++)
            fprintf(stderr, "WLST %zu anc %d span %.1f load %.2f line %d\n", k, anchor[k],
                    (lay->st[k].bmax - lay->st[k].bmin + 1) * RM_BIN_CM,
                    rm_stretch_load(&lay->st[k]) / ref,
                    (int)rm_stretch_line(lay->passes, lay->n_passes, (int)k, rule));
    if (getenv("RM_WL_HOLDW"))
        for (size_t k = 0; k < lay->n_st; k++) {
            const rm_stretch *s = &lay->st[k];
            int nbins = s->bmax - s->bmin + 1;
            for (int i = 2; i < nbins - 2; i++) {
                double nh = s->n[i];
                double nbr = 0, wbr = 0;
                for (int d = -2; d <= 2; d++) {
                    if (d == 0) continue;
                    double nn = s->n[i + d];
                    if (nn < 1 || nn > 60) { nbr = -1; break; }
                    wbr += s->wsum[i + d] / nn;
                    nbr += 1;
                }
                if (nh < 500 || nbr < 4) continue;
                fprintf(stderr, "HOLDW %.3f %.3f\n", s->wsum[i] / nh / (wbr / nbr),
                        s->fsum ? s->fsum[i] / nh / (rm_stretch_load(s)) : NAN);
            }
        }
    if (getenv("RM_WL_DEBUG2"))
        for (size_t k = 0; k < lay->n_st; k++) {
            const rm_stretch *s = &lay->st[k];
            if (anchor[k] || !s->fsum) continue;
            fprintf(stderr, "BINS %zu t %.1f-%.1f off %.1f:", k, s->start_s, s->end_s, s->offset_cm);
            for (int b = s->bmin; b <= s->bmax; b++) {
                double nn = s->n[b - s->bmin];
                if (nn < 1) continue;
                fprintf(stderr, " %.0f/%.1f/%.0f", nn, s->wsum[b-s->bmin]/nn, s->fsum[b-s->bmin]/nn);
            }
            fprintf(stderr, "\n");
        }
    *slope_out = slope;
    rm_free(prof);
    rm_free(pts);
    rm_free(slot);
    return RM_OK;
}
