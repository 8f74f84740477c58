/*
 * Grouping of placed peak candidates into peaks (lib/engine/
 * peak_groups.c, rm_peaks_group) on hand-built sessions: a 40 cm calf,
 * every pass rolled end to end (2-38 cm), candidates put straight on the
 * calf with the line of their spot, as place_candidates would hand them.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "engine/engine_priv.h"

#define MAX_PASSES 16
#define MAX_CANDS 64
/* Rises of a strong candidate (over peak_min_rise, 0.06) and of a weak
 * one (over half of it, peaks.c). */
#define STRONG 0.09
#define WEAK 0.04

typedef struct session {
    rm_pass passes[MAX_PASSES];
    size_t n_passes;
    rm_peak_cand cand[MAX_CANDS];
    rm_placed_cand placed[MAX_CANDS];
    size_t n_cands;
    rm_peak *peaks;
    size_t n_peaks;
} session;

/* A pass over the whole calf on `line`; returns its index. */
static int add_pass(session *s, rm_line line)
{
    rm_pass *p = &s->passes[s->n_passes];
    memset(p, 0, sizeof *p);
    p->from_cm = 2.0;
    p->to_cm = 38.0;
    p->direction = 1;
    p->line = line;
    return (int)s->n_passes++;
}

/* A candidate of pass `pass` at x cm, read as a spot of `line`. */
static void add_cand(session *s, int pass, double x, rm_line line,
                     double rise)
{
    rm_peak_cand *c = &s->cand[s->n_cands];
    memset(c, 0, sizeof *c);
    c->pass = pass;
    c->rise = (float)rise;
    c->kpa = 40.0f;
    c->weak = rise < 0.06;
    s->placed[s->n_cands].x = x;
    s->placed[s->n_cands].line = line;
    s->placed[s->n_cands].c = c;
    s->n_cands++;
}

static void group(session *s)
{
    rm_engine_config cfg;
    rm_engine_config_default(&cfg);
    rm_peak_frame f = { s->passes, s->n_passes, 40.0, cfg.peak_min_passes,
                        cfg.peak_min_rise, NULL, 0, NULL, 0 };
    ck_assert_int_eq(rm_peaks_group(&f, s->placed, s->n_cands, &s->peaks,
                                    &s->n_peaks), RM_OK);
}

/* The peak of `line` within 1 cm of x, or NULL. */
static const rm_peak *peak_near(const session *s, rm_line line, double x)
{
    for (size_t i = 0; i < s->n_peaks; i++)
        if (s->peaks[i].line == line && fabs(s->peaks[i].position_cm - x) <= 1)
            return &s->peaks[i];
    return NULL;
}

static void done(session *s)
{
    rm_free(s->peaks);
}

/* A strong medial spot at 20 cm on the three medial passes, and two
 * middle passes over it. */
static void strong_medial_spot(session *s, int *mid0, int *mid1)
{
    for (int k = 0; k < 3; k++)
        add_cand(s, add_pass(s, RM_LINE_MEDIAL), 20.0, RM_LINE_MEDIAL,
                 STRONG);
    *mid0 = add_pass(s, RM_LINE_MIDDLE);
    *mid1 = add_pass(s, RM_LINE_MIDDLE);
}

/* A weak lateral spot 2.5 cm from a strong medial one, seen on both
 * lateral passes (under the loaded middle) and on both middle passes
 * (toward its side): a spot in the leg, not the medial spot's echo,
 * which comes from one way of lying on the roller. */
START_TEST(test_peak_groups_weak_spot_seen_both_ways_is_not_an_echo)
{
    session s = { 0 };
    int m0, m1;
    strong_medial_spot(&s, &m0, &m1);
    int l0 = add_pass(&s, RM_LINE_LATERAL), l1 = add_pass(&s, RM_LINE_LATERAL);
    add_cand(&s, l0, 22.5, RM_LINE_LATERAL, WEAK);
    add_cand(&s, l1, 22.4, RM_LINE_LATERAL, WEAK);
    add_cand(&s, m0, 22.6, RM_LINE_LATERAL, WEAK);
    add_cand(&s, m1, 22.5, RM_LINE_LATERAL, WEAK);
    group(&s);
    ck_assert_ptr_nonnull(peak_near(&s, RM_LINE_MEDIAL, 20.0));
    const rm_peak *lat = peak_near(&s, RM_LINE_LATERAL, 22.5);
    ck_assert_ptr_nonnull(lat);
    ck_assert_uint_eq(lat->passes, 4);
    /* Weaker than the session's strongest spot, so less sure of
     * (rm_conf_peak_stated). */
    ck_assert(lat->confidence <
              peak_near(&s, RM_LINE_MEDIAL, 20.0)->confidence);
    done(&s);
}
END_TEST

