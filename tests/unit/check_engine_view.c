/*
 * The engine's one frame path, reached two ways: rm_engine_push (rm_frame
 * arrays, live) and rm_engine_push_view (the reader's interleaved block,
 * offline) must give the same findings; and the per-tick sums of raw
 * counts (two int32 lanes per cell) must be exact for any int32 input.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollmap.h"
#include "engine/engine_priv.h"
#include "pipeline/pipeline.h"

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* The session file's layout: cells, encoder, time_us, seq per frame. */
static int32_t *interleave(const rm_frame *f, size_t n, uint32_t cells)
{
    size_t ch = cells + 3;
    int32_t *b = malloc(n * ch * sizeof *b);
    ck_assert_ptr_nonnull(b);
    for (size_t k = 0; k < n; k++) {
        int32_t *p = b + k * ch;
        memcpy(p, f[k].cells, cells * sizeof *p);
        p[cells] = f[k].encoder;
        p[cells + 1] = (int32_t)f[k].time_us;
        p[cells + 2] = (int32_t)f[k].seq;
    }
    return b;
}

static rm_frame_view view_of(const int32_t *b, size_t k, size_t n,
                             uint32_t cells)
{
    size_t ch = cells + 3;
    const int32_t *p = b + k * ch;
    rm_frame_view v = {
        .seq = (const uint32_t *)(p + cells + 2),
        .time_us = (const uint32_t *)(p + cells + 1),
        .encoder = p + cells, .cells = p, .cells_n = cells,
        .stride_bytes = ch * sizeof *p, .n = n,
    };
    return v;
}

static void expect_same_summary(const rm_summary *a, const rm_summary *b)
{
    ck_assert_uint_eq(a->frames, b->frames);
    ck_assert_uint_eq(a->dropped_frames, b->dropped_frames);
    ck_assert_uint_eq(a->n_holds, b->n_holds);
    ck_assert_uint_eq(a->n_passes, b->n_passes);
    ck_assert_uint_eq(a->n_flinches, b->n_flinches);
    ck_assert_uint_eq(a->n_peaks, b->n_peaks);
    ck_assert_int_eq(a->calf_found, b->calf_found);
    /* Bit for bit: the same sums in the same order. */
    ck_assert(a->calf_length_cm == b->calf_length_cm ||
              (isnan(a->calf_length_cm) && isnan(b->calf_length_cm)));
    for (size_t i = 0; i < a->n_holds; i++) {
        ck_assert(a->holds[i].start_s == b->holds[i].start_s);
        ck_assert(a->holds[i].duration_s == b->holds[i].duration_s);
        ck_assert(a->holds[i].mean_force_n == b->holds[i].mean_force_n);
        ck_assert(a->holds[i].position_cm == b->holds[i].position_cm ||
                  (isnan(a->holds[i].position_cm) &&
                   isnan(b->holds[i].position_cm)));
    }
    for (size_t i = 0; i < a->n_passes; i++) {
        ck_assert(a->passes[i].start_s == b->passes[i].start_s);
        ck_assert(a->passes[i].mean_speed_cm_s ==
                  b->passes[i].mean_speed_cm_s);
    }
}

static const char *const view_scenarios[] = { "basic", "stress" };

