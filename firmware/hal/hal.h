/*
 * The thin hardware layer of the rev A board (ATmega328P, 16 MHz): HX711
 * clocking, encoder, clock, UART rings, EEPROM. Everything with a register
 * name lives in hal_avr.c; main.c connects this to the plain-C core.
 *
 * Pins (Arduino Uno names in brackets):
 *   HX711 DOUT cells 0-5   PB0..PB5 [D8..D13]
 *   HX711 DOUT cells 6-11  PC0..PC5 [A0..A5]
 *   HX711 PD_SCK (shared)  PD4 [D4]
 *   encoder A / B          PD2 / PD3 [D2 / D3] (INT0 / INT1)
 *   UART RX / TX           PD0 / PD1 [D0 / D1]
 *   frame-work marker      PD5 [D5] high while a conversion is handled
 *                          (for cycle measurements; harmless otherwise)
 */
#ifndef ROLLMAP_FW_HAL_H
#define ROLLMAP_FW_HAL_H

#include <stdint.h>

#include "config.h"

/* Set up pins, Timer1, UART, external interrupts. Interrupts stay off
 * until the caller enables them. */
void hal_init(void);

/* 1 when every HX711 has a conversion ready (all DOUT lines low). */
uint8_t hal_hx711_ready(void);

/* Clock 24 bits + 1 gain pulse (channel A, gain 128) into all cells at
 * once; raw[i] gets cell i's 24-bit reading, sign-extended. Interrupts
 * are masked around each clock-high phase only (HX711: high > 60 us
 * powers the chip down). */
void hal_hx711_read(int32_t *raw);

/* Encoder position (x4 quadrature counts) and impossible transitions,
 * read atomically. */
int32_t hal_encoder_count(void);
uint32_t hal_encoder_errors(void);

/* Board clock: microseconds (wraps at 2^32, 4 us resolution) and
 * milliseconds since power-up. */
uint32_t hal_micros(void);
uint32_t hal_millis(void);

/* One received byte, if any (RX interrupt -> ring -> main loop). */
uint8_t hal_uart_rx(uint8_t *byte);

/* Queue bytes for the TX interrupt: whole or nothing when droppable,
 * else wait for room. Returns 1 if queued. */
uint8_t hal_uart_send(const uint8_t *p, uint16_t n, uint8_t droppable);

/* EEPROM at offset 0. store writes only changed bytes and verifies. */
void hal_eeprom_load(uint8_t *p, uint16_t n);
uint8_t hal_eeprom_store(const uint8_t *p, uint16_t n);

/* The frame-work marker pin (PD5). */
void hal_mark(uint8_t on);

#endif /* ROLLMAP_FW_HAL_H */
