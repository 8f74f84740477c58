/*
 * What the board core needs from the outside, bound at link time: main.c
 * implements these on the AVR, tests/unit/check_firmware.c with fakes.
 */
#ifndef ROLLMAP_FW_IO_H
#define ROLLMAP_FW_IO_H

#include <stdint.h>

#include "board.h"

/*
 * Queue a complete wire frame for sending. droppable = 1 (sample and
 * periodic status frames): queue it whole now or not at all, return 0 if
 * not. droppable = 0 (replies): wait for room; return 1.
 */
uint8_t fw_io_send(const uint8_t *frame, uint16_t len, uint8_t droppable);

/* Write calibration to non-volatile memory and verify; 1 on success. */
uint8_t fw_io_store_cal(const fw_cal *cal);

/* Impossible quadrature transitions seen by the encoder interrupt. */
uint32_t fw_io_encoder_errors(void);

#endif /* ROLLMAP_FW_IO_H */
