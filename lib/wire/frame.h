/*
 * Frame layouts of protocol version 1 (docs/protocol.md, "Frames"): byte
 * helpers, payload builders and the command parser, with plain integer
 * arguments so the firmware uses them without librollmap's types. Host
 * code wraps them in wire_api.c (rm_frame, rm_descriptor, ...).
 */
#ifndef ROLLMAP_WIRE_FRAME_H
#define ROLLMAP_WIRE_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define RM_WIRE_PROTOCOL 1

/* Type byte, first byte of every frame. Same values as rm_wire_type in
 * rollmap.h (checked at compile time in wire_api.c). */
#define RM_WT_PING       0x01
#define RM_WT_IDENTIFY   0x02
#define RM_WT_START      0x03
#define RM_WT_STOP       0x04
#define RM_WT_TARE       0x05
#define RM_WT_SET_RATE   0x06
#define RM_WT_SET_CAL    0x07
#define RM_WT_STORE_CAL  0x08
#define RM_WT_GET_STATUS 0x09
#define RM_WT_ACK        0x80
#define RM_WT_SAMPLE     0x81
#define RM_WT_DESCRIPTOR 0x82
#define RM_WT_STATUS     0x83

/* Ack result byte (rm_ack_result). */
#define RM_WA_OK        0
#define RM_WA_UNKNOWN   1
#define RM_WA_BAD_ARG   2
#define RM_WA_BUSY      3
#define RM_WA_STORAGE   4
#define RM_WA_NO_SIGNAL 5

#define RM_WIRE_CELLS_MAX 32
#define RM_WIRE_TEXT_MAX 31   /* firmware and serial strings, bytes */

/* Payload lengths (type byte included, CRC excluded). */
#define RM_WIRE_SAMPLE_LEN(cells) (13u + 3u * (cells))
#define RM_WIRE_DESC_LEN(cells, fw_len, serial_len) \
    (23u + 8u * (cells) + 2u + (fw_len) + (serial_len))
#define RM_WIRE_DESC_MAX RM_WIRE_DESC_LEN(32u, 31u, 31u) /* 343 */
#define RM_WIRE_STATUS_LEN 31u
#define RM_WIRE_ACK_LEN 5u
#define RM_WIRE_CMD_MAX_LEN 11u  /* SET_CAL */

/* 24-bit signed range of a cell reading. */
#define RM_WIRE_I24_MIN (-8388608L)
#define RM_WIRE_I24_MAX 8388607L

/* Little-endian stores and loads: every multi-byte field is LE. */
void rm_wire_put_u16(uint8_t *p, uint16_t v);
void rm_wire_put_u32(uint8_t *p, uint32_t v);
void rm_wire_put_i24(uint8_t *p, int32_t v); /* low 24 bits */
uint16_t rm_wire_get_u16(const uint8_t *p);
uint32_t rm_wire_get_u32(const uint8_t *p);
int32_t rm_wire_get_i24(const uint8_t *p);   /* sign-extended */

/*
 * Turn payload buf[0..len) into a wire frame in out: appends the CRC at
 * buf[len], buf[len+1] (so buf needs len + 2 bytes), COBS-encodes and
 * adds the 0x00 delimiter. Returns the frame length, or 0 if a buffer is
 * too small. out == buf - 1 is allowed when len + 2 <= 254.
 */
size_t rm_wire_seal(uint8_t *buf, size_t len, uint8_t *out, size_t out_cap);

/* Sample payload: 13 + 3 * cells bytes into p. Readings are sent as their
 * low 24 bits; callers keep them in range. */
size_t rm_wire_sample_payload(uint8_t *p, uint32_t seq, uint32_t time_us,
                              int32_t encoder, const int32_t *cells,
                              uint8_t n_cells);

/* Ack payload: 5 bytes into p. */
size_t rm_wire_ack_payload(uint8_t *p, uint8_t request_id, uint8_t command,
                           uint8_t result);

/* Status payload: 31 bytes into p. counters[] in wire order: uptime_ms,
 * frames_sent, frames_dropped, adc_overruns, uart_overflows,
 * encoder_errors, rx_errors. */
#define RM_WIRE_STATUS_COUNTERS 7
size_t rm_wire_status_payload(uint8_t *p, uint8_t state, uint8_t flags,
                              const uint32_t *counters);

/* Descriptor payload, fixed part (geometry): 23 bytes into p; float
 * fields are IEEE-754 binary32 bit patterns. The per-cell part and the
 * strings follow (rm_wire_desc_cell, rm_wire_put_text). */
typedef struct rm_wire_geometry {
    uint8_t cells;
    uint32_t pitch_mm_bits, cell_area_mm2_bits, radius_mm_bits;
    uint32_t encoder_cpr;
    uint32_t rate_hz_bits;
} rm_wire_geometry;
size_t rm_wire_desc_head(uint8_t *p, const rm_wire_geometry *g);
size_t rm_wire_desc_cell(uint8_t *p, uint32_t scale_bits, int32_t tare);
/* Length byte then the bytes (at most RM_WIRE_TEXT_MAX, cut there). */
size_t rm_wire_put_text(uint8_t *p, const char *text);

/* A command as received (board side). */
typedef struct rm_wire_command {
    uint8_t type;
    uint8_t request_id;
    uint8_t tare_samples;
    uint8_t cell;
    uint16_t rate_hz;
    uint32_t scale_bits;  /* binary32 bit pattern */
    int32_t tare_counts;
} rm_wire_command;

/*
 * Parse a checked frame p[0..len) as a command. Returns RM_WA_OK, or
 * RM_WA_UNKNOWN (not a command type) or RM_WA_BAD_ARG (wrong length).
 * out->type and out->request_id are set whenever len >= 2, so a board
 * can address its nak. Values are not range-checked here.
 */
uint8_t rm_wire_command_parse(const uint8_t *p, size_t len,
                              rm_wire_command *out);

/* Command payload from a rm_wire_command; 0 for an unknown type. */
size_t rm_wire_command_payload(uint8_t *p, const rm_wire_command *c);

#endif /* ROLLMAP_WIRE_FRAME_H */
