/*
 * libFuzzer target for the firmware's command side, built for the host:
 * bytes from the serial line into fw_board_rx() (deframer, CRC, command
 * parser, every command handler), mixed with conversions and clock ticks,
 * starting from an EEPROM image that may be corrupt. Everything the board
 * sends back must be a valid wire frame. Input: byte 0 = mode (bit 0: the
 * next FW_CAL_BLOB bytes are the EEPROM; bit 1: the rest is a list of
 * [length][payload] commands the harness seals with CRC and COBS, so the
 * fuzzer reaches the handlers; else raw line bytes), byte 1 seeds the
 * interleaving of conversions and ticks.
 */
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "io.h"
#include "rollmap.h"
#include "wire/cobs.h"
#include "wire/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The host side listening to the board (test harness state, one run at
 * a time, as libFuzzer calls the target from one thread). */
static rm_decoder *host;
static unsigned store_calls;

uint8_t fw_io_send(const uint8_t *frame, uint16_t len, uint8_t droppable)
{
    (void)droppable;
    if (len == 0 || len > RM_WIRE_MAX_FRAME || frame[len - 1] != 0x00 ||
        memchr(frame, 0x00, len - 1))
        abort(); /* one whole frame per call, delimiter last */
    rm_decoder_feed(host, frame, len);
    return 1;
}

uint8_t fw_io_store_cal(const fw_cal *cal)
{
    (void)cal;
    return (uint8_t)(++store_calls & 1u); /* fails every other time */
}

uint32_t fw_io_encoder_errors(void)
{
    return 0;
}

typedef struct clock {
    uint32_t rng, now_ms, time_us;
    int32_t encoder;
} clock;

/* Between line bytes: now and then a conversion and a tick. */
static void between(fw_board *b, clock *c)
{
    c->rng = c->rng * 1103515245u + 12345u;
    unsigned r = c->rng >> 16;
    if (r % 4 == 0) {
        int32_t raw[FW_CELLS];
        for (unsigned i = 0; i < FW_CELLS; i++)
            raw[i] = (int32_t)((r * (i + 1u)) & 0xFFFFFFu) - 0x800000;
        c->time_us += FW_ADC_PERIOD_US;
        c->encoder += (int32_t)(r % 7u) - 3;
        fw_board_conversion(b, raw, c->encoder, c->time_us);
    }
    if (r % 8 == 1) {
        c->now_ms += 1 + r % 700u; /* crosses the status and tare timers */
        fw_board_tick(b, c->now_ms);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t mode = data[0];
    clock c = { .rng = data[1] };
    data += 2, size -= 2;
    if (rm_decoder_new(NULL, &host, NULL) != RM_OK)
        abort();
    store_calls = 0;
    fw_board *b = malloc(sizeof *b);
    if (!b)
        abort();
    fw_cal cal;
    int have_cal = 0;
    if ((mode & 1) && size >= FW_CAL_BLOB) {
        have_cal = fw_cal_unpack(data, &cal);
        data += FW_CAL_BLOB, size -= FW_CAL_BLOB;
    }
    fw_board_init(b, have_cal ? &cal : NULL);
    if (mode & 2) {
        /* [len][payload...]: sealed as the host would send them. */
        uint8_t payload[256 + 2], frame[RM_COBS_MAX_ENCODED(258) + 1];
        while (size) {
            size_t len = data[0] < size - 1 ? data[0] : size - 1;
            memcpy(payload, data + 1, len);
            data += 1 + len, size -= 1 + len;
            size_t n = rm_wire_seal(payload, len, frame, sizeof frame);
            for (size_t i = 0; i < n; i++) {
                fw_board_rx(b, frame[i]);
                between(b, &c);
            }
        }
    } else {
        for (size_t i = 0; i < size; i++) {
            fw_board_rx(b, data[i]);
            between(b, &c);
        }
    }
    for (int i = 0; i < 200; i++) /* let tares and streaming run on */
        between(b, &c);
    rm_decoder_stats st;
    rm_decoder_stats_get(host, &st);
    /* The board never sends a broken frame, whatever it was told. */
    if (st.crc_errors || st.cobs_errors || st.oversize || st.malformed ||
        st.unknown_type || st.bytes_discarded || st.bytes_pending)
        abort();
    free(b);
    rm_decoder_free(host);
    host = NULL;
    return 0;
}
