/*
 * Pressure peaks: local bumps along each pass in the share of the load
 * one cell carries (a stiff spot under the contact pushes back harder
 * than the tissue around it), recurring on several passes of the same
 * line over the same spot: candidate trigger points. Each cell is
 * followed on its own: a cell sees a fixed place across the leg during a
 * pass, so its share changes smoothly along the calf, whereas anything
 * taken across cells (the most loaded cell, the width) ripples as the
 * widening footprint slides over the 20 mm cell grid, ripples as large as
 * a real spot. Per pass only the few candidates are kept; they are placed
 * and grouped at finish.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"

/* A trigger point's bump along the calf is a few cm wide (1-2 cm spot
 * under a ~2 cm contact band): the share "around it" is taken 2.5-5 cm
 * either side, beyond the bump, close enough that the footprint's own
 * change of width stays nearly linear. The share, unlike the pressure,
 * does not follow the load's sway or a crossed leg. */
#define FLANK_IN_BINS 5
#define FLANK_OUT_BINS 10
/* Non-maximum suppression along a pass: +-1 cm. Two spots of one line
 * are at least 4 cm apart; echoes a bump-width away are the grouping's
 * (RESOLVE_CM) to drop at finish, where recurrence and score decide,
 * rather than here, where an echo could hide the real bump of a pass
 * (+-1.5 cm here: peak recall 0.84 on simulated seeds 1-40; +-1 cm 0.88,
 * precision 0.94 either way). */
#define SUPPRESS_BINS 2
/* Candidates kept per pass (a calf has ~6 trigger points). */
#define PASS_MAX_CANDS 8
/* Half the width of strip one spot presses on (mm). */
#define SPOT_HALF_MM 10.0
/* Along one line two spots closer than this cannot be told apart: a
 * 1-2 cm spot under a 2 cm contact band blurs over ~3 cm, and the load it
 * takes leaves dips in the other cells that echo it a bump-width away
 * (cm). The one with the higher score stays. */
#define RESOLVE_CM 3.5
/* Spots on different lines closer than this are one spot (cm). */
#define MERGE_CM 0.0
/* Peaks of one spot on different passes fall within this (cm). */
#define GROUP_CM 2.0
/* Cells carrying less of the load than this are footprint edges, where
 * the share rises steeply as the footprint widens onto them. */
#define MIN_CELL_SHARE 0.0

void rm_peaks_init(rm_peak_tracker *p, const rm_engine_config *cfg,
                   const rm_descriptor *d)
{
    memset(p, 0, sizeof *p);
    p->cells = d->cells;
    p->pitch_mm = d->pitch_mm;
    /* 1 N/mm^2 = 1000 kPa. */
    p->kpa_per_n = 1000.0 / d->cell_area_mm2;
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
        size_t nb = (size_t)(p->bmax - p->bmin + 1);
        for (unsigned i = 0; i < p->cells; i++)
            memset(&p->share[i][p->bmin], 0, nb * sizeof(float));
        memset(&p->load_n[p->bmin], 0, nb * sizeof(float));
        memset(&p->csum[p->bmin], 0, nb * sizeof(float));
        memset(&p->hsum[p->bmin], 0, nb * sizeof(float));
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
    int b = rm_bin_of(t->enc_cm - enc0_cm);
    if (b < 0 || b >= RM_SBINS)
        return;
    if (t->force_n <= 0)
        return;
    for (unsigned i = 0; i < p->cells; i++)
        p->share[i][b] += (float)(t->cell_n[i] / t->force_n);
    p->load_n[b] += (float)t->force_n;
    p->csum[b] += (float)t->centre_mm;
    p->hsum[b] += (float)t->half_mm;
    p->cnt[b] += 1.0f;
    p->wsum[b] += (float)t->width_mm;
    if (b < p->bmin)
        p->bmin = b;
    if (b > p->bmax)
        p->bmax = b;
}

static double value(const rm_peak_tracker *p, unsigned cell, int b)
{
    if (b < p->bmin || b > p->bmax || p->cnt[b] <= 0)
        return NAN;
    return p->share[cell][b] / p->cnt[b];
}

/*
 * Rise of one cell's share at bin b above what its flanks (the bins
 * 2.5-5 cm either side that the pass covered) predict: a parabola through
 * both flanks (the share bends as the footprint widens over the cell), a
 * line through one when the pass ends near the spot (a hold on the spot
 * often ends it; that flank then needs its whole width). In units of the
 * whole load: 0.05 = 5 % of the load moved onto that cell.
 */
