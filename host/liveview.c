/*
 * Live view (see liveview.h): keeps the state both views draw
 * (liveview_state.h) up to date from the frames and the engine's rm_live,
 * and decides when the terminal is redrawn and the web view fed.
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "liveview.h"
#include "liveview_state.h"
#include "web.h"

#define TTY_PERIOD_MS 200   /* 5 redraws a second: smooth, cheap */
#define PLAIN_PERIOD_MS 1000
#define WEB_PERIOD_MS 50    /* 20 pushes a second: the page lags < 0.1 s */
#define SPEED_TAU_S 1.0     /* smoothing of the shown speed */
/* Off the calf by more than this fraction of its length, a place is not
 * shown at all; within it, it is clamped to the nearer end. */
#define OFF_CALF_FRAC 0.10

struct liveview {
    FILE *out;
    liveview_mode mode;
    liveview_opts opts;
    rm_descriptor desc;
    lv_tty tty;
    web *web;
    uint64_t last_draw_ms, last_web_ms;
    int drawn_lines;        /* lines of the block on screen (tty) */
    int have_first;
    rm_frame first;         /* for board time and distance rolled */
    rm_frame prev;          /* previous update's frame, for the raw speed */
    board_clock clock;      /* session time across the board clock's wrap */
    double prev_time_s;
    int rang_min, rang_max; /* bell rung for this hold at 30 / 90 s */
    lv_state st;
};

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
    (void)sig;
    winch = 1;
}

static uint64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int liveview_parse_opt(const char *cmd, int code, const char *arg,
                       liveview_opts *o)
{
    switch (code) {
    case LIVEVIEW_OPT_COLOR:
        if (!strcmp(arg, "auto"))
            o->color = LIVEVIEW_COLOR_AUTO;
        else if (!strcmp(arg, "always"))
            o->color = LIVEVIEW_COLOR_ALWAYS;
        else if (!strcmp(arg, "never"))
            o->color = LIVEVIEW_COLOR_NEVER;
        else {
            cli_usage_error(cmd, "--color: '%s' is not auto, always or never",
                            arg);
            return -1;
        }
        return 0;
    case LIVEVIEW_OPT_BELL:
        o->bell = 1;
        return 0;
    case LIVEVIEW_OPT_WEB: {
        char why[128];
        if (web_parse_addr(arg, NULL, why, sizeof why)) {
            cli_usage_error(cmd, "--web: %s", why);
            return -1;
        }
        o->web = arg;
        return 0;
    }
    default:
        return -1;
    }
}

/* Columns of the terminal on @p fd; 80 when it cannot tell. */
static int term_width(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

liveview *liveview_new(FILE *out, liveview_mode mode,
                       const rm_descriptor *desc, const liveview_opts *opts)
{
    liveview *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    if (opts)
        v->opts = *opts;
    int tty = isatty(fileno(out));
    if (mode == LIVEVIEW_AUTO)
        mode = tty ? LIVEVIEW_TTY : LIVEVIEW_PLAIN;
    v->out = out;
    v->mode = mode;
    v->desc = *desc;
    const char *nc = getenv("NO_COLOR");
    v->tty.color = v->opts.color == LIVEVIEW_COLOR_ALWAYS ||
                   (v->opts.color == LIVEVIEW_COLOR_AUTO && tty &&
                    !(nc && nc[0]));
    v->tty.width = term_width(fileno(out));

    rm_engine_config cfg;
    rm_engine_config_default(&cfg);
    v->st.slow_cm_s = cfg.slow_speed_cm_s;
    v->st.hold_min_s = cfg.hold_advice_min_s;
    v->st.hold_max_s = cfg.hold_advice_max_s;
    v->st.session_min_s = cfg.session_min_s;
    v->st.session_max_s = cfg.session_max_s;

    if (mode == LIVEVIEW_TTY) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_winch;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGWINCH, &sa, NULL);
    }
    if (v->opts.web) {
        v->web = web_start(v->opts.web, v->opts.cmd ? v->opts.cmd : "view");
        if (!v->web) {
            free(v);
            return NULL;
        }
    }
    return v;
}

/* Centimetres of calf rolled for an encoder change (r * angle).
 * Example: 600 counts at 2400 counts/turn, r = 72 mm -> 11.31 cm. */
static double counts_to_cm(const rm_descriptor *d, int32_t counts)
{
    return (double)counts / d->encoder_cpr * 2.0 * M_PI * d->radius_mm / 10.0;
}

void liveview_origin(liveview *v, const rm_frame *first)
{
    if (!v || !first || v->have_first)
        return;
    v->first = *first;
    v->prev = *first;
    v->have_first = 1;
}

