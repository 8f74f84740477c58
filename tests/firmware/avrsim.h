/*
 * The rev A board in simavr: the real firmware ELF on a simulated
 * ATmega328P, with twelve virtual HX711s and a quadrature encoder driven
 * from a frame source, and the UART joined to the host through callbacks.
 * Used by test_firmware.c (in-process) and rm-simavr (pty/stdio bridge).
 */
#ifndef ROLLMAP_TESTS_AVRSIM_H
#define ROLLMAP_TESTS_AVRSIM_H

#include <stddef.h>
#include <stdint.h>

#define AVRSIM_CELLS 12

/* Next conversion's cell values (24-bit signed) and the encoder count the
 * board should read with it. Return 0 when the source has run dry (the
 * virtual ADCs then stop converting). */
typedef int (*avrsim_source_fn)(int32_t cells[AVRSIM_CELLS],
                                 int32_t *encoder, void *user);
/* A byte the firmware sent on its UART. */
typedef void (*avrsim_tx_fn)(uint8_t byte, void *user);

typedef struct avrsim avrsim;

typedef struct avrsim_stats {
    uint64_t conversions;      /* conversions the virtual ADCs made */
    uint64_t conversions_read; /* conversions clocked out by the firmware */
    uint64_t overruns;         /* conversions overwritten unread */
    uint64_t sck_too_long;     /* clock-high phases over 60 us */
    uint64_t sck_max_high_cycles;
    uint64_t bad_pulse_count;  /* reads with other than 25 pulses */
    uint64_t encoder_steps;
    uint64_t encoder_clamped;  /* frames whose encoder step did not fit */
    uint64_t frame_work_n;     /* marker pin (PD5) high phases */
    uint64_t frame_work_min, frame_work_max, frame_work_sum; /* cycles */
    uint64_t tx_bytes, rx_bytes;
    uint64_t stack_max_bytes;  /* deepest stack seen (RAMEND - lowest SP) */
} avrsim_stats;

/*
 * Load @p elf_path. period_cycles: cycles between conversions (200000 =
 * 80 Hz at 16 MHz). Returns NULL with a message in err on failure.
 */
avrsim *avrsim_new(const char *elf_path, uint64_t period_cycles,
                   avrsim_source_fn src, avrsim_tx_fn tx, void *user,
                   char *err, size_t err_len);
void avrsim_free(avrsim *s);

/* Queue bytes for the firmware's UART receiver. */
void avrsim_send(avrsim *s, const uint8_t *p, size_t n);

/* Run until the simulated clock has advanced by @p cycles. Returns 0, or
 * -1 if the simulated CPU crashed or stopped. */
int avrsim_run(avrsim *s, uint64_t cycles);

uint64_t avrsim_cycle(const avrsim *s);
void avrsim_get_stats(const avrsim *s, avrsim_stats *out);
/* Whether .data reached RAM: 1 if the firmware's initialised data in SRAM
 * matches the ELF's .data image after start-up. */
int avrsim_data_ok(const avrsim *s);

#endif /* ROLLMAP_TESTS_AVRSIM_H */
