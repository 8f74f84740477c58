/*
 * The firmware's plain-C core (firmware/core/) on the host: commands in,
 * frames out, decoded with the library's own rm_decoder. The hooks of
 * core/io.h are fakes here (a byte sink, a fake EEPROM).
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "board.h"
#include "internal.h"
#include "io.h"
#include "ring.h"

/* ---- fakes for core/io.h ----------------------------------------- */

static uint8_t sent[1 << 16];
static size_t n_sent;
static int refuse_droppable;   /* the UART ring is "full" */
static int store_ok = 1;
static fw_cal stored;
static int n_stores;

uint8_t fw_io_send(const uint8_t *frame, uint16_t len, uint8_t droppable)
{
    if (droppable && refuse_droppable)
        return 0;
    ck_assert_uint_le(n_sent + len, sizeof sent);
    memcpy(sent + n_sent, frame, len);
    n_sent += len;
    return 1;
}

uint8_t fw_io_store_cal(const fw_cal *cal)
{
    n_stores++;
    stored = *cal;
    return (uint8_t)store_ok;
}

uint32_t fw_io_encoder_errors(void)
{
    return 5;
}

/* ---- what the board said ----------------------------------------- */

typedef struct heard {
    rm_frame frames[64];
    size_t n_frames;
    rm_descriptor desc;
    size_t n_desc;
    rm_board_status status;
    size_t n_status;
    rm_ack acks[16];
    size_t n_acks;
    char order[128];
} heard;

static void note(heard *h, char c)
{
    size_t n = strlen(h->order);
    if (n + 1 < sizeof h->order)
        h->order[n] = c;
}

static void on_frame(const rm_frame *f, void *u)
{
    heard *h = u;
    if (h->n_frames < 64)
        h->frames[h->n_frames] = *f;
    h->n_frames++;
    note(h, 'f');
}

static void on_desc(const rm_descriptor *d, void *u)
{
    heard *h = u;
    h->desc = *d;
    h->n_desc++;
    note(h, 'd');
}

static void on_status(const rm_board_status *s, void *u)
{
    heard *h = u;
    h->status = *s;
    h->n_status++;
    note(h, 's');
}

static void on_ack(const rm_ack *a, void *u)
{
    heard *h = u;
    if (h->n_acks < 16)
        h->acks[h->n_acks] = *a;
    h->n_acks++;
    note(h, 'a');
}

/* Decode everything sent since the last call; the decoder must never
 * see a bad byte from the board. */
static void listen(heard *h)
{
    rm_decoder_callbacks cb = { on_frame, on_desc, on_status, on_ack, NULL, h };
    rm_decoder *d = NULL;
    rm_decoder_stats st;
    memset(h, 0, sizeof *h);
    ck_assert_int_eq(rm_decoder_new(&cb, &d, NULL), RM_OK);
    rm_decoder_feed(d, sent, n_sent);
    rm_decoder_stats_get(d, &st);
    ck_assert_uint_eq(st.bytes_discarded, 0);
    ck_assert_uint_eq(st.bytes_pending, 0);
    rm_decoder_free(d);
    n_sent = 0;
}

static fw_board board;

static void setup(void)
{
    n_sent = 0;
    refuse_droppable = 0;
    store_ok = 1;
    n_stores = 0;
    fw_board_init(&board, NULL);
}

/* Send a command to the board as the host would. */
static void host_sends(const rm_command *c)
{
    uint8_t buf[RM_WIRE_MAX_FRAME];
    size_t n = 0;
    ck_assert_int_eq(rm_wire_encode_command(c, buf, sizeof buf, &n), RM_OK);
    for (size_t i = 0; i < n; i++)
        fw_board_rx(&board, buf[i]);
}

static void convert(int32_t base, int32_t encoder, uint32_t time_us)
{
    int32_t raw[FW_CELLS];
    for (int i = 0; i < FW_CELLS; i++)
        raw[i] = base + i * 1000 - 6000;
    fw_board_conversion(&board, raw, encoder, time_us);
}

/* ---- tests ---------------------------------------------------------- */

START_TEST(test_fw_ping_is_acked_with_the_protocol_version)
{
    heard h;
    rm_command c = { .type = RM_CMD_PING, .request_id = 42 };
    host_sends(&c);
    listen(&h);
    ck_assert_str_eq(h.order, "a");
    ck_assert_uint_eq(h.acks[0].request_id, 42);
    ck_assert_uint_eq(h.acks[0].command, RM_CMD_PING);
    ck_assert_uint_eq(h.acks[0].result, RM_ACK_OK);
    ck_assert_uint_eq(h.acks[0].version, RM_WIRE_VERSION);
}
END_TEST