START_TEST(test_engine_view_and_frame_pushes_find_the_same)
{
    rm_sim *sim;
    rm_error err;
    rm_sim_options opt = { .seed = 11, .duration_s = 90 };
    ck_assert_int_eq(rm_sim_new(view_scenarios[_i], &opt, &sim, &err),
                     RM_OK);
    const rm_session_meta *meta = rm_sim_get_meta(sim);
    uint32_t cells = meta->desc.cells;
    size_t cap = 1 << 17, n = 0, got;
    rm_frame *all = malloc(cap * sizeof *all);
    ck_assert_ptr_nonnull(all);
    for (;;) {
        if (n + 4096 > cap) {
            cap *= 2;
            all = realloc(all, cap * sizeof *all);
            ck_assert_ptr_nonnull(all);
        }
        ck_assert_int_eq(rm_sim_read(sim, all + n, 4096, &got), RM_OK);
        if (!got)
            break;
        n += got;
    }
    /* A gap and a board restart, so the sequence logic is compared too. */
    for (size_t k = n / 3; k < n; k++)
        all[k].seq += 5;
    for (size_t k = 2 * n / 3; k < n; k++)
        all[k].seq -= 1000;
    int32_t *block = interleave(all, n, cells);

    rm_engine *a, *b;
    ck_assert_int_eq(rm_engine_new(meta, NULL, NULL, &a, &err), RM_OK);
    ck_assert_int_eq(rm_engine_new(meta, NULL, NULL, &b, &err), RM_OK);
    uint64_t x = 0x1234567ull + (uint64_t)_i;
    for (size_t k = 0; k < n;) { /* blocks of 1..700 frames */
        size_t m = 1 + rng_next(&x) % 700;
        if (m > n - k)
            m = n - k;
        ck_assert_int_eq(rm_engine_push(a, all + k, m), RM_OK);
        k += m;
    }
    for (size_t k = 0; k < n;) { /* other block boundaries */
        size_t m = 1 + rng_next(&x) % 1500;
        if (m > n - k)
            m = n - k;
        rm_frame_view v = view_of(block, k, m, cells);
        ck_assert_int_eq(rm_engine_push_view(b, &v), RM_OK);
        k += m;
    }
    ck_assert_int_eq(rm_engine_finish(a), RM_OK);
    ck_assert_int_eq(rm_engine_finish(b), RM_OK);
    const rm_summary *sa = rm_engine_summary(a), *sb = rm_engine_summary(b);
    ck_assert_ptr_nonnull(sa);
    ck_assert_ptr_nonnull(sb);
    ck_assert_uint_eq(sa->frames, n);
    ck_assert_uint_eq(sa->dropped_frames, 5);
    ck_assert_uint_gt(sa->n_passes, 0);
    expect_same_summary(sa, sb);
    rm_engine_free(a);
    rm_engine_free(b);
    free(block);
    free(all);
    rm_sim_free(sim);
}
END_TEST

/*
 * Raw counts anywhere in int32 (a 32-bit ADC, or a corrupt file): each
 * tick's mean must be the exact one. One tick at a time is pushed and
 * the live force (the tick's total) compared, bit for bit, with the same
 * arithmetic on int64 sums. 32 and 13 cells cover the 16-, 4- and 1-cell
 * summing paths at 2000 Hz (40 frames per tick); rev A's 80 Hz ticks
 * every frame. Loops 3-5 repeat 0-2 with the baseline (SSE2) sums where
 * the engine would have picked its AVX2 build.
 */
static const struct {
    uint32_t cells;
    float rate_hz;
    unsigned per_tick;
} sum_boards[] = { { 32, 2000, 40 }, { 13, 2000, 40 }, { 12, 80, 1 } };

START_TEST(test_engine_tick_sums_are_exact_for_any_int32)
{
    rm_session_meta meta;
    memset(&meta, 0, sizeof meta);
    rm_descriptor_rev_a(&meta.desc);
    const int board = _i % 3;
    meta.desc.cells = sum_boards[board].cells;
    meta.desc.rate_hz = sum_boards[board].rate_hz;
    const unsigned cells = meta.desc.cells;
    const unsigned per_tick = sum_boards[board].per_tick;
    for (unsigned i = 0; i < cells; i++) {
        meta.desc.scale_n_per_count[i] = 1e-4f * (float)(1 + i % 3);
        meta.desc.tare_counts[i] = (int32_t)(i * 1000) - 5000;
    }
    rm_engine *e;
    rm_error err;
    ck_assert_int_eq(rm_engine_new(&meta, NULL, NULL, &e, &err), RM_OK);
    if (_i >= 3)
        e->avx2 = 0;
    e->gf_off = 1; /* the sums themselves, not the outlier filter's pick */
    rm_frame f[40];
    uint64_t x = 0xfeedfaceull;
    uint32_t seq = 0;
    for (int tick = 0; tick < 60; tick++) {
        int64_t sum[RM_MAX_CELLS] = { 0 };
        for (unsigned k = 0; k < per_tick; k++) {
            memset(&f[k], 0, sizeof f[k]);
            f[k].seq = seq++;
            for (unsigned i = 0; i < cells; i++) {
                int32_t v;
                switch ((tick + (int)i) % 4) {
                case 0: v = INT32_MAX; break;
                case 1: v = INT32_MIN; break;
                case 2: v = (int32_t)(uint32_t)rng_next(&x); break;
                default: v = (int32_t)(rng_next(&x) >> 40) - (1 << 23);
                }
                f[k].cells[i] = v;
                sum[i] += v;
            }
        }
        ck_assert_int_eq(rm_engine_push(e, f, per_tick), RM_OK);
        double total = 0.0;
        for (unsigned i = 0; i < cells; i++)
            total += ((double)sum[i] / (double)per_tick -
                      (double)meta.desc.tare_counts[i]) *
                     (double)meta.desc.scale_n_per_count[i];
        rm_live lv;
        rm_engine_live_state(e, &lv);
        ck_assert_msg(lv.force_n == total, "tick %d: %.17g != %.17g", tick,
                      lv.force_n, total);
    }
    ck_assert_int_eq(rm_engine_finish(e), RM_OK);
    rm_engine_free(e);
}
END_TEST