/* Peak cell pressure in kPa: N over mm^2 is MPa. Example: 3.3 N on a
 * 100 mm^2 cell is 33 kPa. */
static double peak_kpa(const rm_descriptor *d, const double *cell_n,
                       uint32_t cells)
{
    double top = 0.0;
    for (uint32_t i = 0; i < cells; i++)
        if (cell_n[i] > top)
            top = cell_n[i];
    return d->cell_area_mm2 > 0.0f ? top / d->cell_area_mm2 * 1000.0 : 0.0;
}

/* The engine's place, on the calf or not at all (issue 16: places up to
 * 134 % of the calf were shown). */
static void set_place(lv_state *s, const rm_live *live)
{
    s->placed = 0;
    if (!isfinite(live->position_frac) || !isfinite(live->position_cm))
        return;
    double f = live->position_frac;
    if (f < -OFF_CALF_FRAC || f > 1.0 + OFF_CALF_FRAC)
        return;
    double len = f > 0.05 ? live->position_cm / f : NAN;
    f = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
    s->placed = 1;
    s->frac = f;
    s->cm = isfinite(len) && len > 0.0 ? f * len
                                        : (live->position_cm < 0.0
                                               ? 0.0 : live->position_cm);
}

/* Time under the roller, on the current line (the middle when the line
 * is not known yet), spread evenly over the bins between the previous
 * update's place and this one: updates come a block of frames apart
 * (0.8 s in a replay at full speed), and a pass of 2 cm between them
 * covers every bin on its way. A jump over more than a third of the calf
 * is a re-placement, not a pass: only the new place counts. */
static void add_cover(lv_state *s, double prev_frac, int prev_placed,
                      double dt)
{
    if (!s->contact || !s->placed || dt <= 0.0 || dt > 1.0)
        return;
    int row = s->line == RM_LINE_MEDIAL    ? 0
              : s->line == RM_LINE_LATERAL ? 2 : 1;
    int b1 = (int)(s->frac * LV_BINS);
    int b0 = prev_placed && fabs(prev_frac - s->frac) < 1.0 / 3.0
                 ? (int)(prev_frac * LV_BINS) : b1;
    if (b0 > b1) {
        int t = b0;
        b0 = b1;
        b1 = t;
    }
    if (b1 >= LV_BINS)
        b1 = LV_BINS - 1;
    if (b0 >= LV_BINS)
        b0 = LV_BINS - 1;
    float share = (float)(dt / (b1 - b0 + 1));
    for (int b = b0; b <= b1; b++)
        s->cover_s[row][b] += share;
}

static void ring_bell(liveview *v)
{
    lv_state *s = &v->st;
    if (s->hold_s <= 0.0) {
        v->rang_min = v->rang_max = 0;
        return;
    }
    int ring = 0;
    if (!v->rang_min && s->hold_s >= s->hold_min_s)
        ring = v->rang_min = 1;
    if (!v->rang_max && s->hold_s >= s->hold_max_s)
        ring = v->rang_max = 1;
    if (ring && v->opts.bell && v->mode == LIVEVIEW_TTY)
        fputc('\a', v->out);
}

static void update_state(liveview *v, const rm_frame *last,
                         const rm_live *live, uint64_t frames, uint64_t lost)
{
    lv_state *s = &v->st;
    const rm_descriptor *d = &v->desc;
    if (!v->clock.started)
        board_clock_at(&v->clock, v->first.time_us);
    double time_s = (double)board_clock_at(&v->clock, last->time_us) / 1e6;
    double dt = time_s - v->prev_time_s;
    double raw_speed;
    uint32_t cells = d->cells <= RM_MAX_CELLS ? d->cells : RM_MAX_CELLS;
    double cell_n[RM_MAX_CELLS] = { 0 };
    double prev_frac = s->frac;
    int prev_placed = s->placed;
    s->engine = live != NULL;
    if (live) {
        cells = live->cells <= RM_MAX_CELLS ? live->cells : RM_MAX_CELLS;
        memcpy(cell_n, live->cell_n, cells * sizeof *cell_n);
        s->force_n = live->force_n;
        s->contact = live->in_contact;
        s->hold_s = live->hold_s > 0.0 ? live->hold_s : 0.0;
        set_place(s, live);
        s->line = s->placed ? live->line : RM_LINE_UNKNOWN;
        /* The engine says which parts are still provisional: the place
         * before the calf is found, the line before the rolling has
         * shown how this session's lines differ (rm_live.provisional). */
        s->prov_place = (live->provisional & RM_LIVE_PROV_PLACE) != 0;
        s->prov_line = (live->provisional & RM_LIVE_PROV_LINE) != 0;
        raw_speed = fabs(live->speed_cm_s);
    } else {
        s->force_n = 0.0;
        for (uint32_t i = 0; i < cells; i++) {
            cell_n[i] = ((double)last->cells[i] - d->tare_counts[i]) *
                        d->scale_n_per_count[i];
            s->force_n += cell_n[i];
        }
        s->contact = 0;
        s->placed = 0;
        s->line = RM_LINE_UNKNOWN;
        s->hold_s = 0.0;
        s->rolled_cm = counts_to_cm(d, (int32_t)((uint32_t)last->encoder -
                                                 (uint32_t)v->first.encoder));
        double dx = counts_to_cm(d, (int32_t)((uint32_t)last->encoder -
                                              (uint32_t)v->prev.encoder));
        raw_speed = dt > 0.0 ? fabs(dx) / dt : 0.0;
    }
    if (!isfinite(raw_speed))
        raw_speed = 0.0;
    if (dt > 0.0) {
        double a = dt >= SPEED_TAU_S ? 1.0 : dt / SPEED_TAU_S;
        s->speed_cm_s += a * (raw_speed - s->speed_cm_s);
    }
    s->too_fast = s->contact && s->hold_s <= 0.0 &&
                  s->speed_cm_s > s->slow_cm_s;
    add_cover(s, prev_frac, prev_placed, dt);
    if (fabs(s->force_n) < 0.5)
        s->force_n = 0.0; /* noise around zero reads "0 N", not "-0 N" */
    s->peak_kpa = peak_kpa(d, cell_n, cells);
    s->time_s = time_s;
    s->frames = frames;
    s->lost = lost;
    s->wall_ms = clock_ms(CLOCK_REALTIME);
    v->prev = *last;
    v->prev_time_s = time_s;
}

