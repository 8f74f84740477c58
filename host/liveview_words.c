/*
 * The live view's words and clock, shared by the terminal, the plain
 * lines and the web view (liveview_state.h).
 */
#include <math.h>
#include <stdio.h>

#include "liveview_state.h"

const char *lv_line_word(rm_line l)
{
    switch (l) {
    case RM_LINE_MEDIAL: return "medial";
    case RM_LINE_MIDDLE: return "middle";
    case RM_LINE_LATERAL: return "lateral";
    default: return "";
    }
}

void lv_clock(char *buf, double time_s)
{
    if (!isfinite(time_s) || time_s < 0.0)
        time_s = 0.0;
    if (time_s > 359999.0)
        time_s = 359999.0; /* 99 h: a corrupt clock, shown, not overflowed */
    unsigned tenths = (unsigned)lround(time_s * 10.0);
    snprintf(buf, 16, "%u:%02u.%u", (tenths / 600) % 10000u,
             tenths % 600 / 10, tenths % 10);
}

const char *lv_hold_word(const lv_state *s)
{
    if (s->hold_s <= 0.0)
        return "";
    if (s->hold_s < s->hold_min_s)
        return "hold on";
    if (s->hold_s <= s->hold_max_s)
        return "good hold";
    return "long: move on";
}
