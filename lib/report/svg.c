/*
 * SVG calf map, two panels: tenderness (how far each place's pressure
 * rises over what the tissue around it on the same line predicts, on a
 * fixed scale) above the absolute pressure map. Each panel: ankle -> knee
 * along x, the medial / middle / lateral lines as three bands along y,
 * colour from the engine's map (rm_summary.map_kpa), the anatomical zones
 * outlined,
 * holds and peaks marked and labelled, a colour scale and axes in cm and
 * % of ankle -> knee. Self-contained, valid XML; every string is escaped.
 * Two layouts: wide (800 units: the .svg report, desktop and print) and
 * compact (400 units, inlined by html.c for phones, so that 11-unit text
 * is still about 11 px on a 390 px screen).
 */
#include <math.h>
#include <string.h>

#include "report_internal.h"

/* Geometry in SVG user units, per layout. */
struct geo {
    int compact;
    double w, h;            /* the picture */
    double x0, x1;          /* ankle, knee */
    double band_y0, band_h; /* top of the medial band; band height */
    double axis_y, legend_y;
};

static const struct geo WIDE = {
    0, 800.0, 420.0, 130.0, 770.0, 76.0, 64.0, 76.0 + 3 * 64.0, 350.0,
};
static const struct geo COMPACT = {
    1, 400.0, 440.0, 60.0, 388.0, 76.0, 56.0, 76.0 + 3 * 56.0, 336.0,
};

/*
 * Zone boundaries along the calf, as the engine assigns peaks to zones
 * (rm_zone_at(), lib/engine/peaks.c: anatomy from the brief): the
 * Achilles below 12 % of ankle -> knee, below the knee above 92 %, the
 * gastrocnemius heads above 52 % on the medial and middle lines and
 * above 60 % on the lateral, the soleus between. tests/html checks that
 * every peak marker lies inside the zone drawn for its zone.
 */
#define ZONE_ACHILLES_END 0.12
#define ZONE_KNEE_START 0.92
#define ZONE_GASTROC_MEDIAL 0.52
#define ZONE_GASTROC_LATERAL 0.60

/*
 * Tenderness = pressure / predicted - 1, where the prediction is the mean
 * of the map 2.5-5 cm before and 2.5-5 cm after the place on the same
 * line (the flanks the engine's peak finder compares a bump with,
 * peaks.c), or one flank near an end. The map is an average over the
 * session's passes, so the load is the same on both sides of the ratio
 * and cancels to first order. Fixed scale: 0 (palest) to +30 % (darkest),
 * the same for every session so two reports compare by eye; falls are
 * shown as 0. The engine calls a bump of +6 % in a cell's load share a
 * peak candidate.
 */
#define TENDER_FLANK_IN_CM 2.5
#define TENDER_FLANK_OUT_CM 5.0
#define TENDER_SCALE_MAX 0.30

static double flank_mean(const float *row, long n, long a, long b)
{
    double sum = 0.0;
    long cnt = 0;
    for (long i = a < 0 ? 0 : a; i <= b && i < n; i++)
        if (isfinite(row[i])) {
            sum += row[i];
            cnt++;
        }
    return cnt ? sum / (double)cnt : NAN;
}

/* Rise over the flanks for bin @p i of @p row, NAN where unknown. */
static double tenderness_at(const rm_summary *s, const float *row, long i)
{
    long n = (long)s->map_bins;
    double per_cm = (double)n / s->calf_length_cm;
    long in = (long)ceil(TENDER_FLANK_IN_CM * per_cm);
    long out = (long)lround(TENDER_FLANK_OUT_CM * per_cm);
    if (out < in)
        out = in;
    if (!isfinite(row[i]))
        return NAN;
    double l = flank_mean(row, n, i - out, i - in);
    double r = flank_mean(row, n, i + in, i + out);
    double pred = isfinite(l) && isfinite(r) ? (l + r) / 2.0
                  : isfinite(l) ? l : r;
    return isfinite(pred) && pred > 0.0 ? row[i] / pred - 1.0 : NAN;
}

