/*
 * The finish stages (lib/engine/finish.h) on small hand-built inputs: a
 * few stretches and passes whose right placement is known by hand. Each
 * test names the rule it checks; the numbers are the worked examples in
 * the stages' comments.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/finish.h"
#include "engine/live_lines.h"

static const rm_line_rule RULE = { .leg = RM_LEG_RIGHT, .line_skew = 0.14,
                                   .tick_hz = 50.0 };

/* A pass record of stretch k, encoder from -> to, [t0, t1] s, leaning
 * skew over n ticks, mapped a + dir (e - pivot). */
static rm_pass_rec pass_rec(int k, double from, double to, double t0,
                            double t1, double skew, double n, double a,
                            double pivot)
{
    rm_pass_rec r;
    memset(&r, 0, sizeof r);
    r.stretch = k;
    r.enc_from = from;
    r.enc_to = to;
    r.pub.start_s = t0;
    r.pub.end_s = t1;
    r.skew = skew;
    r.n_skew = n;
    r.w_skew = n;
    r.placed = 1;
    r.map = (rm_calf_pos){ a, 1.0, pivot };
    return r;
}

/* ---- lines.c ---- */

START_TEST(test_short_pass_borrows_the_lean_of_its_stretch)
{
    /* A long pass leaning 0.30 (lateral on a right leg) and a short one
     * leaning 0: alone the short one reads middle; shrunk toward its
     * stretch (prior 2 s = 100 ticks) it is lateral. */
    rm_pass_rec p[2] = { pass_rec(0, 0, 30, 0, 10, 0.30, 100, 0, 0),
                         pass_rec(0, 30, 26, 10, 11, 0.0, 5, 0, 0) };
    ck_assert_int_eq(rm_line_from_skew(0.0, RM_LEG_RIGHT, 0.14),
                     RM_LINE_MIDDLE);
    ck_assert_int_eq(rm_pass_line(p, 2, &p[1], &RULE), RM_LINE_LATERAL);
    rm_lean l = rm_stretch_lean(p, 2, 0);
    ck_assert_double_eq_tol(l.sum / l.weight, 30.0 / 105.0, 1e-12);
    ck_assert_double_eq_tol(l.ticks, 105.0, 1e-12);
    /* Another stretch has no lean: unknown. */
    ck_assert_int_eq(rm_stretch_line(p, 2, 1, &RULE), RM_LINE_UNKNOWN);
}
END_TEST

START_TEST(test_hold_takes_the_line_of_enough_rolling_else_its_own)
{
    rm_hold_rec h;
    memset(&h, 0, sizeof h);
    h.stretch = 0;
    h.pub.line = RM_LINE_MEDIAL;
    /* 100 ticks of rolling is under 3 s at 50 ticks/s: its own line. */
    rm_pass_rec p = pass_rec(0, 0, 30, 0, 10, 0.30, 100, 0, 0);
    ck_assert_int_eq(rm_hold_line(&p, 1, &h, &RULE), RM_LINE_MEDIAL);
    /* 150 ticks is 3 s: the rolling's line. */
    p.n_skew = 150;
    ck_assert_int_eq(rm_hold_line(&p, 1, &h, &RULE), RM_LINE_LATERAL);
}
END_TEST

/* Passes with no lean and a mean CoP of cop[i] mm over 100 ticks each,
 * each a placement (stretch) of its own: the leg is turned onto a line
 * for a placement. */
static void cop_passes(rm_pass_rec *p, const double *cop, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = pass_rec((int)i, 0, 30, (double)i * 10, (double)i * 10 + 9,
                        0.02, 100, 0, 0);
        p[i].cop_mm = cop[i];
        p[i].n_cop = 100;
    }
}

START_TEST(test_cop_groups_name_the_lines_when_nothing_leans)
{
    /* A leg resting 20 mm off the strip's middle (110 mm), turned onto
     * its sides: the footprint moves 22 mm either way and barely leans.
     * The lean alone calls all middle; the session's CoP groups give
     * middle at 130, medial at 108 (right leg: low cells) and lateral. */
    const double cop[6] = { 108.5, 130.0, 152.0, 107.0, 131.5, 151.0 };
    rm_pass_rec p[6];
    cop_passes(p, cop, 6);
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    ck_assert_int_eq(rm_pass_line(p, 6, &p[0], &r), RM_LINE_MIDDLE);
    rm_lines_fit(p, 6, &r);
    ck_assert_int_eq(r.cop_on, 1);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[0], &r), RM_LINE_MEDIAL);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[1], &r), RM_LINE_MIDDLE);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[2], &r), RM_LINE_LATERAL);
    /* A hold sitting on the lateral line (its own CoP). */
    rm_hold_rec h;
    memset(&h, 0, sizeof h);
    h.cop_mm = 149.0;
    h.pub.line = RM_LINE_MIDDLE;
    ck_assert_int_eq(rm_hold_line(p, 6, &h, &r), RM_LINE_LATERAL);
    /* The left leg's medial side is the high cells. */
    r.leg = RM_LEG_LEFT;
    ck_assert_int_eq(rm_line_from_cop(152.0, &r), RM_LINE_MEDIAL);
}
END_TEST

START_TEST(test_two_cop_groups_middle_nearer_the_strip_middle_one_group_middle)
{
    /* Mostly the medial line (right leg: low cells) and some middle: two
     * groups 20 mm apart; the one nearer the strip's middle is middle. */
    const double cop[5] = { 95.0, 96.0, 94.5, 115.0, 116.0 };
    rm_pass_rec p[5];
    cop_passes(p, cop, 5);
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(p, 5, &r);
    ck_assert_int_eq(rm_pass_line(p, 5, &p[0], &r), RM_LINE_MEDIAL);
    ck_assert_int_eq(rm_pass_line(p, 5, &p[3], &r), RM_LINE_MIDDLE);
    /* Which one is the middle is the strip's middle's guess (the leg
     * rests anywhere within +-25 mm of it): not stated, even at a group
     * centre over 5 s. */
    ck_assert_int_eq(r.cop_groups, 2);
    ck_assert_int_eq(r.cop_mid_guessed, 1);
    ck_assert(rm_conf_cop_line(95.0, &r, 5.0) < RM_CONFIDENCE_LOW);
    /* Two groups 40 mm apart are both sides: stated at a centre. */
    const double sides[5] = { 90.0, 91.0, 89.5, 130.0, 131.0 };
    cop_passes(p, sides, 5);
    r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(p, 5, &r);
    ck_assert_int_eq(r.cop_mid_guessed, 0);
    ck_assert_int_eq(rm_pass_line(p, 5, &p[3], &r), RM_LINE_LATERAL);
    ck_assert(rm_conf_cop_line(90.2, &r, 5.0) >= RM_CONFIDENCE_LOW);
    /* Three passes at one place (drift 2 mm): all middle. */
    const double one[3] = { 120.0, 121.0, 122.0 };
    cop_passes(p, one, 3);
    r = RULE;
    rm_lines_fit(p, 3, &r);
    ck_assert_int_eq(rm_pass_line(p, 3, &p[2], &r), RM_LINE_MIDDLE);
}
END_TEST

START_TEST(test_a_leaning_session_keeps_the_lean)
{
    /* The leans are well past line_skew: the lean names the lines, the
     * CoP (which here differs by placement) is not used. */
    const double cop[4] = { 80.0, 140.0, 82.0, 139.0 };
    rm_pass_rec p[4];
    cop_passes(p, cop, 4);
    p[0].skew = p[1].skew = 0.3;
    p[2].skew = p[3].skew = -0.3;
    rm_line_rule r = RULE;
    rm_lines_fit(p, 4, &r);
    ck_assert_int_eq(r.cop_on, 0);
    ck_assert_int_eq(rm_pass_line(p, 4, &p[1], &r), RM_LINE_LATERAL);
}
END_TEST

START_TEST(test_cop_groups_6_mm_apart_are_lines)
{
    /* A leg resting still, turned onto its sides by a lean that also
     * moves the CoP 6-7 mm (a narrow footprint; a Gaussian one whose lean
     * the skewness does not show): three groups 6-7 mm apart, each
     * within 1 mm. Under the 9 mm the rule once asked, all middle. */
    const double cop[6] = { 100.0, 101.0, 107.0, 108.0, 114.0, 115.0 };
    rm_pass_rec p[6];
    cop_passes(p, cop, 6);
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(p, 6, &r);
    ck_assert_int_eq(r.cop_on, 1);
    ck_assert_int_eq(r.cop_groups, 3);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[0], &r), RM_LINE_MEDIAL);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[3], &r), RM_LINE_MIDDLE);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[5], &r), RM_LINE_LATERAL);
}
END_TEST

START_TEST(test_one_sided_lean_with_three_cop_groups_takes_the_cop)
{
    /* A skewed footprint (the medial head) leans 0.2 the same way on
     * every line, 40 s of it, while the CoP shows three lines 20 mm
     * apart: the lean is the footprint's, the CoP names the lines. One
     * placement a line (two passes each), so the placements do not
     * recur (test_recurring_placements_name_the_lines_not_the_lean). */
    const double cop[6] = { 90.0, 91.0, 110.0, 111.0, 130.0, 131.0 };
    rm_pass_rec p[6];
    cop_passes(p, cop, 6);
    for (int i = 0; i < 6; i++) {
        p[i].stretch = i / 2;
        p[i].skew = 0.2;
        p[i].n_skew = p[i].w_skew = 400;
    }
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(p, 6, &r);
    ck_assert_int_eq(r.cop_on, 1);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[0], &r), RM_LINE_MEDIAL);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[2], &r), RM_LINE_MIDDLE);
    /* Leaning both ways (the minority side 1/3 of it): the lean. */
    p[0].skew = p[1].skew = -0.2;
    r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(p, 6, &r);
    ck_assert_int_eq(r.cop_on, 0);
    /* One way but under 20 s of it (5 s): too little to call the lean a
     * footprint's; it names the lines. */
    for (int i = 0; i < 6; i++) {
        p[i].skew = 0.2;
        p[i].n_skew = p[i].w_skew = 40;
    }
    r = RULE;
    rm_lines_fit(p, 6, &r);
    ck_assert_int_eq(r.cop_on, 0);
}
END_TEST

START_TEST(test_one_pass_with_no_lean_names_no_line)
{
    /* The short scenario: one 8 s pass of a narrow footprint (no lean
     * votes). One CoP group from one pass says nothing about where the
     * session's middle line lies: unknown, confidence 0. */
    const double cop[1] = { 120.0 };
    rm_pass_rec p[1];
    cop_passes(p, cop, 1);
    p[0].n_skew = p[0].w_skew = 0;
    p[0].skew = NAN;
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(p, 1, &r);
    ck_assert_int_eq(rm_pass_line(p, 1, &p[0], &r), RM_LINE_UNKNOWN);
    ck_assert_double_eq(rm_conf_cop_line(120.0, &r, 8.0), 0.0);
    /* Two lean ticks past line_skew (the cell grid) do not make it a
     * leaning session either. */
    p[0].skew = 3.0;
    p[0].n_skew = p[0].w_skew = 2;
    r = RULE;
    rm_lines_fit(p, 1, &r);
    ck_assert_int_eq(rm_pass_line(p, 1, &p[0], &r), RM_LINE_UNKNOWN);
}
END_TEST

