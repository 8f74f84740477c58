/*
 * Both calves in one report: two sessions (left, right) analysed as
 * `report` does, and per anatomical zone the left-right asymmetry of
 * tenderness, pressure, coverage and hold time; text, JSON, SVG (the two
 * calves' maps side by side) and HTML. Zone statistics come from the
 * same map the pictures draw (svg.c), so tables and maps agree.
 */
#include <math.h>
#include <string.h>

#include <json-c/json.h>

#include "report_internal.h"

#define N_ZONES 5

struct zone_stat {
    double tender;     /* highest rise over the flanks in the zone, fraction */
    double kpa;        /* mean mapped pressure, kPa */
    double coverage;   /* share of the zone's map cells rolled, 0..1 */
    double hold_s;     /* time held in the zone, s */
};

struct side {
    const char *path;
    const rm_summary *s;
    const rm_session_meta *meta;
    struct zone_stat z[N_ZONES];
};

static void zone_stats(struct side *d)
{
    const rm_summary *s = d->s;
    double ksum[N_ZONES] = { 0 }, kn[N_ZONES] = { 0 }, cells[N_ZONES] = { 0 };
    for (int z = 0; z < N_ZONES; z++)
        d->z[z] = (struct zone_stat){ NAN, NAN, NAN, 0.0 };
    for (int l = RM_LINE_MEDIAL; s->map_kpa && s->calf_found &&
                                 l <= RM_LINE_LATERAL; l++) {
        const float *row = s->map_kpa + (size_t)(l - 1) * s->map_bins;
        for (size_t i = 0; i < s->map_bins; i++) {
            double frac = ((double)i + 0.5) / (double)s->map_bins;
            int z = (int)rm_report_zone_at(frac, (rm_line)l);
            cells[z] += 1.0;
            if (!isfinite(row[i]))
                continue;
            ksum[z] += row[i];
            kn[z] += 1.0;
            double t = rm_report_tenderness(s, (rm_line)l, i);
            if (isfinite(t) && !(t <= d->z[z].tender))
                d->z[z].tender = t;
        }
    }
    for (int z = 0; z < N_ZONES; z++) {
        if (kn[z] > 0)
            d->z[z].kpa = ksum[z] / kn[z];
        if (cells[z] > 0)
            d->z[z].coverage = kn[z] / cells[z];
    }
    for (size_t i = 0; s->holds && i < s->n_holds; i++) {
        const rm_hold *h = &s->holds[i];
        if (!isfinite(h->position_frac) || !isfinite(h->duration_s))
            continue;
        d->z[rm_report_zone_at(h->position_frac, h->line)].hold_s +=
            h->duration_s;
    }
}

/* Left minus right over their mean, percent; NAN when either is unknown
 * or both are zero. Example: 120 vs 100 kPa -> +18 %. */
static double asym_pct(double l, double r)
{
    double m = (l + r) / 2.0;
    return isfinite(l) && isfinite(r) && m > 0 ? 100.0 * (l - r) / m : NAN;
}

/* ---- text ---- */

static void fmt(char *buf, size_t cap, double v, int dec, const char *unit)
{
    char n[24];
    rm_fmt_fixed(n, sizeof n, v, dec, "-");
    snprintf(buf, cap, "%s%s", n, isfinite(v) ? unit : "");
}

static void fmt_signed(char *buf, size_t cap, double v, const char *unit)
{
    char n[24];
    rm_fmt_fixed(n, sizeof n, v, 0, "-");
    snprintf(buf, cap, "%s%s%s", isfinite(v) && v > 0 ? "+" : "", n,
             isfinite(v) ? unit : "");
}

