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
 * and grouped at finish (peak_groups.c).
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
/* Non-maximum suppression along a pass: a bump hides the smaller ones
 * within +-0.5 cm, strongest first (a hidden bump hides nothing). Two
 * spots of one line are at least 4 cm apart; echoes a bump-width away are
 * the grouping's (RESOLVE_CM) to drop at finish, where recurrence and
 * score decide, rather than here, where an echo could hide the real bump
 * of a pass. The widths compared are in docs/engine.md (tuning log). */
#define SUPPRESS_BINS 1
/* Candidates kept per pass (a calf has ~6 trigger points): the strongest,
 * so memory stays a few hundred bytes per pass however bumpy the pass;
 * more than 8 found no more spots (docs/engine.md, tuning log). */
#define PASS_MAX_CANDS 8
/*
 * Weak bumps. A broad or subtle spot (1.5-2 cm across, 15-30 % above the
 * tissue around it) under a cell carrying a fifth of the load moves only
 * 3-5 % of the load onto it, under peak_min_rise, though the cell itself
 * rises by 15-30 %. A bump from WEAK_RISE x peak_min_rise up is kept as
 * a weak candidate when its rising cells rise by WEAK_REL of their own
 * base (a cue relative to the pass itself) and carry WEAK_MIN_BASE of
 * what an average cell of the footprint carries (pitch / width): edge
 * cells carrying little rise steeply in relative terms as the footprint
 * widens onto them. Weak candidates form peaks apart from the strong
 * ones and must recur more consistently (peak_groups.c).
 * The floors sit a little under the faintest spot worth finding: one
 * raising its cell by 10 % (the simulator's "detectable"), under a cell
 * carrying a fifth to a quarter of the load, moves 0.02-0.025 of the
 * load (0.4 x peak_min_rise = 0.024). Floors of exactly 10 % and 0.03
 * let such a spot, measured through a pass's noise, clear them on only
 * some of its passes, short of the recurrence the grouping asks
 * (docs/engine.md, tuning log).
 */
#define WEAK_RISE 0.4
#define WEAK_REL 0.09
#define WEAK_MIN_BASE 0.3
/* Half the width of strip one spot presses on (mm). */
#define SPOT_HALF_MM 10.0
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
    rm_free(p->rows);
    p->rows = NULL;
    p->n_rows = p->cap_rows = 0;
}