/* The same weak lateral bump seen only on the lateral passes is the
 * medial spot's echo and goes. */
START_TEST(test_peak_groups_weak_spot_seen_one_way_near_strong_is_echo)
{
    session s = { 0 };
    int m0, m1;
    strong_medial_spot(&s, &m0, &m1);
    int l[3];
    for (int k = 0; k < 3; k++) {
        l[k] = add_pass(&s, RM_LINE_LATERAL);
        add_cand(&s, l[k], 22.5, RM_LINE_LATERAL, WEAK);
    }
    group(&s);
    ck_assert_ptr_nonnull(peak_near(&s, RM_LINE_MEDIAL, 20.0));
    ck_assert_ptr_null(peak_near(&s, RM_LINE_LATERAL, 22.5));
    ck_assert_uint_eq(s.n_peaks, 1);
    done(&s);
}
END_TEST

/* The same weak lateral bump at the medial spot's own place (0.3 cm
 * along) is no echo: there the medial spot makes the lateral cells dip,
 * and the echo lies beside the dip. It is a second spot at the same
 * height and stays. */
START_TEST(test_peak_groups_weak_spot_at_strong_ones_place_is_not_echo)
{
    session s = { 0 };
    int m0, m1;
    strong_medial_spot(&s, &m0, &m1);
    for (int k = 0; k < 3; k++)
        add_cand(&s, add_pass(&s, RM_LINE_LATERAL), 20.3, RM_LINE_LATERAL,
                 WEAK);
    group(&s);
    ck_assert_ptr_nonnull(peak_near(&s, RM_LINE_MEDIAL, 20.0));
    const rm_peak *lat = peak_near(&s, RM_LINE_LATERAL, 20.3);
    ck_assert_ptr_nonnull(lat);
    ck_assert(lat->confidence <
              peak_near(&s, RM_LINE_MEDIAL, 20.0)->confidence);
    ck_assert_uint_eq(s.n_peaks, 2);
    done(&s);
}
END_TEST

/* A spot over peak_min_rise on one medial pass and weakly on the other
 * two: grouped by tier, one strong showing and two weak ones each fell
 * short; together they are a spot on all three passes. */
START_TEST(test_peak_groups_strong_spot_counts_weak_showings)
{
    session s = { 0 };
    int p0 = add_pass(&s, RM_LINE_MEDIAL), p1 = add_pass(&s, RM_LINE_MEDIAL),
        p2 = add_pass(&s, RM_LINE_MEDIAL);
    add_cand(&s, p0, 15.0, RM_LINE_MEDIAL, STRONG);
    add_cand(&s, p1, 15.4, RM_LINE_MEDIAL, WEAK);
    add_cand(&s, p2, 14.7, RM_LINE_MEDIAL, WEAK);
    group(&s);
    ck_assert_uint_eq(s.n_peaks, 1);
    const rm_peak *pk = peak_near(&s, RM_LINE_MEDIAL, 15.0);
    ck_assert_ptr_nonnull(pk);
    ck_assert_uint_eq(pk->passes, 3);
    /* Its mean rise counts the weak showings (under peak_min_rise: its
     * strength, rm_conf_peak, is low), but it is the session's only spot
     * and showed on every pass over it: such peaks lie on a spot about
     * 0.93 of the time (docs/engine.md, "Peak confidence"). */
    ck_assert_double_eq_tol(pk->score, 1.0, 1e-12);
    ck_assert_double_eq_tol(pk->confidence, rm_conf_peak_stated(1.0, 1),
                            1e-12);
    done(&s);
}
END_TEST