START_TEST(test_cop_line_confidence_follows_its_margin_and_groups)
{
    /* Groups 20 mm apart: boundaries at 100 and 120 mm, 10 mm from each
     * centre. 3 mm inside the middle line over 1.5 s: 0.76 x 0.85. */
    rm_line_rule r = RULE;
    r.cop_on = 1;
    r.cop_lo_mm = 100.0;
    r.cop_hi_mm = 120.0;
    r.cop_lo_gap_mm = r.cop_hi_gap_mm = 10.0;
    r.cop_groups = 3;
    ck_assert_double_eq_tol(rm_conf_cop_line(103.0, &r, 1.5), 0.76 * 0.85,
                            1e-9);
    /* At a group centre over 2 s: sure; just past a boundary: not. */
    ck_assert_double_eq_tol(rm_conf_cop_line(130.0, &r, 2.0), 1.0, 1e-12);
    ck_assert(rm_conf_cop_line(120.5, &r, 5.0) < RM_CONFIDENCE_LOW);
    /* One group: where the middle lies is a guess. */
    r.cop_groups = 1;
    ck_assert(rm_conf_cop_line(110.0, &r, 5.0) < RM_CONFIDENCE_LOW);
    r.cop_on = 0;
    ck_assert_double_eq(rm_conf_cop_line(110.0, &r, 5.0), 0.0);
}
END_TEST

START_TEST(test_a_short_pass_takes_the_cop_of_its_stretch)
{
    /* A shifting session: lines at 107, 130 and 150 mm (right leg: high
     * cells lateral). A short pass (0.8 s) of a lateral placement strays
     * to 138 mm (the footprint's shape where it rolled): alone it lies
     * past the lateral boundary (~140 mm), middle; shrunk toward its
     * placement's CoP (prior 4 s = 200 ticks) it is lateral. */
    const double cop[7] = { 108.0, 130.0, 152.0, 150.0, 138.0, 107.0, 131.0 };
    rm_pass_rec p[7];
    cop_passes(p, cop, 7);
    const int stretch[7] = { 0, 1, 2, 2, 2, 3, 4 };
    for (int i = 0; i < 7; i++)
        p[i].stretch = stretch[i];
    p[4].n_cop = 40;
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(p, 7, &r);
    ck_assert_int_eq(r.cop_on, 1);
    ck_assert_int_eq(r.cop_groups, 3);
    rm_cop_sum c = rm_stretch_cop(p, 7, 2);
    ck_assert_double_eq_tol(c.sum / c.n, 35720.0 / 240.0, 1e-9);
    ck_assert_double_eq_tol(rm_pass_cop(&c, 138.0, 40.0, r.tick_hz),
                            (138.0 * 40 + 35720.0 / 240.0 * 200) / 240,
                            1e-9);
    ck_assert_int_eq(rm_pass_line(p, 7, &p[4], &r), RM_LINE_LATERAL);
    ck_assert_int_eq(rm_pass_line(p, 7, &p[1], &r), RM_LINE_MIDDLE);
    ck_assert_int_eq(rm_pass_line(p, 7, &p[5], &r), RM_LINE_MEDIAL);
}
END_TEST

/* A leaning session (right leg): lateral placements lean +0.3 at CoP
 * lat_mm[], middle ones 0 at 106 / 105.5 mm, medial ones -0.3 at 100 /
 * 99.5 mm; then a placement whose pass leans 0.13 (just under
 * line_skew 0.14: it cannot tell) at 119.8 mm. 100 ticks a pass. The
 * middle line's CoP lies nearer the medial one's (6 mm against 14): the
 * gaps are too unlike for the placements' recurrence alone to name the
 * lines (RECUR_MIN_SYMMETRY in lines.c), so the lean does. */
static void leaning_session(rm_pass_rec *p, const double lat_mm[2])
{
    const double skew[7] = { 0.3, 0.0, -0.3, 0.3, 0.0, -0.3, 0.13 };
    const double cop[7] = { lat_mm[0], 106.0, 100.0, lat_mm[1],
                            105.5, 99.5, 119.8 };
    cop_passes(p, cop, 7);
    for (int i = 0; i < 7; i++)
        p[i].skew = skew[i];
}

START_TEST(test_a_lean_that_cannot_tell_goes_by_the_lean_named_cop)
{
    const double lat[2] = { 120.0, 120.5 };
    rm_pass_rec p[7];
    leaning_session(p, lat);
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    ck_assert_int_eq(rm_pass_line(p, 7, &p[6], &r), RM_LINE_MIDDLE);
    rm_lines_fit(p, 7, &r);
    ck_assert_int_eq(r.cop_on, 0);
    ck_assert_int_eq(r.lean_cop_on, 1);
    ck_assert_double_eq_tol(r.lean_cop_mm[0], 99.75, 1e-9);
    ck_assert_double_eq_tol(r.lean_cop_mm[2], 120.25, 1e-9);
    /* The lean-named CoPs lie 10 mm apart within 0.25 mm: the pass whose
     * lean cannot tell is on the lateral line's CoP, and sure of it. */
    ck_assert_int_eq(rm_pass_line(p, 7, &p[6], &r), RM_LINE_LATERAL);
    rm_line_rule v = rm_lean_cop_view(&r);
    ck_assert(rm_conf_cop_line(119.8, &v, 2.0) >= RM_CONFIDENCE_LOW);
    /* A clear lean keeps its own line whatever its CoP. */
    ck_assert_int_eq(rm_pass_line(p, 7, &p[1], &r), RM_LINE_MIDDLE);
    /* So does one whose CoP lies between the groups, far beyond their
     * spread (0.25 mm): a placement of its own, its CoP names nothing.
     * At 116 mm it is nearer the lateral centre but stays middle. */
    ck_assert_double_eq_tol(r.lean_cop_sd_mm, 0.25, 1e-9);
    p[6].cop_mm = 116.0;
    ck_assert_int_eq(rm_pass_line(p, 7, &p[6], &r), RM_LINE_MIDDLE);
    p[6].cop_mm = 119.8;
    /* A hold in that placement with no lean of its own (and under 3 s of
     * rolling around it): unknown by the lean, lateral by the CoP. */
    rm_hold_rec h;
    memset(&h, 0, sizeof h);
    h.stretch = 6;
    h.cop_mm = 120.0;
    h.pub.line = RM_LINE_UNKNOWN;
    ck_assert_int_eq(rm_hold_line(p, 7, &h, &r), RM_LINE_LATERAL);
}
END_TEST

START_TEST(test_scattered_lean_named_cops_leave_the_lean)
{
    /* Every placement landing elsewhere (the original physics): the two
     * lateral placements' CoPs lie 30 mm apart, the lean-named groups are
     * not tight, and the pass that cannot tell keeps its lean's line. */
    const double lat[2] = { 120.0, 90.0 };
    rm_pass_rec p[7];
    leaning_session(p, lat);
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(p, 7, &r);
    ck_assert_int_eq(r.cop_on, 0);
    ck_assert_int_eq(r.lean_cop_on, 0);
    ck_assert_int_eq(rm_pass_line(p, 7, &p[6], &r), RM_LINE_MIDDLE);
}
END_TEST

/* Six passes at these CoPs leaning so, the lines fitted about a strip
 * middle of 110 mm (the recurring-placements tests). */
static rm_line_rule fit_leaning_cops(rm_pass_rec *p, const double *cop,
                                     const double *skew)
{
    cop_passes(p, cop, 6);
    for (int i = 0; i < 6; i++)
        p[i].skew = skew[i];
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(p, 6, &r);
    return r;
}

START_TEST(test_recurring_placements_name_the_lines_not_the_lean)
{
    /* A resting place of the session's: six placements, two a line, land
     * on three CoP places 20 mm apart within 0.5 mm, while the footprint
     * leans the wrong way (a Gaussian footprint's lean flips): the
     * placements name the lines, as in a shifting session (right leg:
     * medial at low cells). */
    const double cop[6] = { 90.0, 110.0, 130.0, 90.5, 110.5, 130.5 };
    const double skew[6] = { 0.3, 0.0, -0.3, 0.3, 0.0, -0.3 };
    rm_pass_rec p[6];
    rm_line_rule r = fit_leaning_cops(p, cop, skew);
    ck_assert_int_eq(r.cop_on, 1);
    ck_assert_int_eq(r.cop_groups, 3);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[0], &r), RM_LINE_MEDIAL);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[4], &r), RM_LINE_MIDDLE);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[5], &r), RM_LINE_LATERAL);
    /* Placements landing where they will (the original physics): the
     * same three places, but each pair 6 mm apart (spread 3 mm, over a
     * tenth of the 20-mm gaps): the lean names the lines. */
    const double loose[6] = { 90.0, 110.0, 130.0, 96.0, 116.0, 136.0 };
    r = fit_leaning_cops(p, loose, skew);
    ck_assert_int_eq(r.cop_on, 0);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[0], &r), RM_LINE_LATERAL);
    /* Tight but one gap twice the other (10 and 20 mm): the lean. */
    const double uneven[6] = { 90.0, 100.0, 120.0, 90.5, 100.5, 120.5 };
    r = fit_leaning_cops(p, uneven, skew);
    ck_assert_int_eq(r.cop_on, 0);
    /* One placement a line (three stretches): nothing recurs, the lean. */
    cop_passes(p, cop, 6);
    for (int i = 0; i < 6; i++) {
        p[i].skew = skew[i];
        p[i].stretch = i % 3;
    }
    /* (stretches must run in time order: pair passes 0/3, 1/4, 2/5) */
    rm_pass_rec q[6] = { p[0], p[3], p[1], p[4], p[2], p[5] };
    r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(q, 6, &r);
    ck_assert_int_eq(r.cop_on, 0);
}
END_TEST

/* The live lines after passes p[0..n) (strip middle 110 mm), refitted. */
static void live_after(rm_live_lines *ll, const rm_pass_rec *p, int n)
{
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    rm_live_lines_init(ll, &r, 12, 20.0);
    for (int i = 0; i < n; i++)
        rm_live_lines_pass(ll, &p[i]);
    rm_live_lines_refit(ll, 100.0);
}

/* Six placements, one pass each (medial, middle, lateral twice; right
 * leg: medial at low cells), leaning so with these shapes. */
static rm_line_rule fit_shapes(rm_pass_rec *p, const double *skew,
                               const double *shape)
{
    const double cop[6] = { 95.0, 118.0, 104.0, 131.0, 110.0, 87.0 };
    cop_passes(p, cop, 6);
    for (int i = 0; i < 6; i++) {
        p[i].skew = skew[i];
        p[i].shape = shape[i];
        p[i].w_shape = shape[i] > 0 ? 100.0 : 0.0;
    }
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    rm_lines_fit(p, 6, &r);
    return r;
}

START_TEST(test_untilted_placements_are_the_middle_whatever_their_lean)
{
    /* A footprint that leans medially on every line (the bigger medial
     * head): the middle line leans -0.21, past line_skew, and the
     * lateral +0.09, under it. The placements' shapes split into untilted
     * (0.70-0.71: the middle) and tilted (0.61-0.63); the tilted lie on
     * either side of the untilted ones' lean. */
    const double skew[6] = { -0.40, -0.20, 0.10, -0.38, -0.22, 0.08 };
    const double shape[6] = { 0.62, 0.70, 0.63, 0.61, 0.71, 0.62 };
    const double none[6] = { 0 };
    rm_pass_rec p[6];
    rm_line_rule r = fit_shapes(p, skew, none);
    ck_assert_int_eq(r.tilt_on, 0);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[1], &r), RM_LINE_MEDIAL);
    ck_assert_int_eq(rm_pass_line(p, 6, &p[2], &r), RM_LINE_MIDDLE);
    r = fit_shapes(p, skew, shape);
    ck_assert_int_eq(r.cop_on, 0);
    ck_assert_int_eq(r.tilt_on, 1);
    ck_assert_double_eq_tol(r.tilt_cut, 0.665, 1e-9);
    ck_assert_double_eq_tol(r.tilt_zero, -0.21, 1e-9);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(rm_pass_line(p, 6, &p[i], &r),
                         i % 3 == 0   ? RM_LINE_MEDIAL
                         : i % 3 == 1 ? RM_LINE_MIDDLE
                                      : RM_LINE_LATERAL);
    ck_assert_int_eq(rm_stretch_line(p, 6, 2, &r), RM_LINE_LATERAL);
    ck_assert(rm_pass_line_conf(p, 6, &p[1], &r, RM_LINE_MIDDLE, 1.0) >
              0.9);
    /* The untilted placements lean as far apart as two lines (-0.20 and
     * +0.20): a side line's shape taken for the middle's; the lean. */
    const double apart[6] = { -0.40, -0.20, 0.10, -0.38, 0.20, 0.08 };
    r = fit_shapes(p, apart, shape);
    ck_assert_int_eq(r.tilt_on, 0);
    /* Shapes 0.18 apart: not a tilt (a grooved footprint); the lean. */
    const double far[6] = { 0.62, 0.80, 0.63, 0.61, 0.81, 0.62 };
    r = fit_shapes(p, skew, far);
    ck_assert_int_eq(r.tilt_on, 0);
    /* Live, the same rule on the stretches so far: a hold in the last
     * (lateral) placement, whose own lean (+0.09) reads middle. */
    fit_shapes(p, skew, shape);
    rm_live_lines ll;
    live_after(&ll, p, 6);
    ck_assert_int_eq(ll.rule.tilt_on, 1);
    ck_assert_int_eq(rm_live_lines_hold(&ll, 5, NAN, RM_LINE_MIDDLE),
                     RM_LINE_LATERAL);
}
END_TEST