START_TEST(test_fw_identify_sends_the_rev_a_descriptor_before_the_ack)
{
    heard h;
    rm_descriptor ref;
    rm_command c = { .type = RM_CMD_IDENTIFY, .request_id = 2 };
    host_sends(&c);
    listen(&h);
    ck_assert_str_eq(h.order, "da");
    rm_descriptor_rev_a(&ref);
    ck_assert_mem_eq(&h.desc, &ref, sizeof ref);
}
END_TEST

START_TEST(test_fw_streams_every_conversion_bit_exact_after_start)
{
    heard h;
    rm_command c = { .type = RM_CMD_START, .request_id = 3 };
    convert(1, 0, 0); /* idle: no frame */
    host_sends(&c);
    for (uint32_t k = 0; k < 20; k++)
        convert((int32_t)k * 77 - 8000000, (int32_t)k - 5, 12500 * (k + 1));
    listen(&h);
    ck_assert_uint_eq(h.n_frames, 20);
    ck_assert_int_eq(h.order[0], 'a'); /* the ack comes first */
    for (uint32_t k = 0; k < 20; k++) {
        ck_assert_uint_eq(h.frames[k].seq, k);
        ck_assert_uint_eq(h.frames[k].time_us, 12500 * (k + 1));
        ck_assert_int_eq(h.frames[k].encoder, (int32_t)k - 5);
        for (int i = 0; i < FW_CELLS; i++)
            ck_assert_int_eq(h.frames[k].cells[i],
                             (int32_t)k * 77 - 8000000 + i * 1000 - 6000);
    }
    ck_assert_uint_eq(board.adc_overruns, 0);
}
END_TEST

START_TEST(test_fw_frames_dropped_on_the_board_leave_a_sequence_gap)
{
    heard h;
    rm_command start = { .type = RM_CMD_START, .request_id = 1 };
    rm_command stop = { .type = RM_CMD_STOP, .request_id = 2 };
    host_sends(&start);
    convert(0, 0, 12500);
    refuse_droppable = 1;
    convert(0, 0, 25000);
    convert(0, 0, 37500);
    refuse_droppable = 0;
    convert(0, 0, 50000);
    host_sends(&stop);
    listen(&h);
    ck_assert_uint_eq(h.n_frames, 2);
    ck_assert_uint_eq(h.frames[1].seq, 3);
    ck_assert_str_eq(h.order, "affsa"); /* STOP: status, then ack */
    ck_assert_uint_eq(h.status.frames_dropped, 2);
    ck_assert_uint_eq(h.status.frames_sent, 2);
    ck_assert_uint_eq(h.status.uart_overflows, 2 * 53);
    ck_assert_uint_eq(h.status.encoder_errors, 5);
    ck_assert_uint_eq(h.status.state, RM_BOARD_IDLE);
}
END_TEST

START_TEST(test_fw_set_rate_averages_and_is_refused_while_streaming)
{
    heard h;
    rm_command rate = { .type = RM_CMD_SET_RATE, .request_id = 1,
                        .rate_hz = 40 };
    rm_command bad = { .type = RM_CMD_SET_RATE, .request_id = 2,
                       .rate_hz = 30 };
    rm_command start = { .type = RM_CMD_START, .request_id = 3 };
    rm_command id = { .type = RM_CMD_IDENTIFY, .request_id = 4 };
    host_sends(&rate);
    host_sends(&bad);
    host_sends(&id);
    host_sends(&start);
    convert(100, 0, 12500);
    convert(201, 0, 25000); /* mean 150.5 -> 151 (half away from zero) */
    convert(-100, 0, 37500);
    convert(-201, 0, 50000); /* mean -150.5 -> -151 */
    host_sends(&rate);
    listen(&h);
    ck_assert_uint_eq(h.acks[0].result, RM_ACK_OK);
    ck_assert_uint_eq(h.acks[1].result, RM_ACK_BAD_ARG);
    ck_assert_float_eq(h.desc.rate_hz, 40.0f);
    ck_assert_uint_eq(h.n_frames, 2);
    ck_assert_int_eq(h.frames[0].cells[6], 151);
    ck_assert_int_eq(h.frames[1].cells[6], -151);
    ck_assert_uint_eq(h.frames[1].time_us, 50000);
    ck_assert_uint_eq(h.acks[4].result, RM_ACK_BUSY);
}
END_TEST

