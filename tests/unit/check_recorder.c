/* The recorder: every frame from the link into the session file and the
 * engine, a clean file when the transport fails mid-session, and the
 * refusal to overwrite. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_link_fault.h"

static void tmp_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "/tmp/rollmap-check-recorder-%d-%s.wav", (int)getpid(),
             name);
    unlink(buf);
}

static rm_session_meta meta_of(const rm_link *l)
{
    rm_session_meta m;
    memset(&m, 0, sizeof m);
    m.format_version = 1;
    m.desc = *rm_link_descriptor(l);
    m.leg = RM_LEG_LEFT;
    m.start_unix_us = 1700000000000000LL;
    strcpy(m.notes, "recorder test");
    return m;
}

/* Record from @p l until the stream ends or fails; frames pushed. */
static size_t pump(rm_link *l, rm_recorder *r, rm_status *why)
{
    rm_frame buf[64];
    size_t n = 0;
    *why = RM_OK;
    for (int guard = 0; guard < 100000; guard++) {
        size_t got = 0;
        rm_status st = rm_link_read(l, buf, 64, &got, 50);
        ck_assert_int_eq(rm_recorder_push(r, buf, got), RM_OK);
        n += got;
        if (st != RM_OK) {
            *why = st;
            break;
        }
        if (!got && rm_link_ended(l))
            break;
    }
    return n;
}

/* The file holds exactly want[0..n), bit for bit. */
static void check_file(const char *path, const rm_frame *want, size_t n,
                       uint32_t cells)
{
    rm_session *s = NULL;
    rm_error e = { 0 };
    ck_assert_msg(rm_session_open(path, &s, &e) == RM_OK, "%s", e.msg);
    ck_assert_uint_eq(rm_session_frame_count(s), n);
    ck_assert_int_eq(rm_session_get_meta(s)->leg, RM_LEG_LEFT);
    ck_assert_str_eq(rm_session_get_meta(s)->notes, "recorder test");
    rm_frame buf[128];
    size_t k = 0, got = 0;
    while (rm_session_read(s, buf, 128, &got) == RM_OK && got) {
        for (size_t i = 0; i < got; i++, k++) {
            ck_assert_uint_lt(k, n);
            ck_assert_msg(frames_equal(&buf[i], &want[k], cells),
                          "frame %zu differs", k);
        }
    }
    ck_assert_uint_eq(k, n);
    rm_session_close(s);
}

START_TEST(test_recorder_keeps_every_frame_of_a_session)
{
    size_t n_want = 0;
    rm_frame *want = scenario_frames("short", &n_want);
    fault *f;
    rm_transport *t = fault_board("short", &f);
    rm_link *l = NULL;
    ck_assert_int_eq(rm_link_open(t, NULL, &l, NULL), RM_OK);
    char path[256];
    tmp_path(path, sizeof path, "all");
    rm_session_meta m = meta_of(l);
    rm_recorder *r = NULL;
    rm_error e = { 0 };
    ck_assert_msg(rm_recorder_new(path, &m, NULL, &r, &e) == RM_OK, "%s",
                  e.msg);
    ck_assert_int_eq(rm_link_start(l), RM_OK);
    rm_status why;
    size_t n = pump(l, r, &why);
    ck_assert_int_eq(why, RM_OK);
    ck_assert_uint_eq(n, n_want);
    ck_assert_uint_eq(rm_recorder_frames(r), n_want);
    ck_assert_int_eq(rm_recorder_finish(r), RM_OK);
    /* One stream, one engine: it saw the same frames as the file. */
    const rm_engine *eng = rm_recorder_engine(r);
    if (eng) {
        const rm_summary *sum = rm_engine_summary(eng);
        ck_assert_ptr_nonnull(sum);
        ck_assert_uint_eq(sum->frames, n_want);
    } else {
        ck_assert_uint_gt(strlen(rm_recorder_errmsg(r)), 0);
    }
    check_file(path, want, n_want, m.desc.cells);
    rm_recorder_free(r);
    rm_link_close(l);
    unlink(path);
    free(want);
}
END_TEST

