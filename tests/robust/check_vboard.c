/*
 * The virtual board answers as docs/protocol.md says a board does (and
 * the firmware does): every intact frame of two or more bytes gets one
 * ACK copying its request id; a type that is not a command (0x90, or a
 * board->host type such as 0x80) gets result 1; a known command of the
 * wrong length gets result 2; a one-byte frame gets nothing. Frames are
 * built here by hand (CRC-16/CCITT-FALSE, COBS) from the document.
 * Regression: the virtual board answered none of the odd frames.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "rollmap.h"

static uint16_t crc16(const uint8_t *p, size_t n)
{
    uint16_t crc = 0xFFFF;
    while (n--) {
        crc ^= (uint16_t)(*p++ << 8);
        for (int i = 0; i < 8; i++)
            crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

/* payload (n < 250 bytes) -> COBS(payload || CRC16_LE) || 0x00 */
static size_t seal(const uint8_t *payload, size_t n, uint8_t *out)
{
    uint8_t raw[256];
    memcpy(raw, payload, n);
    uint16_t c = crc16(payload, n);
    raw[n] = (uint8_t)c;
    raw[n + 1] = (uint8_t)(c >> 8);
    n += 2;
    size_t o = 1, code_at = 0;
    uint8_t code = 1;
    for (size_t i = 0; i < n; i++) {
        if (raw[i] == 0) {
            out[code_at] = code;
            code_at = o++;
            code = 1;
        } else {
            out[o++] = raw[i];
            code++;
        }
    }
    out[code_at] = code;
    out[o++] = 0;
    return o;
}

static rm_ack acks[8];
static int n_acks;

static void on_ack(const rm_ack *a, void *user)
{
    (void)user;
    if (n_acks < 8)
        acks[n_acks++] = *a;
}

/* Send one frame to a fresh virtual board; collect the acks for 300 ms. */
static int exchange(const uint8_t *payload, size_t n)
{
    rm_transport *t = NULL;
    rm_error err;
    ck_assert_int_eq(rm_transport_open_sim("short", NULL, &t, &err), RM_OK);
    rm_decoder_callbacks cb = { .on_ack = on_ack };
    rm_decoder *dec = NULL;
    ck_assert_int_eq(rm_decoder_new(&cb, &dec, &err), RM_OK);
    uint8_t wire[300];
    size_t len = seal(payload, n, wire);
    ck_assert_int_eq(rm_transport_write(t, wire, len, 100), RM_OK);
    n_acks = 0;
    for (int i = 0; i < 3; i++) {
        uint8_t buf[512];
        size_t got = 0;
        if (rm_transport_read(t, buf, sizeof buf, &got, 100) == RM_OK && got)
            rm_decoder_feed(dec, buf, got);
    }
    rm_decoder_free(dec);
    rm_transport_close(t);
    return n_acks;
}

START_TEST(test_unknown_types_get_result_1)
{
    static const uint8_t types[] = { 0x90, 0x80, 0x81, 0x0a, 0x00 };
    for (size_t i = 0; i < sizeof types; i++) {
        uint8_t p[2] = { types[i], (uint8_t)(40 + i) };
        ck_assert_msg(exchange(p, 2) == 1, "type 0x%02x: %d acks", types[i],
                      n_acks);
        ck_assert_int_eq(acks[0].request_id, 40 + i);
        ck_assert_int_eq(acks[0].command, types[i]);
        ck_assert_int_eq(acks[0].result, RM_ACK_UNKNOWN);
    }
}
END_TEST

START_TEST(test_wrong_length_gets_result_2)
{
    uint8_t p[3] = { RM_CMD_PING, 9, 0x55 }; /* PING with an argument */
    ck_assert_int_eq(exchange(p, 3), 1);
    ck_assert_int_eq(acks[0].request_id, 9);
    ck_assert_int_eq(acks[0].result, RM_ACK_BAD_ARG);
}
END_TEST

START_TEST(test_one_byte_frame_gets_nothing)
{
    uint8_t p[1] = { RM_CMD_PING };
    ck_assert_int_eq(exchange(p, 1), 0);
    uint8_t q[2] = { RM_CMD_PING, 3 }; /* and a good one still works */
    ck_assert_int_eq(exchange(q, 2), 1);
    ck_assert_int_eq(acks[0].result, RM_ACK_OK);
    ck_assert_int_eq(acks[0].version, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vboard");
    TCase *tc = tcase_create("answers");
    tcase_add_test(tc, test_unknown_types_get_result_1);
    tcase_add_test(tc, test_wrong_length_gets_result_2);
    tcase_add_test(tc, test_one_byte_frame_gets_nothing);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
