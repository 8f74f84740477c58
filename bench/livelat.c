/*
 * Live-path latency probe: the virtual board behind a pseudo-terminal on
 * one thread, and on the other the calls `rollmap record` makes (tty
 * transport, rm_link, rm_recorder: decode, write, engine) with the live
 * view off. Each frame is stamped (CLOCK_MONOTONIC) when the write holding
 * its last byte returns on the board side, and again when the
 * rm_recorder_push() that consumed it returns; the difference is the
 * latency. This measures the library path, not the rollmap binary:
 * `make bench` measures the binary itself (`rollmap record --latency-log`
 * with `vboard --stamp-log`). Kept because it builds against any commit's
 * library, with or without that option, so old and new code can be
 * compared with one instrument (docs/live.md: before/after the writer
 * thread), and because it counts the reading thread's involuntary
 * context switches, which the binary does not report.
 *
 *   livelat SCENARIO -o OUT.wav [--seed N] [--duration S]
 *
 * Prints one line of "key value" pairs on stdout (times in us;
 * host_preempted: involuntary context switches of the host thread, i.e.
 * how often the scheduler took its CPU away while frames were due).
 */
#define _GNU_SOURCE /* RUSAGE_THREAD, posix_openpt */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "rollmap.h"

/* Frames per rm_link_read and its longest wait: as in host/cmd_record.c. */
#define READ_FRAMES 256
#define READ_WAIT_MS 50

typedef struct stamps {
    size_t cap;          /* slots; seq % cap picks one */
    uint32_t *seq;       /* which seq a slot holds (0 slots: unused) */
    int64_t *ns;
    unsigned char *used;
} stamps;

typedef struct board {
    rm_transport *t;
    int master;
    stamps sent;
    rm_decoder *own;     /* decodes the board's own output to find frames */
    int64_t now_ns;      /* stamp of the write being decoded */
    unsigned long long frames;
    atomic_int stop;
    char err[256];
} board;

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int stamps_init(stamps *s, size_t cap)
{
    s->cap = cap;
    s->seq = calloc(cap, sizeof *s->seq);
    s->ns = calloc(cap, sizeof *s->ns);
    s->used = calloc(cap, 1);
    return s->seq && s->ns && s->used ? 0 : -1;
}

static void stamps_put(stamps *s, uint32_t seq, int64_t ns)
{
    size_t i = seq % s->cap;
    s->seq[i] = seq;
    s->ns[i] = ns;
    s->used[i] = 1;
}

static int stamps_get(const stamps *s, uint32_t seq, int64_t *ns)
{
    size_t i = seq % s->cap;
    if (!s->used[i] || s->seq[i] != seq)
        return 0;
    *ns = s->ns[i];
    return 1;
}

static void stamps_free(stamps *s)
{
    free(s->seq);
    free(s->ns);
    free(s->used);
}

