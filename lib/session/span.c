/*
 * The one definition of a session's duration and of the frames it lost
 * (docs/session-format.md, "Duration and start"), shared by `info` and
 * `report` through the reader. The board clock measures time, the
 * sequence number counts frames lost; each checks the other, so one
 * corrupted value in a file is a glitch, not 17 hours or 99.99 % lost.
 */
#include <string.h>

#include "session_internal.h"

void rm_span_init(rm_span *sp, double rate_hz)
{
    memset(sp, 0, sizeof *sp);
    sp->period_us = rate_hz > 0.0 ? 1e6 / rate_hz : 0.0;
}

/* Do sequence step ds and time step dt (both mod 2^32) belong together?
 * Example at 80 Hz: ds 3, dt 37 600 us -> yes (3 x 12 500 = 37 500);
 * ds 1, dt 62 500 000 us -> no. */
static int steps_agree(const rm_span *sp, uint32_t ds, uint32_t dt)
{
    if (ds == 0 || ds >= 0x80000000u || dt == 0 || dt >= 0x80000000u)
        return 0;
    double want = (double)ds * sp->period_us;
    double off = (double)dt - want;
    return (off < 0 ? -off : off) <= want / 2 + 100000.0;
}

static void accept_step(rm_span *sp, uint32_t seq, uint32_t t_us)
{
    sp->sum_us += (uint32_t)(t_us - sp->t_us);
    sp->lost += (uint32_t)(seq - sp->seq) - 1u;
    sp->seq = seq;
    sp->t_us = t_us;
    sp->anchor_alone = 0;
}

/* The held frame was real: take the jump to it. */
static void confirm_held(rm_span *sp)
{
    uint32_t ds = sp->held_seq - sp->seq, dt = sp->held_t_us - sp->t_us;
    if (sp->anchor_alone) {
        /* Nothing vouched for the first frame: it was the odd one. */
        sp->glitches++;
        sp->sum_us += sp->period_us;
    } else if (ds == 0 || ds >= 0x80000000u || dt >= 0x80000000u) {
        sp->restarts++; /* backwards: the board restarted */
        sp->sum_us += sp->period_us;
    } else {
        /* A real gap or stall: time says how long, sequence what was
         * lost (a stall loses nothing: ds 1). */
        sp->sum_us += dt;
        sp->lost += ds - 1u;
    }
    sp->seq = sp->held_seq;
    sp->t_us = sp->held_t_us;
    sp->anchor_alone = 0;
    sp->state = 1;
}

void rm_span_add(rm_span *sp, uint32_t seq, uint32_t t_us)
{
    if (sp->state == 0) {
        sp->seq = seq;
        sp->t_us = t_us;
        sp->state = 1;
        sp->anchor_alone = 1;
        return;
    }
    if (sp->state == 2) {
        if (steps_agree(sp, seq - sp->seq, t_us - sp->t_us)) {
            /* Follows on from the frame before the held one. The held
             * frame occupied one sequence slot: it was received. */
            uint32_t ds = seq - sp->seq;
            sp->glitches++;
            sp->state = 1;
            sp->sum_us += (uint32_t)(t_us - sp->t_us);
            sp->lost += ds >= 2u ? ds - 2u : 0u;
            sp->seq = seq;
            sp->t_us = t_us;
            sp->anchor_alone = 0;
            return;
        }
        confirm_held(sp);
    }
    if (steps_agree(sp, seq - sp->seq, t_us - sp->t_us)) {
        accept_step(sp, seq, t_us);
        return;
    }
    sp->held_seq = seq;
    sp->held_t_us = t_us;
    sp->state = 2;
}

double rm_span_duration_s(const rm_span *sp)
{
    if (sp->state == 0)
        return 0.0;
    /* The last frame covers one period. A frame still held at the end
     * had nothing after it to vouch for its time: it counts as the one
     * period after the last good frame. */
    double held = sp->state == 2 ? sp->period_us : 0.0;
    return (sp->sum_us + sp->period_us + held) / 1e6;
}
