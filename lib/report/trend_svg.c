/*
 * The trend as pictures: per spot, its tenderness (peak score) in each
 * session over the dates with the fitted line; per session, a small calf
 * map (the report's tenderness colours, fixed scale) with the spots
 * numbered on it. `trend -f svg` stacks them in one picture; `-f html`
 * puts them in a page with the sessions table, a wide and a compact
 * chart per spot (the report's CSS shows one by width) and the maps in a
 * grid. Every string is escaped; every id is unique in the page.
 */
#include <math.h>
#include <string.h>

#include "trend_internal.h"

/* A spot's chart, in SVG user units: the picture and the plot inside. */
struct chart_geo {
    double w, h;
    double x0, x1, y0, y1;    /* plot: day 0 at x0, score 1 at y0 */
};
static const struct chart_geo CHART_WIDE = { 800, 190, 70, 750, 34, 150 };
static const struct chart_geo CHART_COMPACT = { 360, 200, 46, 326, 34, 156 };

/* A session's small map. 11-unit text at 300 units stays 11 px on a
 * phone (shown at most 300 px wide) and on paper. */
#define MAP_W 300.0
#define MAP_H 112.0
#define MAP_X0 12.0
#define MAP_X1 288.0
#define MAP_Y0 22.0
#define MAP_BAND 20.0


/* The last day with a date (at least 1, so a single day still spans). */
static double day_span(const rm_trend *t, const struct matched *m)
{
    double d = 1.0;
    for (size_t si = 0; si < t->n; si++)
        if (isfinite(m->day[si]) && m->day[si] > d)
            d = m->day[si];
    return d;
}

/* "Spot 2: left leg, inner (medial) line, 21.4 cm, soleus". */
static void spot_title(char *buf, size_t cap, size_t k, const struct spot *sp)
{
    char pos[32];
    rm_fmt_fixed(pos, sizeof pos, sp->position_cm, 1, "-");
    snprintf(buf, cap, "Spot %zu: %s leg, %s line, %s cm, %s", k + 1,
             rm_words_leg(sp->leg), rm_words_line(sp->line), pos,
             rm_words_zone(sp->zone));
}

/* "fading (confidence 94 %): -0.80 over 6.0 days (+-0.20)". */
static void spot_verdict(char *buf, size_t cap, const struct spot *sp)
{
    const struct trend_fit *f = &sp->fit;
    if (!isfinite(f->slope)) {
        snprintf(buf, cap, "%s: a tenderness in %zu session%s, %d needed",
                 rm_trend_verdict_words(f->verdict), f->n,
                 f->n == 1 ? "" : "s", TREND_MIN_SESSIONS);
        return;
    }
    snprintf(buf, cap, "%s (confidence %.0f %%): %+.2f over %.1f days "
             "(\xc2\xb1%.2f)", rm_trend_verdict_words(f->verdict),
             100.0 * f->confidence, f->change, f->span_d, f->change_se);
}

/*
 * One spot's chart inside the current SVG: axes, the score of every
 * session at its date (filled: a peak there; hollow: rolled there, no
 * peak, so 0), and the fitted line clipped to the plot. @p id makes the
 * clip path's id unique.
 */
