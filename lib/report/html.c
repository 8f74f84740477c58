/*
 * HTML report: one self-contained page (inline CSS and SVG, no scripts,
 * no external fetches; a Content-Security-Policy forbids them) with the
 * calf map, the tables and the guidance, laid out for a desktop, a phone
 * (390 px: the compact map, tables as stacked cards, no text under
 * 11 px) and print (@media print). Times are local with the zone offset;
 * enums are shown in words; sections with nothing to show are left out.
 * Every string from metadata or the engine goes through rm_xml_put(), so
 * a note holding markup shows as text. Layout checks: tests/html/.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_internal.h"

static const char DASH[] = "\xe2\x80\x93";

/* A cell with its column name, which the phone layout shows beside the
 * value (td::before { content: attr(data-label) }). */
static void td_open(FILE *f, const char *label, const char *cls)
{
    fprintf(f, "<td data-label=\"%s\"%s%s%s>", label, cls ? " class=\"" : "",
            cls ? cls : "", cls ? "\"" : "");
}

static void td_num(FILE *f, const char *label, double v, int decimals,
                   const char *unit)
{
    char buf[48];
    rm_fmt_fixed(buf, sizeof buf, v, decimals, DASH);
    td_open(f, label, "num");
    fprintf(f, "%s%s%s</td>", buf, isfinite(v) && unit ? " " : "",
            isfinite(v) && unit ? unit : "");
}

static void td_pct(FILE *f, const char *label, double frac)
{
    td_open(f, label, "num");
    if (isfinite(frac))
        fprintf(f, "%.0f%%</td>", frac * 100.0);
    else
        fprintf(f, "%s</td>", DASH);
}

static void td_text(FILE *f, const char *label, const char *s, size_t max)
{
    td_open(f, label, NULL);
    rm_xml_put(f, s, max);
    fputs("</td>", f);
}

static void row_kv(FILE *f, const char *key, const char *value, size_t max)
{
    fprintf(f, "<tr><th scope=\"row\">%s</th><td>", key);
    rm_xml_put(f, value, max);
    fputs("</td></tr>\n", f);
}

/*
 * "2026-05-19 03:15 (UTC+02:00)": the start in the local time of the
 * machine writing the report (TZ), with its offset so the page stays
 * unambiguous when read elsewhere. "" when unknown.
 */
static void fmt_local(char *buf, size_t cap, int64_t unix_us)
{
    buf[0] = '\0';
    if (unix_us <= 0 || unix_us > INT64_C(253402300799000000))
        return;
    time_t t = (time_t)(unix_us / 1000000);
    struct tm tm;
    char when[32], off[8];
    if (!localtime_r(&t, &tm) ||
        !strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm) ||
        !strftime(off, sizeof off, "%z", &tm) || strlen(off) != 5)
        return;
    snprintf(buf, cap, "%s (UTC%c%c%c:%c%c)", when, off[0], off[1], off[2],
             off[3], off[4]);
}

void rm_report_fmt_local(char *buf, size_t cap, int64_t unix_us)
{
    fmt_local(buf, cap, unix_us);
}

