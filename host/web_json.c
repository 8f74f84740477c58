/*
 * The live state as the JSON object the web page reads (one Server-Sent
 * Event each). Numbers only and fixed words: nothing from a file or the
 * board reaches the page as text. Coverage goes as one digit 0..4 per
 * bin, LV_BINS per line.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "liveview_state.h"

typedef struct jb {
    char *p;
    size_t n, cap;
    int bad;
} jb;

static void __attribute__((format(printf, 2, 3)))
jb_add(jb *j, const char *fmt, ...)
{
    if (j->bad)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(j->p + j->n, j->cap - j->n, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= j->cap - j->n)
        j->bad = 1;
    else
        j->n += (size_t)k;
}

/* JSON has no NaN or infinity. */
static double fin(double x)
{
    return isfinite(x) ? x : 0.0;
}

size_t lv_state_json(const lv_state *s, char *buf, size_t cap)
{
    jb j = { buf, 0, cap, 0 };
    char clk[16];
    lv_clock(clk, s->time_s);
    jb_add(&j, "{\"t\":%.2f,\"clock\":\"%s\",\"wall\":%llu,", fin(s->time_s),
           clk, (unsigned long long)s->wall_ms);
    jb_add(&j, "\"engine\":%d,\"contact\":%d,\"placed\":%d,\"prov\":%d,"
               "\"lprov\":%d,", s->engine, s->contact, s->placed,
           s->prov_place, s->prov_line);
    if (s->placed)
        jb_add(&j, "\"frac\":%.3f,\"cm\":%.1f,", fin(s->frac), fin(s->cm));
    jb_add(&j, "\"line\":\"%s\",\"rolled\":%.1f,", lv_line_word(s->line),
           fin(s->rolled_cm));
    jb_add(&j, "\"speed\":%.1f,\"slower\":%d,\"hold\":%.1f,\"word\":\"%s\",",
           fin(s->speed_cm_s), s->too_fast, fin(s->hold_s), lv_hold_word(s));
    jb_add(&j, "\"kpa\":%.0f,\"frames\":%llu,\"lost\":%llu,",
           fin(s->peak_kpa), (unsigned long long)s->frames,
           (unsigned long long)s->lost);
    jb_add(&j, "\"slow\":%.1f,\"hmin\":%.0f,\"hmax\":%.0f,\"smin\":%.0f,"
               "\"smax\":%.0f,\"cover\":[",
           s->slow_cm_s, s->hold_min_s, s->hold_max_s, s->session_min_s,
           s->session_max_s);
    for (int r = 0; r < LV_LINES; r++) {
        char row[LV_BINS + 1];
        for (int b = 0; b < LV_BINS; b++)
            row[b] = (char)('0' + lv_cover_level(s->cover_s[r][b]));
        row[LV_BINS] = '\0';
        jb_add(&j, "%s\"%s\"", r ? "," : "", row);
    }
    jb_add(&j, "]}");
    return j.bad ? 0 : j.n;
}