static void chart(FILE *f, const struct chart_geo *g, const rm_trend *t,
                  const struct matched *m, const struct spot *sp,
                  const char *id)
{
    double span = day_span(t, m);
    double pw = g->x1 - g->x0, ph = g->y1 - g->y0;
#define CX(d) (g->x0 + (d) / span * pw)
#define CY(v) (g->y1 - (v) * ph)
    fprintf(f, "<defs><clipPath id=\"%s-clip\"><rect", id);
    rm_svg_attr(f, "x", g->x0);
    rm_svg_attr(f, "y", g->y0 - 4);
    rm_svg_attr(f, "width", pw);
    rm_svg_attr(f, "height", ph + 8);
    fputs("/></clipPath></defs>\n", f);
    /* Score grid: 0, 0.5, 1. */
    for (int i = 0; i <= 2; i++) {
        double v = i / 2.0, y = CY(v);
        char lab[16];
        fprintf(f, "<line class=\"grid\"");
        rm_svg_attr(f, "x1", g->x0);
        rm_svg_attr(f, "x2", g->x1);
        rm_svg_attr(f, "y1", y);
        rm_svg_attr(f, "y2", y);
        fputs("/>\n", f);
        rm_fmt_fixed(lab, sizeof lab, v, 1, "");
        rm_svg_text(f, g->x0 - 6, y + 4, "end", "ctick", lab);
    }
    /* Days: at most about 6 labels. */
    int step = (int)ceil(span / (g->w > 500 ? 8.0 : 4.0));
    if (step < 1)
        step = 1;
    for (int d = 0; d <= (int)floor(span + 1e-9); d += step) {
        char lab[24];
        snprintf(lab, sizeof lab, "day %d", d);
        rm_svg_text(f, CX(d), g->y1 + 18, "middle", "ctick", lab);
    }
    rm_svg_text(f, g->x0 - 6, g->y0 - 6, "end", "ctick", "score");
    /* The fitted line. */
    const struct trend_fit *fit = &sp->fit;
    if (isfinite(fit->slope)) {
        double d0 = NAN, d1 = NAN;
        for (size_t si = 0; si < t->n; si++)
            if (isfinite(m->day[si]) && isfinite(sp->tender[si])) {
                if (!isfinite(d0))
                    d0 = m->day[si];
                d1 = m->day[si];
            }
        fprintf(f, "<line class=\"fit\" clip-path=\"url(#%s-clip)\"", id);
        rm_svg_attr(f, "x1", CX(d0));
        rm_svg_attr(f, "y1", CY(fit->first_fit));
        rm_svg_attr(f, "x2", CX(d1));
        rm_svg_attr(f, "y2", CY(fit->last_fit));
        fputs("/>\n", f);
    }
    for (size_t si = 0; si < t->n; si++) {
        double v = sp->tender[si];
        if (!isfinite(v) || !isfinite(m->day[si]))
            continue;
        fprintf(f, "<circle class=\"%s\" r=\"4.5\"",
                sp->peak_of[si] >= 0 ? "seen" : "gone");
        rm_svg_attr(f, "cx", CX(m->day[si]));
        rm_svg_attr(f, "cy", CY(v < 0 ? 0 : v > 1 ? 1 : v));
        fputs("/>\n", f);
    }
#undef CX
#undef CY
}