/* Callbacks of the offline path: counted, and on which thread. */
typedef struct cb_log {
    pthread_t caller;
    size_t passes, holds, elsewhere;
} cb_log;

static void log_pass(const rm_pass *p, void *user)
{
    cb_log *l = user;
    (void)p;
    l->passes++;
    l->elsewhere += !pthread_equal(pthread_self(), l->caller);
}

static void log_hold(const rm_hold *h, void *user)
{
    cb_log *l = user;
    (void)h;
    l->holds++;
    l->elsewhere += !pthread_equal(pthread_self(), l->caller);
}

/*
 * The offline report reads the file on a helper thread into a ring of
 * blocks (rm_report_options.read_ahead), else on the calling thread:
 * either way,
 * over a session several rings long, it must find exactly what
 * rm_engine_push finds on the same frames, with every callback on the
 * calling thread. Loop 0 forces the ring, loop 1 the single thread.
 */
START_TEST(test_offline_read_ahead_finds_what_push_finds)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/rm-ahead-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/s.wav", dir);

    rm_sim *sim;
    rm_error err;
    rm_sim_options opt = { .seed = 4, .duration_s = 75 };
    ck_assert_int_eq(rm_sim_new("stress", &opt, &sim, &err), RM_OK);
    const rm_session_meta *meta = rm_sim_get_meta(sim);
    rm_session_writer *w;
    ck_assert_int_eq(rm_session_writer_new(path, meta, 0, &w, &err), RM_OK);
    rm_engine *direct;
    cb_log want = { pthread_self(), 0, 0, 0 };
    rm_engine_callbacks cbw = { .on_pass = log_pass, .on_hold = log_hold,
                                .user = &want };
    ck_assert_int_eq(rm_engine_new(meta, NULL, &cbw, &direct, &err), RM_OK);
    static rm_frame buf[1000];
    size_t got, n = 0;
    for (;;) {
        ck_assert_int_eq(rm_sim_read(sim, buf, 1000, &got), RM_OK);
        if (!got)
            break;
        ck_assert_int_eq(rm_session_writer_append(w, buf, got), RM_OK);
        ck_assert_int_eq(rm_engine_push(direct, buf, got), RM_OK);
        n += got;
    }
    ck_assert_int_eq(rm_session_writer_close(w), RM_OK);
    ck_assert_int_eq(rm_engine_finish(direct), RM_OK);
    ck_assert_uint_gt(n, 8 * 2048 * 4); /* several read-ahead rings */

    cb_log seen = { pthread_self(), 0, 0, 0 };
    rm_engine_callbacks cbs = { .on_pass = log_pass, .on_hold = log_hold,
                                .user = &seen };
    rm_session *sess;
    rm_engine *eng;
    ck_assert_int_eq(rm_pipeline_analyse(path, NULL, &cbs, 0, _i == 0, &sess,
                                         &eng, &err),
                     RM_OK);
    const rm_summary *a = rm_engine_summary(direct);
    const rm_summary *b = rm_engine_summary(eng);
    ck_assert_uint_eq(b->frames, n);
    ck_assert_uint_gt(b->n_passes, 0);
    expect_same_summary(a, b);
    ck_assert_uint_eq(seen.passes, want.passes);
    ck_assert_uint_eq(seen.holds, want.holds);
    ck_assert_uint_eq(seen.elsewhere, 0);
    ck_assert_uint_eq(rm_session_dropped(sess), b->dropped_frames);
    rm_engine_free(eng);
    rm_session_close(sess);
    rm_engine_free(direct);
    rm_sim_free(sim);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* Live positions off: no provisional place ever reaches the live view,
 * and the summary is the one the default engine gives, bit for bit (the
 * refits the switch skips only serve the live view). */