/* Whether the tenderness panel can be drawn: a map, and cm along it. */
static int have_tenderness(const rm_summary *s)
{
    return s->map_kpa && s->map_bins > 0 && s->calf_found &&
           isfinite(s->calf_length_cm) && s->calf_length_cm > 1.0;
}

/* Print " name=\"v\"" with one decimal and a '.' whatever the locale. */
static void attr(FILE *f, const char *name, double v)
{
    char buf[48];
    rm_fmt_fixed(buf, sizeof buf, v, 1, "0");
    fprintf(f, " %s=\"%s\"", name, buf);
}

static double x_of(const struct geo *g, double frac)
{
    return g->x0 + frac * (g->x1 - g->x0);
}

/* Top of the band for a line: medial at the top, lateral at the bottom. */
static double band_top(const struct geo *g, rm_line line)
{
    return g->band_y0 + (double)((int)line - 1) * g->band_h;
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

void rm_svg_attr(FILE *f, const char *name, double v)
{
    attr(f, name, v);
}

void rm_svg_text(FILE *f, double x, double y, const char *anchor,
                 const char *cls, const char *text)
{
    fputs("<text", f);
    attr(f, "x", x);
    attr(f, "y", y);
    fprintf(f, " text-anchor=\"%s\" class=\"%s\">", anchor, cls);
    rm_xml_put(f, text, 512);
    fputs("</text>\n", f);
}

static void text_at(FILE *f, double x, double y, const char *anchor,
                    const char *cls, const char *text)
{
    rm_svg_text(f, x, y, anchor, cls, text);
}

static void draw_map(FILE *f, const struct geo *g, const rm_summary *s,
                     int tender, double max_kpa)
{
    int have_map = tender ? have_tenderness(s) : s->map_kpa && s->map_bins > 0;
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        double top = band_top(g, (rm_line)l);
        text_at(f, g->x0 - 6.0, top + g->band_h / 2.0 + 5.0, "end", "band",
                g->compact ? rm_words_line_short((rm_line)l)
                           : rm_words_line((rm_line)l));
        if (!have_map) {
            fputs("<rect class=\"unrolled\"", f);
            attr(f, "x", g->x0);
            attr(f, "y", top);
            attr(f, "width", g->x1 - g->x0);
            attr(f, "height", g->band_h);
            fputs(" fill=\"#eeeeee\"/>\n", f);
            continue;
        }
        const float *row = s->map_kpa + (size_t)(l - 1) * s->map_bins;
        double w = (g->x1 - g->x0) / (double)s->map_bins;
        fprintf(f, "<g class=\"map-row\" data-line=\"%s\">\n",
                rm_line_name((rm_line)l));
        for (size_t i = 0; i < s->map_bins; i++) {
            char fill[16];
            double v = tender ? tenderness_at(s, row, (long)i) : row[i];
            if (isfinite(v))
                colour(fill, sizeof fill, tender ? v / TENDER_SCALE_MAX
                                                 : v / max_kpa);
            else
                snprintf(fill, sizeof fill, "#eeeeee");
            fputs("<rect", f);
            attr(f, "x", g->x0 + (double)i * w);
            attr(f, "y", top);
            /* A hair wider than the bin hides anti-aliasing seams. */
            attr(f, "width", w + 0.3);
            attr(f, "height", g->band_h);
            fprintf(f, " fill=\"%s\"", fill);
            /* The value coloured (kPa, or the rise as a fraction), for
             * tools and tests. */
            if (isfinite(v)) {
                char num[32];
                rm_fmt_fixed(num, sizeof num, v, tender ? 3 : 1, "");
                fprintf(f, " data-v=\"%s\"", num);
            }
            fputs("/>\n", f);
        }
        fputs("</g>\n", f);
    }
    /* Band outlines on top of the cells. */
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        fputs("<rect fill=\"none\" stroke=\"#888888\" stroke-width=\"0.8\"",
              f);
        attr(f, "x", g->x0);
        attr(f, "y", band_top(g, (rm_line)l));
        attr(f, "width", g->x1 - g->x0);
        attr(f, "height", g->band_h);
        fputs("/>\n", f);
    }
    if (!have_map)
        text_at(f, (g->x0 + g->x1) / 2.0, g->band_y0 + 1.5 * g->band_h + 5.0,
                "middle", "note", tender && s->map_kpa ?
                (g->compact ? "calf ends not found"
                            : "calf ends not found: no tenderness map")
                : g->compact ? "no pressure map"
                : "no pressure map in this summary: holds and peaks only");
}

