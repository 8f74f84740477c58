/*
 * live.c - how far the live view agrees with the final report during holds.
 * The session is pushed in blocks of a tenth of a second (a live view's
 * update rate; `rollmap record` draws about as often) and rm_live is read
 * after each block; after finish, every live update inside a truth hold
 * that score.c matched to a reported hold is compared with that hold: the
 * same line, and a place within LIVE_POS_CM of the hold's; each also over
 * the updates whose rm_live flag for it is clear.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "live.h"

/* Updates per second of session time. */
#define LIVE_HZ 10.0

static void log_push(live_log *lg, const rm_live *lv)
{
    if (lg->n == lg->cap) {
        lg->cap = lg->cap ? 2 * lg->cap : 1024;
        lg->u = realloc(lg->u, lg->cap * sizeof *lg->u);
        if (!lg->u) {
            fprintf(stderr, "accuracy: out of memory\n");
            exit(1);
        }
    }
    live_update *u = &lg->u[lg->n++];
    u->t_s = lv->time_s;
    u->line = lv->line;
    u->position_cm = lv->position_cm;
    u->provisional = lv->provisional;
}

rm_status live_push(rm_engine *eng, const rm_frame *f, size_t n,
                    double rate_hz, live_log *lg)
{
    size_t blk = (size_t)(rate_hz / LIVE_HZ);
    if (blk < 1)
        blk = 1;
    for (size_t i = 0; i < n; i += blk) {
        size_t m = n - i < blk ? n - i : blk;
        rm_status st = rm_engine_push(eng, f + i, m);
        if (st != RM_OK)
            return st;
        rm_live lv;
        rm_engine_live_state(eng, &lv);
        log_push(lg, &lv);
    }
    return RM_OK;
}

void live_score_hold(const live_log *lg, double ts, double te,
                     const rm_hold *h, long *c)
{
    for (size_t i = 0; i < lg->n; i++) {
        const live_update *u = &lg->u[i];
        if (u->t_s < ts || u->t_s > te)
            continue;
        c[C_LIVE_ALL]++;
        if (!isfinite(u->position_cm))
            continue; /* the calf not found yet, live */
        int line_ok = u->line == h->line;
        int pos_ok = fabs(u->position_cm - h->position_cm) <= LIVE_POS_CM;
        c[C_LIVE_N]++;
        c[C_LIVE_LINE] += line_ok;
        c[C_LIVE_POS] += pos_ok;
        c[C_LIVE_BOTH] += line_ok && pos_ok;
        c[C_LIVE_PROV] += u->provisional != 0;
        if (!(u->provisional & RM_LIVE_PROV_LINE)) {
            c[C_LIVE_EST_N]++;
            c[C_LIVE_EST_LINE] += line_ok;
        }
        if (!(u->provisional & RM_LIVE_PROV_PLACE)) {
            c[C_LIVE_PEST_N]++;
            c[C_LIVE_PEST_POS] += pos_ok;
        }
    }
}

void live_log_free(live_log *lg)
{
    free(lg->u);
    lg->u = NULL;
    lg->n = lg->cap = 0;
}
