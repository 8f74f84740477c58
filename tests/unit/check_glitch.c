/*
 * The encoder glitch guard (lib/engine/glitch.h): steps a roller can make
 * pass unchanged, a single wild reading costs no distance, two in a row
 * are a new base, and a gap of lost frames widens the limit only up to
 * its cap.
 */
#include <check.h>
#include <stdlib.h>

#include "rollmap.h"
#include "engine/glitch.h"

static rm_glitch guard(void)
{
    rm_descriptor d;
    rm_descriptor_rev_a(&d); /* 80 Hz, 72 mm, 2400 counts per turn */
    rm_glitch g;
    rm_glitch_init(&g, &d);
    return g;
}

START_TEST(test_glitch_limits)
{
    rm_glitch g = guard();
    /* 300 cm/s / 80 Hz = 3.75 cm = 198.9 counts of 0.01885 cm. */
    ck_assert_int_eq(g.per_frame, 199);
    ck_assert_uint_eq(g.cap, 80);
}
END_TEST

START_TEST(test_glitch_steps_pass)
{
    rm_glitch g = guard();
    int32_t last = 1000;
    ck_assert_int_eq(rm_glitch_step(&g, &last, 1199, 1), 199);
    ck_assert_int_eq(rm_glitch_step(&g, &last, 1000, 1), -199);
    /* Wrapping at 2^32 is a small step. */
    last = INT32_MAX;
    ck_assert_int_eq(rm_glitch_step(&g, &last, INT32_MIN, 1), 1);
    ck_assert_uint_eq(g.count, 0);
}
END_TEST

START_TEST(test_glitch_single_wild_value)
{
    rm_glitch g = guard();
    int32_t last = 5000;
    ck_assert_int_eq(rm_glitch_step(&g, &last, 2100000000, 1), 0);
    ck_assert_int_eq(last, 5000);
    /* The next good reading counts from the last trusted one: two frames
     * of motion, nothing lost. */
    ck_assert_int_eq(rm_glitch_step(&g, &last, 5300, 1), 300);
    ck_assert_int_eq(last, 5300);
    ck_assert_uint_eq(g.count, 1);
}
END_TEST

START_TEST(test_glitch_new_base)
{
    rm_glitch g = guard();
    int32_t last = 0;
    ck_assert_int_eq(rm_glitch_step(&g, &last, 1000000, 1), 0);
    ck_assert_int_eq(rm_glitch_step(&g, &last, 1000050, 1), 0);
    ck_assert_int_eq(last, 1000050); /* taken as the new base */
    ck_assert_int_eq(rm_glitch_step(&g, &last, 1000100, 1), 50);
}
END_TEST

START_TEST(test_glitch_gap_widens_up_to_cap)
{
    rm_glitch g = guard();
    int32_t last = 0;
    /* 10 frames lost: 11 x 199 counts are believable. */
    ck_assert_int_eq(rm_glitch_step(&g, &last, 2000, 11), 2000);
    /* A sequence jump of 2^31 frames buys no more than the 1 s cap. */
    last = 0;
    ck_assert_int_eq(rm_glitch_step(&g, &last, 80 * 199, 0x7fffffffu),
                     80 * 199);
    last = 0;
    ck_assert_int_eq(rm_glitch_step(&g, &last, 80 * 199 + 1, 0x7fffffffu), 0);
}
END_TEST

Suite *glitch_suite(void)
{
    Suite *s = suite_create("glitch");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_glitch_limits);
    tcase_add_test(tc, test_glitch_steps_pass);
    tcase_add_test(tc, test_glitch_single_wild_value);
    tcase_add_test(tc, test_glitch_new_base);
    tcase_add_test(tc, test_glitch_gap_widens_up_to_cap);
    suite_add_tcase(s, tc);
    return s;
}
