/*
 * The calf map and line coverage, the last placed results at finish: the
 * mean peak-cell pressure in each 2 % bin of the calf on each line, and
 * the share of the calf passes crossed on each line.
 */
#include <math.h>
#include <string.h>

#include "finish.h"

/* A map bin counts as rolled on a line with this many ticks in it. */
#define MAP_MIN_TICKS 2.0

static double frac_of(double x, double length_cm)
{
    return isfinite(x) && length_cm > 0 ? x / length_cm : NAN;
}

/* Add stretch s's pressure and tick sums to the map row of its line. */
static void add_stretch(const rm_align *al, const rm_stretch *s, float *map,
                        float *cnt)
{
    for (int b = s->bmin; b <= s->bmax; b++) {
        double enc = s->enc0_cm + rm_bin_enc_cm(b);
        double f = frac_of(rm_align_pos(al, s, enc), al->length_cm);
        if (!isfinite(f) || f < 0.0 || f >= 1.0)
            continue;
        size_t j = (size_t)(f * RM_MAP_BINS);
        map[j] += s->ksum[b - s->bmin];
        cnt[j] += s->n[b - s->bmin];
    }
}

void rm_calf_map_build(const rm_layout *lay, const rm_line_rule *rule,
                       float *map, float *cnt)
{
    size_t nm = 3 * RM_MAP_BINS;
    memset(map, 0, nm * sizeof *map);
    memset(cnt, 0, nm * sizeof *cnt);
    for (size_t k = 0; k < lay->n_st; k++) {
        const rm_stretch *s = &lay->st[k];
        if (!s->placed || !s->ksum)
            continue;
        /* The stretch's line (a placement keeps its line). */
        rm_line line = rm_stretch_line(lay->passes, lay->n_passes, (int)k,
                                       rule);
        if (line == RM_LINE_UNKNOWN)
            continue;
        size_t row = ((size_t)line - 1) * RM_MAP_BINS;
        add_stretch(lay->al, s, map + row, cnt + row);
    }
    for (size_t i = 0; i < nm; i++)
        map[i] = cnt[i] >= MAP_MIN_TICKS ? map[i] / cnt[i] : NAN;
}

/* Example: a 36 cm calf, medial passes from 9 to 27 cm: the bins whose
 * centres lie in 25-75 % of it, both ends included, are 26 of 50:
 * coverage[medial] 0.52. */
void rm_line_coverage(const rm_pass *passes, size_t n, double length_cm,
                      double coverage[4])
{
    unsigned char hit[3 * RM_MAP_BINS];
    memset(hit, 0, sizeof hit);
    for (size_t i = 0; i < n; i++) {
        const rm_pass *p = &passes[i];
        if (p->line == RM_LINE_UNKNOWN || !isfinite(p->from_cm) ||
            !isfinite(p->to_cm))
            continue;
        double lo = frac_of(fmin(p->from_cm, p->to_cm), length_cm);
        double hi = frac_of(fmax(p->from_cm, p->to_cm), length_cm);
        for (size_t j = 0; j < RM_MAP_BINS; j++) {
            double c = (j + 0.5) / RM_MAP_BINS;
            if (c >= lo && c <= hi)
                hit[((size_t)p->line - 1) * RM_MAP_BINS + j] = 1;
        }
    }
    for (size_t l = 0; l < 3; l++) {
        size_t covered = 0;
        for (size_t j = 0; j < RM_MAP_BINS; j++)
            covered += hit[l * RM_MAP_BINS + j];
        coverage[l + 1] = (double)covered / RM_MAP_BINS;
    }
}
