/*
 * Pressure peaks: local bumps of pressure along each pass, at three points
 * across the leg (its two sides and its centreline), that recur on several
 * passes over the same spot: candidate trigger points. Per pass only a few
 * candidates are kept; they are placed and grouped at finish.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"

/* A trigger point's bump along the calf is a few cm wide (1-2 cm spot
 * under a ~2 cm contact band): the pressure "around it" is taken
 * 2.5-5 cm either side, beyond the bump, close enough that the
 * footprint's own change of width stays nearly linear. */
#define FLANK_IN_BINS 5
#define FLANK_OUT_BINS 10
/* Peaks of one spot on different passes fall within this (cm). */
#define GROUP_CM 2.0

void rm_peaks_init(rm_peak_tracker *p, const rm_engine_config *cfg)
{
    memset(p, 0, sizeof *p);
    p->min_rise = cfg->peak_min_rise;
    p->stretch = -1;
    rm_peaks_pass_begin(p);
}

void rm_peaks_free(rm_peak_tracker *p)
{
    rm_free(p->c);
    p->c = NULL;
    p->n = p->cap = 0;
}

void rm_peaks_pass_begin(rm_peak_tracker *p)
{
    if (p->bmax >= p->bmin && p->bmax >= 0) {
        for (int k = 0; k < RM_TRACKS; k++)
            memset(&p->sum[k][p->bmin], 0,
                   (size_t)(p->bmax - p->bmin + 1) * sizeof(float));
        memset(&p->cnt[p->bmin], 0,
               (size_t)(p->bmax - p->bmin + 1) * sizeof(float));
        memset(&p->wsum[p->bmin], 0,
               (size_t)(p->bmax - p->bmin + 1) * sizeof(float));
    }
    p->bmin = RM_SBINS;
    p->bmax = -1;
}

void rm_peaks_tick(rm_peak_tracker *p, const rm_tick *t, double enc0_cm)
{
    if (!t->contact || !isfinite(t->centre_mm) || t->half_mm <= 0)
        return;
    p->enc0_cm = enc0_cm;
    p->stretch = t->stretch;
    int b = (int)floor((t->enc_cm - enc0_cm) / RM_BIN_CM) + RM_SBIN0;
    if (b < 0 || b >= RM_SBINS)
        return;
    for (int k = 0; k < RM_TRACKS; k++)
        p->sum[k][b] += (float)t->side_kpa[k];
    p->cnt[b] += 1.0f;
    p->wsum[b] += (float)t->width_mm;
    if (b < p->bmin)
        p->bmin = b;
    if (b > p->bmax)
        p->bmax = b;
}

/* Mean of the track over [a, b] where covered; NAN if none. */
static double flank(const rm_peak_tracker *p, int k, int a, int b)
{
    double s = 0, n = 0;
    for (int i = a; i <= b; i++) {
        if (i < p->bmin || i > p->bmax || p->cnt[i] <= 0)
            continue;
        s += p->sum[k][i] / p->cnt[i];
        n += 1;
    }
    return n >= 2 ? s / n : NAN;
}

static double value(const rm_peak_tracker *p, int k, int b)
{
    if (b < p->bmin || b > p->bmax || p->cnt[b] <= 0)
        return NAN;
    return p->sum[k][b] / p->cnt[b];
}

/* Rise of bin b above the mean of its two flanks (both needed, so a pass
 * ending at the Achilles cannot make its narrow end a "peak"). */
static double rise_at(const rm_peak_tracker *p, int k, int b)
{
    double v = value(p, k, b);
    double lo = flank(p, k, b - FLANK_OUT_BINS, b - FLANK_IN_BINS);
    double hi = flank(p, k, b + FLANK_IN_BINS, b + FLANK_OUT_BINS);
    if (!isfinite(v) || !isfinite(lo) || !isfinite(hi) || lo + hi <= 0)
        return NAN;
    return v / (0.5 * (lo + hi)) - 1.0;
}

void rm_peaks_pass_end(rm_peak_tracker *p, rm_pass_rec *pr, int pass_index)
{
    pr->wsum = pr->n = NULL;
    pr->bmin = p->bmin;
    pr->bmax = p->bmax;
    if (p->bmax >= p->bmin) {
        size_t nb = (size_t)(p->bmax - p->bmin + 1);
        pr->wsum = rm_calloc(nb, sizeof *pr->wsum);
        pr->n = rm_calloc(nb, sizeof *pr->n);
        if (!pr->wsum || !pr->n) {
            rm_free(pr->wsum);
            rm_free(pr->n);
            pr->wsum = pr->n = NULL;
            pr->bmax = pr->bmin - 1;
            p->oom = 1;
        } else {
            memcpy(pr->wsum, p->wsum + p->bmin, nb * sizeof *pr->wsum);
            memcpy(pr->n, p->cnt + p->bmin, nb * sizeof *pr->n);
        }
    }
    for (int b = p->bmin + FLANK_OUT_BINS; b <= p->bmax - FLANK_OUT_BINS;
         b++) {
        /* The strongest track at this bin. */
        int best_k = -1;
        double best = -INFINITY;
        for (int k = 0; k < RM_TRACKS; k++) {
            double r = rise_at(p, k, b);
            if (isfinite(r) && r > best) {
                best = r;
                best_k = k;
            }
        }
        if (best_k < 0 || best < p->min_rise)
            continue;
        /* A local maximum along the calf on that track. */
        double l = rise_at(p, best_k, b - 1), r = rise_at(p, best_k, b + 1);
        if ((isfinite(l) && l > best) || (isfinite(r) && r >= best))
            continue;
        double off = 0.0;
        if (isfinite(l) && isfinite(r)) {
            double den = l - 2 * best + r;
            if (den < 0)
                off = 0.5 * (l - r) / den;
            if (off < -0.5 || off > 0.5)
                off = 0.0;
        }
        void *np = p->c;
        if (p->n == p->cap) {
            size_t nc = p->cap ? p->cap * 2 : 32;
            np = rm_realloc_array(p->c, nc, sizeof *p->c);
            if (!np) {
                p->oom = 1;
                break;
            }
            p->c = np;
            p->cap = nc;
        }
        rm_peak_cand *c = &p->c[p->n++];
        c->pass = pass_index;
        c->stretch = p->stretch;
        c->enc_cm = p->enc0_cm +
                    ((double)(b - RM_SBIN0) + 0.5 + off) * RM_BIN_CM;
        c->rise = best;
        c->kpa = value(p, best_k, b);
        c->track = best_k;
    }
    rm_peaks_pass_begin(p);
}

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

