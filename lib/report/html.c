/*
 * HTML report: one self-contained page (inline CSS and SVG, no scripts,
 * no external fetches; a Content-Security-Policy forbids them) with the
 * calf map, the tables and the guidance. Every string from metadata or
 * the engine goes through rm_xml_put(), so a note holding markup shows
 * as text.
 */
#include <math.h>
#include <string.h>

#include "report_internal.h"

static void td_num(FILE *f, double v, int decimals, const char *unit)
{
    char buf[48];
    rm_fmt_fixed(buf, sizeof buf, v, decimals, "\xe2\x80\x93");
    fprintf(f, "<td class=\"num\">%s%s%s</td>", buf,
            isfinite(v) && unit ? " " : "", isfinite(v) && unit ? unit : "");
}

static void td_pct(FILE *f, double frac)
{
    if (isfinite(frac))
        fprintf(f, "<td class=\"num\">%.0f%%</td>", frac * 100.0);
    else
        fputs("<td class=\"num\">\xe2\x80\x93</td>", f);
}

static void td_text(FILE *f, const char *s, size_t max)
{
    fputs("<td>", f);
    rm_xml_put(f, s, max);
    fputs("</td>", f);
}

static void row_kv(FILE *f, const char *key, const char *value, size_t max)
{
    fprintf(f, "<tr><th scope=\"row\">%s</th>", key);
    td_text(f, value, max);
    fputs("</tr>\n", f);
}

static void session_table(FILE *f, const rm_summary *s,
                          const rm_session_meta *meta)
{
    char buf[256], a[48], b[48];
    fputs("<section id=\"session\"><h2>Session</h2>\n<table class=\"kv\">\n",
          f);
    rm_fmt_utc(buf, sizeof buf, meta ? meta->start_unix_us : 0);
    row_kv(f, "Started (UTC)", buf[0] ? buf : "unknown", sizeof buf);
    row_kv(f, "Leg", rm_leg_name(s->leg), 16);
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
        row_kv(f, "Firmware", meta->desc.firmware,
               sizeof meta->desc.firmware);
        row_kv(f, "Serial", meta->desc.serial, sizeof meta->desc.serial);
        fputs("<tr><th scope=\"row\">Notes</th><td class=\"notes\">", f);
        rm_xml_put(f, meta->notes, sizeof meta->notes);
        fputs("</td></tr>\n", f);
    }
    if (s->calf_found && isfinite(s->calf_length_cm)) {
        rm_fmt_fixed(a, sizeof a, s->calf_length_cm, 1, "?");
        snprintf(buf, sizeof buf, "%s cm, ankle to knee", a);
        row_kv(f, "Calf", buf, sizeof buf);
    } else {
        row_kv(f, "Calf",
               "ends not found: positions along the calf are unknown", 128);
    }
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
        const char *lvl = rm_guidance_level_name(g->level);
        fprintf(f, "<li class=\"%s\"><span class=\"level\">%s</span> ", lvl,
                lvl);
        rm_xml_put(f, g->text, sizeof g->text);
        fputs("</li>\n", f);
    }
    if (shown == 0)
        fputs("<li class=\"info\">No guidance for this session.</li>\n", f);
    fputs("</ul>\n<p class=\"safety\">", f);
    if (safety)
        rm_xml_put(f, safety->text, sizeof safety->text);
    else
        fputs(RM_REPORT_SAFETY_TEXT, f);
    fputs("</p></section>\n", f);
}

