/*
 * The live view of record and replay, for a person lying on the floor
 * 1-2 m from the screen: a calf strip (ankle -> knee x medial, middle,
 * lateral) that fills in with coverage, the current place and line, a
 * large hold timer against the 30 and 90 s guidance, the rolling speed
 * with "slower" advice, the session clock against 5-10 minutes, peak
 * pressure in kPa and lost frames. On a terminal it redraws in place and
 * fits the width; on a pipe it prints one plain line a second; with
 * --web it also serves the same state to a browser (web.h).
 */
#ifndef ROLLMAP_HOST_LIVEVIEW_H
#define ROLLMAP_HOST_LIVEVIEW_H

#include <getopt.h>
#include <stdio.h>

#include "rollmap.h"

typedef enum liveview_mode {
    LIVEVIEW_AUTO  = 0, /* redraw on a terminal, plain lines otherwise */
    LIVEVIEW_TTY   = 1,
    LIVEVIEW_PLAIN = 2,
    LIVEVIEW_OFF   = 3, /* nothing on the terminal (the web view stays) */
} liveview_mode;

typedef enum liveview_color {
    LIVEVIEW_COLOR_AUTO = 0, /* on a terminal, unless NO_COLOR is set */
    LIVEVIEW_COLOR_ALWAYS,
    LIVEVIEW_COLOR_NEVER,
} liveview_color;

/* The view's options shared by record and replay (--color, --bell,
 * --web). Zeroed means the defaults. */
typedef struct liveview_opts {
    liveview_color color;
    int bell;               /* BEL when a hold reaches 30 s and 90 s */
    const char *web;        /* "[ADDR:]PORT" or NULL: no web view */
    const char *cmd;        /* "record" / "replay", for messages */
} liveview_opts;

/* getopt_long entries and their codes, for the commands' option tables. */
enum { LIVEVIEW_OPT_COLOR = 0x4c01, LIVEVIEW_OPT_BELL, LIVEVIEW_OPT_WEB };
#define LIVEVIEW_LONG_OPTIONS                                          \
    { "color", required_argument, NULL, LIVEVIEW_OPT_COLOR },         \
    { "bell", no_argument, NULL, LIVEVIEW_OPT_BELL },                 \
    { "web", required_argument, NULL, LIVEVIEW_OPT_WEB }

/* One of the codes above with its argument: 0, or a usage message on
 * stderr and -1. */
int liveview_parse_opt(const char *cmd, int code, const char *arg,
                       liveview_opts *o);

/* Option lines for the commands' --help. */
#define LIVEVIEW_HELP                                                      \
    "      --color WHEN    auto (default: on a terminal, unless NO_COLOR\n" \
    "                      is set), always or never\n"                      \
    "      --bell          ring the terminal bell when a hold reaches\n"    \
    "                      30 s and 90 s\n"                                 \
    "      --web [ADDR:]PORT  serve the live view to a browser (a phone):\n" \
    "                      127.0.0.1 unless ADDR is given; any other\n"     \
    "                      address needs the token in the printed URL;\n"   \
    "                      PORT 0 picks a free port\n"

/*
 * Board time since the first frame, in us, across the wrap of the 32-bit
 * board clock (every 71.6 min): each frame adds its step from the one
 * before. Example: 4294967000 then 200 is a step of 496 us, not -4.29e9.
 */
typedef struct board_clock {
    int started;
    uint32_t last_us;
    uint64_t elapsed_us;
} board_clock;

static inline uint64_t board_clock_at(board_clock *c, uint32_t time_us)
{
    if (!c->started) {
        c->started = 1;
        c->last_us = time_us;
    }
    c->elapsed_us += (uint32_t)(time_us - c->last_us);
    c->last_us = time_us;
    return c->elapsed_us;
}

typedef struct liveview liveview;

/*
 * A view writing to @p out. @p opts may be NULL (defaults). With
 * opts->web the server is started here and its URL printed once on
 * stderr. NULL on allocation failure or when the web view cannot start
 * (the reason is on stderr).
 */
liveview *liveview_new(FILE *out, liveview_mode mode,
                       const rm_descriptor *desc, const liveview_opts *opts);

/* The session's first frame: time and distance rolled count from it.
 * Without this call the first frame given to liveview_update() is used. */
void liveview_origin(liveview *v, const rm_frame *first);

/*
 * New state: the last frame, the engine's view of it (NULL without an
 * engine: raw readings are shown), frames and lost frames so far. Call
 * it for every block of frames: coverage and the smoothed speed build up
 * from every call; the terminal is drawn only when a redraw is due (5 Hz
 * on a terminal, 1 Hz plain), or always when @p force is set. Never
 * blocks on a web viewer.
 */
void liveview_update(liveview *v, const rm_frame *last, const rm_live *live,
                     uint64_t frames, uint64_t lost, int force);

/* As liveview_update(), but nothing is drawn or sent: coverage and the
 * session clock build up while replay skips ahead to --from. */
void liveview_feed(liveview *v, const rm_frame *last, const rm_live *live,
                   uint64_t frames, uint64_t lost);

/* Leave the drawn block (so messages start on a fresh line), stop the
 * web view, free. */
void liveview_free(liveview *v);

#endif