START_TEST(test_live_lines_use_the_lean_named_cop_too)
{
    const double lat[2] = { 120.0, 120.5 };
    rm_pass_rec p[7];
    leaning_session(p, lat);
    rm_live_lines ll;
    live_after(&ll, p, 6);
    ck_assert_int_eq(ll.rule.cop_on, 0);
    ck_assert_int_eq(ll.rule.lean_cop_on, 1);
    /* The pass under way in a new placement, leaning 0.13 at 119.8 mm. */
    rm_lean own = { 0.13 * 100, 100, 100 };
    ck_assert_int_eq(rm_live_lines_rolling(&ll, 6, &own, 119.8 * 100, 100),
                     RM_LINE_LATERAL);
}
END_TEST

START_TEST(test_live_line_is_provisional_until_three_cop_groups)
{
    /* Live, the CoP rule on the passes so far: two groups (a random
     * placement of a leaning session looks the same) stay provisional,
     * three do not. */
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    rm_live_lines ll;
    rm_live_lines_init(&ll, &r, 12, 20.0);
    const double cop[6] = { 90.0, 110.0, 91.0, 111.0, 130.0, 131.0 };
    rm_pass_rec p[6];
    cop_passes(p, cop, 6);
    for (int i = 0; i < 6; i++)
        p[i].n_cop = 300;
    for (int i = 0; i < 4; i++)
        rm_live_lines_pass(&ll, &p[i]);
    rm_live_lines_refit(&ll, 100.0);
    ck_assert_int_eq(ll.groups, 2);
    ck_assert_int_eq(rm_live_lines_provisional(&ll, 0, 0, NAN), 1);
    for (int i = 4; i < 6; i++)
        rm_live_lines_pass(&ll, &p[i]);
    rm_live_lines_refit(&ll, 200.0);
    ck_assert_int_eq(ll.groups, 3);
    ck_assert_int_eq(rm_live_lines_provisional(&ll, 0, 0, NAN), 0);
}
END_TEST

START_TEST(test_live_cop_line_is_provisional_while_the_lean_may_decide)
{
    /* Three tight CoP groups over 36 s of CoP: clear while nothing leans.
     * With one pass in six leaning past line_skew (17 % of the rolling:
     * under the 35 % at which the lean names the lines, over the 15 % from
     * which more rolling on a side line may still get there) the CoP still
     * names the lines, provisionally. */
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    const double cop[6] = { 90.0, 110.0, 130.0, 91.0, 111.0, 131.0 };
    rm_pass_rec p[6];
    cop_passes(p, cop, 6);
    for (int i = 0; i < 6; i++)
        p[i].n_cop = 300;
    for (int leaning = 0; leaning <= 1; leaning++) {
        p[2].skew = leaning ? 0.30 : 0.02;
        rm_live_lines ll;
        rm_live_lines_init(&ll, &r, 12, 20.0);
        for (int i = 0; i < 6; i++)
            rm_live_lines_pass(&ll, &p[i]);
        rm_live_lines_refit(&ll, 100.0);
        ck_assert_int_eq(ll.rule.cop_on, 1);
        ck_assert_int_eq(ll.groups, 3);
        ck_assert_int_eq(ll.one_sided, 0);
        ck_assert_int_eq(rm_live_lines_provisional(&ll, 0, 1, 110.5),
                         leaning);
    }
}
END_TEST

START_TEST(test_live_hold_line_is_provisional_on_an_ambiguous_stretch_lean)
{
    /* A leaning session (six placements of 6 s each, both sides and the
     * middle), then a hold in a seventh whose 4 s of rolling so far lean
     * 0.16: past line_skew (0.14) but within the report's ambiguous band
     * (0.35 x 0.14) of it, where the stretch's rolling still to come
     * decides its line. Leaning 0.30 it is clear. */
    const double skew[6] = { 0.3, 0.0, -0.3, 0.3, 0.0, -0.3 };
    const double cop[7] = { 120.0, 110.0, 100.0, 90.0, 125.0, 105.0,
                            115.0 };
    rm_pass_rec p[7];
    cop_passes(p, cop, 7);
    for (int i = 0; i < 6; i++) {
        p[i].skew = skew[i];
        p[i].n_skew = p[i].w_skew = 300;
    }
    p[6].n_skew = p[6].w_skew = 200;
    rm_line_rule r = RULE;
    r.strip_mid_mm = 110.0;
    const double held[2] = { 0.16, 0.30 };
    for (int k = 0; k < 2; k++) {
        p[6].skew = held[k];
        rm_live_lines ll;
        rm_live_lines_init(&ll, &r, 12, 20.0);
        for (int i = 0; i < 7; i++)
            rm_live_lines_pass(&ll, &p[i]);
        rm_live_lines_refit(&ll, 100.0);
        ck_assert_int_eq(ll.rule.cop_on, 0);
        ck_assert_int_eq(rm_live_lines_hold(&ll, 6, NAN, RM_LINE_MIDDLE),
                         RM_LINE_LATERAL);
        ck_assert_int_eq(rm_live_lines_provisional(&ll, 6, 1, NAN), k == 0);
        /* Rolling, the pass's line is not the hold's: not flagged. */
        ck_assert_int_eq(rm_live_lines_provisional(&ll, 6, 0, NAN), 0);
    }
}
END_TEST

/* ---- placement.c ---- */

/* Widths and tick counts of a stretch over bins RM_SBIN0 .. + nb - 1. */
typedef struct prof {
    float w[RM_SBINS], n[RM_SBINS], k[RM_SBINS];
} prof;

static rm_stretch stretch_of(prof *pf, int nb, double enc0, double offset)
{
    for (int j = 0; j < nb; j++) {
        pf->n[j] = 2.0f;
        pf->w[j] = 2.0f * 80.0f;
        pf->k[j] = 2.0f * 100.0f;
    }
    rm_stretch s;
    memset(&s, 0, sizeof s);
    s.enc0_cm = enc0;
    s.bmin = RM_SBIN0;
    s.bmax = RM_SBIN0 + nb - 1;
    s.wsum = pf->w;
    s.n = pf->n;
    s.ksum = pf->k;
    s.placed = 1;
    s.offset_cm = offset;
    return s;
}

START_TEST(test_place_uses_the_pass_under_way_then_its_neighbours)
{
    static prof pf;
    rm_stretch st = stretch_of(&pf, 10, 0.0, 10.0);
    rm_align al = { .found = 1, .dir = 1, .length_cm = 36 };
    rm_pass_rec p[2] = { pass_rec(0, 0, 5, 0, 5, 0, 0, 10.0, 0.0),
                         pass_rec(0, 5, 0, 6, 10, 0, 0, 12.0, 0.0) };
    rm_layout lay = { &st, 1, p, 2, &al };
    /* During the first pass: its mapping. */
    ck_assert_double_eq_tol(rm_layout_place(&lay, 0, 3.0, 2, 3), 13.0, 1e-12);
    /* Between them (a turn): the mean of both mappings. */
    ck_assert_double_eq_tol(rm_layout_place(&lay, 0, 5.0, 5.5, 5.5), 16.0,
                            1e-12);
    /* No pass placed: the stretch's own place. */
    p[0].placed = p[1].placed = 0;
    ck_assert_double_eq_tol(rm_layout_place(&lay, 0, 3.0, 2, 3), 13.0, 1e-12);
    st.placed = 0;
    ck_assert(isnan(rm_layout_place(&lay, 0, 3.0, 2, 3)));
    ck_assert(isnan(rm_layout_place(&lay, 1, 3.0, 2, 3))); /* no stretch */
    /* Past an end of the calf (0..36): on the end, never outside. */
    st.placed = 1;
    ck_assert_double_eq_tol(rm_layout_place(&lay, 0, -12.0, 2, 3), 0.0,
                            1e-12);
    ck_assert_double_eq_tol(rm_layout_place(&lay, 0, 29.0, 2, 3), 36.0,
                            1e-12);
}
END_TEST

START_TEST(test_anchor_extent_becomes_the_calf_from_the_ankle)
{
    /* One anchor rolling 30 cm (60 bins), placed at 5 cm: its bins'
     * centres span 5.25..34.75, half a bin beyond each is the calf. */
    static prof pf;
    rm_stretch st = stretch_of(&pf, 60, 100.0, 5.0);
    rm_align al = { .found = 1, .dir = 1, .length_cm = 32 };
    rm_pass_rec p = pass_rec(0, 100, 130, 0, 10, 0, 0, 0, 0);
    p.wsum = pf.w;
    p.n = pf.n;
    p.bmin = RM_SBIN0;
    p.bmax = RM_SBIN0 + 59;
    rm_layout lay = { &st, 1, &p, 1, &al };
    ck_assert_int_eq(rm_place_passes(&lay, &RULE, 0.0), RM_OK);
    ck_assert_double_eq_tol(al.length_cm, 30.0, 1e-9);
    ck_assert_double_eq_tol(st.offset_cm, 0.0, 1e-9);
    ck_assert_int_eq(p.placed, 1);
    /* The pass starts where its stretch is: enc 100 at the ankle end. */
    ck_assert_double_eq_tol(rm_calf_x(&p.map, 1, 100.0), 0.0, 1e-9);
    ck_assert_double_eq_tol(rm_calf_x(&p.map, 1, 130.0), 30.0, 1e-9);
    /* A pass of under 4 bins has no profile to place by. */
    p.bmax = p.bmin + 3;
    ck_assert_int_eq(rm_place_passes(&lay, &RULE, 1.0), RM_OK);
    ck_assert_int_eq(p.placed, 0);
    ck_assert_double_eq_tol(al.length_cm, 32.0, 1e-9); /* + margins */
}
END_TEST

/* ---- slip.c ---- */

START_TEST(test_sweeps_are_runs_of_one_stretch_and_direction)
{
    rm_pass_rec p[5] = {
        pass_rec(0, 0, 10, 0, 1, 0, 0, 0, 0),
        pass_rec(0, 10, 30, 2, 3, 0, 0, 0, 0),  /* on after a hold */
        pass_rec(0, 30, 0, 4, 5, 0, 0, 0, 0),   /* turned */
        pass_rec(1, 0, -5, 6, 7, 0, 0, 0, 0),   /* unplaced: skipped */
        pass_rec(1, 0, -30, 8, 9, 0, 0, 0, 0),  /* new stretch */
    };
    p[3].placed = 0;
    rm_sweep sw[5];
    ck_assert_uint_eq(rm_sweeps_build(p, 5, sw), 3);
    ck_assert_uint_eq(sw[0].first, 0);
    ck_assert_uint_eq(sw[0].last, 1);
    ck_assert_double_eq(sw[0].e0, 0);
    ck_assert_double_eq(sw[0].e1, 30);
    ck_assert_uint_eq(sw[1].first, 2);
    ck_assert_uint_eq(sw[2].first, 4);
    ck_assert_int_eq(sw[2].fix, RM_SWEEP_KEPT);
}
END_TEST

