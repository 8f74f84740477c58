/*
 * Stacked peak profiles: a spot too faint to clear the per-pass floors
 * (peaks.c) on any one pass still stands above its flanks, by a little,
 * on every pass over it, while a pass's noise does not recur at one
 * place of the calf. So every pass's rise profile (per bin and per band
 * across the footprint, kept by peaks.c) is placed on the calf and
 * averaged per side line over all the passes that could show a spot of
 * that line: the session's own evidence at each place and line. A spot
 * is a maximum of that mean, above STACK_RISE of peak_min_rise, shown
 * (rise above STACK_SHOW of peak_min_rise) on most of the passes over it
 * and of its own line's, and not an echo of a place 3.5-7.5 cm along at
 * least twice as high. Stacked spots stand below strong and weak ones:
 * they only add a spot where no other peak of the line lies within
 * RESOLVE_CM (rm_peaks_group). What the mean sees that the candidates
 * do not: a spot 4.5-6.5 cm from a strong one of its line (the weak
 * tier drops every bump there, WEAK_NEAR_CM, since echoes lie there
 * too), and a side spot where the other side has one (the weak tier's
 * echo rule). Only bins whose flanks the pass nearly covered are
 * stacked (peaks.c), and only the side lines (stack_lines).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"

/* The grid the passes are stacked on (cm). */
#define STACK_BIN_CM RM_STACK_BIN_CM
/* A stacked spot's mean rise, and a pass's rise counted as showing it,
 * as fractions of peak_min_rise. */
#define STACK_RISE 0.5
#define STACK_SHOW 0.3
/* Share of the (weighted) passes over a stacked spot that must show it,
 * and of its own line's passes. Over all the passes three in five: a
 * faint spot (tp-subtle, rising 10-20 %) shows on most passes but not
 * three in four, while what recurs without a spot (echoes, a footprint's
 * unevenness) is judged by the echo test and the own-line share. On its
 * own line, which brings a spot under the loaded middle of the contact,
 * three in four. (Tuning family, stacked maxima against the planted
 * spots: docs/engine.md, "Stacked spots on sparse lines".) */
#define STACK_SHARE 0.6
#define STACK_OWN_SHARE 0.75
/* A strong spot leaves an echo a bump-width or two along its line:
 * it takes load from the cells around it, whose shares dip, and a dip in
 * a flank lowers the base of the place 4-7 cm away. Echoes stand a
 * fifth to half as high as their spot (measured on the tuning family:
 * 0.21-0.5 for most), spots near another mostly over half. */
#define STACK_ECHO_RATIO 0.5
#define STACK_ECHO_FROM_BINS 7
#define STACK_ECHO_TO_BINS 15
/* Passes of a spot's own line over it that must be stacked: one. A line
 * rolled once over a spot (short or partial passes, a line rolled twice
 * with one pass turning short of the spot) still puts it under the
 * loaded middle once, and every own pass must then show it
 * (STACK_OWN_SHARE); with two asked, such spots could never be found
 * from the mean however clearly every pass showed them. */
#define STACK_OWN_PASSES 1
/* A stacked maximum hides the smaller ones within this (bins). */
#define STACK_SUPPRESS_BINS 3
/* How much a pass of one line tells of a spot of another: a side spot
 * rolled flat, or a middle spot on a turned pass, lies off the loaded
 * middle of the contact and shows weaker (peak_groups.c's
 * MIDDLE_PASS_WEIGHT); a turned pass puts the other side's spot at the
 * unloaded edge, where it does not show. */
#define STACK_OFF_WEIGHT 0.5

/* Lines stacked: the sides only. A middle line's band lies between the
 * side spots' bands on a flat pass (their spill into it recurs as they
 * do) and at the unloaded edge of a turned one: on the tuning family
 * every one of 174 recurring middle-line maxima with no spot under it
 * would have been a false peak. Middle spots come from the candidates
 * alone (peak_groups.c). */
static const rm_line stack_lines[2] = { RM_LINE_MEDIAL, RM_LINE_LATERAL };

/* Weight of a pass on `pl` for a spot on `line`. */
static double pass_weight(rm_line pl, rm_line line)
{
    if (pl == line)
        return 1.0;
    if (pl == RM_LINE_MIDDLE || line == RM_LINE_MIDDLE)
        return STACK_OFF_WEIGHT;
    return 0.0;
}

/* The bands (0..RM_PEAK_BANDS-1, toward medial when the leg is known;
 * raw u otherwise) where a pass on `pl` shows a spot on `line`, as
 * spot_line (peak_groups.c) reads them: [*lo, *hi]; 0 when none. */