void rm_peaks_pass_begin(rm_peak_tracker *p)
{
    if (p->bmax >= p->bmin && p->bmax >= 0) {
        size_t nb = (size_t)(p->bmax - p->bmin + 1);
        memset(p->share[p->bmin], 0, nb * sizeof p->share[0]);
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
    /* One division per tick, not per cell: the product differs from the
     * quotient by at most an ulp of a double, far below the float kept.
     * Over all RM_MAX_CELLS columns (the board's cells, then zeros, which
     * keep the columns beyond them zero): a fixed count that compilers
     * vectorise. */
    double inv_n = 1.0 / t->force_n, c[RM_MAX_CELLS];
    memcpy(c, t->cell_n, p->cells * sizeof *c);
    memset(c + p->cells, 0, (RM_MAX_CELLS - p->cells) * sizeof *c);
    float *row = p->share[b];
    for (unsigned i = 0; i < RM_MAX_CELLS; i++)
        row[i] += (float)(c[i] * inv_n);
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

/*
 * Rise of one cell's share at bin b above what its flanks (the bins
 * 2.5-5 cm either side that the pass covered) predict: a parabola through
 * both flanks (the share bends as the footprint widens over the cell), a
 * line through one when the pass ends near the spot (a hold on the spot
 * often ends it; that flank then needs its whole width). In units of the
 * whole load: 0.05 = 5 % of the load moved onto that cell.
 *
 * Each base is a least-squares polynomial through the flank bins,
 * evaluated at the centre. The flank bins sit at fixed offsets
 * (FLANK_IN_BINS..FLANK_OUT_BINS either side), so the fit is a fixed
 * linear combination of their values, sum w[i] y[i] with
 * w = X (X^T X)^-1 e0 (X: the powers of the offsets): the weights depend
 * only on which flank bins the pass covered, not on the cell, and are
 * solved once per bin (and once per pass for complete flanks), then
 * applied to every cell.
 * Example: both flanks complete, parabola: weights 0.338, 0.256, 0.159,
 * 0.047, -0.079, -0.221 at offsets 5..10 bins either side (sum 1); one
 * flank, a line: 1.238 at 5 bins falling by 0.429 a bin to -0.905 at 10.
 */
#define FLANK_N (FLANK_OUT_BINS - FLANK_IN_BINS + 1)

typedef struct flank_w {
    int n;                   /* flank bins in the fit */
    int d[2 * FLANK_N];      /* their offsets from the centre (bins) */
    double w[2 * FLANK_N];   /* base at the centre = sum w[i] y(b + d[i]) */
} flank_w;

/* The fits a bin's base is the highest of: at most three. */
typedef struct bin_base {
    int nfit;
    int two;                 /* a fit through both flanks was possible */
    const flank_w *f[3];
    flank_w own;             /* the two-flank fit when a flank is partial */
} bin_base;

/* The fits with complete flanks, solved once per pass end. */
typedef struct full_fits {
    int ok[3];
    flank_w both, lo, hi;
} full_fits;

/* Weights of the least-squares polynomial of order k-1 (k <= 3) through
 * the points at offsets f->d, evaluated at offset 0: solves
 * (X^T X) z = e0 by Gaussian elimination with partial pivoting, then
 * w[i] = z . (1, d[i], d[i]^2). 0 when too few points (a fit needs more
 * points than parameters) or the system is singular. */
static int fit_weights(flank_w *f, int k)
{
    if (f->n < k + 1)
        return 0;
    double m[3][4] = { { 0 } };
    for (int i = 0; i < f->n; i++) {
        double x = f->d[i], pw[3] = { 1, x, x * x };
        for (int r = 0; r < k; r++)
            for (int c = 0; c < k; c++)
                m[r][c] += pw[r] * pw[c];
    }
    m[0][3] = 1.0;
    for (int c = 0; c < k; c++) {
        int piv = c;
        for (int r = c + 1; r < k; r++)
            if (fabs(m[r][c]) > fabs(m[piv][c]))
                piv = r;
        if (fabs(m[piv][c]) < 1e-12)
            return 0;
        for (int j = 0; j < 4; j++) {
            double tmp = m[c][j];
            m[c][j] = m[piv][j];
            m[piv][j] = tmp;
        }
        for (int r = 0; r < k; r++) {
            if (r == c)
                continue;
            double g = m[r][c] / m[c][c];
            for (int j = c; j < k; j++)
                m[r][j] -= g * m[c][j];
            m[r][3] -= g * m[c][3];
        }
    }
    double z[3] = { 0, 0, 0 };
    for (int r = 0; r < k; r++)
        z[r] = m[r][3] / m[r][r];
    for (int i = 0; i < f->n; i++) {
        double x = f->d[i];
        f->w[i] = z[0] + z[1] * x + z[2] * x * x;
    }
    return 1;
}

static void full_fits_init(full_fits *ff)
{
    ff->both.n = ff->lo.n = ff->hi.n = 0;
    for (int d = FLANK_IN_BINS; d <= FLANK_OUT_BINS; d++) {
        ff->both.d[ff->both.n++] = -d;
        ff->both.d[ff->both.n++] = d;
        ff->lo.d[ff->lo.n++] = -d;
        ff->hi.d[ff->hi.n++] = d;
    }
    ff->ok[0] = fit_weights(&ff->both, 3);
    ff->ok[1] = fit_weights(&ff->lo, 2);
    ff->ok[2] = fit_weights(&ff->hi, 2);
}

/* Does bin b hold a value for `cell` (any cell when cell < 0: the pass
 * had only finite shares, so a bin the pass covered has all of them)? */
static int has_value(const rm_peak_tracker *p, int cell, int b)
{
    if (b < p->bmin || b > p->bmax || p->cnt[b] <= 0)
        return 0;
    return cell < 0 || isfinite(p->share[b][cell]);
}

/*
 * The fits for bin b: through both flanks when each has >= 3 bins, and
 * through each flank alone when it is complete. The base is the highest
 * of them: a neighbouring spot pulls load off this cell (the shares sum
 * to one), a dip in one flank that would otherwise make an echo of that
 * spot look like a bump here.
 */
static void bin_base_at(const rm_peak_tracker *p, const full_fits *ff, int b,
                        int cell, bin_base *bb)
{
    int n_lo = 0, n_hi = 0;
    bb->own.n = 0;
    for (int d = FLANK_IN_BINS; d <= FLANK_OUT_BINS; d++) {
        if (has_value(p, cell, b - d)) {
            n_lo++;
            bb->own.d[bb->own.n++] = -d;
        }
        if (has_value(p, cell, b + d)) {
            n_hi++;
            bb->own.d[bb->own.n++] = d;
        }
    }
    bb->nfit = 0;
    bb->two = n_lo >= 3 && n_hi >= 3;
    if (bb->two) {
        if (n_lo == FLANK_N && n_hi == FLANK_N) {
            if (ff->ok[0])
                bb->f[bb->nfit++] = &ff->both;
        } else if (fit_weights(&bb->own, 3)) {
            bb->f[bb->nfit++] = &bb->own;
        }
    }
    if (n_lo == FLANK_N && ff->ok[1])
        bb->f[bb->nfit++] = &ff->lo;
    if (n_hi == FLANK_N && ff->ok[2])
        bb->f[bb->nfit++] = &ff->hi;
}

/* The rise of `cell` at bin b on the bases of bb (NAN if none). The
 * shares are the pass's means by now (rm_peaks_pass_end). */
static double rise_with(const rm_peak_tracker *p, const bin_base *bb,
                        unsigned cell, int b)
{
    if (b < p->bmin || b > p->bmax || p->cnt[b] <= 0)
        return NAN;
    double v = p->share[b][cell];
    if (!isfinite(v))
        return NAN;
    double base = -INFINITY;
    for (int k = 0; k < bb->nfit; k++) {
        const flank_w *f = bb->f[k];
        double s = 0.0;
        for (int i = 0; i < f->n; i++)
            s += f->w[i] * p->share[b + f->d[i]][cell];
        if (s > base)
            base = s;
    }
    if (!isfinite(base))
        return NAN;
    return v - base;
}

/* The rises of every cell at bin b on the bases of bb, summed as
 * rise_with sums them (same results). The loops run over all
 * RM_MAX_CELLS columns, those beyond the board's cells being zero: a
 * fixed count lets the compiler vectorise them across cells (gcc -O2
 * does so only for counts known to be a multiple of the vector width),
 * which on a 32-cell board is no extra work. */
static void rises_bin(const rm_peak_tracker *p, const bin_base *bb, int b,
                      double r[RM_MAX_CELLS], double base[RM_MAX_CELLS])
{
    double s[RM_MAX_CELLS];
    if (bb->nfit == 0) {
        for (unsigned i = 0; i < RM_MAX_CELLS; i++)
            r[i] = base[i] = NAN;
        return;
    }
    for (int k = 0; k < bb->nfit; k++) {
        const flank_w *f = bb->f[k];
        for (unsigned i = 0; i < RM_MAX_CELLS; i++)
            s[i] = 0.0;
        for (int j = 0; j < f->n; j++) {
            double w = f->w[j];
            const float *row = p->share[b + f->d[j]];
            for (unsigned i = 0; i < RM_MAX_CELLS; i++)
                s[i] += w * row[i];
        }
        if (k == 0)
            for (unsigned i = 0; i < RM_MAX_CELLS; i++)
                base[i] = s[i];
        else
            for (unsigned i = 0; i < RM_MAX_CELLS; i++)
                base[i] = s[i] > base[i] ? s[i] : base[i];
    }
    const float *v = p->share[b];
    for (unsigned i = 0; i < RM_MAX_CELLS; i++)
        r[i] = v[i] - base[i];
}

/* The rise of one cell at one bin, fits solved afresh; *one_sided (if
 * not NULL) says no fit through both flanks was possible. For the few
 * candidates of a pass, not for the sweep over every bin. */
static double rise_at(const rm_peak_tracker *p, const full_fits *ff,
                      int all_finite, unsigned cell, int b, int *one_sided)
{
    bin_base bb;
    if (b < p->bmin || b > p->bmax)
        return NAN;
    bin_base_at(p, ff, b, all_finite ? -1 : (int)cell, &bb);
    if (one_sided)
        *one_sided = !bb.two;
    return rise_with(p, &bb, cell, b);
}

/* The rises of every cell at bin b (NAN where none), on the shared fits
 * when every share of the pass is finite, else on each cell's own. */
static void bin_rises(const rm_peak_tracker *p, const full_fits *ff,
                      int all_finite, int b, double r[RM_MAX_CELLS],
                      double base[RM_MAX_CELLS])
{
    if (all_finite) {
        bin_base bb;
        bin_base_at(p, ff, b, -1, &bb);
        rises_bin(p, &bb, b, r, base);
    } else {
        for (unsigned i = 0; i < p->cells; i++) {
            r[i] = rise_at(p, ff, 0, i, b, NULL);
            base[i] = p->share[b][i] - r[i];
        }
    }
}

/* Band (RM_PEAK_BANDS) of a place u half-widths from the footprint's
 * centre. */
static int band_of(double u)
{
    return u < -0.45 ? 0 : u < -0.25 ? 1 : u <= 0.25 ? 2 : u <= 0.45 ? 3 : 4;
}

/* A bin is stacked (peak_stack.c) only when the pass covered this many
 * of the FLANK_N bins of each flank. A partial flank reaches toward where
 * the pass turned or stopped, where the roller slows and the load
 * settles; for one pass that is noise, but passes turn at the same
 * places (the calf's ends) again and again, so the mean over passes
 * keeps the misfit: with 3 bins, as a candidate needs, stacked spots
 * 4.7-5.3 cm from the ankle on five tuning sessions, none planted
 * (tuning family 3 / 4 / 5 / 6 bins: 0.847 / 0.830, 0.838 / 0.835,
 * 0.836 / 0.839, 0.830 / 0.837). */
#define STACK_FLANK_BINS 5

/* Was bin b seen from both flanks well enough to be stacked? */
static int two_flanks(const rm_peak_tracker *p, int b)
{
    int n_lo = 0, n_hi = 0;
    for (int d = FLANK_IN_BINS; d <= FLANK_OUT_BINS; d++) {
        n_lo += has_value(p, -1, b - d);
        n_hi += has_value(p, -1, b + d);
    }
    return n_lo >= STACK_FLANK_BINS && n_hi >= STACK_FLANK_BINS;
}

/* best[b], best_cell[b]: the cell whose rise, with the rising cells
 * within `win` of it, is the largest at bin b (-inf when none); band[b]:
 * the same per band across the footprint, of cells carrying at least
 * WEAK_MIN_BASE of a mean cell's share (NAN when none). */
static void scan_bin(rm_peak_tracker *p, const full_fits *ff, int all_finite,
                     int win, int b)
{
    double r[RM_MAX_CELLS], base[RM_MAX_CELLS];
    p->best[b] = -INFINITY;
    p->best_cell[b] = 0;
    for (int k = 0; k < RM_PEAK_BANDS; k++)
        p->band[b][k] = NAN;
    if (p->cnt[b] <= 0)
        return;
    bin_rises(p, ff, all_finite, b, r, base);
    /* Only rising cells add to a spot's rise (0 adds nothing). */
    double up[RM_MAX_CELLS];
    for (unsigned i = 0; i < p->cells; i++)
        up[i] = isfinite(r[i]) && r[i] > 0 ? r[i] : 0.0;
    /* The best of all cells, and the best of those that also rise by
     * WEAK_REL of their own base (for a weak bump, below min_rise). */
    double best_all = -INFINITY, best_rel = -INFINITY;
    double width = p->wsum[b] / p->cnt[b];
    double edge = width > 0 ? WEAK_MIN_BASE * p->pitch_mm / width : INFINITY;
    unsigned cell_all = 0, cell_rel = 0;
    double centre = p->csum[b] / p->cnt[b], half = p->hsum[b] / p->cnt[b];
    for (unsigned i = 0; i < p->cells; i++) {
        if (!isfinite(r[i]))
            continue;
        int q0 = (int)i - win, q1 = (int)i + win;
        if (q0 < 0)
            q0 = 0;
        if (q1 > (int)p->cells - 1)
            q1 = (int)p->cells - 1;
        double sum = 0.0, bsum = 0.0;
        for (int q = q0; q <= q1; q++) {
            sum += up[q];
            if (up[q] > 0 && isfinite(base[q]))
                bsum += base[q];
        }
        if (sum > best_all) {
            best_all = sum;
            cell_all = i;
        }
        if (bsum >= edge && sum >= WEAK_REL * bsum &&
            sum > best_rel) {
            best_rel = sum;
            cell_rel = i;
        }
        if (half > 0 && base[i] >= edge) {
            int k = band_of((i * p->pitch_mm - centre) / half);
            if (!(p->band[b][k] >= sum)) {
                p->band[b][k] = (float)sum;
                p->band_kpa[b][k] = (float)(p->share[b][i] * p->load_n[b] /
                                            p->cnt[b] * p->kpa_per_n);
            }
        }
    }
    int strong = best_all >= p->min_rise;
    p->best[b] = (float)(strong ? best_all : best_rel);
    p->best_cell[b] = (unsigned char)(strong ? cell_all : cell_rel);
}

/* A bin's best rise, for taking bumps strongest first. */
typedef struct bump {
    float rise;
    int b;
} bump;

/* Larger rise first; of equal rises the later bin (as the suppression
 * along the pass always chose). */
static int cmp_bump(const void *a, const void *b)
{
    const bump *x = a, *y = b;
    if (x->rise != y->rise)
        return (x->rise < y->rise) - (x->rise > y->rise);
    return (x->b < y->b) - (x->b > y->b);
}

/* The pass's width profile, used bins only, handed to *pr (allocated);
 * out of memory, none (p->oom set). */
static void keep_profile(rm_peak_tracker *p, rm_pass_rec *pr)
{
    pr->wsum = pr->n = NULL;
    pr->bmin = p->bmin;
    pr->bmax = p->bmax;
    if (p->bmax < p->bmin)
        return;
    size_t nb = (size_t)(p->bmax - p->bmin + 1);
    pr->wsum = rm_calloc(nb, sizeof *pr->wsum);
    pr->n = rm_calloc(nb, sizeof *pr->n);
    if (!pr->wsum || !pr->n) {
        rm_free(pr->wsum);
        rm_free(pr->n);
        pr->wsum = pr->n = NULL;
        pr->bmax = pr->bmin - 1;
        p->oom = 1;
        return;
    }
    memcpy(pr->wsum, p->wsum + p->bmin, nb * sizeof *pr->wsum);
    memcpy(pr->n, p->cnt + p->bmin, nb * sizeof *pr->n);
}

/* Each cell's mean share per bin, in place (the sums are not needed
 * again: the next pass starts from zero). Returns 0 when a share is not
 * finite (never from a finite tick): the flank bins are then a cell's
 * own. */
static int mean_shares(rm_peak_tracker *p)
{
    int all_finite = 1;
    for (int b = p->bmin; b <= p->bmax; b++) {
        if (p->cnt[b] <= 0)
            continue;
        float *row = p->share[b];
        for (unsigned i = 0; i < p->cells; i++) {
            row[i] /= p->cnt[b];
            if (!isfinite(row[i]))
                all_finite = 0;
        }
    }
    return all_finite;
}

/* The bins whose best rise reaches a weak bump's, strongest first. */
static int strongest_bumps(const rm_peak_tracker *p, bump *order)
{
    int n_order = 0;
    for (int b = p->bmin + 1; b <= p->bmax - 1; b++)
        if (isfinite(p->best[b]) && p->best[b] >= WEAK_RISE * p->min_rise) {
            order[n_order].rise = p->best[b];
            order[n_order].b = b;
            n_order++;
        }
    qsort(order, (size_t)n_order, sizeof *order, cmp_bump);
    return n_order;
}

/* Room for one more element in an array of *cap (doubling from
 * `first`); 0 (p->oom set) when there is none. */
static int grow_room(rm_peak_tracker *p, void **arr, size_t *cap, size_t n,
                     size_t first, size_t elem)
{
    if (n < *cap)
        return 1;
    size_t nc = *cap ? *cap * 2 : first;
    void *np = rm_realloc_array(*arr, nc, elem);
    if (!np) {
        p->oom = 1;
        return 0;
    }
    *arr = np;
    *cap = nc;
    return 1;
}

static int cand_room(rm_peak_tracker *p)
{
    return grow_room(p, (void **)&p->c, &p->cap, p->n, 32, sizeof *p->c);
}

/* Across the strip, half-widths from the footprint's centre: the
 * rise-weighted centre of the rising cell and its neighbours (a spot
 * between two cells lifts both). */
static float spot_u(const rm_peak_tracker *p, const full_fits *ff,
                    int all_finite, unsigned cell, int b)
{
    double half = p->hsum[b] / p->cnt[b], sw = 0, sx = 0;
    for (int q = (int)cell - 1; q <= (int)cell + 1; q++) {
        if (q < 0 || q >= (int)p->cells)
            continue;
        double rq = rise_at(p, ff, all_finite, (unsigned)q, b, NULL);
        if (!(rq > 0))
            continue;
        sw += rq;
        sx += rq * q;
    }
    double xc = sw > 0 ? sx / sw : (double)cell;
    return half > 0 ? (float)((xc * p->pitch_mm - p->csum[b] / p->cnt[b]) /
                              half)
                    : 0.0f;
}

static int row_room(rm_peak_tracker *p)
{
    return grow_room(p, (void **)&p->rows, &p->cap_rows, p->n_rows, 256,
                     sizeof *p->rows);
}

static int16_t rise_q(float r)
{
    if (!isfinite(r))
        return RM_ROW_NONE;
    double q = r * 1e4;
    return (int16_t)(q > 32767 ? 32767 : q < -32767 ? -32767 : lrint(q));
}

static uint16_t kpa_q(float kpa)
{
    double q = isfinite(kpa) && kpa > 0 ? kpa * 10.0 : 0.0;
    return (uint16_t)(q > 65535 ? 65535 : lrint(q));
}

/* The pass's band rises, bins seen from both flanks only, kept as rows
 * for the stacked profiles (peak_stack.c). */
static void keep_rows(rm_peak_tracker *p, int pass_index)
{
    for (int b = p->bmin; b <= p->bmax; b++) {
        if (p->cnt[b] <= 0 || !two_flanks(p, b))
            continue;
        if (!row_room(p))
            return;
        rm_peak_row *w = &p->rows[p->n_rows++];
        w->pass = pass_index;
        w->enc_cm = (float)(p->enc0_cm +
                            ((double)(b - RM_SBIN0) + 0.5) * RM_BIN_CM);
        for (int k = 0; k < RM_PEAK_BANDS; k++) {
            w->rise[k] = rise_q(p->band[b][k]);
            w->kpa[k] = kpa_q(p->band_kpa[b][k]);
        }
    }
}

void rm_peaks_pass_end(rm_peak_tracker *p, rm_pass_rec *pr, int pass_index)
{
    keep_profile(p, pr);
    int all_finite = mean_shares(p);
    full_fits ff;
    full_fits_init(&ff);
    /* The cell rising most at each bin, with the cells within
     * SPOT_HALF_MM of it: a spot spreads over ~2 cm of strip (foam), one
     * rev A cell or three 7.5 mm cells, so the rise is taken over the
     * same width of strip whatever the pitch. */
    int win = (int)(SPOT_HALF_MM / p->pitch_mm);
    for (int b = p->bmin; b <= p->bmax; b++)
        scan_bin(p, &ff, all_finite, win, b);
    keep_rows(p, pass_index);
    /* Bumps strongest first: each hides the smaller ones within
     * SUPPRESS_BINS (a spot's bump seen from a flank makes the fitted
     * base dip a bump-width away, a smaller echo of the spot), unless it
     * was hidden itself. */
    bump order[RM_SBINS];
    int n_order = strongest_bumps(p, order);
    unsigned char hidden[RM_SBINS];
    memset(hidden, 0, sizeof hidden);
    size_t found = 0;
    for (int o = 0; o < n_order && found < PASS_MAX_CANDS; o++) {
        int b = order[o].b;
        if (hidden[b])
            continue;
        for (int d = -SUPPRESS_BINS; d <= SUPPRESS_BINS; d++)
            if (b + d >= 0 && b + d < RM_SBINS)
                hidden[b + d] = 1;
        double best = p->best[b];
        unsigned cell = p->best_cell[b];
        /* Seen from one flank only: the pass stopped or turned within
         * 2.5 cm of it. Where a pass stops (a hold, a turn, a lift) the
         * roller slows and the load settles, and the one flank's trend
         * runs on into a place the pass never rolled: a bump there is as
         * often the stop as a spot (one-sided candidates made most false
         * peaks, see the tuning log). A spot where people stop is
         * also rolled over by the passes that go through it. Such a bump
         * still hides its smaller neighbours (above). */
        int one_sided = 0;
        rise_at(p, &ff, all_finite, cell, b, &one_sided);
        if (one_sided)
            continue;
        double l = rise_at(p, &ff, all_finite, cell, b - 1, NULL);
        double r = rise_at(p, &ff, all_finite, cell, b + 1, NULL);
        double off = rm_vertex_offset(l, best, r, 1, 0.5);
        if (!cand_room(p))
            break;
        rm_peak_cand *c = &p->c[p->n++];
        found++;
        c->pass = pass_index;
        c->stretch = p->stretch;
        c->enc_cm = (float)(p->enc0_cm +
                            ((double)(b - RM_SBIN0) + 0.5 + off) * RM_BIN_CM);
        c->rise = (float)best;
        c->weak = best < p->min_rise;
        /* The cell's own pressure there: share x load. */
        c->kpa = (float)(p->share[b][cell] * p->load_n[b] / p->cnt[b] *
                         p->kpa_per_n);
        c->u = spot_u(p, &ff, all_finite, cell, b);
    }
    rm_peaks_pass_begin(p);
}
