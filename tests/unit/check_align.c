/*
 * Alignment (lib/engine/align.c) on synthetic width profiles with known
 * places: the template fit's offsets, orientation and length, and the
 * correlation refinement that must not pull a stretch put down above the
 * heel onto the Achilles.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rollmap.h"
#include "engine/engine_internal.h"

/* A stretch that rolled calf [x_lo, x_hi] cm of a calf len_cm long, its
 * encoder origin (enc0, bin RM_SBIN0) at calf x_enc0, encoder counting
 * toward the knee when dir > 0. Widths (mm) = width_fn(fraction); 3 ticks
 * per bin. */
typedef double (*width_fn)(double frac);

typedef struct synth {
    rm_stretch s;
    float w[RM_SBINS], n[RM_SBINS];
} synth;

static double mid_width(double frac)
{
    return 80.0 * rm_align_template(frac);
}

/* A side line: measured on a leaning load, the footprint over the bellies
 * reads up to ~25 % narrower while the tendon reads the same (as the
 * simulator's medial and lateral passes do). */
static double side_width(double frac)
{
    double t = rm_align_template(frac);
    return 80.0 * t * (1.0 - 0.25 * (t - 0.36) / 0.64);
}

static void synth_make(synth *y, double len_cm, double x_enc0, double x_lo,
                       double x_hi, int dir, width_fn fn)
{
    memset(y, 0, sizeof *y);
    int bmin = RM_SBINS, bmax = -1;
    for (int b = 0; b < RM_SBINS; b++) {
        double e = ((double)(b - RM_SBIN0) + 0.5) * RM_BIN_CM;
        double x = x_enc0 + dir * e;
        if (x < x_lo || x > x_hi)
            continue;
        bmin = b < bmin ? b : bmin;
        bmax = b > bmax ? b : bmax;
    }
    ck_assert_int_le(bmin, bmax);
    for (int b = bmin; b <= bmax; b++) {
        double e = ((double)(b - RM_SBIN0) + 0.5) * RM_BIN_CM;
        double x = x_enc0 + dir * e;
        y->w[b - bmin] = (float)(3.0 * fn(x / len_cm));
        y->n[b - bmin] = 3.0f;
    }
    y->s.bmin = bmin;
    y->s.bmax = bmax;
    y->s.wsum = y->w;
    y->s.n = y->n;
}

START_TEST(test_align_place_one_finds_a_template_stretch_offset)
{
    /* Put down 7.3 cm above the ankle, rolled to the knee, both encoder
     * directions: the template offset is the put-down place. */
    for (int dir = -1; dir <= 1; dir += 2) {
        synth y;
        synth_make(&y, 38.0, 7.3, 7.3, 38.0, dir, mid_width);
        rm_align al = { .found = 1, .dir = dir,
                        .length_cm = 38.0 };
        double off = NAN;
        ck_assert_int_eq(rm_align_place_one(NULL, &y.s, &al, &off), RM_OK);
        ck_assert_msg(fabs(off - 7.3) < 0.3, "dir %d: offset %.2f", dir, off);
    }
}
END_TEST

START_TEST(test_align_place_one_without_fit_is_nan)
{
    synth y;
    synth_make(&y, 38.0, 0.0, 0.0, 38.0, 1, mid_width);
    rm_align al = { .found = 0, .dir = 1, .length_cm = 38.0 };
    double off = 0.0;
    ck_assert_int_eq(rm_align_place_one(NULL, &y.s, &al, &off), RM_OK);
    ck_assert(isnan(off));
    /* A length past anything searched fits nowhere: NAN, not a crash. */
    al.found = 1;
    al.length_cm = 1e6;
    ck_assert_int_eq(rm_align_place_one(NULL, &y.s, &al, &off), RM_OK);
    ck_assert(isnan(off));
}
END_TEST

START_TEST(test_align_fit_finds_orientation_and_length)
{
    /* Four full-calf stretches of a 36 cm calf, encoder counting toward
     * the ankle: the narrow end decides the direction. */
    synth y[4];
    rm_stretch st[4];
    for (int k = 0; k < 4; k++) {
        synth_make(&y[k], 36.0, 36.0 - 0.25 * k, 0.0, 36.0, -1, mid_width);
        st[k] = y[k].s;
    }
    rm_align al;
    ck_assert_int_eq(rm_align_fit(NULL, st, 4, 12.0, 5.0, &al), RM_OK);
    ck_assert(al.found);
    ck_assert_int_eq(al.dir, -1);
    ck_assert_msg(fabs(al.length_cm - 36.0) <= 1.5, "length %.1f",
                  al.length_cm);
    for (int k = 0; k < 4; k++)
        ck_assert(st[k].placed);
    /* Offsets agree with each other as the encoder origins do. */
    ck_assert_msg(fabs((st[0].offset_cm - st[3].offset_cm) - 0.75) < 0.3,
                  "%.2f %.2f", st[0].offset_cm, st[3].offset_cm);
}
END_TEST