/* Session si's small map inside the current SVG, at (0, 0). */
static void mini_map(FILE *f, const rm_trend *t, const struct matched *m,
                     size_t si)
{
    const struct trend_session *s = m->by_time[si];
    char lab[96], date[32];
    rm_trend_date(date, sizeof date, s->start_unix_us);
    snprintf(lab, sizeof lab, "S%zu  %s  %s leg", si + 1, date,
             rm_words_leg(s->leg));
    rm_svg_text(f, MAP_X0, 14, "start", "map-title", lab);
    static const rm_line lines[3] = { RM_LINE_MEDIAL, RM_LINE_MIDDLE,
                                      RM_LINE_LATERAL };
    int have = s->map && s->map_bins && s->calf_found &&
               isfinite(s->calf_length_cm) && s->calf_length_cm > 1.0;
    rm_summary view;
    memset(&view, 0, sizeof view);
    view.map_kpa = s->map;
    view.map_bins = s->map_bins;
    view.calf_found = 1;
    view.calf_length_cm = s->calf_length_cm;
    double bw = have ? (MAP_X1 - MAP_X0) / (double)s->map_bins : 0.0;
    for (int l = 0; l < 3; l++) {
        double y = MAP_Y0 + l * MAP_BAND;
        fputs("<rect class=\"band\"", f);
        rm_svg_attr(f, "x", MAP_X0);
        rm_svg_attr(f, "y", y);
        rm_svg_attr(f, "width", MAP_X1 - MAP_X0);
        rm_svg_attr(f, "height", MAP_BAND);
        fputs("/>\n", f);
        for (size_t i = 0; have && i < s->map_bins; i++) {
            double v = rm_report_tenderness(&view, lines[l], i);
            if (!isfinite(v))
                continue;
            char fill[16];
            rm_report_tender_colour(fill, sizeof fill, v);
            fprintf(f, "<rect fill=\"%s\"", fill);
            rm_svg_attr(f, "x", MAP_X0 + (double)i * bw);
            rm_svg_attr(f, "y", y);
            rm_svg_attr(f, "width", bw + 0.3);
            rm_svg_attr(f, "height", MAP_BAND);
            fputs("/>\n", f);
        }
    }
    if (!have)
        rm_svg_text(f, (MAP_X0 + MAP_X1) / 2, MAP_Y0 + 1.5 * MAP_BAND + 4,
                "middle", "tick", "no map: calf ends not found");
    rm_svg_text(f, MAP_X0, MAP_Y0 + 3 * MAP_BAND + 14, "start", "tick",
            "ankle");
    rm_svg_text(f, MAP_X1, MAP_Y0 + 3 * MAP_BAND + 14, "end", "tick", "knee");
    rm_svg_text(f, (MAP_X0 + MAP_X1) / 2, MAP_Y0 + 3 * MAP_BAND + 14, "middle",
            "tick", "inner / middle / outer line");
    /* The spots of this leg: filled where this session found the peak. */
    for (size_t k = 0; have && k < m->n_spots; k++) {
        const struct spot *sp = &m->spots[k];
        if (sp->leg != s->leg || sp->line < RM_LINE_MEDIAL ||
            sp->line > RM_LINE_LATERAL || !isfinite(sp->position_cm))
            continue;
        double fr = sp->position_cm / s->calf_length_cm;
        if (!(fr >= 0.0 && fr <= 1.0))
            continue;
        double x = MAP_X0 + fr * (MAP_X1 - MAP_X0);
        double y = MAP_Y0 + ((int)sp->line - 1 + 0.5) * MAP_BAND;
        fprintf(f, "<circle class=\"%s\" r=\"7\"",
                sp->peak_of[si] >= 0 ? "mark-seen" : "mark-gone");
        rm_svg_attr(f, "cx", x);
        rm_svg_attr(f, "cy", y);
        fputs("/>\n", f);
        snprintf(lab, sizeof lab, "%zu", k + 1);
        rm_svg_text(f, x, y + 4, "middle",
                sp->peak_of[si] >= 0 ? "mark-num-seen" : "mark-num", lab);
    }
    (void)t;
}

/* Styles of the pictures, scoped to an element id (or the page). */
static void style(FILE *f, const char *scope)
{
    fprintf(f, "%s text{font-family:sans-serif;fill:#222}"
               "%s .tick{font-size:12px;fill:#444}"
               "%s .ctick{font-size:13px;fill:#444}"
               "%s .heading{font-size:14px;font-weight:bold}"
               "%s .verdict{font-size:13px}"
               "%s .map-title{font-size:12px;font-weight:bold}"
               "%s .grid{stroke:#ddd;stroke-width:1}"
               "%s .fit{stroke:#c0392b;stroke-width:2;stroke-dasharray:6 4}"
               "%s .seen{fill:#1b4f9c;stroke:#1b4f9c}"
               "%s .gone{fill:#fff;stroke:#1b4f9c;stroke-width:2}"
               "%s .band{fill:#f2f2f2;stroke:#bbb;stroke-width:.5}"
               "%s .mark-seen{fill:#111;stroke:#fff;stroke-width:1.5}"
               "%s .mark-gone{fill:#fff;stroke:#111;stroke-width:1.5}"
               "%s .mark-num-seen{font-size:11px;fill:#fff;font-weight:bold}"
               "%s .mark-num{font-size:11px;fill:#111;font-weight:bold}\n",
            scope, scope, scope, scope, scope, scope, scope, scope, scope,
            scope, scope, scope, scope, scope, scope);
}

