/*
 * The 'rmap' RIFF chunk: session metadata (descriptor, leg, start time,
 * notes) as little-endian bytes with a CRC-32, written by writer.c and
 * checked by reader.c. Byte-for-byte layout: docs/session-format.md.
 */
#include <math.h>
#include <string.h>

#include "session_internal.h"

uint32_t rm_crc32(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t crc = 0xFFFFFFFFu;
    /* Bitwise: the chunk is at most a few kB and read once per open. */
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_f32(uint8_t *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, sizeof v); /* IEEE-754 binary32 bit pattern */
    put_u32(p, v);
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static float get_f32(const uint8_t *p)
{
    uint32_t v = get_u32(p);
    float f;
    memcpy(&f, &v, sizeof f);
    return f;
}

/* Length of a NUL-terminated string in a fixed buffer, capped at cap-1. */
static size_t bounded_len(const char *s, size_t cap)
{
    const char *nul = memchr(s, '\0', cap);
    return nul ? (size_t)(nul - s) : cap - 1;
}

struct lens {
    uint32_t cells, fw, sn, notes, ext, total;
};

static struct lens lens_of(const rm_session_meta *m)
{
    struct lens l;
    l.cells = m->desc.cells > RM_MAX_CELLS ? RM_MAX_CELLS : m->desc.cells;
    l.fw = (uint32_t)bounded_len(m->desc.firmware, sizeof m->desc.firmware);
    l.sn = (uint32_t)bounded_len(m->desc.serial, sizeof m->desc.serial);
    l.notes = (uint32_t)bounded_len(m->notes, sizeof m->notes);
    l.ext = rm_rmap_ext_len(m);
    uint32_t body = RM_RMAP_FIXED_LEN + 8u * l.cells + l.fw + l.sn + l.notes +
                    l.ext;
    l.total = ((body + 3u) & ~3u) + 4u; /* pad to 4, then the CRC */
    return l;
}

size_t rm_rmap_encoded_len(const rm_session_meta *m)
{
    return lens_of(m).total;
}

size_t rm_rmap_encode(const rm_session_meta *m, uint8_t *buf, size_t cap)
{
    struct lens l = lens_of(m);
    if (cap < l.total)
        return 0;
    memset(buf, 0, l.total);
    memcpy(buf, "RMAP", 4);
    put_u16(buf + 4, RM_SESSION_VERSION_MAJOR);
    put_u16(buf + 6, RM_SESSION_VERSION_MINOR);
    put_u32(buf + 8, l.total);
    put_u32(buf + 12, m->desc.cells);
    put_f32(buf + 16, m->desc.pitch_mm);
    put_f32(buf + 20, m->desc.cell_area_mm2);
    put_f32(buf + 24, m->desc.radius_mm);
    put_u32(buf + 28, m->desc.encoder_cpr);
    put_f32(buf + 32, m->desc.rate_hz);
    put_u32(buf + 36, (uint32_t)m->leg);
    put_u64(buf + 40, (uint64_t)m->start_unix_us);
    put_u16(buf + 48, (uint16_t)l.fw);
    put_u16(buf + 50, (uint16_t)l.sn);
    put_u16(buf + 52, (uint16_t)l.notes);
    put_u16(buf + 54, (uint16_t)l.ext); /* extension area (1.1) */
    uint8_t *p = buf + RM_RMAP_FIXED_LEN;
    for (uint32_t i = 0; i < l.cells; i++, p += 4)
        put_f32(p, m->desc.scale_n_per_count[i]);
    for (uint32_t i = 0; i < l.cells; i++, p += 4)
        put_u32(p, (uint32_t)m->desc.tare_counts[i]);
    memcpy(p, m->desc.firmware, l.fw);
    p += l.fw;
    memcpy(p, m->desc.serial, l.sn);
    p += l.sn;
    memcpy(p, m->notes, l.notes);
    rm_rmap_ext_encode(m, p + l.notes);
    put_u32(buf + l.total - 4, rm_crc32(buf, l.total - 4));
    return l.total;
}

/* Copy a length-prefixed text field; embedded NULs are refused because
 * the C struct could not represent them. */
static int copy_text(char *dst, const uint8_t *src, size_t len)
{
    if (memchr(src, '\0', len))
        return -1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

rm_status rm_rmap_decode(const uint8_t *buf, size_t len, rm_session_meta *m,
                         char *why, size_t why_len)
{
    /* Magic, version, payload length and the trailing CRC keep their
     * places in every version, so any reader can tell "corrupt" from
     * "newer". */
    if (len < 12 || memcmp(buf, "RMAP", 4) != 0)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "'rmap' chunk has no RMAP signature");
    uint32_t total = get_u32(buf + 8);
    if (total < RM_RMAP_FIXED_LEN + 4 || total > len || total % 4 != 0)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "'rmap' chunk length %u does not fit the %zu "
                          "bytes present", total, len);
    uint32_t crc = get_u32(buf + total - 4);
    if (rm_crc32(buf, total - 4) != crc)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "'rmap' chunk CRC mismatch: metadata corrupt");
    uint16_t major = get_u16(buf + 4), minor = get_u16(buf + 6);
    if (major != RM_SESSION_VERSION_MAJOR)
        return rm_msg_set(why, why_len,
                          major > RM_SESSION_VERSION_MAJOR ?
                              RM_ERR_UNSUPPORTED : RM_ERR_FORMAT,
                          "session format version %u.%u (this library "
                          "reads %u.x)", major, minor,
                          RM_SESSION_VERSION_MAJOR);

    memset(m, 0, sizeof *m);
    m->format_version = major;
    rm_descriptor *d = &m->desc;
    d->cells = get_u32(buf + 12);
    d->pitch_mm = get_f32(buf + 16);
    d->cell_area_mm2 = get_f32(buf + 20);
    d->radius_mm = get_f32(buf + 24);
    d->encoder_cpr = get_u32(buf + 28);
    d->rate_hz = get_f32(buf + 32);
    uint32_t leg = get_u32(buf + 36);
    m->start_unix_us = (int64_t)get_u64(buf + 40);
    uint32_t fw = get_u16(buf + 48), sn = get_u16(buf + 50);
    uint32_t notes = get_u16(buf + 52), ext = get_u16(buf + 54);

    if (d->cells < 1 || d->cells > RM_MAX_CELLS)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "cell count %u outside 1..%d", d->cells,
                          RM_MAX_CELLS);
    if (fw >= sizeof d->firmware || sn >= sizeof d->serial ||
        notes >= RM_NOTES_MAX)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "'rmap' text field too long (firmware %u, serial "
                          "%u, notes %u bytes)", fw, sn, notes);
    uint32_t body = RM_RMAP_FIXED_LEN + 8u * d->cells + fw + sn + notes + ext;
    /* The body, 0..3 bytes of padding, then the CRC. */
    if (body + 4 > total || total - 4 - body > 3)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "'rmap' field lengths (%u bytes) disagree with "
                          "the chunk length %u", body, total);
    if (leg > RM_LEG_RIGHT)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "leg code %u is not 0, 1 or 2", leg);
    m->leg = (rm_leg)leg;

    const uint8_t *p = buf + RM_RMAP_FIXED_LEN;
    for (uint32_t i = 0; i < d->cells; i++, p += 4)
        d->scale_n_per_count[i] = get_f32(p);
    for (uint32_t i = 0; i < d->cells; i++, p += 4)
        d->tare_counts[i] = (int32_t)get_u32(p);
    if (copy_text(d->firmware, p, fw) || copy_text(d->serial, p + fw, sn) ||
        copy_text(m->notes, p + fw + sn, notes))
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "'rmap' text field contains a NUL byte");
    /* p + fw + sn + notes .. + ext: 1.0 reserved the area, 1.1 made it
     * records (rmap_ext.c); a 1.0 file's area is never interpreted. */
    if (minor >= 1)
        return rm_rmap_ext_decode(p + fw + sn + notes, ext, minor, m, why,
                                  why_len);
    return RM_OK;
}
