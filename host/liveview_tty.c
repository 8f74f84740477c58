/*
 * The terminal drawing of the live view: a fixed block of lines redrawn
 * in place, each cut to the terminal's width minus one column, so
 * nothing ever wraps (a wrapped line would push the block down a line
 * on every redraw). Colour is SGR codes only, and only when asked; every
 * meaning is also in the characters, for NO_COLOR and for pyte tests.
 */
#include <stdarg.h>
#include <string.h>

#include "liveview_state.h"

#define TTY_LINES 12

/* One output line: bytes, and the columns they take (codes take none). */
typedef struct lb {
    char b[2048];
    size_t n;
    int cols, max, color;
} lb;

static void lb_sgr(lb *l, const char *code)
{
    if (!l->color)
        return;
    int k = snprintf(l->b + l->n, sizeof l->b - l->n, "\033[%sm", code);
    if (k > 0 && (size_t)k < sizeof l->b - l->n)
        l->n += (size_t)k;
}

/* ASCII text, cut at the line's width. */
static void lb_put(lb *l, const char *text)
{
    for (; *text && l->cols < l->max && l->n + 16 < sizeof l->b; text++) {
        l->b[l->n++] = *text;
        l->cols++;
    }
}

static void __attribute__((format(printf, 2, 3)))
lb_printf(lb *l, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    lb_put(l, tmp);
}

static void lb_pad_to(lb *l, int col)
{
    while (l->cols < col && l->cols < l->max)
        lb_put(l, " ");
}

static void lb_emit(FILE *out, lb *l)
{
    if (l->color)
        memcpy(l->b + l->n, "\033[0m", 4), l->n += 4;
    fputc('\r', out);
    fwrite(l->b, 1, l->n, out);
    fputs("\033[K\n", out);
    l->n = 0;
    l->cols = 0;
}

/* Seven-segment digits, three rows of three columns. */
static const char *const seg[10][3] = {
    { " _ ", "| |", "|_|" }, { "   ", "  |", "  |" }, { " _ ", " _|", "|_ " },
    { " _ ", " _|", " _|" }, { "   ", "|_|", "  |" }, { " _ ", "|_ ", " _|" },
    { " _ ", "|_ ", "|_|" }, { " _ ", "  |", "  |" }, { " _ ", "|_|", "|_|" },
    { " _ ", "|_|", " _|" },
};

static const char cover_ch[LV_LEVELS] = { ' ', '.', ':', '=', '#' };
static const char *const cover_sgr[LV_LEVELS] = { "0", "44;97", "46;30",
                                                  "42;30", "102;30" };

/* A bar of @p w columns for 0..@p full with '|' marks at @p m1, @p m2. */
static void bar(lb *l, int w, double x, double full, double m1, double m2,
                const char *fill_sgr)
{
    if (w < 4)
        return;
    int fill = (int)(x / full * w);
    int k1 = (int)(m1 / full * w), k2 = (int)(m2 / full * w);
    lb_put(l, "[");
    for (int i = 0; i < w; i++) {
        int mark = i == k1 || i == k2;
        if (i < fill) {
            lb_sgr(l, fill_sgr);
            lb_put(l, mark ? "|" : "=");
            lb_sgr(l, "0");
        } else {
            lb_put(l, mark ? "|" : "-");
        }
    }
    lb_put(l, "]");
}

static void draw_session(lb *l, const lv_state *s, int wide)
{
    char clk[16];
    lv_clock(clk, s->time_s);
    lb_sgr(l, "1");
    lb_printf(l, wide ? " session %s " : " %s ", clk);
    lb_sgr(l, "0");
    /* 0..10 min, marked at 5 and 10 */
    int w = l->max - l->cols - 12;
    if (w > 20)
        w = 20;
    double full = s->session_max_s * 1.05;
    bar(l, w, s->time_s, full, s->session_min_s, s->session_max_s, "44;97");
    lb_printf(l, " %.0f-%.0f min", s->session_min_s / 60.0,
              s->session_max_s / 60.0);
    if (wide && s->time_s >= s->session_max_s)
        lb_put(l, ": time to stop");
    else if (wide && s->time_s >= s->session_min_s)
        lb_put(l, ": enough");
}