static void session_table(FILE *f, const rm_summary *s,
                          const rm_session_meta *meta)
{
    char buf[256], a[48], b[48];
    fputs("<section id=\"session\"><h2>Session</h2>\n<table class=\"kv\">\n",
          f);
    fmt_local(buf, sizeof buf, meta ? meta->start_unix_us : 0);
    row_kv(f, "Started", buf[0] ? buf : "not recorded", sizeof buf);
    if (meta && meta->person[0])
        row_kv(f, "Person", meta->person, sizeof meta->person);
    row_kv(f, "Leg", rm_words_leg(s->leg), 32);
    rm_fmt_clock(a, sizeof a, s->duration_s);
    rm_fmt_clock(b, sizeof b, s->contact_s);
    snprintf(buf, sizeof buf, "%s (leg on the roller %s)", a, b);
    row_kv(f, "Duration", buf, sizeof buf);
    rm_fmt_fixed(a, sizeof a, s->rate_hz, 0, "?");
    snprintf(buf, sizeof buf, "%llu at %s Hz, %u cells; %llu dropped",
             (unsigned long long)s->frames, a, (unsigned)s->cells,
             (unsigned long long)s->dropped_frames);
    row_kv(f, "Frames", buf, sizeof buf);
    if (meta) {
        snprintf(buf, sizeof buf, "%s, serial %s", meta->desc.firmware,
                 meta->desc.serial);
        row_kv(f, "Board", buf, sizeof buf);
        if (meta->notes[0]) {
            fputs("<tr><th scope=\"row\">Notes</th><td class=\"notes\">", f);
            rm_xml_put(f, meta->notes, sizeof meta->notes);
            fputs("</td></tr>\n", f);
        }
    }
    if (s->calf_found && isfinite(s->calf_length_cm)) {
        rm_fmt_fixed(a, sizeof a, s->calf_length_cm, 1, "?");
        double m;
        char frame[160];
        snprintf(buf, sizeof buf, "%s cm, ankle to knee", a);
        if (rm_words_frame(s, meta, &m, frame, sizeof frame))
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "; %s",
                     frame);
        row_kv(f, "Calf", buf, sizeof buf);
    } else {
        row_kv(f, "Calf",
               "ends not found: positions along the calf are unknown", 128);
    }
    snprintf(buf, sizeof buf, "%zu hold%s, %zu pressure peak%s, %zu "
             "flinch%s", s->holds ? s->n_holds : 0,
             s->holds && s->n_holds == 1 ? "" : "s",
             s->peaks ? s->n_peaks : 0, s->peaks && s->n_peaks == 1 ? "" : "s",
             s->flinches ? s->n_flinches : 0,
             s->flinches && s->n_flinches == 1 ? "" : "es");
    row_kv(f, "Found", buf, sizeof buf);
    fputs("</table></section>\n", f);
}

static void guidance_list(FILE *f, const rm_summary *s)
{
    const rm_guidance *safety = rm_report_safety_entry(s);
    size_t shown = 0;
    fputs("<section id=\"guidance\"><h2>Guidance</h2>\n<ul>\n", f);
    for (size_t i = 0; s->guidance && i < s->n_guidance; i++) {
        const rm_guidance *g = &s->guidance[i];
        if (g == safety)
            continue;           /* set apart below */
        shown++;
        /* data-code: the rule, for tests/html's consistency checks. */
        fprintf(f, "<li class=\"%s\" data-code=\"",
                rm_guidance_level_name(g->level));
        rm_xml_put(f, g->code, sizeof g->code);
        fprintf(f, "\"><span class=\"level\">%s</span> ",
                rm_words_level(g->level));
        char said[sizeof g->text + 1];
        rm_guidance_text(g, said, sizeof said);
        rm_xml_put(f, said, sizeof said);
        fputs("</li>\n", f);
    }
    if (shown == 0)
        fputs("<li class=\"info\">No guidance for this session.</li>\n", f);
    fputs("</ul>\n<p class=\"safety\">", f);
    if (safety) {
        char said[sizeof safety->text + 1];
        rm_guidance_text(safety, said, sizeof said);
        rm_xml_put(f, said, sizeof said);
    } else
        fputs(RM_REPORT_SAFETY_TEXT, f);
    fputs("</p></section>\n", f);
}

/* A line in words, with "(uncertain)" when the engine was unsure of it. */
static void line_cell(FILE *f, rm_line line, double confidence)
{
    char buf[96];
    snprintf(buf, sizeof buf, "%s%s", rm_words_line(line),
             line != RM_LINE_UNKNOWN && confidence < RM_CONFIDENCE_LOW
                 ? " (uncertain)" : "");
    td_text(f, "Line", buf, sizeof buf);
}

