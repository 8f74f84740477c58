/*
 * Live view drawing for record and replay (see liveview.h). Everything it
 * shows comes from the frames and the engine's rm_live; without an engine
 * it shows raw loads and the distance rolled from the encoder.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "liveview.h"

#define TTY_PERIOD_MS 200   /* 5 redraws a second: smooth, cheap */
#define PLAIN_PERIOD_MS 1000
#define HOLD_MIN_S 30.0     /* common guidance for a static hold */
#define HOLD_MAX_S 90.0

struct liveview {
    FILE *out;
    liveview_mode mode;
    rm_descriptor desc;
    uint64_t last_draw_ms;
    int drawn_lines;        /* lines of the block on screen (tty) */
    int have_first;
    rm_frame first;         /* for board time and distance rolled */
    rm_frame prev;          /* previous drawn frame, for the raw speed */
    board_clock clock;      /* session time across the board clock's wrap */
    double prev_time_s;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

liveview *liveview_new(FILE *out, liveview_mode mode,
                       const rm_descriptor *desc)
{
    liveview *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    if (mode == LIVEVIEW_AUTO)
        mode = isatty(fileno(out)) ? LIVEVIEW_TTY : LIVEVIEW_PLAIN;
    v->out = out;
    v->mode = mode;
    v->desc = *desc;
    return v;
}

/* Centimetres of calf rolled for an encoder change (r * angle).
 * Example: 600 counts at 2400 counts/turn, r = 72 mm -> 11.31 cm. */
static double counts_to_cm(const rm_descriptor *d, int32_t counts)
{
    return (double)counts / d->encoder_cpr * 2.0 * M_PI * d->radius_mm / 10.0;
}

/* One character per cell, darker for more load; full scale is the
 * largest cell or 50 N, so a light touch does not look like a peak. */
static void bar_row(char *buf, size_t cap, const double *cell_n,
                    uint32_t cells)
{
    static const char levels[] = " .:-=+*#%@";
    double top = 50.0;
    for (uint32_t i = 0; i < cells; i++)
        if (cell_n[i] > top)
            top = cell_n[i];
    size_t k = 0;
    for (uint32_t i = 0; i < cells && k + 1 < cap; i++) {
        double x = cell_n[i] <= 0.0 ? 0.0 : cell_n[i] / top;
        int lv = (int)lround(x * 9.0);
        buf[k++] = levels[lv < 0 ? 0 : lv > 9 ? 9 : lv];
    }
    buf[k] = '\0';
}

/* A 0..120 s bar with marks at 30 and 90 s. */
static void hold_bar(char *buf, size_t cap, double hold_s)
{
    const int width = 24; /* 5 s a character */
    if (cap < (size_t)width + 3)
        return;
    int fill = (int)(hold_s / 5.0);
    buf[0] = '[';
    for (int i = 0; i < width; i++) {
        char c = i < fill ? '#' : '-';
        if (i == (int)(HOLD_MIN_S / 5.0) || i == (int)(HOLD_MAX_S / 5.0))
            c = i < fill ? '#' : '|';
        buf[1 + i] = c;
    }
    buf[width + 1] = ']';
    buf[width + 2] = '\0';
}

static const char *hold_word(double hold_s)
{
    if (hold_s <= 0.0)
        return "";
    if (hold_s < HOLD_MIN_S)
        return "hold on";
    if (hold_s <= HOLD_MAX_S)
        return "good hold";
    return "long: move on";
}

void liveview_origin(liveview *v, const rm_frame *first)
{
    if (!v || !first || v->have_first)
        return;
    v->first = *first;
    v->prev = *first;
    v->have_first = 1;
}

void liveview_update(liveview *v, const rm_frame *last, const rm_live *live,
                     uint64_t frames, uint64_t lost, int force)
{
    if (!v || !last || v->mode == LIVEVIEW_OFF)
        return;
    if (!v->have_first) {
        v->first = *last;
        v->prev = *last;
        v->have_first = 1;
    }
    uint64_t now = now_ms();
    uint64_t period = v->mode == LIVEVIEW_TTY ? TTY_PERIOD_MS
                                               : PLAIN_PERIOD_MS;
    if (!force && v->last_draw_ms && now - v->last_draw_ms < period)
        return;
    v->last_draw_ms = now;

    const rm_descriptor *d = &v->desc;
    uint32_t cells = d->cells;
    double cell_n[RM_MAX_CELLS] = { 0 }, force_n = 0.0;
    if (!v->clock.started)
        board_clock_at(&v->clock, v->first.time_us);
    double time_s = (double)board_clock_at(&v->clock, last->time_us) / 1e6;
    char pos[64], line[16], speed[32];
    double hold_s = 0.0;
    if (live) {
        cells = live->cells <= RM_MAX_CELLS ? live->cells : RM_MAX_CELLS;
        memcpy(cell_n, live->cell_n, cells * sizeof *cell_n);
        force_n = live->force_n;
        hold_s = live->hold_s;
        if (isfinite(live->position_cm))
            snprintf(pos, sizeof pos, "%5.1f cm (%3.0f%%)",
                     live->position_cm, live->position_frac * 100.0);
        else
            snprintf(pos, sizeof pos, "finding the calf");
        snprintf(line, sizeof line, "%s", rm_line_name(live->line));
        snprintf(speed, sizeof speed, "%4.1f cm/s", live->speed_cm_s);
    } else {
        /* No engine: raw loads through the board's calibration, and the
         * distance rolled since the start (not yet placed on the calf). */
        for (uint32_t i = 0; i < cells; i++) {
            cell_n[i] = ((double)last->cells[i] - d->tare_counts[i]) *
                        d->scale_n_per_count[i];
            force_n += cell_n[i];
        }
        snprintf(pos, sizeof pos, "rolled %+6.1f cm",
                 counts_to_cm(d, (int32_t)((uint32_t)last->encoder -
                                           (uint32_t)v->first.encoder)));
        snprintf(line, sizeof line, "-");
        double dt = time_s - v->prev_time_s;
        double dx = counts_to_cm(d, (int32_t)((uint32_t)last->encoder -
                                              (uint32_t)v->prev.encoder));
        snprintf(speed, sizeof speed, "%4.1f cm/s",
                 dt > 0.0 ? fabs(dx) / dt : 0.0);
    }
    v->prev = *last;
    v->prev_time_s = time_s;
    if (fabs(force_n) < 0.5)
        force_n = 0.0; /* noise around zero reads "0 N", not "-0 N" */

    char bars[RM_MAX_CELLS + 1], hb[32] = "";
    bar_row(bars, sizeof bars, cell_n, cells);
    hold_bar(hb, sizeof hb, hold_s);
    int mins = (int)(time_s / 60.0);

    if (v->mode == LIVEVIEW_PLAIN) {
        fprintf(v->out,
                "%3d:%04.1f  %s  line %s  %s  force %.0f N  hold %.0f s"
                "  frames %llu lost %llu\n",
                mins, time_s - mins * 60.0, pos, line, speed, force_n,
                hold_s, (unsigned long long)frames,
                (unsigned long long)lost);
        fflush(v->out);
        return;
    }
    /* Move up over the previous block and redraw it line by line. */
    if (v->drawn_lines)
        fprintf(v->out, "\033[%dA", v->drawn_lines);
    fprintf(v->out, "\r\033[K %3d:%04.1f  position %s  line %-8s %s\n",
            mins, time_s - mins * 60.0, pos, line, speed);
    fprintf(v->out, "\r\033[K cells |%s|  force %6.1f N\n", bars, force_n);
    fprintf(v->out, "\r\033[K hold  %s %5.1f s  %s\n", hb, hold_s,
            hold_word(hold_s));
    fprintf(v->out, "\r\033[K frames %llu  lost %llu\n",
            (unsigned long long)frames, (unsigned long long)lost);
    v->drawn_lines = 4;
    fflush(v->out);
}

void liveview_free(liveview *v)
{
    if (!v)
        return;
    fflush(v->out);
    free(v);
}
