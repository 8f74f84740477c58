/*
 * Trend across sessions: each session's summary is reduced to what the
 * trend needs (time, person, holds, peaks, the map); at write time the
 * sessions are put oldest first, peaks are matched into spots (same leg,
 * same line, within RM_TREND_MATCH_CM along the calf), each session's
 * tenderness at every spot is read off its map, and a line through all
 * of them (trend_fit.c) says whether the spot is fading.
 * Data flow: summaries -> rm_trend_add() -> rm_trend_write(); the offline
 * pipeline's rm_trend_add_file() feeds a session file through the engine.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "trend_internal.h"

rm_status rm_trend_new(rm_trend **out, rm_error *err)
{
    if (!out)
        return rm_error_set(err, RM_ERR_ARG, "trend: no output pointer");
    *out = rm_calloc(1, sizeof **out);
    if (!*out)
        return rm_error_set(err, RM_ERR_NOMEM, "trend: out of memory");
    return RM_OK;
}

void rm_trend_free(rm_trend *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        rm_free(t->sessions[i].label);
        rm_free(t->sessions[i].peaks);
        rm_free(t->sessions[i].map);
    }
    rm_free(t->sessions);
    rm_free(t);
}

rm_status rm_trend_add(rm_trend *t, const char *label,
                       const rm_session_meta *meta, const rm_summary *s)
{
    if (!t || !s)
        return RM_ERR_ARG;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 8;
        void *p = rm_realloc_array(t->sessions, cap, sizeof *t->sessions);
        if (!p)
            return RM_ERR_NOMEM;
        t->sessions = p;
        t->cap = cap;
    }
    struct trend_session ts = { 0 };
    const char *name = label ? label : "";
    ts.label = rm_calloc(strlen(name) + 1, 1);
    size_t np = s->peaks ? s->n_peaks : 0;
    ts.peaks = np ? rm_calloc(np, sizeof *ts.peaks) : NULL;
    /* The map says whether a session rolled a spot's line there, and the
     * pictures draw it. */
    size_t nm = s->map_kpa ? 3 * s->map_bins : 0;
    ts.map = nm ? rm_calloc(nm, sizeof *ts.map) : NULL;
    if (!ts.label || (np && !ts.peaks) || (nm && !ts.map)) {
        rm_free(ts.label);
        rm_free(ts.peaks);
        rm_free(ts.map);
        return RM_ERR_NOMEM;
    }
    if (nm) {
        memcpy(ts.map, s->map_kpa, nm * sizeof *ts.map);
        ts.map_bins = s->map_bins;
    }
    ts.calf_length_cm = s->calf_length_cm;
    if (meta)
        memcpy(ts.person, meta->person, sizeof ts.person);
    ts.person[sizeof ts.person - 1] = '\0';
    memcpy(ts.label, name, strlen(name) + 1);
    if (np)
        memcpy(ts.peaks, s->peaks, np * sizeof *ts.peaks);
    ts.n_peaks = np;
    ts.order = t->n;
    ts.start_unix_us = meta ? meta->start_unix_us : 0;
    ts.leg = s->leg;
    ts.duration_s = s->duration_s;
    ts.calf_found = s->calf_found;
    ts.measured_frame = s->calf_found &&
                        s->calf_frame == RM_CALF_FRAME_MEASURED;
    for (size_t i = 0; s->holds && i < s->n_holds; i++) {
        ts.n_holds++;
        if (isfinite(s->holds[i].duration_s))
            ts.hold_total_s += s->holds[i].duration_s;
    }
    t->sessions[t->n++] = ts;
    return RM_OK;
}