rm_status rm_trend_svg(const rm_trend *t, const struct matched *m,
                       int standalone, FILE *out)
{
    const struct chart_geo *g = &CHART_WIDE;
    double chart_h = g->h + 40.0;
    size_t per_row = (size_t)(g->w / MAP_W);
    size_t map_rows = (t->n + per_row - 1) / per_row;
    double h = 50.0 + (double)m->n_spots * chart_h + 30.0 +
               (double)map_rows * (MAP_H + 8.0) + 10.0;
    if (m->n_spots == 0)
        h += 30.0;
    char buf[512], id[32];
    if (standalone)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"trend\" "
                 "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
                 "role=\"img\" aria-label=\"tenderness of each spot over "
                 "the sessions, and a calf map per session\">\n<style>",
            g->w, h, g->w, h);
    style(out, "#trend");
    fputs("</style>\n", out);
    snprintf(buf, sizeof buf, "rollmap trend%s%s: %zu session%s, "
             "tenderness (peak score) per spot", m->person[0] ? " of " : "",
             m->person, t->n, t->n == 1 ? "" : "s");
    rm_svg_text(out, 10, 24, "start", "heading", buf);
    double y = 50.0;
    if (m->n_spots == 0) {
        rm_svg_text(out, 10, y + 14, "start", "verdict",
                "No pressure peaks in any session.");
        y += 30.0;
    }
    for (size_t k = 0; k < m->n_spots; k++) {
        const struct spot *sp = &m->spots[k];
        fprintf(out, "<g transform=\"translate(0 %.0f)\">\n", y);
        spot_title(buf, sizeof buf, k, sp);
        rm_svg_text(out, 10, 14, "start", "heading", buf);
        spot_verdict(buf, sizeof buf, sp);
        rm_svg_text(out, 10, 32, "start", "verdict", buf);
        fputs("<g transform=\"translate(0 24)\">\n", out);
        snprintf(id, sizeof id, "trend-spot-%zu", k + 1);
        chart(out, g, t, m, sp, id);
        fputs("</g></g>\n", out);
        y += chart_h;
    }
    rm_svg_text(out, 10, y + 16, "start", "heading",
            "Calf maps: tenderness colour (0 to +30 %), spots numbered; "
            "filled where the session found the peak");
    y += 30.0;
    for (size_t si = 0; si < t->n; si++) {
        double x = (double)(si % per_row) * MAP_W;
        double yy = y + (double)(si / per_row) * (MAP_H + 8.0);
        fprintf(out, "<g transform=\"translate(%.0f %.0f)\">\n", x, yy);
        mini_map(out, t, m, si);
        fputs("</g>\n", out);
    }
    fputs("</svg>\n", out);
    return rm_report_stream_status(out);
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */
/* ------------------------------------------------------------------ */

static void td(FILE *f, const char *label, const char *cls, const char *v)
{
    fprintf(f, "<td data-label=\"%s\"%s%s%s>", label, cls ? " class=\"" : "",
            cls ? cls : "", cls ? "\"" : "");
    rm_xml_put(f, v, 1024);
    fputs("</td>", f);
}

static void sessions_table(FILE *f, const rm_trend *t,
                           const struct matched *m)
{
    char a[64], b[64], when[64];
    fputs("<section id=\"sessions\"><h2>Sessions, oldest first</h2>\n"
          "<table class=\"data\"><thead><tr><th>#</th><th>Started</th>"
          "<th>Leg</th><th>Length</th><th>Holds</th><th>Peaks</th>"
          "<th>File</th></tr></thead><tbody>\n", f);
    for (size_t si = 0; si < t->n; si++) {
        const struct trend_session *s = m->by_time[si];
        fputs("<tr>", f);
        snprintf(a, sizeof a, "S%zu", si + 1);
        td(f, "Session", "id", a);
        rm_report_fmt_local(when, sizeof when, s->start_unix_us);
        td(f, "Started", NULL, when[0] ? when : "unknown");
        td(f, "Leg", NULL, rm_words_leg(s->leg));
        rm_fmt_clock(a, sizeof a, s->duration_s);
        td(f, "Length", "num", a);
        snprintf(b, sizeof b, "%zu", s->n_holds);
        td(f, "Holds", "num", b);
        snprintf(b, sizeof b, "%zu", s->n_peaks);
        td(f, "Peaks", "num", b);
        td(f, "File", NULL, s->label);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></section>\n", f);
}

/* One spot's chart as an inline SVG of the given layout. */
static void chart_svg(FILE *f, const struct chart_geo *g, const rm_trend *t,
                      const struct matched *m, size_t k, const char *kind)
{
    char id[48], title[256];
    snprintf(id, sizeof id, "spot-%zu-%s", k + 1, kind);
    spot_title(title, sizeof title, k, &m->spots[k]);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" "
               "id=\"%s\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
               "aria-label=\"", kind, id, g->w, g->h + 10);
    rm_xml_put(f, title, sizeof title);
    fputs(": tenderness per session and the fitted line\">\n", f);
    chart(f, g, t, m, &m->spots[k], id);
    fputs("</svg>\n", f);
}

