#!/bin/sh
# Opt-in (not part of make check): a session larger than 4 GiB must become
# RF64 and read back whole, metadata included. Writes ~4.5 GB to $TMPDIR
# (default /tmp) and reads it back; takes about a minute on a fast disk.
# Usage: tests/large/session_rf64.sh BUILD
set -u
build=${1:?usage: $0 BUILD}
dir=$(mktemp -d "${TMPDIR:-/tmp}/rm-rf64.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cat > "$dir/big.c" <<'CEOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rollmap.h"
/* 32 cells at 1 kHz: 35 channels x 4 B = 140 B a frame; 32.5 M frames
 * (9 h) = 4.55 GB, past the 4 GiB RIFF limit. Frame k: seq k, cell i =
 * k * 31 + i, time 1000 k us, encoder -k. */
#define FRAMES 32500000ull
#define BLOCK 4096
int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    rm_session_meta m;
    memset(&m, 0, sizeof m);
    rm_descriptor_rev_a(&m.desc);
    m.desc.cells = 32;
    m.desc.rate_hz = 1000;
    for (int i = 0; i < 32; i++)
        m.desc.scale_n_per_count[i] = 1e-4f;
    m.leg = RM_LEG_RIGHT;
    snprintf(m.notes, sizeof m.notes, "large RF64 round trip");
    rm_session_writer *w;
    rm_error e;
    if (rm_session_writer_new(argv[1], &m, 0, &w, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    rm_frame *f = calloc(BLOCK, sizeof *f);
    for (unsigned long long k = 0; k < FRAMES;) {
        size_t n = FRAMES - k < BLOCK ? (size_t)(FRAMES - k) : BLOCK;
        for (size_t j = 0; j < n; j++, k++) {
            f[j].seq = (uint32_t)k;
            f[j].time_us = (uint32_t)(k * 1000);
            f[j].encoder = -(int32_t)k;
            for (int i = 0; i < 32; i++)
                f[j].cells[i] = (int32_t)(uint32_t)(k * 31 + (unsigned)i);
        }
        if (rm_session_writer_append(w, f, n)) {
            fprintf(stderr, "%s\n", rm_session_writer_errmsg(w));
            return 1;
        }
    }
    if (rm_session_writer_close(w))
        return 1;
    rm_session *s;
    if (rm_session_open(argv[1], &s, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    int bad = 0;
    if (strcmp(rm_session_container(s), "RF64") != 0)
        fprintf(stderr, "container %s\n", rm_session_container(s)), bad = 1;
    if (rm_session_frame_count(s) != FRAMES)
        fprintf(stderr, "frame count %llu\n",
                (unsigned long long)rm_session_frame_count(s)), bad = 1;
    if (strcmp(rm_session_get_meta(s)->notes, "large RF64 round trip"))
        fprintf(stderr, "notes lost\n"), bad = 1;
    unsigned long long k = 0;
    size_t got;
    do {
        if (rm_session_read(s, f, BLOCK, &got))
            return 1;
        for (size_t j = 0; j < got && !bad; j++, k++)
            if (f[j].seq != (uint32_t)k || f[j].encoder != -(int32_t)k ||
                f[j].time_us != (uint32_t)(k * 1000) ||
                f[j].cells[31] != (int32_t)(uint32_t)(k * 31 + 31))
                fprintf(stderr, "frame %llu differs\n", k), bad = 1;
    } while (got && !bad);
    if (k != FRAMES)
        fprintf(stderr, "read %llu frames\n", k), bad = 1;
    rm_session_close(s);
    free(f);
    return bad;
}
CEOF
cc -std=c11 -O2 -Ilib -I"$build/include" -o "$dir/big" "$dir/big.c" \
    "$build/librollmap.a" $(pkg-config --libs sndfile) -lm || exit 1
start=$(date +%s)
"$dir/big" "$dir/big.wav" || { echo "FAIL: RF64 round trip"; exit 1; }
size=$(stat -c %s "$dir/big.wav")
head -c 4 "$dir/big.wav" | grep -q RF64 || { echo "FAIL: not RF64 on disk"; exit 1; }
echo "rf64: $size bytes written and read back in $(( $(date +%s) - start )) s: ok"
