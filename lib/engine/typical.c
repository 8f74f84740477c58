/*
 * The session's typical load as a running median (typical.h).
 * Example: loads 150, 150, 150, 260 N (the last crossed): the mean is
 * 177.5, the median bin 148-152 N -> ~150.
 */
#include <math.h>
#include <string.h>

#include "typical.h"

void rm_typical_reset(rm_typical *t)
{
    memset(t, 0, sizeof *t);
}

void rm_typical_add(rm_typical *t, double load_n)
{
    double u = load_n / TYPICAL_BIN_N;
    int b = !(u > 0) ? 0 : u >= TYPICAL_BINS ? TYPICAL_BINS - 1 : (int)u;
    t->h[b]++;
    t->total++;
    if (b < t->m)
        t->below++;
    /* m is the bin holding the (total / 2)-th load (0-based): below it
     * at most half, with it more than half. */
    uint64_t half = t->total / 2;
    while (t->m > 0 && t->below > half) {
        t->m--;
        t->below -= t->h[t->m];
    }
    while (t->m < TYPICAL_BINS - 1 && t->below + t->h[t->m] <= half) {
        t->below += t->h[t->m];
        t->m++;
    }
}

double rm_typical_get(const rm_typical *t)
{
    if (t->total == 0)
        return NAN;
    /* Within the bin, the loads taken as spread evenly. */
    double in = (double)(t->total / 2 - t->below) + 0.5;
    return ((double)t->m + in / (double)t->h[t->m]) * TYPICAL_BIN_N;
}
