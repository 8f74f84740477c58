/*
 * Peak candidates of one pass (lib/engine/peaks.c) on synthetic ticks:
 * each cell's share of the load follows a smooth curve along the pass,
 * plus, where a test says so, a bump on one cell. A parabola through the
 * flanks reproduces any quadratic background exactly, so the rise found
 * must equal the bump, whichever flank bins the pass covered.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "engine/engine_priv.h"

#define CELLS 32
#define PITCH_MM 7.5
#define LOAD_N 200.0
/* Bins of the synthetic pass (RM_SBINS terms) and ticks per bin. */
#define PASS_B0 70
#define PASS_B1 130
#define TICKS_PER_BIN 4

typedef struct bump {
    int bin;         /* 0: none */
    unsigned cell;
    double height;   /* share added at the centre bin; half either side */
} bump;

/* Smooth background share of a cell at a bin: a footprint whose width
 * bends slowly along the calf (quadratic in the bin). Convex, so the
 * lines through one flank each pass below the centre and the parabola
 * through both is the base (a concave bend would lift the base to a
 * line's extrapolation, a little above the background). */
static double background(unsigned cell, int b)
{
    double x = (b - 100) / 40.0;
    double c = (cell - 15.5) / 16.0;
    return (0.02 + 0.03 * (1.0 - c * c)) * (1.0 + 0.3 * x + 0.2 * x * x);
}

static double bump_at(const bump *k, size_t nk, unsigned cell, int b)
{
    double s = 0.0;
    for (size_t i = 0; i < nk; i++) {
        if (k[i].bin == 0 || cell != k[i].cell)
            continue;
        int d = abs(b - k[i].bin);
        s += d == 0 ? k[i].height : d == 1 ? 0.5 * k[i].height : 0.0;
    }
    return s;
}

typedef struct fixture {
    rm_peak_tracker *p;
    rm_pass_rec pr;
} fixture;

static void tracker_new(fixture *f)
{
    rm_engine_config cfg;
    rm_engine_config_default(&cfg);
    rm_descriptor d = { 0 };
    d.cells = CELLS;
    d.pitch_mm = PITCH_MM;
    d.cell_area_mm2 = 150.0f;
    f->p = calloc(1, sizeof *f->p);
    ck_assert_ptr_nonnull(f->p);
    rm_peaks_init(f->p, &cfg, &d);
    f->pr = (rm_pass_rec){ 0 };
}

static void tracker_free(fixture *f)
{
    rm_free(f->pr.wsum);
    rm_free(f->pr.n);
    rm_peaks_free(f->p);
    free(f->p);
}

/* One pass over bins [b0, b1] with the nk bumps k[]; bins in skip[]
 * (0-terminated) get no tick (rolled over too fast); a cell of nan_cell
 * (if >= 0) reads NAN at nan_bin. */
static void roll_n(fixture *f, int b0, int b1, const bump *k, size_t nk,
                   const int *skip, int nan_cell, int nan_bin)
{
    for (int b = b0; b <= b1; b++) {
        int skipped = 0;
        for (const int *s = skip; s && *s; s++)
            skipped |= *s == b;
        if (skipped)
            continue;
        for (int j = 0; j < TICKS_PER_BIN; j++) {
            rm_tick t = { 0 };
            t.contact = 1;
            t.stretch = 0;
            t.force_n = LOAD_N;
            t.centre_mm = 15.5 * PITCH_MM;
            t.half_mm = 12 * PITCH_MM;
            t.width_mm = 24 * PITCH_MM;
            /* Within bin b: enc0 = 0, bin centre + a small spread. */
            t.enc_cm = ((b - RM_SBIN0) + 0.2 + 0.6 * j / TICKS_PER_BIN) *
                       RM_BIN_CM;
            for (unsigned i = 0; i < CELLS; i++)
                t.cell_n[i] = LOAD_N * (background(i, b) +
                                        bump_at(k, nk, i, b));
            if (nan_cell >= 0 && b == nan_bin)
                t.cell_n[nan_cell] = NAN;
            rm_peaks_tick(f->p, &t, 0.0);
        }
    }
    rm_peaks_pass_end(f->p, &f->pr, 0);
}

static void roll(fixture *f, int b0, int b1, const bump *k, const int *skip,
                 int nan_cell, int nan_bin)
{
    roll_n(f, b0, b1, k, 1, skip, nan_cell, nan_bin);
}

