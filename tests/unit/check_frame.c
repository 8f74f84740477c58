/*
 * Frame layouts and encoders (lib/wire/frame.c, wire_api.c) against the
 * vectors written by the independent Python generator.
 */
#include <check.h>
#include <string.h>

#include "internal.h"
#include "wire/frame.h"
#include "wire_vectors.h"

START_TEST(test_frame_seal_reproduces_every_vector)
{
    wire_vector v;
    uint8_t buf[520], out[RM_WIRE_MAX_FRAME];
    wv_load(wv_names[_i], &v);
    memcpy(buf, v.payload, v.payload_len);
    size_t n = rm_wire_seal(buf, v.payload_len, out, sizeof out);
    ck_assert_uint_eq(n, v.wire_len);
    ck_assert_mem_eq(out, v.wire, n);
    ck_assert_uint_eq(rm_wire_get_u16(buf + v.payload_len), v.crc);
    ck_assert_uint_le(n, RM_WIRE_MAX_FRAME);
}
END_TEST

START_TEST(test_frame_seal_in_place_matches_vector)
{
    wire_vector v;
    uint8_t buf[260];
    wv_load("sample_rev_a", &v);
    memcpy(buf + 1, v.payload, v.payload_len);
    ck_assert_uint_eq(rm_wire_seal(buf + 1, v.payload_len, buf, sizeof buf),
                      v.wire_len);
    ck_assert_mem_eq(buf, v.wire, v.wire_len);
}
END_TEST

START_TEST(test_frame_i24_sign_extends_at_the_edges)
{
    uint8_t p[3];
    const int32_t vals[] = { 0, 1, -1, 8388607, -8388608, 0x123456, -2 };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        rm_wire_put_i24(p, vals[i]);
        ck_assert_int_eq(rm_wire_get_i24(p), vals[i]);
    }
    const uint8_t min[3] = { 0x00, 0x00, 0x80 };
    ck_assert_int_eq(rm_wire_get_i24(min), -8388608);
}
END_TEST

START_TEST(test_frame_encode_frame_matches_sample_vectors)
{
    wire_vector v;
    rm_frame f;
    uint8_t out[RM_WIRE_MAX_FRAME];
    size_t n = 0;

    memset(&f, 0, sizeof f);
    f.seq = 7;
    f.time_us = 87500;
    f.encoder = -1234;
    memcpy(f.cells, wv_rev_a_cells, sizeof wv_rev_a_cells);
    wv_load("sample_rev_a", &v);
    ck_assert_int_eq(rm_wire_encode_frame(&f, 12, out, sizeof out, &n), RM_OK);
    ck_assert_uint_eq(n, v.wire_len);
    ck_assert_mem_eq(out, v.wire, n);

    f.seq = 0xFFFFFFFFu;
    f.time_us = 0xFFFFFFFFu;
    f.encoder = 2147483647;
    for (int i = 0; i < 32; i++)
        f.cells[i] = wv_cell32(i);
    wv_load("sample_32_cells", &v);
    ck_assert_int_eq(rm_wire_encode_frame(&f, 32, out, sizeof out, &n), RM_OK);
    ck_assert_uint_eq(n, v.wire_len);
    ck_assert_mem_eq(out, v.wire, n);
}
END_TEST

START_TEST(test_frame_encode_descriptor_matches_rev_a_vector)
{
    wire_vector v;
    rm_descriptor d;
    uint8_t out[RM_WIRE_MAX_FRAME];
    size_t n = 0;

    rm_descriptor_rev_a(&d);
    wv_load("descriptor_rev_a", &v);
    ck_assert_int_eq(rm_wire_encode_descriptor(&d, out, sizeof out, &n),
                     RM_OK);
    ck_assert_uint_eq(n, v.wire_len);
    ck_assert_mem_eq(out, v.wire, n);
}
END_TEST