/* One zone of one band: an outlined region the markers can be checked
 * against (data-zone), dashed where it meets the next. */
static void zone_rect(FILE *f, const struct geo *g, rm_line line, double a,
                      double b, rm_zone z)
{
    fprintf(f, "<rect class=\"zone\" data-zone=\"%s\" data-line=\"%s\" "
               "fill=\"none\" stroke=\"#333333\" stroke-width=\"1\" "
               "stroke-dasharray=\"4 3\"", rm_zone_name(z),
            rm_line_name(line));
    attr(f, "x", x_of(g, a));
    attr(f, "y", band_top(g, line));
    attr(f, "width", x_of(g, b) - x_of(g, a));
    attr(f, "height", g->band_h);
    fputs("/>\n", f);
}

static void draw_zones(FILE *f, const struct geo *g, const rm_summary *s)
{
    if (!s->calf_found)
        return; /* positions along the calf unknown: no zones either */
    fputs("<g class=\"zones\">\n", f);
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        double gastroc = l == RM_LINE_LATERAL ? ZONE_GASTROC_LATERAL
                                              : ZONE_GASTROC_MEDIAL;
        rm_zone head = l == RM_LINE_LATERAL ? RM_ZONE_GASTROC_LATERAL
                                            : RM_ZONE_GASTROC_MEDIAL;
        zone_rect(f, g, (rm_line)l, 0.0, ZONE_ACHILLES_END, RM_ZONE_ACHILLES);
        zone_rect(f, g, (rm_line)l, ZONE_ACHILLES_END, gastroc,
                  RM_ZONE_SOLEUS);
        zone_rect(f, g, (rm_line)l, gastroc, ZONE_KNEE_START, head);
        zone_rect(f, g, (rm_line)l, ZONE_KNEE_START, 1.0,
                  RM_ZONE_BELOW_KNEE);
    }
    /* Names above the top band, at the medial line's boundaries. */
    double y = g->band_y0 - 6.0;
    text_at(f, g->x0, y, "start", "zone-name", "Achilles");
    text_at(f, x_of(g, (ZONE_ACHILLES_END + ZONE_GASTROC_MEDIAL) / 2.0), y,
            "middle", "zone-name", "soleus");
    text_at(f, x_of(g, (ZONE_GASTROC_MEDIAL + ZONE_KNEE_START) / 2.0), y,
            "middle", "zone-name",
            g->compact ? "calf muscle heads" : "gastrocnemius heads");
    text_at(f, g->x1, y, "end", "zone-name", g->compact ? "knee"
                                                        : "below knee");
    fputs("</g>\n", f);
}

