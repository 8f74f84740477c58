/*
 * libFuzzer target for the session reader (an untrusted .wav from
 * anywhere): the input is written to a memory file and opened by path
 * (/proc/self/fd/N), as rm_session_open takes paths. A file that opens
 * must carry valid metadata, read consistently twice, and go through the
 * engine and a report writer (one of four per input; notes and strings
 * from the file end up in HTML/SVG/JSON) without crashing. Seeds: small sessions from the
 * simulator and the recorder (tests/fuzz/corpus/session).
 */
#define _GNU_SOURCE /* fopencookie (sink.h) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rollmap.h"
#include "sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memory_file(const uint8_t *data, size_t size)
{
    int fd = (int)syscall(SYS_memfd_create, "session", 1u /* CLOEXEC */);
    if (fd < 0)
        abort();
    for (size_t off = 0; off < size;) {
        ssize_t n = write(fd, data + off, size - off);
        if (n <= 0)
            abort();
        off += (size_t)n;
    }
    return fd;
}

/* Every string the reader hands out is NUL-terminated inside its array. */
static void check_meta(const rm_session_meta *m)
{
    if (!memchr(m->notes, '\0', sizeof m->notes) ||
        !memchr(m->desc.firmware, '\0', sizeof m->desc.firmware) ||
        !memchr(m->desc.serial, '\0', sizeof m->desc.serial))
        abort();
    if (rm_descriptor_check(&m->desc, NULL, 0) != RM_OK)
        abort();
    if ((unsigned)m->leg > RM_LEG_RIGHT)
        abort();
}

static uint64_t read_all(rm_session *s, rm_engine *e, unsigned seed)
{
    rm_frame buf[64];
    uint64_t total = 0;
    for (;;) {
        seed = seed * 1103515245u + 12345u;
        size_t cap = 1 + (seed >> 16) % 64; /* boundaries move around */
        size_t got = 0;
        if (rm_session_read(s, buf, cap, &got) != RM_OK || got == 0)
            break;
        if (got > cap)
            abort();
        if (e)
            rm_engine_push(e, buf, got);
        total += got;
    }
    return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memory_file(data, size);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    rm_session *s = NULL;
    rm_error err = { 0 };
    rm_status st = rm_session_open(path, &s, &err);
    close(fd);
    if (st != RM_OK) {
        if (s || !memchr(err.msg, '\0', sizeof err.msg) || !err.msg[0])
            abort();
        return 0;
    }
    const rm_session_meta *m = rm_session_get_meta(s);
    check_meta(m);
    rm_engine *e = NULL;
    if (rm_engine_new(m, NULL, NULL, &e, NULL) != RM_OK)
        e = NULL;
    /* The live view's calf fits for one input in four (they cost more
     * than the rest of the run). */
    if (e)
        rm_engine_set_live_positions(e, size % 4 == 0);
    uint64_t n1 = read_all(s, e, (unsigned)size);
    if (n1 > rm_session_frame_count(s))
        abort();
    uint64_t lost = rm_session_dropped(s);
    if (rm_session_rewind(s) == RM_OK) {
        uint64_t n2 = read_all(s, NULL, 7u);
        if (n2 != n1 || rm_session_dropped(s) != lost)
            abort();
    }
    if (e && rm_engine_finish(e) == RM_OK) {
        const rm_summary *sum = rm_engine_summary(e);
        FILE *out = fuzz_sink();
        /* One report writer per input, picked by its size (size / 4, as
         * size % 4 picks the live fits): writing all four was 45 % of the
         * target's time (HTML and SVG 37 %), and every writer still gets
         * every kind of file, one input in four. */
        if (sum) {
            static const rm_report_format fmts[] = {
                RM_REPORT_TEXT, RM_REPORT_JSON, RM_REPORT_SVG, RM_REPORT_HTML,
            };
            rm_report_write(sum, m, fmts[(size / 4) % 4], out);
        }
    }
    rm_engine_free(e);
    rm_session_close(s);
    return 0;
}