START_TEST(test_sweep_ends_near_a_calf_end_and_at_reversals_are_turns)
{
    rm_pass_rec p[2] = { pass_rec(0, 0, 20, 0, 1, 0, 0, 1.0, 0),
                         pass_rec(0, 20, 5, 2, 3, 0, 0, 1.5, 0) };
    rm_align al = { .found = 1, .dir = 1, .length_cm = 36 };
    rm_layout lay = { NULL, 1, p, 2, &al };
    rm_sweep sw[2];
    ck_assert_uint_eq(rm_sweeps_build(p, 2, sw), 2);
    rm_sweeps_place(&lay, sw, 2);
    ck_assert_double_eq_tol(sw[0].x1, 21.0, 1e-12);
    ck_assert_double_eq_tol(sw[1].x0, 21.5, 1e-12);
    rm_sweeps_mark_ends(sw, 2, 36.0);
    ck_assert_int_eq(sw[0].end[0], RM_END_ANKLE); /* 1.0 < 3 cm */
    ck_assert_int_eq(sw[0].end[1], RM_END_NONE);
    ck_assert_int_eq(sw[1].end[1], RM_END_NONE);  /* 6.5: mid-calf */
    /* A reversal at 21.5 cm is no turn at the knee end: more than a
     * quarter of the length from it. */
    rm_sweeps_mark_turns(&lay, sw, 2);
    ck_assert_int_eq(sw[0].end[1], RM_END_NONE);
    /* At 31 cm (within a quarter of the knee end) it is, for both
     * sweeps' ends within 1 cm of the farther one. */
    p[0].map.a_cm = p[1].map.a_cm = 11.0;
    rm_sweeps_place(&lay, sw, 2);
    rm_sweeps_mark_turns(&lay, sw, 2);
    ck_assert_int_eq(sw[0].end[1], RM_END_KNEE);
    ck_assert_int_eq(sw[1].end[0], RM_END_KNEE);
}
END_TEST

static rm_sweep sweep_of(double x0, double x1, double e0, double e1,
                         rm_turn_end a, rm_turn_end b)
{
    rm_sweep w;
    memset(&w, 0, sizeof w);
    w.x0 = x0;
    w.x1 = x1;
    w.e0 = e0;
    w.e1 = e1;
    w.end[0] = a;
    w.end[1] = b;
    return w;
}

START_TEST(test_turning_points_and_full_sweeps_measure_the_calf)
{
    /* Turning points 1.0 and 37.5, three full sweeps of encoder span
     * 35.5 cm: spacing 36.5 disagrees by 1.0, so the points move to 1.5
     * and 37.0 about their middle; the ends half a band beyond. */
    rm_sweep sw[3];
    for (int k = 0; k < 3; k++)
        sw[k] = sweep_of(1.0, 37.5, 0.0, 35.5, RM_END_ANKLE, RM_END_KNEE);
    double scratch[6];
    rm_turns tp;
    ck_assert_int_eq(rm_turns_measure(sw, 3, scratch, &tp), 1);
    ck_assert_double_eq_tol(tp.ankle_cm, 1.5, 1e-12);
    ck_assert_double_eq_tol(tp.knee_cm, 37.0, 1e-12);
    ck_assert_double_eq_tol(tp.length_cm, 36.5, 1e-12);
    ck_assert_double_eq_tol(tp.shift_cm, 1.0, 1e-12);
    /* Two full sweeps are too few to overrule the turning points. */
    ck_assert_int_eq(rm_turns_measure(sw, 2, scratch, &tp), 1);
    ck_assert_double_eq_tol(tp.ankle_cm, 1.0, 1e-12);
    ck_assert_double_eq_tol(tp.length_cm, 37.5, 1e-12);
    /* One turn at the ankle is no measure. */
    sw[0].end[0] = RM_END_NONE;
    sw[1].end[0] = RM_END_NONE;
    ck_assert_int_eq(rm_turns_measure(sw, 3, scratch, &tp), 0);
}
END_TEST

START_TEST(test_measured_length_splits_equally_beyond_the_turns)
{
    /* No cue tells the ends apart, so L - D goes half to each end:
     * turning points 2.0 and 33.0 (D 31), a tape's 35 cm: pad 2 a side,
     * origin 2 cm below the ankle turns. */
    rm_calf_pad p = rm_calf_pad_of(31.0, 35.0, RM_CALF_SHORT_NONE);
    ck_assert(p.measured);
    ck_assert_double_eq_tol(p.ankle_cm, 2.0, 1e-12);
    ck_assert_double_eq_tol(p.knee_cm, 2.0, 1e-12);
    ck_assert_double_eq(p.excess_cm, 0.0);
    rm_sweep sw[2];
    sw[0] = sweep_of(2.0, 33.0, 0.0, 31.0, RM_END_ANKLE, RM_END_KNEE);
    sw[1] = sweep_of(33.0, 2.0, 31.0, 0.0, RM_END_KNEE, RM_END_ANKLE);
    double scratch[4];
    rm_turns tp;
    ck_assert_int_eq(rm_turns_measure(sw, 2, scratch, &tp), 1);
    ck_assert(!tp.pad.measured);
    ck_assert_double_eq_tol(tp.length_cm, 32.0, 1e-12); /* half a band */
    rm_turns_use_length(&tp, 35.0);
    ck_assert(tp.pad.measured);
    ck_assert_double_eq_tol(tp.length_cm, 35.0, 1e-12);
    ck_assert_double_eq_tol(tp.shift_cm, 0.0, 1e-12);
    ck_assert_double_eq_tol(tp.ankle_cm, 2.0, 1e-12); /* the turns stay */
    ck_assert_double_eq_tol(tp.knee_cm, 33.0, 1e-12);
    /* A tape shorter than the rolling spanned: the calf is the spacing,
     * never shorter, and the excess says by how much the tape was. */
    rm_turns_use_length(&tp, 30.0);
    ck_assert_double_eq_tol(tp.pad.ankle_cm, 0.0, 1e-12);
    ck_assert_double_eq_tol(tp.pad.knee_cm, 0.0, 1e-12);
    ck_assert_double_eq_tol(tp.length_cm, 31.0, 1e-12);
    ck_assert_double_eq_tol(tp.shift_cm, 2.0, 1e-12);
    ck_assert_double_eq_tol(tp.pad.excess_cm, -1.0, 1e-12);
    /* Far longer than the turns could fall short: RM_CALF_PAD_MAX_CM a
     * side. */
    rm_turns_use_length(&tp, 31.0 + 2.0 * RM_CALF_PAD_MAX_CM + 4.0);
    ck_assert_double_eq_tol(tp.pad.ankle_cm, RM_CALF_PAD_MAX_CM, 1e-12);
    ck_assert_double_eq_tol(tp.pad.knee_cm, RM_CALF_PAD_MAX_CM, 1e-12);
    ck_assert_double_eq_tol(tp.length_cm, 31.0 + 2.0 * RM_CALF_PAD_MAX_CM,
                            1e-12);
    ck_assert_double_eq_tol(tp.pad.excess_cm, 4.0, 1e-12);
    /* 0: back to half a band, as without a tape. */
    rm_turns_use_length(&tp, 0.0);
    ck_assert(!tp.pad.measured);
    ck_assert_double_eq_tol(tp.length_cm, 32.0, 1e-12);
    ck_assert_double_eq_tol(tp.shift_cm, 1.5, 1e-12);
}
END_TEST

START_TEST(test_measured_length_beyond_two_short_ends_goes_to_the_unreached)
{
    /* The rolling never reached the knee (pool stress 20031: turns 28.7
     * cm apart on a 37.4 cm calf): ankle turns at 0.8-1.2, knee marks at
     * 26.0 (partial turns), 29.0 and 31.5 (a lift-off). The knee's marks
     * scatter more, so of the 9.7 cm the tape leaves beyond the turns the
     * ankle gets the most a turned-short end can (3 cm) and the knee the
     * rest; split equally, every place would move 1.85 cm too high. */
    rm_sweep sw[5];
    sw[0] = sweep_of(1.0, 29.0, 0.0, 28.0, RM_END_ANKLE, RM_END_KNEE);
    sw[1] = sweep_of(29.0, 0.8, 28.0, -0.2, RM_END_KNEE, RM_END_ANKLE);
    sw[2] = sweep_of(0.8, 26.0, -0.2, 25.0, RM_END_ANKLE, RM_END_KNEE);
    sw[3] = sweep_of(26.0, 1.2, 25.0, 0.2, RM_END_KNEE, RM_END_ANKLE);
    sw[4] = sweep_of(1.2, 31.5, 0.2, 30.5, RM_END_ANKLE, RM_END_KNEE);
    double scratch[10];
    rm_turns tp;
    ck_assert_int_eq(rm_turns_measure(sw, 5, scratch, &tp), 1);
    ck_assert_int_eq(tp.unreached, RM_CALF_SHORT_KNEE);
    double spacing = tp.knee_cm - tp.ankle_cm; /* the full sweeps' 27.3 */
    ck_assert_double_eq_tol(spacing, 27.3, 1e-9);
    rm_turns_use_length(&tp, 37.0);
    ck_assert_double_eq_tol(tp.pad.ankle_cm, RM_TURN_SHORT_MAX_CM, 1e-9);
    ck_assert_double_eq_tol(tp.pad.knee_cm, 37.0 - spacing - 3.0, 1e-9);
    ck_assert_double_eq_tol(tp.length_cm, 37.0, 1e-9);
    ck_assert_double_eq_tol(tp.shift_cm, tp.ankle_cm - 3.0, 1e-9);
    ck_assert_double_eq(tp.pad.excess_cm, 0.0);
    /* Up to two turned-short ends' worth, equal whatever scatters. */
    rm_turns_use_length(&tp, spacing + 2.0 * RM_TURN_SHORT_MAX_CM - 1.0);
    ck_assert_double_eq_tol(tp.pad.ankle_cm, 2.5, 1e-9);
    ck_assert_double_eq_tol(tp.pad.knee_cm, 2.5, 1e-9);
    /* The ankle unreached, mirrored; no end told: equal; clamped as
     * before at 2 x RM_CALF_PAD_MAX_CM in all. */
    rm_calf_pad p = rm_calf_pad_of(28.7, 37.9, RM_CALF_SHORT_ANKLE);
    ck_assert_double_eq_tol(p.ankle_cm, 6.2, 1e-9);
    ck_assert_double_eq_tol(p.knee_cm, 3.0, 1e-9);
    p = rm_calf_pad_of(28.7, 37.9, RM_CALF_SHORT_NONE);
    ck_assert_double_eq_tol(p.ankle_cm, 4.6, 1e-9);
    ck_assert_double_eq_tol(p.knee_cm, 4.6, 1e-9);
    p = rm_calf_pad_of(28.7, 28.7 + 2.0 * RM_CALF_PAD_MAX_CM + 2.0,
                       RM_CALF_SHORT_KNEE);
    ck_assert_double_eq_tol(p.ankle_cm, 3.0, 1e-9);
    ck_assert_double_eq_tol(p.knee_cm, 2.0 * RM_CALF_PAD_MAX_CM - 3.0, 1e-9);
    ck_assert_double_eq_tol(p.excess_cm, 2.0, 1e-9);
}
END_TEST

