/*
 * typical.h - the session's typical load: the median load of its contact
 * ticks so far, the load at which the descriptor's radius_mm (the
 * effective rolling radius) holds (engine.c, compressed_cm). A median,
 * not a mean: a crossed leg (+50-80 % on a fifth of the placements) can
 * pull a mean up by ~25 N, every distance off the crossing ~0.3 % long
 * (measured: calf length p95 0.03-0.06 cm better with the median).
 * A histogram of TYPICAL_BIN_N wide bins with its median bin kept up to
 * date on every insert (amortised a step or two): O(1) a tick, 1 kB.
 */
#ifndef ROLLMAP_ENGINE_TYPICAL_H
#define ROLLMAP_ENGINE_TYPICAL_H

#include <stdint.h>

/* 256 bins of 4 N: 0-1024 N, heavier loads in the last bin (a calf
 * carries 80-330 N, up to ~600 crossed). */
#define TYPICAL_BINS 256
#define TYPICAL_BIN_N 4.0

typedef struct rm_typical {
    uint32_t h[TYPICAL_BINS];
    uint64_t total;     /* loads counted */
    uint64_t below;     /* of them in bins below m */
    int m;              /* the median's bin */
} rm_typical;

void rm_typical_reset(rm_typical *t);
void rm_typical_add(rm_typical *t, double load_n);
/* The median load, interpolated within its bin; NAN before any load. */
double rm_typical_get(const rm_typical *t);

#endif /* ROLLMAP_ENGINE_TYPICAL_H */
