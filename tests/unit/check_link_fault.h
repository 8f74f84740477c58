/*
 * Test helpers for the link suites: a transport that wraps another and
 * fails or stalls on cue (fault injection at the transport layer), and
 * the frames a scenario should produce, for comparison.
 */
#ifndef ROLLMAP_TESTS_CHECK_LINK_FAULT_H
#define ROLLMAP_TESTS_CHECK_LINK_FAULT_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollmap.h"

typedef struct fault {
    rm_transport *inner;
    uint64_t bytes;          /* delivered so far */
    uint64_t fail_after;     /* read fails (RM_ERR_IO) past this; 0: never */
    uint64_t stall_after;    /* reads time out past this; 0: never */
    int silent;              /* board never answers: reads time out */
    const uint8_t *prefix;   /* garbage delivered before anything else */
    size_t prefix_len, prefix_pos;
    char msg[64];
} fault;

static rm_status fault_read(void *impl, uint8_t *buf, size_t cap,
                            size_t *got, unsigned timeout_ms)
{
    fault *f = impl;
    *got = 0;
    if (f->prefix_pos < f->prefix_len) {
        size_t n = f->prefix_len - f->prefix_pos;
        n = n < cap ? n : cap;
        memcpy(buf, f->prefix + f->prefix_pos, n);
        f->prefix_pos += n;
        *got = n;
        return RM_OK;
    }
    uint64_t limit = f->fail_after ? f->fail_after : f->stall_after;
    if (f->silent || (limit && f->bytes >= limit)) {
        if (f->fail_after) {
            strcpy(f->msg, "injected failure");
            return RM_ERR_IO;
        }
        usleep(timeout_ms * 1000u); /* a stalled line: time passes */
        return RM_ERR_TIMEOUT;
    }
    if (limit && cap > limit - f->bytes)
        cap = (size_t)(limit - f->bytes); /* stop exactly at the cue */
    rm_status st = rm_transport_read(f->inner, buf, cap, got, timeout_ms);
    f->bytes += *got;
    return st;
}

static rm_status fault_write(void *impl, const uint8_t *buf, size_t len,
                             unsigned timeout_ms)
{
    fault *f = impl;
    if (f->silent)
        return RM_OK; /* swallowed */
    return rm_transport_write(f->inner, buf, len, timeout_ms);
}

static void fault_close(void *impl)
{
    fault *f = impl;
    rm_transport_close(f->inner);
    free(f);
}

static const char *fault_errmsg(void *impl)
{
    return ((fault *)impl)->msg;
}

static const rm_transport_ops fault_ops = {
    .name = "fault",
    .read = fault_read,
    .write = fault_write,
    .close = fault_close,
    .errmsg = fault_errmsg,
};

/* The virtual board for @p scenario (seed 1, as fast as read), wrapped;
 * *cfg lets the test set the cues before the first read. */
static rm_transport *fault_board(const char *scenario, fault **cfg)
{
    rm_vboard_options o = { 0 };
    o.sim.seed = 1;
    o.no_realtime = 1;
    fault *f = calloc(1, sizeof *f);
    if (!f || rm_transport_open_sim(scenario, &o, &f->inner, NULL) != RM_OK) {
        free(f);
        return NULL;
    }
    rm_transport *t = NULL;
    if (rm_transport_new(&fault_ops, f, "fault", &t, NULL) != RM_OK)
        return NULL;
    *cfg = f;
    return t;
}

/* Every frame of @p scenario (seed 1); caller frees. */
static rm_frame *scenario_frames(const char *scenario, size_t *n)
{
    rm_sim_options o = { .seed = 1 };
    rm_sim *sim = NULL;
    *n = 0;
    if (rm_sim_new(scenario, &o, &sim, NULL) != RM_OK)
        return NULL;
    size_t cap = 4096;
    rm_frame *all = malloc(cap * sizeof *all);
    for (;;) {
        if (*n == cap) {
            cap *= 2;
            all = realloc(all, cap * sizeof *all);
        }
        size_t got = 0;
        if (rm_sim_read(sim, all + *n, cap - *n, &got) != RM_OK || !got)
            break;
        *n += got;
    }
    rm_sim_free(sim);
    return all;
}

static int frames_equal(const rm_frame *a, const rm_frame *b, uint32_t cells)
{
    return a->seq == b->seq && a->time_us == b->time_us &&
           a->encoder == b->encoder &&
           !memcmp(a->cells, b->cells, cells * sizeof a->cells[0]);
}

#endif
