/*
 * Middle row of the offline benchmark: the session reader alone
 * (rm_session_open, then rm_session_read in blocks of 1024 frames, as the
 * offline report reads), without the engine. Between the floor (bare
 * libsndfile) and the report, it shows what unpacking into rm_frame costs.
 *
 *   reader FILE.wav      prints "frames N checksum C"
 *
 * The checksum is floor's (the sum of every frame's sequence number), so
 * equal lines prove the reader delivered the frames libsndfile holds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "rollmap.h"

#define READ_FRAMES 1024 /* the offline report's block */

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: reader FILE.wav\n");
        return 2;
    }
    rm_session *s = NULL;
    rm_error err = { 0 };
    if (rm_session_open(argv[1], &s, &err) != RM_OK) {
        fprintf(stderr, "reader: %s\n", err.msg);
        return 1;
    }
    rm_frame *buf = malloc(READ_FRAMES * sizeof *buf);
    if (!buf) {
        fprintf(stderr, "reader: out of memory\n");
        rm_session_close(s);
        return 1;
    }
    uint64_t frames = 0, sum = 0;
    size_t got = 0;
    rm_status st;
    while ((st = rm_session_read(s, buf, READ_FRAMES, &got)) == RM_OK && got) {
        for (size_t i = 0; i < got; i++)
            sum += buf[i].seq;
        frames += got;
    }
    if (st != RM_OK)
        fprintf(stderr, "reader: %s\n", rm_session_errmsg(s));
    rm_session_close(s);
    free(buf);
    printf("frames %" PRIu64 " checksum %016" PRIx64 "\n", frames, sum);
    return st != RM_OK;
}