START_TEST(test_engine_live_positions_off_changes_no_result)
{
    rm_sim *sim;
    rm_error err;
    rm_sim_options opt = { .seed = 5, .duration_s = 150 };
    ck_assert_int_eq(rm_sim_new(view_scenarios[_i], &opt, &sim, &err),
                     RM_OK);
    const rm_session_meta *meta = rm_sim_get_meta(sim);
    rm_engine *a, *b;
    ck_assert_int_eq(rm_engine_new(meta, NULL, NULL, &a, &err), RM_OK);
    ck_assert_int_eq(rm_engine_new(meta, NULL, NULL, &b, &err), RM_OK);
    ck_assert_int_eq(rm_engine_set_live_positions(NULL, 0), RM_ERR_ARG);
    ck_assert_int_eq(rm_engine_set_live_positions(b, 0), RM_OK);
    rm_frame buf[512];
    size_t got, placed_a = 0, placed_b = 0, contact = 0;
    for (;;) {
        ck_assert_int_eq(rm_sim_read(sim, buf, 512, &got), RM_OK);
        if (!got)
            break;
        ck_assert_int_eq(rm_engine_push(a, buf, got), RM_OK);
        ck_assert_int_eq(rm_engine_push(b, buf, got), RM_OK);
        rm_live la, lb;
        rm_engine_live_state(a, &la);
        rm_engine_live_state(b, &lb);
        ck_assert_int_eq(la.in_contact, lb.in_contact);
        ck_assert(la.force_n == lb.force_n);
        contact += lb.in_contact != 0;
        placed_a += isfinite(la.position_cm) != 0;
        placed_b += isfinite(lb.position_cm) != 0;
    }
    ck_assert_uint_gt(contact, 0);
    ck_assert_uint_gt(placed_a, 0); /* the default engine does place */
    ck_assert_uint_eq(placed_b, 0);
    ck_assert_int_eq(rm_engine_finish(a), RM_OK);
    ck_assert_int_eq(rm_engine_finish(b), RM_OK);
    const rm_summary *sa = rm_engine_summary(a), *sb = rm_engine_summary(b);
    ck_assert_uint_gt(sa->n_passes, 0);
    expect_same_summary(sa, sb);
    for (size_t i = 0; i < sa->n_passes; i++) {
        ck_assert(sa->passes[i].from_cm == sb->passes[i].from_cm ||
                  (isnan(sa->passes[i].from_cm) &&
                   isnan(sb->passes[i].from_cm)));
        ck_assert(sa->passes[i].to_cm == sb->passes[i].to_cm ||
                  (isnan(sa->passes[i].to_cm) && isnan(sb->passes[i].to_cm)));
    }
    for (size_t i = 0; i < sa->n_peaks; i++)
        ck_assert(sa->peaks[i].position_cm == sb->peaks[i].position_cm);
    rm_engine_free(a);
    rm_engine_free(b);
    rm_sim_free(sim);
}
END_TEST

START_TEST(test_engine_push_view_refuses_bad_views)
{
    rm_session_meta meta;
    memset(&meta, 0, sizeof meta);
    rm_descriptor_rev_a(&meta.desc);
    rm_engine *e;
    rm_error err;
    ck_assert_int_eq(rm_engine_new(&meta, NULL, NULL, &e, &err), RM_OK);
    int32_t buf[15] = { 0 };
    rm_frame_view v = view_of(buf, 0, 1, 12);
    ck_assert_int_eq(rm_engine_push_view(e, &v), RM_OK);
    ck_assert_int_eq(rm_engine_push_view(NULL, &v), RM_ERR_ARG);
    ck_assert_int_eq(rm_engine_push_view(e, NULL), RM_ERR_ARG);
    rm_frame_view bad = v;
    bad.cells_n = 11; /* fewer cells than the descriptor's 12 */
    ck_assert_int_eq(rm_engine_push_view(e, &bad), RM_ERR_ARG);
    bad = v;
    bad.stride_bytes = 61;
    ck_assert_int_eq(rm_engine_push_view(e, &bad), RM_ERR_ARG);
    bad = v;
    bad.seq = NULL;
    ck_assert_int_eq(rm_engine_push_view(e, &bad), RM_ERR_ARG);
    bad.n = 0; /* nothing to read: nothing to refuse */
    ck_assert_int_eq(rm_engine_push_view(e, &bad), RM_OK);
    ck_assert_int_eq(rm_engine_finish(e), RM_OK);
    ck_assert_int_eq(rm_engine_push_view(e, &v), RM_ERR_ARG); /* finished */
    rm_engine_free(e);
}
END_TEST

Suite *engine_view_suite(void);
Suite *engine_view_suite(void)
{
    Suite *s = suite_create("engine_view");
    TCase *tc = tcase_create("view");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_engine_view_and_frame_pushes_find_the_same,
                        0, 2);
    tcase_add_loop_test(tc, test_engine_tick_sums_are_exact_for_any_int32, 0,
                        6);
    tcase_add_test(tc, test_engine_push_view_refuses_bad_views);
    tcase_add_loop_test(tc, test_engine_live_positions_off_changes_no_result,
                        0, 2);
    tcase_add_loop_test(tc, test_offline_read_ahead_finds_what_push_finds, 0,
                        2);
    suite_add_tcase(s, tc);
    return s;
}
