/*
 * Byte-at-a-time COBS unstuffing and CRC check (docs/protocol.md,
 * "Framing" and "Receiving"). Resynchronisation is free: every 0x00 ends
 * whatever frame was open, good or bad, so one corrupt byte costs at most
 * the frame it sits in (two if it destroys a delimiter).
 */
#include <string.h>

#include "wire/crc.h"
#include "wire/decoder.h"

void rm_deframer_init(rm_deframer *d, uint8_t *buf, size_t cap)
{
    memset(d, 0, sizeof *d);
    d->buf = buf;
    d->cap = cap;
}

void rm_deframer_reset(rm_deframer *d)
{
    d->len = 0;
    d->encoded = 0;
    d->block_left = 0;
    d->block_code = 0;
    d->overflow = 0;
}

static int finish(rm_deframer *d)
{
    int result;

    if (d->encoded == 0)
        result = RM_DEFRAME_EMPTY;
    else if (d->overflow)
        result = RM_DEFRAME_OVERSIZE;
    else if (d->block_left != 0)
        result = RM_DEFRAME_COBS;
    else if (d->len < 3)
        result = RM_DEFRAME_CRC; /* no room for a type byte and a CRC */
    else {
        /* CRC is stored little-endian after the bytes it covers. */
        size_t n = d->len - 2;
        uint16_t want = (uint16_t)(d->buf[n] | (d->buf[n + 1] << 8));
        if (rm_crc16(d->buf, n) == want) {
            d->len = n;
            result = RM_DEFRAME_FRAME;
        } else {
            result = RM_DEFRAME_CRC;
        }
    }
    /* Ready for the next frame; keep len for the caller on success. */
    size_t keep = result == RM_DEFRAME_FRAME ? d->len : 0;
    rm_deframer_reset(d);
    d->len = keep;
    return result;
}

int rm_deframer_push(rm_deframer *d, uint8_t byte)
{
    if (byte == 0)
        return finish(d);
    if (d->encoded == 0)
        d->len = 0; /* a new frame: the previous one's bytes are gone */
    d->encoded++;
    if (d->overflow)
        return RM_DEFRAME_MORE;
    if (d->encoded > d->cap) {
        d->overflow = 1;
        return RM_DEFRAME_MORE;
    }
    if (d->block_left == 0) {
        /* A code byte. The block before it (if any, and shorter than 254)
         * ended with a zero that the code byte stood for. */
        if (d->block_code != 0 && d->block_code != 0xFF)
            d->buf[d->len++] = 0;
        d->block_code = byte;
        d->block_left = (uint8_t)(byte - 1);
    } else {
        d->buf[d->len++] = byte;
        d->block_left--;
    }
    return RM_DEFRAME_MORE;
}
