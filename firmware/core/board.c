/*
 * Board logic (docs/protocol.md sections 5 and 6): turns commands into
 * state changes and replies, conversions into sample frames. Every frame
 * is built in b->frame (payload at offset 1) and sealed in place, so the
 * board needs one frame buffer for everything it sends.
 */
#include <string.h>

#include "board.h"
#include "io.h"
#include "wire/crc.h"

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

void fw_board_init(fw_board *b, const fw_cal *stored)
{
    memset(b, 0, sizeof *b);
    b->rate_div = 1;
    if (stored) {
        b->cal = *stored;
        b->cal_from_eeprom = 1;
    } else {
        uint32_t one = float_bits(FW_DEFAULT_SCALE);
        for (uint8_t i = 0; i < FW_CELLS; i++)
            b->cal.scale_bits[i] = one;
    }
    rm_deframer_init(&b->rx, b->rx_buf, sizeof b->rx_buf);
}

/* Seal payload b->frame[1..1+len) and hand it to the UART queue. */
static uint8_t send(fw_board *b, uint16_t len, uint8_t droppable)
{
    uint16_t n = (uint16_t)rm_wire_seal(b->frame + 1, len, b->frame,
                                        sizeof b->frame);
    if (n == 0)
        return 0; /* cannot happen: the buffer fits the descriptor */
    if (fw_io_send(b->frame, n, droppable))
        return 1;
    b->uart_overflows += n;
    return 0;
}

static void send_ack(fw_board *b, uint8_t req, uint8_t cmd, uint8_t result)
{
    send(b, (uint16_t)rm_wire_ack_payload(b->frame + 1, req, cmd, result), 0);
}

static void send_status(fw_board *b, uint8_t droppable)
{
    uint32_t c[RM_WIRE_STATUS_COUNTERS] = {
        b->now_ms,         b->frames_sent,    b->frames_dropped,
        b->adc_overruns,   b->uart_overflows, fw_io_encoder_errors(),
        b->rx_errors,
    };
    uint8_t state = b->streaming ? 1 : 0;
    send(b, (uint16_t)rm_wire_status_payload(b->frame + 1, state,
                                             b->cal_from_eeprom, c),
         droppable);
}

static void send_descriptor(fw_board *b)
{
    uint8_t *p = b->frame + 1;
    rm_wire_geometry g;
    g.cells = FW_CELLS;
    g.pitch_mm_bits = float_bits(FW_PITCH_MM);
    g.cell_area_mm2_bits = float_bits(FW_CELL_AREA_MM2);
    g.radius_mm_bits = float_bits(FW_RADIUS_MM);
    g.encoder_cpr = FW_ENCODER_CPR;
    /* Nominal rate: 1e6 / (ADC period in us x conversions per sample). */
    g.rate_hz_bits = float_bits(1e6f / (float)((uint32_t)FW_ADC_PERIOD_US *
                                                b->rate_div));
    uint16_t n = (uint16_t)rm_wire_desc_head(p, &g);
    for (uint8_t i = 0; i < FW_CELLS; i++)
        n += (uint16_t)rm_wire_desc_cell(p + n, b->cal.scale_bits[i],
                                         b->cal.tare[i]);
    n += (uint16_t)rm_wire_put_text(p + n, FW_FIRMWARE);
    n += (uint16_t)rm_wire_put_text(p + n, FW_SERIAL);
    send(b, n, 0);
}

/* Zero, NaN and infinity are no use as a scale. */
static uint8_t scale_usable(uint32_t bits)
{
    return (bits & 0x7FFFFFFFu) != 0 && ((bits >> 23) & 0xFFu) != 0xFFu;
}

/* Rates that divide the ADC's 80 Hz, 10 Hz and up. */
static uint8_t rate_divisor(uint16_t rate_hz)
{
    if (rate_hz < 10 || rate_hz > FW_ADC_RATE_HZ ||
        FW_ADC_RATE_HZ % rate_hz != 0)
        return 0;
    return (uint8_t)(FW_ADC_RATE_HZ / rate_hz);
}

static void command(fw_board *b, const uint8_t *p, uint16_t len)
{
    rm_wire_command c;
    uint8_t r = rm_wire_command_parse(p, len, &c);

    if (len < 2) { /* no request id: nobody to answer */
        b->rx_errors++;
        return;
    }
    if (r != RM_WA_OK) {
        if (r == RM_WA_BAD_ARG)
            b->rx_errors++;
        send_ack(b, c.request_id, c.type, r);
        return;
    }
    switch (c.type) {
    case RM_WT_PING:
        break;
    case RM_WT_IDENTIFY:
        send_descriptor(b);
        break;
    case RM_WT_START:
        b->seq = 0;
        b->div_count = 0;
        b->have_read = 0;
        b->streaming = 1;
        break;
    case RM_WT_STOP:
        b->streaming = 0;
        send_status(b, 0);
        break;
    case RM_WT_TARE:
        b->tare_n = c.tare_samples ? c.tare_samples : FW_TARE_DEFAULT;
        b->tare_left = b->tare_n;
        b->tare_req = c.request_id;
        b->tare_since_ms = b->now_ms;
        memset(b->tare_sum, 0, sizeof b->tare_sum);
        return; /* acked when the conversions are in */
    case RM_WT_SET_RATE: {
        uint8_t div = rate_divisor(c.rate_hz);
        if (b->streaming)
            r = RM_WA_BUSY;
        else if (div == 0)
            r = RM_WA_BAD_ARG;
        else
            b->rate_div = div;
        break;
    }
    case RM_WT_SET_CAL:
        if (c.cell >= FW_CELLS || !scale_usable(c.scale_bits)) {
            r = RM_WA_BAD_ARG;
        } else {
            b->cal.scale_bits[c.cell] = c.scale_bits;
            b->cal.tare[c.cell] = c.tare_counts;
        }
        break;
    case RM_WT_STORE_CAL:
        if (!fw_io_store_cal(&b->cal))
            r = RM_WA_STORAGE;
        break;
    case RM_WT_GET_STATUS:
        send_status(b, 0);
        break;
    default:
        r = RM_WA_UNKNOWN;
        break;
    }
    send_ack(b, c.request_id, c.type, r);
}