static void draw_axis(FILE *f, const struct geo *g, const rm_summary *s)
{
    char label[32];
    fputs("<g class=\"axis\">\n<line stroke=\"#333333\"", f);
    attr(f, "x1", g->x0);
    attr(f, "y1", g->axis_y);
    attr(f, "x2", g->x1);
    attr(f, "y2", g->axis_y);
    fputs("/>\n", f);
    for (int pct = 0; pct <= 100; pct += 25) {
        double x = x_of(g, pct / 100.0);
        fputs("<line stroke=\"#333333\"", f);
        attr(f, "x1", x);
        attr(f, "y1", g->axis_y);
        attr(f, "x2", x);
        attr(f, "y2", g->axis_y + 6.0);
        fputs("/>\n", f);
        snprintf(label, sizeof label, "%d%%", pct);
        text_at(f, x, g->axis_y + 18.0,
                pct == 0 ? "start" : pct == 100 ? "end" : "middle", "tick",
                label);
    }
    int have_cm = s->calf_found && isfinite(s->calf_length_cm) &&
                  s->calf_length_cm > 1.0 && s->calf_length_cm < 200.0;
    if (have_cm) {
        /* cm ticks every 5 cm from the ankle, below the % ticks. */
        for (int cm = 0; cm <= (int)s->calf_length_cm; cm += 5) {
            double x = x_of(g, cm / s->calf_length_cm);
            snprintf(label, sizeof label, "%d", cm);
            text_at(f, x, g->axis_y + 34.0, "middle", "tick cm", label);
        }
        text_at(f, g->x0 - 10.0, g->axis_y + 34.0, "end", "tick", "cm");
    } else {
        text_at(f, (g->x0 + g->x1) / 2.0, g->axis_y + 34.0, "middle",
                "note", g->compact ? "calf ends not found"
                : "calf ends not found: positions along the calf are "
                  "unknown");
    }
    text_at(f, g->x0, g->axis_y + 52.0, "start", "axis-title", "ankle");
    text_at(f, g->x1, g->axis_y + 52.0, "end", "axis-title", "knee");
    if (!g->compact)
        text_at(f, g->x0 - 10.0, g->axis_y + 18.0, "end", "tick",
                "ankle\xe2\x86\x92knee");
    fputs("</g>\n", f);
}