START_TEST(test_fw_tare_averages_the_next_conversions)
{
    heard h;
    rm_command tare = { .type = RM_CMD_TARE, .request_id = 9,
                        .tare_samples = 4 };
    rm_command id = { .type = RM_CMD_IDENTIFY, .request_id = 10 };
    host_sends(&tare);
    listen(&h);
    ck_assert_uint_eq(h.n_acks, 0); /* not before the conversions */
    for (int k = 0; k < 4; k++)
        convert(10 * k, 0, 12500u * (uint32_t)(k + 1)); /* mean 15 */
    host_sends(&id);
    listen(&h);
    ck_assert_str_eq(h.order, "ada");
    ck_assert_uint_eq(h.acks[0].request_id, 9);
    ck_assert_uint_eq(h.acks[0].result, RM_ACK_OK);
    for (int i = 0; i < FW_CELLS; i++)
        ck_assert_int_eq(h.desc.tare_counts[i], 15 + i * 1000 - 6000);
}
END_TEST

START_TEST(test_fw_tare_without_conversions_answers_no_signal)
{
    heard h;
    rm_command tare = { .type = RM_CMD_TARE, .request_id = 9 };
    fw_board_tick(&board, 100);
    host_sends(&tare);
    fw_board_tick(&board, 1000);
    listen(&h);
    ck_assert_uint_eq(h.n_acks, 0);
    fw_board_tick(&board, 1101);
    listen(&h);
    ck_assert_uint_eq(h.n_acks, 1);
    ck_assert_uint_eq(h.acks[0].result, RM_ACK_NO_SIGNAL);
}
END_TEST

START_TEST(test_fw_set_cal_checks_its_arguments_and_store_cal_persists)
{
    heard h;
    rm_command good = { .type = RM_CMD_SET_CAL, .request_id = 1, .cell = 11,
                        .scale_n_per_count = 2.5e-4f, .tare_counts = -777 };
    rm_command bad_cell = good, nan_scale = good, zero_scale = good;
    bad_cell.cell = FW_CELLS;
    nan_scale.scale_n_per_count = NAN;
    zero_scale.scale_n_per_count = -0.0f;
    rm_command store = { .type = RM_CMD_STORE_CAL, .request_id = 5 };
    rm_command id = { .type = RM_CMD_IDENTIFY, .request_id = 6 };
    host_sends(&good);
    host_sends(&bad_cell);
    host_sends(&nan_scale);
    host_sends(&zero_scale);
    host_sends(&store);
    store_ok = 0;
    host_sends(&store);
    host_sends(&id);
    listen(&h);
    ck_assert_uint_eq(h.acks[0].result, RM_ACK_OK);
    ck_assert_uint_eq(h.acks[1].result, RM_ACK_BAD_ARG);
    ck_assert_uint_eq(h.acks[2].result, RM_ACK_BAD_ARG);
    ck_assert_uint_eq(h.acks[3].result, RM_ACK_BAD_ARG);
    ck_assert_uint_eq(h.acks[4].result, RM_ACK_OK);
    ck_assert_uint_eq(h.acks[5].result, RM_ACK_STORAGE);
    ck_assert_float_eq(h.desc.scale_n_per_count[11], 2.5e-4f);
    ck_assert_int_eq(h.desc.tare_counts[11], -777);
    ck_assert_int_eq(n_stores, 2);
    ck_assert_int_eq(stored.tare[11], -777);
}
END_TEST

START_TEST(test_fw_calibration_blob_round_trips_and_rejects_blank_eeprom)
{
    uint8_t blob[FW_CAL_BLOB];
    fw_cal a, b;
    for (int i = 0; i < FW_CELLS; i++) {
        a.scale_bits[i] = 0x38D1B717u + (uint32_t)i;
        a.tare[i] = -1000 * i;
    }
    fw_cal_pack(&a, blob);
    ck_assert_uint_eq(fw_cal_unpack(blob, &b), 1);
    ck_assert_mem_eq(&a, &b, sizeof a);
    blob[40] ^= 1;
    ck_assert_uint_eq(fw_cal_unpack(blob, &b), 0);
    memset(blob, 0xFF, sizeof blob);
    ck_assert_uint_eq(fw_cal_unpack(blob, &b), 0);

    /* A board started with stored calibration says so. */
    heard h;
    fw_board_init(&board, &a);
    rm_command s = { .type = RM_CMD_GET_STATUS, .request_id = 1 };
    host_sends(&s);
    listen(&h);
    ck_assert_str_eq(h.order, "sa");
    ck_assert_uint_eq(h.status.flags & 1, 1);
}
END_TEST