void fw_board_rx(fw_board *b, uint8_t byte)
{
    int ev = rm_deframer_push(&b->rx, byte);
    if (ev == RM_DEFRAME_FRAME)
        command(b, b->rx.buf, (uint16_t)b->rx.len);
    else if (ev != RM_DEFRAME_MORE && ev != RM_DEFRAME_EMPTY)
        b->rx_errors++;
}

/* sum / n rounded to nearest, halves away from zero (n > 0). */
static int32_t div_round(int32_t sum, int32_t n)
{
    return sum >= 0 ? (sum + n / 2) / n : -((-sum + n / 2) / n);
}

static void tare_step(fw_board *b, const int32_t *raw)
{
    for (uint8_t i = 0; i < FW_CELLS; i++)
        b->tare_sum[i] += raw[i]; /* 255 x 2^23 < 2^31: no overflow */
    b->tare_since_ms = b->now_ms;
    if (--b->tare_left != 0)
        return;
    for (uint8_t i = 0; i < FW_CELLS; i++)
        b->cal.tare[i] = div_round(b->tare_sum[i], b->tare_n);
    send_ack(b, b->tare_req, RM_WT_TARE, RM_WA_OK);
}

void fw_board_conversion(fw_board *b, const int32_t *raw, int32_t encoder,
                         uint32_t time_us)
{
    /* A read later than 1.5 periods after the last means the HX711s
     * finished a conversion nobody read (they keep only the latest). */
    if (b->have_read) {
        uint32_t gap = time_us - b->last_read_us;
        uint32_t period = FW_ADC_PERIOD_US;
        if (gap > period + period / 2)
            b->adc_overruns += (gap + period / 2) / period - 1;
    }
    b->last_read_us = time_us;
    b->have_read = 1;

    if (b->tare_left)
        tare_step(b, raw);
    if (!b->streaming)
        return;
    for (uint8_t i = 0; i < FW_CELLS; i++)
        b->sum[i] = (b->div_count ? b->sum[i] : 0) + raw[i];
    if (++b->div_count < b->rate_div)
        return;
    if (b->rate_div > 1)
        for (uint8_t i = 0; i < FW_CELLS; i++)
            b->sum[i] = div_round(b->sum[i], b->rate_div);
    b->div_count = 0;

    uint16_t n = (uint16_t)rm_wire_sample_payload(b->frame + 1, b->seq,
                                                  time_us, encoder, b->sum,
                                                  FW_CELLS);
    /* The sequence number counts samples taken, sent or not, so a frame
     * dropped here is a gap the host sees. */
    b->seq++;
    if (send(b, n, 1))
        b->frames_sent++;
    else
        b->frames_dropped++;
}

void fw_board_tick(fw_board *b, uint32_t now_ms)
{
    b->now_ms = now_ms;
    if (b->tare_left && now_ms - b->tare_since_ms > FW_TARE_TIMEOUT_MS) {
        b->tare_left = 0;
        send_ack(b, b->tare_req, RM_WT_TARE, RM_WA_NO_SIGNAL);
    }
    if (b->streaming && now_ms - b->last_status_ms >= FW_STATUS_PERIOD_MS) {
        b->last_status_ms = now_ms;
        send_status(b, 1);
    }
}

/* Blob: 'R' 'M' cells, then per cell scale bits u32 and tare i32 (LE),
 * then the CRC-16 of everything before it (LE). A blank EEPROM (all 0xFF)
 * or a board with another cell count fails the check. */
void fw_cal_pack(const fw_cal *cal, uint8_t *blob)
{
    uint16_t n = 3;
    blob[0] = 'R';
    blob[1] = 'M';
    blob[2] = FW_CELLS;
    for (uint8_t i = 0; i < FW_CELLS; i++, n += 8) {
        rm_wire_put_u32(blob + n, cal->scale_bits[i]);
        rm_wire_put_u32(blob + n + 4, (uint32_t)cal->tare[i]);
    }
    rm_wire_put_u16(blob + n, rm_crc16(blob, n));
}

uint8_t fw_cal_unpack(const uint8_t *blob, fw_cal *cal)
{
    uint16_t n = 3 + 8 * FW_CELLS;
    if (blob[0] != 'R' || blob[1] != 'M' || blob[2] != FW_CELLS ||
        rm_wire_get_u16(blob + n) != rm_crc16(blob, n))
        return 0;
    for (uint8_t i = 0; i < FW_CELLS; i++) {
        cal->scale_bits[i] = rm_wire_get_u32(blob + 3 + 8 * i);
        cal->tare[i] = (int32_t)rm_wire_get_u32(blob + 7 + 8 * i);
    }
    return 1;
}