typedef struct placed {
    double x;
    rm_line line;
    const rm_peak_cand *c;
} placed;

static int cmp_placed(const void *a, const void *b)
{
    const placed *p = a, *q = b;
    if (p->line != q->line)
        return (int)p->line - (int)q->line;
    return (p->x > q->x) - (p->x < q->x);
}

static rm_line track_line(int track, rm_leg leg)
{
    /* Track 0 sits toward low cell indices, 2 toward high ones. */
    if (track == 1)
        return RM_LINE_MIDDLE;
    return rm_line_from_skew(track == 2 ? 1.0 : -1.0, leg, 0.5);
}

/* Passes whose range covers calf position x. */
static unsigned passes_over(const rm_engine *e, double x)
{
    unsigned n = 0;
    for (size_t i = 0; i < e->n_passes; i++) {
        double a = e->passes_v[i].from_cm, b = e->passes_v[i].to_cm;
        if (!isfinite(a) || !isfinite(b))
            continue;
        double lo = a < b ? a : b, hi = a < b ? b : a;
        if (x >= lo + 2.5 && x <= hi - 2.5)
            n++;
    }
    return n;
}

rm_status rm_peaks_finish(rm_engine *e)
{
    const rm_peak_tracker *p = &e->peaks_tr;
    e->n_peaks = 0;
    if (!e->al.found || p->n == 0)
        return RM_OK;
    placed *v = rm_calloc(p->n, sizeof *v);
    rm_peak *out = rm_calloc(p->n, sizeof *out);
    char *seen = rm_calloc(e->n_passes + 1, 1);
    if (!v || !out || !seen) {
        rm_free(v);
        rm_free(out);
        rm_free(seen);
        return RM_ERR_NOMEM;
    }
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
        v[nv].line = track_line(p->c[i].track, e->meta.leg);
        v[nv].c = &p->c[i];
        nv++;
    }
    qsort(v, nv, sizeof *v, cmp_placed);
    double best_score = 0.0;
    for (size_t i = 0; i < nv;) {
        /* One group: same line, each within GROUP_CM of the first. */
        size_t j = i;
        while (j < nv && v[j].line == v[i].line && v[j].x - v[i].x <= GROUP_CM)
            j++;
        memset(seen, 0, e->n_passes + 1);
        unsigned distinct = 0;
        double sx = 0, sw = 0, skpa = 0, srise = 0;
        for (size_t k = i; k < j; k++) {
            int pi = v[k].c->pass;
            if (pi >= 0 && (size_t)pi < e->n_passes && !seen[pi]) {
                seen[pi] = 1;
                distinct++;
            }
            double w = v[k].c->rise;
            sx += w * v[k].x;
            sw += w;
            skpa += v[k].c->kpa;
            srise += v[k].c->rise;
        }
        double x = sw > 0 ? sx / sw : v[i].x;
        unsigned over = passes_over(e, x);
        if (over < distinct)
            over = distinct;
        if ((double)distinct >= e->cfg.peak_min_passes &&
            2 * distinct >= over / 2) {
            rm_peak *pk = &out[e->n_peaks++];
            pk->position_cm = x;
            pk->position_frac = x / e->al.length_cm;
            pk->line = v[i].line;
            pk->zone = rm_zone_at(pk->position_frac, pk->line);
            pk->pressure_kpa = skpa / (double)(j - i);
            pk->passes = distinct;
            /* Raw score: how often it shows x how far it stands out. */
            double rec = over ? (double)distinct / (double)over : 1.0;
            pk->score = zone_weight(pk->zone) * (rec > 1 ? 1 : rec) *
                        (srise / (double)(j - i));
            if (pk->score > best_score)
                best_score = pk->score;
        }
        i = j;
    }
    /* Scores 0..1 relative to the strongest spot of the session. */
    for (size_t i = 0; i < e->n_peaks; i++)
        out[i].score = best_score > 0 ? out[i].score / best_score : 0.0;
    rm_free(v);
    rm_free(seen);
    e->peaks_v = out;
    return RM_OK;
}
