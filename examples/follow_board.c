/*
 * follow_board: follow a live board and print each hold as it ends.
 * Shows the live path of librollmap: transport -> link (handshake,
 * descriptor, frames) -> engine, with findings arriving through engine
 * callbacks while frames are pushed. Nothing is recorded here; to keep a
 * session file as well, use rm_recorder_new() with the same callbacks.
 *
 * Build:  cc -std=c11 follow_board.c \
 *            $(pkg-config --cflags --libs librollmap) -o follow_board
 * Run:    ./follow_board                  the one board found by USB id
 *         ./follow_board -p /dev/ttyACM0  a named port
 *         ./follow_board --sim holds      a virtual board (simulator),
 *                                         real time; add --fast to run
 *                                         it as fast as it can
 *         --leg left|right                which calf: needed to tell the
 *                                         medial line from the lateral
 * Stops at Ctrl-C or when the board ends its stream.
 * Exit: 0 success, 1 failure, 2 usage, 3 unusable data, 4 no board.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <rollmap.h>

/* Frames taken per rm_link_read(): 256 is 3 s at 80 Hz, 0.25 s at 1 kHz. */
#define READ_FRAMES 256
/* How long one rm_link_read() may wait, in ms: bounds the Ctrl-C delay. */
#define READ_WAIT_MS 200

static volatile sig_atomic_t stop_requested;

static void on_sigint(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Handed to the engine as `user`: the callbacks' own state. */
struct follow {
    unsigned holds;
};

/*
 * Called from inside rm_engine_push() (or rm_engine_finish() for a hold
 * still open at the end), on this thread. @p h is valid only during the
 * call. Timing, technique, line (the leg's lean) and force are known now;
 * the position along the calf is not (NAN: the calf is placed at
 * rm_engine_finish()), so the summary after that has the final numbers.
 */
static void on_hold(const rm_hold *h, void *user)
{
    struct follow *f = user;
    f->holds++;
    printf("hold %u: %.1f s at %.1f..%.1f s, %s line, %s",
           f->holds, h->duration_s, h->start_s, h->end_s,
           rm_line_name(h->line), rm_technique_name(h->technique));
    if (isfinite(h->position_cm))
        printf(", %.1f cm from the ankle", h->position_cm);
    printf(", %.0f N\n", h->mean_force_n);
    fflush(stdout); /* a live tool: show it now, even through a pipe */
}

static int exit_code_for(rm_status st)
{
    switch (st) {
    case RM_ERR_NODEV:
    case RM_ERR_TIMEOUT: return 4;  /* nobody answered */
    case RM_ERR_FORMAT:
    case RM_ERR_UNSUPPORTED: return 3;
    case RM_ERR_ARG: return 2;      /* e.g. an unknown scenario name */
    default: return 1;
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: follow_board [-p PORT | --sim SCENARIO "
                    "[--fast]] [--leg left|right]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *port = NULL, *scenario = NULL;
    int fast = 0;
    rm_leg leg = RM_LEG_UNKNOWN;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-p") && i + 1 < argc)
            port = argv[++i];
        else if (!strcmp(argv[i], "--sim") && i + 1 < argc)
            scenario = argv[++i];
        else if (!strcmp(argv[i], "--fast"))
            fast = 1;
        else if (!strcmp(argv[i], "--leg") && i + 1 < argc &&
                 rm_leg_parse(argv[i + 1], &leg) == RM_OK)
            i++;
        else
            return usage();
    }
    if ((port && scenario) || (fast && !scenario))
        return usage();

    /* 1. A transport: bytes only. The link takes it over below. */
    rm_error err = { 0 };
    rm_transport *t = NULL;
    rm_status st;
    if (scenario) {
        rm_vboard_options vo = { .no_realtime = fast };
        vo.sim.leg = leg; /* the same session as `rollmap sim --leg` */
        st = rm_transport_open_sim(scenario, &vo, &t, &err);
    } else {
        st = rm_transport_open_serial(port, RM_DEFAULT_BAUD, &t, &err);
    }
    if (st != RM_OK) {
        fprintf(stderr, "follow_board: %s\n", err.msg);
        return exit_code_for(st);
    }

    /* 2. The link: handshake (an Uno resets when the port opens, so this
     * may take a second or two) and the board's descriptor. It owns the
     * transport from here on, even if it fails. */
    rm_link *link = NULL;
    st = rm_link_open(t, NULL, &link, &err);
    if (st != RM_OK) {
        fprintf(stderr, "follow_board: %s\n", err.msg);
        return exit_code_for(st);
    }

    /* 3. The engine, told about the board through session metadata. */
    rm_session_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.format_version = 1;
    meta.desc = *rm_link_descriptor(link);
    meta.leg = leg; /* medial/lateral need the leg: unknown gives no line */
    struct follow f = { 0 };
    rm_engine_callbacks cb = { .on_hold = on_hold, .user = &f };
    rm_engine *eng = NULL;
    st = rm_engine_new(&meta, NULL, &cb, &eng, &err);
    if (st != RM_OK) {
        fprintf(stderr, "follow_board: %s\n", err.msg);
        rm_link_close(link);
        return exit_code_for(st);
    }
    fprintf(stderr, "follow_board: %s: %u cells at %g Hz (%s); Ctrl-C "
            "stops\n", rm_transport_label(rm_link_transport(link)),
            (unsigned)meta.desc.cells, meta.desc.rate_hz,
            meta.desc.firmware);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);

    /* 4. Stream: read what arrived, push it, repeat. on_hold runs inside
     * rm_engine_push(). */
    static rm_frame buf[READ_FRAMES]; /* 36 kB: kept off the stack */
    uint64_t frames = 0;
    int rc = 0;
    st = rm_link_start(link);
    while (st == RM_OK && !stop_requested) {
        size_t got = 0;
        st = rm_link_read(link, buf, READ_FRAMES, &got, READ_WAIT_MS);
        if (st != RM_OK) {
            /* RM_ERR_TIMEOUT here: the board stopped sending. */
            fprintf(stderr, "follow_board: %s\n", rm_link_errmsg(link));
            rc = 1;
            break;
        }
        if (got == 0 && rm_link_ended(link))
            break; /* the board closed the stream (a sim ran out) */
        frames += got;
        st = rm_engine_push(eng, buf, got);
        if (st != RM_OK) {
            fprintf(stderr, "follow_board: %s\n", rm_engine_errmsg(eng));
            rc = exit_code_for(st);
        }
    }
    if (st != RM_OK && rc == 0) {
        fprintf(stderr, "follow_board: %s\n", rm_link_errmsg(link));
        rc = 1;
    }
    if (!rm_link_ended(link))
        (void)rm_link_stop(link); /* quiet the board; nothing to lose */

    rm_decoder_stats ds;
    rm_link_stats(link, &ds);
    rm_link_close(link);

    /* 5. Finish: a hold still open is reported now, and the summary has
     * the final alignment. */
    if (rm_engine_finish(eng) == RM_OK) {
        const rm_summary *sum = rm_engine_summary(eng);
        printf("%llu frames (%llu lost on the line), %u holds live, "
               "%zu in the summary\n", (unsigned long long)frames,
               (unsigned long long)ds.frames_lost, f.holds,
               sum ? sum->n_holds : (size_t)0);
    } else {
        fprintf(stderr, "follow_board: %s\n", rm_engine_errmsg(eng));
        if (rc == 0)
            rc = 1;
    }
    rm_engine_free(eng);
    return rc;
}