START_TEST(test_sweeps_turning_twice_at_one_end_all_count)
{
    /* Two sweeps that turned at the ankle at both ends and one at the
     * knee at both ends: four ankle points (more than the three sweeps)
     * and two knee points, each median from its own points only. The
     * scratch is exactly the documented 2 n, so a sanitizer build sees
     * any write beyond it. */
    rm_sweep sw[3];
    sw[0] = sweep_of(1.0, 1.2, 0.0, 0.2, RM_END_ANKLE, RM_END_ANKLE);
    sw[1] = sweep_of(0.8, 1.1, 0.0, 0.3, RM_END_ANKLE, RM_END_ANKLE);
    sw[2] = sweep_of(37.0, 37.4, 0.0, 0.4, RM_END_KNEE, RM_END_KNEE);
    double *scratch = malloc(6 * sizeof *scratch);
    ck_assert_ptr_nonnull(scratch);
    rm_turns tp;
    ck_assert_int_eq(rm_turns_measure(sw, 3, scratch, &tp), 1);
    ck_assert_double_eq_tol(tp.ankle_cm, 1.1, 1e-12);
    ck_assert_double_eq_tol(tp.knee_cm, 37.4, 1e-12);
    /* Six knee points from three sweeps fill the whole scratch. */
    for (int k = 0; k < 3; k++)
        sw[k] = sweep_of(36.0 + k, 37.0, 0.0, 1.0, RM_END_KNEE, RM_END_KNEE);
    ck_assert_int_eq(rm_turns_measure(sw, 3, scratch, &tp), 0);
    free(scratch);
}
END_TEST

START_TEST(test_partial_pass_is_not_pinned_onto_the_calf_end)
{
    /* Turning points 1 and 35 cm. A sweep 1 -> 28 (its pass turned 7 cm
     * short of the knee) loses its knee turn; a full sweep placed 4 cm
     * off (5 -> 39: the right span) and a full one keep both. */
    rm_turns tp = { .ankle_cm = 1.0, .knee_cm = 35.0 };
    rm_sweep sw[3];
    memset(sw, 0, sizeof sw);
    double x[3][2] = { { 1.0, 28.0 }, { 39.0, 5.0 }, { 1.5, 34.5 } };
    for (int k = 0; k < 3; k++) {
        sw[k].x0 = x[k][0];
        sw[k].x1 = x[k][1];
        sw[k].end[0] = x[k][0] < x[k][1] ? RM_END_ANKLE : RM_END_KNEE;
        sw[k].end[1] = x[k][0] < x[k][1] ? RM_END_KNEE : RM_END_ANKLE;
    }
    ck_assert_uint_eq(rm_sweeps_drop_partial(sw, 3, &tp), 1);
    ck_assert_int_eq(sw[0].end[0], RM_END_ANKLE);
    ck_assert_int_eq(sw[0].end[1], RM_END_NONE);
    ck_assert_int_eq(sw[1].end[0], RM_END_KNEE);
    ck_assert_int_eq(sw[1].end[1], RM_END_ANKLE);
    ck_assert_int_eq(sw[2].end[1], RM_END_KNEE);
    /* Unmarked at the knee, the partial sweep is no longer stretched:
     * only its ankle end is matched (already on it: it stays). */
    rm_calf_pos map;
    ck_assert_int_eq(rm_sweep_target(&sw[0], &tp, 1, &map), 0);
}
END_TEST

/* Tuning seed 10055 (holds, pass-partial): a leg put down at 6 cm rolls
 * to the knee (30.7), back down to 7.5 (a partial turn) and up again.
 * The partial turn is the end of one sweep and the start of the next:
 * both lose it. Before, the next sweep kept its ankle mark, was pinned
 * onto the ankle's turning point (-6.5 cm) and carried the whole stretch
 * with it: three holds 7 cm low. A sweep of another placement that only
 * begins near there (> 1 cm away) keeps its own mark. */
START_TEST(test_partial_turn_is_dropped_from_both_sweeps_at_it)
{
    rm_turns tp = { .ankle_cm = 1.26, .knee_cm = 30.40 };
    rm_sweep sw[4];
    sw[0] = sweep_of(6.0, 30.7, 0.0, 24.7, RM_END_NONE, RM_END_KNEE);
    sw[1] = sweep_of(30.7, 7.5, 24.7, 1.5, RM_END_KNEE, RM_END_ANKLE);
    sw[2] = sweep_of(7.75, 25.6, 1.5, 19.35, RM_END_ANKLE, RM_END_NONE);
    ck_assert_uint_eq(rm_sweeps_drop_partial(sw, 3, &tp), 1);
    ck_assert_int_eq(sw[0].end[1], RM_END_KNEE);
    ck_assert_int_eq(sw[1].end[0], RM_END_KNEE);
    ck_assert_int_eq(sw[1].end[1], RM_END_NONE);
    ck_assert_int_eq(sw[2].end[0], RM_END_NONE);
    /* Nothing left to pin the sweep after the turn: it stays. */
    rm_calf_pos map;
    ck_assert_int_eq(rm_sweep_target(&sw[2], &tp, 1, &map), 0);
    /* Turned short at its start instead (the sweep before it ends at the
     * same turn, going down). */
    sw[0] = sweep_of(25.0, 8.0, 20.0, 3.0, RM_END_NONE, RM_END_ANKLE);
    sw[1] = sweep_of(8.2, 30.5, 3.0, 25.3, RM_END_ANKLE, RM_END_KNEE);
    ck_assert_uint_eq(rm_sweeps_drop_partial(sw, 2, &tp), 1);
    ck_assert_int_eq(sw[1].end[0], RM_END_NONE);
    ck_assert_int_eq(sw[0].end[1], RM_END_NONE);
    /* A new placement put down 3.5 cm from the short turn keeps its mark. */
    sw[0] = sweep_of(30.7, 7.5, 24.7, 1.5, RM_END_KNEE, RM_END_ANKLE);
    sw[1] = sweep_of(4.0, 30.5, 40.0, 66.5, RM_END_ANKLE, RM_END_KNEE);
    ck_assert_uint_eq(rm_sweeps_drop_partial(sw, 2, &tp), 1);
    ck_assert_int_eq(sw[0].end[1], RM_END_NONE);
    ck_assert_int_eq(sw[1].end[0], RM_END_ANKLE);
}
END_TEST

/* Tuning seed 10018 (basic, turn-short + pass-partial), as placed: the
 * first stretch rolls up from 2.2 cm, turns short at 26.96 (22 % of the
 * calf from the knee), turns at 5.09, rolls up to 31.5 and back; a
 * second stretch rolls 2.5 -> 30.59. Both partial-turn ends at 26.7-27
 * lie 4.5 cm below where the same stretch reached and lose their knee
 * mark; the ankle turn 2.9 cm above the stretch's lowest reach (under a
 * tenth of the 31.7 cm calf: the turning band and a few % of slip) keeps
 * its own, as do the other stretch's ends. Before, the partial turns
 * stayed turning points and, with the session's other partial turns,
 * made the calf 6.6 cm short. */
START_TEST(test_turn_its_own_stretch_rolled_past_is_no_calf_end)
{
    rm_pass_rec p[5];
    for (int i = 0; i < 5; i++)
        p[i] = pass_rec(i < 4 ? 0 : 1, 0, 1, i, i + 1, 0, 0, 0, 0);
    rm_sweep sw[5];
    sw[0] = sweep_of(2.20, 26.96, 0, 0, RM_END_ANKLE, RM_END_KNEE);
    sw[1] = sweep_of(26.71, 5.09, 0, 0, RM_END_KNEE, RM_END_ANKLE);
    sw[2] = sweep_of(5.26, 31.50, 0, 0, RM_END_ANKLE, RM_END_KNEE);
    sw[3] = sweep_of(31.27, 21.93, 0, 0, RM_END_KNEE, RM_END_NONE);
    sw[4] = sweep_of(2.50, 30.59, 0, 0, RM_END_ANKLE, RM_END_KNEE);
    for (int k = 0; k < 5; k++)
        sw[k].first = sw[k].last = (size_t)k;
    ck_assert_uint_eq(rm_sweeps_drop_passed(p, sw, 5, 31.70), 2);
    ck_assert_int_eq(sw[0].end[0], RM_END_ANKLE);
    ck_assert_int_eq(sw[0].end[1], RM_END_NONE);
    ck_assert_int_eq(sw[1].end[0], RM_END_NONE);
    ck_assert_int_eq(sw[1].end[1], RM_END_ANKLE);
    ck_assert_int_eq(sw[2].end[1], RM_END_KNEE);
    ck_assert_int_eq(sw[3].end[0], RM_END_KNEE);
    ck_assert_int_eq(sw[4].end[0], RM_END_ANKLE);
    ck_assert_int_eq(sw[4].end[1], RM_END_KNEE);
    /* Original `noisy` seed 15: on a 40.5 cm calf a slipping encoder put
     * two true knee turns of one stretch 3.4 cm apart; both stay. */
    sw[0] = sweep_of(6.00, 40.02, 0, 0, RM_END_NONE, RM_END_KNEE);
    sw[1] = sweep_of(39.87, 3.29, 0, 0, RM_END_KNEE, RM_END_ANKLE);
    sw[2] = sweep_of(3.29, 36.58, 0, 0, RM_END_ANKLE, RM_END_KNEE);
    sw[3] = sweep_of(36.49, 0.29, 0, 0, RM_END_KNEE, RM_END_ANKLE);
    ck_assert_uint_eq(rm_sweeps_drop_passed(p, sw, 4, 40.5), 0);
    /* Tuning seed 10021 (noisy, turn-short + pass-partial): put down at
     * 0.0, up past a hold to 35.3, down to a true ankle turn read at 4.34
     * (truth: 1.3 cm above the put-down; 4-6 % slips over the 66 cm
     * rolled between), up again. 4.34 cm is past a tenth of the 43 cm
     * calf, not past that plus 2 % of the path: the turn keeps its mark. */
    sw[0] = sweep_of(0.00, 35.30, 0, 0, RM_END_ANKLE, RM_END_NONE);
    sw[1] = sweep_of(35.19, 4.34, 0, 0, RM_END_NONE, RM_END_ANKLE);
    sw[2] = sweep_of(4.51, 39.28, 0, 0, RM_END_ANKLE, RM_END_NONE);
    ck_assert_uint_eq(rm_sweeps_drop_passed(p, sw, 3, 43.0), 0);
    ck_assert_int_eq(sw[1].end[1], RM_END_ANKLE);
    ck_assert_int_eq(sw[2].end[0], RM_END_ANKLE);
}
END_TEST

/* Tuning seed 10163 (holds, turn-short + pass-partial): a medial
 * stretch placed 3.6 cm low by its widths rolls up to a knee turn
 * (33.4), down to a partial turn (4.0: 23 % of the calf from the ankle,
 * placed near the ankle's turning point) and up again. Its down sweep
 * spans 29.3 cm against turning points 34.0 apart: 14 % short, more than
 * a sleeve slips, yet neither end lies 3 cm inside. Stretched onto both
 * turning points (a 16 % stretch) it pulled the mean full-sweep span and
 * the calf 5 cm short; it now pins nothing, and the sweeps either side
 * keep their marks. A sweep 6 % short (slip) is still stretched. */
START_TEST(test_sweep_short_beyond_slip_with_no_end_inside_pins_nothing)
{
    rm_turns tp = { .ankle_cm = 2.16, .knee_cm = 36.13 };
    rm_sweep sw[4];
    sw[0] = sweep_of(11.03, 33.40, 0, 0, RM_END_NONE, RM_END_KNEE);
    sw[1] = sweep_of(33.36, 4.02, 0, 0, RM_END_KNEE, RM_END_ANKLE);
    sw[2] = sweep_of(4.19, 33.87, 0, 0, RM_END_ANKLE, RM_END_NONE);
    sw[3] = sweep_of(2.9, 34.4, 0, 0, RM_END_ANKLE, RM_END_KNEE);
    ck_assert_uint_eq(rm_sweeps_drop_partial(sw, 4, &tp), 2);
    ck_assert_int_eq(sw[1].end[0], RM_END_NONE);
    ck_assert_int_eq(sw[1].end[1], RM_END_NONE);
    ck_assert_int_eq(sw[0].end[1], RM_END_KNEE);
    ck_assert_int_eq(sw[2].end[0], RM_END_ANKLE);
    ck_assert_int_eq(sw[3].end[0], RM_END_ANKLE);
    ck_assert_int_eq(sw[3].end[1], RM_END_KNEE);
    rm_calf_pos map;
    ck_assert_int_eq(rm_sweep_target(&sw[1], &tp, 1, &map), 0);
}
END_TEST

