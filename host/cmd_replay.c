/*
 * rollmap replay: the live view from a session file, paced by the
 * frames' board time (--speed X, 0 = as fast as possible), fed through
 * the same engine as record and report. Then the report summary, unless
 * Ctrl-C cut the replay short (a partial replay is said to be one).
 * --from skips ahead: the frames before it go to the engine unpaced.
 * A gap in the board clock (a lost stretch, or a corrupt or hostile
 * timestamp) is never waited out (GAP_PERIODS).
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
/* A step in the board clock longer than GAP_PERIODS frame periods, or
 * backwards (a 2^32 us jump), is a gap: lost frames, or a corrupt or
 * hostile clock. Replay moves on after one frame period over the speed,
 * and never waits more than GAP_WAIT_MAX_US for it, so replay time is
 * bounded by the frames in the file, not by what their clock claims. */
#define GAP_PERIODS 20
#define GAP_WAIT_MAX_US 1000000.0

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void help(void)
{
    printf("Usage: rollmap replay FILE.wav [--speed X] [--from MM:SS] [--quiet]\n"
           "                      [--plain] [--color WHEN] [--bell]\n"
           "                      [--web [ADDR:]PORT] [--leg left|right]\n"
           "\n"
           "Show a recorded session as the live view, then its report\n"
           "summary. Ctrl-C stops: the replay is then partial and no\n"
           "summary is shown ('rollmap report FILE' has the whole session).\n"
           "A gap in the board clock (lost frames, a corrupt clock) is\n"
           "replayed as one frame period, and said at the end.\n"
           "\n"
           "Options:\n"
           "  -s, --speed X   1 = real time (default), 10 = ten times as\n"
           "                  fast, 0 = as fast as possible (else 0.01 or more)\n"
           "      --from MM:SS  start showing there (or SS, or H:MM:SS); the\n"
           "                  frames before go to the analysis unpaced\n"
           "  -q, --quiet     no live view (summary only)\n"
           "      --plain     live view as plain lines even on a terminal\n"
           "      --leg L     the calf rolled (left or right), when the\n"
           "                  file says otherwise or nothing\n"
           LIVEVIEW_HELP
           "  -h, --help      show this help\n"
           "\n"
           "Example: rollmap replay calf-left.wav --speed 4 --from 2:30\n"
           "Exit status: 0 replayed (or stopped with Ctrl-C); 1 failure;\n"
           "2 usage error; 3 not a valid session file.\n");
}

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Sleep until @p when_us (monotonic); Ctrl-C cuts it short, other
 * signals (SIGWINCH: the terminal was resized) do not. */
static void sleep_until(uint64_t when_us)
{
    for (;;) {
        uint64_t now = mono_us();
        if (when_us <= now || stop_signal)
            return;
        uint64_t us = when_us - now;
        struct timespec ts = { .tv_sec = (time_t)(us / 1000000u),
                               .tv_nsec = (long)(us % 1000000u) * 1000 };
        if (nanosleep(&ts, NULL) == 0)
            return;
    }
}

/*
 * "MM:SS", "SS" or "H:MM:SS", seconds with an optional fraction: 0, or
 * -1 (not a time). Example: "2:30" is 150 s, "1:02:03.5" 3723.5 s.
 */
static int parse_clock(const char *text, double *out)
{
    double total = 0.0;
    int parts = 0;
    const char *p = text;
    for (;;) {
        char *end;
        if (*p < '0' || *p > '9')
            return -1;
        double v = strtod(p, &end);
        if (end == p || v < 0.0 || v > 1e7)
            return -1;
        total = total * 60.0 + v;
        parts++;
        if (*end == '\0')
            break;
        const char *dot = strchr(p, '.');
        if (*end != ':' || parts == 3 || (dot && dot < end))
            return -1; /* a fraction only in the last part */
        p = end + 1;
    }
    *out = total;
    return 0;
}

/*
 * Pacing: when each frame is due, on a clock that follows the frames'
 * board time over the speed, except across a gap (above). Example: at
 * 80 Hz and speed 4, steps of 12.5 ms are due every 3.1 ms; a step of
 * 4294 s (a clock jump) is due 3.1 ms after the frame before, and
 * counted.
 */
typedef struct pacer {
    double speed;           /* > 0 */
    double period_us;       /* nominal frame period, board time */
    uint64_t start_us;      /* monotonic time of the first paced frame */
    uint64_t prev_board_us; /* board time of the previous paced frame */
    double due_us;          /* offset of the previous frame from start */
    int started;
    uint64_t gaps;          /* steps taken as gaps */
    uint64_t longest_us;    /* longest such step, board time */
} pacer;

