/*
 * Stacked peak profiles (lib/engine/peak_stack.c, rm_peaks_stack, and
 * how rm_peaks_group adds their spots) on hand-built sessions: a 40 cm
 * calf, a left leg, every pass rolled end to end (2-38 cm), one row per
 * 0.5 cm with a rise in the band its line reads a medial spot in.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "engine/engine_priv.h"

#define MAX_PASSES 12
#define MAX_ROWS (MAX_PASSES * 80)

typedef struct stack_session {
    rm_pass passes[MAX_PASSES];
    size_t n_passes;
    rm_peak_row rows[MAX_ROWS];
    rm_placed_row placed[MAX_ROWS];
    size_t n_rows;
    rm_peak *peaks;
    size_t n_peaks;
} stack_session;

/* A pass on `line` over 2-38 cm with a bump of `rise` (fraction of the
 * load) at each of spots[0..n-1] (1 cm wide), nothing elsewhere, in the
 * band where that pass shows a medial spot: the middle of the
 * footprint on a medial pass, toward the medial side (band 3) on a
 * middle one. */
static void line_pass(stack_session *s, rm_line line, const double *spots,
                      const double *rise, int n)
{
    int pi = (int)s->n_passes;
    int band = line == RM_LINE_MIDDLE ? 3 : 2;
    rm_pass *p = &s->passes[s->n_passes++];
    memset(p, 0, sizeof *p);
    p->from_cm = 2.0;
    p->to_cm = 38.0;
    p->direction = 1;
    p->line = line;
    for (double x = 4.75; x < 36.0; x += 0.5) {
        rm_peak_row *r = &s->rows[s->n_rows];
        r->pass = pi;
        r->enc_cm = (float)x;
        double v = 0.0;
        for (int k = 0; k < n; k++)
            if (fabs(x - spots[k]) < 0.6)
                v = rise[k] * (1.0 - fabs(x - spots[k]));
        for (int b = 0; b < RM_PEAK_BANDS; b++) {
            r->rise[b] = (int16_t)lrint((b == band ? v : 0.0) * 1e4);
            r->kpa[b] = 400;
        }
        s->placed[s->n_rows].x = x;
        s->placed[s->n_rows].row = r;
        s->n_rows++;
    }
}

static void medial_pass(stack_session *s, const double *spots,
                        const double *rise, int n)
{
    line_pass(s, RM_LINE_MEDIAL, spots, rise, n);
}

static rm_peak_frame frame(const stack_session *s)
{
    rm_engine_config cfg;
    rm_engine_config_default(&cfg);
    rm_peak_frame f = { s->passes, s->n_passes, 40.0, cfg.peak_min_passes,
                        cfg.peak_min_rise, NULL, 0, NULL, 0 };
    return f;
}

static void stack(stack_session *s)
{
    rm_peak_frame f = frame(s);
    ck_assert_int_eq(rm_peaks_stack(&f, RM_LEG_LEFT, s->placed, s->n_rows,
                                    &s->peaks, &s->n_peaks),
                     RM_OK);
}

static const rm_peak *near(const rm_peak *pk, size_t n, rm_line line,
                           double x)
{
    for (size_t i = 0; i < n; i++)
        if (pk[i].line == line && fabs(pk[i].position_cm - x) <= 1.0)
            return &pk[i];
    return NULL;
}

/* A bump of 0.0375 of the load (the mean of a 0.05 spot over its two
 * bins), under peak_min_rise but shown on every pass, is a stacked spot,
 * with a confidence under 0.5. */
START_TEST(test_peak_stack_recurring_bump_is_a_spot)
{
    static stack_session s;
    memset(&s, 0, sizeof s);
    double x[1] = { 20.0 }, r[1] = { 0.05 };
    for (int i = 0; i < 4; i++)
        medial_pass(&s, x, r, 1);
    stack(&s);
    const rm_peak *pk = near(s.peaks, s.n_peaks, RM_LINE_MEDIAL, 20.0);
    ck_assert_ptr_nonnull(pk);
    ck_assert_uint_eq(pk->passes, 4);
    ck_assert(pk->confidence >= 0.0 && pk->confidence < 0.5);
    ck_assert(fabs(pk->pressure_kpa - 40.0) < 1e-6);
    rm_free(s.peaks);
}
END_TEST

