/*
 * Single-producer, single-consumer byte ring for the UART. Transmit: the
 * main loop fills (fw_ring_put_frame, whole frames or nothing), the UDRE
 * interrupt drains (fw_ring_get). Receive: the RX interrupt fills, the
 * main loop drains. Each index is written by one side only and is one
 * byte, so reads and writes are atomic on the AVR without masking.
 */
#ifndef ROLLMAP_FW_RING_H
#define ROLLMAP_FW_RING_H

#include <stdint.h>

typedef struct fw_ring {
    volatile uint8_t head;  /* next write; written by the producer only */
    volatile uint8_t tail;  /* next read; written by the consumer only */
    uint8_t mask;           /* size - 1; size a power of two, <= 256 */
    uint8_t *buf;
} fw_ring;

/* size: power of two from 2 to 256. Holds size - 1 bytes. */
void fw_ring_init(fw_ring *r, uint8_t *buf, uint16_t size);
uint8_t fw_ring_used(const fw_ring *r);
uint8_t fw_ring_free(const fw_ring *r);
/* Producer: one byte; 0 if full. */
uint8_t fw_ring_put(fw_ring *r, uint8_t byte);
/* Producer: all n bytes, or none (returns 0) if they do not fit. */
uint8_t fw_ring_put_frame(fw_ring *r, const uint8_t *p, uint16_t n);
/* Consumer: one byte into *out; 0 if empty. */
uint8_t fw_ring_get(fw_ring *r, uint8_t *out);

#endif /* ROLLMAP_FW_RING_H */
