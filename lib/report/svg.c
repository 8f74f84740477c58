/*
 * SVG calf map: ankle -> knee along x, the medial / middle / lateral
 * lines as three bands along y, colour for the peak-cell pressure the
 * engine mapped (rm_summary.map_kpa), holds and peaks marked and labelled,
 * a colour scale and axes in cm and % of ankle -> knee. Self-contained,
 * valid XML; every string is escaped. Also inlined by html.c.
 */
#include <math.h>
#include <string.h>

#include "report_internal.h"

/* Geometry in SVG user units (the picture is 800 x 400). */
#define VIEW_W 800.0
#define VIEW_H 400.0
#define PLOT_X0 110.0    /* ankle */
#define PLOT_X1 770.0    /* knee */
#define BAND_Y0 56.0
#define BAND_H 64.0
#define AXIS_Y (BAND_Y0 + 3.0 * BAND_H)
#define LEGEND_Y 330.0

/* Print " name=\"v\"" with one decimal and a '.' whatever the locale. */
static void attr(FILE *f, const char *name, double v)
{
    char buf[48];
    rm_fmt_fixed(buf, sizeof buf, v, 1, "0");
    fprintf(f, " %s=\"%s\"", name, buf);
}

static double x_of(double frac)
{
    return PLOT_X0 + frac * (PLOT_X1 - PLOT_X0);
}

/* Top of the band for a line: medial at the top, lateral at the bottom. */
static double band_top(rm_line line)
{
    return BAND_Y0 + (double)((int)line - 1) * BAND_H;
}

/*
 * Colour for a fraction 0..1 of the scale: linear between five stops of
 * a light-yellow -> orange -> dark-red ramp (ColorBrewer YlOrRd), which
 * stays ordered in greyscale and for common colour-vision deficiencies.
 */
static const unsigned char ramp[5][3] = {
    { 0xff, 0xff, 0xcc }, { 0xfe, 0xd9, 0x76 }, { 0xfd, 0x8d, 0x3c },
    { 0xe3, 0x1a, 0x1c }, { 0x80, 0x00, 0x26 },
};

static void colour(char *buf, size_t cap, double t)
{
    if (!(t >= 0.0))
        t = 0.0;
    if (t > 1.0)
        t = 1.0;
    double pos = t * 4.0;
    int i = (int)pos;
    if (i > 3)
        i = 3;
    double u = pos - i;
    int rgb[3];
    for (int c = 0; c < 3; c++)
        rgb[c] = (int)lround(ramp[i][c] + u * (ramp[i + 1][c] - ramp[i][c]));
    snprintf(buf, cap, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

static int frac_ok(double frac)
{
    return isfinite(frac) && frac >= -0.05 && frac <= 1.05;
}

static int line_ok(rm_line line)
{
    return line >= RM_LINE_MEDIAL && line <= RM_LINE_LATERAL;
}

static void text_at(FILE *f, double x, double y, const char *anchor,
                    const char *cls, const char *text)
{
    fputs("<text", f);
    attr(f, "x", x);
    attr(f, "y", y);
    fprintf(f, " text-anchor=\"%s\" class=\"%s\">", anchor, cls);
    rm_xml_put(f, text, 512);
    fputs("</text>\n", f);
}

static void draw_map(FILE *f, const rm_summary *s, double max_kpa)
{
    int have_map = s->map_kpa && s->map_bins > 0;
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        double top = band_top((rm_line)l);
        text_at(f, PLOT_X0 - 10.0, top + BAND_H / 2.0 + 5.0, "end", "band",
                rm_line_name((rm_line)l));
        if (!have_map) {
            fputs("<rect class=\"unrolled\"", f);
            attr(f, "x", PLOT_X0);
            attr(f, "y", top);
            attr(f, "width", PLOT_X1 - PLOT_X0);
            attr(f, "height", BAND_H);
            fputs(" fill=\"#eeeeee\"/>\n", f);
            continue;
        }
        const float *row = s->map_kpa + (size_t)(l - 1) * s->map_bins;
        double w = (PLOT_X1 - PLOT_X0) / (double)s->map_bins;
        fprintf(f, "<g class=\"map-row\" data-line=\"%s\">\n",
                rm_line_name((rm_line)l));
        for (size_t i = 0; i < s->map_bins; i++) {
            char fill[16];
            if (isfinite(row[i]))
                colour(fill, sizeof fill, row[i] / max_kpa);
            else
                snprintf(fill, sizeof fill, "#eeeeee");
            fputs("<rect", f);
            attr(f, "x", PLOT_X0 + (double)i * w);
            attr(f, "y", top);
            /* A hair wider than the bin hides anti-aliasing seams. */
            attr(f, "width", w + 0.3);
            attr(f, "height", BAND_H);
            fprintf(f, " fill=\"%s\"/>\n", fill);
        }
        fputs("</g>\n", f);
    }
    /* Band outlines on top of the cells. */
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        fputs("<rect fill=\"none\" stroke=\"#888888\" stroke-width=\"0.8\"",
              f);
        attr(f, "x", PLOT_X0);
        attr(f, "y", band_top((rm_line)l));
        attr(f, "width", PLOT_X1 - PLOT_X0);
        attr(f, "height", BAND_H);
        fputs("/>\n", f);
    }
    if (!have_map)
        text_at(f, (PLOT_X0 + PLOT_X1) / 2.0, BAND_Y0 + 1.5 * BAND_H + 5.0,
                "middle", "note",
                "no pressure map in this summary: holds and peaks only");
}

