/*
 * live.h - the live view against the final report (live.c): the accuracy
 * tool's "live hold agreement" metric.
 */
#ifndef ROLLMAP_TOOLS_ACCURACY_LIVE_H
#define ROLLMAP_TOOLS_ACCURACY_LIVE_H

#include <stddef.h>

#include "accuracy.h"

/* A live place agrees with the hold's when within this (cm). */
#define LIVE_POS_CM 2.0

typedef struct live_update {
    double t_s, position_cm;
    rm_line line;
    unsigned provisional;
} live_update;

typedef struct live_log {
    live_update *u;
    size_t n, cap;
} live_log;

/* Push n frames in live-sized blocks, logging rm_live after each. */
rm_status live_push(rm_engine *eng, const rm_frame *f, size_t n,
                    double rate_hz, live_log *lg);
/* Count the updates during the truth hold [ts, te] against the reported
 * hold h it was matched to, into c[C_LIVE_*]. */
void live_score_hold(const live_log *lg, double ts, double te,
                     const rm_hold *h, long *c);
void live_log_free(live_log *lg);

#endif /* ROLLMAP_TOOLS_ACCURACY_LIVE_H */
