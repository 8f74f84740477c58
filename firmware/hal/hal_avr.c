/*
 * rev A hardware access for the ATmega328P at 16 MHz (pins in hal.h).
 * Interrupt handlers only capture: encoder steps, timer overflows, UART
 * bytes in and out. The main loop does everything else.
 */
#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/pgmspace.h>
#include <util/atomic.h>

#include "hal.h"
#include "ring.h"

#define SCK_BIT  PD4
#define MARK_BIT PD5
#define DOUT_B   0x3Fu /* PB0..PB5: cells 0-5 */
#define DOUT_C   0x3Fu /* PC0..PC5: cells 6-11 */

/* ---- clock: Timer1, prescaler 64 = 4 us per tick ------------------ */

static volatile uint32_t t1_overflows; /* ISR writes, main reads masked */

ISR(TIMER1_OVF_vect)
{
    t1_overflows++;
}

/* Overflow count and counter as one 48-bit tick value, read atomically:
 * an overflow pending but not yet serviced is added by hand. */
static void ticks(uint32_t *ovf, uint16_t *cnt)
{
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
        uint32_t o = t1_overflows;
        uint16_t c = TCNT1;
        if ((TIFR1 & _BV(TOV1)) && c < 0x8000u)
            o++;
        *ovf = o;
        *cnt = c;
    }
}

uint32_t hal_micros(void)
{
    uint32_t o;
    uint16_t c;
    ticks(&o, &c);
    /* (o * 65536 + c) * 4 us, modulo 2^32. */
    return (o << 18) + ((uint32_t)c << 2);
}

uint32_t hal_millis(void)
{
    uint32_t o;
    uint16_t c;
    ticks(&o, &c);
    /* One overflow is 262.144 ms: 262 ms + 144/1000 ms, kept in 32 bits
     * (exact to 1 ms, wraps after 2^32 ms = 49.7 days). */
    return o * 262u + (o * 144u) / 1000u + c / 250u;
}

/* ---- encoder: INT0/INT1 on any change, x4 quadrature -------------- */

static volatile int32_t enc_count;
static volatile uint32_t enc_errors;
static volatile uint8_t enc_prev;

/* Index (previous AB << 2 | current AB), A = PD2 = bit 0. Gray order
 * forward 00 -> 01 -> 11 -> 10 -> 00. 2 marks both lines changing. */
static const int8_t enc_step[16] PROGMEM = {
    0, +1, -1, 2,   -1, 0, 2, +1,   +1, 2, 0, -1,   2, -1, +1, 0,
};

ISR(INT0_vect)
{
    uint8_t cur = (uint8_t)((PIND >> PD2) & 3u);
    int8_t d = (int8_t)pgm_read_byte(&enc_step[(enc_prev << 2) | cur]);
    enc_prev = cur;
    if (d == 2)
        enc_errors++;
    else
        enc_count += d;
}

ISR(INT1_vect, ISR_ALIASOF(INT0_vect));

int32_t hal_encoder_count(void)
{
    int32_t v;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { v = enc_count; }
    return v;
}

uint32_t hal_encoder_errors(void)
{
    uint32_t v;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { v = enc_errors; }
    return v;
}

/* ---- UART: interrupt-driven rings ---------------------------------- */

static uint8_t tx_mem[FW_TX_RING];
static uint8_t rx_mem[FW_RX_RING];
static fw_ring tx; /* main fills, USART_UDRE drains */
static fw_ring rx; /* USART_RX fills, main drains */

ISR(USART_UDRE_vect)
{
    uint8_t b;
    if (fw_ring_get(&tx, &b))
        UDR0 = b;
    else
        UCSR0B &= (uint8_t)~_BV(UDRIE0); /* empty: stop until refilled */
}

ISR(USART_RX_vect)
{
    uint8_t b = UDR0;
    (void)fw_ring_put(&rx, b); /* full: byte lost, the CRC will tell */
}

uint8_t hal_uart_rx(uint8_t *byte)
{
    return fw_ring_get(&rx, byte);
}

uint8_t hal_uart_send(const uint8_t *p, uint16_t n, uint8_t droppable)
{
    if (n > FW_TX_RING - 1u)
        return 0;
    while (!fw_ring_put_frame(&tx, p, n)) {
        if (droppable)
            return 0;
        UCSR0B |= _BV(UDRIE0); /* make sure the ring drains while we wait */
    }
    UCSR0B |= _BV(UDRIE0);
    return 1;
}

/* ---- HX711 --------------------------------------------------------- */

uint8_t hal_hx711_ready(void)
{
    return (PINB & DOUT_B) == 0 && (PINC & DOUT_C) == 0;
}

/* One clock pulse; returns the two ports read while the clock is high
 * (DOUT is valid 0.1 us after the rising edge). About 0.4 us high. */
static inline uint16_t pulse(void)
{
    uint8_t b, c;
    uint8_t sreg = SREG;
    cli();
    PORTD |= _BV(SCK_BIT);
    __asm__ __volatile__("nop\n\tnop");
    b = PINB;
    c = PINC;
    PORTD &= (uint8_t)~_BV(SCK_BIT);
    SREG = sreg;
    return (uint16_t)((uint16_t)c << 8 | b);
}

