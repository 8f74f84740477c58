/*
 * rollmap record: open the board (a named port, the one board found by
 * USB id, or the virtual board), handshake, and stream every frame into a
 * session file and the engine at once, with the live view, until Ctrl-C,
 * the end of --duration, or the board going away. Then the report summary.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "cli.h"
#include "liveview.h"

#define CMD "record"
#define READ_FRAMES 256      /* frames taken from the link per call */
#define READ_WAIT_MS 50      /* longest wait, so Ctrl-C is seen at once */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void help(void)
{
    printf(
        "Usage: rollmap record [-p PORT | --sim[=SCENARIO]] [-o FILE.wav]\n"
        "                      [--leg left|right] [--duration SEC]\n"
        "                      [--notes TEXT] [--person NAME] [--force]\n"
        "                      [--calf-length CM] [--quiet] [--json]\n"
        "\n"
        "Record a session from the roller into a .wav session file, with a\n"
        "live view, until Ctrl-C, --duration, or the board going away. The\n"
        "file is written as frames arrive and synced once a second.\n"
        "\n"
        "Options:\n"
        "  -p, --port PORT      serial port (default: the one port with a\n"
        "                       known board USB id; see 'rollmap ports');\n"
        "                       a pty path works too; '-' is stdin/stdout\n"
        "                       (then the view and report go to stderr)\n"
        "      --baud N         serial speed (default %u)\n"
        "      --sim[=SCENARIO] virtual board running the simulator\n"
        "                       (default scenario: basic)\n"
        "      --seed N         simulator seed (default 1)\n"
        "      --speed X        virtual board pace, 1 = real time (default 1)\n"
        "      --no-realtime    virtual board sends as fast as it can\n"
        "  -o, --output FILE    session file (default rollmap-YYYYmmdd-HHMMSS.wav)\n"
        "      --leg left|right which calf; without it record asks on a\n"
        "                       terminal and refuses to start otherwise\n"
        "                       (--sim: the virtual board's leg)\n"
        "      --duration SEC   stop after SEC seconds of board time\n"
        "                       (default: until Ctrl-C)\n"
        "      --notes TEXT     free text stored in the file\n"
        "      --person NAME    who is rolling (a name or an id)\n"
        "      --calf-length CM the calf measured with a tape, ankle to knee\n"
        "                       crease, cm (15..60, to the mm): the report\n"
        "                       then measures positions from the ankle by it\n"
        "      --force          overwrite an existing output file\n"
        "  -q, --quiet          nothing on stdout: no live view, no report\n"
        "                       (the status lines stay on stderr)\n"
        "      --json           at the end, one JSON object on stdout: file,\n"
        "                       frames, dropped, duration_s, leg, errors\n"
        "                       (instead of the report; the view goes to\n"
        "                       stderr)\n"
        "      --plain          live view as plain lines even on a terminal\n"
        LIVEVIEW_HELP
        "      --boot-wait MS   how long to wait for the board to answer\n"
        "                       after opening the port (default 5000)\n"
        "      --latency-log FILE  write 'seq rx_ns consumed_ns' per frame\n"
        "                       (CLOCK_MONOTONIC: the port read that brought\n"
        "                       the frame's last byte returned / the engine\n"
        "                       had it) and print percentiles at the end\n"
        "                       (default: off)\n"
        "  -h, --help           show this help\n"
        "\n"
        "Example: rollmap record --leg left -o calf-left.wav\n"
        "         rollmap record --sim --duration 20 -o try.wav\n"
        "\n"
        "Exit status: 0 recorded and stopped cleanly; 1 failure (the board\n"
        "went away: the file keeps everything received); 2 usage error;\n"
        "3 the board sent unusable data; 4 no board, or several.\n",
        RM_DEFAULT_BAUD);
}

enum {
    OPT_SIM = 256, OPT_SEED, OPT_SPEED, OPT_NO_REALTIME, OPT_LEG,
    OPT_DURATION, OPT_NOTES, OPT_PERSON, OPT_CALF_LENGTH, OPT_FORCE, OPT_BAUD,
    OPT_PLAIN,
    OPT_BOOT_WAIT, OPT_LATENCY_LOG, OPT_JSON,
};