/* The strip column the place falls in, or -1. */
static int place_col(const lv_state *s, int sw)
{
    if (!s->placed)
        return -1;
    int c = (int)(s->frac * sw);
    return c >= sw ? sw - 1 : c;
}

static void draw_strip_row(lb *l, const lv_state *s, int row, int lw, int sw,
                           int wide)
{
    static const char *const names[3][2] = {
        { "med", "medial" }, { "mid", "middle" }, { "lat", "lateral" } };
    rm_line here = row == 0 ? RM_LINE_MEDIAL : row == 1 ? RM_LINE_MIDDLE
                                                        : RM_LINE_LATERAL;
    int current = s->placed && s->line == here;
    if (current)
        lb_sgr(l, "1");
    lb_printf(l, " %s", names[row][wide]);
    lb_sgr(l, "0");
    lb_pad_to(l, lw);
    lb_put(l, "|");
    int pc = current ? place_col(s, sw) : -1;
    for (int c = 0; c < sw; c++) {
        int b0 = c * LV_BINS / sw, b1 = (c + 1) * LV_BINS / sw;
        if (b1 <= b0)
            b1 = b0 + 1;
        int lv = 0;
        for (int b = b0; b < b1 && b < LV_BINS; b++) {
            int x = lv_cover_level(s->cover_s[row][b]);
            if (x > lv)
                lv = x;
        }
        char ch[2] = { cover_ch[lv], 0 };
        if (c == pc) {
            lb_sgr(l, "1;30;103");
            lb_put(l, "O");
        } else {
            lb_sgr(l, cover_sgr[lv]);
            lb_put(l, ch);
        }
        lb_sgr(l, "0");
    }
    lb_put(l, "|");
}

static void draw_place(lb *l, const lv_state *s, int lw, int sw)
{
    char txt[64];
    if (!s->engine)
        snprintf(txt, sizeof txt, "rolled %+.1f cm (raw, no engine)",
                 s->rolled_cm);
    else if (!s->placed)
        snprintf(txt, sizeof txt, "finding the calf");
    else
        snprintf(txt, sizeof txt, "%.1f cm%s", s->cm,
                 s->prov_place ? "~" : "");
    int pc = place_col(s, sw);
    int len = (int)strlen(txt);
    if (pc < 0) {
        lb_pad_to(l, lw + 1);
        lb_put(l, txt);
        return;
    }
    int col = lw + 1 + pc;
    if (col + 2 + len <= l->max) {
        lb_pad_to(l, col);
        lb_put(l, "^ ");
        lb_put(l, txt);
    } else {
        int start = col - len - 1;
        lb_pad_to(l, start < 0 ? 0 : start);
        lb_put(l, txt);
        lb_pad_to(l, col);
        lb_put(l, "^");
    }
}

static void draw_hold(lb *l, const lv_state *s, int r)
{
    double h = s->hold_s > 999.0 ? 999.0 : s->hold_s < 0.0 ? 0.0 : s->hold_s;
    unsigned secs = (unsigned)h % 1000u;
    char dg[8];
    snprintf(dg, sizeof dg, "%u", secs);
    int reached = s->hold_s >= s->hold_min_s;
    lb_put(l, " ");
    lb_sgr(l, s->hold_s <= 0.0 ? "2" : s->hold_s > s->hold_max_s ? "1;33"
                                  : reached ? "1;32" : "1");
    for (const char *p = dg; *p; p++) {
        lb_put(l, seg[*p - '0'][r]);
        lb_put(l, " ");
    }
    lb_put(l, r == 2 ? "s" : " ");
    lb_sgr(l, "0");
    lb_put(l, "  ");
    int x = l->cols;
    int w = l->max - x - 2;
    if (w > 30)
        w = 30;
    double full = s->hold_max_s * 4.0 / 3.0; /* 120 s */
    if (r == 0) {
        lb_printf(l, "HOLD %u s", secs); /* whole seconds, as the page */
        const char *word = lv_hold_word(s);
        if (*word) {
            lb_put(l, "  ");
            lb_sgr(l, reached ? "1;32" : "1");
            lb_put(l, word);
            lb_sgr(l, "0");
        }
    } else if (r == 1) {
        bar(l, w, s->hold_s, full, s->hold_min_s, s->hold_max_s,
            reached ? "42;30" : "47;30");
    } else if (w >= 4) {
        /* labels under the marks: "30 s" and "90 s" */
        int k1 = x + 1 + (int)(s->hold_min_s / full * w);
        int k2 = x + 1 + (int)(s->hold_max_s / full * w);
        char a[16], b[16];
        snprintf(a, sizeof a, "%.0f s", s->hold_min_s);
        snprintf(b, sizeof b, "%.0f s", s->hold_max_s);
        int la = (int)strlen(a), lbn = (int)strlen(b);
        if (k1 - la / 2 + la < k2 - lbn / 2) {
            lb_pad_to(l, k1 - la / 2);
            lb_put(l, a);
        }
        lb_pad_to(l, k2 - lbn / 2);
        lb_put(l, b);
    }
}

