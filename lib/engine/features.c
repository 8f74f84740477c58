/*
 * Per-frame features of the load across the strip: total force, centre of
 * pressure, footprint width and centre. The cheapest step of the engine and
 * the only one that touches every cell of every frame (no allocation).
 */
#include <math.h>

#include "engine_internal.h"

/* Cells below this fraction of the most loaded cell are outside the
 * footprint: well above HX711 noise (~0.03 N rev A) at any real load. */
#define EDGE_FRACTION 0.05
/* Cells below this fraction do not enter the width moment, so noise on
 * unloaded cells far from the leg does not widen the footprint. */
#define MOMENT_FRACTION 0.02

void rm_feat_compute(const double *cell_n, unsigned cells, double pitch_mm,
                     rm_feat *out)
{
    double total = 0.0, peak = 0.0;
    unsigned ipk = 0;

    for (unsigned i = 0; i < cells; i++) {
        total += cell_n[i];
        if (cell_n[i] > peak) {
            peak = cell_n[i];
            ipk = i;
        }
    }
    rm_feat_shape(cell_n, cells, pitch_mm, total, peak, ipk, out);
}

void rm_feat_shape(const double *cell_n, unsigned cells, double pitch_mm,
                   double total, double peak, unsigned ipk, rm_feat *out)
{
    out->force_n = total;
    out->peak_n = peak;
    if (peak <= 0.0) {
        out->cop_mm = NAN;
        out->width_mm = 0.0;
        out->centre_mm = NAN;
        out->half_mm = 0.0;
        out->lean = NAN;
        return;
    }

    /* Moments over the cells that carry load; their indices are kept so
     * the third moment (about the mean, so a second pass) visits only
     * them, in the same order. */
    double floor_n = MOMENT_FRACTION * peak, s0 = 0.0, s1 = 0.0, s2 = 0.0;
    unsigned loaded[RM_MAX_CELLS], n_loaded = 0;
    for (unsigned i = 0; i < cells; i++) {
        double f = cell_n[i];
        if (f < floor_n)
            continue;
        loaded[n_loaded++] = i;
        double x = (double)i;
        s0 += f;
        s1 += f * x;
        s2 += f * x * x;
    }
    double mean = s1 / s0;
    double var = s2 / s0 - mean * mean;
    /* Lean: minus the skewness (third standardised moment) of the load
     * across the strip. Turning the leg onto one side piles the load up
     * on that side and leaves a long light tail on the other, so the
     * skewness points away from the loaded side whatever the leg's place
     * on the strip. Positive: loaded toward high cell indices. */
    double m3 = 0.0;
    for (unsigned j = 0; j < n_loaded; j++) {
        unsigned i = loaded[j];
        double f = cell_n[i];
        double dx = (double)i - mean;
        m3 += f * dx * dx * dx;
    }
    m3 /= s0;
    out->lean = var > 0.0 ? -m3 / (var * sqrt(var)) : 0.0;
    /* A cell integrates its own pitch: remove that 1/12 pitch^2 (in cell
     * units) so a footprint narrower than a cell reads narrow. */
    var -= 1.0 / 12.0;
    out->cop_mm = mean * pitch_mm;
    out->width_mm = var > 0.0 ? sqrt(12.0 * var) * pitch_mm : 0.0;

    /* Loaded run around the peak cell, with threshold crossings
     * interpolated between cell centres. A spike on a far cell is not
     * part of the run. */
    double thr = EDGE_FRACTION * peak;
    unsigned lo = ipk, hi = ipk;
    while (lo > 0 && cell_n[lo - 1] >= thr)
        lo--;
    while (hi + 1 < cells && cell_n[hi + 1] >= thr)
        hi++;
    double left = (double)lo - 0.5, right = (double)hi + 0.5;
    if (lo > 0) {
        double a = cell_n[lo - 1], b = cell_n[lo];
        left = (double)lo - (b - thr) / (b - a);
    }
    if (hi + 1 < cells) {
        double a = cell_n[hi], b = cell_n[hi + 1];
        right = (double)hi + (a - thr) / (a - b);
    }
    out->centre_mm = 0.5 * (left + right) * pitch_mm;
    out->half_mm = 0.5 * (right - left) * pitch_mm;
}

void rm_feat_frame(const rm_descriptor *d, const int32_t *raw,
                   double *cell_n, rm_feat *out)
{
    unsigned cells = d->cells;
    for (unsigned i = 0; i < cells; i++)
        cell_n[i] = rm_cell_force_n(d, i, raw[i]);
    rm_feat_compute(cell_n, cells, d->pitch_mm, out);
}