typedef struct record_args {
    const char *port;
    int sim;
    const char *scenario;
    uint64_t seed;
    double speed;
    int no_realtime;
    const char *output;
    rm_leg leg;
    int leg_from_sim;       /* leg read from the simulator, not given */
    double duration_s;      /* 0: until stopped */
    const char *notes;
    const char *person;
    double calf_length_cm;  /* --calf-length; 0: not measured */
    int force;
    liveview_mode view;
    uint64_t baud;
    double boot_wait_ms;
    const char *latency_log;
    int quiet, json;
    liveview_opts lv;       /* --color, --bell, --web (liveview.h) */
} record_args;

static int parse(int argc, char **argv, record_args *a)
{
    static const struct option opts[] = {
        { "port", required_argument, NULL, 'p' },
        { "sim", optional_argument, NULL, OPT_SIM },
        { "seed", required_argument, NULL, OPT_SEED },
        { "speed", required_argument, NULL, OPT_SPEED },
        { "no-realtime", no_argument, NULL, OPT_NO_REALTIME },
        { "output", required_argument, NULL, 'o' },
        { "leg", required_argument, NULL, OPT_LEG },
        { "duration", required_argument, NULL, OPT_DURATION },
        { "notes", required_argument, NULL, OPT_NOTES },
        { "person", required_argument, NULL, OPT_PERSON },
        { "calf-length", required_argument, NULL, OPT_CALF_LENGTH },
        { "force", no_argument, NULL, OPT_FORCE },
        { "quiet", no_argument, NULL, 'q' },
        { "plain", no_argument, NULL, OPT_PLAIN },
        { "baud", required_argument, NULL, OPT_BAUD },
        { "boot-wait", required_argument, NULL, OPT_BOOT_WAIT },
        { "latency-log", required_argument, NULL, OPT_LATENCY_LOG },
        { "json", no_argument, NULL, OPT_JSON },
        LIVEVIEW_LONG_OPTIONS,
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = cli_getopt(argc, argv, "p:o:qh", opts)) != -1) {
        switch (c) {
        case 'p': a->port = optarg; break;
        case OPT_SIM:
            a->sim = 1;
            if (optarg)
                a->scenario = optarg;
            break;
        case OPT_SEED:
            if (cli_parse_u64(CMD, "--seed", optarg, &a->seed))
                return EXIT_USAGE;
            break;
        case OPT_SPEED:
            if (cli_parse_double(CMD, "--speed", optarg, 0.01, 1000.0,
                                 &a->speed))
                return EXIT_USAGE;
            break;
        case OPT_NO_REALTIME: a->no_realtime = 1; break;
        case 'o': a->output = optarg; break;
        case OPT_LEG:
            if (rm_leg_parse(optarg, &a->leg) != RM_OK)
                return cli_usage_error(CMD, "--leg: '%s' is not left or right",
                                       optarg);
            break;
        case OPT_DURATION:
            if (cli_parse_double(CMD, "--duration", optarg, 0.001, 1e7,
                                 &a->duration_s))
                return EXIT_USAGE;
            break;
        case OPT_NOTES:
            if (strlen(optarg) >= RM_NOTES_MAX)
                return cli_usage_error(CMD, "--notes: longer than %d bytes",
                                       RM_NOTES_MAX - 1);
            a->notes = optarg;
            break;
        case OPT_PERSON:
            if (strlen(optarg) >= RM_PERSON_MAX)
                return cli_usage_error(CMD, "--person: longer than %d bytes",
                                       RM_PERSON_MAX - 1);
            a->person = optarg;
            break;
        case OPT_CALF_LENGTH:
            if (cli_parse_calf_length(CMD, optarg, 0, &a->calf_length_cm))
                return EXIT_USAGE;
            break;
        case OPT_FORCE: a->force = 1; break;
        case 'q': a->view = LIVEVIEW_OFF; a->quiet = 1; break;
        case OPT_JSON: a->json = 1; break;
        case OPT_PLAIN:
            if (a->view != LIVEVIEW_OFF)
                a->view = LIVEVIEW_PLAIN;
            break;
        case OPT_BAUD:
            if (cli_parse_u64(CMD, "--baud", optarg, &a->baud))
                return EXIT_USAGE;
            if (a->baud < 1200 || a->baud > 12000000)
                return cli_usage_error(CMD, "--baud: %s is not a serial speed",
                                       optarg);
            break;
        case OPT_BOOT_WAIT:
            if (cli_parse_double(CMD, "--boot-wait", optarg, 1, 600000,
                                 &a->boot_wait_ms))
                return EXIT_USAGE;
            break;
        case OPT_LATENCY_LOG: a->latency_log = optarg; break;
        case LIVEVIEW_OPT_COLOR: case LIVEVIEW_OPT_BELL: case LIVEVIEW_OPT_WEB:
            if (liveview_parse_opt(CMD, c, optarg, &a->lv))
                return EXIT_USAGE;
            break;
        case 'h': help(); return -1;
        default: return cli_option_error(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (a->sim && a->port)
        return cli_usage_error(CMD, "-p and --sim exclude each other");
    if (!a->sim && (a->speed > 0.0 || a->no_realtime))
        return cli_usage_error(CMD, "--speed and --no-realtime need --sim");
    return EXIT_OK;
}

/* Open what the options name (board.c). */
static int open_board(const record_args *a, rm_link **link)
{
    board_args b = {
        .port = a->port,
        .sim = a->sim,
        .scenario = a->scenario,
        .baud = (uint32_t)a->baud,
        .boot_wait_ms = (unsigned)a->boot_wait_ms,
    };
    b.vboard.sim.seed = a->seed ? a->seed : 1;
    /* The simulator draws the leg from its seed only when not given one:
     * hand it back unset so the frames stay those of `sim`. */
    b.vboard.sim.leg = a->leg_from_sim ? RM_LEG_UNKNOWN : a->leg;
    /* --duration cuts the recording window; the simulated session keeps
     * its own plan (the same seed gives the same session). */
    b.vboard.speed = a->speed;
    b.vboard.no_realtime = a->no_realtime;
    return board_open(CMD, &b, link);
}

/*
 * --latency-log: per frame, when the port read that brought its last
 * byte returned (rm_link_read_stamped) and when rm_recorder_push returned
 * with it (the engine has consumed it; the frame is queued for the
 * writer thread), both CLOCK_MONOTONIC ns, so another process on the
 * same machine (the bench's virtual board) can match its own stamps by
 * sequence number. The difference also goes into a histogram for the
 * percentiles printed at the end: 1 us buckets below 1,024 us, then 512
 * buckets per power of two (0.2 % wide), up to 2^32 us.
 * Example: 5,000 us has bit length 13, e = 3, 5000 >> 3 = 625,
 * bucket 1024 + 2 * 512 + 113 = 2161, whose lower bound is 625 << 3.
 */
#define LAT_BUCKETS (1024 + 22 * 512)

typedef struct latency_log {
    FILE *fp;
    uint64_t count[LAT_BUCKETS];
    uint64_t frames, max_us;
    int write_failed;
} latency_log;

static unsigned lat_bucket(uint64_t us)
{
    if (us < 1024)
        return (unsigned)us;
    if (us > UINT32_MAX)
        us = UINT32_MAX;
    unsigned bits = 0;
    for (uint64_t v = us; v; v >>= 1)
        bits++;
    unsigned e = bits - 10;
    return 1024 + (e - 1) * 512 + (unsigned)(us >> e) - 512;
}

static uint64_t lat_bucket_floor_us(unsigned b)
{
    if (b < 1024)
        return b;
    unsigned e = (b - 1024) / 512 + 1;
    return (uint64_t)((b - 1024) % 512 + 512) << e;
}

/* The smallest latency that at least @p q of the frames did not exceed
 * (the floor of its bucket). */
static uint64_t lat_quantile_us(const latency_log *L, double q)
{
    uint64_t want = (uint64_t)ceil(q * (double)L->frames);
    uint64_t seen = 0;
    for (unsigned b = 0; b < LAT_BUCKETS; b++) {
        seen += L->count[b];
        if (seen >= want && seen)
            return lat_bucket_floor_us(b);
    }
    return L->max_us;
}

static void lat_note(latency_log *L, const rm_frame *f, const int64_t *rx_ns,
                     size_t n, int64_t done_ns)
{
    if (!L)
        return;
    for (size_t i = 0; i < n; i++) {
        uint64_t us = done_ns > rx_ns[i]
                          ? (uint64_t)(done_ns - rx_ns[i]) / 1000u : 0;
        L->count[lat_bucket(us)]++;
        L->frames++;
        if (us > L->max_us)
            L->max_us = us;
        if (fprintf(L->fp, "%" PRIu32 " %" PRId64 " %" PRId64 "\n", f[i].seq,
                    rx_ns[i], done_ns) < 0)
            L->write_failed = 1;
    }
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Board time since the first frame, for --duration. */
typedef struct clock_state {
    int have_first;
    board_clock clock;
} clock_state;

/*
 * Record the frames of @p buf that fall inside --duration (board time,
 * so a faster-than-real-time virtual board records the same frames).
 * *keep: frames recorded; *full: the duration is reached. Non-zero when
 * the recorder failed.
 */
static int push_kept(rm_recorder *rec, const rm_frame *buf,
                     const int64_t *rx_ns, size_t got, double duration_s,
                     clock_state *clk, latency_log *lat, size_t *keep,
                     int *full)
{
    *keep = got;
    *full = 0;
    if (!got)
        return 0;
    clk->have_first = 1;
    for (size_t i = 0; i < got; i++) {
        uint64_t t_us = board_clock_at(&clk->clock, buf[i].time_us);
        if (duration_s > 0.0 && t_us >= duration_s * 1e6) {
            *keep = i;
            *full = 1;
            break;
        }
    }
    if (!*keep)
        return 0;
    if (rm_recorder_push(rec, buf, *keep) != RM_OK)
        return 1;
    if (lat)
        lat_note(lat, buf, rx_ns, *keep, mono_ns());
    return 0;
}

static void default_name(char *buf, size_t cap)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(buf, cap, "rollmap-%Y%m%d-%H%M%S.wav", &tm);
}

/*
 * Close the latency log; with @p rec, first print the percentiles and
 * what the writer thread's queue went through (stderr). Non-zero when
 * the log could not be written in full.
 */
static int lat_close(latency_log *L, const rm_recorder *rec)
{
    if (!L)
        return 0;
    if (rec && L->frames) {
        rm_recorder_stats rs;
        rm_recorder_get_stats(rec, &rs);
        cli_error(CMD, "latency, port read -> engine, %" PRIu64 " frames: "
                       "p50 %" PRIu64 " us, p99 %" PRIu64 " us, max %" PRIu64
                       " us; writer queue: at most %" PRIu64 " of %" PRIu64
                       " frames, %" PRIu64 " full waits (%.1f ms), longest "
                       "write %.1f ms",
                  L->frames, lat_quantile_us(L, 0.5), lat_quantile_us(L, 0.99),
                  L->max_us, rs.queue_max_frames, rs.queue_cap_frames,
                  rs.full_waits, rs.full_wait_us / 1e3,
                  rs.write_max_us / 1e3);
    }
    int bad = L->write_failed | ferror(L->fp);
    bad |= fclose(L->fp) != 0;
    free(L);
    return bad;
}

static int64_t unix_us_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Issue 15: a session of an unknown leg cannot name the medial and
 * lateral lines, so record never starts without one: --leg, the virtual
 * board's own leg (--sim: the simulator picks it from the seed), or an
 * answer typed at the terminal. Returns 0 or an exit code.
 */
static int settle_leg(record_args *a)
{
    if (a->leg != RM_LEG_UNKNOWN)
        return 0;
    if (a->sim) {
        rm_sim_options so = { .seed = a->seed ? a->seed : 1,
                              .duration_s = a->duration_s };
        rm_sim *sim = NULL;
        if (rm_sim_new(a->scenario ? a->scenario : "basic", &so, &sim,
                       NULL) == RM_OK) {
            a->leg = rm_sim_get_meta(sim)->leg;
            a->leg_from_sim = 1;
            rm_sim_free(sim);
        }
        return 0; /* a bad scenario is reported when the board opens */
    }
    int from_stdin = a->port && strcmp(a->port, "-") == 0;
    if (from_stdin || !isatty(STDIN_FILENO))
        return cli_usage_error(CMD, "which calf? give --leg left or --leg "
                               "right (a session of an unknown leg cannot "
                               "tell the medial line from the lateral)");
    for (int tries = 0; tries < 3; tries++) {
        char line[32];
        fputs("Which calf will you roll, left or right? [l/r] ", stderr);
        fflush(stderr);
        if (!fgets(line, sizeof line, stdin))
            break;
        line[strcspn(line, "\r\n")] = '\0';
        if (!strcasecmp(line, "l") || !strcasecmp(line, "left")) {
            a->leg = RM_LEG_LEFT;
            return 0;
        }
        if (!strcasecmp(line, "r") || !strcasecmp(line, "right")) {
            a->leg = RM_LEG_RIGHT;
            return 0;
        }
    }
    return cli_usage_error(CMD, "no leg given; give --leg left or --leg "
                           "right");
}

int cmd_record(int argc, char **argv)
{
    record_args a = { .view = LIVEVIEW_AUTO };
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    rc = settle_leg(&a);
    if (rc)
        return rc;

    char name[64];
    if (!a.output) {
        default_name(name, sizeof name);
        a.output = name;
    }
    /* "-" is standard output everywhere; a session cannot go there. */
    if (!strcmp(a.output, "-"))
        return cli_usage_error(CMD, "-o -: a session is rewritten as it "
                               "grows, so it cannot go to standard "
                               "output; name a file");
    /* Refuse before touching the board: opening the port resets it. */
    struct stat sb, lsb;
    int exists = lstat(a.output, &lsb) == 0;
    if (exists && (stat(a.output, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        cli_error(CMD, "%s: %s", a.output, stat(a.output, &sb) != 0
                  ? "symbolic link to a missing file (neither followed nor "
                    "replaced)"
                  : "not a regular file (a session is written only to a "
                    "regular file)");
        return EXIT_RUNTIME;
    }
    if (!a.force && exists) {
        cli_error(CMD, "%s: already exists (use --force to overwrite)",
                  a.output);
        return EXIT_RUNTIME;
    }
    if (a.latency_log && stat(a.latency_log, &lsb) == 0 && exists &&
        lsb.st_dev == sb.st_dev && lsb.st_ino == sb.st_ino)
        return cli_usage_error(CMD, "--latency-log %s is the session file",
                               a.latency_log);
    latency_log *lat = NULL;
    if (a.latency_log) {
        lat = calloc(1, sizeof *lat);
        /* "wx": an existing file is kept unless --force. */
        if (!lat ||
            !(lat->fp = fopen(a.latency_log, a.force ? "w" : "wx"))) {
            cli_error(CMD, "%s: %s%s", a.latency_log,
                      lat ? strerror(errno) : "out of memory",
                      lat && errno == EEXIST ? " (use --force to overwrite)"
                                             : "");
            free(lat);
            return EXIT_RUNTIME;
        }
        /* One line per frame (~40 B, 40 kB/s at 1 kHz): buffered, so the
         * read thread makes a write() call about once a second. */
        setvbuf(lat->fp, NULL, _IOFBF, 1 << 16);
        fprintf(lat->fp, "# rollmap record latency log: seq rx_ns "
                         "consumed_ns (CLOCK_MONOTONIC)\n");
    }

    rm_link *link = NULL;
    rc = open_board(&a, &link);
    if (rc) {
        lat_close(lat, NULL);
        return rc;
    }
    const rm_descriptor *desc = rm_link_descriptor(link);
    /* START before the session file exists: a board that never streams
     * leaves no empty file behind (and, with --force, the old one
     * intact). Ctrl-C still has its default action here. */
    rm_status st = rm_link_start(link);
    if (st != RM_OK) {
        cli_error(CMD, "%s", rm_link_errmsg(link));
        rm_link_close(link);
        lat_close(lat, NULL);
        /* No answer to START: the board is not working (exit 4). */
        return st == RM_ERR_TIMEOUT ? EXIT_NODEV : cli_exit_for(st);
    }

    rm_session_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.format_version = 1;
    meta.desc = *desc;
    meta.leg = a.leg;
    meta.start_unix_us = unix_us_now();
    if (a.notes)
        snprintf(meta.notes, sizeof meta.notes, "%s", a.notes);
    if (a.person)
        snprintf(meta.person, sizeof meta.person, "%s", a.person);
    meta.calf_length_cm = a.calf_length_cm;

    rm_recorder_options ro = { .write_flags = a.force ? RM_WRITE_OVERWRITE : 0 };
    rm_recorder *rec = NULL;
    rm_error err = { 0 };
    st = rm_recorder_new(a.output, &meta, &ro, &rec, &err);
    if (st != RM_OK) {
        cli_error(CMD, "%s", err.msg);
        rm_link_stop(link);
        rm_link_close(link);
        lat_close(lat, NULL);
        return cli_exit_for(st);
    }
    if (!rm_recorder_engine(rec) && a.view != LIVEVIEW_OFF)
        cli_error(CMD, "%s; showing raw readings", rm_recorder_errmsg(rec));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    struct sigaction old_int, old_term, old_hup;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    /* Closing the terminal: stop the board and keep the file, as Ctrl-C. */
    sigaction(SIGHUP, &sa, &old_hup);
    stop_signal = 0;

    /* The board's strings are untrusted: cli_error escapes controls. */
    cli_error(CMD, "%s, %u cell%s at %g Hz (firmware %s, serial %s) -> %s; "
                   "Ctrl-C stops",
              rm_transport_label(rm_link_transport(link)), desc->cells,
              cli_s(desc->cells), (double)desc->rate_hz, desc->firmware,
              desc->serial, a.output);

    clock_state clk = { 0 };
    rm_frame last;
    memset(&last, 0, sizeof last);
    const char *why_stop = NULL;
    int link_ok = 0;        /* the board can still be told to stop */
    /* With '-p -' stdout carries the commands to the board: the view and
     * the report go to stderr instead. */
    FILE *out = a.port && !strcmp(a.port, "-") ? stderr : stdout;
    FILE *json_out = out;
    if (a.json)
        out = stderr; /* stdout carries the JSON summary only */
    a.lv.cmd = CMD;
    liveview *view = liveview_new(out, a.view, desc, &a.lv);
    rm_frame *buf = malloc(READ_FRAMES * sizeof *buf);
    int64_t *rx_ns = malloc(READ_FRAMES * sizeof *rx_ns);
    if (!view && a.lv.web) {
        rc = EXIT_RUNTIME; /* the web view could not listen; said why */
        goto done;
    }
    if (!buf || !rx_ns) {
        cli_error(CMD, "out of memory");
        rc = EXIT_RUNTIME;
        rm_link_stop(link);
        goto done;
    }
    link_ok = 1;
    for (;;) {
        if (stop_signal) {
            why_stop = "stopped";
            break;
        }
        size_t got = 0;
        st = rm_link_read_stamped(link, buf, rx_ns, READ_FRAMES, &got,
                                  READ_WAIT_MS);
        if (got) {
            size_t keep = 0;
            int full = 0;
            if (!clk.have_first)
                liveview_origin(view, &buf[0]);
            if (push_kept(rec, buf, rx_ns, got, a.duration_s, &clk, lat,
                          &keep, &full)) {
                cli_error(CMD, "%s", rm_recorder_errmsg(rec));
                rc = EXIT_RUNTIME;
                break;
            }
            if (keep)
                last = buf[keep - 1];
            if (keep && view) {
                rm_live live;
                const rm_engine *e = rm_recorder_engine(rec);
                if (e)
                    rm_engine_live_state(e, &live);
                rm_decoder_stats ds;
                rm_link_stats(link, &ds);
                liveview_update(view, &last, e ? &live : NULL,
                                rm_recorder_frames(rec), ds.frames_lost, 0);
            }
            if (full) {
                why_stop = "duration reached";
                break;
            }
        }
        if (st != RM_OK) {
            /* Everything received was pushed above; now say why it ended. */
            link_ok = 0;
            if (!stop_signal) {
                cli_error(CMD, "%s; the session file keeps every frame "
                               "received", rm_link_errmsg(link));
                rc = st == RM_ERR_FORMAT ? EXIT_DATA : EXIT_RUNTIME;
            } else {
                why_stop = "stopped";
            }
            break;
        }
        if (!got && rm_link_ended(link)) {
            link_ok = 0;
            if (a.sim) {
                why_stop = "simulated session over";
            } else {
                cli_error(CMD, "%s: the board closed the connection; the "
                               "session file keeps every frame received",
                          rm_transport_label(rm_link_transport(link)));
                rc = EXIT_RUNTIME;
            }
            break;
        }
    }
    if (link_ok && why_stop && strcmp(why_stop, "duration reached")) {
        /* Ctrl-C: STOP, then keep what the board sent before it stopped
         * (the link queued it while waiting for the ack). */
        rm_link_stop(link);
        size_t got = 0;
        while (rm_link_read_stamped(link, buf, rx_ns, READ_FRAMES, &got,
                                    0) == RM_OK &&
               got) {
            size_t keep = 0;
            int full = 0;
            if (push_kept(rec, buf, rx_ns, got, a.duration_s, &clk, lat,
                          &keep, &full))
                break;
            if (keep)
                last = buf[keep - 1];
            if (full)
                break;
        }
    } else if (link_ok) {
        rm_link_stop(link); /* quiet the board; failure changes nothing */
    }

done:
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    if (view) {
        rm_decoder_stats ds;
        rm_link_stats(link, &ds);
        const rm_engine *eng = rm_recorder_engine(rec);
        rm_live live;
        if (eng)
            rm_engine_live_state(eng, &live);
        if (clk.have_first)
            liveview_update(view, &last, eng ? &live : NULL,
                            rm_recorder_frames(rec), ds.frames_lost, 1);
        liveview_free(view);
    }
    free(buf);
    free(rx_ns);
    rm_decoder_stats ds;
    rm_link_stats(link, &ds);
    rm_link_close(link);

    st = rm_recorder_finish(rec);
    if (st != RM_OK && rc == EXIT_OK) {
        /* A failed push was reported already; this is a new failure. The
         * message names the file. */
        cli_error(CMD, "%s", rm_recorder_errmsg(rec));
        rc = cli_exit_for(st);
    }
    uint64_t frames = rm_recorder_frames(rec);
    double secs = frames / (double)meta.desc.rate_hz;
    /* Frames of a type this library does not know (a newer board) are
     * skipped as protocol.md section 7 says: not corruption. */
    unsigned long long bad_frames = ds.crc_errors + ds.cobs_errors +
                                    ds.oversize + ds.malformed;
    cli_error(CMD, "%s: %llu frame%s (%.1f s) in %s; lost %llu in gaps, "
                   "%llu corrupt or malformed frame%s and %llu of unknown "
                   "type skipped (%llu byte%s)",
              why_stop ? why_stop : "ended", (unsigned long long)frames,
              cli_s(frames), secs, a.output, (unsigned long long)ds.frames_lost, bad_frames,
              bad_frames == 1 ? "" : "s",
              (unsigned long long)ds.unknown_type,
              (unsigned long long)ds.bytes_discarded,
              ds.bytes_discarded == 1 ? "" : "s");

    if (lat_close(lat, rec) && a.latency_log) {
        cli_error(CMD, "%s: could not write the whole latency log",
                  a.latency_log);
        if (rc == EXIT_OK)
            rc = EXIT_RUNTIME;
    }

    const rm_engine *e = rm_recorder_engine(rec);
    const rm_summary *sum = e ? rm_engine_summary(e) : NULL;
    if (a.json) {
        cli_summary js = {
            .file = a.output, .frames = frames, .dropped = ds.frames_lost,
            .duration_s = (frames + ds.frames_lost) / (double)meta.desc.rate_hz,
            .leg = meta.leg,
            .errors = ds.crc_errors + ds.cobs_errors + ds.oversize +
                      ds.malformed,
        };
        if (cli_print_summary_json(json_out, &js) && rc == EXIT_OK) {
            cli_error(CMD, "could not write the JSON summary");
            rc = EXIT_RUNTIME;
        }
    } else if (sum && frames && !a.quiet) {
        fputc('\n', out);
        if (rm_report_write(sum, &meta, RM_REPORT_TEXT, out) != RM_OK)
            cli_error(CMD, "could not write the report summary");
    }
    rm_recorder_free(rec);
    return rc;
}