static void holds_table(FILE *f, const rm_summary *s)
{
    size_t n = s->holds ? s->n_holds : 0;
    if (n == 0)
        return; /* the Found row says so */
    /* The band the guidance judged the holds by (the summary's). */
    char band[80], col[96];
    rm_report_hold_band_words(s, "\xe2\x80\x93", band, sizeof band);
    if (rm_report_has_hold_band(s))
        snprintf(col, sizeof col, "vs %s s advice", band);
    else
        snprintf(col, sizeof col, "vs advice");
    fprintf(f, "<section id=\"holds\"><h2>Holds (%zu)</h2>\n", n);
    if (rm_report_has_hold_band(s))
        fprintf(f, "<p>Common advice: %s s on a spot.</p>\n", band);
    fprintf(f, "<table class=\"data\"><thead><tr><th>#</th><th>Start</th>"
            "<th>Duration</th><th>%s</th><th>Position</th>"
            "<th>Ankle\xe2\x86\x92knee</th><th>Line</th><th>Mean force</th>"
            "<th>Peak force</th><th>Mean pressure</th><th>Peak pressure</th>"
            "<th>Technique</th></tr></thead><tbody>\n", col);
    for (size_t i = 0; i < n; i++) {
        const rm_hold *h = &s->holds[i];
        char t[32], tech[64];
        rm_fmt_clock(t, sizeof t, h->start_s);
        /* Uncertain findings (RM_CONFIDENCE_LOW) are said so where
         * they are stated: the hold's place (a hold found is a hold; its
         * place may lie more than 2 cm off) in a lighter position cell,
         * its line in the line cell. */
        int low = isfinite(h->position_cm) &&
                  h->confidence < RM_CONFIDENCE_LOW;
        fprintf(f, "<tr id=\"hold-row-%zu\"><td data-label=\"Hold\" "
                   "class=\"id\">H%zu</td>", i + 1, i + 1);
        td_text(f, "Start", t, sizeof t);
        td_num(f, "Duration", h->duration_s, 1, "s");
        td_open(f, col, NULL);
        fprintf(f, "<span class=\"band-%s\">%s</span></td>",
                rm_hold_band(s, h->duration_s),
                rm_words_band(s, h->duration_s));
        if (low) {
            char cm[48];
            rm_fmt_fixed(cm, sizeof cm, h->position_cm, 1, DASH);
            td_open(f, "Position", "num uncertain");
            fprintf(f, "%s cm (uncertain)</td>", cm);
        } else {
            td_num(f, "Position", h->position_cm, 1, "cm");
        }
        td_pct(f, "Ankle\xe2\x86\x92knee", h->position_frac);
        line_cell(f, h->line, h->line_confidence);
        td_num(f, "Mean force", h->mean_force_n, 0, "N");
        td_num(f, "Peak force", h->peak_force_n, 0, "N");
        td_num(f, "Mean pressure", h->mean_pressure_kpa, 0, "kPa");
        td_num(f, "Peak pressure", h->peak_pressure_kpa, 0, "kPa");
        if (h->technique == RM_TECH_PIN_AND_STRETCH)
            snprintf(tech, sizeof tech, "%s (%u ankle flex%s)",
                     rm_words_technique(h->technique), (unsigned)h->flexes,
                     h->flexes == 1 ? "" : "es");
        else
            snprintf(tech, sizeof tech, "%s",
                     rm_words_technique(h->technique));
        td_text(f, "Technique", tech, sizeof tech);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></section>\n", f);
}

static void peaks_table(FILE *f, const rm_summary *s)
{
    size_t n = s->peaks ? s->n_peaks : 0;
    if (n == 0)
        return;
    fprintf(f, "<section id=\"peaks\"><h2>Pressure peaks (%zu)</h2>\n", n);
    fputs("<p>Candidate tender spots: pressure maxima that recur across "
          "passes. Scores (0\xe2\x80\x93" "1) weigh the Achilles and "
          "below-knee zones down, since tissue near tendon ends reads "
          "tender without being a knot.</p>\n<table class=\"data\"><thead>"
          "<tr><th>#</th><th>Zone</th><th>Position</th>"
          "<th>Ankle\xe2\x86\x92knee</th><th>Line</th><th>Pressure</th>"
          "<th>Passes</th><th>Score</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        const rm_peak *p = &s->peaks[i];
        int low = p->confidence < RM_CONFIDENCE_LOW;
        fprintf(f, "<tr id=\"peak-row-%zu\"%s><td data-label=\"Peak\" "
                   "class=\"id\">P%zu%s</td>", i + 1,
                low ? " class=\"uncertain\"" : "", i + 1,
                low ? " (uncertain)" : "");
        td_text(f, "Zone", rm_words_zone(p->zone), 64);
        td_num(f, "Position", p->position_cm, 1, "cm");
        td_pct(f, "Ankle\xe2\x86\x92knee", p->position_frac);
        td_text(f, "Line", rm_words_line(p->line), 64);
        td_num(f, "Pressure", p->pressure_kpa, 0, "kPa");
        td_open(f, "Passes", "num");
        fprintf(f, "%u</td>", (unsigned)p->passes);
        td_num(f, "Score", p->score, 2, NULL);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></section>\n", f);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median of the passes' mean speeds (upper median), as the speed
 * guidance quotes it; NAN when no pass has a speed. */
static double median_speed(const rm_summary *s)
{
    size_t n = 0, total = s->passes ? s->n_passes : 0;
    double *v = rm_calloc(total ? total : 1, sizeof *v);
    if (!v)
        return NAN;
    for (size_t i = 0; i < total; i++)
        if (isfinite(s->passes[i].mean_speed_cm_s))
            v[n++] = s->passes[i].mean_speed_cm_s;
    double med = NAN;
    if (n) {
        qsort(v, n, sizeof *v, cmp_double);
        med = v[n / 2];
    }
    rm_free(v);
    return med;
}

static void passes_row(FILE *f, const char *name, const rm_line_passes *lp,
                       double coverage, int show_coverage)
{
    fputs("<tr>", f);
    td_text(f, "Line", name, 64);
    td_open(f, "Passes", "num");
    fprintf(f, "%zu</td>", lp->count);
    td_open(f, "Up / down", "num");
    fprintf(f, "%zu / %zu</td>", lp->up, lp->down);
    td_num(f, "Mean speed", lp->mean_speed_cm_s, 1, "cm/s");
    td_num(f, "Fastest", lp->peak_speed_cm_s, 1, "cm/s");
    td_open(f, "Coverage", NULL);
    if (show_coverage && isfinite(coverage)) {
        double w = coverage < 0 ? 0 : coverage > 1 ? 100 : coverage * 100.0;
        fprintf(f, "<span class=\"bar\"><span style=\"width:%.0f%%\">"
                   "</span></span> %.0f%%", w, coverage * 100.0);
    } else {
        fputs(DASH, f);
    }
    fputs("</td></tr>\n", f);
}

static void passes_and_coverage(FILE *f, const rm_summary *s)
{
    size_t n = s->passes ? s->n_passes : 0;
    if (n == 0)
        return;
    fprintf(f, "<section id=\"passes\"><h2>Passes (%zu) and coverage</h2>\n"
               "<table class=\"data\"><thead><tr><th>Line</th><th>Passes</th>"
               "<th>Up / down</th><th>Mean speed</th><th>Fastest</th>"
               "<th>Coverage</th></tr></thead><tbody>\n", n);
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        rm_line_passes lp;
        rm_report_line_passes(s, (rm_line)l, &lp);
        passes_row(f, rm_words_line((rm_line)l), &lp, s->coverage[l], 1);
    }
    /* Passes whose line could not be named (leg not recorded, or the
     * load not clearly to one side) count in the guidance's speed too. */
    rm_line_passes un;
    rm_report_line_passes(s, RM_LINE_UNKNOWN, &un);
    if (un.count)
        passes_row(f, "line not known", &un, NAN, 0);
    size_t unsure = 0;
    for (size_t i = 0; i < n; i++)
        unsure += s->passes[i].line != RM_LINE_UNKNOWN &&
                  s->passes[i].line_confidence < RM_CONFIDENCE_LOW;
    double med = median_speed(s);
    char a[48];
    rm_fmt_fixed(a, sizeof a, med, 1, DASH);
    fputs("</tbody></table>\n", f);
    if (unsure)
        fprintf(f, "<p id=\"passes-uncertain\">The line of %zu of the %zu "
                   "passes is uncertain; they are counted on the line the "
                   "cues lean to.</p>\n", unsure, n);
    fprintf(f, "<p id=\"speed-median\">Median speed of "
               "all passes: <span class=\"num\">%s%s</span>. Common advice "
               "is slow rolling, about 2.5 cm (an inch) per second.</p>"
               "</section>\n", a, isfinite(med) ? " cm/s" : "");
}

static void flinches_list(FILE *f, const rm_summary *s)
{
    size_t n = s->flinches ? s->n_flinches : 0;
    if (n == 0)
        return;
    fprintf(f, "<section id=\"flinches\"><h2>Flinches (%zu)</h2>\n"
               "<p>Sudden lift-offs: the pressure there may have been too "
               "much.</p>\n", n);
    fputs("<table class=\"data\"><thead><tr><th>Time</th><th>Position</th>"
          "<th>Ankle\xe2\x86\x92knee</th><th>Line</th><th>Load before</th>"
          "</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        const rm_flinch *fl = &s->flinches[i];
        char t[32];
        rm_fmt_clock(t, sizeof t, fl->time_s);
        fputs("<tr>", f);
        td_text(f, "Time", t, sizeof t);
        td_num(f, "Position", fl->position_cm, 1, "cm");
        td_pct(f, "Ankle\xe2\x86\x92knee", fl->position_frac);
        td_text(f, "Line", rm_words_line(fl->line), 64);
        td_num(f, "Load before", fl->force_before_n, 0, "N");
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></section>\n", f);
}

/*
 * Layout. Sizes are in rem/em of a 16 px base, so the smallest text
 * (.8em labels) is 12.8 px. Below 40em (640 px) tables become stacked
 * cards (each cell shows its column name) and the compact map replaces
 * the wide one; print uses the wide map, black text and no page break
 * inside a row or the map.
 */
static const char CSS[] =
    "*{box-sizing:border-box}\n"
    "body{font-family:sans-serif;font-size:16px;margin:1.5em auto;"
    "max-width:62em;padding:0 1em;color:#1a1a1a;line-height:1.45;"
    "overflow-wrap:break-word}\n"
    "h1{font-size:1.45em;line-height:1.25}h2{font-size:1.2em;"
    "margin-top:1.6em;border-bottom:1px solid #ccc}\n"
    "table{border-collapse:collapse;font-size:.92em;max-width:100%}\n"
    "th,td{padding:.25em .6em;border-bottom:1px solid #e4e4e4;"
    "text-align:left;vertical-align:top}\n"
    "td.num{text-align:right;white-space:nowrap}\n"
    "td{overflow-wrap:anywhere}\n"
    "table.kv th{font-weight:normal;color:#555;white-space:nowrap}\n"
    "td.notes{white-space:pre-wrap}\n"
    "figure{margin:1em 0}figure svg{display:block;width:100%;height:auto}\n"
    "svg.compact{display:none}\n"
    ".band-short,.band-long{color:#a15c00;font-weight:bold}\n"
    "tr.uncertain{color:#666}\n"
    "td.uncertain{color:#666;white-space:normal}\n"
    "li{margin:.3em 0}li.caution{color:#8a1c00}li .level{font-weight:bold;"
    "text-transform:uppercase;font-size:.8em;margin-right:.4em}\n"
    ".safety{border-left:4px solid #c33;padding:.4em .8em;"
    "background:#fdf1f1}\n"
    ".bar{display:inline-block;width:5em;height:.7em;"
    "background:#eee;vertical-align:middle}\n"
    ".bar span{display:block;height:100%;background:#3a7bd5}\n"
    "@media (max-width:40em){\n"
    "body{margin:.8em auto;padding:0 .75em}\n"
    "svg.wide{display:none}svg.compact{display:block}\n"
    "table.data,table.data tbody,table.data tr,table.data td{display:block;"
    "width:100%}\n"
    "table.data thead{display:none}\n"
    "table.data tr{border:1px solid #ddd;border-radius:4px;margin:.6em 0;"
    "padding:.3em .6em}\n"
    "table.data td{border:0;padding:.1em 0;text-align:left;"
    "white-space:normal}\n"
    "table.data td::before{content:attr(data-label) \": \";color:#555}\n"
    "table.data td.id{font-weight:bold}\n"
    "table.data td.id::before{content:none}\n"
    "table.kv th{white-space:normal}\n"
    "}\n"
    "@media print{\n"
    "body{font-size:11pt;max-width:none;margin:0;padding:0;color:#000}\n"
    "table{font-size:.8em}th,td{padding:.2em .3em}td.num{white-space:normal}\n"
    "svg.wide{display:block}svg.compact{display:none}\n"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "h2{break-after:avoid}tr,figure,.safety{break-inside:avoid}\n"
    "footer{font-size:9pt}\n"
    "}\n";

const char *rm_report_html_css(void)
{
    return CSS;
}

void rm_report_html_head(FILE *out, const char *title)
{
    /* No scripts, nothing fetched: the page renders from itself. */
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" "
          "content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n", out);
    fprintf(out, "<meta name=\"generator\" content=\"rollmap %s\">\n<title>",
            rm_version_string());
    rm_xml_put(out, title, 1024);
    fprintf(out, "</title>\n<style>\n%s", CSS);
}

rm_status rm_report_html(const rm_summary *s, const rm_session_meta *meta,
                         FILE *out)
{
    char utc[32], title[128];
    rm_fmt_utc(utc, sizeof utc, meta ? meta->start_unix_us : 0);
    if (utc[0])
        utc[10] = '\0';
    if (s->leg == RM_LEG_UNKNOWN)
        snprintf(title, sizeof title, "rollmap report: calf (leg not "
                 "recorded)%s%s", utc[0] ? ", " : "", utc);
    else
        snprintf(title, sizeof title, "rollmap report: %s calf%s%s",
                 rm_leg_name(s->leg), utc[0] ? ", " : "", utc);
    rm_report_html_head(out, title);
    fputs("</style>\n</head>\n<body>\n<h1>", out);
    rm_xml_put(out, title, sizeof title);
    fputs("</h1>\n", out);
    session_table(out, s, meta);
    guidance_list(out, s);
    fputs("<section id=\"map\"><h2>Calf maps</h2>\n<figure>\n", out);
    rm_status st = rm_report_svg_layout(s, meta, 0, out);
    if (st == RM_OK)
        st = rm_report_svg_layout(s, meta, 1, out);
    if (st != RM_OK)
        return st;
    fputs("<figcaption>Ankle to knee on the inner (medial), middle and "
          "outer (lateral) lines, with the anatomical zones dashed. Top: "
          "tenderness, how far the pressure at each place rises above what "
          "the tissue 2.5\xe2\x80\x93" "5 cm around it on the same line "
          "predicts, on a fixed scale (0 to +30 %) that is the same in "
          "every report. Bottom: the peak-cell pressure itself, which is "
          "highest over the narrow Achilles and bony places. H: holds, "
          "P: pressure peaks.</figcaption>\n</figure></section>\n", out);
    holds_table(out, s);
    peaks_table(out, s);
    passes_and_coverage(out, s);
    flinches_list(out, s);
    fprintf(out, "<footer><p>Generated by rollmap %s. Times are local "
                 "(UTC offset shown).</p></footer>\n</body>\n</html>\n",
            rm_version_string());
    return rm_report_stream_status(out);
}
