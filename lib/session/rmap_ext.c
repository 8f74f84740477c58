/*
 * The extension area of the 'rmap' chunk (format 1.1): fields added after
 * 1.0, each a record "u16 tag, u16 length, bytes", so that fields added
 * by different minor versions (or not yet known to this reader) can be
 * skipped one by one. Tags: docs/session-format.md, "Extension records".
 */
#include <math.h>
#include <string.h>

#include "session_internal.h"

/* Tags of the extension records; numbers are stored in files. */
enum {
    EXT_PERSON = 1,      /* 1.1: UTF-8, 0..RM_PERSON_MAX-1 bytes */
    EXT_CALF_LENGTH = 2, /* 1.2: u16 mm, 150..600 */
};

#define EXT_HDR 4u
#define CALF_LEN_BYTES 2u

uint16_t rm_calf_length_mm(double cm)
{
    return rm_calf_length_valid(cm) ? (uint16_t)lround(cm * 10.0) : 0u;
}

static size_t person_len(const rm_session_meta *m)
{
    const char *nul = memchr(m->person, '\0', sizeof m->person);
    return nul ? (size_t)(nul - m->person) : sizeof m->person - 1;
}

uint32_t rm_rmap_ext_len(const rm_session_meta *m)
{
    size_t n = person_len(m);
    uint32_t len = n ? (uint32_t)(EXT_HDR + n) : 0u;
    if (rm_calf_length_mm(m->calf_length_cm))
        len += EXT_HDR + CALF_LEN_BYTES;
    return len;
}

static uint8_t *put_hdr(uint8_t *p, unsigned tag, size_t n)
{
    p[0] = (uint8_t)tag;
    p[1] = (uint8_t)(tag >> 8);
    p[2] = (uint8_t)n;
    p[3] = (uint8_t)(n >> 8);
    return p + EXT_HDR;
}

/* Records in tag order; a writer leaves out an empty one. */
void rm_rmap_ext_encode(const rm_session_meta *m, uint8_t *p)
{
    size_t n = person_len(m);
    if (n) {
        p = put_hdr(p, EXT_PERSON, n);
        memcpy(p, m->person, n);
        p += n;
    }
    uint16_t mm = rm_calf_length_mm(m->calf_length_cm);
    if (mm) {
        p = put_hdr(p, EXT_CALF_LENGTH, CALF_LEN_BYTES);
        p[0] = (uint8_t)mm;
        p[1] = (uint8_t)(mm >> 8);
    }
}

static rm_status calf_length_decode(const uint8_t *v, size_t n,
                                    rm_session_meta *m, char *why,
                                    size_t why_len)
{
    unsigned mm = n == CALF_LEN_BYTES ? (unsigned)(v[0] | v[1] << 8) : 0u;
    double cm = mm / 10.0;
    if (n != CALF_LEN_BYTES || mm == 0 || !rm_calf_length_valid(cm))
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "'rmap' calf length record (%zu bytes, %u mm) is "
                          "not 2 bytes of %.0f..%.0f mm", n, mm,
                          RM_CALF_LENGTH_MIN_CM * 10.0,
                          RM_CALF_LENGTH_MAX_CM * 10.0);
    m->calf_length_cm = cm;
    return RM_OK;
}

rm_status rm_rmap_ext_decode(const uint8_t *p, size_t len, unsigned minor,
                             rm_session_meta *m, char *why, size_t why_len)
{
    while (len > 0) {
        if (len < EXT_HDR)
            return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                              "'rmap' extension record cut short");
        unsigned tag = (unsigned)(p[0] | p[1] << 8);
        size_t n = (size_t)(p[2] | p[3] << 8);
        if (n > len - EXT_HDR)
            return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                              "'rmap' extension record %u of %zu bytes "
                              "overruns the area", tag, n);
        const uint8_t *v = p + EXT_HDR;
        if (tag == EXT_PERSON) {
            if (n >= sizeof m->person || memchr(v, '\0', n))
                return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                                  "'rmap' person field of %zu bytes is too "
                                  "long or holds a NUL", n);
            memcpy(m->person, v, n);
            m->person[n] = '\0';
        } else if (tag == EXT_CALF_LENGTH && minor >= 2) {
            rm_status st = calf_length_decode(v, n, m, why, why_len);
            if (st != RM_OK)
                return st;
        }
        /* Other tags (or tags newer than the file's minor version): fields
         * of later versions, skipped. */
        p += EXT_HDR + n;
        len -= EXT_HDR + n;
    }
    return RM_OK;
}
