/*
 * The live place in the report's frame (lib/engine/live_turns.h) on
 * hand-built streams: a stretch put down at an end or inside the calf,
 * turns at the ends and short of them, fed as the engine feeds them
 * (ticks, movements, passes, the provisional placement). The right place
 * is the one slip.c gives: the calf's ankle end half a turning band below
 * the ankle turns, each sweep pinned to the end it turned or began at.
 */
#include <check.h>
#include <math.h>

#include "engine/live_turns.h"

/* A 34 cm calf (template length), encoder up toward the knee, the
 * stretch placed so that encoder cm e lies at calf cm e + off. */
static rm_turn_view view(double off)
{
    return (rm_turn_view){ .calf_dir = 1, .length_cm = 34.0,
                           .offset_cm = off, .enc0_cm = 0.0 };
}

/* Roll stretch k from encoder a to b in 0.5 cm ticks, as the engine
 * tells live_turns.c: every tick, the movement once it is a pass long
 * (2 cm), the placement; then the pass when it ends. */
static void roll(rm_live_turns *lt, int k, double a, double b,
                 const rm_turn_view *v)
{
    int dir = b > a ? 1 : -1;
    for (double e = a; dir * (b - e) >= 0.0; e += dir * 0.5) {
        rm_live_turns_tick(lt, k, e, v);
        if (fabs(e - a) >= 2.0)
            rm_live_turns_moving(lt, k, dir, a, v);
        rm_live_turns_placed(lt, k, v);
    }
    rm_live_turns_pass(lt, k, a, b, v);
}

START_TEST(test_put_down_at_the_ankle_places_from_it)
{
    rm_live_turns lt;
    rm_live_turns_init(&lt);
    rm_turn_view v = view(1.0); /* put down 1 cm up the calf */
    roll(&lt, 0, 0.0, 12.0, &v);
    /* The report pins the sweep's start to the ankle's turning point,
     * half a band above the calf's end: 12 cm up is 12.5. */
    double x = rm_live_turns_place(&lt, 0, 12.0, 1, 34.0);
    ck_assert_double_eq_tol(x, 12.5, 1e-9);
    ck_assert(rm_live_turns_firm(&lt, 0));
    /* Another stretch has no anchor of its own yet. */
    ck_assert(isnan(rm_live_turns_place(&lt, 1, 12.0, 1, 34.0)));
    ck_assert(!rm_live_turns_firm(&lt, 1));
}
END_TEST

START_TEST(test_put_down_inside_the_calf_is_no_anchor)
{
    rm_live_turns lt;
    rm_live_turns_init(&lt);
    rm_turn_view v = view(9.0);
    roll(&lt, 0, 0.0, 12.0, &v);
    ck_assert(isnan(rm_live_turns_place(&lt, 0, 12.0, 1, 34.0)));
    ck_assert(!rm_live_turns_firm(&lt, 0));
}
END_TEST

START_TEST(test_full_sweeps_measure_the_length_and_firm_the_knee)
{
    rm_live_turns lt;
    rm_live_turns_init(&lt);
    rm_turn_view v = view(1.0);
    /* Up from the ankle to a knee turn 31 cm on, down, hold. */
    roll(&lt, 0, 0.0, 31.0, &v);
    roll(&lt, 0, 31.0, 20.0, &v);
    /* One full sweep (31 cm): the calf is 32 cm, the knee's turning
     * point at 31.5, and 11 cm below it lies 20.5. */
    ck_assert_double_eq_tol(rm_live_turns_length(&lt, 34.0), 32.0, 1e-9);
    ck_assert_double_eq_tol(rm_live_turns_place(&lt, 0, 20.0, 1, 32.0), 20.5,
                            1e-9);
    ck_assert(rm_live_turns_firm(&lt, 0));
}
END_TEST

START_TEST(test_knee_anchor_without_a_full_sweep_is_provisional)
{
    rm_live_turns lt;
    rm_live_turns_init(&lt);
    /* Put down mid-calf (no anchor), up to a knee turn, down. */
    rm_turn_view v = view(12.0);
    roll(&lt, 0, 0.0, 20.0, &v);
    roll(&lt, 0, 20.0, 10.0, &v);
    /* Placed from the knee by the template's length, flagged. */
    double len = rm_live_turns_length(&lt, 34.0);
    ck_assert_double_eq_tol(len, 34.0, 1e-9);
    ck_assert_double_eq_tol(rm_live_turns_place(&lt, 0, 10.0, 1, len), 23.5,
                            1e-9);
    ck_assert(!rm_live_turns_firm(&lt, 0));
}
END_TEST

START_TEST(test_a_turn_rolled_well_past_is_dropped)
{
    rm_live_turns lt;
    rm_live_turns_init(&lt);
    rm_turn_view v = view(1.0);
    /* From the ankle up to a partial turn at 26 cm (within a quarter of
     * the knee end by the template: marked), down to 15, then up past
     * it to 31: 5 cm beyond, more than a tenth of the length (3.4) plus
     * the drift: not a knee turn. The put-down is unpassed: it places. */
    roll(&lt, 0, 0.0, 26.0, &v);
    roll(&lt, 0, 26.0, 15.0, &v);
    ck_assert_double_eq_tol(rm_live_turns_place(&lt, 0, 15.0, 1, 34.0),
                            34.0 - 0.5 - 11.0, 1e-9);
    roll(&lt, 0, 15.0, 31.0, &v);
    ck_assert_double_eq_tol(rm_live_turns_place(&lt, 0, 31.0, 1, 34.0), 31.5,
                            1e-9);
}
END_TEST