static void draw_holds(FILE *f, const struct geo *g, const rm_summary *s,
                       const char *sfx)
{
    fputs("<g class=\"holds\">\n", f);
    for (size_t i = 0; s->holds && i < s->n_holds; i++) {
        const rm_hold *h = &s->holds[i];
        if (!frac_ok(h->position_frac) || !line_ok(h->line))
            continue;
        double x = x_of(g, h->position_frac);
        double y = band_top(g, h->line) + g->band_h * 0.55;
        char label[64], dur[32];
        rm_fmt_fixed(dur, sizeof dur, h->duration_s, 0, "?");
        snprintf(label, sizeof label, "H%zu %ss", i + 1, dur);
        fprintf(f, "<g class=\"hold\" id=\"hold-%zu%s\">", i + 1, sfx);
        fprintf(f, "<title>hold %zu: %s s, %s line, %s</title>", i + 1, dur,
                rm_words_line_short(h->line),
                rm_words_technique(h->technique));
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

static void draw_peaks(FILE *f, const struct geo *g, const rm_summary *s,
                       const char *sfx)
{
    fputs("<g class=\"peaks\">\n", f);
    for (size_t i = 0; s->peaks && i < s->n_peaks; i++) {
        const rm_peak *p = &s->peaks[i];
        if (!frac_ok(p->position_frac) || !line_ok(p->line))
            continue;
        double x = x_of(g, p->position_frac);
        double y = band_top(g, p->line) + g->band_h * 0.22;
        char label[32], kpa[32], pts[192], a[3][2][24], score[16];
        rm_fmt_fixed(kpa, sizeof kpa, p->pressure_kpa, 0, "?");
        rm_fmt_fixed(score, sizeof score, p->score, 2, "?");
        snprintf(label, sizeof label, "P%zu", i + 1);
        /* Triangle pointing down at the spot, 8 units high. */
        double v[3][2] = { { x - 6, y - 6 }, { x + 6, y - 6 }, { x, y + 4 } };
        for (int k = 0; k < 3; k++)
            for (int c = 0; c < 2; c++)
                rm_fmt_fixed(a[k][c], sizeof a[k][c], v[k][c], 1, "0");
        snprintf(pts, sizeof pts, "%s,%s %s,%s %s,%s", a[0][0], a[0][1],
                 a[1][0], a[1][1], a[2][0], a[2][1]);
        fprintf(f, "<g class=\"peak\" id=\"peak-%zu%s\" data-zone=\"%s\" "
                   "data-line=\"%s\"", i + 1, sfx, rm_zone_name(p->zone),
                rm_line_name(p->line));
        attr(f, "data-x", x);
        fputs(">", f);
        fprintf(f, "<title>peak %zu: %s kPa, %s line, %s, score %s</title>",
                i + 1, kpa, rm_words_line_short(p->line),
                rm_words_zone(p->zone), score);
        /* The fill darkens with the score: a pale marker is a weak
         * candidate, a black one recurred strongly. */
        char fill[16];
        double sc = isfinite(p->score) ? p->score : 0.0;
        int grey = (int)lround(255.0 * (1.0 - (sc < 0 ? 0 : sc > 1 ? 1 : sc)));
        snprintf(fill, sizeof fill, "#%02x%02x%02x", grey, grey, grey);
        fprintf(f, "<polygon points=\"%s\" fill=\"%s\" "
                   "stroke=\"#000000\" stroke-width=\"1.5\"/>", pts, fill);
        text_at(f, x + 9.0, y - 2.0, "start", "peak-label", label);
        fputs("</g>\n", f);
    }
    fputs("</g>\n", f);
}

static void key_triangle(FILE *f, double kx, double ky, const char *fill)
{
    char pts[192], a[6][24];
    double v[6] = { kx - 6, ky - 5, kx + 6, ky - 5, kx, ky + 5 };
    for (int k = 0; k < 6; k++)
        rm_fmt_fixed(a[k], sizeof a[k], v[k], 1, "0");
    snprintf(pts, sizeof pts, "%s,%s %s,%s %s,%s", a[0], a[1], a[2], a[3],
             a[4], a[5]);
    fprintf(f, "<polygon points=\"%s\" fill=\"%s\" stroke=\"#000000\" "
               "stroke-width=\"1.5\"/>\n", pts, fill);
}

static void draw_legend(FILE *f, const struct geo *g, int tender,
                        double max_kpa, const char *sfx)
{
    const double x0 = g->compact ? 12.0 : g->x0, w = g->compact ? 220.0
                                                                : 260.0;
    const double y = g->legend_y, h = 12.0;
    char label[48], c[16];
    /* Ids differ per layout: the HTML page holds both pictures. */
    char id[48];
    snprintf(id, sizeof id, "rm-scale%s", sfx);
    fprintf(f, "<g class=\"legend\">\n<defs><linearGradient id=\"%s\" "
               "x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">", id);
    for (int i = 0; i <= 8; i++) {
        colour(c, sizeof c, i / 8.0);
        fprintf(f, "<stop offset=\"%d%%\" stop-color=\"%s\"/>",
                i * 100 / 8, c);
    }
    fprintf(f, "</linearGradient></defs>\n<rect fill=\"url(#%s)\" "
               "stroke=\"#888888\"", id);
    attr(f, "x", x0);
    attr(f, "y", y);
    attr(f, "width", w);
    attr(f, "height", h);
    fputs("/>\n", f);
    /* Tenderness: 0, +10, +20, +30 %; pressure: quarters of the scale. */
    int ticks = tender ? 3 : 4;
    for (int i = 0; i <= ticks; i++) {
        if (tender) {
            char pct[24];
            rm_fmt_fixed(pct, sizeof pct, TENDER_SCALE_MAX * 100.0 * i / ticks,
                         0, "0");
            snprintf(label, sizeof label, "%s%s%%", i ? "+" : "", pct);
        } else {
            rm_fmt_fixed(label, sizeof label, max_kpa * i / ticks, 0, "0");
        }
        text_at(f, x0 + w * i / ticks, y + h + 14.0,
                i == 0 ? "start" : i == ticks ? "end" : "middle", "tick",
                label);
    }
    text_at(f, x0, y - 6.0, "start", "tick", tender ?
            (g->compact ? "rise over the tissue around, fixed scale"
                        : "rise of pressure over the tissue around it "
                          "(same line), fixed scale")
            : "peak-cell pressure, kPa (grey: not rolled)");
    /* Symbol key: right of the scale, or under it when compact. */
    double kx = g->compact ? x0 + 6.0 : x0 + w + 60.0;
    double ky = g->compact ? y + h + 40.0 : y + 2.0;
    fputs("<circle r=\"6\" fill=\"#ffffff\" stroke=\"#1b4f9c\" "
          "stroke-width=\"2.5\"", f);
    attr(f, "cx", kx);
    attr(f, "cy", ky);
    fputs("/>\n", f);
    text_at(f, kx + 12.0, ky + 5.0, "start", "tick",
            "H: hold (label: seconds)");
    key_triangle(f, kx, ky + 22.0, "#000000");
    text_at(f, kx + 12.0, ky + 27.0, "start", "tick",
            "P: pressure peak (candidate tender spot);");
    text_at(f, kx + 12.0, ky + (g->compact ? 44.0 : 42.0), "start", "tick",
            "darker = recurred more strongly (score)");
    fputs("</g>\n", f);
}

/* The heading of a panel: what it shows, the leg and the date. */
static void panel_title(char *buf, size_t cap, const struct geo *g,
                        const rm_summary *s, const rm_session_meta *meta,
                        int tender)
{
    char utc[32];
    rm_fmt_utc(utc, sizeof utc, meta ? meta->start_unix_us : 0);
    if (utc[0])
        utc[10] = '\0';             /* the date is enough in a title */
    const char *what = tender ? (g->compact ? "Tenderness" : "Tenderness map")
                              : (g->compact ? "Pressure" : "Pressure map");
    if (s->leg == RM_LEG_UNKNOWN)
        snprintf(buf, cap, "%s (leg not recorded)", what);
    else
        snprintf(buf, cap, "%s: %s leg", what, rm_leg_name(s->leg));
    if (utc[0])
        snprintf(buf + strlen(buf), cap - strlen(buf), ", %s", utc);
}

static void draw_panel(FILE *out, const struct geo *g, const rm_summary *s,
                       const rm_session_meta *meta, int tender,
                       const char *sfx, const char *panel_sfx)
{
    char title[160];
    panel_title(title, sizeof title, g, s, meta, tender);
    fprintf(out, "<svg class=\"panel %s\" id=\"panel-%s%s\" x=\"0\" "
                 "y=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
            tender ? "tenderness" : "pressure",
            tender ? "tenderness" : "pressure", panel_sfx,
            tender ? 0 : (int)g->h,
            (int)g->w, (int)g->h, (int)g->w, (int)g->h);
    fputs("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n", out);
    text_at(out, g->compact ? 12.0 : g->x0, 30.0, "start", "heading", title);
    double max_kpa = rm_report_scale_max_kpa(s);
    draw_map(out, g, s, tender, max_kpa);
    draw_zones(out, g, s);
    draw_axis(out, g, s);
    draw_holds(out, g, s, sfx);
    draw_peaks(out, g, s, sfx);
    draw_legend(out, g, tender, max_kpa, sfx);
    fputs("</svg>\n", out);
}

/*
 * One picture, two panels stacked (nested <svg> elements): tenderness on
 * top, absolute pressure below. Ids: the wide picture keeps the plain
 * ones (calf-map, hold-<n>, peak-<n>) on its tenderness panel; the
 * pressure panel adds "-p", the compact picture "-c".
 */
static rm_status draw(const rm_summary *s, const rm_session_meta *meta,
                      int standalone, const struct geo *g, const char *side,
                      FILE *out)
{
    char id[48], sfx[2][24], psfx[24];
    snprintf(id, sizeof id, "calf-map%s%s", g->compact ? "-compact" : "",
             side);
    snprintf(sfx[0], sizeof sfx[0], "%s%s", g->compact ? "-c" : "", side);
    snprintf(sfx[1], sizeof sfx[1], "%s%s", g->compact ? "-c-p" : "-p", side);
    snprintf(psfx, sizeof psfx, "%s%s", g->compact ? "-c" : "", side);
    char title[200], utc[32];
    rm_fmt_utc(utc, sizeof utc, meta ? meta->start_unix_us : 0);
    if (utc[0])
        utc[10] = '\0';
    snprintf(title, sizeof title, "Calf maps, tenderness and pressure: %s%s%s",
             s->leg == RM_LEG_UNKNOWN ? "leg not recorded" : rm_leg_name(s->leg),
             s->leg == RM_LEG_UNKNOWN ? "" : " leg", "");
    if (utc[0])
        snprintf(title + strlen(title), sizeof title - strlen(title), ", %s",
                 utc);
    if (standalone)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" "
                 "class=\"rollmap-calf-map %s\" role=\"img\" "
                 "aria-labelledby=\"%s-title\"", id,
            g->compact ? "compact" : "wide", id);
    fprintf(out, " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                 "font-family=\"sans-serif\">\n",
            (int)g->w, 2 * (int)g->h, (int)g->w, 2 * (int)g->h);
    fprintf(out, "<title id=\"%s-title\">", id);
    rm_xml_put(out, title, sizeof title);
    /* Text is at least 13 units: the compact 400-unit picture in the
     * 366 px a 390 px phone leaves draws it at 11.9 px, the wide one on
     * an A4 page (718 px) at 11.7 px. Scoped by the picture's id, since
     * the HTML page holds both layouts. */
    fputs("</title>\n<style>", out);
    fprintf(out, "#%s .band{font-size:14px;fill:#222}", id);
    fprintf(out, "#%s .tick{font-size:13px;fill:#333}", id);
    fprintf(out, "#%s .zone-name{font-size:13px;fill:#333;"
                 "font-style:italic}", id);
    fprintf(out, "#%s .note{font-size:13px;fill:#555;font-style:italic}", id);
    fprintf(out, "#%s .axis-title{font-size:13px;fill:#222;"
                 "font-weight:bold}", id);
    fprintf(out, "#%s .hold-label{font-size:13px;fill:#1b4f9c;"
                 "font-weight:bold}", id);
    fprintf(out, "#%s .peak-label{font-size:13px;fill:#000;"
                 "font-weight:bold}", id);
    fprintf(out, "#%s .heading{font-size:15px;fill:#111;font-weight:bold}",
            id);
    fputs("</style>\n", out);
    draw_panel(out, g, s, meta, 1, sfx[0], psfx);
    draw_panel(out, g, s, meta, 0, sfx[1], psfx);
    fputs("</svg>\n", out);
    return rm_report_stream_status(out);
}

rm_status rm_report_svg(const rm_summary *s, const rm_session_meta *meta,
                        int standalone, FILE *out)
{
    return draw(s, meta, standalone, &WIDE, "", out);
}

rm_status rm_report_svg_side(const rm_summary *s, const rm_session_meta *meta,
                             int compact, const char *side, FILE *out)
{
    return draw(s, meta, 0, compact ? &COMPACT : &WIDE, side, out);
}

void rm_report_tender_colour(char *buf, size_t cap, double tenderness)
{
    colour(buf, cap, tenderness / TENDER_SCALE_MAX);
}

double rm_report_tenderness(const rm_summary *s, rm_line line, size_t bin)
{
    if (!have_tenderness(s) || line < RM_LINE_MEDIAL ||
        line > RM_LINE_LATERAL || bin >= s->map_bins)
        return NAN;
    return tenderness_at(s, s->map_kpa + (size_t)(line - 1) * s->map_bins,
                         (long)bin);
}

rm_zone rm_report_zone_at(double frac, rm_line line)
{
    if (frac < ZONE_ACHILLES_END)
        return RM_ZONE_ACHILLES;
    if (frac > ZONE_KNEE_START)
        return RM_ZONE_BELOW_KNEE;
    if (line == RM_LINE_LATERAL)
        return frac >= ZONE_GASTROC_LATERAL ? RM_ZONE_GASTROC_LATERAL
                                            : RM_ZONE_SOLEUS;
    return frac >= ZONE_GASTROC_MEDIAL ? RM_ZONE_GASTROC_MEDIAL
                                       : RM_ZONE_SOLEUS;
}

rm_status rm_report_svg_layout(const rm_summary *s,
                               const rm_session_meta *meta, int compact,
                               FILE *out)
{
    return draw(s, meta, 0, compact ? &COMPACT : &WIDE, "", out);
}