/* A bump on one pass in four is noise, however high. */
START_TEST(test_peak_stack_one_pass_bump_is_no_spot)
{
    static stack_session s;
    memset(&s, 0, sizeof s);
    double x[1] = { 20.0 }, r[1] = { 0.2 }, zero[1] = { 0.0 };
    medial_pass(&s, x, r, 1);
    for (int i = 0; i < 3; i++)
        medial_pass(&s, x, zero, 1);
    stack(&s);
    ck_assert_uint_eq(s.n_peaks, 0);
    rm_free(s.peaks);
}
END_TEST

/* A bump 5 cm from one 2.7 times its height is its echo; one 5 cm from
 * a spot of its own height is a spot. */
START_TEST(test_peak_stack_echo_of_a_stronger_place_is_dropped)
{
    static stack_session s;
    memset(&s, 0, sizeof s);
    double x[2] = { 15.0, 20.0 }, echo[2] = { 0.16, 0.06 },
           pair[2] = { 0.08, 0.06 };
    for (int i = 0; i < 4; i++)
        medial_pass(&s, x, echo, 2);
    stack(&s);
    ck_assert_ptr_nonnull(near(s.peaks, s.n_peaks, RM_LINE_MEDIAL, 15.0));
    ck_assert_ptr_null(near(s.peaks, s.n_peaks, RM_LINE_MEDIAL, 20.0));
    rm_free(s.peaks);

    memset(&s, 0, sizeof s);
    for (int i = 0; i < 4; i++)
        medial_pass(&s, x, pair, 2);
    stack(&s);
    ck_assert_ptr_nonnull(near(s.peaks, s.n_peaks, RM_LINE_MEDIAL, 20.0));
    rm_free(s.peaks);
}
END_TEST

/* Whether a medial spot at 20 cm rising `rise` is stacked from `med`
 * medial passes, the first `med_shown` of them showing it, and `mid`
 * middle passes, the first `mid_shown` showing it. */
static int medial_spot_stacked(double rise, int med, int med_shown, int mid,
                               int mid_shown)
{
    static stack_session s;
    memset(&s, 0, sizeof s);
    double x[1] = { 20.0 }, r[1] = { rise };
    for (int i = 0; i < med; i++)
        line_pass(&s, RM_LINE_MEDIAL, x, r, i < med_shown);
    for (int i = 0; i < mid; i++)
        line_pass(&s, RM_LINE_MIDDLE, x, r, i < mid_shown);
    stack(&s);
    int found = near(s.peaks, s.n_peaks, RM_LINE_MEDIAL, 20.0) != NULL;
    rm_free(s.peaks);
    return found;
}

/* A medial spot whose line was rolled over it once, and shown on that
 * pass and on the three middle passes over it, is a stacked spot: every
 * own pass showed it (STACK_OWN_PASSES 1; with two asked it could never
 * be found). */
START_TEST(test_peak_stack_spot_on_a_line_rolled_once)
{
    static stack_session s;
    memset(&s, 0, sizeof s);
    double x[1] = { 20.0 }, r[1] = { 0.06 };
    line_pass(&s, RM_LINE_MEDIAL, x, r, 1);
    for (int i = 0; i < 3; i++)
        line_pass(&s, RM_LINE_MIDDLE, x, r, 1);
    stack(&s);
    const rm_peak *pk = near(s.peaks, s.n_peaks, RM_LINE_MEDIAL, 20.0);
    ck_assert_ptr_nonnull(pk);
    ck_assert_uint_eq(pk->passes, 4);
    rm_free(s.peaks);

    /* ... but not when that one own pass did not show it. */
    ck_assert(!medial_spot_stacked(0.06, 1, 0, 3, 3));
}
END_TEST

/* A spot on all four medial passes and on one of five middle passes
 * (middle passes count half: 4.5 of 6.5, 0.69) is a stacked spot; with
 * none of the middle passes showing it (4 of 6.5, 0.62) too; its own
 * line showing it on two of four is not. */