size_t rm_trend_session_count(const rm_trend *t)
{
    return t ? t->n : 0;
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */
/* ------------------------------------------------------------------ */

/* Oldest first; unknown start times (0) sort first, then by order. */
static int session_order(const void *a, const void *b)
{
    const struct trend_session *p = *(const struct trend_session *const *)a;
    const struct trend_session *q = *(const struct trend_session *const *)b;
    if (p->start_unix_us != q->start_unix_us)
        return p->start_unix_us < q->start_unix_us ? -1 : 1;
    return p->order < q->order ? -1 : p->order > q->order;
}

static int spot_order(const void *a, const void *b)
{
    const struct spot *p = a, *q = b;
    if (p->leg != q->leg)
        return p->leg < q->leg ? -1 : 1;
    if (p->line != q->line)
        return p->line < q->line ? -1 : 1;
    if (p->position_cm != q->position_cm)
        return p->position_cm < q->position_cm ? -1 : 1;
    return 0;
}

void rm_trend_matched_free(struct matched *m)
{
    for (size_t i = 0; i < m->n_spots; i++) {
        rm_free(m->spots[i].peak_of);
        rm_free(m->spots[i].tender);
    }
    rm_free(m->spots);
    rm_free(m->by_time);
    rm_free(m->day);
}

/* Peaks of one session, strongest first, so the strongest peak claims a
 * spot when two fall within the matching distance of it. */
static int peak_by_score(const void *a, const void *b, const rm_peak *peaks)
{
    double x = peaks[*(const size_t *)a].score;
    double y = peaks[*(const size_t *)b].score;
    if (!isfinite(x)) x = -1.0;
    if (!isfinite(y)) y = -1.0;
    return x > y ? -1 : x < y ? 1 : 0;
}

/*
 * Build the spots. Worked example: session 1 has a medial peak at
 * 20.0 cm, session 2 medial peaks at 21.2 and 24.0 cm: 21.2 is 1.2 cm
 * from the spot (<= 1.5) and joins it (spot now at 20.6 cm); 24.0 is
 * 3.4 cm away and starts a new spot seen only in session 2.
 */
static rm_status match_peaks(const rm_trend *t, struct matched *m)
{
    memset(m, 0, sizeof *m);
    if (t->n == 0)
        return RM_OK;
    m->by_time = rm_calloc(t->n, sizeof *m->by_time);
    if (!m->by_time)
        return RM_ERR_NOMEM;
    size_t total = 0;
    for (size_t i = 0; i < t->n; i++) {
        m->by_time[i] = &t->sessions[i];
        total += t->sessions[i].n_peaks;
    }
    qsort(m->by_time, t->n, sizeof *m->by_time, session_order);
    if (total == 0)
        return RM_OK;
    m->spots = rm_calloc(total, sizeof *m->spots);
    if (!m->spots)
        return RM_ERR_NOMEM;

    for (size_t si = 0; si < t->n; si++) {
        const struct trend_session *ts = m->by_time[si];
        size_t *idx = rm_calloc(ts->n_peaks ? ts->n_peaks : 1, sizeof *idx);
        if (!idx)
            return RM_ERR_NOMEM;
        for (size_t k = 0; k < ts->n_peaks; k++)
            idx[k] = k;
        /* Insertion sort by score: sessions have a handful of peaks. */
        for (size_t k = 1; k < ts->n_peaks; k++)
            for (size_t j = k; j > 0 &&
                 peak_by_score(&idx[j], &idx[j - 1], ts->peaks) < 0; j--) {
                size_t tmp = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = tmp;
            }
        for (size_t k = 0; k < ts->n_peaks; k++) {
            const rm_peak *p = &ts->peaks[idx[k]];
            if (!isfinite(p->position_cm))
                continue;   /* cannot be placed, so cannot be matched */
            struct spot *best = NULL;
            double best_d = RM_TREND_MATCH_CM;
            for (size_t sp = 0; sp < m->n_spots; sp++) {
                struct spot *s = &m->spots[sp];
                double d = fabs(s->position_cm - p->position_cm);
                if (s->leg != ts->leg || s->line != p->line ||
                    s->peak_of[si] >= 0 ||
                    d > best_d)
                    continue;
                best = s;
                best_d = d;
            }
            if (!best) {
                best = &m->spots[m->n_spots];
                best->peak_of = rm_calloc(t->n, sizeof *best->peak_of);
                if (!best->peak_of) {
                    rm_free(idx);
                    return RM_ERR_NOMEM;
                }
                m->n_spots++;
                for (size_t j = 0; j < t->n; j++)
                    best->peak_of[j] = -1;
                best->leg = ts->leg;
                best->line = p->line;
                best->position_cm = p->position_cm;
                best->zone = p->zone;
                best->best_score = p->score;
            } else {
                best->position_cm =
                    (best->position_cm * (double)best->n_seen +
                     p->position_cm) / (double)(best->n_seen + 1);
                if (p->score > best->best_score) {
                    best->best_score = p->score;
                    best->zone = p->zone;
                }
            }
            best->peak_of[si] = (long)idx[k];
            best->n_seen++;
        }
        rm_free(idx);
    }
    /* Shown like the map: by leg and line, then ankle to knee. */
    qsort(m->spots, m->n_spots, sizeof *m->spots, spot_order);
    return RM_OK;
}

/* ------------------------------------------------------------------ */
/* Tenderness at each spot, and the fit                                */
/* ------------------------------------------------------------------ */

/*
 * Whether the session rolled the spot's line at the spot: its map has a
 * value there (a bin within RM_TREND_MATCH_CM of it on that line). Only
 * then does a missing peak mean "not tender there any more".
 */
static int rolled_at(const struct trend_session *s, const struct spot *sp)
{
    if (!s->map || !s->map_bins || !s->calf_found || s->leg != sp->leg ||
        !isfinite(s->calf_length_cm) || s->calf_length_cm <= 1.0 ||
        !isfinite(sp->position_cm) || sp->line < RM_LINE_MEDIAL ||
        sp->line > RM_LINE_LATERAL)
        return 0;
    double per_cm = (double)s->map_bins / s->calf_length_cm;
    long lo = (long)floor((sp->position_cm - RM_TREND_MATCH_CM) * per_cm);
    long hi = (long)floor((sp->position_cm + RM_TREND_MATCH_CM) * per_cm);
    const float *row = s->map + (size_t)(sp->line - 1) * s->map_bins;
    for (long i = lo < 0 ? 0 : lo; i <= hi && i < (long)s->map_bins; i++)
        if (isfinite(row[i]))
            return 1;
    return 0;
}

/*
 * A session's tenderness at a spot: the score of its peak there (0..1,
 * the engine's zone-weighted prominence, which compares within a session
 * and so does not move with the day's load); 0 where the line was rolled
 * there and no peak stood out; NAN where the session cannot say (another
 * leg, or the line not rolled there), which leaves it out of the fit.
 * Chosen over the map's rise (the report's colour) on simulated persons:
 * that moves by +-10 points from session to session with where the leg
 * lay across the 20 mm cells and whether a hold sat on the spot, which
 * drowns a knot's fading over a week (docs/report-schema.md).
 */
static double tenderness_at(const struct trend_session *s,
                            const struct spot *sp, long peak)
{
    if (s->leg != sp->leg)
        return NAN;
    if (peak >= 0 && isfinite(s->peaks[peak].score))
        return s->peaks[peak].score;
    return rolled_at(s, sp) ? 0.0 : NAN;
}

rm_status rm_trend_match(const rm_trend *t, struct matched *m)
{
    rm_status st = match_peaks(t, m);
    if (st != RM_OK || t->n == 0)
        return st;
    m->day = rm_calloc(t->n, sizeof *m->day);
    if (!m->day)
        return RM_ERR_NOMEM;
    /* Days since the first dated session (unknown dates sort first and
     * stay out of the fit). */
    int64_t t0 = 0;
    for (size_t si = 0; si < t->n; si++) {
        int64_t us = m->by_time[si]->start_unix_us;
        if (us && !t0)
            t0 = us;
        m->day[si] = us ? (double)(us - t0) / 86400e6 : NAN;
        if (!m->person[0] && m->by_time[si]->person[0])
            memcpy(m->person, m->by_time[si]->person, sizeof m->person);
    }
    for (size_t k = 0; k < m->n_spots; k++) {
        struct spot *sp = &m->spots[k];
        sp->tender = rm_calloc(t->n, sizeof *sp->tender);
        if (!sp->tender)
            return RM_ERR_NOMEM;
        for (size_t si = 0; si < t->n; si++)
            sp->tender[si] = tenderness_at(m->by_time[si], sp,
                                           sp->peak_of[si]);
        rm_trend_fit(m->day, sp->tender, t->n, &sp->fit);
    }
    return RM_OK;
}

size_t rm_trend_spot_count(const rm_trend *t)
{
    struct matched m;
    if (!t || rm_trend_match(t, &m) != RM_OK) {
        if (t)
            rm_trend_matched_free(&m);
        return 0;
    }
    size_t n = m.n_spots;
    rm_trend_matched_free(&m);
    return n;
}

const char *rm_trend_verdict_words(const char *v)
{
    if (!strcmp(v, TREND_NOT_ENOUGH))
        return "not enough sessions";
    return v;
}

/* ------------------------------------------------------------------ */
/* Writers                                                             */
/* ------------------------------------------------------------------ */

void rm_trend_date(char *buf, size_t cap, int64_t start_unix_us)
{
    rm_fmt_utc(buf, cap, start_unix_us);
    if (buf[0])
        buf[10] = '\0';         /* "2026-11-21" */
    else
        snprintf(buf, cap, "unknown date");
}

static void session_date(char *buf, size_t cap, const struct trend_session *s)
{
    rm_fmt_utc(buf, cap, s->start_unix_us);
    if (buf[0]) {
        buf[10] = ' ';
        buf[16] = '\0';         /* "2026-11-21 05:37" */
    } else {
        snprintf(buf, cap, "unknown date");
    }
}

static void put_clean(FILE *f, const char *s, size_t max_cols)
{
    char clean[1024];
    rm_utf8_clean(s, sizeof clean / 3, clean, sizeof clean);
    /* Keep the tail of long paths: the file name is what tells sessions
     * apart. Cut at a character boundary. */
    size_t cols = 0, n = strlen(clean);
    for (size_t i = 0; i < n; i++)
        cols += ((unsigned char)clean[i] & 0xc0) != 0x80;
    const char *p = clean;
    if (cols > max_cols) {
        size_t skip = cols - max_cols + 3;
        while (skip && *p) {
            p++;
            if (((unsigned char)*p & 0xc0) != 0x80)
                skip--;
        }
        fputs("...", f);
    }
    fputs(p, f);
}

/* "fading (confidence 97 %): -0.85 over 6.0 days (+-0.12)". */
static void put_verdict(FILE *out, const struct spot *sp)
{
    const struct trend_fit *f = &sp->fit;
    fprintf(out, "    trend: %s", rm_trend_verdict_words(f->verdict));
    if (!isfinite(f->slope)) {
        fprintf(out, " (%zu with a tenderness, %d needed)\n", f->n,
                TREND_MIN_SESSIONS);
        return;
    }
    fprintf(out, " (confidence %.0f %%): %+.2f over %.1f days (+-%.2f)\n",
            100.0 * f->confidence, f->change, f->span_d, f->change_se);
}

size_t rm_trend_measured_frames(const rm_trend *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += t->sessions[i].measured_frame != 0;
    return n;
}

/* Spots are matched by place, and a roller who turns short of the ends
 * places them 1-2 cm apart in the two frames (docs/engine.md, "A
 * measured calf length"). */
int rm_trend_frame_note(const rm_trend *t, const struct matched *m,
                        char *buf, size_t cap)
{
    size_t found = 0, measured = rm_trend_measured_frames(t);
    for (size_t i = 0; i < t->n; i++)
        found += t->sessions[i].calf_found != 0;
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    if (measured == 0 || measured == found)
        return 0;
    size_t len = (size_t)snprintf(buf, cap, "%s ",
                                  measured == 1 ? "Session" : "Sessions");
    const char *sep = "";
    for (size_t si = 0; si < t->n && len < cap; si++) {
        if (!m->by_time[si]->measured_frame)
            continue;
        len += (size_t)snprintf(buf + len, cap - len, "%sS%zu", sep, si + 1);
        sep = ", ";
    }
    if (len < cap)
        snprintf(buf + len, cap - len,
                 " place%s the calf from a measured length, the others from "
                 "where the rolling turned (often 1-3 cm short of the "
                 "ends), so one spot can read 1-2 cm apart between them. "
                 "Give every session the length: rollmap tag FILE "
                 "--calf-length CM.",
                 measured == 1 ? "s" : "");
    return 1;
}

static rm_status write_text(const rm_trend *t, const struct matched *m,
                            FILE *out)
{
    char a[64], b[64], date[32];
    fprintf(out, "rollmap trend: %zu session%s", t->n, t->n == 1 ? "" : "s");
    if (m->person[0]) {
        fputs(" of ", out);
        put_clean(out, m->person, 24);
    }
    fprintf(out, ", %zu spot%s (same leg and line, within %.1f cm)\n",
            m->n_spots, m->n_spots == 1 ? "" : "s", RM_TREND_MATCH_CM);
    fprintf(out, "Tenderness: the spot's peak score (0-1; 0: rolled, "
                 "no peak). A line through\nevery session decides: a "
                 "change under %.2f is steady; %d sessions or more.\n",
            TREND_MIN_CHANGE, TREND_MIN_SESSIONS);
    fputs("\nSessions, oldest first\n", out);
    fprintf(out, "  %-3s %-16s %-7s %7s %5s %6s %5s  %s\n", "#",
            "started (UTC)", "leg", "length", "holds", "held s", "peaks",
            "file");
    for (size_t si = 0; si < t->n; si++) {
        const struct trend_session *s = m->by_time[si];
        session_date(date, sizeof date, s);
        rm_fmt_clock(a, sizeof a, s->duration_s);
        rm_fmt_fixed(b, sizeof b, s->hold_total_s, 0, "-");
        fprintf(out, "  S%-2zu %-16s %-7s %7s %5zu %6s %5zu  ", si + 1, date,
                rm_leg_name(s->leg), a, s->n_holds, b, s->n_peaks);
        put_clean(out, s->label, 20);
        fputc('\n', out);
    }
    char note[1024];
    if (rm_trend_frame_note(t, m, note, sizeof note))
        rm_text_wrap(out, "  Note: ", 8, note);
    fputs("\nSpots\n", out);
    if (m->n_spots == 0)
        fputs("  No pressure peaks in any session.\n", out);
    for (size_t k = 0; k < m->n_spots; k++) {
        const struct spot *sp = &m->spots[k];
        rm_fmt_fixed(a, sizeof a, sp->position_cm, 1, "-");
        fprintf(out, "  Spot %zu: %s leg, %s line, %s cm from the ankle, %s\n",
                k + 1, rm_leg_name(sp->leg), rm_line_name(sp->line), a,
                rm_zone_label(sp->zone));
        put_verdict(out, sp);
        for (size_t si = 0; si < t->n; si++) {
            const struct trend_session *s = m->by_time[si];
            session_date(date, sizeof date, s);
            fprintf(out, "    S%-2zu %-16s ", si + 1, date);
            rm_fmt_fixed(a, sizeof a, sp->tender[si], 2, "-");
            fprintf(out, "%4s", a);
            if (sp->peak_of[si] < 0) {
                fputs(isfinite(sp->tender[si]) ? "  rolled, no peak\n"
                                               : "  not rolled there\n",
                      out);
                continue;
            }
            const rm_peak *p = &s->peaks[sp->peak_of[si]];
            rm_fmt_fixed(a, sizeof a, p->pressure_kpa, 0, "-");
            fprintf(out, "  peak %5s kPa on %u passes\n", a,
                    (unsigned)p->passes);
        }
    }
    return rm_report_stream_status(out);
}

static json_object *jnum(double v, int decimals)
{
    char buf[64];
    if (!isfinite(v))
        return NULL;
    rm_fmt_fixed(buf, sizeof buf, v, decimals, "");
    return json_object_new_double_s(v, buf);
}

static json_object *jstr(const char *s)
{
    char clean[4096];
    rm_utf8_clean(s, sizeof clean / 3, clean, sizeof clean);
    return json_object_new_string(clean);
}

static json_object *fit_json(const struct trend_fit *f)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "sessions", json_object_new_int64((int64_t)f->n));
    json_object_object_add(o, "span_days", jnum(f->span_d, 3));
    json_object_object_add(o, "mean", jnum(f->mean, 4));
    json_object_object_add(o, "slope_per_day", jnum(f->slope, 5));
    json_object_object_add(o, "slope_se", jnum(f->slope_se, 5));
    json_object_object_add(o, "change", jnum(f->change, 4));
    json_object_object_add(o, "change_se", jnum(f->change_se, 4));
    json_object_object_add(o, "first", jnum(f->first_fit, 4));
    json_object_object_add(o, "last", jnum(f->last_fit, 4));
    return o;
}

