/* COBS (lib/wire/cobs.c): published examples, round trips, bad input. */
#include <check.h>
#include <string.h>

#include "wire/cobs.h"

typedef struct example {
    size_t in_len;
    uint8_t in[8];
    size_t out_len;
    uint8_t out[9];
} example;

/* Small cases worked by hand from the COBS definition. */
static const example examples[] = {
    { 0, { 0 }, 1, { 0x01 } },
    { 1, { 0x00 }, 2, { 0x01, 0x01 } },
    { 2, { 0x00, 0x00 }, 3, { 0x01, 0x01, 0x01 } },
    { 4, { 0x11, 0x22, 0x00, 0x33 }, 5, { 0x03, 0x11, 0x22, 0x02, 0x33 } },
    { 4, { 0x11, 0x22, 0x33, 0x44 }, 5, { 0x05, 0x11, 0x22, 0x33, 0x44 } },
    { 4, { 0x11, 0x00, 0x00, 0x00 }, 5, { 0x02, 0x11, 0x01, 0x01, 0x01 } },
};

START_TEST(test_cobs_encodes_worked_examples)
{
    const example *e = &examples[_i];
    uint8_t out[16];
    size_t n = rm_cobs_encode(e->in, e->in_len, out, sizeof out);
    ck_assert_uint_eq(n, e->out_len);
    ck_assert_mem_eq(out, e->out, n);
    uint8_t back[16];
    ck_assert_uint_eq(rm_cobs_decode(out, n, back, sizeof back), e->in_len);
    ck_assert_mem_eq(back, e->in, e->in_len);
}
END_TEST

START_TEST(test_cobs_full_block_has_no_trailing_empty_block)
{
    uint8_t in[255], out[260];
    for (int i = 0; i < 255; i++)
        in[i] = (uint8_t)(i + 1); /* 01..FF, no zero */
    /* 254 bytes: FF then the data, nothing more. */
    ck_assert_uint_eq(rm_cobs_encode(in, 254, out, sizeof out), 255);
    ck_assert_uint_eq(out[0], 0xFF);
    ck_assert_mem_eq(out + 1, in, 254);
    /* 255 bytes: FF + 254 bytes, then 02 FF. */
    ck_assert_uint_eq(rm_cobs_encode(in, 255, out, sizeof out), 257);
    ck_assert_uint_eq(out[0], 0xFF);
    ck_assert_uint_eq(out[255], 0x02);
    ck_assert_uint_eq(out[256], 0xFF);
}
END_TEST

START_TEST(test_cobs_round_trips_every_length_and_never_emits_zero)
{
    uint8_t in[700], enc[720], dec[700];
    uint32_t x = 99;
    for (size_t len = 0; len <= sizeof in; len++) {
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            /* About one zero in eight, and long zero-free runs. */
            in[i] = (x >> 16) % 8 == 0 && len % 3 ? 0 : (uint8_t)(x >> 8 | 1);
        }
        size_t n = rm_cobs_encode(in, len, enc, sizeof enc);
        ck_assert_uint_gt(n, 0);
        ck_assert_uint_le(n, RM_COBS_MAX_ENCODED(len));
        ck_assert_ptr_null(memchr(enc, 0, n));
        ck_assert_uint_eq(rm_cobs_decode(enc, n, dec, sizeof dec), len);
        ck_assert_mem_eq(dec, in, len);
    }
}
END_TEST

START_TEST(test_cobs_in_place_encode_matches_separate_buffers)
{
    uint8_t in[254], ref[260], buf[260];
    for (size_t len = 0; len <= sizeof in; len++) {
        for (size_t i = 0; i < len; i++)
            in[i] = (uint8_t)(i % 5 == 2 ? 0 : i * 7 + 1);
        size_t n = rm_cobs_encode(in, len, ref, sizeof ref);
        memcpy(buf + 1, in, len);
        ck_assert_uint_eq(rm_cobs_encode(buf + 1, len, buf, sizeof buf), n);
        ck_assert_mem_eq(buf, ref, n);
    }
}
END_TEST

START_TEST(test_cobs_encode_refuses_small_buffer)
{
    const uint8_t in[4] = { 1, 2, 3, 4 };
    uint8_t out[5];
    for (size_t cap = 0; cap < 5; cap++)
        ck_assert_uint_eq(rm_cobs_encode(in, 4, out, cap), 0);
    ck_assert_uint_eq(rm_cobs_encode(in, 4, out, 5), 5);
}
END_TEST

START_TEST(test_cobs_decode_rejects_invalid_input)
{
    uint8_t out[16];
    const uint8_t has_zero[] = { 0x03, 0x11, 0x00 };
    const uint8_t past_end[] = { 0x05, 0x11, 0x22 };
    const uint8_t zero_code[] = { 0x00 };
    ck_assert_uint_eq(rm_cobs_decode(has_zero, 3, out, sizeof out),
                      (size_t)-1);
    ck_assert_uint_eq(rm_cobs_decode(past_end, 3, out, sizeof out),
                      (size_t)-1);
    ck_assert_uint_eq(rm_cobs_decode(zero_code, 1, out, sizeof out),
                      (size_t)-1);
    ck_assert_uint_eq(rm_cobs_decode(past_end, 0, out, sizeof out),
                      (size_t)-1);
    /* Valid, but the output does not fit. */
    const uint8_t ok[] = { 0x03, 0x11, 0x22, 0x02, 0x33 };
    ck_assert_uint_eq(rm_cobs_decode(ok, 5, out, 3), (size_t)-1);
    ck_assert_uint_eq(rm_cobs_decode(ok, 5, out, 4), 4);
}
END_TEST

Suite *cobs_suite(void)
{
    Suite *s = suite_create("cobs");
    TCase *tc = tcase_create("cobs");
    tcase_add_loop_test(tc, test_cobs_encodes_worked_examples, 0,
                        (int)(sizeof examples / sizeof examples[0]));
    tcase_add_test(tc, test_cobs_full_block_has_no_trailing_empty_block);
    tcase_add_test(tc, test_cobs_round_trips_every_length_and_never_emits_zero);
    tcase_add_test(tc, test_cobs_in_place_encode_matches_separate_buffers);
    tcase_add_test(tc, test_cobs_encode_refuses_small_buffer);
    tcase_add_test(tc, test_cobs_decode_rejects_invalid_input);
    suite_add_tcase(s, tc);
    return s;
}