START_TEST(test_a_short_sweep_from_the_other_end_turned_short)
{
    rm_live_turns lt;
    rm_live_turns_init(&lt);
    rm_turn_view v = view(1.0);
    /* Two full sweeps of 31 cm, then one from the ankle turning at
     * 24 cm: 7 cm short of the spacing (more than 3), a partial turn.
     * The roller is then placed from the ankle turn, by the encoder. */
    roll(&lt, 0, 0.0, 31.0, &v);
    roll(&lt, 0, 31.0, 0.0, &v);
    roll(&lt, 0, 0.0, 24.0, &v);
    roll(&lt, 0, 24.0, 18.0, &v);
    ck_assert_double_eq_tol(rm_live_turns_length(&lt, 34.0), 32.0, 1e-9);
    ck_assert_double_eq_tol(rm_live_turns_place(&lt, 0, 18.0, 1, 32.0), 18.5,
                            1e-9);
}
END_TEST

START_TEST(test_measured_length_places_as_the_report)
{
    /* A tape's 35 cm; the rolling turns 31 cm apart (each end 2 cm
     * short, turn-short): once a full sweep measured the spacing, the
     * calf is 35 cm and the ankle turn lies 2 cm up, as slip.c puts it
     * (rm_calf_pad_of). Before, the place is flagged: the pad is not
     * known yet. */
    rm_live_turns lt;
    rm_live_turns_init(&lt);
    lt.measured_cm = 35.0;
    rm_turn_view v = view(1.0);
    roll(&lt, 0, 0.0, 12.0, &v);
    ck_assert_double_eq_tol(rm_live_turns_length(&lt, 34.0), 35.0, 1e-9);
    ck_assert(!rm_live_turns_firm(&lt, 0));
    roll(&lt, 0, 12.0, 31.0, &v);
    roll(&lt, 0, 31.0, 20.0, &v);
    double len = rm_live_turns_length(&lt, 34.0);
    ck_assert_double_eq_tol(len, 35.0, 1e-9);
    /* 11 cm below the knee turn, which lies 2 cm below the knee end. */
    ck_assert_double_eq_tol(rm_live_turns_place(&lt, 0, 20.0, 1, len), 22.0,
                            1e-9);
    ck_assert(rm_live_turns_firm(&lt, 0));
    /* A tape shorter than the spacing: the calf is the spacing. */
    lt.measured_cm = 29.0;
    ck_assert_double_eq_tol(rm_live_turns_length(&lt, 34.0), 31.0, 1e-9);
    ck_assert_double_eq_tol(rm_live_turns_place(&lt, 0, 20.0, 1, 31.0), 20.0,
                            1e-9);
}
END_TEST

START_TEST(test_a_sweep_far_short_of_the_tape_is_no_full_sweep)
{
    /* A 40 cm tape and a sweep from the heel that turned 31 cm up: a
     * full sweep spans the tape less at most 3 cm a side, so this one
     * turned short of the knee (a partial pass), as slip.c's
     * rm_sweeps_drop_partial will find from the other turns. It is no
     * knee turn: no full sweep, the knee's place not taken from it, the
     * ankle put-down still the anchor and flagged (the pad unknown). */
    rm_live_turns lt;
    rm_live_turns_init(&lt);
    lt.measured_cm = 40.0;
    rm_turn_view v = view(1.0);
    roll(&lt, 0, 0.0, 12.0, &v);
    roll(&lt, 0, 12.0, 31.0, &v);
    roll(&lt, 0, 31.0, 20.0, &v);
    ck_assert_int_eq(lt.n_full, 0);
    ck_assert_int_eq(lt.n_turns[RM_END_KNEE], 0);
    ck_assert_double_eq_tol(rm_live_turns_place(&lt, 0, 20.0, 1, 40.0), 20.5,
                            1e-9);
    ck_assert(!rm_live_turns_firm(&lt, 0));
    /* A 37 cm tape: 31 cm is 3 cm short a side, a full sweep. */
    rm_live_turns_init(&lt);
    lt.measured_cm = 37.0;
    roll(&lt, 0, 0.0, 12.0, &v);
    roll(&lt, 0, 12.0, 31.0, &v);
    roll(&lt, 0, 31.0, 20.0, &v);
    ck_assert_int_eq(lt.n_full, 1);
    ck_assert(rm_live_turns_firm(&lt, 0));
}
END_TEST

Suite *live_turns_suite(void)
{
    Suite *s = suite_create("live_turns");
    TCase *tc = tcase_create("live_turns");
    tcase_add_test(tc, test_put_down_at_the_ankle_places_from_it);
    tcase_add_test(tc, test_put_down_inside_the_calf_is_no_anchor);
    tcase_add_test(tc, test_full_sweeps_measure_the_length_and_firm_the_knee);
    tcase_add_test(tc, test_knee_anchor_without_a_full_sweep_is_provisional);
    tcase_add_test(tc, test_a_turn_rolled_well_past_is_dropped);
    tcase_add_test(tc, test_a_short_sweep_from_the_other_end_turned_short);
    tcase_add_test(tc, test_measured_length_places_as_the_report);
    tcase_add_test(tc, test_a_sweep_far_short_of_the_tape_is_no_full_sweep);
    suite_add_tcase(s, tc);
    return s;
}
