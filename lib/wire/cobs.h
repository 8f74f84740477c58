/*
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999): removes
 * every 0x00 from a frame so 0x00 can delimit frames on the wire. Pure C
 * shared by librollmap and the firmware (docs/protocol.md, "Framing").
 */
#ifndef ROLLMAP_WIRE_COBS_H
#define ROLLMAP_WIRE_COBS_H

#include <stddef.h>
#include <stdint.h>

/* Upper bound on the encoded size of n bytes: one code byte per started
 * run of 254 bytes. Encoded sizes: 0 -> 1, 51 -> 52, 254 -> 255, 255 -> 257
 * (the bound gives 1, 52, 256, 257). */
#define RM_COBS_MAX_ENCODED(n) ((n) + (n) / 254u + 1u)

/*
 * Encode in[0..len) into out (no delimiter added). Returns the encoded
 * length, or 0 if cap is too small. In-place use is allowed when
 * out + 1 == in and len <= 254 (the firmware saves a buffer that way):
 * the write position then never passes the read position.
 */
size_t rm_cobs_encode(const uint8_t *in, size_t len, uint8_t *out,
                      size_t cap);

/*
 * Decode one complete encoded frame in[0..len) (no delimiter) into out.
 * Returns the decoded length, or (size_t)-1 for invalid input (a 0x00
 * byte, a block running past the end, empty input) or when cap is too
 * small. out may equal in (decoding never grows the data).
 */
size_t rm_cobs_decode(const uint8_t *in, size_t len, uint8_t *out,
                      size_t cap);

#endif /* ROLLMAP_WIRE_COBS_H */
