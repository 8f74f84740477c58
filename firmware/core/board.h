/*
 * The board's logic in plain C: command handling, calibration, tare,
 * rate decimation, sample and status frames. main.c feeds it received
 * bytes, ADC conversions and the clock; it answers through the hooks in
 * io.h. No register names here, so the host unit tests build it as is.
 */
#ifndef ROLLMAP_FW_BOARD_H
#define ROLLMAP_FW_BOARD_H

#include <stdint.h>

#include "config.h"
#include "wire/decoder.h"
#include "wire/frame.h"

/* Calibration as stored in EEPROM: binary32 bit patterns (the core never
 * does float arithmetic on them) and tares in counts. */
typedef struct fw_cal {
    uint32_t scale_bits[FW_CELLS];
    int32_t tare[FW_CELLS];
} fw_cal;

/* Longest frame the board sends: its descriptor. Payload + CRC, plus one
 * byte in front for in-place COBS and one for the delimiter. */
#define FW_DESC_LEN RM_WIRE_DESC_LEN(FW_CELLS, sizeof FW_FIRMWARE - 1, \
                                     sizeof FW_SERIAL - 1)
#define FW_FRAME_BUF (1u + FW_DESC_LEN + 2u + 1u)

typedef struct fw_board {
    uint8_t streaming;
    uint8_t cal_from_eeprom;
    uint8_t rate_div;         /* conversions averaged per sample (80/rate) */
    uint8_t div_count;        /* conversions summed into sum[] so far */
    uint8_t tare_left;        /* conversions still to average; 0: no tare */
    uint8_t tare_n;
    uint8_t tare_req;         /* request id to ack when the tare is done */
    uint32_t seq;             /* next sample's sequence number */
    uint32_t now_ms;
    uint32_t tare_since_ms;   /* last conversion seen during the tare */
    uint32_t last_status_ms;
    uint32_t last_read_us;    /* for overrun detection */
    uint8_t have_read;
    int32_t sum[FW_CELLS];
    int32_t tare_sum[FW_CELLS];
    fw_cal cal;
    /* STATUS counters (docs/protocol.md 4, 0x83). */
    uint32_t frames_sent, frames_dropped, adc_overruns, uart_overflows;
    uint32_t rx_errors;
    rm_deframer rx;
    uint8_t rx_buf[FW_RX_FRAME];
    uint8_t frame[FW_FRAME_BUF]; /* scratch: [0] COBS code, payload at 1 */
} fw_board;

/* Start idle at 80 Hz with @p stored calibration, or defaults if NULL. */
void fw_board_init(fw_board *b, const fw_cal *stored);

/* One received byte from the host. */
void fw_board_rx(fw_board *b, uint8_t byte);

/*
 * One conversion of every cell (raw 24-bit counts, sign-extended), found
 * ready at board time @p time_us with the encoder at @p encoder.
 */
void fw_board_conversion(fw_board *b, const int32_t *raw, int32_t encoder,
                         uint32_t time_us);

/* The clock: sends the periodic STATUS and ends a stalled TARE. */
void fw_board_tick(fw_board *b, uint32_t now_ms);


/* Calibration in non-volatile memory: magic "RM", cell count, fw_cal,
 * CRC-16 of all before it. FW_CAL_BLOB bytes. */
#define FW_CAL_BLOB (3u + sizeof(fw_cal) + 2u)
void fw_cal_pack(const fw_cal *cal, uint8_t *blob);
/* 1 and *cal filled if blob is a valid record for this board, else 0. */
uint8_t fw_cal_unpack(const uint8_t *blob, fw_cal *cal);

#endif /* ROLLMAP_FW_BOARD_H */