START_TEST(test_frame_encode_status_ack_and_commands_match_vectors)
{
    wire_vector v;
    uint8_t out[RM_WIRE_MAX_FRAME];
    size_t n = 0;

    rm_board_status s = { .state = 1, .flags = 1, .uptime_ms = 61000,
                          .frames_sent = 4800, .frames_dropped = 2,
                          .adc_overruns = 1, .uart_overflows = 0,
                          .encoder_errors = 3, .rx_errors = 0 };
    wv_load("status", &v);
    ck_assert_int_eq(rm_wire_encode_status(&s, out, sizeof out, &n), RM_OK);
    ck_assert_uint_eq(n, v.wire_len);
    ck_assert_mem_eq(out, v.wire, n);

    rm_ack a = { .request_id = 9, .command = RM_CMD_SET_RATE,
                 .result = RM_ACK_BUSY, .version = RM_WIRE_VERSION };
    wv_load("ack_set_rate_busy", &v);
    ck_assert_int_eq(rm_wire_encode_ack(&a, out, sizeof out, &n), RM_OK);
    ck_assert_mem_eq(out, v.wire, v.wire_len);

    rm_command c = { .type = RM_CMD_SET_CAL, .request_id = 7, .cell = 3,
                     .scale_n_per_count = 1.25e-4f, .tare_counts = -5000 };
    wv_load("cmd_set_cal", &v);
    ck_assert_int_eq(rm_wire_encode_command(&c, out, sizeof out, &n), RM_OK);
    ck_assert_uint_eq(n, v.wire_len);
    ck_assert_mem_eq(out, v.wire, n);

    rm_command r = { .type = RM_CMD_SET_RATE, .request_id = 6, .rate_hz = 40 };
    wv_load("cmd_set_rate", &v);
    ck_assert_int_eq(rm_wire_encode_command(&r, out, sizeof out, &n), RM_OK);
    ck_assert_mem_eq(out, v.wire, v.wire_len);

    rm_command t = { .type = RM_CMD_TARE, .request_id = 5, .tare_samples = 16 };
    wv_load("cmd_tare", &v);
    ck_assert_int_eq(rm_wire_encode_command(&t, out, sizeof out, &n), RM_OK);
    ck_assert_mem_eq(out, v.wire, v.wire_len);

    rm_command p = { .type = RM_CMD_PING, .request_id = 1 };
    wv_load("cmd_ping", &v);
    ck_assert_int_eq(rm_wire_encode_command(&p, out, sizeof out, &n), RM_OK);
    ck_assert_uint_eq(n, v.wire_len);
    ck_assert_mem_eq(out, v.wire, n);
}
END_TEST

START_TEST(test_frame_encoders_refuse_what_the_wire_cannot_carry)
{
    rm_frame f;
    rm_descriptor d;
    uint8_t out[RM_WIRE_MAX_FRAME];
    size_t n = 0;

    memset(&f, 0, sizeof f);
    ck_assert_int_eq(rm_wire_encode_frame(&f, 0, out, sizeof out, &n),
                     RM_ERR_ARG);
    ck_assert_int_eq(rm_wire_encode_frame(&f, 33, out, sizeof out, &n),
                     RM_ERR_ARG);
    f.cells[3] = 8388608; /* one past 24-bit signed */
    ck_assert_int_eq(rm_wire_encode_frame(&f, 12, out, sizeof out, &n),
                     RM_ERR_ARG);
    f.cells[3] = 0;
    /* 12 cells need 13 + 36 + 2 bytes, COBS and a delimiter: 53. */
    ck_assert_int_eq(rm_wire_encode_frame(&f, 12, out, 52, &n), RM_ERR_ARG);
    ck_assert_int_eq(rm_wire_encode_frame(&f, 12, out, 53, &n), RM_OK);
    ck_assert_uint_eq(n, 53);

    rm_descriptor_rev_a(&d);
    d.rate_hz = 5.0f; /* below RM_MIN_RATE_HZ */
    ck_assert_int_eq(rm_wire_encode_descriptor(&d, out, sizeof out, &n),
                     RM_ERR_ARG);
    rm_command c = { .type = RM_MSG_SAMPLE };
    ck_assert_int_eq(rm_wire_encode_command(&c, out, sizeof out, &n),
                     RM_ERR_ARG);
    ck_assert_int_eq(rm_wire_encode_command(NULL, out, sizeof out, &n),
                     RM_ERR_ARG);
}
END_TEST

