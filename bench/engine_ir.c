/*
 * Fixed workload for the instruction-count benchmark: loads a whole
 * session into memory, then runs the engine over it (new, push in blocks
 * of 1024 frames as rm_report_file does, finish) inside engine_run(), the
 * one function callgrind collects (--toggle-collect=engine_run), so file
 * reading and libsndfile stay out of the count.
 *
 *   engine_ir FILE.wav      prints "frames N holds H passes P peaks K"
 */
#include <stdio.h>
#include <stdlib.h>

#include "rollmap.h"

#define PUSH_FRAMES 1024 /* same block as the offline report */

/* noinline: callgrind must see this as a function of its own. */
__attribute__((noinline)) static rm_status
engine_run(const rm_session_meta *meta, const rm_frame *frames, size_t n,
           size_t counts[3], char *why, size_t why_cap)
{
    rm_engine *e = NULL;
    rm_error err = { 0 };
    rm_status st = rm_engine_new(meta, NULL, NULL, &e, &err);
    if (st != RM_OK) {
        snprintf(why, why_cap, "%s", err.msg);
        return st;
    }
    for (size_t i = 0; i < n && st == RM_OK; i += PUSH_FRAMES)
        st = rm_engine_push(e, frames + i,
                            n - i < PUSH_FRAMES ? n - i : PUSH_FRAMES);
    if (st == RM_OK)
        st = rm_engine_finish(e);
    const rm_summary *s = st == RM_OK ? rm_engine_summary(e) : NULL;
    if (s) {
        counts[0] = s->n_holds;
        counts[1] = s->n_passes;
        counts[2] = s->n_peaks;
    } else {
        snprintf(why, why_cap, "%s", rm_engine_errmsg(e));
        if (st == RM_OK)
            st = RM_ERR_FORMAT;
    }
    rm_engine_free(e);
    return st;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: engine_ir FILE.wav\n");
        return 2;
    }
    rm_session *sess = NULL;
    rm_error err = { 0 };
    if (rm_session_open(argv[1], &sess, &err) != RM_OK) {
        fprintf(stderr, "engine_ir: %s\n", err.msg);
        return 1;
    }
    size_t cap = (size_t)rm_session_frame_count(sess);
    rm_frame *frames = malloc((cap ? cap : 1) * sizeof *frames);
    size_t n = 0, got = 0;
    if (!frames) {
        fprintf(stderr, "engine_ir: out of memory for %zu frames\n", cap);
        return 1;
    }
    while (n < cap && rm_session_read(sess, frames + n, cap - n, &got) ==
                          RM_OK && got)
        n += got;
    size_t counts[3] = { 0, 0, 0 };
    char why[512] = "";
    rm_status st = engine_run(rm_session_get_meta(sess), frames, n, counts,
                              why, sizeof why);
    rm_session_close(sess);
    free(frames);
    if (st != RM_OK) {
        fprintf(stderr, "engine_ir: %s: %s\n", argv[1], why);
        return 1;
    }
    printf("frames %zu holds %zu passes %zu peaks %zu\n", n, counts[0],
           counts[1], counts[2]);
    return 0;
}