static rm_status write_json(const rm_trend *t, const struct matched *m,
                            FILE *out)
{
    char gen[64], utc[32];
    json_object *root = json_object_new_object();
    if (!root)
        return RM_ERR_NOMEM;
    snprintf(gen, sizeof gen, "rollmap %s", rm_version_string());
    int frames = rm_trend_measured_frames(t) > 0;
    json_object_object_add(root, "version",
                           json_object_new_string(
                               frames ? TREND_SCHEMA_VERSION_FRAME
                                      : TREND_SCHEMA_VERSION));
    json_object_object_add(root, "generator", json_object_new_string(gen));
    json_object_object_add(root, "person",
                           m->person[0] ? jstr(m->person) : NULL);
    json_object_object_add(root, "match_cm", jnum(RM_TREND_MATCH_CM, 2));
    json_object_object_add(root, "min_sessions",
                           json_object_new_int(TREND_MIN_SESSIONS));
    json_object_object_add(root, "min_change", jnum(TREND_MIN_CHANGE, 3));
    json_object_object_add(root, "decide", jnum(TREND_DECIDE, 2));
    json_object *sessions = json_object_new_array();
    for (size_t si = 0; si < t->n; si++) {
        const struct trend_session *s = m->by_time[si];
        json_object *o = json_object_new_object();
        rm_fmt_utc(utc, sizeof utc, s->start_unix_us);
        json_object_object_add(o, "label", jstr(s->label));
        json_object_object_add(o, "start_utc",
                               utc[0] ? json_object_new_string(utc) : NULL);
        json_object_object_add(o, "day", jnum(m->day[si], 3));
        json_object_object_add(o, "person",
                               s->person[0] ? jstr(s->person) : NULL);
        json_object_object_add(o, "leg",
                               json_object_new_string(rm_leg_name(s->leg)));
        json_object_object_add(o, "duration_s", jnum(s->duration_s, 3));
        json_object_object_add(o, "calf_found",
                               json_object_new_boolean(s->calf_found != 0));
        if (frames)
            json_object_object_add(
                o, "calf_frame",
                !s->calf_found ? NULL
                : json_object_new_string(s->measured_frame ? "measured_length"
                                                           : "turns"));
        json_object_object_add(o, "holds",
                               json_object_new_int64((int64_t)s->n_holds));
        json_object_object_add(o, "hold_total_s", jnum(s->hold_total_s, 3));
        json_object_object_add(o, "peaks",
                               json_object_new_int64((int64_t)s->n_peaks));
        json_object_array_add(sessions, o);
    }
    json_object_object_add(root, "sessions", sessions);
    json_object *spots = json_object_new_array();
    for (size_t k = 0; k < m->n_spots; k++) {
        const struct spot *sp = &m->spots[k];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "leg",
                               json_object_new_string(rm_leg_name(sp->leg)));
        json_object_object_add(o, "line",
                               json_object_new_string(rm_line_name(sp->line)));
        json_object_object_add(o, "position_cm", jnum(sp->position_cm, 2));
        json_object_object_add(o, "zone",
                               json_object_new_string(rm_zone_name(sp->zone)));
        json_object_object_add(o, "trend",
                               json_object_new_string(sp->fit.verdict));
        json_object_object_add(o, "confidence", jnum(sp->fit.confidence, 3));
        json_object_object_add(o, "fit", fit_json(&sp->fit));
        json_object *ten = json_object_new_array();
        json_object *per = json_object_new_array();
        for (size_t si = 0; si < t->n; si++) {
            json_object_array_add(ten, jnum(sp->tender[si], 4));
            if (sp->peak_of[si] < 0) {
                json_object_array_add(per, NULL);
                continue;
            }
            const rm_peak *p = &m->by_time[si]->peaks[sp->peak_of[si]];
            json_object *e = json_object_new_object();
            json_object_object_add(e, "position_cm", jnum(p->position_cm, 2));
            json_object_object_add(e, "pressure_kpa",
                                   jnum(p->pressure_kpa, 2));
            json_object_object_add(e, "score", jnum(p->score, 3));
            json_object_object_add(e, "passes",
                                   json_object_new_int64(p->passes));
            json_object_array_add(per, e);
        }
        json_object_object_add(o, "tenderness", ten);
        json_object_object_add(o, "sessions", per);
        json_object_array_add(spots, o);
    }
    json_object_object_add(root, "spots", spots);
    const char *text = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                  JSON_C_TO_STRING_NOSLASHESCAPE);
    rm_status st = RM_ERR_NOMEM;
    if (text) {
        fputs(text, out);
        fputc('\n', out);
        st = rm_report_stream_status(out);
    }
    json_object_put(root);
    return st;
}

rm_status rm_trend_write(const rm_trend *t, rm_report_format fmt, FILE *out)
{
    if (!t || !out || (fmt != RM_REPORT_TEXT && fmt != RM_REPORT_JSON &&
                       fmt != RM_REPORT_SVG && fmt != RM_REPORT_HTML))
        return RM_ERR_ARG;
    struct matched m;
    rm_status st = rm_trend_match(t, &m);
    if (st == RM_OK) {
        switch (fmt) {
        case RM_REPORT_JSON: st = write_json(t, &m, out); break;
        case RM_REPORT_SVG: st = rm_trend_svg(t, &m, 1, out); break;
        case RM_REPORT_HTML: st = rm_trend_html(t, &m, out); break;
        default: st = write_text(t, &m, out); break;
        }
    }
    rm_trend_matched_free(&m);
    return st;
}
