/*
 * CRC-16/CCITT-FALSE over the unencoded frame (docs/protocol.md, "Checksum").
 * Pure C shared by librollmap and the firmware; on AVR the table lives in
 * flash (PROGMEM) so it costs no RAM.
 */
#ifndef ROLLMAP_WIRE_CRC_H
#define ROLLMAP_WIRE_CRC_H

#include <stddef.h>
#include <stdint.h>

/* Polynomial 0x1021, init 0xFFFF, no reflection, no final xor.
 * Check value: CRC of the ASCII bytes "123456789" is 0x29B1. */
#define RM_CRC16_INIT 0xFFFFu

/* Continue a CRC over len bytes; start with crc = RM_CRC16_INIT. */
uint16_t rm_crc16_update(uint16_t crc, const uint8_t *data, size_t len);

/* One-shot CRC of data[0..len). */
uint16_t rm_crc16(const uint8_t *data, size_t len);

#endif /* ROLLMAP_WIRE_CRC_H */
