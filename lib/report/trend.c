/*
 * Trend across sessions: each session's summary is reduced to what the
 * trend needs (time, holds, peaks); at write time the sessions are put
 * oldest first and peaks are matched into spots (same leg, same line,
 * within RM_TREND_MATCH_CM along the calf) to show whether a knot is
 * fading.
 * Data flow: session files -> engine -> rm_trend_add() -> rm_trend_write().
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "report_internal.h"

/* A spot whose pressure changed by less than this fraction between its
 * first and latest session reads "steady"; more is fading or growing. */
#define TREND_STEADY_FRACTION 0.15

struct trend_session {
    char *label;
    size_t order;              /* order added: tie-break for equal times */
    int64_t start_unix_us;
    rm_leg leg;
    double duration_s;
    size_t n_holds;
    double hold_total_s;
    int calf_found;
    rm_peak *peaks;
    size_t n_peaks;
};

struct rm_trend {
    struct trend_session *sessions;
    size_t n, cap;
};

/* One matched spot, built at write time. */
struct spot {
    rm_leg leg;                /* a left-calf knot is not a right-calf one */
    rm_line line;
    double position_cm;        /* mean of the matched peaks' positions */
    rm_zone zone;              /* from the strongest matched peak */
    double best_score;
    size_t n_seen;
    long *peak_of;             /* per sorted session: peak index or -1 */
};

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
    if (!ts.label || (np && !ts.peaks)) {
        rm_free(ts.label);
        rm_free(ts.peaks);
        return RM_ERR_NOMEM;
    }
    memcpy(ts.label, name, strlen(name) + 1);
    if (np)
        memcpy(ts.peaks, s->peaks, np * sizeof *ts.peaks);
    ts.n_peaks = np;
    ts.order = t->n;
    ts.start_unix_us = meta ? meta->start_unix_us : 0;
    ts.leg = s->leg;
    ts.duration_s = s->duration_s;
    ts.calf_found = s->calf_found;
    for (size_t i = 0; s->holds && i < s->n_holds; i++) {
        ts.n_holds++;
        if (isfinite(s->holds[i].duration_s))
            ts.hold_total_s += s->holds[i].duration_s;
    }
    t->sessions[t->n++] = ts;
    return RM_OK;
}

