/*
 * rm_session_read_view: the reader's block handed out in place must hold
 * exactly the frames rm_session_read() copies out, with the same sequence
 * gap count, across block boundaries, mixed calls, rewind and the end.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollmap.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/rm-view-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Frame k: every field a known function of k; a gap of k % 997 == 500
 * frames every 997 (so gaps land inside and across 1024-frame blocks). */
static void frame_at(rm_frame *f, uint32_t cells, uint64_t k, uint32_t *seq)
{
    memset(f, 0, sizeof *f);
    *seq += k % 997 == 500 ? 4u : 1u;
    f->seq = *seq;
    f->time_us = (uint32_t)(k * 1000u);
    f->encoder = (int32_t)(uint32_t)(k * 7919u);
    for (uint32_t i = 0; i < cells; i++)
        f->cells[i] = (int32_t)(uint32_t)(k * 2654435761u + i * 40503u);
}

/* Writes n frames of a `cells`-cell board; returns the frames written. */
static rm_frame *write_frames(const char *path, uint32_t cells, size_t n)
{
    rm_session_meta m;
    memset(&m, 0, sizeof m);
    rm_descriptor_rev_a(&m.desc);
    m.desc.cells = cells;
    memset(m.desc.scale_n_per_count, 0, sizeof m.desc.scale_n_per_count);
    for (uint32_t i = 0; i < cells; i++)
        m.desc.scale_n_per_count[i] = 1e-4f;
    m.format_version = 1;
    rm_frame *f = calloc(n, sizeof *f);
    ck_assert_ptr_nonnull(f);
    uint32_t seq = 0xFFFFF000u; /* wraps inside the session */
    for (size_t k = 0; k < n; k++)
        frame_at(&f[k], cells, k, &seq);
    rm_session_writer *w = NULL;
    rm_error e;
    ck_assert_msg(rm_session_writer_new(path, &m, 0, &w, &e) == RM_OK, "%s",
                  e.msg);
    ck_assert_int_eq(rm_session_writer_append(w, f, n), RM_OK);
    ck_assert_int_eq(rm_session_writer_close(w), RM_OK);
    return f;
}

static void expect_frame(const rm_frame_view *v, size_t k, const rm_frame *f,
                         uint32_t cells)
{
    const char *base = (const char *)v->seq + k * v->stride_bytes;
    uint32_t seq, t;
    int32_t enc, c[RM_MAX_CELLS];
    memcpy(&seq, base, sizeof seq);
    memcpy(&t, (const char *)v->time_us + k * v->stride_bytes, sizeof t);
    memcpy(&enc, (const char *)v->encoder + k * v->stride_bytes, sizeof enc);
    memcpy(c, (const char *)v->cells + k * v->stride_bytes,
           cells * sizeof c[0]);
    ck_assert_uint_eq(seq, f->seq);
    ck_assert_uint_eq(t, f->time_us);
    ck_assert_int_eq(enc, f->encoder);
    for (uint32_t i = 0; i < cells; i++)
        ck_assert_int_eq(c[i], f->cells[i]);
}

static const uint32_t view_cells[] = { 1, 12, 32 };

