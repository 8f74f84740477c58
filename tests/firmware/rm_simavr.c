/*
 * rm-simavr: the rev A firmware ELF running in simavr as a serial device,
 * for host-side tests and manual runs. The board's UART is a pty (its
 * path printed on stdout) or stdin/stdout; its virtual HX711s and encoder
 * replay frames from the simulator, a session file or a test pattern.
 * Usage: rm-simavr [--pty|--stdio] [--sim SCENARIO [--seed N] | --session
 *        FILE.wav] [--no-realtime] [--elf FILE]
 */
#define _GNU_SOURCE /* posix_openpt, ptsname_r, cfmakeraw */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "avrsim.h"
#include "rollmap.h"

#ifndef FW_ELF
#define FW_ELF "build/firmware/rollmap-fw.elf"
#endif

#define F_CPU 16000000ull
#define SLICE_CYCLES (F_CPU / 1000) /* 1 ms of board time per step */

typedef struct bridge {
    int in_fd, out_fd;
    rm_sim *sim;
    rm_session *session;
    rm_frame buf[256];
    size_t n, pos;
    uint32_t pattern_k;
    int ended;
} bridge;

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Next frame of the source; the pattern matches test_firmware.c. */
static int source_next(int32_t cells[AVRSIM_CELLS], int32_t *encoder,
                       void *user)
{
    bridge *b = user;
    if (!b->sim && !b->session) {
        uint32_t k = b->pattern_k++;
        for (int i = 0; i < AVRSIM_CELLS; i++) {
            uint32_t u = (k * 2654435761u) ^ ((uint32_t)i * 40503u);
            cells[i] = (int32_t)(u % 16777216u) - 8388608;
        }
        if (k % 17 == 3) { /* the extremes and zero */
            cells[0] = 8388607;
            cells[1] = -8388608;
            cells[2] = 0;
            cells[3] = -1;
        }
        *encoder = (int32_t)lround(300.0 * sin(k / 16.0)) - 40;
        return 1;
    }
    if (b->pos == b->n) {
        size_t got = 0;
        rm_status st = b->sim ? rm_sim_read(b->sim, b->buf, 256, &got)
                              : rm_session_read(b->session, b->buf, 256, &got);
        if (st != RM_OK || got == 0) {
            b->ended = 1;
            return 0;
        }
        b->n = got;
        b->pos = 0;
    }
    const rm_frame *f = &b->buf[b->pos++];
    for (int i = 0; i < AVRSIM_CELLS; i++) {
        int32_t v = f->cells[i];
        cells[i] = v > 8388607 ? 8388607 : v < -8388608 ? -8388608 : v;
    }
    *encoder = f->encoder;
    return 1;
}

static void on_tx(uint8_t byte, void *user)
{
    bridge *b = user;
    /* No reader on the pty yet: the byte is lost, as on a real port. */
    if (write(b->out_fd, &byte, 1) < 0 && errno != EIO && errno != EAGAIN)
        stop = 1;
}

static int open_pty(char *name, size_t cap)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    struct termios t;
    if (fd < 0 || grantpt(fd) || unlockpt(fd) ||
        ptsname_r(fd, name, cap) != 0)
        return -1;
    /* Raw bytes both ways on the slave side. */
    int s = open(name, O_RDWR | O_NOCTTY);
    if (s >= 0 && tcgetattr(s, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(s, TCSANOW, &t);
    }
    if (s >= 0)
        close(s);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int usage(int code)
{
    fprintf(code ? stderr : stdout,
            "usage: rm-simavr [--pty | --stdio] [--sim SCENARIO [--seed N]"
            " | --session FILE.wav]\n"
            "                 [--no-realtime] [--elf FIRMWARE.elf]\n"
            "  --pty          board UART on a new pty; its path goes to "
            "stdout (default)\n"
            "  --stdio        board UART on stdin/stdout\n"
            "  --sim NAME     HX711s and encoder replay rm_sim frames "
            "(default: a test pattern)\n"
            "  --session F    ... or the frames of a session file\n"
            "  --no-realtime  run as fast as simavr can\n"
            "  --elf F        firmware (default %s)\n", FW_ELF);
    return code;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "pty", no_argument, 0, 'p' },   { "stdio", no_argument, 0, 's' },
        { "sim", required_argument, 0, 'S' },
        { "seed", required_argument, 0, 'e' },
        { "session", required_argument, 0, 'f' },
        { "no-realtime", no_argument, 0, 'n' },
        { "elf", required_argument, 0, 'E' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    const char *elf = FW_ELF, *scenario = NULL, *session = NULL;
    int use_pty = 1, realtime = 1, c;
    rm_sim_options so = { 0 };
    bridge b = { 0 };
    char err[256], pty_name[128];

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': use_pty = 1; break;
        case 's': use_pty = 0; break;
        case 'S': scenario = optarg; break;
        case 'e': so.seed = strtoull(optarg, NULL, 10); break;
        case 'f': session = optarg; break;
        case 'n': realtime = 0; break;
        case 'E': elf = optarg; break;
        case 'h': return usage(0);
        default: return usage(2);
        }
    }
    if (scenario) {
        rm_error e;
        if (rm_sim_new(scenario, &so, &b.sim, &e) != RM_OK) {
            fprintf(stderr, "rm-simavr: --sim %s: %s\n", scenario, e.msg);
            return 2;
        }
        if (rm_sim_get_meta(b.sim)->desc.cells != AVRSIM_CELLS) {
            fprintf(stderr, "rm-simavr: scenario %s has %u cells; the rev A "
                    "firmware has %d\n", scenario,
                    rm_sim_get_meta(b.sim)->desc.cells, AVRSIM_CELLS);
            return 3;
        }
    } else if (session) {
        rm_error e;
        if (rm_session_open(session, &b.session, &e) != RM_OK) {
            fprintf(stderr, "rm-simavr: %s\n", e.msg);
            return 3;
        }
    }
    if (use_pty) {
        b.in_fd = b.out_fd = open_pty(pty_name, sizeof pty_name);
        if (b.in_fd < 0) {
            perror("rm-simavr: pty");
            return 1;
        }
        printf("%s\n", pty_name);
        fflush(stdout);
    } else {
        /* The board owns stdout; simavr's own messages go to stderr. */
        b.in_fd = 0;
        b.out_fd = dup(1);
        dup2(2, 1);
        fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);

    avrsim *sim = avrsim_new(elf, F_CPU / 80, source_next, on_tx, &b, err,
                             sizeof err);
    if (!sim) {
        fprintf(stderr, "rm-simavr: %s\n", err);
        return 1;
    }
    double t0 = now_s();
    uint64_t closing = 0;
    while (!stop) {
        uint8_t in[256];
        ssize_t got = read(b.in_fd, in, sizeof in);
        if (got > 0)
            avrsim_send(sim, in, (size_t)got);
        else if (got == 0 && !use_pty && !closing)
            closing = avrsim_cycle(sim) + F_CPU; /* stdin closed: 1 s more
                                                  * for the last replies */
        if (closing && avrsim_cycle(sim) >= closing)
            break;
        if (avrsim_run(sim, SLICE_CYCLES) != 0) {
            fprintf(stderr, "rm-simavr: the simulated CPU stopped\n");
            break;
        }
        if (realtime) {
            double ahead = (double)avrsim_cycle(sim) / F_CPU - (now_s() - t0);
            if (ahead > 0.002)
                usleep((useconds_t)(ahead * 1e6));
        }
    }
    avrsim_free(sim);
    rm_sim_free(b.sim);
    rm_session_close(b.session);
    return 0;
}
