/*
 * Test helper: the virtual board (rm_transport_open_sim) behind a real
 * pseudo-terminal, so the host side can open it like a serial port
 * (through libserialport with the pty harness, or directly). Prints the
 * pty slave path on stdout, then serves until the scenario ends.
 *
 *   vboard SCENARIO [--seed N] [--speed X | --no-realtime]
 *          [--duration S] [--cut-after-frames N] [--stamp-log FILE]
 *
 * --cut-after-frames N closes the pty after N frames (any type): the
 * board "unplugged" mid-session. On exit (end, cut, SIGTERM) it prints
 * "vboard: sent N sample frames" on stderr: what the host must have.
 * --stamp-log FILE writes "seq write_ns" per sample frame: CLOCK_MONOTONIC
 * when the write() holding the frame's last byte returned, to match with
 * `rollmap record --latency-log` by sequence number (bench/run.py).
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "rollmap.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    stop = sig;
}

/* Sample frames the board has written to the pty, counted by decoding
 * its own output (the number the host must have recorded), and stamped
 * with the time the write holding their last byte returned. */
typedef struct own_output {
    unsigned long long sent;
    FILE *stamps;           /* --stamp-log, or NULL */
    long long write_ns;     /* when the write being decoded returned */
} own_output;

static void count_frame(const rm_frame *f, void *user)
{
    own_output *o = user;
    o->sent++;
    if (o->stamps)
        fprintf(o->stamps, "%lu %lld\n", (unsigned long)f->seq, o->write_ns);
}

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
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

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: vboard SCENARIO [--seed N] [--speed X] "
                        "[--no-realtime] [--duration S] "
                        "[--cut-after-frames N] [--stamp-log FILE]\n");
        return 2;
    }
    rm_vboard_options o = { 0 };
    o.sim.seed = 1;
    long cut_frames = -1;
    own_output own_out = { 0 };
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            o.sim.seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--speed") && i + 1 < argc)
            o.speed = atof(argv[++i]);
        else if (!strcmp(argv[i], "--no-realtime"))
            o.no_realtime = 1;
        else if (!strcmp(argv[i], "--duration") && i + 1 < argc)
            o.sim.duration_s = atof(argv[++i]);
        else if (!strcmp(argv[i], "--cut-after-frames") && i + 1 < argc)
            cut_frames = atol(argv[++i]);
        else if (!strcmp(argv[i], "--stamp-log") && i + 1 < argc) {
            own_out.stamps = fopen(argv[++i], "w");
            if (!own_out.stamps) {
                perror("vboard: --stamp-log");
                return 1;
            }
        } else {
            fprintf(stderr, "vboard: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    rm_decoder *own = NULL;
    rm_decoder_callbacks cb = { .on_frame = count_frame, .user = &own_out };
    rm_decoder_new(&cb, &own, NULL);
    rm_transport *t = NULL;
    rm_error err = { 0 };
    if (rm_transport_open_sim(argv[1], &o, &t, &err) != RM_OK) {
        fprintf(stderr, "vboard: %s\n", err.msg);
        return 1;
    }
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) || unlockpt(m)) {
        perror("vboard: pty");
        return 1;
    }
    const char *slave = ptsname(m);
    /* Hold the slave open: with no slave open the master reads EIO, and
     * the host opens it only later. Raw, so no byte is translated. */
    int s = open(slave, O_RDWR | O_NOCTTY);
    struct termios tio;
    if (s < 0 || tcgetattr(s, &tio)) {
        perror("vboard: slave");
        return 1;
    }
    cfmakeraw(&tio);
    tcsetattr(s, TCSANOW, &tio);
    fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
    printf("%s\n", slave);
    fflush(stdout);

    /* Sample frames sent, counted from the output: each frame ends with
     * 0x00, and after the handshake nearly all frames are samples. */
    long delimiters = 0;
    uint8_t buf[4096];
    while (!stop) {
        size_t got = 0;
        rm_status st = rm_transport_read(t, buf, sizeof buf, &got, 2);
        if (st == RM_OK && got == 0)
            break; /* scenario over */
        if (st != RM_OK && st != RM_ERR_TIMEOUT) {
            fprintf(stderr, "vboard: %s\n", rm_transport_errmsg(t));
            break;
        }
        if (got) {
            size_t n = got;
            if (cut_frames >= 0) {
                for (size_t i = 0; i < got; i++)
                    if (buf[i] == 0 && ++delimiters >= cut_frames) {
                        n = i + 1;
                        break;
                    }
            }
            if (write_all(m, buf, n))
                break;
            own_out.write_ns = mono_ns();
            rm_decoder_feed(own, buf, n);
            if (n < got || (cut_frames >= 0 && delimiters >= cut_frames))
                break; /* "unplug" */
        }
        struct pollfd pf = { .fd = m, .events = POLLIN };
        if (poll(&pf, 1, 0) > 0 && (pf.revents & POLLIN)) {
            ssize_t r = read(m, buf, sizeof buf);
            if (r > 0)
                rm_transport_write(t, buf, (size_t)r, 100);
        }
    }
    /* Let the host read what is queued before the line goes away. Bytes
     * written to the master reach the slave's queue a little later (the
     * kernel's flip buffer), so wait, and want an empty queue twice. */
    usleep(100000);
    for (int i = 0, empty = 0; i < 300 && empty < 2; i++) {
        int q = 0;
        if (ioctl(s, FIONREAD, &q))
            break;
        empty = q == 0 ? empty + 1 : 0;
        usleep(20000);
    }
    close(s);
    close(m);
    rm_transport_close(t);
    rm_decoder_free(own);
    if (own_out.stamps)
        fclose(own_out.stamps);
    fprintf(stderr, "vboard: sent %llu sample frames\n", own_out.sent);
    return 0;
}