rm_status rm_trend_html(const rm_trend *t, const struct matched *m,
                        FILE *out)
{
    char title[160], buf[512];
    snprintf(title, sizeof title, "rollmap trend%s%s: %zu session%s",
             m->person[0] ? " of " : "", m->person, t->n,
             t->n == 1 ? "" : "s");
    rm_report_html_head(out, title);
    fputs(".maps{display:flex;flex-wrap:wrap;gap:.8em}\n"
          ".maps figure{margin:0;width:300px;max-width:100%}\n"
          "h3{font-size:1.05em;margin:1.2em 0 .2em}\n"
          "p.verdict{margin:.2em 0}\n", out);
    style(out, "svg");
    fputs("</style>\n</head>\n<body>\n<h1>", out);
    rm_xml_put(out, title, sizeof title);
    fputs("</h1>\n", out);
    fprintf(out, "<p>Each spot is a pressure peak found again in several "
                 "sessions: same leg and line, within %.1f cm. Its "
                 "tenderness in a session is the peak's score (0 to 1), "
                 "or 0 when that session rolled there and found no peak. "
                 "A straight line through every session decides: a change "
                 "of less than %.2f over the dates is steady, a larger "
                 "fall fading, a larger rise growing, each when it is at "
                 "least %.0f %% likely; otherwise uncertain. At least %d "
                 "sessions are needed.</p>\n",
            RM_TREND_MATCH_CM, TREND_MIN_CHANGE, 100.0 * TREND_DECIDE,
            TREND_MIN_SESSIONS);
    sessions_table(out, t, m);
    if (rm_trend_frame_note(t, m, buf, sizeof buf)) {
        fputs("<p class=\"note\" id=\"frame-note\">", out);
        rm_xml_put(out, buf, sizeof buf);
        fputs("</p>\n", out);
    }
    fputs("<section id=\"spots\"><h2>Spots</h2>\n", out);
    if (m->n_spots == 0)
        fputs("<p>No pressure peaks in any session.</p>\n", out);
    for (size_t k = 0; k < m->n_spots; k++) {
        const struct spot *sp = &m->spots[k];
        spot_title(buf, sizeof buf, k, sp);
        fputs("<h3>", out);
        rm_xml_put(out, buf, sizeof buf);
        fputs("</h3>\n<p class=\"verdict\">", out);
        spot_verdict(buf, sizeof buf, sp);
        rm_xml_put(out, buf, sizeof buf);
        fputs("</p>\n<figure>\n", out);
        chart_svg(out, &CHART_WIDE, t, m, k, "wide");
        chart_svg(out, &CHART_COMPACT, t, m, k, "compact");
        fputs("<figcaption>Filled: the session found the peak; hollow: "
              "it rolled there and found none (0). Dashed: the fitted "
              "line.</figcaption>\n</figure>\n", out);
    }
    fputs("</section>\n<section id=\"maps\"><h2>Calf maps, one per "
          "session</h2>\n<p>Tenderness as in the report (fixed scale, 0 to "
          "+30 %), ankle on the left, the inner line on top; the spots "
          "numbered as above, filled where the session found the "
          "peak.</p>\n<div class=\"maps\">\n", out);
    for (size_t si = 0; si < t->n; si++) {
        fprintf(out, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" "
                     "id=\"map-s%zu\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                     "aria-label=\"calf map of session %zu\">\n", si + 1,
                MAP_W, MAP_H, si + 1);
        mini_map(out, t, m, si);
        fputs("</svg></figure>\n", out);
    }
    fprintf(out, "</div></section>\n<footer><p>Generated by rollmap %s. "
                 "Times are local (UTC offset shown). A trend informs; it "
                 "is not a diagnosis.</p></footer>\n</body>\n</html>\n",
            rm_version_string());
    return rm_report_stream_status(out);
}