/* One strong showing with nothing on the other passes is no spot. */
START_TEST(test_peak_groups_single_strong_showing_alone_is_no_spot)
{
    session s = { 0 };
    int p0 = add_pass(&s, RM_LINE_MEDIAL);
    add_pass(&s, RM_LINE_MEDIAL);
    add_pass(&s, RM_LINE_MEDIAL);
    add_cand(&s, p0, 15.0, RM_LINE_MEDIAL, STRONG);
    /* A weak bump of another pass 3 cm away is not this spot. */
    add_cand(&s, 1, 18.0, RM_LINE_MEDIAL, WEAK);
    group(&s);
    ck_assert_uint_eq(s.n_peaks, 0);
    done(&s);
}
END_TEST

/* A weak lateral spot on both lateral passes over it, which rolling
 * flat (two middle passes) did not show: its own line was rolled only
 * twice, so three passes could never be had. */
START_TEST(test_peak_groups_weak_spot_on_every_own_pass)
{
    session s = { 0 };
    add_pass(&s, RM_LINE_MIDDLE);
    add_pass(&s, RM_LINE_MIDDLE);
    add_cand(&s, add_pass(&s, RM_LINE_LATERAL), 25.0, RM_LINE_LATERAL, WEAK);
    add_cand(&s, add_pass(&s, RM_LINE_LATERAL), 25.3, RM_LINE_LATERAL, WEAK);
    group(&s);
    ck_assert_uint_eq(s.n_peaks, 1);
    ck_assert_ptr_nonnull(peak_near(&s, RM_LINE_LATERAL, 25.1));
    done(&s);
}
END_TEST

/* ... but on two of three lateral passes it is not on every one. */
START_TEST(test_peak_groups_weak_spot_missing_an_own_pass_is_dropped)
{
    session s = { 0 };
    add_pass(&s, RM_LINE_MIDDLE);
    add_pass(&s, RM_LINE_MIDDLE);
    add_cand(&s, add_pass(&s, RM_LINE_LATERAL), 25.0, RM_LINE_LATERAL, WEAK);
    add_cand(&s, add_pass(&s, RM_LINE_LATERAL), 25.3, RM_LINE_LATERAL, WEAK);
    add_pass(&s, RM_LINE_LATERAL);
    group(&s);
    ck_assert_uint_eq(s.n_peaks, 0);
    done(&s);
}
END_TEST

/* A weak lateral spot on three of four lateral passes, two middle
 * passes not showing it: 3 of the 5 passes over it (middle ones count
 * half), under three in four. */
START_TEST(test_peak_groups_weak_spot_on_three_of_five_is_dropped)
{
    session s = { 0 };
    add_pass(&s, RM_LINE_MIDDLE);
    add_pass(&s, RM_LINE_MIDDLE);
    for (int k = 0; k < 3; k++)
        add_cand(&s, add_pass(&s, RM_LINE_LATERAL), 25.0 + 0.2 * k,
                 RM_LINE_LATERAL, WEAK);
    add_pass(&s, RM_LINE_LATERAL);
    group(&s);
    ck_assert_uint_eq(s.n_peaks, 0);
    done(&s);
}
END_TEST

/* Read as a middle spot from the far side of three medial passes
 * (where a lateral spot at the unloaded edge reads too) but never on the
 * two middle passes over it: no middle spot. */
static void middle_spot_from_medial_passes(session *s)
{
    for (int k = 0; k < 3; k++)
        add_cand(s, add_pass(s, RM_LINE_MEDIAL), 18.0, RM_LINE_MIDDLE,
                 STRONG);
}

START_TEST(test_peak_groups_middle_spot_must_show_on_a_middle_pass)
{
    session s = { 0 };
    middle_spot_from_medial_passes(&s);
    add_pass(&s, RM_LINE_MIDDLE);
    add_pass(&s, RM_LINE_MIDDLE);
    group(&s);
    ck_assert_uint_eq(s.n_peaks, 0);
    done(&s);
}
END_TEST

/* ... and is one when a middle pass shows it as well. */
START_TEST(test_peak_groups_middle_spot_shown_on_a_middle_pass)
{
    session s = { 0 };
    middle_spot_from_medial_passes(&s);
    add_cand(&s, add_pass(&s, RM_LINE_MIDDLE), 18.2, RM_LINE_MIDDLE, STRONG);
    add_pass(&s, RM_LINE_MIDDLE);
    group(&s);
    ck_assert_uint_eq(s.n_peaks, 1);
    ck_assert_ptr_nonnull(peak_near(&s, RM_LINE_MIDDLE, 18.0));
    done(&s);
}
END_TEST

