/*
 * libFuzzer target for rm_decoder: the first input byte seeds the chunk
 * sizes, the rest is the stream. Checks the invariants of
 * docs/protocol.md section 8 (accounting, chunking does not matter).
 * Build: clang -fsanitize=fuzzer,address,undefined -Ilib -Ibuild/include
 * with this file and the .c files of lib/wire and lib/util, and -lm.
 * 30 s here (clang 14): ~520k runs from the tests/vectors seeds, no finding.
 */
#include <stdlib.h>
#include <string.h>

#include "rollmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the whole-stream decoder delivered, checked as it comes. */
typedef struct seen {
    rm_decoder *dec;
    uint64_t delivered;
} seen;

static void on_frame(const rm_frame *f, void *user)
{
    seen *s = user;
    /* Before any descriptor a sample of any 1..32 cells is taken. */
    uint32_t cells = rm_decoder_cells(s->dec);
    if (cells > RM_MAX_CELLS)
        abort();
    for (uint32_t i = cells ? cells : RM_MAX_CELLS; i < RM_MAX_CELLS; i++)
        if (f->cells[i] != 0)
            abort();
    s->delivered++;
}

static void on_descriptor(const rm_descriptor *d, void *user)
{
    if (rm_descriptor_check(d, NULL, 0) != RM_OK ||
        !memchr(d->firmware, '\0', sizeof d->firmware) ||
        !memchr(d->serial, '\0', sizeof d->serial))
        abort();
    ((seen *)user)->delivered++;
}

static void on_status(const rm_board_status *st, void *user)
{
    (void)st;
    ((seen *)user)->delivered++;
}

static void on_ack(const rm_ack *a, void *user)
{
    (void)a;
    ((seen *)user)->delivered++;
}

static void on_command(const rm_command *c, void *user)
{
    if (c->type < RM_CMD_PING || c->type > RM_CMD_GET_STATUS)
        abort();
    ((seen *)user)->delivered++;
}

static void check_stats(const rm_decoder_stats *st)
{
    if (st->bytes_in != st->bytes_ok + st->bytes_discarded + st->bytes_pending)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_decoder *whole = NULL, *chunked = NULL;
    rm_decoder_stats a, b;
    seen sn = { 0 };
    rm_decoder_callbacks cb = {
        .on_frame = on_frame, .on_descriptor = on_descriptor,
        .on_status = on_status, .on_ack = on_ack, .on_command = on_command,
        .user = &sn,
    };

    if (size < 1)
        return 0;
    unsigned seed = data[0];
    data++, size--;
    if (rm_decoder_new(&cb, &whole, NULL) != RM_OK ||
        rm_decoder_new(NULL, &chunked, NULL) != RM_OK)
        abort();
    sn.dec = whole;
    rm_decoder_feed(whole, data, size);
    for (size_t i = 0; i < size;) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 16) % 64;
        if (n > size - i)
            n = size - i;
        rm_decoder_feed(chunked, data + i, n);
        i += n;
        rm_decoder_stats_get(chunked, &b);
        check_stats(&b);
    }
    rm_decoder_stats_get(whole, &a);
    rm_decoder_stats_get(chunked, &b);
    check_stats(&a);
    if (memcmp(&a, &b, sizeof a) != 0 || a.bytes_in != size ||
        sn.delivered != a.frames_ok)
        abort();
    rm_decoder_free(whole);
    rm_decoder_free(chunked);
    return 0;
}