static void draw_axis(FILE *f, const rm_summary *s)
{
    char label[32];
    fputs("<g class=\"axis\">\n<line stroke=\"#333333\"", f);
    attr(f, "x1", PLOT_X0);
    attr(f, "y1", AXIS_Y);
    attr(f, "x2", PLOT_X1);
    attr(f, "y2", AXIS_Y);
    fputs("/>\n", f);
    for (int pct = 0; pct <= 100; pct += 25) {
        double x = x_of(pct / 100.0);
        fputs("<line stroke=\"#333333\"", f);
        attr(f, "x1", x);
        attr(f, "y1", AXIS_Y);
        attr(f, "x2", x);
        attr(f, "y2", AXIS_Y + 6.0);
        fputs("/>\n", f);
        snprintf(label, sizeof label, "%d%%", pct);
        text_at(f, x, AXIS_Y + 18.0, "middle", "tick", label);
    }
    int have_cm = s->calf_found && isfinite(s->calf_length_cm) &&
                  s->calf_length_cm > 1.0 && s->calf_length_cm < 200.0;
    if (have_cm) {
        /* cm ticks every 5 cm from the ankle, below the % ticks. */
        for (int cm = 0; cm <= (int)s->calf_length_cm; cm += 5) {
            double x = x_of(cm / s->calf_length_cm);
            snprintf(label, sizeof label, "%d", cm);
            text_at(f, x, AXIS_Y + 34.0, "middle", "tick cm", label);
        }
        text_at(f, PLOT_X0 - 10.0, AXIS_Y + 34.0, "end", "tick", "cm");
    } else {
        text_at(f, (PLOT_X0 + PLOT_X1) / 2.0, AXIS_Y + 34.0, "middle",
                "note", "calf ends not found: positions along the calf "
                        "are unknown");
    }
    text_at(f, PLOT_X0, AXIS_Y + 52.0, "start", "axis-title", "ankle");
    text_at(f, PLOT_X1, AXIS_Y + 52.0, "end", "axis-title", "knee");
    text_at(f, PLOT_X0 - 10.0, AXIS_Y + 18.0, "end", "tick", "ankle\xe2\x86\x92knee");
    fputs("</g>\n", f);
}

static void draw_holds(FILE *f, const rm_summary *s)
{
    fputs("<g class=\"holds\">\n", f);
    for (size_t i = 0; s->holds && i < s->n_holds; i++) {
        const rm_hold *h = &s->holds[i];
        if (!frac_ok(h->position_frac) || !line_ok(h->line))
            continue;
        double x = x_of(h->position_frac);
        double y = band_top(h->line) + BAND_H * 0.55;
        char label[64], dur[32];
        rm_fmt_fixed(dur, sizeof dur, h->duration_s, 0, "?");
        snprintf(label, sizeof label, "H%zu %ss", i + 1, dur);
        fprintf(f, "<g class=\"hold\" id=\"hold-%zu\">", i + 1);
        fprintf(f, "<title>hold %zu: %s s, %s, %s</title>", i + 1, dur,
                rm_line_name(h->line), rm_technique_name(h->technique));
        fputs("<circle r=\"7\" fill=\"#ffffff\" fill-opacity=\"0.6\" "
              "stroke=\"#1b4f9c\" stroke-width=\"2.5\"", f);
        attr(f, "cx", x);
        attr(f, "cy", y);
        fputs("/>", f);
        text_at(f, x, y + 19.0, "middle", "hold-label", label);
        fputs("</g>\n", f);
    }
    fputs("</g>\n", f);
}

static void draw_peaks(FILE *f, const rm_summary *s)
{
    fputs("<g class=\"peaks\">\n", f);
    for (size_t i = 0; s->peaks && i < s->n_peaks; i++) {
        const rm_peak *p = &s->peaks[i];
        if (!frac_ok(p->position_frac) || !line_ok(p->line))
            continue;
        double x = x_of(p->position_frac);
        double y = band_top(p->line) + BAND_H * 0.22;
        char label[32], kpa[32], pts[192], a[3][2][24];
        rm_fmt_fixed(kpa, sizeof kpa, p->pressure_kpa, 0, "?");
        snprintf(label, sizeof label, "P%zu", i + 1);
        /* Triangle pointing down at the spot, 8 units high. */
        double v[3][2] = { { x - 6, y - 6 }, { x + 6, y - 6 }, { x, y + 4 } };
        for (int k = 0; k < 3; k++)
            for (int c = 0; c < 2; c++)
                rm_fmt_fixed(a[k][c], sizeof a[k][c], v[k][c], 1, "0");
        snprintf(pts, sizeof pts, "%s,%s %s,%s %s,%s", a[0][0], a[0][1],
                 a[1][0], a[1][1], a[2][0], a[2][1]);
        fprintf(f, "<g class=\"peak\" id=\"peak-%zu\">", i + 1);
        fprintf(f, "<title>peak %zu: %s kPa, %s, %s</title>", i + 1, kpa,
                rm_line_name(p->line), rm_zone_name(p->zone));
        fprintf(f, "<polygon points=\"%s\" fill=\"#ffffff\" "
                   "stroke=\"#000000\" stroke-width=\"1.5\"/>", pts);
        text_at(f, x + 9.0, y - 2.0, "start", "peak-label", label);
        fputs("</g>\n", f);
    }
    fputs("</g>\n", f);
}