START_TEST(test_recorder_file_is_valid_after_transport_failure)
{
    size_t n_want = 0;
    rm_frame *want = scenario_frames("short", &n_want);
    fault *f;
    rm_transport *t = fault_board("short", &f);
    rm_link *l = NULL;
    ck_assert_int_eq(rm_link_open(t, NULL, &l, NULL), RM_OK);
    char path[256];
    tmp_path(path, sizeof path, "fail");
    rm_session_meta m = meta_of(l);
    rm_recorder *r = NULL;
    rm_recorder_options o = { .no_engine = 1 };
    ck_assert_int_eq(rm_recorder_new(path, &m, &o, &r, NULL), RM_OK);
    ck_assert_ptr_null(rm_recorder_engine(r));
    ck_assert_int_eq(rm_link_start(l), RM_OK);
    f->fail_after = f->bytes + 7777; /* mid-frame, ~150 frames in */
    rm_status why;
    size_t n = pump(l, r, &why);
    ck_assert_int_eq(why, RM_ERR_IO);
    ck_assert_uint_gt(n, 100);
    ck_assert_uint_lt(n, n_want);
    ck_assert_int_eq(rm_recorder_finish(r), RM_OK);
    check_file(path, want, n, m.desc.cells);
    rm_recorder_free(r);
    rm_link_close(l);
    unlink(path);
    free(want);
}
END_TEST

START_TEST(test_recorder_frees_unfinished_with_frames_on_disk)
{
    /* rm_recorder_free without finish still flushes the block. */
    size_t n_want = 0;
    rm_frame *want = scenario_frames("short", &n_want);
    rm_session_meta m;
    memset(&m, 0, sizeof m);
    m.format_version = 1;
    rm_sim *sim = NULL;
    rm_sim_options so = { .seed = 1 };
    ck_assert_int_eq(rm_sim_new("short", &so, &sim, NULL), RM_OK);
    m.desc = rm_sim_get_meta(sim)->desc;
    m.leg = RM_LEG_LEFT;
    strcpy(m.notes, "recorder test");
    rm_sim_free(sim);
    char path[256];
    tmp_path(path, sizeof path, "free");
    rm_recorder *r = NULL;
    rm_recorder_options o = { .no_engine = 1 };
    ck_assert_int_eq(rm_recorder_new(path, &m, &o, &r, NULL), RM_OK);
    ck_assert_int_eq(rm_recorder_push(r, want, 37), RM_OK); /* < a block */
    rm_recorder_free(r);
    check_file(path, want, 37, m.desc.cells);
    unlink(path);
    free(want);
}
END_TEST

START_TEST(test_recorder_refuses_to_overwrite_without_the_flag)
{
    rm_session_meta m;
    memset(&m, 0, sizeof m);
    m.format_version = 1;
    rm_descriptor_rev_a(&m.desc);
    char path[256];
    tmp_path(path, sizeof path, "exists");
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("precious", fp);
    fclose(fp);
    rm_recorder *r = (rm_recorder *)1;
    rm_error e = { 0 };
    rm_recorder_options o = { .no_engine = 1 };
    ck_assert_int_eq(rm_recorder_new(path, &m, &o, &r, &e), RM_ERR_EXISTS);
    ck_assert_ptr_null(r);
    o.write_flags = RM_WRITE_OVERWRITE;
    ck_assert_int_eq(rm_recorder_new(path, &m, &o, &r, &e), RM_OK);
    ck_assert_int_eq(rm_recorder_finish(r), RM_OK);
    ck_assert_int_eq(rm_recorder_push(r, NULL, 0), RM_ERR_ARG); /* finished */
    rm_recorder_free(r);
    unlink(path);
}
END_TEST

Suite *recorder_suite(void)
{
    Suite *s = suite_create("recorder");
    TCase *tc = tcase_create("record");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_recorder_keeps_every_frame_of_a_session);
    tcase_add_test(tc, test_recorder_file_is_valid_after_transport_failure);
    tcase_add_test(tc, test_recorder_frees_unfinished_with_frames_on_disk);
    tcase_add_test(tc, test_recorder_refuses_to_overwrite_without_the_flag);
    suite_add_tcase(s, tc);
    return s;
}