static void holds_table(FILE *f, const rm_summary *s)
{
    size_t n = s->holds ? s->n_holds : 0;
    fprintf(f, "<section id=\"holds\"><h2>Holds (%zu)</h2>\n", n);
    if (n == 0) {
        fputs("<p>No holds found: the roller did not stay on one spot "
              "long enough.</p></section>\n", f);
        return;
    }
    fprintf(f, "<p>Common advice: %.0f\xe2\x80\x93%.0f s on a spot.</p>\n",
            RM_REPORT_HOLD_MIN_S, RM_REPORT_HOLD_MAX_S);
    fputs("<table><thead><tr><th>#</th><th>Start</th><th>Duration</th>"
          "<th>vs 30\xe2\x80\x93" "90 s</th><th>Position</th>"
          "<th>Ankle\xe2\x86\x92knee</th><th>Line</th><th>Mean force</th>"
          "<th>Peak force</th><th>Mean pressure</th><th>Peak pressure</th>"
          "<th>Technique</th><th>Flexes</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        const rm_hold *h = &s->holds[i];
        char t[32];
        rm_fmt_clock(t, sizeof t, h->start_s);
        fprintf(f, "<tr id=\"hold-row-%zu\"><td>H%zu</td><td>%s</td>", i + 1,
                i + 1, t);
        td_num(f, h->duration_s, 1, "s");
        fprintf(f, "<td class=\"band-%s\">%s</td>",
                rm_hold_band(h->duration_s), rm_hold_band(h->duration_s));
        td_num(f, h->position_cm, 1, "cm");
        td_pct(f, h->position_frac);
        fprintf(f, "<td>%s</td>", rm_line_name(h->line));
        td_num(f, h->mean_force_n, 0, "N");
        td_num(f, h->peak_force_n, 0, "N");
        td_num(f, h->mean_pressure_kpa, 0, "kPa");
        td_num(f, h->peak_pressure_kpa, 0, "kPa");
        fprintf(f, "<td>%s</td><td class=\"num\">%u</td></tr>\n",
                rm_technique_name(h->technique), (unsigned)h->flexes);
    }
    fputs("</tbody></table></section>\n", f);
}

static void peaks_table(FILE *f, const rm_summary *s)
{
    size_t n = s->peaks ? s->n_peaks : 0;
    fprintf(f, "<section id=\"peaks\"><h2>Pressure peaks (%zu)</h2>\n", n);
    if (n == 0) {
        fputs("<p>No pressure peak recurred across passes.</p>"
              "</section>\n", f);
        return;
    }
    fputs("<p>Candidate tender spots: pressure maxima that recur across "
          "passes. Scores weigh the Achilles and below-knee zones down, "
          "since tissue near tendon ends reads tender without being a "
          "knot.</p>\n<table><thead><tr><th>#</th><th>Zone</th>"
          "<th>Position</th><th>Ankle\xe2\x86\x92knee</th><th>Line</th>"
          "<th>Pressure</th><th>Passes</th><th>Score</th></tr></thead>"
          "<tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        const rm_peak *p = &s->peaks[i];
        fprintf(f, "<tr id=\"peak-row-%zu\"><td>P%zu</td><td>%s</td>", i + 1,
                i + 1, rm_zone_label(p->zone));
        td_num(f, p->position_cm, 1, "cm");
        td_pct(f, p->position_frac);
        fprintf(f, "<td>%s</td>", rm_line_name(p->line));
        td_num(f, p->pressure_kpa, 0, "kPa");
        fprintf(f, "<td class=\"num\">%u</td>", (unsigned)p->passes);
        td_num(f, p->score, 2, NULL);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></section>\n", f);
}

static void passes_and_coverage(FILE *f, const rm_summary *s)
{
    size_t n = s->passes ? s->n_passes : 0;
    fprintf(f, "<section id=\"passes\"><h2>Passes (%zu) and coverage</h2>\n"
               "<table><thead><tr><th>Line</th><th>Passes</th><th>Up</th>"
               "<th>Down</th><th>Mean speed</th><th>Fastest</th>"
               "<th>Coverage</th></tr></thead><tbody>\n", n);
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        rm_line_passes lp;
        rm_report_line_passes(s, (rm_line)l, &lp);
        fprintf(f, "<tr><td>%s</td><td class=\"num\">%zu</td>"
                   "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>",
                rm_line_name((rm_line)l), lp.count, lp.up, lp.down);
        td_num(f, lp.mean_speed_cm_s, 1, "cm/s");
        td_num(f, lp.peak_speed_cm_s, 1, "cm/s");
        double c = s->coverage[l];
        double w = isfinite(c) ? (c < 0 ? 0 : c > 1 ? 100 : c * 100.0) : 0;
        fprintf(f, "<td><span class=\"bar\"><span style=\"width:%.0f%%\">"
                   "</span></span> ", w);
        if (isfinite(c))
            fprintf(f, "%.0f%%", c * 100.0);
        else
            fputs("\xe2\x80\x93", f);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n<p>Common advice is slow rolling, about "
          "2.5 cm (an inch) per second.</p></section>\n", f);
}