static uint64_t pace(pacer *p, uint64_t board_us)
{
    if (!p->started) {
        p->started = 1;
        p->start_us = mono_us();
        p->prev_board_us = board_us;
        return p->start_us;
    }
    uint64_t step = board_us - p->prev_board_us;
    p->prev_board_us = board_us;
    double wait = (double)step / p->speed;
    if ((double)step > GAP_PERIODS * p->period_us) {
        wait = p->period_us / p->speed;
        if (wait > GAP_WAIT_MAX_US)
            wait = GAP_WAIT_MAX_US;
        p->gaps++;
        if (step > p->longest_us)
            p->longest_us = step;
    }
    p->due_us += wait;
    return p->start_us + (uint64_t)p->due_us;
}

int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {
        { "speed", required_argument, NULL, 's' },
        { "quiet", no_argument, NULL, 'q' },
        { "plain", no_argument, NULL, 'P' },
        { "leg", required_argument, NULL, 'L' },
        { "from", required_argument, NULL, 'F' },
        LIVEVIEW_LONG_OPTIONS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    double speed = 1.0, from_s = 0.0;
    liveview_mode mode = LIVEVIEW_AUTO;
    liveview_opts lv = { .cmd = CMD };
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
        case 'F':
            if (parse_clock(optarg, &from_s))
                return cli_usage_error(CMD, "--from: '%s' is not MM:SS", optarg);
            break;
        case LIVEVIEW_OPT_COLOR: case LIVEVIEW_OPT_BELL: case LIVEVIEW_OPT_WEB:
            if (liveview_parse_opt(CMD, c, optarg, &lv))
                return EXIT_USAGE;
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
    double nominal_s = (double)rm_session_frame_count(s) / meta->desc.rate_hz;
    if (from_s > 0.0 && from_s >= nominal_s) {
        rm_session_close(s);
        return cli_usage_error(CMD, "--from: the session is only %.1f s long",
                               nominal_s);
    }
    rm_engine *e = NULL;
    if (rm_engine_new(meta, &cfg, NULL, &e, &err) != RM_OK) {
        e = NULL;
        if (mode != LIVEVIEW_OFF)
            cli_error(CMD, "engine not available (%s); showing raw "
                           "readings", err.msg);
    }
    liveview *view = liveview_new(stdout, mode, &meta->desc, &lv);
    if (!view && lv.web) {
        rm_engine_free(e);
        rm_session_close(s);
        return EXIT_RUNTIME; /* the web view could not listen; said why */
    }
    rm_frame *buf = malloc(BLOCK * sizeof *buf);
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    stop_signal = 0;

    int rc = EXIT_OK;
    uint64_t frames = 0;
    uint64_t from_us = (uint64_t)(from_s * 1e6);
    pacer pc = { .speed = speed, .period_us = 1e6 / meta->desc.rate_hz };
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
        /* When each frame is due; 0 before --from (not paced). */
        uint64_t due[BLOCK];
        for (size_t i = 0; i < got; i++)
            due[i] = speed > 0.0 && at_us[i] >= from_us
                         ? pace(&pc, at_us[i]) : 0;
        /* Push every frame that is due in one engine call, then sleep
         * until the next is due: at 1 kHz that is a call per ~ms, not a
         * sleep per frame; at --speed 0 a call per block. */
        for (size_t i = 0; i < got && !stop_signal;) {
            size_t j = got;
            if (due[i]) {
                sleep_until(due[i]);
                uint64_t now = mono_us();
                for (j = i + 1; j < got; j++)
                    if (due[j] > now)
                        break;
            } else {
                for (j = i + 1; j < got; j++)
                    if (due[j])
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
                if (at_us[j - 1] < from_us) /* skipping ahead to --from */
                    liveview_feed(view, &last, e ? &live : NULL, frames,
                                  rm_session_dropped(s));
                else
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
    if (pc.gaps)
        cli_error(CMD, "%llu gap%s in the board clock (longest %.1f s): "
                       "replayed as one frame period each",
                  (unsigned long long)pc.gaps, pc.gaps == 1 ? "" : "s",
                  (double)pc.longest_us / 1e6);
    if (stop_signal && rc == EXIT_OK) {
        char at[16];
        snprintf(at, sizeof at, "%.1f", (double)clock.elapsed_us / 1e6);
        cli_error(CMD, "stopped at %s s after %llu of %llu frames: a partial "
                       "replay, so no summary ('rollmap report %s' covers "
                       "the whole session)",
                  at, (unsigned long long)frames,
                  (unsigned long long)rm_session_frame_count(s), path);
    }
    if (rc == EXIT_OK && !stop_signal && e && frames &&
        rm_engine_finish(e) == RM_OK) {
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