static void draw_plain(liveview *v)
{
    const lv_state *s = &v->st;
    char clk[16], place[64];
    lv_clock(clk, s->time_s);
    if (!s->engine)
        snprintf(place, sizeof place, "rolled %+.1f cm", s->rolled_cm);
    else if (s->placed)
        snprintf(place, sizeof place, "place %.1f cm%s (%.0f%%) line %s%s",
                 s->cm, s->prov_place ? "~" : "", s->frac * 100.0,
                 s->line ? lv_line_word(s->line) : "?",
                 s->prov_line ? "~" : "");
    else
        snprintf(place, sizeof place, "finding the calf");
    fprintf(v->out,
            "%s  %s  %.1f cm/s%s  hold %.0f s%s%s  peak %.0f kPa"
            "  frames %llu lost %llu\n",
            clk, place, s->speed_cm_s, s->too_fast ? " slower" : "",
            floor(s->hold_s), s->hold_s > 0.0 ? " " : "", lv_hold_word(s),
            s->peak_kpa, (unsigned long long)s->frames,
            (unsigned long long)s->lost);
    fflush(v->out);
}

void liveview_feed(liveview *v, const rm_frame *last, const rm_live *live,
                   uint64_t frames, uint64_t lost)
{
    if (!v || !last)
        return;
    if (!v->have_first)
        liveview_origin(v, last);
    update_state(v, last, live, frames, lost);
}

void liveview_update(liveview *v, const rm_frame *last, const rm_live *live,
                     uint64_t frames, uint64_t lost, int force)
{
    if (!v || !last)
        return;
    liveview_feed(v, last, live, frames, lost);
    ring_bell(v);
    uint64_t now = clock_ms(CLOCK_MONOTONIC);
    uint64_t period = v->mode == LIVEVIEW_TTY ? TTY_PERIOD_MS
                                               : PLAIN_PERIOD_MS;
    int resized = winch;
    int draw = v->mode != LIVEVIEW_OFF &&
               (force || resized || !v->last_draw_ms ||
                now - v->last_draw_ms >= period);
    /* The web view gets every state the terminal draws too, so the two
     * can be compared state by state. */
    if (v->web && (draw || force || now - v->last_web_ms >= WEB_PERIOD_MS)) {
        char json[4096];
        size_t n = lv_state_json(&v->st, json, sizeof json);
        if (n)
            web_publish(v->web, json, n);
        v->last_web_ms = now;
    }
    if (!draw)
        return;
    v->last_draw_ms = now;
    if (v->mode == LIVEVIEW_PLAIN) {
        draw_plain(v);
        return;
    }
    if (resized) {
        winch = 0;
        v->tty.width = term_width(fileno(v->out));
    }
    v->drawn_lines = lv_tty_draw(v->out, &v->tty, &v->st, v->drawn_lines,
                                 resized);
    fflush(v->out);
}

void liveview_free(liveview *v)
{
    if (!v)
        return;
    if (v->web) {
        /* The last state, marked final, so a page shows the end. */
        web_finish(v->web);
        web_stop(v->web);
    }
    fflush(v->out);
    free(v);
}
