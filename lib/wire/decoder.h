/*
 * The streaming deframer: bytes in, one checked frame out at each 0x00
 * delimiter. COBS is undone byte by byte into a caller-sized buffer and
 * the CRC-16 checked at the delimiter. Pure C shared by librollmap's
 * rm_decoder (host) and the firmware's command receiver (board).
 */
#ifndef ROLLMAP_WIRE_DECODER_H
#define ROLLMAP_WIRE_DECODER_H

#include <stddef.h>
#include <stdint.h>

/* What a byte completed; everything but RM_DEFRAME_MORE ends a frame. */
enum {
    RM_DEFRAME_MORE     = 0, /* byte taken, frame still open */
    RM_DEFRAME_FRAME    = 1, /* checked frame in buf[0..len) (CRC removed) */
    RM_DEFRAME_EMPTY    = 2, /* a 0x00 with no frame before it: idle fill */
    RM_DEFRAME_CRC      = 3, /* checksum mismatch (or under 3 bytes) */
    RM_DEFRAME_COBS     = 4, /* a block ran past the delimiter */
    RM_DEFRAME_OVERSIZE = 5, /* more than cap encoded bytes before 0x00 */
};

/*
 * State of one deframer. buf/cap are the caller's: cap bounds the encoded
 * length of a frame without its delimiter (and so the decoded length).
 * No field needs freeing; the struct may live anywhere (static in the
 * firmware, inside rm_decoder on the host).
 */
typedef struct rm_deframer {
    uint8_t *buf;
    size_t cap;
    size_t len;          /* decoded bytes so far / of the finished frame */
    size_t encoded;      /* encoded bytes of the open frame */
    uint8_t block_left;  /* data bytes left in the current COBS block */
    uint8_t block_code;  /* code byte of the current block (0: none yet) */
    uint8_t overflow;    /* frame exceeded cap: skipping to the delimiter */
} rm_deframer;

/* Start empty, at a frame boundary. */
void rm_deframer_init(rm_deframer *d, uint8_t *buf, size_t cap);

/* Drop the open frame, if any; the next byte starts a new one. */
void rm_deframer_reset(rm_deframer *d);

/* Take one byte; returns RM_DEFRAME_*. After RM_DEFRAME_FRAME the frame is
 * d->buf[0..d->len) until the next call. */
int rm_deframer_push(rm_deframer *d, uint8_t byte);

#endif /* ROLLMAP_WIRE_DECODER_H */