/* A middle group 1.5 cm along from a medial spot is that spot read off
 * its line (rolled flat, nearer the centre than SIDE_U): only the
 * medial peak is reported. One 5 cm along is a spot of its own. */
START_TEST(test_peak_groups_middle_beside_a_side_spot_is_that_spot)
{
    for (int far = 0; far <= 1; far++) {
        session s = { 0 };
        int m0, m1;
        strong_medial_spot(&s, &m0, &m1);
        (void)m0;
        (void)m1;
        double x = far ? 25.0 : 21.5;
        /* Shown on every pass over it (the medial passes read it toward
         * their unloaded side). */
        for (int pi = 0; pi < (int)s.n_passes; pi++)
            add_cand(&s, pi, x + 0.1 * pi, RM_LINE_MIDDLE, STRONG);
        group(&s);
        ck_assert_ptr_nonnull(peak_near(&s, RM_LINE_MEDIAL, 20.0));
        if (far)
            ck_assert_ptr_nonnull(peak_near(&s, RM_LINE_MIDDLE, x));
        else
            ck_assert_ptr_null(peak_near(&s, RM_LINE_MIDDLE, x));
        /* Scores stay relative to the strongest spot reported. */
        double best = 0.0;
        for (size_t i = 0; i < s.n_peaks; i++)
            best = s.peaks[i].score > best ? s.peaks[i].score : best;
        ck_assert(fabs(best - 1.0) < 1e-9);
        done(&s);
    }
}
END_TEST

/* A spot at 13.6-14.8 cm (centre 14.2) and its echo at 15.9 cm, 1.7 cm
 * from that centre, on the same four passes are two groups, not one
 * spot between them: the spot stays where it is and the echo goes
 * (RESOLVE_CM). */
START_TEST(test_peak_groups_echo_on_the_same_passes_is_not_joined)
{
    session s = { 0 };
    for (int k = 0; k < 4; k++) {
        int p = add_pass(&s, RM_LINE_MEDIAL);
        add_cand(&s, p, 13.6 + 0.4 * k, RM_LINE_MEDIAL, STRONG);
        add_cand(&s, p, 15.9, RM_LINE_MEDIAL, 0.07);
    }
    group(&s);
    ck_assert_uint_eq(s.n_peaks, 1);
    ck_assert(fabs(s.peaks[0].position_cm - 14.2) < 0.01);
    ck_assert_uint_eq(s.peaks[0].passes, 4);
    done(&s);
}
END_TEST

Suite *peak_groups_suite(void)
{
    Suite *s = suite_create("peak_groups");
    TCase *tc = tcase_create("grouping");
    tcase_add_test(tc, test_peak_groups_weak_spot_seen_both_ways_is_not_an_echo);
    tcase_add_test(tc,
                   test_peak_groups_weak_spot_seen_one_way_near_strong_is_echo);
    tcase_add_test(tc,
                   test_peak_groups_weak_spot_at_strong_ones_place_is_not_echo);
    tcase_add_test(tc, test_peak_groups_strong_spot_counts_weak_showings);
    tcase_add_test(tc, test_peak_groups_single_strong_showing_alone_is_no_spot);
    tcase_add_test(tc, test_peak_groups_weak_spot_on_every_own_pass);
    tcase_add_test(tc,
                   test_peak_groups_weak_spot_missing_an_own_pass_is_dropped);
    tcase_add_test(tc, test_peak_groups_weak_spot_on_three_of_five_is_dropped);
    tcase_add_test(tc, test_peak_groups_middle_spot_must_show_on_a_middle_pass);
    tcase_add_test(tc, test_peak_groups_middle_spot_shown_on_a_middle_pass);
    tcase_add_test(tc, test_peak_groups_middle_beside_a_side_spot_is_that_spot);
    tcase_add_test(tc, test_peak_groups_echo_on_the_same_passes_is_not_joined);
    suite_add_tcase(s, tc);
    return s;
}