START_TEST(test_frame_command_parse_reads_vectors_and_rejects_bad_lengths)
{
    wire_vector v;
    rm_wire_command c;

    wv_load("cmd_set_cal", &v);
    ck_assert_uint_eq(rm_wire_command_parse(v.payload, v.payload_len, &c),
                      RM_WA_OK);
    ck_assert_uint_eq(c.type, RM_WT_SET_CAL);
    ck_assert_uint_eq(c.request_id, 7);
    ck_assert_uint_eq(c.cell, 3);
    ck_assert_int_eq(c.tare_counts, -5000);
    float scale;
    memcpy(&scale, &c.scale_bits, sizeof scale);
    ck_assert_float_eq(scale, 1.25e-4f);
    /* One byte short, one byte long. */
    ck_assert_uint_eq(rm_wire_command_parse(v.payload, v.payload_len - 1, &c),
                      RM_WA_BAD_ARG);
    ck_assert_uint_eq(c.request_id, 7); /* still addressable for the nak */
    ck_assert_uint_eq(rm_wire_command_parse(v.payload, v.payload_len + 1, &c),
                      RM_WA_BAD_ARG);

    wv_load("cmd_set_rate", &v);
    ck_assert_uint_eq(rm_wire_command_parse(v.payload, v.payload_len, &c),
                      RM_WA_OK);
    ck_assert_uint_eq(c.rate_hz, 40);

    const uint8_t unknown[2] = { 0x42, 1 };
    ck_assert_uint_eq(rm_wire_command_parse(unknown, 2, &c), RM_WA_UNKNOWN);
    const uint8_t board_msg[5] = { RM_WT_ACK, 1, 1, 0, 1 };
    ck_assert_uint_eq(rm_wire_command_parse(board_msg, 5, &c), RM_WA_UNKNOWN);
    ck_assert_uint_eq(rm_wire_command_parse(unknown, 0, &c), RM_WA_UNKNOWN);
}
END_TEST

START_TEST(test_frame_names_cover_every_type)
{
    const int types[] = { RM_CMD_PING, RM_CMD_IDENTIFY, RM_CMD_START,
                          RM_CMD_STOP, RM_CMD_TARE, RM_CMD_SET_RATE,
                          RM_CMD_SET_CAL, RM_CMD_STORE_CAL, RM_CMD_GET_STATUS,
                          RM_MSG_ACK, RM_MSG_SAMPLE, RM_MSG_DESCRIPTOR,
                          RM_MSG_STATUS };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        ck_assert_str_ne(rm_wire_type_name(types[i]), "unknown");
    ck_assert_str_eq(rm_wire_type_name(0x42), "unknown");
    for (int r = RM_ACK_OK; r <= RM_ACK_NO_SIGNAL; r++)
        ck_assert_str_ne(rm_ack_result_name(r), "unknown");
    ck_assert_str_eq(rm_ack_result_name(99), "unknown");
}
END_TEST

Suite *frame_suite(void)
{
    Suite *s = suite_create("frame");
    TCase *tc = tcase_create("layouts");
    int n_vectors = 0;
    while (wv_names[n_vectors])
        n_vectors++;
    tcase_add_loop_test(tc, test_frame_seal_reproduces_every_vector, 0,
                        n_vectors);
    tcase_add_test(tc, test_frame_seal_in_place_matches_vector);
    tcase_add_test(tc, test_frame_i24_sign_extends_at_the_edges);
    tcase_add_test(tc, test_frame_encode_frame_matches_sample_vectors);
    tcase_add_test(tc, test_frame_encode_descriptor_matches_rev_a_vector);
    tcase_add_test(tc, test_frame_encode_status_ack_and_commands_match_vectors);
    tcase_add_test(tc, test_frame_encoders_refuse_what_the_wire_cannot_carry);
    tcase_add_test(tc, test_frame_command_parse_reads_vectors_and_rejects_bad_lengths);
    tcase_add_test(tc, test_frame_names_cover_every_type);
    suite_add_tcase(s, tc);
    return s;
}
