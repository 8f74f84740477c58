/*
 * Middle row of the offline benchmark: the session reader alone, as the
 * offline report reads (rm_session_open, then rm_session_read_into in
 * blocks of 2048 frames: libsndfile reads straight into the block, which
 * the engine would then read in place), without the engine. Between the
 * floor (bare libsndfile) and the report, it shows what the library's
 * read path adds (gap counting, per-call checks).
 *
 *   reader FILE.wav [--frames]
 *
 * --frames reads with rm_session_read into rm_frame structs instead (1024
 * a call: the copy the report made before it read in place).
 * Prints "frames N checksum C"; the checksum is floor's (the sum of every
 * frame's sequence number), so equal lines prove the reader delivered
 * the frames libsndfile holds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollmap.h"

#define VIEW_FRAMES 2048 /* the offline report's read-ahead block */
#define COPY_FRAMES 1024

static rm_status read_views(rm_session *s, uint64_t *frames, uint64_t *sum)
{
    size_t ch = rm_session_channels(s);
    int32_t *buf = malloc(VIEW_FRAMES * ch * sizeof *buf);
    if (!buf)
        return RM_ERR_NOMEM;
    rm_frame_view v;
    rm_status st;
    while ((st = rm_session_read_into(s, buf, VIEW_FRAMES, &v)) == RM_OK &&
           v.n) {
        for (size_t k = 0; k < v.n; k++) {
            uint32_t seq;
            memcpy(&seq, (const char *)v.seq + k * v.stride_bytes, sizeof seq);
            *sum += seq;
        }
        *frames += v.n;
    }
    free(buf);
    return st;
}

static rm_status read_frames(rm_session *s, uint64_t *frames, uint64_t *sum)
{
    rm_frame *buf = malloc(COPY_FRAMES * sizeof *buf);
    if (!buf)
        return RM_ERR_NOMEM;
    size_t got = 0;
    rm_status st;
    while ((st = rm_session_read(s, buf, COPY_FRAMES, &got)) == RM_OK && got) {
        for (size_t i = 0; i < got; i++)
            *sum += buf[i].seq;
        *frames += got;
    }
    free(buf);
    return st;
}

int main(int argc, char **argv)
{
    int copy = argc == 3 && strcmp(argv[2], "--frames") == 0;
    if (argc != 2 && !copy) {
        fprintf(stderr, "usage: reader FILE.wav [--frames]\n");
        return 2;
    }
    rm_session *s = NULL;
    rm_error err = { 0 };
    if (rm_session_open(argv[1], &s, &err) != RM_OK) {
        fprintf(stderr, "reader: %s\n", err.msg);
        return 1;
    }
    uint64_t frames = 0, sum = 0;
    rm_status st = copy ? read_frames(s, &frames, &sum)
                        : read_views(s, &frames, &sum);
    if (st != RM_OK)
        fprintf(stderr, "reader: %s\n", st == RM_ERR_NOMEM
                                            ? "out of memory"
                                            : rm_session_errmsg(s));
    rm_session_close(s);
    printf("frames %" PRIu64 " checksum %016" PRIx64 "\n", frames, sum);
    return st != RM_OK;
}
