/*
 * The extension area of the 'rmap' chunk (format 1.1): fields added after
 * 1.0, each a record "u16 tag, u16 length, bytes", so that fields added
 * by different minor versions (or not yet known to this reader) can be
 * skipped one by one. Tags: docs/session-format.md, "Extension records".
 */
#include <string.h>

#include "session_internal.h"

/* Tags of the extension records; numbers are stored in files. */
enum {
    EXT_PERSON = 1, /* UTF-8, 0..RM_PERSON_MAX-1 bytes */
};

#define EXT_HDR 4u

static size_t person_len(const rm_session_meta *m)
{
    const char *nul = memchr(m->person, '\0', sizeof m->person);
    return nul ? (size_t)(nul - m->person) : sizeof m->person - 1;
}

uint32_t rm_rmap_ext_len(const rm_session_meta *m)
{
    size_t n = person_len(m);
    return n ? (uint32_t)(EXT_HDR + n) : 0u;
}

void rm_rmap_ext_encode(const rm_session_meta *m, uint8_t *p)
{
    size_t n = person_len(m);
    if (!n)
        return;
    p[0] = EXT_PERSON;
    p[1] = 0;
    p[2] = (uint8_t)n;
    p[3] = (uint8_t)(n >> 8);
    memcpy(p + EXT_HDR, m->person, n);
}

rm_status rm_rmap_ext_decode(const uint8_t *p, size_t len,
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
        }
        /* Other tags: fields of later versions, skipped. */
        p += EXT_HDR + n;
        len -= EXT_HDR + n;
    }
    return RM_OK;
}