/* Tuning seed 10058 (stress, pass-partial), as placed on a 29.5 cm
 * calf: of seven knee marks, four (24.1-24.5, two stretches' partial
 * passes) lie 4 cm inside the three of the turns at the end (28.5-29.5,
 * two stretches) and made the knee's median turning point: a stretch
 * with a hold was moved 5 cm down onto it. They are unmarked; the ankle
 * marks (one group) stay. An outer group of one stretch alone (it may be
 * placed a few cm out) unmarks nothing. */
START_TEST(test_turns_well_inside_the_outer_group_are_partial)
{
    rm_pass_rec p[8];
    for (int i = 0; i < 8; i++)
        p[i] = pass_rec(i / 2, 0, 1, i, i + 1, 0, 0, 0, 0);
    rm_sweep sw[8];
    sw[0] = sweep_of(0.00, 28.63, 0, 0, RM_END_ANKLE, RM_END_KNEE);
    sw[1] = sweep_of(28.50, 4.65, 0, 0, RM_END_KNEE, RM_END_NONE);
    sw[2] = sweep_of(8.50, 24.34, 0, 0, RM_END_NONE, RM_END_KNEE);
    sw[3] = sweep_of(24.12, 0.25, 0, 0, RM_END_KNEE, RM_END_ANKLE);
    sw[4] = sweep_of(6.52, 29.49, 0, 0, RM_END_NONE, RM_END_KNEE);
    sw[5] = sweep_of(26.42, 0.31, 0, 0, RM_END_NONE, RM_END_ANKLE);
    sw[6] = sweep_of(8.14, 24.51, 0, 0, RM_END_NONE, RM_END_KNEE);
    sw[7] = sweep_of(24.26, 3.83, 0, 0, RM_END_KNEE, RM_END_NONE);
    for (int k = 0; k < 8; k++)
        sw[k].first = sw[k].last = (size_t)k;
    double scratch[16];
    ck_assert_uint_eq(rm_sweeps_drop_inner(p, sw, 8, 29.52, scratch), 4);
    ck_assert_int_eq(sw[2].end[1], RM_END_NONE);
    ck_assert_int_eq(sw[3].end[0], RM_END_NONE);
    ck_assert_int_eq(sw[6].end[1], RM_END_NONE);
    ck_assert_int_eq(sw[7].end[0], RM_END_NONE);
    ck_assert_int_eq(sw[0].end[1], RM_END_KNEE);
    ck_assert_int_eq(sw[1].end[0], RM_END_KNEE);
    ck_assert_int_eq(sw[4].end[1], RM_END_KNEE);
    ck_assert_int_eq(sw[0].end[0], RM_END_ANKLE);
    ck_assert_int_eq(sw[3].end[1], RM_END_ANKLE);
    ck_assert_int_eq(sw[5].end[1], RM_END_ANKLE);
    /* Without the first stretch's turns the outer group is one stretch,
     * placed 4 cm out by its widths (it never rolled below 4.3): it
     * spans no more than the others. */
    sw[0].end[1] = sw[1].end[0] = RM_END_NONE;
    sw[2].end[1] = sw[6].end[1] = RM_END_KNEE;
    sw[3].end[0] = sw[7].end[0] = RM_END_KNEE;
    sw[5] = sweep_of(26.42, 4.31, 0, 0, RM_END_NONE, RM_END_NONE);
    sw[5].first = sw[5].last = 5;
    ck_assert_uint_eq(rm_sweeps_drop_inner(p, sw, 8, 29.52, scratch), 0);
}
END_TEST

/* Tuning seed 10271: two stretches turn 6-7 cm below the knee, twice
 * each; one stretch rolls from the ankle to the real turn. Its own
 * encoder spans 32.4 cm against the inner turns' 26.4 from the ankle's
 * turning point, so the lone outer turn is the calf end. */
START_TEST(test_lone_outer_turn_backed_by_its_own_span_is_the_end)
{
    rm_pass_rec p[6];
    int st[6] = { 0, 0, 1, 1, 2, 2 };
    for (int i = 0; i < 6; i++)
        p[i] = pass_rec(st[i], 0, 1, i, i + 1, 0, 0, 0, 0);
    rm_sweep sw[6];
    sw[0] = sweep_of(0.00, 27.09, 0, 0, RM_END_ANKLE, RM_END_KNEE);
    sw[1] = sweep_of(26.98, 0.74, 0, 0, RM_END_KNEE, RM_END_ANKLE);
    sw[2] = sweep_of(0.13, 28.87, 0, 0, RM_END_ANKLE, RM_END_NONE);
    sw[3] = sweep_of(32.53, 6.80, 0, 0, RM_END_KNEE, RM_END_NONE);
    sw[4] = sweep_of(0.68, 25.97, 0, 0, RM_END_ANKLE, RM_END_KNEE);
    sw[5] = sweep_of(25.74, 1.82, 0, 0, RM_END_KNEE, RM_END_ANKLE);
    for (int k = 0; k < 6; k++)
        sw[k].first = sw[k].last = (size_t)k;
    double scratch[12];
    ck_assert_uint_eq(rm_sweeps_drop_inner(p, sw, 6, 32.63, scratch), 4);
    ck_assert_int_eq(sw[3].end[0], RM_END_KNEE);
    ck_assert_int_eq(sw[0].end[1], RM_END_NONE);
    ck_assert_int_eq(sw[5].end[0], RM_END_NONE);
    ck_assert_int_eq(sw[0].end[0], RM_END_ANKLE);
    /* The same stretch 4 cm out, rolled from 4.1 only: no proof. */
    sw[0].end[1] = sw[1].end[0] = sw[4].end[1] = sw[5].end[0] = RM_END_KNEE;
    sw[2] = sweep_of(4.13, 28.87, 0, 0, RM_END_NONE, RM_END_NONE);
    sw[2].first = sw[2].last = 2;
    ck_assert_uint_eq(rm_sweeps_drop_inner(p, sw, 6, 32.63, scratch), 0);
}
END_TEST

/* A pass is pinned when its sweep turned at a calf end or moved with
 * one; a stretch of its own with no turn rests on its widths alone. */
START_TEST(test_passes_pinned_by_a_turn_or_a_carried_sweep)
{
    rm_pass_rec p[4];
    int st[4] = { 0, 0, 1, 2 };
    for (int i = 0; i < 4; i++)
        p[i] = pass_rec(st[i], 0, 1, i, i + 1, 0, 0, 0, 0);
    rm_sweep sw[4];
    sw[0] = sweep_of(0.5, 30.0, 0, 0, RM_END_ANKLE, RM_END_KNEE);
    sw[1] = sweep_of(30.0, 12.0, 0, 0, RM_END_NONE, RM_END_NONE);
    sw[1].fix = RM_SWEEP_CARRIED;
    sw[2] = sweep_of(8.0, 20.0, 0, 0, RM_END_NONE, RM_END_NONE);
    sw[3] = sweep_of(20.0, 31.0, 0, 0, RM_END_NONE, RM_END_KNEE);
    for (int k = 0; k < 4; k++)
        sw[k].first = sw[k].last = (size_t)k;
    rm_sweeps_mark_pinned(p, sw, 4);
    ck_assert_int_eq(p[0].pinned, 1);
    ck_assert_int_eq(p[1].pinned, 1);
    ck_assert_int_eq(p[2].pinned, 0);
    ck_assert_int_eq(p[3].pinned, 1);
}
END_TEST

START_TEST(test_slipped_sweep_is_stretched_and_offset_one_moved)
{
    rm_turns tp = { .ankle_cm = 0.5, .knee_cm = 37.5 };
    rm_calf_pos m;
    /* 0.2 -> 39.0 over 38.8 encoder cm (a 5 % slip): scaled 37 / 38.8. */
    rm_sweep w = sweep_of(0.2, 39.0, 0.0, 38.8, RM_END_ANKLE, RM_END_KNEE);
    ck_assert_int_eq(rm_sweep_target(&w, &tp, 1, &m), 1);
    ck_assert_double_eq_tol(m.scale, 37.0 / 38.8, 1e-12);
    ck_assert_double_eq_tol(rm_calf_x(&m, 1, 0.0), 0.5, 1e-12);
    ck_assert_double_eq_tol(rm_calf_x(&m, 1, 38.8), 37.5, 1e-12);
    /* -0.6 -> 36.6: the span agrees, both ends miss by ~1: moved +1.0. */
    w = sweep_of(-0.6, 36.6, 0.0, 37.2, RM_END_ANKLE, RM_END_KNEE);
    ck_assert_int_eq(rm_sweep_target(&w, &tp, 1, &m), 1);
    ck_assert_double_eq_tol(m.scale, 1.0, 1e-12);
    ck_assert_double_eq_tol(rm_calf_x(&m, 1, 0.0), 0.4, 1e-12);
    /* Within 0.5 cm at both ends: kept. */
    w = sweep_of(0.3, 37.2, 0.0, 36.9, RM_END_ANKLE, RM_END_KNEE);
    ck_assert_int_eq(rm_sweep_target(&w, &tp, 1, &m), 0);
    /* Turned at the knee only (1.5 cm short of it): its end goes onto
     * the knee's turning point, the encoder's scale kept. */
    w = sweep_of(30.0, 36.0, 10.0, 16.0, RM_END_NONE, RM_END_KNEE);
    ck_assert_int_eq(rm_sweep_target(&w, &tp, 1, &m), 1);
    ck_assert_double_eq_tol(rm_calf_x(&m, 1, 16.0), 37.5, 1e-12);
    ck_assert_double_eq_tol(m.scale, 1.0, 1e-12);
    /* No turn at all: nothing to go by. */
    w = sweep_of(10.0, 20.0, 0.0, 10.0, RM_END_NONE, RM_END_NONE);
    ck_assert_int_eq(rm_sweep_target(&w, &tp, 1, &m), 0);
}
END_TEST

START_TEST(test_sweep_without_turn_moves_with_its_refitted_neighbour)
{
    /* One stretch: up 18 cm from mid-calf, then down after a turn at the
     * knee that was moved +5 cm; the up sweep follows by +5. */
    rm_pass_rec p[2] = { pass_rec(0, 0, 18, 0, 5, 0, 0, 10.0, 0),
                         pass_rec(0, 18, 0, 6, 12, 0, 0, 10.0, 0) };
    rm_align al = { .found = 1, .dir = 1, .length_cm = 36 };
    rm_layout lay = { NULL, 1, p, 2, &al };
    rm_sweep sw[2];
    ck_assert_uint_eq(rm_sweeps_build(p, 2, sw), 2);
    rm_sweeps_place(&lay, sw, 2);
    p[1].map.a_cm += 5.0;
    sw[1].fix = RM_SWEEP_REFIT;
    rm_sweeps_carry(&lay, sw, 2);
    ck_assert_int_eq(sw[0].fix, RM_SWEEP_CARRIED);
    ck_assert_double_eq_tol(p[0].map.a_cm, 15.0, 1e-12);
    /* A sweep of another stretch would not have moved. */
    p[0].stretch = 1;
    p[0].map.a_cm = 10.0;
    sw[0].fix = RM_SWEEP_KEPT;
    rm_sweeps_carry(&lay, sw, 2);
    ck_assert_int_eq(sw[0].fix, RM_SWEEP_KEPT);
    ck_assert_double_eq_tol(p[0].map.a_cm, 10.0, 1e-12);
}
END_TEST

/* ---- coverage.c ---- */