static void draw_legend(FILE *f, double max_kpa)
{
    const double x0 = PLOT_X0, w = 260.0, y = LEGEND_Y, h = 12.0;
    char label[48], c[16];
    fputs("<g class=\"legend\">\n<defs><linearGradient id=\"rm-scale\" "
          "x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">", f);
    for (int i = 0; i <= 8; i++) {
        colour(c, sizeof c, i / 8.0);
        fprintf(f, "<stop offset=\"%d%%\" stop-color=\"%s\"/>",
                i * 100 / 8, c);
    }
    fputs("</linearGradient></defs>\n<rect fill=\"url(#rm-scale)\" "
          "stroke=\"#888888\"", f);
    attr(f, "x", x0);
    attr(f, "y", y);
    attr(f, "width", w);
    attr(f, "height", h);
    fputs("/>\n", f);
    for (int i = 0; i <= 4; i++) {
        rm_fmt_fixed(label, sizeof label, max_kpa * i / 4.0, 0, "0");
        text_at(f, x0 + w * i / 4.0, y + h + 14.0, "middle", "tick", label);
    }
    text_at(f, x0, y - 6.0, "start", "tick",
            "peak-cell pressure, kPa (grey: not rolled)");
    /* Symbol key. */
    double kx = x0 + w + 60.0;
    fputs("<circle r=\"6\" fill=\"#ffffff\" stroke=\"#1b4f9c\" "
          "stroke-width=\"2.5\"", f);
    attr(f, "cx", kx);
    attr(f, "cy", y + 2.0);
    fputs("/>\n", f);
    text_at(f, kx + 12.0, y + 7.0, "start", "tick",
            "H: hold (label: seconds)");
    char pts[192], a[6][24];
    double v[6] = { kx - 6, y + 20, kx + 6, y + 20, kx, y + 30 };
    for (int k = 0; k < 6; k++)
        rm_fmt_fixed(a[k], sizeof a[k], v[k], 1, "0");
    snprintf(pts, sizeof pts, "%s,%s %s,%s %s,%s", a[0], a[1], a[2], a[3],
             a[4], a[5]);
    fprintf(f, "<polygon points=\"%s\" fill=\"#ffffff\" stroke=\"#000000\" "
               "stroke-width=\"1.5\"/>\n", pts);
    text_at(f, kx + 12.0, y + 29.0, "start", "tick",
            "P: pressure peak (candidate tender spot)");
    fputs("</g>\n", f);
}

rm_status rm_report_svg(const rm_summary *s, const rm_session_meta *meta,
                        int standalone, FILE *out)
{
    double max_kpa = rm_report_scale_max_kpa(s);
    char utc[32], title[160];
    rm_fmt_utc(utc, sizeof utc, meta ? meta->start_unix_us : 0);
    if (utc[0])
        utc[10] = '\0';             /* the date is enough in a title */
    snprintf(title, sizeof title, "Calf pressure map: %s leg%s%s",
             rm_leg_name(s->leg), utc[0] ? ", " : "", utc);

    if (standalone)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"calf-map\" "
          "class=\"rollmap-calf-map\" role=\"img\" "
          "aria-labelledby=\"calf-map-title\"", out);
    fprintf(out, " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                 "font-family=\"sans-serif\">\n",
            (int)VIEW_W, (int)VIEW_H, (int)VIEW_W, (int)VIEW_H);
    fputs("<title id=\"calf-map-title\">", out);
    rm_xml_put(out, title, sizeof title);
    fputs("</title>\n<style>"
          ".band{font-size:13px;fill:#222}"
          ".tick{font-size:11px;fill:#333}"
          ".note{font-size:12px;fill:#555;font-style:italic}"
          ".axis-title{font-size:12px;fill:#222;font-weight:bold}"
          ".hold-label{font-size:11px;fill:#1b4f9c;font-weight:bold}"
          ".peak-label{font-size:11px;fill:#000;font-weight:bold}"
          ".heading{font-size:16px;fill:#111;font-weight:bold}"
          "</style>\n", out);
    fputs("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n", out);
    text_at(out, PLOT_X0, 30.0, "start", "heading", title);
    draw_map(out, s, max_kpa);
    draw_axis(out, s);
    draw_holds(out, s);
    draw_peaks(out, s);
    draw_legend(out, max_kpa);
    fputs("</svg>\n", out);
    return rm_report_stream_status(out);
}