rm_status rm_trend_add_file(rm_trend *t, const char *session_path,
                            const rm_engine_config *cfg, rm_error *err)
{
    if (!t || !session_path)
        return rm_error_set(err, RM_ERR_ARG, "trend: invalid argument");
    rm_session *sess = NULL;
    rm_engine *eng = NULL;
    rm_status st = rm_report_analyse(session_path, cfg, NULL, &sess, &eng,
                                     err);
    if (st != RM_OK)
        return st;
    /* Duration: the session's one definition, as in rm_report_file(). */
    rm_summary sum = *rm_engine_summary(eng);
    sum.duration_s = rm_session_duration_s(sess);
    sum.dropped_frames = rm_session_dropped(sess);
    st = rm_trend_add(t, session_path, rm_session_get_meta(sess), &sum);
    rm_engine_free(eng);
    rm_session_close(sess);
    if (st != RM_OK)
        return rm_error_set(err, st, "%s: %s", session_path,
                            rm_strerror(st));
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

struct matched {
    const struct trend_session **by_time;
    struct spot *spots;
    size_t n_spots;
};

static void matched_free(struct matched *m)
{
    for (size_t i = 0; i < m->n_spots; i++)
        rm_free(m->spots[i].peak_of);
    rm_free(m->spots);
    rm_free(m->by_time);
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
static rm_status match(const rm_trend *t, struct matched *m)
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

size_t rm_trend_spot_count(const rm_trend *t)
{
    struct matched m;
    if (!t || match(t, &m) != RM_OK) {
        if (t)
            matched_free(&m);
        return 0;
    }
    size_t n = m.n_spots;
    matched_free(&m);
    return n;
}

/*
 * Verdict for a spot over the sorted sessions: "single session" with
 * one session; "new" when first seen in the latest; "not found last
 * time" when absent from the latest; otherwise the change in pressure
 * from the first to the latest sighting decides fading / steady /
 * growing (threshold TREND_STEADY_FRACTION). *change gets the fraction.
 */
static const char *verdict(const struct spot *sp, const struct matched *m,
                           size_t n_sessions, double *change)
{
    *change = NAN;
    if (n_sessions < 2)
        return "single_session";
    long first = -1;
    size_t first_si = 0;
    for (size_t si = 0; si < n_sessions; si++)
        if (sp->peak_of[si] >= 0) {
            first = sp->peak_of[si];
            first_si = si;
            break;
        }
    long last = sp->peak_of[n_sessions - 1];
    if (last < 0)
        return "not_found_last";
    if (first_si == n_sessions - 1)
        return "new";
    double a = m->by_time[first_si]->peaks[first].pressure_kpa;
    double b = m->by_time[n_sessions - 1]->peaks[last].pressure_kpa;
    if (!isfinite(a) || !isfinite(b) || a <= 0.0)
        return "unknown";
    *change = (b - a) / a;
    if (*change <= -TREND_STEADY_FRACTION)
        return "fading";
    if (*change >= TREND_STEADY_FRACTION)
        return "growing";
    return "steady";
}

static const char *verdict_text(const char *v)
{
    if (!strcmp(v, "single_session")) return "one session only";
    if (!strcmp(v, "not_found_last")) return "not found in the latest session";
    if (!strcmp(v, "new")) return "new in the latest session";
    return v;
}

/* ------------------------------------------------------------------ */
/* Writers                                                             */
/* ------------------------------------------------------------------ */

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

static rm_status write_text(const rm_trend *t, const struct matched *m,
                            FILE *out)
{
    char a[64], b[64], date[32];
    fprintf(out, "rollmap trend: %zu session%s, %zu spot%s (same leg and "
                 "line, within %.1f cm)\n",
            t->n, t->n == 1 ? "" : "s", m->n_spots,
            m->n_spots == 1 ? "" : "s", RM_TREND_MATCH_CM);
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
    fputs("\nSpots\n", out);
    if (m->n_spots == 0)
        fputs("  No pressure peaks in any session.\n", out);
    for (size_t k = 0; k < m->n_spots; k++) {
        const struct spot *sp = &m->spots[k];
        double change;
        const char *v = verdict(sp, m, t->n, &change);
        rm_fmt_fixed(a, sizeof a, sp->position_cm, 1, "-");
        fprintf(out, "  Spot %zu: %s leg, %s line, %s cm from the ankle, %s\n"
                     "    trend: %s",
                k + 1, rm_leg_name(sp->leg), rm_line_name(sp->line), a,
                rm_zone_label(sp->zone), verdict_text(v));
        if (isfinite(change))
            fprintf(out, " (%+.0f%% kPa)", change * 100.0);
        fputc('\n', out);
        for (size_t si = 0; si < t->n; si++) {
            const struct trend_session *s = m->by_time[si];
            session_date(date, sizeof date, s);
            fprintf(out, "    S%-2zu %-16s ", si + 1, date);
            if (sp->peak_of[si] < 0) {
                fputs("  not found\n", out);
                continue;
            }
            const rm_peak *p = &s->peaks[sp->peak_of[si]];
            rm_fmt_fixed(a, sizeof a, p->pressure_kpa, 0, "-");
            rm_fmt_fixed(b, sizeof b, p->score, 2, "-");
            fprintf(out, "%5s kPa  score %4s  on %u passes\n", a, b,
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

static rm_status write_json(const rm_trend *t, const struct matched *m,
                            FILE *out)
{
    char gen[64], utc[32];
    json_object *root = json_object_new_object();
    if (!root)
        return RM_ERR_NOMEM;
    snprintf(gen, sizeof gen, "rollmap %s", rm_version_string());
    json_object_object_add(root, "version",
                           json_object_new_string(RM_REPORT_SCHEMA_VERSION));
    json_object_object_add(root, "generator", json_object_new_string(gen));
    json_object_object_add(root, "match_cm", jnum(RM_TREND_MATCH_CM, 2));
    json_object *sessions = json_object_new_array();
    for (size_t si = 0; si < t->n; si++) {
        const struct trend_session *s = m->by_time[si];
        json_object *o = json_object_new_object();
        rm_fmt_utc(utc, sizeof utc, s->start_unix_us);
        json_object_object_add(o, "label", jstr(s->label));
        json_object_object_add(o, "start_utc",
                               utc[0] ? json_object_new_string(utc) : NULL);
        json_object_object_add(o, "leg",
                               json_object_new_string(rm_leg_name(s->leg)));
        json_object_object_add(o, "duration_s", jnum(s->duration_s, 3));
        json_object_object_add(o, "calf_found",
                               json_object_new_boolean(s->calf_found != 0));
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
        double change;
        const char *v = verdict(sp, m, t->n, &change);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "leg",
                               json_object_new_string(rm_leg_name(sp->leg)));
        json_object_object_add(o, "line",
                               json_object_new_string(rm_line_name(sp->line)));
        json_object_object_add(o, "position_cm", jnum(sp->position_cm, 2));
        json_object_object_add(o, "zone",
                               json_object_new_string(rm_zone_name(sp->zone)));
        json_object_object_add(o, "trend", json_object_new_string(v));
        json_object_object_add(o, "pressure_change_frac", jnum(change, 3));
        json_object *per = json_object_new_array();
        for (size_t si = 0; si < t->n; si++) {
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
    if (!t || !out || (fmt != RM_REPORT_TEXT && fmt != RM_REPORT_JSON))
        return RM_ERR_ARG;
    struct matched m;
    rm_status st = match(t, &m);
    if (st == RM_OK)
        st = fmt == RM_REPORT_JSON ? write_json(t, &m, out)
                                   : write_text(t, &m, out);
    matched_free(&m);
    return st;
}