START_TEST(test_coverage_is_the_share_of_the_calf_passes_crossed)
{
    rm_pass p[3];
    memset(p, 0, sizeof p);
    p[0] = (rm_pass){ .from_cm = 27.0, .to_cm = 9.0, .line = RM_LINE_MEDIAL };
    p[1] = (rm_pass){ .from_cm = 0.0, .to_cm = 36.0,
                      .line = RM_LINE_UNKNOWN };
    p[2] = (rm_pass){ .from_cm = NAN, .to_cm = 36.0,
                      .line = RM_LINE_LATERAL };
    double cov[4] = { -1, -1, -1, -1 };
    rm_line_coverage(p, 3, 36.0, cov);
    /* Bin centres 0.25 .. 0.75 of the calf, both included: 26 of 50. */
    ck_assert_double_eq_tol(cov[RM_LINE_MEDIAL], 0.52, 1e-12);
    ck_assert_double_eq(cov[RM_LINE_MIDDLE], 0.0);
    ck_assert_double_eq(cov[RM_LINE_LATERAL], 0.0);
    ck_assert_double_eq(cov[0], -1); /* untouched */
}
END_TEST

START_TEST(test_calf_map_puts_pressure_on_the_stretch_line)
{
    /* 18 cm of a 36 cm calf rolled on the lateral line at 100 kPa. */
    static prof pf;
    rm_stretch st = stretch_of(&pf, 36, 0.0, 0.0);
    rm_align al = { .found = 1, .dir = 1, .length_cm = 36 };
    rm_pass_rec p = pass_rec(0, 0, 18, 0, 5, 0.3, 100, 0, 0);
    rm_layout lay = { &st, 1, &p, 1, &al };
    float map[3 * RM_MAP_BINS], cnt[3 * RM_MAP_BINS];
    rm_calf_map_build(&lay, &RULE, map, cnt);
    const float *lat = map + (RM_LINE_LATERAL - 1) * RM_MAP_BINS;
    ck_assert_float_eq_tol(lat[0], 100.0f, 1e-4f);
    ck_assert_float_eq_tol(lat[24], 100.0f, 1e-4f);
    ck_assert(isnan(lat[25]));
    ck_assert(isnan(map[(RM_LINE_MEDIAL - 1) * RM_MAP_BINS]));
}
END_TEST

/* ---- confidence.c ---- */

/* The worked examples of confidence.c, and that each term moves the way
 * its evidence does. */
START_TEST(test_confidence_terms_follow_their_evidence)
{
    ck_assert_double_eq_tol(rm_conf_term(0.0, 1.0), 0.4, 1e-12);
    ck_assert_double_eq_tol(rm_conf_term(0.5, 1.0), 0.7, 1e-12);
    ck_assert_double_eq_tol(rm_conf_term(3.0, 1.0), 1.0, 1e-12);
    ck_assert_double_eq_tol(rm_conf_term(-1.0, 1.0), 0.4, 1e-12);
    ck_assert_double_eq_tol(rm_conf_term(NAN, 1.0), 0.4, 1e-12);

    /* Lines: lean 0.21 vs 0.14, 1 s of ticks: 0.70, either side. */
    ck_assert_double_eq_tol(rm_conf_line(0.21, 0.14, 1.0), 0.70, 1e-9);
    ck_assert_double_eq_tol(rm_conf_line(-0.21, 0.14, 1.0), 0.70, 1e-9);
    ck_assert(rm_conf_line(0.15, 0.14, 5.0) < RM_CONFIDENCE_LOW);
    ck_assert(rm_conf_line(0.0, 0.14, 5.0) > 0.95);
    ck_assert(rm_conf_line(0.30, 0.14, 5.0) > 0.95);
    ck_assert_double_eq(rm_conf_line(NAN, 0.14, 5.0), 0.0);

    /* Holds: 6 s at 150 N with a sure place: 0.70; a 5.2 s pause-like
     * one is uncertain; a long heavy one states its place's confidence;
     * one that could not be placed is not within 2 cm of anything: 0. */
    rm_hold h;
    memset(&h, 0, sizeof h);
    h.duration_s = 6.0;
    h.mean_force_n = 150.0;
    h.position_cm = 12.0;
    ck_assert_double_eq_tol(rm_conf_hold(&h, 5.0, 20.0, 1.0), 0.70, 1e-9);
    h.duration_s = 5.2;
    ck_assert(rm_conf_hold(&h, 5.0, 20.0, 1.0) < RM_CONFIDENCE_LOW);
    h.duration_s = 40.0;
    ck_assert_double_eq_tol(rm_conf_hold(&h, 5.0, 20.0, 1.0), 1.0, 1e-12);
    ck_assert_double_eq_tol(rm_conf_hold(&h, 5.0, 20.0, 0.83), 0.83, 1e-12);
    h.position_cm = NAN;
    ck_assert_double_eq(rm_conf_hold(&h, 5.0, 20.0, 1.0), 0.0);

    /* Peaks: rise 0.09 vs 0.06, 3 of 4 passes, min 2: 0.38; a clear
     * one (rise 0.15, 6 of 6) is sure. */
    ck_assert_double_eq_tol(rm_conf_peak(0.09, 0.06, 3, 4, 2), 0.7 * 0.775 *
                            0.7, 1e-9);
    ck_assert_double_eq_tol(rm_conf_peak(0.15, 0.06, 6, 6, 2), 1.0, 1e-12);
    ck_assert(rm_conf_peak(0.15, 0.06, 6, 6, 2) >
              rm_conf_peak(0.15, 0.06, 6, 11, 2));
}
END_TEST

/* A reported peak's confidence is the measured share of such peaks on a
 * planted spot (docs/engine.md, "Peak confidence"): the session's
 * strongest spot shown on every pass over it 0.93 (peaks in the top bin
 * right 0.88-0.95 on the tuning data); one a tenth as strong, on some
 * passes, 0.45 (peaks with a relative score under 0.3 were right 0.33);
 * higher with either piece of evidence, and never the old product's
 * 0.06. */
START_TEST(test_peak_stated_confidence_follows_measured_rates)
{
    ck_assert_double_eq_tol(rm_conf_peak_stated(1.0, 1),
                            1.0 / (1.0 + exp(-2.540)), 1e-12);
    ck_assert_double_eq_tol(rm_conf_peak_stated(0.1, 0),
                            1.0 / (1.0 + exp(0.1867)), 1e-12);
    ck_assert(rm_conf_peak_stated(1.0, 1) > 0.9);
    ck_assert(rm_conf_peak_stated(0.1, 0) < RM_CONFIDENCE_LOW);
    ck_assert(rm_conf_peak_stated(0.5, 0) >= RM_CONFIDENCE_LOW);
    ck_assert(rm_conf_peak_stated(0.5, 1) < 0.9);
    /* Ordered by both pieces of evidence. */
    for (double r = 0.0; r < 1.0; r += 0.05) {
        ck_assert(rm_conf_peak_stated(r + 0.05, 0) >
                  rm_conf_peak_stated(r, 0));
        ck_assert(rm_conf_peak_stated(r, 1) > rm_conf_peak_stated(r, 0));
    }
    /* Out of range or unknown scores are clamped, never a floor of 0. */
    ck_assert_double_eq_tol(rm_conf_peak_stated(2.0, 1),
                            rm_conf_peak_stated(1.0, 1), 1e-12);
    ck_assert_double_eq_tol(rm_conf_peak_stated(NAN, 0),
                            rm_conf_peak_stated(0.0, 0), 1e-12);
    ck_assert(rm_conf_peak_stated(0.0, 0) > 0.25);
}
END_TEST

/* A hold's place is stated as the measured share of such holds within
 * 2 cm of where they were (docs/engine.md, "Hold confidence"): a turn
 * pinning its stretch, a session whose sweeps mostly turned at both
 * calf ends, little scatter in those sweeps' spans and a measured length
 * raise it; the worked examples of confidence.c; and each cue moves it
 * the way the measurements did. */
#define CAL_B 0.131
#define CAL_P 1.358
#define CAL_F 5.343
#define CAL_S (-1.171)
#define EX_SURE 0.994
#define EX_TWO 0.711
#define EX_TWO_M 0.906
START_TEST(test_hold_place_confidence_follows_measured_rates)
{
    rm_frame_cues f = { .n_sweeps = 10, .n_full = 8, .full_sd_cm = 0.5 };
    double z = CAL_B + CAL_P + CAL_F * 0.8 + CAL_S * 0.5;
    ck_assert_double_eq_tol(rm_conf_hold_place(1, &f, 0),
                            1.0 / (1.0 + exp(-z)), 1e-12);
    ck_assert_double_eq_tol(rm_conf_hold_place(1, &f, 0), EX_SURE, 0.001);
    f.n_full = 2;
    f.full_sd_cm = sqrt(2.0);
    ck_assert_double_eq_tol(rm_conf_hold_place(1, &f, 0), EX_TWO, 0.001);
    ck_assert_double_eq_tol(rm_conf_hold_place(1, &f, 1), EX_TWO_M, 0.001);
    /* Widths alone (no turn pinned the stretch) in such a session:
     * uncertain (within 2 cm 0.60 of the time on the pool). */
    ck_assert(rm_conf_hold_place(0, &f, 0) < RM_CONFIDENCE_LOW);

    /* Ordered by every cue. */
    f.n_sweeps = 12;
    for (size_t n = 0; n < 12; n++) {
        f.n_full = n;
        f.full_sd_cm = 0.8;
        double lo = rm_conf_hold_place(1, &f, 0);
        f.n_full = n + 1;
        ck_assert(rm_conf_hold_place(1, &f, 0) > lo);
    }
    f.n_full = 5;
    for (double sd = 0.0; sd < 2.9; sd += 0.25) {
        f.full_sd_cm = sd;
        double hi = rm_conf_hold_place(1, &f, 0);
        ck_assert(rm_conf_hold_place(0, &f, 0) < hi);
        ck_assert(rm_conf_hold_place(1, &f, 1) > hi);
        f.full_sd_cm = sd + 0.25;
        ck_assert(rm_conf_hold_place(1, &f, 0) < hi);
    }
    /* A scatter over 3 cm says no more than 3 cm. */
    f.full_sd_cm = 3.0;
    double at3 = rm_conf_hold_place(1, &f, 0);
    f.full_sd_cm = 9.0;
    ck_assert_double_eq_tol(rm_conf_hold_place(1, &f, 0), at3, 1e-12);
    /* The share counts, not how many: one clean sweep from end to end
     * (a one-minute session; no scatter seen, a typical session's 1 cm
     * stands in whatever the field holds) is framed like eight of eight
     * whose spans scatter by 1 cm. */
    rm_frame_cues one = { .n_sweeps = 1, .n_full = 1, .full_sd_cm = 9.0 };
    rm_frame_cues eight = { .n_sweeps = 8, .n_full = 8, .full_sd_cm = 1.0 };
    ck_assert_double_eq_tol(rm_conf_hold_place(1, &one, 0),
                            rm_conf_hold_place(1, &eight, 0), 1e-12);
    ck_assert(rm_conf_hold_place(1, &one, 0) > 0.9);
    /* No sweep at all: share 0, no division by zero. */
    rm_frame_cues none = { .full_sd_cm = NAN };
    ck_assert_double_eq_tol(rm_conf_hold_place(0, &none, 0),
                            1.0 / (1.0 + exp(-(CAL_B + CAL_S))), 1e-12);
}
END_TEST

/* The frame's cues: the sweeps that turned at both calf ends among all,
 * and how their encoder spans scatter (sample sd; NAN under two). */