static int bands_for(rm_line pl, rm_line line, int *lo, int *hi)
{
    switch (pl) {
    case RM_LINE_MIDDLE:
        *lo = line == RM_LINE_MEDIAL ? 3 : line == RM_LINE_MIDDLE ? 2 : 0;
        *hi = line == RM_LINE_MEDIAL ? 4 : line == RM_LINE_MIDDLE ? 2 : 1;
        return 1;
    case RM_LINE_MEDIAL:
        if (line == RM_LINE_LATERAL)
            return 0;
        *lo = line == RM_LINE_MEDIAL ? 1 : 0;
        *hi = line == RM_LINE_MEDIAL ? 4 : 0;
        return 1;
    case RM_LINE_LATERAL:
        if (line == RM_LINE_MEDIAL)
            return 0;
        *lo = line == RM_LINE_LATERAL ? 0 : 4;
        *hi = line == RM_LINE_LATERAL ? 3 : 4;
        return 1;
    default:
        return 0;
    }
}

/* The largest rise (fraction of the load) of row r's bands lo..hi, with
 * its pressure; 0 when none was measured there. Band k toward medial is
 * raw band k on a left leg, RM_PEAK_BANDS-1-k on a right one. */
static int row_rise(const rm_placed_row *r, rm_leg leg, int lo, int hi,
                    double *rise, double *kpa)
{
    int found = 0;
    for (int k = lo; k <= hi; k++) {
        int raw = leg == RM_LEG_RIGHT ? RM_PEAK_BANDS - 1 - k : k;
        if (r->row->rise[raw] == RM_ROW_NONE)
            continue;
        double v = r->row->rise[raw] * 1e-4;
        if (!found || v > *rise) {
            *rise = v;
            *kpa = r->row->kpa[raw] * 0.1;
        }
        found = 1;
    }
    return found;
}

/* One line's stacked sums per grid bin. */
typedef struct stack_line {
    double *w, *s, *shown, *kpa;
    unsigned *n;
    unsigned *own, *own_shown;  /* passes of the line itself, showing it */
    int *last;                /* last pass added (one row per pass a bin) */
} stack_line;

static void add_rows(const rm_peak_frame *f, rm_leg leg, rm_line line,
                     const rm_placed_row *rows, size_t n_rows, int ng,
                     stack_line *sl)
{
    double show = STACK_SHOW * f->min_rise;
    for (size_t i = 0; i < n_rows; i++) {
        int pi = rows[i].row->pass;
        if (pi < 0 || (size_t)pi >= f->n_passes || !isfinite(rows[i].x))
            continue;
        rm_line pl = f->passes[pi].line;
        double w = pass_weight(pl, line), rise = 0.0, kpa = 0.0;
        int lo, hi;
        if (w <= 0 || !bands_for(pl, line, &lo, &hi) ||
            !row_rise(&rows[i], leg, lo, hi, &rise, &kpa))
            continue;
        int g = (int)floor(rows[i].x / STACK_BIN_CM);
        if (g < 0 || g >= ng || sl->last[g] == pi)
            continue;
        sl->last[g] = pi;
        sl->w[g] += w;
        sl->s[g] += w * rise;
        sl->shown[g] += rise >= show ? w : 0.0;
        sl->kpa[g] += w * kpa;
        sl->n[g]++;
        if (pl == line) {
            sl->own[g]++;
            sl->own_shown[g] += rise >= show;
        }
    }
}

static double zone_weight(rm_zone z)
{
    return z == RM_ZONE_ACHILLES || z == RM_ZONE_BELOW_KNEE ? 0.5 : 1.0;
}

/* Mean rise at bin g (NAN where too few passes). */
static double mean_at(const rm_peak_frame *f, const stack_line *sl, int ng,
                      int g)
{
    if (g < 0 || g >= ng || sl->n[g] < f->min_passes || sl->w[g] <= 0)
        return NAN;
    return sl->s[g] / sl->w[g];
}

/* The highest mean rise 3.5-7.5 cm along the line from bin g (0 when
 * none): the place whose echo g could be. */
static double echo_parent(const rm_peak_frame *f, const stack_line *sl,
                          int ng, int g)
{
    double parent = 0.0;
    for (int d = STACK_ECHO_FROM_BINS; d <= STACK_ECHO_TO_BINS; d++) {
        double lo = mean_at(f, sl, ng, g - d);
        double hi = mean_at(f, sl, ng, g + d);
        if (lo > parent)
            parent = lo;
        if (hi > parent)
            parent = hi;
    }
    return parent;
}

/* The line's mean and echo parent per bin into prof[0..ng-1] and
 * prof[ng..2ng-1] (NAN where no mean). */
static void keep_profile(const rm_peak_frame *f, const stack_line *sl, int ng,
                         float *prof)
{
    for (int g = 0; g < ng; g++) {
        double m = mean_at(f, sl, ng, g);
        prof[g] = (float)m;
        prof[ng + g] = isfinite(m) ? (float)echo_parent(f, sl, ng, g) : NAN;
    }
}