static void on_sent(const rm_frame *f, void *user)
{
    board *b = user;
    stamps_put(&b->sent, f->seq, b->now_ns);
    b->frames++;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd pf = { .fd = fd, .events = POLLOUT };
                poll(&pf, 1, 100);
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The board side: moves the simulator's bytes to the pty master as they
 * come due, and the host's commands back. */
static void *board_main(void *arg)
{
    board *b = arg;
    uint8_t buf[4096];
    while (!atomic_load(&b->stop)) {
        size_t got = 0;
        rm_status st = rm_transport_read(b->t, buf, sizeof buf, &got, 2);
        if (st == RM_OK && got == 0)
            break; /* scenario over */
        if (st != RM_OK && st != RM_ERR_TIMEOUT) {
            snprintf(b->err, sizeof b->err, "%s", rm_transport_errmsg(b->t));
            break;
        }
        if (got) {
            if (write_all(b->master, buf, got)) {
                snprintf(b->err, sizeof b->err, "pty write: %s",
                         strerror(errno));
                break;
            }
            b->now_ns = mono_ns(); /* the last byte of every frame is out */
            rm_decoder_feed(b->own, buf, got);
        }
        struct pollfd pf = { .fd = b->master, .events = POLLIN };
        if (poll(&pf, 1, 0) > 0 && (pf.revents & POLLIN)) {
            ssize_t r = read(b->master, buf, sizeof buf);
            if (r > 0)
                rm_transport_write(b->t, buf, (size_t)r, 100);
        }
    }
    return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double cpu_s(const struct rusage *r)
{
    return (double)r->ru_utime.tv_sec + r->ru_utime.tv_usec / 1e6 +
           (double)r->ru_stime.tv_sec + r->ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    const char *scenario = NULL, *out_path = NULL;
    rm_vboard_options vo = { 0 };
    vo.sim.seed = 1;
    double duration_s = 30;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out_path = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            vo.sim.seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--duration") && i + 1 < argc)
            duration_s = atof(argv[++i]);
        else if (argv[i][0] != '-' && !scenario)
            scenario = argv[i];
        else {
            fprintf(stderr, "livelat: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (!scenario || !out_path || !(duration_s > 0 && duration_s < 86400)) {
        fprintf(stderr, "usage: livelat SCENARIO -o OUT.wav [--seed N] "
                        "[--duration S]\n");
        return 2;
    }
    /* The board runs a second longer so the host stops on its own count. */
    vo.sim.duration_s = duration_s + 1;

    board b;
    memset(&b, 0, sizeof b);
    atomic_init(&b.stop, 0);
    stamps done, got_at; /* pushed; and returned by rm_link_read */
    memset(&done, 0, sizeof done);
    memset(&got_at, 0, sizeof got_at);
    size_t cap = (size_t)((duration_s + 2) * RM_MAX_RATE_HZ) + 4096;
    rm_error err = { 0 };
    rm_decoder_callbacks cb = { .on_frame = on_sent, .user = &b };
    size_t push_cap = cap, n_push = 0; /* duration of each push call */
    int64_t *push_ns = malloc(push_cap * sizeof *push_ns);
    if (!push_ns || stamps_init(&b.sent, cap) || stamps_init(&done, cap) ||
        stamps_init(&got_at, cap) ||
        rm_decoder_new(&cb, &b.own, NULL) != RM_OK) {
        fprintf(stderr, "livelat: out of memory\n");
        return 1;
    }
    if (rm_transport_open_sim(scenario, &vo, &b.t, &err) != RM_OK) {
        fprintf(stderr, "livelat: %s\n", err.msg);
        return 1;
    }
    b.master = posix_openpt(O_RDWR | O_NOCTTY);
    if (b.master < 0 || grantpt(b.master) || unlockpt(b.master)) {
        perror("livelat: pty");
        return 1;
    }
    char slave[128];
    snprintf(slave, sizeof slave, "%s", ptsname(b.master));
    /* Hold the slave open (raw) so the master never reads EIO before the
     * host side opens it. */
    int hold = open(slave, O_RDWR | O_NOCTTY);
    struct termios tio;
    if (hold < 0 || tcgetattr(hold, &tio)) {
        perror("livelat: slave");
        return 1;
    }
    cfmakeraw(&tio);
    tcsetattr(hold, TCSANOW, &tio);
    fcntl(b.master, F_SETFL, fcntl(b.master, F_GETFL) | O_NONBLOCK);

    pthread_t th;
    if (pthread_create(&th, NULL, board_main, &b)) {
        fprintf(stderr, "livelat: cannot start the board thread\n");
        return 1;
    }

    int rc = 1;
    rm_transport *t = NULL;
    rm_link *link = NULL;
    rm_recorder *rec = NULL;
    rm_frame *buf = malloc(READ_FRAMES * sizeof *buf);
    unsigned long long consumed = 0, want = 0;
    struct rusage ru0, ru1;
    int64_t t0 = 0, t1 = 0;
    if (!buf || rm_transport_open_tty(slave, 2000000, &t, &err) != RM_OK ||
        rm_link_open(t, NULL, &link, &err) != RM_OK) {
        fprintf(stderr, "livelat: %s\n", buf ? err.msg : "out of memory");
        goto out;
    }
    const rm_descriptor *d = rm_link_descriptor(link);
    rm_session_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.format_version = 1;
    meta.desc = *d;
    rm_recorder_options ro = { .write_flags = RM_WRITE_OVERWRITE };
    if (rm_recorder_new(out_path, &meta, &ro, &rec, &err) != RM_OK) {
        fprintf(stderr, "livelat: %s\n", err.msg);
        goto out;
    }
    want = (unsigned long long)(duration_s * d->rate_hz + 0.5);
    getrusage(RUSAGE_THREAD, &ru0);
    t0 = mono_ns();
    if (rm_link_start(link) != RM_OK) {
        fprintf(stderr, "livelat: %s\n", rm_link_errmsg(link));
        goto out;
    }
    while (consumed < want) {
        size_t got = 0;
        rm_status st = rm_link_read(link, buf, READ_FRAMES, &got,
                                    READ_WAIT_MS);
        int64_t read_ns = mono_ns();
        if (got) {
            if (got > want - consumed)
                got = (size_t)(want - consumed);
            if (rm_recorder_push(rec, buf, got) != RM_OK) {
                fprintf(stderr, "livelat: %s\n", rm_recorder_errmsg(rec));
                goto out;
            }
            int64_t now = mono_ns();
            for (size_t i = 0; i < got; i++) {
                stamps_put(&done, buf[i].seq, now);
                stamps_put(&got_at, buf[i].seq, read_ns);
            }
            if (n_push < push_cap)
                push_ns[n_push++] = now - read_ns;
            consumed += got;
        }
        if (st != RM_OK || (!got && rm_link_ended(link)))
            break;
    }
    t1 = mono_ns();
    getrusage(RUSAGE_THREAD, &ru1);
    rm_link_stop(link);
    rc = 0;
out:
    atomic_store(&b.stop, 1);
    pthread_join(th, NULL);
    rm_decoder_stats ds = { 0 };
    if (link)
        rm_link_stats(link, &ds);
    rm_link_close(link);
    if (rec && rm_recorder_finish(rec) != RM_OK) {
        fprintf(stderr, "livelat: %s\n", rm_recorder_errmsg(rec));
        rc = 1;
    }
    if (rc == 0) {
        /* Latency of every frame both sides saw, from the first frame the
         * host consumed (the board's earlier frames went before start). */
        int64_t *lat = malloc((consumed ? consumed : 1) * sizeof *lat);
        int64_t *dlv = malloc((consumed ? consumed : 1) * sizeof *dlv);
        size_t n = 0, lost = 0;
        uint32_t first = 0;
        int have_first = 0;
        for (size_t i = 0; lat && dlv && i < done.cap; i++) {
            if (!done.used[i])
                continue;
            int64_t s_ns, r_ns;
            if (stamps_get(&b.sent, done.seq[i], &s_ns) &&
                stamps_get(&got_at, done.seq[i], &r_ns)) {
                dlv[n] = r_ns - s_ns;
                lat[n++] = done.ns[i] - s_ns;
            }
            if (!have_first || done.seq[i] < first)
                first = done.seq[i];
            have_first = 1;
        }
        /* Lost: frames the board sent in the consumed range the host
         * never pushed. */
        for (uint64_t q = first; have_first && q < first + want; q++) {
            int64_t x;
            if (stamps_get(&b.sent, (uint32_t)q, &x) &&
                !stamps_get(&done, (uint32_t)q, &x))
                lost++;
        }
        if (lat && dlv && n) {
            qsort(lat, n, sizeof *lat, cmp_i64);
            qsort(dlv, n, sizeof *dlv, cmp_i64);
            qsort(push_ns, n_push ? n_push : 1, sizeof *push_ns, cmp_i64);
            double wall_s = (double)(t1 - t0) / 1e9;
            printf("frames_consumed %llu frames_matched %zu frames_lost %zu "
                   "decoder_lost %" PRIu64 " wall_s %.3f host_cpu_s %.4f "
                   "host_cpu_frac %.5f lat_median_us %.1f lat_p99_us %.1f "
                   "lat_max_us %.1f read_median_us %.1f read_p99_us %.1f "
                   "host_preempted %ld "
                   "pushes %zu push_median_us %.1f push_p99_us %.1f "
                   "push_max_us %.1f\n",
                   consumed, n, lost, (uint64_t)ds.frames_lost, wall_s,
                   cpu_s(&ru1) - cpu_s(&ru0),
                   (cpu_s(&ru1) - cpu_s(&ru0)) / wall_s,
                   lat[n / 2] / 1e3, lat[(n * 99) / 100] / 1e3,
                   lat[n - 1] / 1e3, dlv[n / 2] / 1e3,
                   dlv[(n * 99) / 100] / 1e3,
                   ru1.ru_nivcsw - ru0.ru_nivcsw, n_push,
                   n_push ? push_ns[n_push / 2] / 1e3 : 0.0,
                   n_push ? push_ns[(n_push * 99) / 100] / 1e3 : 0.0,
                   n_push ? push_ns[n_push - 1] / 1e3 : 0.0);
        } else {
            fprintf(stderr, "livelat: no frame matched between board and "
                            "host\n");
            rc = 1;
        }
        free(lat);
        free(dlv);
    }
    if (b.err[0])
        fprintf(stderr, "livelat: board: %s\n", b.err);
    rm_recorder_free(rec);
    free(buf);
    close(hold);
    close(b.master);
    rm_transport_close(b.t);
    rm_decoder_free(b.own);
    stamps_free(&b.sent);
    stamps_free(&done);
    stamps_free(&got_at);
    free(push_ns);
    return rc;
}