/* Regression (holds seed 76 and the like): a side-line stretch put down
 * 6 cm above the heel and rolled to the knee was pulled 4-7 cm toward the
 * ankle by the refinement against the session's profile. */
START_TEST(test_align_refine_keeps_a_stretch_put_down_above_the_heel)
{
    const double len = 38.0;
    synth y[4];
    synth_make(&y[0], len, 0.0, 0.0, len, 1, mid_width);
    synth_make(&y[1], len, 0.5, 0.0, len, 1, mid_width);
    synth_make(&y[2], len, 0.0, 0.0, len, 1, side_width);
    synth_make(&y[3], len, 6.0, 6.0, len, 1, side_width);
    double off[4] = { 0.0, 0.5, 0.0, 6.0 };
    int placed[4] = { 1, 1, 1, 1 };
    rm_pview v[4];
    for (int k = 0; k < 4; k++)
        v[k] = (rm_pview){ .bmin = y[k].s.bmin, .bmax = y[k].s.bmax,
                           .wsum = y[k].w, .n = y[k].n, .gain = 80.0,
                           .offset_cm = &off[k], .placed = &placed[k] };
    rm_align al = { .found = 1, .dir = 1, .length_cm = len };
    ck_assert_int_eq(rm_align_refine(v, 4, v, 4, &al, 4.0), RM_OK);
    ck_assert_msg(fabs(off[3] - 6.0) < 0.75, "moved to %.2f", off[3]);
    for (int k = 0; k < 3; k++)
        ck_assert_msg(fabs(off[k] - (k == 1 ? 0.5 : 0.0)) < 0.75,
                      "stretch %d moved to %.2f", k, off[k]);
    /* From 3 cm off, it comes back. */
    off[3] = 3.0;
    ck_assert_int_eq(rm_align_refine(v, 4, v, 4, &al, 4.0), RM_OK);
    ck_assert_msg(fabs(off[3] - 6.0) < 0.75, "moved to %.2f", off[3]);
}
END_TEST

/* The template vote alone favours lengths several cm long (more room for
 * every offset; a flatter side-line shape stretches at little cost): the
 * rolled extent of the placed stretches sets the length instead, and the
 * stretches are placed on a template of that length. */
START_TEST(test_align_fit_length_follows_the_rolled_extent)
{
    const double len = 31.5;
    synth y[6];
    rm_stretch st[6];
    /* Side lines mostly, as on a session rolled medial and lateral; every
     * stretch ankle to knee, put down at the heel a little differently. */
    for (int k = 0; k < 6; k++) {
        double x0 = 0.2 * (k % 3);
        synth_make(&y[k], len, x0, x0, len - 0.2 * (k % 2), 1,
                   k < 2 ? mid_width : side_width);
        st[k] = y[k].s;
    }
    rm_align al;
    ck_assert_int_eq(rm_align_fit(NULL, st, 6, 12.0, 5.0, &al), RM_OK);
    ck_assert(al.found);
    ck_assert_int_eq(al.dir, 1);
    ck_assert_msg(fabs(al.length_cm - len) <= 1.0, "length %.1f",
                  al.length_cm);
    /* Places relative to each other as the put-downs were. */
    for (int k = 0; k < 6; k++) {
        ck_assert(st[k].placed);
        double d = (st[k].offset_cm - st[0].offset_cm) - 0.2 * (k % 3);
        ck_assert_msg(fabs(d) < 0.75, "stretch %d off by %.2f", k, d);
    }
}
END_TEST

/* The engine keeps the fit's templates between fits (rm_engine_tmpls):
 * fits and placements through a cache, cold or warm, must give the very
 * doubles a fit that builds its own templates gives. Lengths on the
 * searched grid come from the cache, others (0.3 cm past the fit's) are
 * built apart. */
static void fit_set(synth *y, rm_stretch *st, double len, double shift,
                    int dir)
{
    for (int k = 0; k < 5; k++) {
        double x0 = shift + 0.3 * k;
        synth_make(&y[k], len, x0, x0, len - 0.4 * (k % 2), dir,
                   k < 3 ? mid_width : side_width);
        st[k] = y[k].s;
    }
}

