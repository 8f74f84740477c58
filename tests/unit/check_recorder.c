/* The recorder: every frame from the link into the session file and the
 * engine, a clean file when the transport fails mid-session, the refusal
 * to overwrite, and its writer thread: a slow disk never costs a frame,
 * frames reach the file without waiting for the next push, and a failed
 * write surfaces on the next push and at close. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_link_fault.h"
#include "link/transport.h" /* rm_recorder_slow_writer: fault injection */

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

/* Metadata for the "stress" scenario (32 cells, 1 kHz) and its frames. */
static rm_frame *stress_frames(rm_session_meta *m, size_t *n)
{
    memset(m, 0, sizeof *m);
    m->format_version = 1;
    rm_sim *sim = NULL;
    rm_sim_options so = { .seed = 1, .duration_s = 3.0 };
    ck_assert_int_eq(rm_sim_new("stress", &so, &sim, NULL), RM_OK);
    m->desc = rm_sim_get_meta(sim)->desc;
    m->leg = RM_LEG_LEFT;
    strcpy(m->notes, "recorder test");
    size_t cap = 4096;
    rm_frame *f = malloc(cap * sizeof *f);
    ck_assert_ptr_nonnull(f);
    size_t have = 0, got = 0;
    while (have < cap &&
           rm_sim_read(sim, f + have, cap - have, &got) == RM_OK && got)
        have += got;
    ck_assert_uint_gt(have, 2000);
    rm_sim_free(sim);
    *n = have;
    return f;
}

START_TEST(test_recorder_slow_writer_never_loses_frames)
{
    /* A queue of 64 frames and a writer that takes 20 ms per block: the
     * pushes must wait for room, and every frame must still be in the
     * file, in order, bit-exact. */
    rm_session_meta m;
    size_t n = 0;
    rm_frame *want = stress_frames(&m, &n);
    char path[256];
    tmp_path(path, sizeof path, "slow");
    rm_recorder *r = NULL;
    rm_recorder_options o = { .no_engine = 1, .queue_frames = 64 };
    ck_assert_int_eq(rm_recorder_new(path, &m, &o, &r, NULL), RM_OK);
    rm_recorder_slow_writer(r, 20000);
    size_t pushed = 0;
    while (pushed < n) {
        size_t k = n - pushed < 37 ? n - pushed : 37; /* not a divisor */
        ck_assert_int_eq(rm_recorder_push(r, want + pushed, k), RM_OK);
        pushed += k;
        /* Never more than the queue beyond what is in the file. */
        ck_assert_uint_eq(rm_recorder_frames(r), pushed);
    }
    rm_recorder_stats st;
    rm_recorder_get_stats(r, &st);
    ck_assert_uint_eq(st.queue_cap_frames, 64);
    ck_assert_uint_eq(st.queue_max_frames, 64);
    ck_assert_uint_gt(st.full_waits, 0);
    ck_assert_int_eq(rm_recorder_finish(r), RM_OK);
    ck_assert_uint_eq(rm_recorder_frames(r), n);
    ck_assert_uint_eq(rm_recorder_dropped(r), 0);
    check_file(path, want, n, m.desc.cells);
    rm_recorder_free(r);
    unlink(path);
    free(want);
}
END_TEST

START_TEST(test_recorder_flush_puts_every_frame_in_the_file)
{
    /* After rm_recorder_flush() the file on disk already holds every
     * frame pushed (another reader sees them), with no further push. */
    rm_session_meta m;
    size_t n = 0;
    rm_frame *want = stress_frames(&m, &n);
    char path[256];
    tmp_path(path, sizeof path, "flush");
    rm_recorder *r = NULL;
    rm_recorder_options o = { .no_engine = 1 };
    ck_assert_int_eq(rm_recorder_new(path, &m, &o, &r, NULL), RM_OK);
    rm_recorder_slow_writer(r, 5000);
    ck_assert_int_eq(rm_recorder_push(r, want, 300), RM_OK);
    ck_assert_int_eq(rm_recorder_push(r, want + 300, 11), RM_OK);
    ck_assert_int_eq(rm_recorder_flush(r), RM_OK);
    check_file(path, want, 311, m.desc.cells);
    rm_recorder_stats st;
    rm_recorder_get_stats(r, &st);
    ck_assert_uint_ge(st.writes, 1);
    rm_recorder_free(r);
    check_file(path, want, 311, m.desc.cells);
    unlink(path);
    free(want);
}
END_TEST

/* Frames in @p path, or -1 when it does not open. */
static long frames_on_disk(const char *path)
{
    rm_session *s = NULL;
    if (rm_session_open(path, &s, NULL) != RM_OK)
        return -1;
    long n = (long)rm_session_frame_count(s);
    rm_session_close(s);
    return n;
}