static void flinches_list(FILE *f, const rm_summary *s)
{
    size_t n = s->flinches ? s->n_flinches : 0;
    fprintf(f, "<section id=\"flinches\"><h2>Flinches (%zu)</h2>\n", n);
    if (n == 0) {
        fputs("<p>No sudden lift-offs.</p></section>\n", f);
        return;
    }
    fputs("<table><thead><tr><th>Time</th><th>Position</th>"
          "<th>Ankle\xe2\x86\x92knee</th><th>Line</th><th>Load before</th>"
          "</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        const rm_flinch *fl = &s->flinches[i];
        char t[32];
        rm_fmt_clock(t, sizeof t, fl->time_s);
        fprintf(f, "<tr><td>%s</td>", t);
        td_num(f, fl->position_cm, 1, "cm");
        td_pct(f, fl->position_frac);
        fprintf(f, "<td>%s</td>", rm_line_name(fl->line));
        td_num(f, fl->force_before_n, 0, "N");
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></section>\n", f);
}

rm_status rm_report_html(const rm_summary *s, const rm_session_meta *meta,
                         FILE *out)
{
    char utc[32], title[128];
    rm_fmt_utc(utc, sizeof utc, meta ? meta->start_unix_us : 0);
    if (utc[0])
        utc[10] = '\0';
    snprintf(title, sizeof title, "rollmap report: %s calf%s%s",
             rm_leg_name(s->leg), utc[0] ? ", " : "", utc);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" "
          "content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n", out);
    fprintf(out, "<meta name=\"generator\" content=\"rollmap %s\">\n<title>",
            rm_version_string());
    rm_xml_put(out, title, sizeof title);
    fputs("</title>\n<style>\n"
          "body{font-family:sans-serif;margin:1.5em auto;max-width:60em;"
          "padding:0 1em;color:#1a1a1a;line-height:1.4}\n"
          "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;"
          "border-bottom:1px solid #ccc}\n"
          "table{border-collapse:collapse;font-size:.92em}\n"
          "th,td{padding:.25em .6em;border-bottom:1px solid #e4e4e4;"
          "text-align:left;vertical-align:top}\n"
          "td.num{text-align:right;white-space:nowrap}\n"
          "table.kv th{font-weight:normal;color:#555}\n"
          "td.notes{white-space:pre-wrap}\n"
          "figure{margin:1em 0}figure svg{max-width:100%;height:auto}\n"
          ".band-short,.band-long{color:#a15c00;font-weight:bold}\n"
          "li.caution{color:#8a1c00}li .level{font-weight:bold;"
          "text-transform:uppercase;font-size:.8em;margin-right:.4em}\n"
          ".safety{border-left:4px solid #c33;padding:.4em .8em;"
          "background:#fdf1f1}\n"
          ".bar{display:inline-block;width:8em;height:.7em;"
          "background:#eee;vertical-align:middle}\n"
          ".bar span{display:block;height:100%;background:#3a7bd5}\n"
          "</style>\n</head>\n<body>\n<h1>", out);
    rm_xml_put(out, title, sizeof title);
    fputs("</h1>\n", out);
    session_table(out, s, meta);
    guidance_list(out, s);
    fputs("<section id=\"map\"><h2>Calf map</h2>\n<figure>\n", out);
    rm_status st = rm_report_svg(s, meta, 0, out);
    if (st != RM_OK)
        return st;
    fputs("<figcaption>Ankle (left) to knee (right) on the medial, middle "
          "and lateral lines; colour shows the peak-cell pressure "
          "recorded there. H: holds, P: pressure peaks.</figcaption>\n"
          "</figure></section>\n", out);
    holds_table(out, s);
    peaks_table(out, s);
    passes_and_coverage(out, s);
    flinches_list(out, s);
    fprintf(out, "<footer><p>Generated by rollmap %s.</p></footer>\n"
                 "</body>\n</html>\n", rm_version_string());
    return rm_report_stream_status(out);
}