static double rise_at2(const rm_peak_tracker *p, unsigned cell, int b,
                       int *one_sided);

static double rise_at(const rm_peak_tracker *p, unsigned cell, int b)
{
    return rise_at2(p, cell, b, NULL);
}

/* Least-squares polynomial (order k-1, k <= 3) through the flank bins of
 * the chosen sides, evaluated at the centre; NAN if too few. */
static double flank_fit(const rm_peak_tracker *p, unsigned cell, int b,
                        int use_lo, int use_hi, int k)
{
    double m[3][4] = { { 0 } };
    int n = 0;
    for (int d = FLANK_IN_BINS; d <= FLANK_OUT_BINS; d++) {
        for (int sgn = -1; sgn <= 1; sgn += 2) {
            if ((sgn < 0 && !use_lo) || (sgn > 0 && !use_hi))
                continue;
            double y = value(p, cell, b + sgn * d);
            if (!isfinite(y))
                continue;
            double x = sgn * d, pw[3] = { 1, x, x * x };
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++)
                    m[r][c] += pw[r] * pw[c];
                m[r][3] += pw[r] * y;
            }
            n++;
        }
    }
    if (n < k + 1)
        return NAN;
    /* Gaussian elimination with partial pivoting on the k x k system. */
    for (int c = 0; c < k; c++) {
        int piv = c;
        for (int r = c + 1; r < k; r++)
            if (fabs(m[r][c]) > fabs(m[piv][c]))
                piv = r;
        if (fabs(m[piv][c]) < 1e-12)
            return NAN;
        for (int j = 0; j < 4; j++) {
            double tmp = m[c][j];
            m[c][j] = m[piv][j];
            m[piv][j] = tmp;
        }
        for (int r = 0; r < k; r++) {
            if (r == c)
                continue;
            double f = m[r][c] / m[c][c];
            for (int j = c; j < k; j++)
                m[r][j] -= f * m[c][j];
            m[r][3] -= f * m[c][3];
        }
    }
    return m[0][3] / m[0][0];
}

/*
 * The base is the highest of the fits through both flanks and through
 * each flank alone: a neighbouring spot pulls load off this cell (the
 * shares sum to one), a dip in one flank that would otherwise make an
 * echo of that spot look like a bump here.
 */
static double rise_at2(const rm_peak_tracker *p, unsigned cell, int b,
                       int *one_sided)
{
    double v = value(p, cell, b);
    if (!isfinite(v))
        return NAN;
    int full = FLANK_OUT_BINS - FLANK_IN_BINS + 1;
    int n_lo = 0, n_hi = 0;
    for (int d = FLANK_IN_BINS; d <= FLANK_OUT_BINS; d++) {
        n_lo += isfinite(value(p, cell, b - d));
        n_hi += isfinite(value(p, cell, b + d));
    }
    double base = -INFINITY;
    int two = n_lo >= 3 && n_hi >= 3;
    if (two) {
        double f = flank_fit(p, cell, b, 1, 1, 3);
        if (isfinite(f) && f > base)
            base = f;
    }
    if (n_lo == full) {
        double f = flank_fit(p, cell, b, 1, 0, 2);
        if (isfinite(f) && f > base)
            base = f;
    }
    if (n_hi == full) {
        double f = flank_fit(p, cell, b, 0, 1, 2);
        if (isfinite(f) && f > base)
            base = f;
    }
    if (!isfinite(base))
        return NAN;
    if (one_sided)
        *one_sided = !two;
    return v - base;
}

static int cmp_rise_desc(const void *a, const void *b)
{
    float x = ((const rm_peak_cand *)a)->rise;
    float y = ((const rm_peak_cand *)b)->rise;
    return (x < y) - (x > y);
}

