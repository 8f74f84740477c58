/* CRC-16/CCITT-FALSE (lib/wire/crc.c): check value, table, streaming. */
#include <check.h>
#include <string.h>

#include "wire/crc.h"

/* The definition, one bit at a time, to check the table against. */
static uint16_t crc_bitwise(const uint8_t *p, size_t n)
{
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021)
                                 : (uint16_t)(crc << 1);
    }
    return crc;
}

START_TEST(test_crc_check_value_is_29b1)
{
    ck_assert_uint_eq(rm_crc16((const uint8_t *)"123456789", 9), 0x29B1);
}
END_TEST

START_TEST(test_crc_of_nothing_is_init)
{
    ck_assert_uint_eq(rm_crc16((const uint8_t *)"", 0), 0xFFFF);
}
END_TEST

START_TEST(test_crc_table_matches_bitwise_definition)
{
    uint8_t buf[300];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    /* Every single byte value, then random runs of every length. */
    for (unsigned b = 0; b < 256; b++) {
        uint8_t one = (uint8_t)b;
        ck_assert_uint_eq(rm_crc16(&one, 1), crc_bitwise(&one, 1));
    }
    for (size_t n = 0; n <= sizeof buf; n += 7)
        ck_assert_uint_eq(rm_crc16(buf, n), crc_bitwise(buf, n));
}
END_TEST

START_TEST(test_crc_update_in_pieces_equals_one_shot)
{
    const uint8_t *s = (const uint8_t *)"rollmap wire protocol";
    size_t n = strlen((const char *)s);
    for (size_t cut = 0; cut <= n; cut++) {
        uint16_t c = rm_crc16_update(RM_CRC16_INIT, s, cut);
        c = rm_crc16_update(c, s + cut, n - cut);
        ck_assert_uint_eq(c, rm_crc16(s, n));
    }
}
END_TEST

START_TEST(test_crc_detects_every_single_bit_flip)
{
    uint8_t buf[64];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 37 + 11);
    uint16_t good = rm_crc16(buf, sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++)
        for (int b = 0; b < 8; b++) {
            buf[i] ^= (uint8_t)(1u << b);
            ck_assert_uint_ne(rm_crc16(buf, sizeof buf), good);
            buf[i] ^= (uint8_t)(1u << b);
        }
}
END_TEST

Suite *crc_suite(void)
{
    Suite *s = suite_create("crc");
    TCase *tc = tcase_create("crc16");
    tcase_add_test(tc, test_crc_check_value_is_29b1);
    tcase_add_test(tc, test_crc_of_nothing_is_init);
    tcase_add_test(tc, test_crc_table_matches_bitwise_definition);
    tcase_add_test(tc, test_crc_update_in_pieces_equals_one_shot);
    tcase_add_test(tc, test_crc_detects_every_single_bit_flip);
    suite_add_tcase(s, tc);
    return s;
}