static void write_text(const struct side d[2], FILE *f)
{
    fprintf(f, "rollmap report: both calves (rollmap %s)\n\n",
            rm_version_string());
    for (int k = 0; k < 2; k++) {
        char utc[32], dur[32];
        rm_fmt_utc(utc, sizeof utc, d[k].meta->start_unix_us);
        rm_fmt_clock(dur, sizeof dur, d[k].s->duration_s);
        char clean[600];
        rm_utf8_clean(d[k].path, 180, clean, sizeof clean);
        for (char *p = clean; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = '?';
        fprintf(f, "  %-5s  %s, started %s, %s, %zu holds, %zu peaks\n",
                k ? "Right" : "Left", clean, utc[0] ? utc : "unknown", dur,
                d[k].s->n_holds, d[k].s->n_peaks);
    }
    fputs("\nAsymmetry by zone (left vs right; +: left higher)\n", f);
    fprintf(f, "  %-23s %-17s %-19s %-17s %s\n", "zone", "tenderness",
            "pressure kPa", "coverage", "hold s");
    for (int z = 0; z < N_ZONES; z++) {
        const struct zone_stat *l = &d[0].z[z], *r = &d[1].z[z];
        char a[3][48], b[3][48], c[3][48], e[3][48];
        fmt(a[0], 48, 100 * l->tender, 0, "%");
        fmt(a[1], 48, 100 * r->tender, 0, "%");
        fmt_signed(a[2], 48, 100 * (l->tender - r->tender), "pt");
        fmt(b[0], 48, l->kpa, 0, "");
        fmt(b[1], 48, r->kpa, 0, "");
        fmt_signed(b[2], 48, asym_pct(l->kpa, r->kpa), "%");
        fmt(c[0], 48, 100 * l->coverage, 0, "%");
        fmt(c[1], 48, 100 * r->coverage, 0, "%");
        fmt_signed(c[2], 48, 100 * (l->coverage - r->coverage), "pt");
        fmt(e[0], 48, l->hold_s, 0, "");
        fmt(e[1], 48, r->hold_s, 0, "");
        fmt_signed(e[2], 48, l->hold_s - r->hold_s, "s");
        char t[160], p[160], cv[160], h[160];
        snprintf(t, sizeof t, "%s/%s %s", a[0], a[1], a[2]);
        snprintf(p, sizeof p, "%s/%s %s", b[0], b[1], b[2]);
        snprintf(cv, sizeof cv, "%s/%s %s", c[0], c[1], c[2]);
        snprintf(h, sizeof h, "%s/%s %s", e[0], e[1], e[2]);
        fprintf(f, "  %-23s %-17s %-19s %-17s %s\n",
                rm_words_zone((rm_zone)z), t, p, cv, h);
    }
    fputs("\nTenderness: the highest rise of pressure over the tissue around "
          "it on the\nsame line, in the zone. Pressure: mean mapped "
          "pressure. Coverage: share of\nthe zone rolled. The two sessions' "
          "own reports give the details.\n", f);
}

/* ---- JSON ---- */

static json_object *num_or_null(double v)
{
    return isfinite(v) ? json_object_new_double(v) : NULL;
}

static json_object *zone_side(const struct zone_stat *z)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "tenderness_rise", num_or_null(z->tender));
    json_object_object_add(o, "pressure_kpa", num_or_null(z->kpa));
    json_object_object_add(o, "coverage", num_or_null(z->coverage));
    json_object_object_add(o, "hold_s", num_or_null(z->hold_s));
    return o;
}

static rm_status write_json(const struct side d[2], FILE *f)
{
    json_object *root = json_object_new_object();
    if (!root)
        return RM_ERR_NOMEM;
    json_object_object_add(root, "schema",
                           json_object_new_string("rollmap-pair 1.0"));
    for (int k = 0; k < 2; k++) {
        json_object *o = json_object_new_object();
        char clean[600], utc[32];
        rm_utf8_clean(d[k].path, 180, clean, sizeof clean);
        rm_fmt_utc(utc, sizeof utc, d[k].meta->start_unix_us);
        json_object_object_add(o, "file", json_object_new_string(clean));
        json_object_object_add(o, "start_utc", utc[0] ?
                               json_object_new_string(utc) : NULL);
        json_object_object_add(o, "duration_s",
                               num_or_null(d[k].s->duration_s));
        json_object_object_add(o, "holds",
                               json_object_new_int64((int64_t)d[k].s->n_holds));
        json_object_object_add(o, "peaks",
                               json_object_new_int64((int64_t)d[k].s->n_peaks));
        json_object_object_add(root, k ? "right" : "left", o);
    }
    json_object *zones = json_object_new_array();
    for (int z = 0; z < N_ZONES; z++) {
        const struct zone_stat *l = &d[0].z[z], *r = &d[1].z[z];
        json_object *o = json_object_new_object(), *a = json_object_new_object();
        json_object_object_add(o, "zone",
                               json_object_new_string(rm_zone_name((rm_zone)z)));
        json_object_object_add(o, "left", zone_side(l));
        json_object_object_add(o, "right", zone_side(r));
        json_object_object_add(a, "tenderness_points",
                               num_or_null(100 * (l->tender - r->tender)));
        json_object_object_add(a, "pressure_pct",
                               num_or_null(asym_pct(l->kpa, r->kpa)));
        json_object_object_add(a, "coverage_points",
                               num_or_null(100 * (l->coverage - r->coverage)));
        json_object_object_add(a, "hold_s",
                               num_or_null(l->hold_s - r->hold_s));
        json_object_object_add(o, "left_minus_right", a);
        json_object_array_add(zones, o);
    }
    json_object_object_add(root, "zones", zones);
    fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE),
          f);
    fputc('\n', f);
    json_object_put(root);
    return RM_OK;
}

/* ---- SVG: the two calves' pictures side by side ---- */

static rm_status write_svg(const struct side d[2], FILE *f)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"calf-maps-both\" "
          "viewBox=\"0 0 1600 840\" width=\"1600\" height=\"840\">\n"
          "<title>Both calves: left (left half), right (right half)</title>\n",
          f);
    for (int k = 0; k < 2; k++) {
        fprintf(f, "<g transform=\"translate(%d,0)\">\n", k ? 800 : 0);
        rm_status st = rm_report_svg_side(d[k].s, d[k].meta, 0,
                                          k ? "-right" : "-left", f);
        if (st != RM_OK)
            return st;
        fputs("</g>\n", f);
    }
    fputs("</svg>\n", f);
    return rm_report_stream_status(f);
}