void rm_peaks_pass_end(rm_peak_tracker *p, rm_pass_rec *pr, int pass_index)
{
    size_t first = p->n;
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
    /* The cell rising most at each bin, with the cells within
     * SPOT_HALF_MM of it: a spot spreads over ~2 cm of strip (foam), one
     * rev A cell or three 7.5 mm cells, so the rise is taken over the
     * same width of strip whatever the pitch. */
    int win = (int)(SPOT_HALF_MM / p->pitch_mm);
    for (int b = p->bmin; b <= p->bmax; b++) {
        double r[RM_MAX_CELLS];
        for (unsigned i = 0; i < p->cells; i++)
            r[i] = rise_at(p, i, b);
        p->best[b] = -INFINITY;
        p->best_cell[b] = 0;
        for (unsigned i = 0; i < p->cells; i++) {
            if (!isfinite(r[i]))
                continue;
            double sum = 0.0;
            for (int q = (int)i - win; q <= (int)i + win; q++)
                if (q >= 0 && q < (int)p->cells && isfinite(r[q]) && r[q] > 0)
                    sum += r[q];
            if (sum > p->best[b]) {
                p->best[b] = (float)sum;
                p->best_cell[b] = (unsigned char)i;
            }
        }
    }
    for (int b = p->bmin + 1; b <= p->bmax - 1; b++) {
        double best = p->best[b];
        unsigned cell = p->best_cell[b];
        if (!isfinite(best) || best < p->min_rise)
            continue;
        /* The strongest within SUPPRESS_BINS: a spot's bump seen from a
         * flank makes the fitted base dip a bump-width away, a smaller
         * echo of the spot. */
        int top = 1;
        for (int d = -SUPPRESS_BINS; d <= SUPPRESS_BINS && top; d++) {
            int k = b + d;
            if (d == 0 || k < p->bmin || k > p->bmax)
                continue;
            if (p->best[k] > best || (d > 0 && p->best[k] == best))
                top = 0;
        }
        if (!top)
            continue;
        /* Seen from one flank only: the pass stopped or turned within
         * 2.5 cm of it. Where a pass stops (a hold, a turn, a lift) the
         * roller slows and the load settles, and the one flank's trend
         * runs on into a place the pass never rolled: a bump there is as
         * often the stop as a spot (on simulated seeds 1-40 one-sided
         * candidates made most false peaks: precision 0.85 with them,
         * 0.94 without, recall unchanged). A spot where people stop is
         * also rolled over by the passes that go through it. */
        int one_sided = 0;
        rise_at2(p, cell, b, &one_sided);
        if (one_sided)
            continue;
        double l = rise_at(p, cell, b - 1), r = rise_at(p, cell, b + 1);
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
        c->enc_cm = (float)(p->enc0_cm +
                            ((double)(b - RM_SBIN0) + 0.5 + off) * RM_BIN_CM);
        c->rise = (float)best;
        c->one_sided = 0;
        /* The cell's own pressure there: share x load. */
        c->kpa = (float)(value(p, cell, b) * p->load_n[b] / p->cnt[b] *
                         p->kpa_per_n);
        /* Across the strip: the rise-weighted centre of the rising cell
         * and its neighbours (a spot between two cells lifts both). */
        double half = p->hsum[b] / p->cnt[b], sw = 0, sx = 0;
        for (int q = (int)cell - 1; q <= (int)cell + 1; q++) {
            if (q < 0 || q >= (int)p->cells)
                continue;
            double rq = rise_at(p, (unsigned)q, b);
            if (!(rq > 0))
                continue;
            sw += rq;
            sx += rq * q;
        }
        double xc = sw > 0 ? sx / sw : (double)cell;
        c->u = half > 0 ? (float)((xc * p->pitch_mm - p->csum[b] / p->cnt[b]) /
                                  half)
                        : 0.0f;
    }
    /* Only the strongest few of a pass are kept: memory stays a few
     * hundred bytes per pass however bumpy the pass was. */
    if (p->n - first > PASS_MAX_CANDS) {
        qsort(p->c + first, p->n - first, sizeof *p->c, cmp_rise_desc);
        p->n = first + PASS_MAX_CANDS;
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

/*
 * Which line a spot lies on, from where it showed across the footprint
 * and the line being rolled. Rolling the middle line, the leg lies flat:
 * a spot's place across the footprint is its place across the leg.
 * Turning the leg onto a side rolls the skin over the roller and brings
 * that side's spots to the loaded middle of the contact (the other side's
 * go to the unloaded edge and hardly show), so on a medial or lateral
 * pass a spot near the middle is on that line and one well toward the
 * other side is a middle-line spot.
 * Example: left leg, medial pass, spot at u = +0.1 -> medial; at -0.5
 * -> middle.
 */
#define SIDE_U 0.25
/* On a medial or lateral pass the footprint's measured centre (edges at
 * 5 % of the peak cell) moves toward the loaded side, since the light
 * tail on the other side falls under the edge threshold: a spot of the
 * rolled line reads 0.1-0.3 half-widths toward the unloaded side, a
 * middle-line spot 0.6-0.8 (seen on simulated seeds 1-40). The boundary
 * lies between them. */
#define TURNED_U 0.45

static rm_line spot_line(rm_line pass_line, double u, rm_leg leg)
{
    double u_med = leg == RM_LEG_RIGHT ? -u : u; /* + toward medial */
    switch (pass_line) {
    case RM_LINE_MIDDLE:
        if (leg == RM_LEG_UNKNOWN)
            return fabs(u) <= SIDE_U ? RM_LINE_MIDDLE : RM_LINE_UNKNOWN;
        return u_med > SIDE_U    ? RM_LINE_MEDIAL
               : u_med < -SIDE_U ? RM_LINE_LATERAL
                                 : RM_LINE_MIDDLE;
    case RM_LINE_MEDIAL:
        return u_med < -TURNED_U ? RM_LINE_MIDDLE : RM_LINE_MEDIAL;
    case RM_LINE_LATERAL:
        return u_med > TURNED_U ? RM_LINE_MIDDLE : RM_LINE_LATERAL;
    default:
        return RM_LINE_UNKNOWN;
    }
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

/* A middle-line pass counts this much toward the passes that could show
 * a medial or lateral spot: rolling flat, a side's spot lies off the
 * loaded middle of the contact (> SIDE_U half-widths out) and shows
 * weaker than on its own line, so a middle pass that missed it is weaker
 * evidence against it. 0.75: best recall at precision >= 0.91 of 0.5,
 * 0.75, 1 on simulated seeds 1-100 (recall 0.919 / 0.900 / 0.886,
 * precision 0.896 / 0.920 / 0.931). */
#define MIDDLE_PASS_WEIGHT 0.75

/* Passes over calf position x (2.5 cm inside their ends) that could show
 * a spot on `line`, weighted: any line for a middle spot; for a side's
 * spot its own line and the middle one (MIDDLE_PASS_WEIGHT each; turned
 * the other way the spot goes to the unloaded edge). */
static double passes_over(const rm_engine *e, double x, rm_line line)
{
    double n = 0.0;
    for (size_t i = 0; i < e->n_passes; i++) {
        rm_line pl = e->passes_v[i].line;
        if (line != RM_LINE_MIDDLE && pl != line && pl != RM_LINE_MIDDLE)
            continue;
        double a = e->passes_v[i].from_cm, b = e->passes_v[i].to_cm;
        if (!isfinite(a) || !isfinite(b))
            continue;
        double lo = a < b ? a : b, hi = a < b ? b : a;
        if (x >= lo + 2.5 && x <= hi - 2.5)
            n += line != RM_LINE_MIDDLE && pl != line ? MIDDLE_PASS_WEIGHT
                                                      : 1.0;
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
        v[nv].line = spot_line(e->passes_v[pi].line, p->c[i].u, e->meta.leg);
        if (v[nv].line == RM_LINE_UNKNOWN)
            continue;
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
        double over = passes_over(e, x, v[i].line);
        if (over < distinct)
            over = distinct;
        if ((double)distinct >= e->cfg.peak_min_passes &&
            2 * distinct >= over) {
            rm_peak *pk = &out[e->n_peaks++];
            pk->position_cm = x;
            pk->position_frac = x / e->al.length_cm;
            pk->line = v[i].line;
            pk->zone = rm_zone_at(pk->position_frac, pk->line);
            pk->pressure_kpa = skpa / (double)(j - i);
            pk->passes = distinct;
            /* Raw score: how often it shows x how far it stands out. */
            double rec = over > 0 ? (double)distinct / over : 1.0;
            pk->score = zone_weight(pk->zone) * (rec > 1 ? 1 : rec) *
                        (srise / (double)(j - i));
            if (pk->score > best_score)
                best_score = pk->score;
        }
        i = j;
    }
    /* Echoes along a line (RESOLVE_CM) and one spot labelled on two lines
     * (MERGE_CM): only the one with the higher score (recurrence x rise)
     * stays. */
    size_t kept = 0;
    for (size_t i = 0; i < e->n_peaks; i++) {
        int drop = 0;
        for (size_t j = 0; j < e->n_peaks && !drop; j++) {
            if (j == i)
                continue;
            double d = fabs(out[j].position_cm - out[i].position_cm);
            if (out[j].line == out[i].line ? d > RESOLVE_CM : d > MERGE_CM)
                continue;
            if (out[j].score > out[i].score ||
                (out[j].score == out[i].score && j < i))
                drop = 1;
        }
        if (!drop)
            out[kept++] = out[i];
    }
    e->n_peaks = kept;
    /* Scores 0..1 relative to the strongest spot of the session. */
    for (size_t i = 0; i < e->n_peaks; i++)
        out[i].score = best_score > 0 ? out[i].score / best_score : 0.0;
    rm_free(v);
    rm_free(seen);
    e->peaks_v = out;
    return RM_OK;
}