START_TEST(test_align_template_cache_changes_no_bit)
{
    rm_align_tmpls *c = rm_align_tmpls_new();
    ck_assert_ptr_nonnull(c);
    const double lens[] = { 36.0, 31.5, 44.0 };
    for (int round = 0; round < 2; round++) { /* cold, then warm */
        for (int i = 0; i < 3; i++) {
            synth ya[5], yb[5];
            rm_stretch a[5], b[5];
            int dir = i == 1 ? -1 : 1;
            fit_set(ya, a, lens[i], 0.1 * i, dir);
            fit_set(yb, b, lens[i], 0.1 * i, dir);
            rm_align al_a, al_b;
            ck_assert_int_eq(rm_align_fit(NULL, a, 5, 12.0, 5.0, &al_a),
                             RM_OK);
            ck_assert_int_eq(rm_align_fit(c, b, 5, 12.0, 5.0, &al_b), RM_OK);
            ck_assert(al_a.found);
            ck_assert_mem_eq(&al_a, &al_b, sizeof al_a);
            for (int k = 0; k < 5; k++) {
                ck_assert_int_eq(a[k].placed, b[k].placed);
                ck_assert_mem_eq(&a[k].offset_cm, &b[k].offset_cm,
                                 sizeof(double));
                ck_assert_mem_eq(&a[k].fit_cost, &b[k].fit_cost,
                                 sizeof(double));
                ck_assert_mem_eq(&a[k].gain, &b[k].gain, sizeof(double));
            }
            /* One stretch placed alone at the fit's length (on the grid)
             * and 0.3 cm longer (off it). */
            for (int g = 0; g < 2; g++) {
                rm_align al = al_a;
                if (g)
                    al.length_cm += 0.3;
                double off_a = NAN, off_b = NAN;
                ck_assert_int_eq(rm_align_place_one(NULL, &a[1], &al, &off_a),
                                 RM_OK);
                ck_assert_int_eq(rm_align_place_one(c, &b[1], &al, &off_b),
                                 RM_OK);
                ck_assert_msg(isfinite(off_a), "length %.1f", al.length_cm);
                ck_assert_mem_eq(&off_a, &off_b, sizeof off_a);
            }
        }
    }
    rm_align_tmpls_free(c);
}
END_TEST

/* The live view refits at every stretch end on all stretches so far, and
 * the fit keeps each voter's costs (align.c, voter_costs): refits through
 * a cache, stretch by stretch past VOTERS (the shortest voters are then
 * replaced), must give the very doubles a fit without one gives; a refit
 * on the same stretches computes no cost again; and a stretch whose
 * widths change in the same memory is scored afresh, not answered from
 * its old costs. */
static void refit_pair(rm_align_tmpls *c, rm_stretch *a, rm_stretch *b,
                       size_t n)
{
    rm_align al_a, al_b;
    ck_assert_int_eq(rm_align_fit(NULL, a, n, 12.0, 5.0, &al_a), RM_OK);
    ck_assert_int_eq(rm_align_fit(c, b, n, 12.0, 5.0, &al_b), RM_OK);
    ck_assert_mem_eq(&al_a, &al_b, sizeof al_a);
    for (size_t k = 0; k < n; k++) {
        ck_assert_int_eq(a[k].placed, b[k].placed);
        ck_assert_mem_eq(&a[k].offset_cm, &b[k].offset_cm, sizeof(double));
        ck_assert_mem_eq(&a[k].fit_cost, &b[k].fit_cost, sizeof(double));
        ck_assert_mem_eq(&a[k].gain, &b[k].gain, sizeof(double));
    }
}

START_TEST(test_align_kept_voter_costs_change_no_bit)
{
    enum { N = 16 };
    static synth ya[N], yb[N];
    rm_stretch a[N], b[N];
    for (int k = 0; k < N; k++) {
        /* spans 13-35 cm, in no order, some from each end */
        double span = 13.0 + (double)((k * 7) % N) * 1.4;
        double x_lo = k % 3 ? 0.4 : 37.0 - span;
        for (int i = 0; i < 2; i++)
            synth_make(i ? &yb[k] : &ya[k], 37.0, x_lo, x_lo, x_lo + span,
                       -1, k % 2 ? mid_width : side_width);
        a[k] = ya[k].s;
        b[k] = yb[k].s;
    }
    rm_align_tmpls *c = rm_align_tmpls_new();
    ck_assert_ptr_nonnull(c);
    for (size_t n = 1; n <= N; n++)
        refit_pair(c, a, b, n);
    unsigned long scored = rm_align_tmpls_scored(c);
    ck_assert_uint_gt(scored, 0);
    refit_pair(c, a, b, N); /* the same stretches: nothing new to score */
    ck_assert_uint_eq(rm_align_tmpls_scored(c), scored);
    /* Widths changed where they lie (an engine reusing freed memory): */
    for (int k = 0; k < N; k++)
        for (int j = 0; j <= b[k].bmax - b[k].bmin; j++) {
            ya[k].w[j] *= j % 2 ? 1.3f : 0.8f;
            yb[k].w[j] *= j % 2 ? 1.3f : 0.8f;
        }
    refit_pair(c, a, b, N);
    ck_assert_uint_gt(rm_align_tmpls_scored(c), scored);
    rm_align_tmpls_free(c);
}
END_TEST

