/*
 * libFuzzer target for the session metadata codec alone: rm_rmap_decode()
 * on the bytes of an untrusted 'rmap' chunk (docs/session-format.md).
 * Whatever it accepts must have terminated strings, a valid leg and calf
 * length, and
 * must encode and decode again to the same metadata. The first input byte
 * picks the mode: odd means "repair the CRC-32 first", so the fuzzer gets
 * past the checksum into the field checks (a CRC is no obstacle to an
 * attacker either). Far faster per input than fuzz_session, which must
 * first get through libsndfile's WAV parser.
 */
#include <stdlib.h>
#include <string.h>

#include "session/session_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rm_session_meta m, again;
    char why[200];
    if (size < 1)
        return 0;
    int repair = data[0] & 1;
    data++, size--;
    uint8_t *chunk = malloc(size ? size : 1);
    if (!chunk)
        return 0;
    memcpy(chunk, data, size);
    if (repair && size >= 12) {
        uint32_t total = get_u32(chunk + 8);
        if (total >= 4 && total <= size) {
            uint32_t crc = rm_crc32(chunk, total - 4);
            for (int i = 0; i < 4; i++)
                chunk[total - 4 + (uint32_t)i] = (uint8_t)(crc >> (8 * i));
        }
    }
    memset(&m, 0, sizeof m);
    rm_status st = rm_rmap_decode(chunk, size, &m, why, sizeof why);
    free(chunk);
    if (st != RM_OK) {
        if (st != RM_ERR_FORMAT && st != RM_ERR_UNSUPPORTED && st != RM_ERR_NOMEM)
            abort();
        if (!memchr(why, '\0', sizeof why))
            abort();
        return 0;
    }
    if (!memchr(m.notes, '\0', sizeof m.notes) ||
        !memchr(m.desc.firmware, '\0', sizeof m.desc.firmware) ||
        !memchr(m.desc.serial, '\0', sizeof m.desc.serial) ||
        m.desc.cells < 1 || m.desc.cells > RM_MAX_CELLS ||
        (unsigned)m.leg > RM_LEG_RIGHT ||
        !memchr(m.person, '\0', sizeof m.person) ||
        !rm_calf_length_valid(m.calf_length_cm))
        abort();
    /* Round trip: what was accepted is what gets written back. */
    size_t len = rm_rmap_encoded_len(&m);
    uint8_t *buf = malloc(len);
    if (!buf)
        return 0;
    if (rm_rmap_encode(&m, buf, len) != len)
        abort();
    memset(&again, 0, sizeof again);
    if (rm_rmap_decode(buf, len, &again, why, sizeof why) != RM_OK)
        abort();
    if (again.leg != m.leg || again.start_unix_us != m.start_unix_us ||
        strcmp(again.notes, m.notes) != 0 ||
        strcmp(again.person, m.person) != 0 ||
        again.calf_length_cm != m.calf_length_cm ||
        memcmp(&again.desc, &m.desc, sizeof m.desc) != 0)
        abort();
    free(buf);
    return 0;
}
