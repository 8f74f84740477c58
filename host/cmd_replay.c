/*
 * rollmap replay: the live view from a session file, paced by the
 * frames' board time (--speed X, 0 = as fast as possible), fed through
 * the same engine as record and report. Then the report summary.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "liveview.h"

#define CMD "replay"
#define BLOCK 64 /* frames read at a time; ~0.8 s at 80 Hz */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void help(void)
{
    printf("Usage: rollmap replay FILE.wav [--speed X] [--quiet] [--plain]\n"
           "                     [--leg left|right]\n"
           "\n"
           "Show a recorded session as the live view, then its report\n"
           "summary.\n"
           "\n"
           "Options:\n"
           "  -s, --speed X   1 = real time (default), 10 = ten times as\n"
           "                  fast, 0 = as fast as possible (else 0.01 or more)\n"
           "  -q, --quiet     no live view (summary only)\n"
           "      --plain     live view as plain lines even on a terminal\n"
           "      --leg L     the calf rolled (left or right), when the\n"
           "                  file says otherwise or nothing\n"
           "  -h, --help      show this help\n"
           "\n"
           "Example: rollmap replay calf-left.wav --speed 4\n"
           "Exit status: 0 replayed; 1 failure; 2 usage error; 3 not a\n"
           "valid session file.\n");
}

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Sleep until @p when_us (monotonic); a signal cuts it short. */
static void sleep_until(uint64_t when_us)
{
    uint64_t now = mono_us();
    if (when_us <= now)
        return;
    uint64_t us = when_us - now;
    struct timespec ts = { .tv_sec = (time_t)(us / 1000000u),
                           .tv_nsec = (long)(us % 1000000u) * 1000 };
    nanosleep(&ts, NULL);
}

/* When a frame @p elapsed_us of board time into the session is due:
 * start plus that over the speed. Example: speed 4, a frame 2 s in is
 * due 0.5 s after the start. */
static uint64_t due_us(uint64_t start_us, uint64_t elapsed_us, double speed)
{
    return start_us + (uint64_t)((double)elapsed_us / speed);
}

int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {
        { "speed", required_argument, NULL, 's' },
        { "quiet", no_argument, NULL, 'q' },
        { "plain", no_argument, NULL, 'P' },
        { "leg", required_argument, NULL, 'L' }, /* issue 15: --leg */
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    double speed = 1.0;
    liveview_mode mode = LIVEVIEW_AUTO;
    int c;
    rm_engine_config cfg;
    rm_engine_config_default(&cfg);
    optind = 1;
    while ((c = cli_getopt(argc, argv, "s:qh", opts)) != -1) {
        switch (c) {
        case 's':
            if (cli_parse_double(CMD, "--speed", optarg, 0.0, 1e6, &speed))
                return EXIT_USAGE;
            /* 0 means flat out; anything else slower than 1/100 of real
             * time would make an hour last four days: a typo. */
            if (speed > 0.0 && speed < 0.01)
                return cli_usage_error(CMD, "--speed: %s is too slow (0 for "
                                            "as fast as possible, or "
                                            "0.01..1000000)", optarg);
            break;
        case 'q': mode = LIVEVIEW_OFF; break;
        case 'P':
            if (mode != LIVEVIEW_OFF)
                mode = LIVEVIEW_PLAIN;
            break;
        case 'L':
            if (rm_leg_parse(optarg, &cfg.leg) != RM_OK)
                return cli_usage_error(CMD, "--leg: '%s' is not left or "
                                       "right", optarg);
            break;
        case 'h': help(); return EXIT_OK;
        default: return cli_option_error(CMD, argv);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(CMD, optind < argc ? "one session file, please"
                                                  : "no session file given");
    const char *path = argv[optind];

    rm_session *s = NULL;
    rm_error err = { 0 };
    rm_status st = rm_session_open(path, &s, &err);
    if (st != RM_OK) {
        cli_error(CMD, "%s", err.msg);
        return cli_exit_for(st);
    }
    const rm_session_meta *meta = rm_session_get_meta(s);
    rm_engine *e = NULL;
    if (rm_engine_new(meta, &cfg, NULL, &e, &err) != RM_OK) {
        e = NULL;
        if (mode != LIVEVIEW_OFF)
            cli_error(CMD, "engine not available (%s); showing raw "
                           "readings", err.msg);
    }
    liveview *view = liveview_new(stdout, mode, &meta->desc);
    rm_frame *buf = malloc(BLOCK * sizeof *buf);
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    stop_signal = 0;

    int rc = EXIT_OK;
    uint64_t frames = 0, start_us = mono_us();
    board_clock clock = { 0 };
    rm_frame last;
    memset(&last, 0, sizeof last);
    if (!buf) {
        cli_error(CMD, "out of memory");
        rc = EXIT_RUNTIME;
    }
    while (rc == EXIT_OK && !stop_signal) {
        size_t got = 0;
        st = rm_session_read(s, buf, BLOCK, &got);
        if (st != RM_OK) {
            cli_error(CMD, "%s: %s", path, rm_session_errmsg(s));
            rc = cli_exit_for(st);
            break;
        }
        if (!got)
            break;
        if (!frames)
            liveview_origin(view, &buf[0]);
        /* Board time of every frame of the block, across clock wraps. */
        uint64_t at_us[BLOCK];
        for (size_t i = 0; i < got; i++)
            at_us[i] = board_clock_at(&clock, buf[i].time_us);
        /* Push every frame that is due in one engine call, then sleep
         * until the next is due: at 1 kHz that is a call per ~ms, not a
         * sleep per frame; at --speed 0 a call per block. */
        for (size_t i = 0; i < got && !stop_signal;) {
            size_t j = got;
            if (speed > 0.0) {
                sleep_until(due_us(start_us, at_us[i], speed));
                uint64_t now = mono_us();
                for (j = i + 1; j < got; j++)
                    if (due_us(start_us, at_us[j], speed) > now)
                        break;
            }
            if (e && rm_engine_push(e, &buf[i], j - i) != RM_OK) {
                cli_error(CMD, "analysis stopped: %s", rm_engine_errmsg(e));
                rm_engine_free(e);
                e = NULL;
            }
            frames += j - i;
            last = buf[j - 1];
            i = j;
            if (view) {
                rm_live live;
                if (e)
                    rm_engine_live_state(e, &live);
                liveview_update(view, &last, e ? &live : NULL, frames,
                                rm_session_dropped(s), 0);
            }
        }
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (view && frames) {
        rm_live live;
        if (e)
            rm_engine_live_state(e, &live);
        liveview_update(view, &last, e ? &live : NULL, frames,
                        rm_session_dropped(s), 1);
    }
    liveview_free(view);
    free(buf);
    if (stop_signal)
        fprintf(stderr, "rollmap replay: stopped after %llu frame%s\n",
                (unsigned long long)frames, cli_s(frames));
    if (rc == EXIT_OK && e && frames && rm_engine_finish(e) == RM_OK) {
        const rm_summary *sum = rm_engine_summary(e);
        if (sum) {
            putchar('\n');
            if (rm_report_write(sum, meta, RM_REPORT_TEXT, stdout) != RM_OK)
                cli_error(CMD, "could not write the report summary");
        }
    }
    rm_engine_free(e);
    rm_session_close(s);
    return rc;
}