/* The maxima of one line's mean rise as peaks appended to out[]. */
static size_t line_peaks(const rm_peak_frame *f, rm_line line,
                         const stack_line *sl, int ng, rm_peak *out,
                         size_t n_out, size_t cap)
{
    for (int g = 0; g < ng && n_out < cap; g++) {
        double m = mean_at(f, sl, ng, g);
        if (!(m >= STACK_RISE * f->min_rise) ||
            sl->shown[g] < STACK_SHARE * sl->w[g])
            continue;
        /* Its own line, which brings it under the loaded middle of the
         * contact, must show it: rolled flat, a side spot's place is also
         * where the other side's spot leaves its echo (peak_groups.c). */
        if (sl->own[g] < STACK_OWN_PASSES ||
            sl->own_shown[g] < STACK_OWN_SHARE * sl->own[g])
            continue;
        int is_max = 1;
        for (int d = -STACK_SUPPRESS_BINS; d <= STACK_SUPPRESS_BINS; d++) {
            double o = mean_at(f, sl, ng, g + d);
            if (d != 0 && (o > m || (o == m && d < 0)))
                is_max = 0;
        }
        if (!is_max)
            continue;
        /* Not an echo of a stronger place 3.5-7.5 cm along. */
        if (m < STACK_ECHO_RATIO * echo_parent(f, sl, ng, g))
            continue;
        double off = rm_vertex_offset(mean_at(f, sl, ng, g - 1), m,
                                      mean_at(f, sl, ng, g + 1), 1, 0.5);
        rm_peak *pk = &out[n_out++];
        memset(pk, 0, sizeof *pk);
        pk->position_cm = (g + 0.5 + off) * STACK_BIN_CM;
        pk->position_frac = pk->position_cm / f->length_cm;
        pk->line = line;
        pk->zone = rm_zone_at(pk->position_frac, line);
        pk->pressure_kpa = sl->kpa[g] / sl->w[g];
        double share = sl->shown[g] / sl->w[g];
        pk->passes = (uint32_t)lround(sl->shown[g] / sl->w[g] * sl->n[g]);
        pk->score = zone_weight(pk->zone) * share * m;
        pk->confidence = rm_conf_peak(m, f->min_rise, pk->passes, sl->n[g],
                                      f->min_passes);
    }
    return n_out;
}

int rm_peaks_stack_bins(double length_cm)
{
    return length_cm > 0 ? (int)ceil(length_cm / STACK_BIN_CM) : 0;
}

rm_status rm_peaks_stack(const rm_peak_frame *f, rm_leg leg,
                         const rm_placed_row *rows, size_t n_rows,
                         rm_peak **out_p, size_t *n_out)
{
    return rm_peaks_stack_profile(f, leg, rows, n_rows, out_p, n_out, NULL);
}

rm_status rm_peaks_stack_profile(const rm_peak_frame *f, rm_leg leg,
                                 const rm_placed_row *rows, size_t n_rows,
                                 rm_peak **out_p, size_t *n_out, float *prof)
{
    *out_p = NULL;
    *n_out = 0;
    int ng = rm_peaks_stack_bins(f->length_cm);
    if (prof)
        for (int k = 0; k < 4 * ng; k++)
            prof[k] = NAN;
    /* Leg unknown: the sides cannot be told apart. */
    if (n_rows == 0 || ng == 0 || leg == RM_LEG_UNKNOWN)
        return RM_OK;
    /* Per line: four sums, a count and the last pass, per bin. */
    double *d = rm_calloc((size_t)ng * 4, sizeof *d);
    unsigned *n = rm_calloc((size_t)ng * 3, sizeof *n);
    int *last = rm_calloc((size_t)ng, sizeof *last);
    size_t cap = (size_t)ng * 2;
    rm_peak *out = rm_calloc(cap, sizeof *out);
    if (!d || !n || !last || !out) {
        rm_free(d);
        rm_free(n);
        rm_free(last);
        rm_free(out);
        return RM_ERR_NOMEM;
    }
    size_t np = 0;
    for (int li = 0; li < 2; li++) {
        rm_line line = stack_lines[li];
        memset(d, 0, (size_t)ng * 4 * sizeof *d);
        memset(n, 0, (size_t)ng * 3 * sizeof *n);
        for (int g = 0; g < ng; g++)
            last[g] = -1;
        stack_line sl = { d, d + ng, d + 2 * ng, d + 3 * ng, n, n + ng,
                          n + 2 * ng, last };
        add_rows(f, leg, line, rows, n_rows, ng, &sl);
        if (prof)
            keep_profile(f, &sl, ng, prof + 2 * li * ng);
        np = line_peaks(f, line, &sl, ng, out, np, cap);
    }
    rm_free(d);
    rm_free(n);
    rm_free(last);
    if (np == 0) {
        rm_free(out);
        out = NULL;
    }
    *out_p = out;
    *n_out = np;
    return RM_OK;
}