START_TEST(test_frame_cues_from_the_full_sweeps)
{
    rm_sweep sw[5];
    sw[0] = sweep_of(0.5, 31.5, 0.0, 31.0, RM_END_ANKLE, RM_END_KNEE);
    sw[1] = sweep_of(31.5, 0.5, 31.0, -1.0, RM_END_KNEE, RM_END_ANKLE);
    sw[2] = sweep_of(0.5, 20.0, -1.0, 18.5, RM_END_ANKLE, RM_END_NONE);
    sw[3] = sweep_of(20.0, 1.0, 18.5, 0.0, RM_END_ANKLE, RM_END_ANKLE);
    sw[4] = sweep_of(0.5, 31.5, 0.0, 33.0, RM_END_ANKLE, RM_END_KNEE);
    rm_frame_cues f = rm_sweeps_frame_cues(sw, 5);
    ck_assert_uint_eq(f.n_sweeps, 5);
    ck_assert_uint_eq(f.n_full, 3);
    ck_assert_double_eq_tol(f.full_sd_cm, 1.0, 1e-12);
    f = rm_sweeps_frame_cues(sw, 1);
    ck_assert_uint_eq(f.n_sweeps, 1);
    ck_assert_uint_eq(f.n_full, 1);
    ck_assert(isnan(f.full_sd_cm));
    f = rm_sweeps_frame_cues(sw + 2, 2);
    ck_assert_uint_eq(f.n_full, 0);
}
END_TEST

/* A line comes from the stretch's rolling; the finding's own lean naming
 * another line takes nothing off its confidence (docs/engine.md,
 * "Calibrated confidence"): such passes and holds were measured as often
 * right as the others. */
START_TEST(test_own_lean_against_the_stretch_costs_no_confidence)
{
    /* A stretch rolling 0.30 (lateral on a right leg) for 10 s; a hold in
     * it whose static footprint leans -0.30 (medial). */
    rm_pass_rec p[2] = { pass_rec(0, 0, 30, 0, 10, 0.30, 500, 0, 0),
                         pass_rec(0, 30, 26, 10, 11, -0.30, 10, 0, 0) };
    rm_hold_rec h;
    memset(&h, 0, sizeof h);
    h.stretch = 0;
    h.skew = -0.30;
    h.n_skew = 500;
    h.cop_mm = NAN;
    rm_line hl = rm_hold_line(p, 2, &h, &RULE);
    ck_assert_int_eq(hl, RM_LINE_LATERAL);
    rm_lean l = rm_stretch_lean(p, 2, 0);
    double want = rm_conf_line(l.sum / l.weight, 0.14, l.ticks / 50.0);
    ck_assert(want > 0.95);
    ck_assert_double_eq_tol(rm_hold_line_conf(p, 2, &h, &RULE, hl, 1.0), want,
                            1e-12);
    /* The short pass leaning medial alone is lateral by its stretch: its
     * confidence is its shrunk lean's, no share taken off. */
    rm_line pl = rm_pass_line(p, 2, &p[1], &RULE);
    ck_assert_int_eq(pl, RM_LINE_LATERAL);
    double lean = rm_pass_lean(&l, p[1].skew, p[1].n_skew, 50.0);
    ck_assert_double_eq_tol(rm_pass_line_conf(p, 2, &p[1], &RULE, pl, 1.0),
                            rm_conf_line(lean, 0.14, 520.0 / 50.0), 1e-12);
    ck_assert(rm_pass_line_conf(p, 2, &p[1], &RULE, pl, 1.0) > 0.95);
}
END_TEST

/* Six placements (stretches) of three passes each, two on each line
 * group: placement k's mean CoP mean[k], its passes 1 mm either side and
 * on it (each 100 ticks). */
static void placed_cops(rm_pass_rec p[18], const double mean[6])
{
    static const double off[3] = { -1.0, 1.0, 0.0 };
    for (int k = 0; k < 6; k++)
        for (int j = 0; j < 3; j++) {
            double t = (double)(3 * k + j) * 10;
            rm_pass_rec *r = &p[3 * k + j];
            *r = pass_rec(k, 0, 30, t, t + 9, 0.02, 100, 0, 0);
            r->cop_mm = mean[k] + off[j];
            r->n_cop = 100;
        }
}

/* CoP groups name lines only where a line's placements land on one spot
 * (the leg's resting place, creeping as a placement's own passes do);
 * where they scatter several times as much, the groups are placements
 * and their lines are stated uncertain (docs/engine.md, "Calibrated
 * confidence"). */
START_TEST(test_cop_lines_whose_placements_scatter_are_uncertain)
{
    rm_line_rule r = RULE;
    r.cop_on = 1;
    r.cop_groups = 3;
    r.cop_lo_mm = 109.0;
    r.cop_hi_mm = 139.0;
    r.cop_lo_gap_mm = r.cop_hi_gap_mm = 15.0;
    rm_pass_rec p[18];
    /* Resting place: a line's placements 0.5 mm apart, W = 1 mm. */
    static const double rest[6] = { 94.0, 94.5, 124.0, 124.5, 154.0, 154.5 };
    placed_cops(p, rest);
    double bw = rm_cop_place_scatter(p, 18, &r);
    ck_assert_double_eq_tol(bw, sqrt(0.125), 1e-9);
    double place = rm_conf_place_scatter(bw);
    ck_assert_double_eq_tol(place, 1.0, 1e-12);
    rm_line l = rm_pass_line(p, 18, &p[2], &r);
    ck_assert(rm_pass_line_conf(p, 18, &p[2], &r, l, place) >= 0.95);
    /* Placements landing anywhere: 8 mm apart on one line (B 5.66 mm
     * against W 1 mm): the same lines, uncertain. */
    static const double scat[6] = { 90.0, 98.0, 120.0, 128.0, 150.0, 158.0 };
    placed_cops(p, scat);
    bw = rm_cop_place_scatter(p, 18, &r);
    ck_assert_double_eq_tol(bw, sqrt(32.0), 1e-9);
    place = rm_conf_place_scatter(bw);
    ck_assert_double_eq_tol(place, 0.4, 1e-12);
    l = rm_pass_line(p, 18, &p[2], &r);
    ck_assert_int_ne(l, RM_LINE_UNKNOWN);
    ck_assert(rm_pass_line_conf(p, 18, &p[2], &r, l, place) <
              RM_CONFIDENCE_LOW);
    /* The term: clear up to B / W 1.5, the floor from 3; nothing to
     * compare, nothing taken. */
    ck_assert_double_eq_tol(rm_conf_place_scatter(1.2), 1.0, 1e-12);
    ck_assert_double_eq_tol(rm_conf_place_scatter(2.25), 0.7, 1e-12);
    ck_assert_double_eq_tol(rm_conf_place_scatter(3.5), 0.4, 1e-12);
    ck_assert_double_eq_tol(rm_conf_place_scatter(NAN), 1.0, 1e-12);
    /* One placement a line (the first three): no B, no term. */
    static const double one[6] = { 94.0, 124.0, 154.0, 94.0, 124.0, 154.0 };
    placed_cops(p, one);
    ck_assert(isnan(rm_cop_place_scatter(p, 9, &r)));
    ck_assert_double_eq_tol(rm_cop_place_scatter(p, 18, &r), 0.0, 1e-12);
    /* Two groups with a guessed middle (x 0.45) and scattered placements
     * (0.4): the smaller applies, not the product. */
    r.cop_groups = 2;
    r.cop_mid_guessed = 1;
    double base = rm_conf_cop_line(124.0, &r, 5.0) / 0.45;
    ck_assert_double_eq_tol(rm_conf_cop_line_placed(124.0, &r, 5.0, 0.4),
                            base * 0.4, 1e-12);
    ck_assert_double_eq_tol(rm_conf_cop_line_placed(124.0, &r, 5.0, 0.9),
                            base * 0.45, 1e-12);
}
END_TEST

Suite *finish_suite(void)
{
    Suite *s = suite_create("finish");
    TCase *tc = tcase_create("lines");
    tcase_add_test(tc, test_short_pass_borrows_the_lean_of_its_stretch);
    tcase_add_test(tc, test_hold_takes_the_line_of_enough_rolling_else_its_own);
    tcase_add_test(tc, test_cop_groups_name_the_lines_when_nothing_leans);
    tcase_add_test(
        tc, test_two_cop_groups_middle_nearer_the_strip_middle_one_group_middle);
    tcase_add_test(tc, test_a_leaning_session_keeps_the_lean);
    tcase_add_test(tc, test_cop_groups_6_mm_apart_are_lines);
    tcase_add_test(tc, test_one_sided_lean_with_three_cop_groups_takes_the_cop);
    tcase_add_test(tc, test_one_pass_with_no_lean_names_no_line);
    tcase_add_test(tc, test_cop_line_confidence_follows_its_margin_and_groups);
    tcase_add_test(tc, test_a_short_pass_takes_the_cop_of_its_stretch);
    tcase_add_test(tc, test_a_lean_that_cannot_tell_goes_by_the_lean_named_cop);
    tcase_add_test(tc, test_scattered_lean_named_cops_leave_the_lean);
    tcase_add_test(tc, test_recurring_placements_name_the_lines_not_the_lean);
    tcase_add_test(tc,
                   test_untilted_placements_are_the_middle_whatever_their_lean);
    tcase_add_test(tc, test_live_lines_use_the_lean_named_cop_too);
    tcase_add_test(tc, test_live_line_is_provisional_until_three_cop_groups);
    tcase_add_test(tc,
                   test_live_cop_line_is_provisional_while_the_lean_may_decide);
    tcase_add_test(
        tc, test_live_hold_line_is_provisional_on_an_ambiguous_stretch_lean);
    suite_add_tcase(s, tc);
    tc = tcase_create("placement");
    tcase_add_test(tc, test_place_uses_the_pass_under_way_then_its_neighbours);
    tcase_add_test(tc, test_anchor_extent_becomes_the_calf_from_the_ankle);
    suite_add_tcase(s, tc);
    tc = tcase_create("slip");
    tcase_add_test(tc, test_sweeps_are_runs_of_one_stretch_and_direction);
    tcase_add_test(tc,
                   test_sweep_ends_near_a_calf_end_and_at_reversals_are_turns);
    tcase_add_test(tc, test_turning_points_and_full_sweeps_measure_the_calf);
    tcase_add_test(tc, test_slipped_sweep_is_stretched_and_offset_one_moved);
    tcase_add_test(tc, test_partial_pass_is_not_pinned_onto_the_calf_end);
    tcase_add_test(tc, test_partial_turn_is_dropped_from_both_sweeps_at_it);
    tcase_add_test(tc, test_turn_its_own_stretch_rolled_past_is_no_calf_end);
    tcase_add_test(tc,
                   test_sweep_short_beyond_slip_with_no_end_inside_pins_nothing);
    tcase_add_test(tc, test_turns_well_inside_the_outer_group_are_partial);
    tcase_add_test(tc, test_lone_outer_turn_backed_by_its_own_span_is_the_end);
    tcase_add_test(tc, test_passes_pinned_by_a_turn_or_a_carried_sweep);
    tcase_add_test(tc, test_measured_length_splits_equally_beyond_the_turns);
    tcase_add_test(tc,
                   test_measured_length_beyond_two_short_ends_goes_to_the_unreached);
    tcase_add_test(tc, test_sweeps_turning_twice_at_one_end_all_count);
    tcase_add_test(tc, test_sweep_without_turn_moves_with_its_refitted_neighbour);
    suite_add_tcase(s, tc);
    tc = tcase_create("coverage");
    tcase_add_test(tc, test_coverage_is_the_share_of_the_calf_passes_crossed);
    tcase_add_test(tc, test_calf_map_puts_pressure_on_the_stretch_line);
    suite_add_tcase(s, tc);
    tc = tcase_create("confidence");
    tcase_add_test(tc, test_confidence_terms_follow_their_evidence);
    tcase_add_test(tc, test_peak_stated_confidence_follows_measured_rates);
    tcase_add_test(tc, test_hold_place_confidence_follows_measured_rates);
    tcase_add_test(tc, test_frame_cues_from_the_full_sweeps);
    tcase_add_test(tc, test_own_lean_against_the_stretch_costs_no_confidence);
    tcase_add_test(tc, test_cop_lines_whose_placements_scatter_are_uncertain);
    suite_add_tcase(s, tc);
    return s;
}
