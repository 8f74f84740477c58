/* Status codes, version and name tables. */
#include <check.h>
#include <string.h>

#include "internal.h"

START_TEST(test_strerror_names_every_code)
{
    rm_status codes[] = { RM_OK, RM_ERR_ARG, RM_ERR_NOMEM, RM_ERR_IO,
                          RM_ERR_FORMAT, RM_ERR_UNSUPPORTED, RM_ERR_TIMEOUT,
                          RM_ERR_NODEV, RM_ERR_EXISTS };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        ck_assert_str_ne(rm_strerror(codes[i]), "unknown error");
    ck_assert_str_eq(rm_strerror((rm_status)-99), "unknown error");
}
END_TEST

START_TEST(test_version_string_matches_macros)
{
    ck_assert_str_eq(rm_version_string(), RM_VERSION_STRING);
}
END_TEST

START_TEST(test_error_set_fills_optional_error)
{
    rm_error e;
    ck_assert_int_eq(rm_error_set(&e, RM_ERR_IO, "x.wav: %s", "gone"),
                     RM_ERR_IO);
    ck_assert_int_eq(e.code, RM_ERR_IO);
    ck_assert_str_eq(e.msg, "x.wav: gone");
    ck_assert_int_eq(rm_error_set(NULL, RM_ERR_ARG, "ignored"), RM_ERR_ARG);
}
END_TEST

START_TEST(test_leg_parse_round_trips)
{
    rm_leg leg;
    ck_assert_int_eq(rm_leg_parse("left", &leg), RM_OK);
    ck_assert_str_eq(rm_leg_name(leg), "left");
    ck_assert_int_eq(rm_leg_parse("right", &leg), RM_OK);
    ck_assert_str_eq(rm_leg_name(leg), "right");
    ck_assert_int_eq(rm_leg_parse("Left", &leg), RM_ERR_ARG);
}
END_TEST

START_TEST(test_descriptor_check_rejects_absurd_values)
{
    rm_descriptor d;
    char why[128];
    rm_descriptor_rev_a(&d);
    ck_assert_int_eq(rm_descriptor_check(&d, why, sizeof why), RM_OK);
    d.cells = 33;
    ck_assert_int_eq(rm_descriptor_check(&d, why, sizeof why), RM_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(why, "cell count"));
    rm_descriptor_rev_a(&d);
    d.rate_hz = 5000.0f;
    ck_assert_int_eq(rm_descriptor_check(&d, why, sizeof why), RM_ERR_FORMAT);
    rm_descriptor_rev_a(&d);
    d.radius_mm = -1.0f;
    ck_assert_int_eq(rm_descriptor_check(&d, why, sizeof why), RM_ERR_FORMAT);
    rm_descriptor_rev_a(&d);
    memset(d.serial, 'x', sizeof d.serial);
    ck_assert_int_eq(rm_descriptor_check(&d, why, sizeof why), RM_ERR_FORMAT);
}
END_TEST

Suite *status_suite(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_strerror_names_every_code);
    tcase_add_test(tc, test_version_string_matches_macros);
    tcase_add_test(tc, test_error_set_fills_optional_error);
    tcase_add_test(tc, test_leg_parse_round_trips);
    tcase_add_test(tc, test_descriptor_check_rejects_absurd_values);
    suite_add_tcase(s, tc);
    return s;
}