/* The template table is one per process, built by the first fit of any
 * engine (pthread_once): engines whose first fits run at the same moment
 * on separate threads (each test runs in a fresh process, so the table
 * is not built yet) get the very doubles a fit alone gets. */
typedef struct fit_job {
    synth y[5];
    rm_stretch st[5];
    rm_align al;
    rm_status rc;
    pthread_barrier_t *go;
} fit_job;

static void *fit_job_run(void *arg)
{
    fit_job *j = arg;
    pthread_barrier_wait(j->go);
    rm_align_tmpls *c = rm_align_tmpls_new();
    j->rc = c ? rm_align_fit(c, j->st, 5, 12.0, 5.0, &j->al) : RM_ERR_NOMEM;
    rm_align_tmpls_free(c);
    return NULL;
}

START_TEST(test_align_first_fits_on_threads_agree)
{
    enum { THREADS = 4 };
    static fit_job jobs[THREADS + 1];
    pthread_barrier_t go;
    ck_assert_int_eq(pthread_barrier_init(&go, NULL, THREADS), 0);
    for (int i = 0; i <= THREADS; i++) {
        fit_set(jobs[i].y, jobs[i].st, 35.5, 0.2, 1);
        jobs[i].go = &go;
    }
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, fit_job_run, &jobs[i]),
                         0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
    fit_job *alone = &jobs[THREADS];
    ck_assert_int_eq(rm_align_fit(NULL, alone->st, 5, 12.0, 5.0, &alone->al),
                     RM_OK);
    ck_assert(alone->al.found);
    for (int i = 0; i < THREADS; i++) {
        ck_assert_int_eq(jobs[i].rc, RM_OK);
        ck_assert_mem_eq(&jobs[i].al, &alone->al, sizeof alone->al);
        for (int k = 0; k < 5; k++)
            ck_assert_mem_eq(&jobs[i].st[k].offset_cm,
                             &alone->st[k].offset_cm, sizeof(double));
    }
}
END_TEST

/* The sub-step refinement every grid search shares: the vertex of the
 * parabola through three grid scores, of the kind asked for, within the
 * limit; otherwise the grid point stays. */
START_TEST(test_vertex_offset_refines_only_a_true_extremum)
{
    /* 3, 1, 2: minimum at (3 - 2) / (2 * 3) = +1/6 step. */
    ck_assert_double_eq_tol(rm_vertex_offset(3, 1, 2, 0, 1.0), 1.0 / 6.0,
                            1e-12);
    /* The same scores negated: a maximum at the same place. */
    ck_assert_double_eq_tol(rm_vertex_offset(-3, -1, -2, 1, 0.5), 1.0 / 6.0,
                            1e-12);
    /* Asked for the other kind of extremum: no move. */
    ck_assert_double_eq(rm_vertex_offset(3, 1, 2, 1, 0.5), 0.0);
    /* A straight line has no vertex. */
    ck_assert_double_eq(rm_vertex_offset(1, 2, 3, 0, 1.0), 0.0);
    /* Vertex beyond the limit: 1, 0.9, 0.9 -> minimum at +0.5 step, past
     * a limit of 0.4. */
    ck_assert_double_eq_tol(rm_vertex_offset(1, 0.9, 0.9, 0, 1.0), 0.5,
                            1e-12);
    ck_assert_double_eq(rm_vertex_offset(1, 0.9, 0.9, 0, 0.4), 0.0);
    /* A neighbour off the grid (not finite): the grid point stays. */
    ck_assert_double_eq(rm_vertex_offset(NAN, 1, 2, 0, 1.0), 0.0);
    ck_assert_double_eq(rm_vertex_offset(3, 1, INFINITY, 0, 1.0), 0.0);
}
END_TEST

Suite *align_suite(void)
{
    Suite *s = suite_create("align");
    TCase *tc = tcase_create("template");
    tcase_add_test(tc, test_vertex_offset_refines_only_a_true_extremum);
    tcase_add_test(tc, test_align_place_one_finds_a_template_stretch_offset);
    tcase_add_test(tc, test_align_place_one_without_fit_is_nan);
    tcase_add_test(tc, test_align_fit_finds_orientation_and_length);
    tcase_add_test(tc, test_align_fit_length_follows_the_rolled_extent);
    tcase_add_test(tc, test_align_template_cache_changes_no_bit);
    tcase_add_test(tc, test_align_kept_voter_costs_change_no_bit);
    tcase_add_test(tc, test_align_first_fits_on_threads_agree);
    suite_add_tcase(s, tc);
    tc = tcase_create("refine");
    tcase_add_test(tc,
                   test_align_refine_keeps_a_stretch_put_down_above_the_heel);
    suite_add_tcase(s, tc);
    return s;
}