START_TEST(test_recorder_writes_a_batch_without_a_further_push)
{
    /* A board that stalls after a few frames: the writer thread keeps
     * the 100 ms block age itself, so they reach the file while the
     * caller is still waiting on the port (a SIGKILL then takes nothing).
     * The 10 s allowance only keeps a broken build from hanging. */
    rm_session_meta m;
    size_t n = 0;
    rm_frame *want = stress_frames(&m, &n);
    char path[256];
    tmp_path(path, sizeof path, "age");
    rm_recorder *r = NULL;
    rm_recorder_options o = { .no_engine = 1 };
    ck_assert_int_eq(rm_recorder_new(path, &m, &o, &r, NULL), RM_OK);
    ck_assert_int_eq(rm_recorder_push(r, want, 10), RM_OK);
    long on_disk = 0;
    for (int i = 0; i < 1000 && on_disk < 10; i++) {
        usleep(10000);
        on_disk = frames_on_disk(path);
    }
    ck_assert_int_eq(on_disk, 10);
    rm_recorder_free(r);
    check_file(path, want, 10, m.desc.cells);
    unlink(path);
    free(want);
}
END_TEST

/*
 * The child of the write-failure test: record under a file size limit
 * (EFBIG, as a full disk would fail) and exit with the first check that
 * failed (0: all held). In a child of its own so the limit cannot reach
 * other tests however Check runs them.
 */
static int write_failure_child(const char *path, int use_flush)
{
    signal(SIGXFSZ, SIG_IGN);
    rm_session_meta m;
    size_t n = 0;
    rm_frame *want = stress_frames(&m, &n);
    rm_recorder *r = NULL;
    rm_recorder_options o = { .no_engine = 1, .write_flags =
                              RM_WRITE_OVERWRITE };
    if (rm_recorder_new(path, &m, &o, &r, NULL) != RM_OK)
        return 10;
    struct rlimit lim = { 200 * 1024, 200 * 1024 }; /* ~1,400 frames */
    if (setrlimit(RLIMIT_FSIZE, &lim))
        return 11;
    rm_status st = RM_OK;
    size_t pushed = 0;
    while (pushed < n && st == RM_OK) {
        size_t k = n - pushed < 100 ? n - pushed : 100;
        st = rm_recorder_push(r, want + pushed, k);
        if (st == RM_OK)
            pushed += k;
        if (st == RM_OK && use_flush)
            st = rm_recorder_flush(r);
    }
    /* Without flushes the push loop may outrun the writer: the failure
     * then comes at close. Either way it must come, with the cause. */
    rm_status fin = rm_recorder_finish(r);
    if (st == RM_OK && fin == RM_OK)
        return 12;
    if (use_flush && st != RM_ERR_IO)
        return 13;
    if (fin != RM_ERR_IO)
        return 14;
    if (!strstr(rm_recorder_errmsg(r), "File too large") ||
        !strstr(rm_recorder_errmsg(r), path))
        return 15;
    /* Later pushes keep failing the same way (flush case: the file is
     * final), and the count is the file's, not what was pushed. */
    uint64_t said = rm_recorder_frames(r);
    rm_recorder_free(r);
    struct rlimit none = { RLIM_INFINITY, RLIM_INFINITY };
    setrlimit(RLIMIT_FSIZE, &none);
    long held = frames_on_disk(path);
    if (held < 100 || (uint64_t)held != said || (size_t)held >= n)
        return 16;
    free(want);
    return 0;
}

static void check_write_failure(int use_flush)
{
    char path[256];
    tmp_path(path, sizeof path, use_flush ? "efbig-flush" : "efbig");
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(write_failure_child(path, use_flush));
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status), "child died (status %d)", status);
    ck_assert_msg(WEXITSTATUS(status) == 0, "check %d failed",
                  WEXITSTATUS(status));
    /* The file left behind holds a prefix of the frames, bit-exact. */
    rm_session_meta m;
    size_t n = 0;
    rm_frame *want = stress_frames(&m, &n);
    long held = frames_on_disk(path);
    ck_assert_int_gt(held, 100);
    check_file(path, want, (size_t)held, m.desc.cells);
    unlink(path);
    free(want);
}

START_TEST(test_recorder_write_failure_surfaces_on_the_next_push)
{
    check_write_failure(1);
}
END_TEST

START_TEST(test_recorder_write_failure_surfaces_at_close)
{
    check_write_failure(0);
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
    tcase_add_test(tc, test_recorder_slow_writer_never_loses_frames);
    tcase_add_test(tc, test_recorder_flush_puts_every_frame_in_the_file);
    tcase_add_test(tc, test_recorder_writes_a_batch_without_a_further_push);
    tcase_add_test(tc, test_recorder_write_failure_surfaces_on_the_next_push);
    tcase_add_test(tc, test_recorder_write_failure_surfaces_at_close);
    suite_add_tcase(s, tc);
    return s;
}
