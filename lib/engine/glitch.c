/*
 * Limits of the encoder glitch guard (glitch.h): how far a roller can
 * really move between two frames.
 */
#include <math.h>

#include "glitch.h"

/* No foam roller under a leg moves 3 m/s: rolling is 2-10 cm/s, a flinch
 * or a slip well under 1 m/s. */
#define ROLLER_MAX_CM_S 300.0
/* A step of a few counts is always believable (quantisation, jitter). */
#define MIN_STEP_COUNTS 8
/* A gap of lost frames widens the limit by its length, up to this long:
 * longer gaps are rare, and a hostile sequence number must not buy an
 * unlimited step. Motion beyond 3 m over a gap is dropped. */
#define GAP_CAP_S 1.0

void rm_glitch_init(rm_glitch *g, const rm_descriptor *d)
{
    double cm_per_count = 2.0 * M_PI * d->radius_mm / 10.0 / d->encoder_cpr;
    double per = ceil(ROLLER_MAX_CM_S / d->rate_hz / cm_per_count);
    g->per_frame = per > MIN_STEP_COUNTS ? (int64_t)per : MIN_STEP_COUNTS;
    double cap = ceil(GAP_CAP_S * d->rate_hz);
    g->cap = cap > 1.0 ? (uint32_t)cap : 1u;
    g->count = 0;
    rm_glitch_restart(g);
}

void rm_glitch_restart(rm_glitch *g)
{
    g->since = 0;
    g->bad = 0;
}