START_TEST(test_session_view_holds_the_frames_read_copies)
{
    const uint32_t cells = view_cells[_i];
    const size_t n = 5000;
    char path[128];
    snprintf(path, sizeof path, "%s/v.wav", tmpdir);
    rm_frame *want = write_frames(path, cells, n);

    rm_session *a, *b;
    ck_assert_int_eq(rm_session_open(path, &a, NULL), RM_OK);
    ck_assert_int_eq(rm_session_open(path, &b, NULL), RM_OK);
    /* a: copies, in odd-sized reads; b: views of varying caps. */
    rm_frame *got = calloc(n, sizeof *got);
    ck_assert_ptr_nonnull(got);
    size_t na = 0, g;
    do {
        ck_assert_int_eq(rm_session_read(a, got + na, 333, &g), RM_OK);
        na += g;
    } while (g);
    ck_assert_uint_eq(na, n);
    ck_assert_mem_eq(got, want, n * sizeof *got);

    size_t nb = 0, caps[] = { 1, 7, 1024, 5000, 2 };
    for (size_t round = 0;; round++) {
        rm_frame_view v;
        ck_assert_int_eq(rm_session_read_view(b, caps[round % 5], &v),
                         RM_OK);
        if (v.n == 0)
            break;
        ck_assert_uint_le(v.n, caps[round % 5]);
        ck_assert_uint_eq(v.cells_n, cells);
        ck_assert_uint_eq(v.stride_bytes % 4, 0);
        for (size_t k = 0; k < v.n; k++)
            expect_frame(&v, k, &want[nb + k], cells);
        nb += v.n;
    }
    ck_assert_uint_eq(nb, n);
    /* Four frames skipped every 997 (k % 997 == 500: five gaps of 3). */
    ck_assert_uint_eq(rm_session_dropped(b), 5 * 3);
    ck_assert_uint_eq(rm_session_dropped(b), rm_session_dropped(a));

    /* Rewind, then mix the two calls: the gap count runs on across them. */
    ck_assert_int_eq(rm_session_rewind(b), RM_OK);
    rm_frame_view v;
    ck_assert_int_eq(rm_session_read_view(b, 600, &v), RM_OK);
    ck_assert_uint_eq(v.n, 600);
    expect_frame(&v, 599, &want[599], cells);
    ck_assert_int_eq(rm_session_read(b, got, 10, &g), RM_OK);
    ck_assert_uint_eq(g, 10);
    ck_assert_mem_eq(got, want + 600, 10 * sizeof *got);
    ck_assert_int_eq(rm_session_read_view(b, 0, &v), RM_OK);
    ck_assert_uint_eq(v.n, 0); /* cap 0 reads nothing */
    ck_assert_int_eq(rm_session_read_view(b, 1, &v), RM_OK);
    expect_frame(&v, 0, &want[610], cells);
    ck_assert_uint_eq(rm_session_dropped(b), 1 * 3);

    /* Into a caller's buffer: any size per call, the view points into it. */
    ck_assert_uint_eq(rm_session_channels(b), cells + 3);
    ck_assert_int_eq(rm_session_rewind(b), RM_OK);
    size_t items = 3000 * rm_session_channels(b);
    int32_t *mine = malloc(items * sizeof *mine);
    ck_assert_ptr_nonnull(mine);
    size_t nc = 0;
    for (;;) {
        ck_assert_int_eq(rm_session_read_into(b, mine, 3000, &v), RM_OK);
        if (v.n == 0)
            break;
        ck_assert(v.cells == mine);
        for (size_t k = 0; k < v.n; k++)
            expect_frame(&v, k, &want[nc + k], cells);
        nc += v.n;
    }
    ck_assert_uint_eq(nc, n);
    ck_assert_uint_eq(rm_session_dropped(b), 5 * 3);
    ck_assert_int_eq(rm_session_read_into(b, NULL, 1, &v), RM_ERR_ARG);
    free(mine);

    ck_assert_int_eq(rm_session_read_view(NULL, 1, &v), RM_ERR_ARG);
    ck_assert_uint_eq(v.n, 0);
    ck_assert_int_eq(rm_session_read_view(b, 1, NULL), RM_ERR_ARG);
    rm_session_close(a);
    rm_session_close(b);
    free(got);
    free(want);
}
END_TEST

Suite *session_view_suite(void);
Suite *session_view_suite(void)
{
    Suite *s = suite_create("session_view");
    TCase *tc = tcase_create("view");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    /* 32 cells x 5000 frames of checks per view: seconds under the
     * sanitizers on a loaded machine, past Check's default 4 s. */
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_session_view_holds_the_frames_read_copies,
                        0, 3);
    suite_add_tcase(s, tc);
    return s;
}