/* Transpose 8 port samples (MSB first) into one byte for each of the six
 * cells on that port: bit i of p[k] is bit 7-k of cell i's byte. Six
 * 8-bit accumulators stay in registers: ~250 cycles for 8 samples. */
static void transpose8(const uint8_t *p, uint8_t *out)
{
    uint8_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0;
    for (uint8_t k = 0; k < 8; k++) {
        uint8_t v = p[k];
        a0 = (uint8_t)(a0 << 1) | (v & 1u); v >>= 1;
        a1 = (uint8_t)(a1 << 1) | (v & 1u); v >>= 1;
        a2 = (uint8_t)(a2 << 1) | (v & 1u); v >>= 1;
        a3 = (uint8_t)(a3 << 1) | (v & 1u); v >>= 1;
        a4 = (uint8_t)(a4 << 1) | (v & 1u); v >>= 1;
        a5 = (uint8_t)(a5 << 1) | (v & 1u);
    }
    out[0] = a0; out[1] = a1; out[2] = a2;
    out[3] = a3; out[4] = a4; out[5] = a5;
}

void hal_hx711_read(int32_t *raw)
{
    uint8_t pb[24], pc[24];
    uint8_t bytes[3][12]; /* [byte, MSB first][cell] */
    for (uint8_t k = 0; k < 24; k++) {
        uint16_t v = pulse();
        pb[k] = (uint8_t)v;
        pc[k] = (uint8_t)(v >> 8);
    }
    (void)pulse(); /* 25th pulse: channel A, gain 128 for the next one */

    for (uint8_t j = 0; j < 3; j++) {
        transpose8(pb + 8 * j, bytes[j]);
        transpose8(pc + 8 * j, bytes[j] + 6);
    }
    for (uint8_t i = 0; i < FW_CELLS; i++) {
        uint32_t u = ((uint32_t)bytes[0][i] << 16) |
                     ((uint16_t)bytes[1][i] << 8) | bytes[2][i];
        raw[i] = (int32_t)(u ^ 0x800000u) - 0x800000L; /* sign-extend */
    }
}

/* ---- EEPROM, marker, init ------------------------------------------ */

void hal_eeprom_load(uint8_t *p, uint16_t n)
{
    eeprom_read_block(p, (const void *)0, n);
}

uint8_t hal_eeprom_store(const uint8_t *p, uint16_t n)
{
    eeprom_update_block(p, (void *)0, n);
    for (uint16_t i = 0; i < n; i++)
        if (eeprom_read_byte((const uint8_t *)i) != p[i])
            return 0;
    return 1;
}

void hal_mark(uint8_t on)
{
    if (on)
        PORTD |= _BV(MARK_BIT);
    else
        PORTD &= (uint8_t)~_BV(MARK_BIT);
}

void hal_init(void)
{
    fw_ring_init(&tx, tx_mem, FW_TX_RING);
    fw_ring_init(&rx, rx_mem, FW_RX_RING);

    /* HX711 data lines: inputs without pull-ups (HX711 drives DOUT). */
    DDRB &= (uint8_t)~DOUT_B;
    PORTB &= (uint8_t)~DOUT_B;
    DDRC &= (uint8_t)~DOUT_C;
    PORTC &= (uint8_t)~DOUT_C;
    /* Clock low (a high clock powers the HX711s down), marker low. */
    PORTD &= (uint8_t)~(_BV(SCK_BIT) | _BV(MARK_BIT));
    DDRD |= _BV(SCK_BIT) | _BV(MARK_BIT);
    /* Encoder inputs without internal pull-ups: rev A has 4.7 kOhm
     * external ones (stiffer against noise on the cable than the ~35 kOhm
     * internal ones). simavr also reads a pin with its pull-up on as high
     * whenever PORTD is written, which would fake encoder edges at every
     * HX711 clock pulse (docs/firmware.md). */
    DDRD &= (uint8_t)~(_BV(PD2) | _BV(PD3));
    PORTD &= (uint8_t)~(_BV(PD2) | _BV(PD3));
    enc_prev = (uint8_t)((PIND >> PD2) & 3u);
    EICRA = _BV(ISC00) | _BV(ISC10); /* any logical change */
    EIFR = _BV(INTF0) | _BV(INTF1);
    EIMSK = _BV(INT0) | _BV(INT1);

    /* Timer1 free-running, /64: 4 us ticks, overflow every 262 ms. */
    TCCR1A = 0;
    TCCR1B = _BV(CS11) | _BV(CS10);
    TIMSK1 = _BV(TOIE1);

    /* UART 8N1, double speed: UBRR = F_CPU / (8 baud) - 1, rounded
     * (115200: 16, 2.1 % fast, as every Uno; 1000000: 1, exact). */
    UCSR0A = _BV(U2X0);
    UBRR0 = (uint16_t)((F_CPU + 4UL * FW_BAUD) / (8UL * FW_BAUD) - 1UL);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
}