static double bin_centre_cm(int b)
{
    return ((b - RM_SBIN0) + 0.5) * RM_BIN_CM;
}

START_TEST(test_peaks_smooth_pass_has_no_candidate)
{
    fixture f;
    tracker_new(&f);
    bump none = { 0 };
    roll(&f, PASS_B0, PASS_B1, &none, NULL, -1, 0);
    ck_assert_uint_eq(f.p->n, 0);
    tracker_free(&f);
}
END_TEST

START_TEST(test_peaks_bump_rise_and_place)
{
    fixture f;
    tracker_new(&f);
    bump k = { 100, 9, 0.10 };
    roll(&f, PASS_B0, PASS_B1, &k, NULL, -1, 0);
    ck_assert_uint_eq(f.p->n, 1);
    const rm_peak_cand *c = &f.p->c[0];
    /* The bump's own cell rises by its height; neighbours do not. */
    ck_assert_double_eq_tol(c->rise, 0.10, 1e-5);
    ck_assert_double_eq_tol(c->enc_cm, bin_centre_cm(100), 0.05);
    /* Across the footprint: cell 9 of 0..31 centred at 15.5, half-width
     * 12 cells -> (9 - 15.5) / 12 half-widths. */
    ck_assert_double_eq_tol(c->u, (9 - 15.5) / 12.0, 1e-4);
    ck_assert_int_eq(c->weak, 0);
    tracker_free(&f);
}
END_TEST

/* A bump under peak_min_rise (0.06) but from 0.4 of it (0.024) up, on a
 * cell it lifts by far more than WEAK_REL of its own share, is kept as a
 * weak candidate; one under 0.4 of peak_min_rise is not kept at all. */
START_TEST(test_peaks_weak_bump_kept_as_weak)
{
    fixture f;
    tracker_new(&f);
    bump k = { 100, 15, 0.035 };
    roll(&f, PASS_B0, PASS_B1, &k, NULL, -1, 0);
    ck_assert_uint_eq(f.p->n, 1);
    ck_assert_double_eq_tol(f.p->c[0].rise, 0.035, 1e-5);
    ck_assert_int_eq(f.p->c[0].weak, 1);
    tracker_free(&f);

    /* The faintest spot worth finding: 10 % of a cell carrying a
     * quarter of the load is 0.025 of the load (under half of
     * peak_min_rise, so the old floor of 0.03 lost it). */
    tracker_new(&f);
    k.height = 0.026;
    roll(&f, PASS_B0, PASS_B1, &k, NULL, -1, 0);
    ck_assert_uint_eq(f.p->n, 1);
    ck_assert_double_eq_tol(f.p->c[0].rise, 0.026, 1e-5);
    ck_assert_int_eq(f.p->c[0].weak, 1);
    tracker_free(&f);

    tracker_new(&f);
    k.height = 0.02;
    roll(&f, PASS_B0, PASS_B1, &k, NULL, -1, 0);
    ck_assert_uint_eq(f.p->n, 0);
    tracker_free(&f);
}
END_TEST

/* Bins missing from a flank (fast rolling skips bins) take the general
 * least-squares solve instead of the fixed weights: the quadratic
 * background is still reproduced exactly, so the rise is the bump. */
START_TEST(test_peaks_partial_flanks_fit_exactly)
{
    static const int skip_sets[][4] = {
        { 91, 0 },         /* lower flank: 5 of 6 bins */
        { 106, 108, 0 },   /* upper flank: 4 of 6 */
        { 90, 93, 109, 0 },
    };
    for (size_t s = 0; s < sizeof skip_sets / sizeof skip_sets[0]; s++) {
        fixture f;
        tracker_new(&f);
        bump k = { 100, 20, 0.08 };
        roll(&f, PASS_B0, PASS_B1, &k, skip_sets[s], -1, 0);
        ck_assert_uint_eq(f.p->n, 1);
        ck_assert_double_eq_tol(f.p->c[0].rise, 0.08, 1e-5);
        ck_assert_double_eq_tol(f.p->c[0].enc_cm, bin_centre_cm(100), 0.05);
        tracker_free(&f);
    }
}
END_TEST

