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
#define RM_SESSION_VERSION_MINOR 2u

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

/* Extension area (format 1.1, rmap_ext.c): bytes it takes for @p m,
 * writing it at @p p, and reading it back (unknown records skipped; a
 * record newer than the file's minor version too). */
uint32_t rm_rmap_ext_len(const rm_session_meta *m);
void rm_rmap_ext_encode(const rm_session_meta *m, uint8_t *p);
rm_status rm_rmap_ext_decode(const uint8_t *p, size_t len, unsigned minor,
                             rm_session_meta *m, char *why, size_t why_len);

/* The measured calf length as stored (format 1.2, calf_length.c): whole
 * mm, 0 for none or for a value rm_calf_length_valid() refuses. */
uint16_t rm_calf_length_mm(double cm);

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

/*
 * A session's span from the board clock (docs/session-format.md,
 * "Duration and start"): frames go in one by one in file order, and
 * duration and frames lost come out. A frame whose sequence number and
 * board time do not step together (|dt - ds x period| over half of
 * ds x period plus 100 ms, or either going backwards) is held until the
 * next frame decides: if that one follows on from the frame before, the
 * held frame was a lone glitch (it counts as a frame, nothing else); if
 * it follows on from the held frame, the jump was real (a gap, a long
 * stall, or a restart when time or sequence went backwards).
 */
typedef struct rm_span {
    double period_us;        /* 1e6 / descriptor rate */
    int state;               /* 0 nothing yet, 1 anchored, 2 holding */
    int anchor_alone;        /* only the first frame accepted so far */
    uint32_t seq, t_us;      /* last accepted frame */
    uint32_t held_seq, held_t_us;
    double sum_us;           /* accepted time steps */
    uint64_t lost;           /* frames lost in confirmed gaps */
    uint64_t glitches;       /* lone outliers ignored */
    uint64_t restarts;       /* confirmed backward jumps */
} rm_span;

void rm_span_init(rm_span *sp, double rate_hz);
void rm_span_add(rm_span *sp, uint32_t seq, uint32_t t_us);
/* Seconds from the first frame to one period past the last. */
double rm_span_duration_s(const rm_span *sp);

/* Does the open file look like a session whose 'rmap' chunk was
 * stripped (restore.c)? Reads a few frames and seeks back to the start.
 * Takes libsndfile types, so only files that include <sndfile.h>. */
#ifdef SNDFILE_1
int rm_session_looks_stripped(SNDFILE *sf, const SF_INFO *info);
#endif

/* riffcheck.c: RM_ERR_FORMAT (and why) for a chunk list libsndfile must
 * not be given (a LIST part longer than its LIST); RM_OK otherwise. */
rm_status rm_riff_check(int fd, char *why, size_t why_len);

#endif /* ROLLMAP_SESSION_SESSION_INTERNAL_H */