START_TEST(test_fw_bad_command_frames_are_counted_or_nakked)
{
    heard h;
    /* Unknown type with a good CRC: nak "unknown". */
    uint8_t p[8] = { 0x42, 77 }, out[16];
    size_t n = rm_wire_seal(p, 2, out, sizeof out);
    for (size_t i = 0; i < n; i++)
        fw_board_rx(&board, out[i]);
    /* Known type, wrong length: nak "bad argument", counted. */
    uint8_t q[8] = { RM_CMD_TARE, 78 };
    n = rm_wire_seal(q, 2, out, sizeof out);
    for (size_t i = 0; i < n; i++)
        fw_board_rx(&board, out[i]);
    /* Corrupt CRC: no answer, counted. */
    uint8_t r[8] = { RM_CMD_PING, 79 };
    n = rm_wire_seal(r, 2, out, sizeof out);
    out[2] ^= 0x10;
    for (size_t i = 0; i < n; i++)
        fw_board_rx(&board, out[i]);
    /* Oversize: counted, and the next command still works. */
    for (int i = 0; i < 100; i++)
        fw_board_rx(&board, 0x33);
    fw_board_rx(&board, 0);
    rm_command s = { .type = RM_CMD_GET_STATUS, .request_id = 80 };
    host_sends(&s);
    listen(&h);
    ck_assert_uint_eq(h.n_acks, 3);
    ck_assert_uint_eq(h.acks[0].request_id, 77);
    ck_assert_uint_eq(h.acks[0].result, RM_ACK_UNKNOWN);
    ck_assert_uint_eq(h.acks[1].result, RM_ACK_BAD_ARG);
    ck_assert_uint_eq(h.acks[2].request_id, 80);
    ck_assert_uint_eq(h.status.rx_errors, 3);
}
END_TEST

START_TEST(test_fw_status_every_second_and_overruns_from_late_reads)
{
    heard h;
    rm_command start = { .type = RM_CMD_START, .request_id = 1 };
    host_sends(&start);
    convert(0, 0, 12500);
    convert(0, 0, 25000);
    convert(0, 0, 62500); /* two conversions missed */
    fw_board_tick(&board, 999);
    fw_board_tick(&board, 1000);
    fw_board_tick(&board, 1500);
    fw_board_tick(&board, 2000);
    listen(&h);
    ck_assert_uint_eq(h.n_status, 2);
    ck_assert_uint_eq(h.status.adc_overruns, 2);
    ck_assert_uint_eq(h.status.uptime_ms, 2000);
    ck_assert_uint_eq(h.status.state, RM_BOARD_STREAMING);
}
END_TEST

START_TEST(test_fw_ring_takes_whole_frames_or_nothing)
{
    uint8_t mem[16], out = 0;
    uint8_t data[20];
    fw_ring r;
    for (int i = 0; i < 20; i++)
        data[i] = (uint8_t)(i + 1);
    fw_ring_init(&r, mem, sizeof mem);
    ck_assert_uint_eq(fw_ring_free(&r), 15);
    ck_assert_uint_eq(fw_ring_put_frame(&r, data, 16), 0);
    ck_assert_uint_eq(fw_ring_used(&r), 0);
    ck_assert_uint_eq(fw_ring_put_frame(&r, data, 10), 1);
    for (int i = 0; i < 10; i++) {
        ck_assert_uint_eq(fw_ring_get(&r, &out), 1);
        ck_assert_uint_eq(out, i + 1);
    }
    /* Wraps around the end of the buffer. */
    ck_assert_uint_eq(fw_ring_put_frame(&r, data, 15), 1);
    ck_assert_uint_eq(fw_ring_put(&r, 99), 0);
    for (int i = 0; i < 15; i++) {
        ck_assert_uint_eq(fw_ring_get(&r, &out), 1);
        ck_assert_uint_eq(out, i + 1);
    }
    ck_assert_uint_eq(fw_ring_get(&r, &out), 0);

    uint8_t big[256];
    fw_ring_init(&r, big, 256);
    ck_assert_uint_eq(fw_ring_free(&r), 255);
}
END_TEST

Suite *firmware_suite(void)
{
    Suite *s = suite_create("firmware");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_fw_ping_is_acked_with_the_protocol_version);
    tcase_add_test(tc, test_fw_identify_sends_the_rev_a_descriptor_before_the_ack);
    tcase_add_test(tc, test_fw_streams_every_conversion_bit_exact_after_start);
    tcase_add_test(tc, test_fw_frames_dropped_on_the_board_leave_a_sequence_gap);
    tcase_add_test(tc, test_fw_set_rate_averages_and_is_refused_while_streaming);
    tcase_add_test(tc, test_fw_tare_averages_the_next_conversions);
    tcase_add_test(tc, test_fw_tare_without_conversions_answers_no_signal);
    tcase_add_test(tc, test_fw_set_cal_checks_its_arguments_and_store_cal_persists);
    tcase_add_test(tc, test_fw_calibration_blob_round_trips_and_rejects_blank_eeprom);
    tcase_add_test(tc, test_fw_bad_command_frames_are_counted_or_nakked);
    tcase_add_test(tc, test_fw_status_every_second_and_overruns_from_late_reads);
    tcase_add_test(tc, test_fw_ring_takes_whole_frames_or_nothing);
    suite_add_tcase(s, tc);
    return s;
}