/* ---- HTML ---- */

static void td(FILE *f, const char *label, const char *text)
{
    fprintf(f, "<td data-label=\"%s\" class=\"num\">", label);
    rm_xml_put(f, text, 64);
    fputs("</td>", f);
}

static rm_status write_html(const struct side d[2], FILE *f)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
          "'none'; style-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<title>rollmap report: both calves</title>\n"
          "<style>\n", f);
    fputs(rm_report_html_css(), f);
    fputs("</style>\n</head>\n<body>\n<h1>rollmap report: both calves</h1>\n"
          "<section id=\"asymmetry\"><h2>Left and right by zone</h2>\n"
          "<p>+ means the left calf is higher. Tenderness: the highest rise "
          "of pressure over the tissue around it on the same line; "
          "pressure: mean mapped pressure; coverage: share of the zone "
          "rolled.</p>\n<table class=\"data\"><thead><tr><th>Zone</th>"
          "<th>Tenderness L / R</th><th>Difference</th>"
          "<th>Pressure L / R</th><th>Difference</th>"
          "<th>Coverage L / R</th><th>Difference</th>"
          "<th>Hold time L / R</th><th>Difference</th></tr></thead><tbody>\n",
          f);
    for (int z = 0; z < N_ZONES; z++) {
        const struct zone_stat *l = &d[0].z[z], *r = &d[1].z[z];
        char a[48], b[48], x[112], dd[48];
        fprintf(f, "<tr><td data-label=\"Zone\" class=\"id\">%s</td>",
                rm_words_zone((rm_zone)z));
        fmt(a, 48, 100 * l->tender, 0, " %");
        fmt(b, 48, 100 * r->tender, 0, " %");
        snprintf(x, sizeof x, "%s / %s", a, b);
        td(f, "Tenderness L / R", x);
        fmt_signed(dd, 48, 100 * (l->tender - r->tender), " points");
        td(f, "Difference", dd);
        fmt(a, 48, l->kpa, 0, " kPa");
        fmt(b, 48, r->kpa, 0, " kPa");
        snprintf(x, sizeof x, "%s / %s", a, b);
        td(f, "Pressure L / R", x);
        fmt_signed(dd, 48, asym_pct(l->kpa, r->kpa), " %");
        td(f, "Difference", dd);
        fmt(a, 48, 100 * l->coverage, 0, " %");
        fmt(b, 48, 100 * r->coverage, 0, " %");
        snprintf(x, sizeof x, "%s / %s", a, b);
        td(f, "Coverage L / R", x);
        fmt_signed(dd, 48, 100 * (l->coverage - r->coverage), " points");
        td(f, "Difference", dd);
        fmt(a, 48, l->hold_s, 0, " s");
        fmt(b, 48, r->hold_s, 0, " s");
        snprintf(x, sizeof x, "%s / %s", a, b);
        td(f, "Hold time L / R", x);
        fmt_signed(dd, 48, l->hold_s - r->hold_s, " s");
        td(f, "Difference", dd);
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table></section>\n", f);
    for (int k = 0; k < 2; k++) {
        const char *side = k ? "-right" : "-left";
        fprintf(f, "<section id=\"map%s\"><h2>%s calf</h2>\n<p>", side,
                k ? "Right" : "Left");
        rm_xml_put(f, d[k].path, 256);
        fprintf(f, ": %zu holds, %zu pressure peaks.</p>\n<figure>\n",
                d[k].s->n_holds, d[k].s->n_peaks);
        rm_status st = rm_report_svg_side(d[k].s, d[k].meta, 0, side, f);
        if (st == RM_OK)
            st = rm_report_svg_side(d[k].s, d[k].meta, 1, side, f);
        if (st != RM_OK)
            return st;
        fputs("</figure></section>\n", f);
    }
    fprintf(f, "<footer><p>Generated by rollmap %s. Each calf's own report "
               "gives its tables and guidance.</p></footer>\n</body>\n"
               "</html>\n", rm_version_string());
    return rm_report_stream_status(f);
}

rm_status rm_report_pair_write(const char *const paths[2],
                               const rm_summary *const sums[2],
                               const rm_session_meta *const metas[2],
                               rm_report_format fmt, FILE *out)
{
    struct side d[2];
    memset(d, 0, sizeof d);
    for (int k = 0; k < 2; k++) {
        d[k].path = paths[k];
        d[k].s = sums[k];
        d[k].meta = metas[k];
        zone_stats(&d[k]);
    }
    rm_status st;
    switch (fmt) {
    case RM_REPORT_TEXT: write_text(d, out); st = RM_OK; break;
    case RM_REPORT_JSON: st = write_json(d, out); break;
    case RM_REPORT_SVG:  st = write_svg(d, out); break;
    case RM_REPORT_HTML: st = write_html(d, out); break;
    default: return RM_ERR_ARG;
    }
    return st == RM_OK ? rm_report_stream_status(out) : st;
}