/* Narrow: "ok" for "good pace", so the kPa still fits in 40 columns. */
static void draw_speed(lb *l, const lv_state *s, int wide)
{
    lb_printf(l, " speed %.1f cm/s", s->speed_cm_s);
    if (s->too_fast) {
        lb_put(l, wide ? "  " : " ");
        lb_sgr(l, "1;97;41");
        lb_put(l, "SLOWER");
        lb_sgr(l, "0");
    } else if (s->contact && s->hold_s <= 0.0) {
        lb_put(l, wide ? "  good pace" : " ok");
    }
    lb_printf(l, "  peak %.0f kPa", s->peak_kpa);
}

static void draw_line(lb *l, const lv_state *s)
{
    const char *p = s->prov_place ? "~" : "";
    const char *pl = s->prov_line ? "~" : "";
    if (s->placed && s->line)
        lb_printf(l, " line %s%s  place %.1f cm%s %.0f%%",
                  lv_line_word(s->line), pl, s->cm, p, s->frac * 100.0);
    else if (s->placed)
        lb_printf(l, " line ?  place %.1f cm%s %.0f%%", s->cm, p,
                  s->frac * 100.0);
    else
        lb_put(l, s->engine ? " line -  place -" : " line -  (no engine)");
    if (s->placed && (s->prov_place || (s->line && s->prov_line)))
        lb_put(l, "  (~ provisional)");
}

int lv_tty_draw(FILE *out, const lv_tty *t, const lv_state *s, int moveup,
                int clear)
{
    lb l;
    memset(&l, 0, sizeof l);
    l.max = t->width - 1 > 1 ? t->width - 1 : 1;
    l.color = t->color;
    int wide = l.max >= 50;
    int lw = wide ? 9 : 5;               /* " lateral " / " lat " */
    int sw = l.max - lw - 2;
    if (sw > LV_BINS)
        sw = LV_BINS;
    if (sw < 1)
        sw = 1;

    if (moveup)
        fprintf(out, "\033[%dA", moveup);
    fputc('\r', out);
    if (clear)
        fputs("\033[J", out);

    draw_session(&l, s, wide);
    lb_emit(out, &l);
    lb_pad_to(&l, lw + 1);
    lb_put(&l, "ankle");
    lb_pad_to(&l, lw + 1 + sw - 4);
    lb_put(&l, "knee");
    lb_emit(out, &l);
    for (int r = 0; r < LV_LINES; r++) {
        draw_strip_row(&l, s, r, lw, sw, wide);
        lb_emit(out, &l);
    }
    draw_place(&l, s, lw, sw);
    lb_emit(out, &l);
    for (int r = 0; r < 3; r++) {
        draw_hold(&l, s, r);
        lb_emit(out, &l);
    }
    draw_speed(&l, s, wide);
    lb_emit(out, &l);
    draw_line(&l, s);
    lb_emit(out, &l);
    lb_printf(&l, " frames %llu  lost ", (unsigned long long)s->frames);
    if (s->lost)
        lb_sgr(&l, "1;31");
    lb_printf(&l, "%llu", (unsigned long long)s->lost);
    lb_sgr(&l, "0");
    lb_emit(out, &l);
    return TTY_LINES;
}
