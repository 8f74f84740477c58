/*
 * The UART byte rings (see ring.h for who fills and who drains). The
 * producer writes the byte first and publishes it by moving head; the
 * consumer reads the byte before moving tail, so neither ever sees a
 * half-written slot.
 */
#include "ring.h"

void fw_ring_init(fw_ring *r, uint8_t *buf, uint16_t size)
{
    r->head = 0;
    r->tail = 0;
    r->mask = (uint8_t)(size - 1u);
    r->buf = buf;
}

uint8_t fw_ring_used(const fw_ring *r)
{
    return (uint8_t)((uint8_t)(r->head - r->tail) & r->mask);
}

uint8_t fw_ring_free(const fw_ring *r)
{
    return (uint8_t)(r->mask - fw_ring_used(r));
}

uint8_t fw_ring_put(fw_ring *r, uint8_t byte)
{
    uint8_t h = r->head;
    uint8_t next = (uint8_t)((h + 1u) & r->mask);
    if (next == r->tail)
        return 0;
    r->buf[h] = byte;
    r->head = next;
    return 1;
}

uint8_t fw_ring_put_frame(fw_ring *r, const uint8_t *p, uint16_t n)
{
    if (n > fw_ring_free(r))
        return 0;
    uint8_t h = r->head;
    for (uint16_t i = 0; i < n; i++) {
        r->buf[h] = p[i];
        h = (uint8_t)((h + 1u) & r->mask);
    }
    r->head = h; /* publish the whole frame at once */
    return 1;
}

uint8_t fw_ring_get(fw_ring *r, uint8_t *out)
{
    uint8_t t = r->tail;
    if (t == r->head)
        return 0;
    *out = r->buf[t];
    r->tail = (uint8_t)((t + 1u) & r->mask);
    return 1;
}
