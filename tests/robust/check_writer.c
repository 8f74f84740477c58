/*
 * The session writer under a write failure that goes away (a file size
 * limit lifted, a disk freed): the frames already in the file stay whole
 * and in order, nothing is written twice, every later append fails the
 * same way, and the file reopens. Uses RLIMIT_FSIZE with SIGXFSZ ignored
 * (write() then fails with EFBIG); Check forks each test, so the limit
 * never leaks into other tests.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "rollmap.h"

static void frames_make(rm_frame *f, size_t n, uint32_t seq0)
{
    memset(f, 0, n * sizeof *f);
    for (size_t i = 0; i < n; i++) {
        f[i].seq = seq0 + (uint32_t)i;
        f[i].time_us = 12500u * f[i].seq;
        f[i].encoder = (int32_t)f[i].seq * 3;
        for (int c = 0; c < 12; c++)
            f[i].cells[c] = (int32_t)(f[i].seq * 100u + (uint32_t)c);
    }
}

START_TEST(test_writer_failed_write_never_duplicates_frames)
{
    char path[] = "/tmp/rollmap-writer-XXXXXX.wav";
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    close(fd);
    rm_session_meta m;
    memset(&m, 0, sizeof m);
    m.format_version = 1;
    rm_descriptor_rev_a(&m.desc);
    rm_session_writer *w = NULL;
    ck_assert_int_eq(rm_session_writer_new(path, &m, RM_WRITE_OVERWRITE, &w,
                                           NULL), RM_OK);
    static rm_frame f[600];
    frames_make(f, 600, 0);
    ck_assert_int_eq(rm_session_writer_append(w, f, 100), RM_OK);

    /* Limit the file to 16 KiB: 300 more frames (15 x 4 B each) do not fit. */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 16384;
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    ck_assert_int_eq(rm_session_writer_append(w, f + 100, 300), RM_ERR_IO);
    const char *msg = rm_session_writer_errmsg(w);
    ck_assert_ptr_nonnull(strstr(msg, "write failed"));
    /* The limit goes away; a caller retrying the same frames (as the
     * recorder does when it finishes) must not get them twice. */
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    ck_assert_int_eq(rm_session_writer_append(w, f + 100, 300), RM_ERR_IO);
    ck_assert_int_eq(rm_session_writer_append(w, f + 400, 200), RM_ERR_IO);
    rm_session_writer_close(w);

    rm_session *s = NULL;
    rm_error err = { 0 };
    ck_assert_msg(rm_session_open(path, &s, &err) == RM_OK, "%s", err.msg);
    uint64_t n = rm_session_frame_count(s);
    ck_assert_uint_ge(n, 100);
    ck_assert_uint_lt(n, 400);
    static rm_frame got[600];
    size_t k = 0;
    ck_assert_int_eq(rm_session_read(s, got, 600, &k), RM_OK);
    ck_assert_uint_eq(k, n);
    for (size_t i = 0; i < k; i++) {
        ck_assert_int_eq(got[i].seq, f[i].seq);
        ck_assert_mem_eq(got[i].cells, f[i].cells, 12 * sizeof f[i].cells[0]);
    }
    ck_assert_uint_eq(rm_session_dropped(s), 0);
    rm_session_close(s);
    unlink(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("writer_faults");
    TCase *tc = tcase_create("efbig");
    tcase_add_test(tc, test_writer_failed_write_never_duplicates_frames);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
