/*
 * COBS encode/decode of whole buffers. The streaming decoder (decoder.c)
 * unstuffs byte by byte with the same rules; these are used by the frame
 * encoders and by tests.
 *
 * Example: 11 22 00 33 -> 03 11 22 02 33 (each code byte counts the bytes
 * up to and including the next zero, which it replaces; 0xFF means 254
 * data bytes and no zero).
 */
#include "wire/cobs.h"

size_t rm_cobs_encode(const uint8_t *in, size_t len, uint8_t *out,
                      size_t cap)
{
    size_t code_pos = 0; /* where the open block's code byte goes */
    size_t w = 1;        /* next write position */
    uint8_t code = 1;    /* open block: data bytes so far + 1 */

    if (cap == 0)
        return 0;
    for (size_t r = 0; r < len; r++) {
        uint8_t b = in[r]; /* read before writing at r (in-place use) */
        if (b != 0) {
            if (w >= cap)
                return 0;
            out[w++] = b;
            code++;
        }
        /* A zero ends the block (the code byte stands for it); so do 254
         * data bytes (code 0xFF, no zero implied). A full block at the
         * very end opens no empty successor: the canonical form. */
        if (b == 0 || (code == 0xFF && r + 1 < len)) {
            out[code_pos] = code;
            if (w >= cap)
                return 0;
            code_pos = w++;
            code = 1;
        }
    }
    out[code_pos] = code;
    return w;
}

size_t rm_cobs_decode(const uint8_t *in, size_t len, uint8_t *out,
                      size_t cap)
{
    size_t r = 0, w = 0;

    if (len == 0)
        return (size_t)-1;
    while (r < len) {
        uint8_t code = in[r++];
        if (code == 0 || r + (size_t)(code - 1) > len)
            return (size_t)-1;
        for (uint8_t i = 1; i < code; i++) {
            uint8_t b = in[r++];
            if (b == 0 || w >= cap)
                return (size_t)-1;
            out[w++] = b;
        }
        /* A block shorter than 254 ends with an implied zero, except the
         * last block of the frame. */
        if (code != 0xFF && r < len) {
            if (w >= cap)
                return (size_t)-1;
            out[w++] = 0;
        }
    }
    return w;
}
