/*
 * glitch.h - encoder readings no roller can produce. A frame whose
 * encoder moved further from the last trusted reading than a roller can
 * travel in the time between them is a glitch: its step counts as zero,
 * so a corrupted or hostile value never turns into metres of travel (and
 * never widens the calf, or the bins and searches sized from it). Two
 * such frames in a row are a new base (the counter was reset or jumped
 * for good): the engine takes it, losing one frame's motion.
 * Cost: a few compares per frame, no memory.
 */
#ifndef ROLLMAP_ENGINE_GLITCH_H
#define ROLLMAP_ENGINE_GLITCH_H

#include <stdint.h>

#include "rollmap.h"

typedef struct rm_glitch {
    int64_t per_frame;  /* largest believable step per frame (counts) */
    uint32_t cap;       /* frames of a gap that widen the limit, at most */
    uint32_t since;     /* frames since the last trusted reading */
    int bad;            /* untrusted readings in a row */
    uint64_t count;     /* glitches seen (steps zeroed) */
} rm_glitch;

/* Limits from the descriptor (rate, radius, counts per turn). */
void rm_glitch_init(rm_glitch *g, const rm_descriptor *d);
/* A new stream: *last is the first reading, trusted. */
void rm_glitch_restart(rm_glitch *g);

/*
 * The encoder counts to add for a reading raw taken `frames` frames (the
 * sequence's advance) after the previous one; *last is the last trusted
 * reading and moves to raw when raw is trusted (or is a new base).
 */
static inline int64_t rm_glitch_step(rm_glitch *g, int32_t *last, int32_t raw,
                                     uint32_t frames)
{
    int64_t d = (int32_t)((uint32_t)raw - (uint32_t)*last);
    uint32_t n = g->since + frames;
    g->since = n = n < g->cap && n >= g->since ? n : g->cap;
    int64_t lim = g->per_frame * (int64_t)n;
    if (d <= lim && d >= -lim) {
        *last = raw;
        g->since = 0;
        g->bad = 0;
        return d;
    }
    g->count++;
    if (++g->bad >= 2) {
        *last = raw;
        g->since = 0;
        g->bad = 0;
    }
    return 0;
}

#endif /* ROLLMAP_ENGINE_GLITCH_H */
