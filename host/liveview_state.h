/*
 * What the live view shows, worked out once per update from the frames
 * and the engine's rm_live, and drawn by the terminal (liveview_tty.c)
 * and the web view (web_json.c) alike, so both always say the same.
 */
#ifndef ROLLMAP_HOST_LIVEVIEW_STATE_H
#define ROLLMAP_HOST_LIVEVIEW_STATE_H

#include <stdint.h>
#include <stdio.h>

#include "rollmap.h"

#define LV_BINS 60  /* coverage bins ankle -> knee on each line */
#define LV_LINES 3  /* medial, middle, lateral */
#define LV_LEVELS 5 /* coverage levels 0..4 (lv_cover_level) */

typedef struct lv_state {
    double time_s;          /* session clock, board time from the first frame */
    int engine;             /* the engine's state is shown (else raw) */
    int contact;            /* leg on the roller */
    int placed;             /* place known and on the calf */
    int prov_place;         /* the place may still move (calf not found) */
    int prov_line;          /* the line may still change (too little
                               rolling yet to tell the session's lines) */
    double frac;            /* 0..1 ankle -> knee (placed only) */
    double cm;              /* from the ankle (placed only) */
    rm_line line;           /* RM_LINE_UNKNOWN when not known */
    double rolled_cm;       /* no engine: distance rolled from the start */
    double speed_cm_s;      /* smoothed over about a second */
    int too_fast;           /* rolling faster than the guidance */
    double hold_s;          /* current hold, else 0 */
    double peak_kpa;        /* the most loaded cell's pressure */
    double force_n;
    uint64_t frames, lost;
    uint64_t wall_ms;       /* CLOCK_REALTIME of this update (latency) */
    /* guidance, from rm_engine_config_default() */
    double slow_cm_s, hold_min_s, hold_max_s, session_min_s, session_max_s;
    float cover_s[LV_LINES][LV_BINS]; /* seconds under the roller */
} lv_state;

/* Coverage level of a bin: 0 never, 1 touched, 2 >= 0.5 s, 3 >= 1.5 s,
 * 4 >= 4 s under the roller. A pass at the advised 2.5 cm/s spends about
 * 0.25 s on a bin of a 35 cm calf: a few passes make level 2-3, a hold 4. */
static inline int lv_cover_level(float s)
{
    return s <= 0.0f ? 0 : s < 0.5f ? 1 : s < 1.5f ? 2 : s < 4.0f ? 3 : 4;
}

/* "medial" / "middle" / "lateral", "" when unknown. */
const char *lv_line_word(rm_line l);

/* The session clock as M:SS.s into @p buf (at least 16 bytes), with the
 * tenths rounded before the minutes are split: 239.96 s is "4:00.0",
 * never "3:60.0". */
void lv_clock(char *buf, double time_s);

/* The hold's word against the guidance: "", "hold on", "good hold",
 * "long: move on". */
const char *lv_hold_word(const lv_state *s);

/* The terminal's drawing: one redraw of @p s in @p width columns, @p rows
 * lines into @p out (see liveview_tty.c). Returns the lines drawn. */
typedef struct lv_tty {
    int color;
    int width;
} lv_tty;
int lv_tty_draw(FILE *out, const lv_tty *t, const lv_state *s, int moveup,
                int clear);

/* The state as one JSON object (web_json.c): the number of bytes written
 * (< cap), or 0 when it does not fit. */
size_t lv_state_json(const lv_state *s, char *buf, size_t cap);

#endif
