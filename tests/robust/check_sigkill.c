/*
 * SIGKILL at random moments: runs `rollmap record -p -` (the real CLI,
 * $ROLLMAP) with a virtual board on its stdin/stdout, kills it with
 * SIGKILL after a random delay, many times, and checks that every file
 * left behind reopens and holds the frames the board sent, in order and
 * bit-exact, except at most the last second of them.
 * ROLLMAP_KILLS sets the number of runs (default 16).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rollmap.h"

#define SCENARIO "stress"   /* 32 cells at 1 kHz: the most to lose */
#define SEED 5

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

typedef struct sent {
    uint64_t frames;
} sent;

static void count_frame(const rm_frame *f, void *user)
{
    (void)f;
    ((sent *)user)->frames++;
}

/*
 * One run: board <-> record over pipes until @p kill_ms after the start,
 * then SIGKILL. Returns the sample frames written into the pipe.
 */
static uint64_t run_once(const char *rollmap, const char *path,
                         unsigned kill_ms)
{
    int to_rec[2], from_rec[2];
    ck_assert_int_eq(pipe(to_rec), 0);
    ck_assert_int_eq(pipe(from_rec), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(to_rec[0], STDIN_FILENO);
        dup2(from_rec[1], STDOUT_FILENO);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDERR_FILENO);
        close(to_rec[0]), close(to_rec[1]);
        close(from_rec[0]), close(from_rec[1]);
        execl(rollmap, "rollmap", "record", "-p", "-", "-q", "--leg", "left",
              "-o", path, (char *)NULL);
        _exit(127);
    }
    close(to_rec[0]);
    close(from_rec[1]);
    int out = to_rec[1], in = from_rec[0];
    fcntl(out, F_SETFL, O_NONBLOCK);

    rm_vboard_options vo = { .sim = { .seed = SEED, .leg = RM_LEG_LEFT } };
    rm_transport *board = NULL;
    ck_assert_int_eq(rm_transport_open_sim(SCENARIO, &vo, &board, NULL),
                     RM_OK);
    sent s = { 0 };
    rm_decoder_callbacks cb = { .on_frame = count_frame, .user = &s };
    rm_decoder *dec = NULL;
    ck_assert_int_eq(rm_decoder_new(&cb, &dec, NULL), RM_OK);

    static uint8_t pend[1 << 16];
    size_t p_len = 0;
    uint64_t kill_at = mono_ms() + kill_ms;
    int open_end = 1;
    while (open_end && mono_ms() < kill_at) {
        /* Commands from the host to the board. */
        struct pollfd pfd = { .fd = in, .events = POLLIN };
        if (poll(&pfd, 1, 0) > 0) {
            uint8_t cmd[512];
            ssize_t n = read(in, cmd, sizeof cmd);
            if (n <= 0)
                break; /* record exited (it should not, before the kill) */
            rm_transport_write(board, cmd, (size_t)n, 100);
        }
        /* Board bytes to the host; only bytes really written count. */
        if (p_len < sizeof pend / 2) {
            size_t got = 0;
            rm_status st = rm_transport_read(board, pend + p_len,
                                             sizeof pend / 2, &got, 2);
            if (st == RM_OK && got == 0)
                open_end = 0; /* the scenario is over */
            p_len += got;
        }
        if (p_len) {
            ssize_t w = write(out, pend, p_len);
            if (w > 0) {
                rm_decoder_feed(dec, pend, (size_t)w);
                memmove(pend, pend + w, p_len - (size_t)w);
                p_len -= (size_t)w;
            } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                break;
            }
        }
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    close(out);
    close(in);
    rm_decoder_free(dec);
    rm_transport_close(board);
    return s.frames;
}

START_TEST(test_record_survives_sigkill_at_random_moments)
{
    const char *rollmap = getenv("ROLLMAP");
    if (!rollmap || access(rollmap, X_OK) != 0) {
        fprintf(stderr, "check_sigkill: ROLLMAP not set (make check sets "
                        "it); skipped\n");
        return;
    }
    signal(SIGPIPE, SIG_IGN);
    int runs = getenv("ROLLMAP_KILLS") ? atoi(getenv("ROLLMAP_KILLS")) : 16;

    /* The truth: what the board sends, frame by frame. */
    rm_sim_options so = { .seed = SEED, .leg = RM_LEG_LEFT };
    rm_sim *sim = NULL;
    ck_assert_int_eq(rm_sim_new(SCENARIO, &so, &sim, NULL), RM_OK);
    double rate_hz = rm_sim_get_meta(sim)->desc.rate_hz;
    uint32_t cells = rm_sim_get_meta(sim)->desc.cells;
    size_t cap = 60000;
    rm_frame *truth = malloc(cap * sizeof *truth), *buf = truth;
    size_t n_truth = 0, got;
    while (n_truth < cap &&
           rm_sim_read(sim, truth + n_truth, cap - n_truth, &got) == RM_OK &&
           got)
        n_truth += got;
    rm_sim_free(sim);

    char dir[] = "/tmp/rollmap-sigkill-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    unsigned rng = 12345;
    int files = 0;
    uint64_t worst_loss = 0;
    for (int i = 0; i < runs; i++) {
        rng = rng * 1103515245u + 12345u;
        unsigned kill_ms = 50 + (rng >> 16) % 1500u; /* some before START */
        char path[128];
        snprintf(path, sizeof path, "%s/run%d.wav", dir, i);
        uint64_t sent_frames = run_once(rollmap, path, kill_ms);

        struct stat st;
        if (stat(path, &st) != 0) {
            /* Killed before the handshake ended: no file is fine, but
             * then the board cannot have streamed anything. */
            ck_assert_uint_eq(sent_frames, 0);
            continue;
        }
        files++;
        rm_session *s = NULL;
        rm_error err = { 0 };
        ck_assert_msg(rm_session_open(path, &s, &err) == RM_OK,
                      "run %d (kill at %u ms): %s", i, kill_ms, err.msg);
        uint64_t n = 0;
        rm_frame fr[256];
        while (rm_session_read(s, fr, 256, &got) == RM_OK && got) {
            for (size_t k = 0; k < got; k++, n++) {
                ck_assert_uint_lt(n, n_truth);
                ck_assert_int_eq(fr[k].seq, buf[n].seq);
                ck_assert_int_eq(fr[k].time_us, buf[n].time_us);
                ck_assert_int_eq(fr[k].encoder, buf[n].encoder);
                ck_assert_mem_eq(fr[k].cells, buf[n].cells,
                                 cells * sizeof fr[k].cells[0]);
            }
        }
        ck_assert_uint_eq(n, rm_session_frame_count(s));
        rm_session_close(s);
        /* At most the last second of what the board sent is missing. */
        ck_assert_uint_le(n, sent_frames);
        uint64_t loss = sent_frames - n;
        ck_assert_msg(loss <= (uint64_t)rate_hz,
                      "run %d (kill at %u ms): %llu of %llu frames lost "
                      "(more than 1 s)", i, kill_ms,
                      (unsigned long long)loss,
                      (unsigned long long)sent_frames);
        if (loss > worst_loss)
            worst_loss = loss;
        unlink(path);
    }
    fprintf(stderr, "check_sigkill: %d kills, %d files, all reopened; worst "
                    "loss %llu frames (%.3f s)\n", runs, files,
            (unsigned long long)worst_loss, (double)worst_loss / rate_hz);
    ck_assert_int_gt(files, runs / 2);
    rmdir(dir);
    free(truth);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sigkill");
    TCase *tc = tcase_create("record");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, test_record_survives_sigkill_at_random_moments);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