START_TEST(test_peak_stack_spot_on_three_in_five_of_the_passes)
{
    for (int mid_shown = 1; mid_shown >= 0; mid_shown--)
        ck_assert(medial_spot_stacked(0.08, 4, 4, 5, mid_shown));
    ck_assert(!medial_spot_stacked(0.08, 4, 2, 2, 2));
}
END_TEST

/* Grouping adds a stacked spot 5 cm from a strong peak of its line
 * (where a weak one would be dropped as that peak's echo), but not one
 * within RESOLVE_CM of a peak of its line, and a stacked spot never
 * hides a peak of the candidates. */
START_TEST(test_peak_stack_spots_join_the_groups)
{
    static stack_session s;
    memset(&s, 0, sizeof s);
    for (int i = 0; i < 4; i++)
        medial_pass(&s, NULL, NULL, 0);
    rm_peak st[2];
    memset(st, 0, sizeof st);
    st[0].position_cm = 20.0;
    st[0].line = RM_LINE_MEDIAL;
    st[0].score = 0.02;
    st[1] = st[0];
    st[1].position_cm = 16.5;
    rm_peak_cand c[4];
    rm_placed_cand v[4];
    memset(c, 0, sizeof c);
    for (int i = 0; i < 4; i++) {
        c[i].pass = i;
        c[i].rise = 0.12f;
        c[i].kpa = 40.0f;
        v[i].x = 15.0;
        v[i].line = RM_LINE_MEDIAL;
        v[i].c = &c[i];
    }
    rm_peak_frame f = frame(&s);
    f.stacked = st;
    f.n_stacked = 1;
    rm_peak *out = NULL;
    size_t n = 0;
    ck_assert_int_eq(rm_peaks_group(&f, v, 4, &out, &n), RM_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_ptr_nonnull(near(out, n, RM_LINE_MEDIAL, 15.0));
    ck_assert_ptr_nonnull(near(out, n, RM_LINE_MEDIAL, 20.0));
    rm_free(out);

    f.stacked = &st[1];
    ck_assert_int_eq(rm_peaks_group(&f, v, 4, &out, &n), RM_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_nonnull(near(out, n, RM_LINE_MEDIAL, 15.0));
    rm_free(out);
}
END_TEST

/* A weak group 4 cm from a strong peak of its line is dropped as its
 * echo (WEAK_NEAR_CM); a stacked spot 1 cm from that dropped group is
 * judged against the peaks that stay, so it is added. */
START_TEST(test_peak_stack_spot_beside_a_dropped_weak_peak_is_added)
{
    static stack_session s;
    memset(&s, 0, sizeof s);
    for (int i = 0; i < 4; i++)
        medial_pass(&s, NULL, NULL, 0);
    rm_peak st;
    memset(&st, 0, sizeof st);
    st.position_cm = 20.0;
    st.line = RM_LINE_MEDIAL;
    st.score = 0.02;
    rm_peak_cand c[8];
    rm_placed_cand v[8];
    memset(c, 0, sizeof c);
    for (int i = 0; i < 8; i++) {
        int strong = i < 4;
        c[i].pass = i % 4;
        c[i].rise = strong ? 0.12f : 0.04f;
        c[i].weak = !strong;
        c[i].kpa = 40.0f;
        v[i].x = strong ? 15.0 : 19.0;
        v[i].line = RM_LINE_MEDIAL;
        v[i].c = &c[i];
    }
    rm_peak_frame f = frame(&s);
    rm_peak *out = NULL;
    size_t n = 0;
    /* Without the stacked spot: the weak group is the strong one's
     * echo. */
    ck_assert_int_eq(rm_peaks_group(&f, v, 8, &out, &n), RM_OK);
    ck_assert_uint_eq(n, 1);
    rm_free(out);
    f.stacked = &st;
    f.n_stacked = 1;
    ck_assert_int_eq(rm_peaks_group(&f, v, 8, &out, &n), RM_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_ptr_nonnull(near(out, n, RM_LINE_MEDIAL, 15.0));
    ck_assert_ptr_nonnull(near(out, n, RM_LINE_MEDIAL, 20.0));
    rm_free(out);
}
END_TEST

/* Four candidates at 20.5 cm on four medial passes, weak (0.03 of the
 * load) or strong (0.12), in v[0..3]. */
static void cands_at(rm_peak_cand *c, rm_placed_cand *v, float rise)
{
    memset(c, 0, 4 * sizeof *c);
    for (int i = 0; i < 4; i++) {
        c[i].pass = i;
        c[i].rise = rise;
        c[i].weak = rise < 0.06f;
        c[i].kpa = 40.0f;
        v[i].x = 20.5;
        v[i].line = RM_LINE_MEDIAL;
        v[i].c = &c[i];
    }
}

/* A weak peak 5.5 cm from a place its line's stacked mean shows 15 times
 * as high is that place's echo and is dropped; without the profile it
 * stays, and so does a sure peak (strong candidates) there. */
START_TEST(test_peak_stack_uncertain_peak_under_a_stacked_parent_is_an_echo)
{
    static stack_session s;
    memset(&s, 0, sizeof s);
    double x[2] = { 15.0, 20.5 }, r[2] = { 0.3, 0.02 };
    for (int i = 0; i < 4; i++)
        medial_pass(&s, x, r, 2);
    rm_peak_frame f = frame(&s);
    int ng = rm_peaks_stack_bins(f.length_cm);
    static float prof[4 * 200];
    ck_assert_int_le(4 * ng, 4 * 200);
    rm_peak *st = NULL;
    size_t n_st = 0;
    ck_assert_int_eq(rm_peaks_stack_profile(&f, RM_LEG_LEFT, s.placed,
                                            s.n_rows, &st, &n_st, prof),
                     RM_OK);
    rm_free(st);
    rm_peak_cand c[4];
    rm_placed_cand v[4];
    rm_peak *out = NULL;
    size_t n = 0;
    cands_at(c, v, 0.03f);
    ck_assert_int_eq(rm_peaks_group(&f, v, 4, &out, &n), RM_OK);
    ck_assert_uint_eq(n, 1);
    /* The echo rule reads the peak's strength (rm_conf_peak: its rise
     * under peak_min_rise), not the confidence it is reported with: as
     * the session's only spot, shown on every pass, that is 0.93 and
     * would have spared the echo below. */
    ck_assert(rm_conf_peak(0.03, f.min_rise, 4, 4, f.min_passes) < 0.5);
    ck_assert(out[0].confidence >= 0.5);
    rm_free(out);
    f.prof = prof;
    f.prof_ng = ng;
    ck_assert_int_eq(rm_peaks_group(&f, v, 4, &out, &n), RM_OK);
    ck_assert_uint_eq(n, 0);
    rm_free(out);
    cands_at(c, v, 0.12f);
    ck_assert_int_eq(rm_peaks_group(&f, v, 4, &out, &n), RM_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert(out[0].confidence >= 0.5);
    rm_free(out);
}
END_TEST

Suite *peak_stack_suite(void)
{
    Suite *s = suite_create("peak_stack");
    TCase *tc = tcase_create("stack");
    tcase_add_test(tc, test_peak_stack_recurring_bump_is_a_spot);
    tcase_add_test(tc, test_peak_stack_one_pass_bump_is_no_spot);
    tcase_add_test(tc, test_peak_stack_echo_of_a_stronger_place_is_dropped);
    tcase_add_test(tc, test_peak_stack_spot_on_a_line_rolled_once);
    tcase_add_test(tc, test_peak_stack_spot_on_three_in_five_of_the_passes);
    tcase_add_test(tc, test_peak_stack_spots_join_the_groups);
    tcase_add_test(tc,
                   test_peak_stack_spot_beside_a_dropped_weak_peak_is_added);
    tcase_add_test(
        tc, test_peak_stack_uncertain_peak_under_a_stacked_parent_is_an_echo);
    suite_add_tcase(s, tc);
    return s;
}
