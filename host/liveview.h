/*
 * The live view of record and replay: where the roller is on the calf,
 * the strip's loads as a bar row, the line, a hold timer against the
 * 30-90 s guidance and the rolling speed. Redraws in place a few times a
 * second on a terminal; prints one plain line a second otherwise.
 */
#ifndef ROLLMAP_HOST_LIVEVIEW_H
#define ROLLMAP_HOST_LIVEVIEW_H

#include <stdio.h>

#include "rollmap.h"

typedef enum liveview_mode {
    LIVEVIEW_AUTO  = 0, /* redraw on a terminal, plain lines otherwise */
    LIVEVIEW_TTY   = 1,
    LIVEVIEW_PLAIN = 2,
    LIVEVIEW_OFF   = 3,
} liveview_mode;

/*
 * Board time since the first frame, in us, across the wrap of the 32-bit
 * board clock (every 71.6 min): each frame adds its step from the one
 * before. Example: 4294967000 then 200 is a step of 496 us, not -4.29e9.
 */
typedef struct board_clock {
    int started;
    uint32_t last_us;
    uint64_t elapsed_us;
} board_clock;

static inline uint64_t board_clock_at(board_clock *c, uint32_t time_us)
{
    if (!c->started) {
        c->started = 1;
        c->last_us = time_us;
    }
    c->elapsed_us += (uint32_t)(time_us - c->last_us);
    c->last_us = time_us;
    return c->elapsed_us;
}

typedef struct liveview liveview;

/* NULL on allocation failure. @p desc is copied. */
liveview *liveview_new(FILE *out, liveview_mode mode,
                       const rm_descriptor *desc);

/* The session's first frame: time and distance rolled count from it.
 * Without this call the first frame given to liveview_update() is used. */
void liveview_origin(liveview *v, const rm_frame *first);

/*
 * New state: the last frame, the engine's view of it (NULL without an
 * engine: raw readings are shown), frames and lost frames so far.
 * Draws only when a redraw is due (5 Hz on a terminal, 1 Hz plain), or
 * always when @p force is set.
 */
void liveview_update(liveview *v, const rm_frame *last, const rm_live *live,
                     uint64_t frames, uint64_t lost, int force);

/* Leave the drawn block (so messages start on a fresh line); free. */
void liveview_free(liveview *v);

#endif
