/*
 * The trend's line through a spot's sessions (lib/report/trend_fit.c):
 * Student's t against published values, the fit against a hand
 * computation, and each verdict of the rule in docs/report-schema.md.
 */
#include <check.h>
#include <math.h>

#include "report/trend_internal.h"

START_TEST(test_t_cdf_matches_tables)
{
    /* t tables: P(T < 1) with 1 dof is 0.75 (Cauchy); 2.353 is the 95th
     * percentile with 3 dof; 1.533 the 90th with 4. */
    ck_assert_double_eq_tol(rm_trend_t_cdf(1.0, 1.0), 0.75, 1e-9);
    ck_assert_double_eq_tol(rm_trend_t_cdf(2.353, 3.0), 0.95, 1e-4);
    ck_assert_double_eq_tol(rm_trend_t_cdf(-1.533, 4.0), 0.10, 1e-4);
    ck_assert_double_eq_tol(rm_trend_t_cdf(0.0, 5.0), 0.5, 1e-12);
}
END_TEST

START_TEST(test_fit_is_least_squares_with_its_error)
{
    /* y = 1 - 0.1 t with residuals +0.1, -0.1, -0.1, +0.1 at t 0..3:
     * slope -0.1, SSR 0.04, s = sqrt(0.04 / 2) = 0.1414, Sxx = 5,
     * SE = 0.1414 / sqrt(5) = 0.0632; over 3 days -0.3 +- 0.19. */
    const double t[] = { 0, 1, 2, 3 };
    const double y[] = { 1.1, 0.8, 0.7, 0.8 };
    struct trend_fit f;
    rm_trend_fit(t, y, 4, &f);
    ck_assert_uint_eq(f.n, 4);
    ck_assert_double_eq_tol(f.slope, -0.1, 1e-12);
    ck_assert_double_eq_tol(f.slope_se, sqrt(0.02 / 5.0), 1e-12);
    ck_assert_double_eq_tol(f.change, -0.3, 1e-12);
    ck_assert_double_eq_tol(f.first_fit, 1.0, 1e-12);
    ck_assert_double_eq_tol(f.last_fit, 0.7, 1e-12);
    /* |change| < TREND_MIN_CHANGE but too loose to call steady at 0.7. */
    ck_assert_str_eq(f.verdict, TREND_UNCERTAIN);
}
END_TEST

START_TEST(test_verdicts_follow_the_rule)
{
    const double t[] = { 0, 1, 2, 3, 4, 5 };
    struct trend_fit f;
    const double fade[] = { 0.9, 0.8, 0.5, 0.3, 0.0, 0.0 };
    rm_trend_fit(t, fade, 6, &f);
    ck_assert_str_eq(f.verdict, TREND_FADING);
    ck_assert(f.confidence > TREND_HIGH_CONFIDENCE);
    const double grow[] = { 0.0, 0.0, 0.4, 0.8, 0.9, 1.0 };
    rm_trend_fit(t, grow, 6, &f);
    ck_assert_str_eq(f.verdict, TREND_GROWING);
    const double flat[] = { 0.8, 0.9, 0.85, 0.8, 0.9, 0.85 };
    rm_trend_fit(t, flat, 6, &f);
    ck_assert_str_eq(f.verdict, TREND_STEADY);
    ck_assert(f.confidence >= TREND_DECIDE && f.confidence <= 1.0);
    /* A steady spot that drops out once: never fading. */
    const double gap[] = { 0.9, 1.0, 0.0, 0.9, 0.8, 1.0 };
    rm_trend_fit(t, gap, 6, &f);
    ck_assert_str_ne(f.verdict, TREND_FADING);
}
END_TEST

START_TEST(test_too_few_sessions_or_days_are_not_enough)
{
    const double t[] = { 0, 1, NAN, 3 };
    const double y[] = { 0.9, NAN, 0.5, 0.1 };
    struct trend_fit f;
    /* Two usable sessions (a NAN date or value leaves one out). */
    rm_trend_fit(t, y, 4, &f);
    ck_assert_uint_eq(f.n, 2);
    ck_assert_str_eq(f.verdict, TREND_NOT_ENOUGH);
    ck_assert(isnan(f.slope) && isnan(f.confidence));
    /* Three sessions on one day: no course to fit. */
    const double same[] = { 2, 2.1, 2.2 };
    const double y3[] = { 0.9, 0.5, 0.1 };
    rm_trend_fit(same, y3, 3, &f);
    ck_assert_str_eq(f.verdict, TREND_NOT_ENOUGH);
}
END_TEST

Suite *trend_fit_suite(void)
{
    Suite *s = suite_create("trend_fit");
    TCase *tc = tcase_create("fit");
    tcase_add_test(tc, test_t_cdf_matches_tables);
    tcase_add_test(tc, test_fit_is_least_squares_with_its_error);
    tcase_add_test(tc, test_verdicts_follow_the_rule);
    tcase_add_test(tc, test_too_few_sessions_or_days_are_not_enough);
    suite_add_tcase(s, tc);
    return s;
}
