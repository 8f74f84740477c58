/*
 * Byte layouts of every frame type, protocol version 1. Builders write a
 * payload (type byte first); rm_wire_seal() adds CRC, COBS and the
 * delimiter. Shared by the firmware (frames out, commands in) and the
 * host (wire_api.c). Field order and sizes: docs/protocol.md, "Frames".
 */
#include <string.h>

#include "wire/cobs.h"
#include "wire/crc.h"
#include "wire/frame.h"

void rm_wire_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void rm_wire_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void rm_wire_put_i24(uint8_t *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    p[0] = (uint8_t)u;
    p[1] = (uint8_t)(u >> 8);
    p[2] = (uint8_t)(u >> 16);
}

uint16_t rm_wire_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | ((uint16_t)p[1] << 8));
}

uint32_t rm_wire_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/* Example: bytes 00 00 80 -> 0x800000 -> -8388608; FF FF 7F -> 8388607. */
int32_t rm_wire_get_i24(const uint8_t *p)
{
    uint32_t u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
                 ((uint32_t)p[2] << 16);
    if (u & 0x800000u)
        return (int32_t)u - 0x1000000L; /* two's complement of 24 bits */
    return (int32_t)u;
}

size_t rm_wire_seal(uint8_t *buf, size_t len, uint8_t *out, size_t out_cap)
{
    uint16_t crc = rm_crc16(buf, len);
    size_t n;

    rm_wire_put_u16(buf + len, crc);
    if (out_cap < 2)
        return 0;
    n = rm_cobs_encode(buf, len + 2, out, out_cap - 1);
    if (n == 0)
        return 0;
    out[n] = 0x00;
    return n + 1;
}

size_t rm_wire_sample_payload(uint8_t *p, uint32_t seq, uint32_t time_us,
                              int32_t encoder, const int32_t *cells,
                              uint8_t n_cells)
{
    uint8_t *q = p + 13;

    p[0] = RM_WT_SAMPLE;
    rm_wire_put_u32(p + 1, seq);
    rm_wire_put_u32(p + 5, time_us);
    rm_wire_put_u32(p + 9, (uint32_t)encoder);
    for (uint8_t i = 0; i < n_cells; i++, q += 3)
        rm_wire_put_i24(q, cells[i]);
    return (size_t)(q - p);
}

size_t rm_wire_ack_payload(uint8_t *p, uint8_t request_id, uint8_t command,
                           uint8_t result)
{
    p[0] = RM_WT_ACK;
    p[1] = request_id;
    p[2] = command;
    p[3] = result;
    p[4] = RM_WIRE_PROTOCOL;
    return RM_WIRE_ACK_LEN;
}

size_t rm_wire_status_payload(uint8_t *p, uint8_t state, uint8_t flags,
                              const uint32_t *counters)
{
    p[0] = RM_WT_STATUS;
    p[1] = state;
    p[2] = flags;
    for (unsigned i = 0; i < RM_WIRE_STATUS_COUNTERS; i++)
        rm_wire_put_u32(p + 3 + 4 * i, counters[i]);
    return RM_WIRE_STATUS_LEN;
}

size_t rm_wire_desc_head(uint8_t *p, const rm_wire_geometry *g)
{
    p[0] = RM_WT_DESCRIPTOR;
    p[1] = RM_WIRE_PROTOCOL;
    p[2] = g->cells;
    rm_wire_put_u32(p + 3, g->pitch_mm_bits);
    rm_wire_put_u32(p + 7, g->cell_area_mm2_bits);
    rm_wire_put_u32(p + 11, g->radius_mm_bits);
    rm_wire_put_u32(p + 15, g->encoder_cpr);
    rm_wire_put_u32(p + 19, g->rate_hz_bits);
    return 23;
}

size_t rm_wire_desc_cell(uint8_t *p, uint32_t scale_bits, int32_t tare)
{
    rm_wire_put_u32(p, scale_bits);
    rm_wire_put_u32(p + 4, (uint32_t)tare);
    return 8;
}

size_t rm_wire_put_text(uint8_t *p, const char *text)
{
    size_t n = 0;
    while (n < RM_WIRE_TEXT_MAX && text[n] != '\0')
        n++;
    p[0] = (uint8_t)n;
    memcpy(p + 1, text, n);
    return n + 1;
}

/* Payload length after the request id for each command type, or -1. */
static int command_args_len(uint8_t type)
{
    switch (type) {
    case RM_WT_PING:
    case RM_WT_IDENTIFY:
    case RM_WT_START:
    case RM_WT_STOP:
    case RM_WT_STORE_CAL:
    case RM_WT_GET_STATUS:
        return 0;
    case RM_WT_TARE:
        return 1; /* conversions to average */
    case RM_WT_SET_RATE:
        return 2; /* rate_hz u16 */
    case RM_WT_SET_CAL:
        return 9; /* cell u8, scale f32, tare i32 */
    default:
        return -1;
    }
}

uint8_t rm_wire_command_parse(const uint8_t *p, size_t len,
                              rm_wire_command *out)
{
    memset(out, 0, sizeof *out);
    if (len >= 1)
        out->type = p[0];
    if (len >= 2)
        out->request_id = p[1];
    int args = len >= 1 ? command_args_len(p[0]) : -1;
    if (args < 0)
        return RM_WA_UNKNOWN;
    if (len != 2u + (size_t)args)
        return RM_WA_BAD_ARG;
    switch (p[0]) {
    case RM_WT_TARE:
        out->tare_samples = p[2];
        break;
    case RM_WT_SET_RATE:
        out->rate_hz = rm_wire_get_u16(p + 2);
        break;
    case RM_WT_SET_CAL:
        out->cell = p[2];
        out->scale_bits = rm_wire_get_u32(p + 3);
        out->tare_counts = (int32_t)rm_wire_get_u32(p + 7);
        break;
    default:
        break;
    }
    return RM_WA_OK;
}

size_t rm_wire_command_payload(uint8_t *p, const rm_wire_command *c)
{
    int args = command_args_len(c->type);
    if (args < 0)
        return 0;
    p[0] = c->type;
    p[1] = c->request_id;
    switch (c->type) {
    case RM_WT_TARE:
        p[2] = c->tare_samples;
        break;
    case RM_WT_SET_RATE:
        rm_wire_put_u16(p + 2, c->rate_hz);
        break;
    case RM_WT_SET_CAL:
        p[2] = c->cell;
        rm_wire_put_u32(p + 3, c->scale_bits);
        rm_wire_put_u32(p + 7, (uint32_t)c->tare_counts);
        break;
    default:
        break;
    }
    return 2u + (size_t)args;
}