/* Within 2.5 cm of where the pass ended only one flank exists: such a
 * bump is as often the stop as a spot, and is dropped. */
START_TEST(test_peaks_bump_near_pass_end_is_dropped)
{
    fixture f;
    tracker_new(&f);
    bump k = { PASS_B1 - 3, 12, 0.10 };
    roll(&f, PASS_B0, PASS_B1, &k, NULL, -1, 0);
    ck_assert_uint_eq(f.p->n, 0);
    tracker_free(&f);
}
END_TEST

/* A non-finite reading of one cell costs that cell that bin, not the
 * pass nor its other bins: with one flank bin of the bump's own cell
 * unreadable, its fit uses the other eleven and the rise is the bump. */
START_TEST(test_peaks_nonfinite_reading_costs_only_its_bin)
{
    fixture f;
    tracker_new(&f);
    bump k = { 100, 9, 0.10 };
    roll(&f, PASS_B0, PASS_B1, &k, NULL, 9, 94);
    ck_assert_uint_eq(f.p->n, 1);
    ck_assert_double_eq_tol(f.p->c[0].rise, 0.10, 1e-5);
    tracker_free(&f);
}
END_TEST

/* Two passes in a row: the second starts from zero sums (the first's
 * means must not leak into it). */
START_TEST(test_peaks_next_pass_starts_clean)
{
    fixture f;
    tracker_new(&f);
    bump k = { 100, 9, 0.10 };
    roll(&f, PASS_B0, PASS_B1, &k, NULL, -1, 0);
    rm_free(f.pr.wsum);
    rm_free(f.pr.n);
    bump k2 = { 110, 25, 0.07 };
    roll(&f, PASS_B0, PASS_B1, &k2, NULL, -1, 0);
    ck_assert_uint_eq(f.p->n, 2);
    ck_assert_double_eq_tol(f.p->c[1].rise, 0.07, 1e-5);
    ck_assert_double_eq_tol(f.p->c[1].enc_cm, bin_centre_cm(110), 0.05);
    tracker_free(&f);
}
END_TEST

/* Bumps strongest first, each hiding the smaller ones within 0.5 cm
 * (one bin) unless hidden itself: at bins 100, 101 and 102 on three
 * parts of the strip, the 0.10 bump hides the 0.09 one next to it, and
 * the 0.08 one two bins on stays (compared with its neighbours alone it
 * would be lost to the hidden 0.09 one). */
START_TEST(test_peaks_hidden_bump_hides_nothing)
{
    fixture f;
    tracker_new(&f);
    const bump k[] = { { 100, 5, 0.10 }, { 101, 15, 0.09 },
                       { 102, 25, 0.08 } };
    roll_n(&f, PASS_B0, PASS_B1, k, 3, NULL, -1, 0);
    ck_assert_uint_eq(f.p->n, 2);
    ck_assert_double_eq_tol(f.p->c[0].rise, 0.10, 1e-5);
    ck_assert_double_eq_tol(f.p->c[0].enc_cm, bin_centre_cm(100), 0.05);
    ck_assert_double_eq_tol(f.p->c[1].rise, 0.08, 1e-5);
    ck_assert_double_eq_tol(f.p->c[1].enc_cm, bin_centre_cm(102), 0.05);
    /* Cell 25 of 0..31 centred at 15.5, half-width 12 cells. */
    ck_assert_double_eq_tol(f.p->c[1].u, (25 - 15.5) / 12.0, 1e-4);
    tracker_free(&f);
}
END_TEST

Suite *peaks_suite(void)
{
    Suite *s = suite_create("peaks");
    TCase *tc = tcase_create("pass");
    tcase_add_test(tc, test_peaks_smooth_pass_has_no_candidate);
    tcase_add_test(tc, test_peaks_bump_rise_and_place);
    tcase_add_test(tc, test_peaks_weak_bump_kept_as_weak);
    tcase_add_test(tc, test_peaks_partial_flanks_fit_exactly);
    tcase_add_test(tc, test_peaks_bump_near_pass_end_is_dropped);
    tcase_add_test(tc, test_peaks_nonfinite_reading_costs_only_its_bin);
    tcase_add_test(tc, test_peaks_next_pass_starts_clean);
    tcase_add_test(tc, test_peaks_hidden_bump_hides_nothing);
    suite_add_tcase(s, tc);
    return s;
}
