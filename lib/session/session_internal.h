/*
 * Private to lib/session/: the 'rmap' metadata chunk codec and the helpers
 * writer.c and reader.c share (sequence gaps, channel layout).
 * Byte layout of the chunk: docs/session-format.md.
 */
#ifndef ROLLMAP_SESSION_SESSION_INTERNAL_H
#define ROLLMAP_SESSION_SESSION_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Format version this library writes and the newest major it reads. */
#define RM_SESSION_VERSION_MAJOR 1u
#define RM_SESSION_VERSION_MINOR 0u

/* Size of the fixed part of the 'rmap' chunk (offsets 0..55). */
#define RM_RMAP_FIXED_LEN 56u
/* Largest chunk a reader accepts: fixed part, 32 cells, longest strings,
 * a 64 KiB extension area, padding and CRC. Anything bigger is corrupt. */
#define RM_RMAP_MAX_LEN (RM_RMAP_FIXED_LEN + 8u * RM_MAX_CELLS + 31u + 31u + \
                         (RM_NOTES_MAX - 1u) + 65535u + 3u + 4u)

/* Extra channels after the cells: encoder, board time_us, sequence. */
#define RM_SESSION_EXTRA_CHANNELS 3u

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320, init and xorout ~0: the
 * zlib/PNG crc32). crc32("123456789") = 0xCBF43926. */
uint32_t rm_crc32(const void *data, size_t len);

/* Bytes rm_rmap_encode() needs for @p m (notes/strings cut to their limits). */
size_t rm_rmap_encoded_len(const rm_session_meta *m);

/* Encode @p m as a v1.0 chunk into @p buf (cap >= rm_rmap_encoded_len).
 * Does not judge the descriptor (the writer checks it first), so tests can
 * build absurd ones. @return bytes written, 0 if cap is too small. */
size_t rm_rmap_encode(const rm_session_meta *m, uint8_t *buf, size_t cap);

/* Decode and validate a chunk read from an untrusted file. On failure
 * returns RM_ERR_FORMAT or RM_ERR_UNSUPPORTED with the reason in @p why. */
rm_status rm_rmap_decode(const uint8_t *buf, size_t len, rm_session_meta *m,
                         char *why, size_t why_len);

/*
 * Frames lost between two consecutive sequence numbers, modulo 2^32.
 * Forward jumps of 1..2^31 count d-1 lost frames; a repeat (d = 0) or a
 * backward jump (d > 2^31: board restarted) loses nothing we can count.
 * Example: prev 0xFFFFFFFE, seq 1 -> d = 3 -> 2 lost (0xFFFFFFFF, 0).
 */
static inline uint32_t rm_seq_lost(uint32_t prev, uint32_t seq)
{
    uint32_t d = seq - prev;
    return (d == 0 || d > 0x80000000u) ? 0 : d - 1;
}

/* riffcheck.c: RM_ERR_FORMAT (and why) for a chunk list libsndfile must
 * not be given (a LIST part longer than its LIST); RM_OK otherwise. */
rm_status rm_riff_check(int fd, char *why, size_t why_len);

#endif /* ROLLMAP_SESSION_SESSION_INTERNAL_H */
