/*
 * Report writers on hand-built summaries (check_report_fixture.h): JSON
 * parses back with the schema's fields and values, CSV has the right
 * rows and columns, SVG and HTML carry the markers and escape hostile
 * strings, text fits 80 columns; trend matches spots across sessions.
 */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_report_fixture.h"
#include "rollmap.h"

/* Capture what a writer prints. */
struct capture {
    char *buf;
    size_t len;
    FILE *f;
};

static void cap_open(struct capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    ck_assert_ptr_nonnull(c->f);
}

static char *cap_close(struct capture *c)
{
    fclose(c->f);
    return c->buf;
}

static char *render(const rm_summary *s, const rm_session_meta *meta,
                    rm_report_format fmt)
{
    struct capture c;
    cap_open(&c);
    ck_assert_int_eq(rm_report_write(s, meta, fmt, c.f), RM_OK);
    return cap_close(&c);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    ck_assert_msg(json_object_object_get_ex(o, key, &v), "no key '%s'", key);
    return v;
}

static const char *get_str(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    ck_assert_msg(json_object_is_type(v, json_type_string),
                  "'%s' is not a string", key);
    return json_object_get_string(v);
}

static double get_num(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    ck_assert_msg(json_object_is_type(v, json_type_double) ||
                      json_object_is_type(v, json_type_int),
                  "'%s' is not a number", key);
    return json_object_get_double(v);
}

static int is_null(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && v == NULL;
}

/* ------------------------------------------------------------------ */

START_TEST(test_report_format_names_round_trip)
{
    const char *names[] = { "text", "json", "csv", "svg", "html" };
    for (size_t i = 0; i < 5; i++) {
        rm_report_format fmt;
        ck_assert_int_eq(rm_report_format_parse(names[i], &fmt), RM_OK);
        ck_assert_str_eq(rm_report_format_name(fmt), names[i]);
    }
    rm_report_format fmt = RM_REPORT_TEXT;
    ck_assert_int_eq(rm_report_format_parse("JSON", &fmt), RM_ERR_ARG);
    ck_assert_int_eq(rm_report_format_parse("pdf", &fmt), RM_ERR_ARG);
    ck_assert_int_eq(rm_report_format_parse(NULL, &fmt), RM_ERR_ARG);
    ck_assert_str_eq(rm_report_format_name((rm_report_format)42), "unknown");
}
END_TEST

START_TEST(test_report_write_refuses_csv_and_null)
{
    struct fixture fx;
    fixture_full(&fx);
    FILE *f = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(rm_report_write(&fx.s, &fx.meta, RM_REPORT_CSV, f),
                     RM_ERR_ARG);
    ck_assert_int_eq(rm_report_write(NULL, &fx.meta, RM_REPORT_TEXT, f),
                     RM_ERR_ARG);
    ck_assert_int_eq(rm_report_write(&fx.s, &fx.meta, RM_REPORT_TEXT, NULL),
                     RM_ERR_ARG);
    fclose(f);
}
END_TEST

START_TEST(test_report_write_reports_io_failure)
{
    struct fixture fx;
    fixture_full(&fx);
    /* A stream opened for reading refuses every write. */
    FILE *f = fopen("/dev/null", "r");
    ck_assert_ptr_nonnull(f);
    rm_report_format fmts[] = { RM_REPORT_TEXT, RM_REPORT_JSON,
                                RM_REPORT_SVG, RM_REPORT_HTML };
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(rm_report_write(&fx.s, &fx.meta, fmts[i], f),
                         RM_ERR_IO);
    fclose(f);
}
END_TEST

START_TEST(test_json_parses_back_with_schema_fields)
{
    struct fixture fx;
    fixture_full(&fx);
    char *text = render(&fx.s, &fx.meta, RM_REPORT_JSON);
    json_object *root = json_tokener_parse(text);
    ck_assert_ptr_nonnull(root);
    ck_assert_str_eq(get_str(root, "version"), RM_REPORT_SCHEMA_VERSION_1_1);
    char gen[64];
    snprintf(gen, sizeof gen, "rollmap %s", rm_version_string());
    ck_assert_str_eq(get_str(root, "generator"), gen);

    json_object *sess = get(root, "session");
    ck_assert_double_eq_tol(get_num(sess, "duration_s"), 312.0, 1e-9);
    ck_assert_double_eq_tol(get_num(sess, "sample_rate_hz"), 80.0, 1e-9);
    ck_assert_int_eq((int)get_num(sess, "cells"), 12);
    ck_assert_int_eq((int)get_num(sess, "frames"), 24957);
    ck_assert_int_eq((int)get_num(sess, "dropped_frames"), 3);
    ck_assert_str_eq(get_str(sess, "leg"), "left");
    ck_assert_str_eq(get_str(sess, "start_utc"), "2025-11-21T05:37:51Z");
    ck_assert_str_eq(get_str(sess, "notes"), "after a 10 km run");
    ck_assert_str_eq(get_str(sess, "serial"), "RA-0042");

    json_object *calf = get(root, "calf");
    ck_assert(json_object_get_boolean(get(calf, "found")));
    ck_assert_double_eq_tol(get_num(calf, "length_cm"), 32.0, 1e-9);

    json_object *passes = get(root, "passes");
    ck_assert_int_eq((int)json_object_array_length(passes), 4);
    json_object *p1 = json_object_array_get_idx(passes, 1);
    ck_assert_int_eq((int)get_num(p1, "direction"), -1);
    ck_assert_int_eq((int)get_num(json_object_array_get_idx(passes, 0),
                                  "direction"), 1);
    ck_assert_str_eq(get_str(p1, "line"), "medial");
    ck_assert_double_eq_tol(get_num(p1, "from_cm"), 31.0, 1e-9);
    ck_assert_double_eq_tol(get_num(p1, "mean_speed_cm_s"), 2.5, 1e-9);

    json_object *holds = get(root, "holds");
    ck_assert_int_eq((int)json_object_array_length(holds), 3);
    json_object *h2 = json_object_array_get_idx(holds, 2);
    ck_assert_double_eq_tol(get_num(h2, "start_s"), 170.0, 1e-9);
    ck_assert_double_eq_tol(get_num(h2, "duration_s"), 105.5, 1e-9);
    ck_assert_double_eq_tol(get_num(h2, "position_cm"), 24.0, 1e-9);
    ck_assert_double_eq_tol(get_num(h2, "position_frac"), 0.75, 1e-9);
    ck_assert_str_eq(get_str(h2, "line"), "lateral");
    ck_assert_double_eq_tol(get_num(h2, "peak_force_n"), 410.0, 1e-9);
    ck_assert_double_eq_tol(get_num(h2, "peak_pressure_kpa"), 131.0, 1e-9);
    ck_assert_str_eq(get_str(h2, "technique"), "pin_and_stretch");
    ck_assert_int_eq((int)get_num(h2, "flexes"), 7);
    ck_assert_str_eq(get_str(json_object_array_get_idx(holds, 1),
                             "technique"), "rocking");

    json_object *peaks = get(root, "peaks");
    ck_assert_int_eq((int)json_object_array_length(peaks), 3);
    json_object *pk0 = json_object_array_get_idx(peaks, 0);
    ck_assert_str_eq(get_str(pk0, "zone"), "gastrocnemius_medial");
    ck_assert_double_eq_tol(get_num(pk0, "pressure_kpa"), 137.5, 1e-9);
    ck_assert_double_eq_tol(get_num(pk0, "score"), 0.82, 1e-9);
    ck_assert_int_eq((int)get_num(pk0, "passes"), 5);

    json_object *cov = get(root, "coverage");
    ck_assert_double_eq_tol(get_num(cov, "medial"), 0.95, 1e-9);
    ck_assert_double_eq_tol(get_num(cov, "middle"), 0.4, 1e-9);
    ck_assert_double_eq_tol(get_num(cov, "lateral"), 0.9, 1e-9);

    json_object *g = get(root, "guidance");
    ck_assert_int_eq((int)json_object_array_length(g), 3);
    ck_assert_str_eq(get_str(json_object_array_get_idx(g, 1), "level"),
                     "caution");
    ck_assert_str_eq(get_str(json_object_array_get_idx(g, 0), "code"),
                     "hold_short");

    json_object *map = get(root, "map");
    ck_assert_int_eq((int)get_num(map, "bins"), FIX_MAP_BINS);
    json_object *middle = get(map, "middle");
    ck_assert_int_eq((int)json_object_array_length(middle), FIX_MAP_BINS);
    ck_assert_ptr_null(json_object_array_get_idx(middle, FIX_MAP_BINS - 1));
    ck_assert_ptr_nonnull(json_object_array_get_idx(middle, 0));
    json_object_put(root);
    free(text);
}
END_TEST

START_TEST(test_json_unknown_values_are_null)
{
    struct fixture fx;
    fixture_full(&fx);
    char *text = render(&fx.s, &fx.meta, RM_REPORT_JSON);
    ck_assert_ptr_null(strstr(text, "nan"));
    ck_assert_ptr_null(strstr(text, "NaN"));
    json_object *root = json_tokener_parse(text);
    ck_assert_ptr_nonnull(root);
    json_object *fl = json_object_array_get_idx(get(root, "flinches"), 0);
    ck_assert(is_null(fl, "position_cm"));
    ck_assert(is_null(fl, "position_frac"));
    ck_assert_double_eq_tol(get_num(fl, "force_before_n"), 402.0, 1e-9);
    json_object_put(root);
    free(text);

    fixture_thin(&fx);
    text = render(&fx.s, NULL, RM_REPORT_JSON);
    root = json_tokener_parse(text);
    ck_assert_ptr_nonnull(root);
    json_object *calf = get(root, "calf");
    ck_assert(!json_object_get_boolean(get(calf, "found")));
    ck_assert(is_null(calf, "length_cm"));
    json_object *sess = get(root, "session");
    ck_assert(is_null(sess, "start_utc"));
    ck_assert(is_null(sess, "notes"));
    ck_assert_str_eq(get_str(sess, "leg"), "unknown");
    ck_assert_int_eq((int)json_object_array_length(get(root, "holds")), 0);
    ck_assert_int_eq((int)json_object_array_length(get(root, "peaks")), 0);
    ck_assert(is_null(root, "map"));
    json_object_put(root);
    free(text);
}
END_TEST

START_TEST(test_json_escapes_hostile_note)
{
    struct fixture fx;
    fixture_full(&fx);
    snprintf(fx.meta.notes, sizeof fx.meta.notes, "%s", FIX_HOSTILE_NOTE);
    char *text = render(&fx.s, &fx.meta, RM_REPORT_JSON);
    /* No raw control byte or invalid UTF-8 reaches the document. */
    ck_assert_ptr_null(strchr(text, '\x1b'));
    ck_assert_ptr_null(strchr(text, '\xff'));
    json_object *root = json_tokener_parse(text);
    ck_assert_ptr_nonnull(root);
    const char *note = get_str(get(root, "session"), "notes");
    ck_assert_ptr_nonnull(strstr(note, "<script>document.title='PWNED'"));
    ck_assert_ptr_nonnull(strstr(note, "\"quoted\" & 'single' back\\slash"));
    /* ESC, \x01 and \xff each became U+FFFD. */
    ck_assert_int_eq((int)count(note, "\xef\xbf\xbd"), 3);
    ck_assert_ptr_nonnull(strstr(note, "bad\xef\xbf\xbd end"));
    json_object_put(root);
    free(text);
}
END_TEST

START_TEST(test_csv_has_header_and_one_row_per_sample)
{
    struct capture c;
    rm_csv_writer *w = NULL;
    cap_open(&c);
    ck_assert_int_eq(rm_csv_writer_new(c.f, 12, &w, NULL), RM_OK);
    rm_sample smp = { 0 };
    smp.cells = 12;
    for (int i = 0; i < 5; i++) {
        smp.time_s = i / 80.0;
        smp.in_contact = i > 0;
        smp.position_cm = i == 0 ? NAN : 10.0 + i;
        smp.position_frac = i == 0 ? NAN : (10.0 + i) / 32.0;
        smp.line = i == 0 ? RM_LINE_UNKNOWN : RM_LINE_MEDIAL;
        smp.force_n = 100.0 * i;
        smp.cop_mm = 120.5;
        for (int k = 0; k < 12; k++)
            smp.cell_n[k] = k + 0.25;
        ck_assert_int_eq(rm_csv_writer_row(w, &smp), RM_OK);
    }
    ck_assert_uint_eq(rm_csv_writer_rows(w), 5);
    ck_assert_int_eq(rm_csv_writer_close(w), RM_OK);
    char *text = cap_close(&c);

    ck_assert_int_eq((int)count(text, "\n"), 6);
    ck_assert_ptr_nonnull(strstr(text,
        "time_s,in_contact,position_cm,position_frac,line,force_n,cop_mm,"
        "cell0_n,cell1_n,"));
    ck_assert_ptr_nonnull(strstr(text, ",cell11_n\n"));
    ck_assert_ptr_null(strstr(text, "cell12_n"));
    /* Every line has 7 + 12 fields. */
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        ck_assert_ptr_nonnull(end);
        size_t commas = 0;
        for (char *p = line; p < end; p++)
            commas += *p == ',';
        ck_assert_uint_eq(commas, 18);
        line = end + 1;
    }
    /* Unknown position: empty fields; known values with enough digits. */
    ck_assert_ptr_nonnull(strstr(text, "\n0.0000,0,,,unknown,0.0000,120.50,"
                                       "0.2500,1.2500,"));
    ck_assert_ptr_nonnull(strstr(text, "\n0.0125,1,11.000,0.34375,medial,"
                                       "100.0000,"));
    free(text);
}
END_TEST

START_TEST(test_csv_rows_keep_column_count_and_report_failures)
{
    struct capture c;
    rm_csv_writer *w = NULL;
    cap_open(&c);
    ck_assert_int_eq(rm_csv_writer_new(c.f, 4, &w, NULL), RM_OK);
    rm_sample smp = { 0 };
    smp.cells = 2;              /* fewer than the header: padded */
    smp.cell_n[0] = 1.0;
    smp.cell_n[1] = 2.0;
    ck_assert_int_eq(rm_csv_writer_row(w, &smp), RM_OK);
    /* Rounding, signs, no "-0", and absurd values kept as numbers. */
    smp.cells = 4;
    smp.time_s = 3599.99996;
    smp.force_n = -1.23456;
    smp.cop_mm = -0.004;
    smp.cell_n[0] = -0.00004;
    smp.cell_n[1] = 1e20;
    smp.cell_n[2] = 0.99996;
    smp.cell_n[3] = -12.34567;
    ck_assert_int_eq(rm_csv_writer_row(w, &smp), RM_OK);
    ck_assert_int_eq(rm_csv_writer_close(w), RM_OK);
    char *text = cap_close(&c);
    ck_assert_ptr_nonnull(strstr(text, ",1.0000,2.0000,,\n"));
    ck_assert_ptr_nonnull(strstr(text, "\n3600.0000,0,0.000,0.00000,unknown,-1.2346,"
                                       "0.00,0.0000,1e+20,1.0000,-12.3457\n"));
    free(text);

    rm_error err;
    ck_assert_int_eq(rm_csv_writer_new(stdout, 0, &w, &err), RM_ERR_ARG);
    ck_assert_ptr_null(w);
    ck_assert_int_eq(rm_csv_writer_new(stdout, RM_MAX_CELLS + 1, &w, NULL),
                     RM_ERR_ARG);

    FILE *ro = fopen("/dev/null", "r");
    ck_assert_int_eq(rm_csv_writer_new(ro, 4, &w, NULL), RM_OK);
    ck_assert_int_eq(rm_csv_writer_row(w, &smp), RM_ERR_IO);
    ck_assert_int_eq(rm_csv_writer_close(w), RM_ERR_IO);
    fclose(ro);
}
END_TEST

START_TEST(test_svg_marks_holds_peaks_and_scale)
{
    struct fixture fx;
    fixture_full(&fx);
    char *svg = render(&fx.s, &fx.meta, RM_REPORT_SVG);
    ck_assert_ptr_nonnull(strstr(svg, "<?xml version=\"1.0\""));
    /* One picture of two panels (tenderness, pressure): nested <svg>s. */
    ck_assert_int_eq((int)count(svg, "<svg "), 3);
    ck_assert_int_eq((int)count(svg, "<svg xmlns"), 1);
    ck_assert_int_eq((int)count(svg, "</svg>"), 3);
    ck_assert_int_eq((int)count(svg, "<g"), (int)count(svg, "</g>"));
    ck_assert_ptr_nonnull(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
    ck_assert_int_eq((int)count(svg, "class=\"hold\""), 2 * 3);
    ck_assert_ptr_nonnull(strstr(svg, "id=\"hold-3\""));
    ck_assert_ptr_nonnull(strstr(svg, "id=\"hold-3-p\""));
    ck_assert_ptr_nonnull(strstr(svg, ">H3 106s<"));   /* 105.5 s */
    ck_assert_int_eq((int)count(svg, "class=\"peak\""), 2 * 3);
    ck_assert_ptr_nonnull(strstr(svg, ">P1<"));
    /* A map row per line and panel, each bin a rect; unrolled bins
     * grey (counted in the pressure panel). */
    ck_assert_int_eq((int)count(svg, "class=\"map-row\""), 2 * 3);
    const char *pressure = strstr(svg, "id=\"panel-pressure\"");
    ck_assert_ptr_nonnull(pressure);
    ck_assert_int_eq((int)count(pressure, "fill=\"#eeeeee\"/>"), 4);
    ck_assert_ptr_nonnull(strstr(svg, ">+30%<")); /* fixed tenderness scale */
    /* Colour scale up to 200 kPa (peak 137.5 rounds up), axis labels. */
    ck_assert_ptr_nonnull(strstr(svg, "linearGradient"));
    ck_assert_ptr_nonnull(strstr(svg, ">200<"));
    ck_assert_ptr_nonnull(strstr(svg, ">kPa") ? strstr(svg, ">kPa")
                                              : strstr(svg, "kPa"));
    ck_assert_ptr_nonnull(strstr(svg, ">30<"));        /* cm tick */
    ck_assert_ptr_nonnull(strstr(svg, ">75%<"));
    ck_assert_ptr_nonnull(strstr(svg, ">inner (medial)<"));
    ck_assert_ptr_nonnull(strstr(svg, ">outer (lateral)<"));
    free(svg);
}
END_TEST

START_TEST(test_svg_thin_input_says_what_is_missing)
{
    struct fixture fx;
    fixture_thin(&fx);
    char *svg = render(&fx.s, &fx.meta, RM_REPORT_SVG);
    ck_assert_ptr_nonnull(strstr(svg, "no pressure map"));
    ck_assert_ptr_nonnull(strstr(svg, "calf ends not found"));
    ck_assert_ptr_null(strstr(svg, "class=\"hold\""));
    ck_assert_ptr_null(strstr(svg, "class=\"peak\""));
    ck_assert_int_eq((int)count(svg, "</svg>"), 3);
    free(svg);
}
END_TEST

START_TEST(test_html_escapes_hostile_strings)
{
    struct fixture fx;
    fixture_full(&fx);
    snprintf(fx.meta.notes, sizeof fx.meta.notes, "%s", FIX_HOSTILE_NOTE);
    snprintf(fx.meta.desc.firmware, sizeof fx.meta.desc.firmware,
             "<b onclick=x>fw</b>");
    snprintf(fx.guidance[2].text, sizeof fx.guidance[2].text,
             "</li><script>alert(2)</script>");
    char *html = render(&fx.s, &fx.meta, RM_REPORT_HTML);
    ck_assert_ptr_null(strstr(html, "<script"));
    ck_assert_ptr_null(strstr(html, "<img"));
    ck_assert_ptr_null(strstr(html, "<b "));
    ck_assert_ptr_null(strchr(html, '\x1b'));
    ck_assert_ptr_null(strchr(html, '\xff'));
    ck_assert_ptr_nonnull(strstr(html,
        "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"));
    ck_assert_ptr_nonnull(strstr(html, "&quot;quoted&quot; &amp; "));
    ck_assert_ptr_nonnull(strstr(html, "&lt;b onclick=x&gt;fw&lt;/b&gt;"));
    ck_assert_ptr_nonnull(strstr(html, "&lt;/li&gt;&lt;script&gt;"));
    /* Self-contained: no external references, one inline picture. */
    ck_assert_ptr_null(strstr(html, "src=\""));
    ck_assert_ptr_null(strstr(html, "href="));
    ck_assert_ptr_null(strstr(html, "<link"));
    ck_assert_ptr_null(strstr(html, "<?xml"));
    ck_assert_ptr_nonnull(strstr(html, "Content-Security-Policy"));
    /* Wide and compact pictures, each of two panels. */
    ck_assert_int_eq((int)count(html, "<svg xmlns"), 2);
    ck_assert_int_eq((int)count(html, "<svg "), 6);
    ck_assert_ptr_nonnull(strstr(html, "id=\"hold-row-3\""));
    ck_assert_ptr_nonnull(strstr(html, "id=\"peak-row-1\""));
    ck_assert_ptr_nonnull(strstr(html, "see a professional"));
    free(html);
}
END_TEST

/* Display columns of one line (UTF-8 characters). */
static size_t columns(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n; i++)
        cols += ((unsigned char)s[i] & 0xc0) != 0x80;
    return cols;
}

static void assert_fits_80(const char *text)
{
    int lineno = 1;
    for (const char *line = text; *line; lineno++) {
        const char *end = strchr(line, '\n');
        ck_assert_ptr_nonnull(end);
        ck_assert_msg(columns(line, (size_t)(end - line)) <= 80,
                      "line %d is %zu columns: %.*s", lineno,
                      columns(line, (size_t)(end - line)),
                      (int)(end - line), line);
        line = end + 1;
    }
}

START_TEST(test_text_fits_80_columns)
{
    struct fixture fx;
    fixture_full(&fx);
    /* Long notes with a long unbroken word and the hostile bytes. */
    snprintf(fx.meta.notes, sizeof fx.meta.notes,
             "%s Felt tight after the long run on Sunday, especially high "
             "on the outside of the calf; %s\nsecond line of notes",
             FIX_HOSTILE_NOTE,
             "aVeryLongWordWithoutAnySpacesThatIsWiderThanTheWholeTerminal"
             "LineByItselfAndMustBeCut");
    fx.passes[0].line = RM_LINE_UNKNOWN;
    char *text = render(&fx.s, &fx.meta, RM_REPORT_TEXT);
    assert_fits_80(text);
    ck_assert_ptr_null(strchr(text, '\x1b'));   /* no colour, no ESC */
    ck_assert_ptr_nonnull(strstr(text, "Holds: 3"));
    ck_assert_ptr_nonnull(strstr(text, "30-90"));
    ck_assert_ptr_nonnull(strstr(text, "pin&stretch x7"));
    ck_assert_ptr_nonnull(strstr(text, " short "));
    ck_assert_ptr_nonnull(strstr(text, " long "));
    ck_assert_ptr_nonnull(strstr(text, "32.0 cm, ankle to knee"));
    ck_assert_ptr_nonnull(strstr(text, "gastroc. medial"));
    ck_assert_ptr_nonnull(strstr(text, "2025-11-21 05:37:51 UTC"));
    ck_assert_ptr_nonnull(strstr(text, "caution:"));
    ck_assert_ptr_nonnull(strstr(text, "professional"));
    ck_assert_ptr_nonnull(strstr(text, "second line of notes"));
    /* 3 dropped of 24960 sent. */
    ck_assert_ptr_nonnull(strstr(text, "3 dropped (0.01%)"));
    free(text);
}
END_TEST

START_TEST(test_text_thin_input_says_what_was_not_found)
{
    struct fixture fx;
    fixture_thin(&fx);
    char *text = render(&fx.s, NULL, RM_REPORT_TEXT);
    assert_fits_80(text);
    ck_assert_ptr_nonnull(strstr(text, "were not found"));
    ck_assert_ptr_nonnull(strstr(text, "No holds found"));
    ck_assert_ptr_nonnull(strstr(text, "No pressure peak"));
    ck_assert_ptr_nonnull(strstr(text, "Started     unknown"));
    ck_assert_ptr_nonnull(strstr(text, "never on the roller"));
    ck_assert_ptr_nonnull(strstr(text, "professional"));
    free(text);
}
END_TEST

/* A summary no engine should produce: out-of-range enums, NaN and
 * infinities, huge and negative numbers, unterminated strings, counts
 * with NULL arrays. Every writer must still produce a valid document. */
START_TEST(test_writers_survive_garbage_summary)
{
    struct fixture fx;
    fixture_full(&fx);
    fx.holds[0].line = (rm_line)77;
    fx.holds[0].technique = (rm_technique)-3;
    fx.holds[0].duration_s = -INFINITY;
    fx.holds[0].position_frac = 1e300;
    fx.holds[1].position_frac = NAN;
    fx.holds[1].start_s = 1e300;
    fx.peaks[0].zone = (rm_zone)99;
    fx.peaks[0].pressure_kpa = INFINITY;
    fx.peaks[1].line = (rm_line)-1;
    fx.passes[0].direction = 5;
    fx.passes[1].line = (rm_line)9;
    fx.guidance[0].level = (rm_guidance_level)12;
    memset(fx.guidance[1].code, 'c', sizeof fx.guidance[1].code);
    memset(fx.guidance[1].text, 'x', sizeof fx.guidance[1].text);
    fx.map[5] = INFINITY;
    fx.map[6] = -50.0f;
    fx.s.coverage[RM_LINE_MIDDLE] = NAN;
    fx.s.coverage[RM_LINE_LATERAL] = 7.0;
    fx.s.duration_s = NAN;
    fx.s.rate_hz = -1.0;
    fx.s.calf_length_cm = 1e308;
    fx.s.flinches = NULL;       /* count says 1, array missing */
    fx.meta.start_unix_us = INT64_MAX;
    memset(fx.meta.notes, 0xc3, sizeof fx.meta.notes); /* no NUL, bad UTF-8 */
    memset(fx.meta.desc.serial, '<', sizeof fx.meta.desc.serial);

    char *json = render(&fx.s, &fx.meta, RM_REPORT_JSON);
    json_object *root = json_tokener_parse(json);
    ck_assert_ptr_nonnull(root);
    json_object *h0 = json_object_array_get_idx(get(root, "holds"), 0);
    ck_assert_str_eq(get_str(h0, "line"), "unknown");
    ck_assert_str_eq(get_str(h0, "technique"), "unknown");
    ck_assert(is_null(h0, "duration_s"));
    ck_assert_str_eq(get_str(json_object_array_get_idx(get(root, "peaks"), 0),
                             "zone"), "unknown");
    ck_assert_int_eq((int)json_object_array_length(get(root, "flinches")), 0);
    ck_assert_uint_eq(strlen(get_str(json_object_array_get_idx(
                          get(root, "guidance"), 1), "text")),
                      sizeof fx.guidance[1].text);
    ck_assert(is_null(get(root, "session"), "start_utc"));
    ck_assert_double_eq(get_num(get(root, "calf"), "length_cm"), 1e308);
    json_object_put(root);
    free(json);

    char *text = render(&fx.s, &fx.meta, RM_REPORT_TEXT);
    ck_assert_ptr_nonnull(strstr(text, "Holds: 3"));
    free(text);
    char *svg = render(&fx.s, &fx.meta, RM_REPORT_SVG);
    ck_assert_ptr_null(strstr(svg, "nan"));
    ck_assert_ptr_null(strstr(svg, "inf"));
    /* Holds 1 and 2 and peak 2 cannot be placed: not drawn. */
    ck_assert_ptr_null(strstr(svg, "id=\"hold-1\""));
    ck_assert_ptr_null(strstr(svg, "id=\"hold-2\""));
    ck_assert_ptr_nonnull(strstr(svg, "id=\"hold-3\""));
    ck_assert_ptr_null(strstr(svg, "id=\"peak-2\""));
    free(svg);
    char *html = render(&fx.s, &fx.meta, RM_REPORT_HTML);
    ck_assert_ptr_null(strstr(html, "<<"));
    ck_assert_ptr_nonnull(strstr(html, "&lt;&lt;&lt;"));
    free(html);
}
END_TEST

/* A session with the given start day and peaks. */
static void add_session_leg(rm_trend *t, const char *label, int day,
                            const rm_peak *peaks, size_t n, size_t holds,
                            rm_leg leg)
{
    struct fixture fx;
    fixture_thin(&fx);
    fx.s.leg = leg;
    fx.meta.start_unix_us = (INT64_C(1763683200) + day * 86400) * 1000000;
    fx.s.peaks = peaks;
    fx.s.n_peaks = n;
    fx.s.holds = fx.holds;
    fx.s.n_holds = holds;
    for (size_t i = 0; i < holds; i++)
        fx.holds[i].duration_s = 40.0;
    ck_assert_int_eq(rm_trend_add(t, label, &fx.meta, &fx.s), RM_OK);
}

static void add_session(rm_trend *t, const char *label, int day,
                        const rm_peak *peaks, size_t n, size_t holds)
{
    add_session_leg(t, label, day, peaks, n, holds, RM_LEG_LEFT);
}

START_TEST(test_trend_matches_spots_oldest_first)
{
    /* The medial spot's score falls 0.9 -> 0.5 -> 0.1 over two weeks. */
    const rm_peak a[] = {
        { 20.0, 0.62, RM_LINE_MEDIAL, RM_ZONE_GASTROC_MEDIAL, 140.0, 5, 0.9,
          0.9 },
    };
    const rm_peak b[] = {
        { 21.2, 0.66, RM_LINE_MEDIAL, RM_ZONE_GASTROC_MEDIAL, 120.0, 4, 0.5,
          0.9 },
        { 24.0, 0.75, RM_LINE_MEDIAL, RM_ZONE_GASTROC_MEDIAL, 90.0, 2, 0.4,
          0.9 },
        { 20.5, 0.64, RM_LINE_LATERAL, RM_ZONE_GASTROC_LATERAL, 95.0, 2, 0.4,
          0.9 },
    };
    const rm_peak c[] = {
        { 20.4, 0.64, RM_LINE_MEDIAL, RM_ZONE_GASTROC_MEDIAL, 98.0, 3, 0.1,
          0.9 },
    };
    rm_trend *t = NULL;
    ck_assert_int_eq(rm_trend_new(&t, NULL), RM_OK);
    /* Added out of order: the trend sorts by start time. */
    add_session(t, "third.wav", 14, c, 1, 1);
    add_session(t, "first.wav", 0, a, 1, 3);
    add_session(t, "second.wav", 7, b, 3, 2);
    ck_assert_uint_eq(rm_trend_session_count(t), 3);
    /* Medial ~20 cm (all three), medial 24 cm, lateral 20.5 cm. */
    ck_assert_uint_eq(rm_trend_spot_count(t), 3);

    struct capture cp;
    cap_open(&cp);
    ck_assert_int_eq(rm_trend_write(t, RM_REPORT_JSON, cp.f), RM_OK);
    char *text = cap_close(&cp);
    json_object *root = json_tokener_parse(text);
    ck_assert_ptr_nonnull(root);
    json_object *sessions = get(root, "sessions");
    ck_assert_int_eq((int)json_object_array_length(sessions), 3);
    ck_assert_str_eq(get_str(json_object_array_get_idx(sessions, 0),
                             "label"), "first.wav");
    ck_assert_str_eq(get_str(json_object_array_get_idx(sessions, 2),
                             "label"), "third.wav");
    ck_assert_int_eq((int)get_num(json_object_array_get_idx(sessions, 0),
                                  "holds"), 3);
    json_object *spots = get(root, "spots");
    ck_assert_int_eq((int)json_object_array_length(spots), 3);
    json_object *s0 = json_object_array_get_idx(spots, 0);
    ck_assert_str_eq(get_str(s0, "line"), "medial");
    ck_assert_str_eq(get_str(s0, "trend"), "fading");
    /* A line through all three scores: -0.8 over 14 days; the residuals
     * are 0, so the scatter is the floor (0.05): t = (0.8 - 0.4) /
     * (0.05 x 14 / sqrt(98)) = 5.7 on 1 degree of freedom, P = 0.94. */
    json_object *fit = get(s0, "fit");
    ck_assert_double_eq_tol(get_num(fit, "change"), -0.8, 1e-9);
    ck_assert_double_eq_tol(get_num(fit, "span_days"), 14.0, 1e-9);
    ck_assert_double_eq_tol(get_num(s0, "confidence"), 0.944, 0.002);
    json_object *ten = get(s0, "tenderness");
    ck_assert_double_eq_tol(
        json_object_get_double(json_object_array_get_idx(ten, 1)), 0.5, 1e-9);
    json_object *per = get(s0, "sessions");
    ck_assert_int_eq((int)json_object_array_length(per), 3);
    ck_assert_double_eq_tol(get_num(json_object_array_get_idx(per, 1),
                                    "pressure_kpa"), 120.0, 1e-9);
    /* The 24 cm peak is 4 cm from the spot: its own spot, seen in
     * session 2 only; the sessions have no map to say whether they
     * rolled there, so one tenderness: not enough sessions. */
    int saw_far = 0, saw_lateral = 0;
    for (int i = 1; i < 3; i++) {
        json_object *sp = json_object_array_get_idx(spots, i);
        json_object *sper = get(sp, "sessions");
        ck_assert_ptr_null(json_object_array_get_idx(sper, 0));
        ck_assert_ptr_nonnull(json_object_array_get_idx(sper, 1));
        ck_assert_str_eq(get_str(sp, "trend"), "not_enough_sessions");
        if (!strcmp(get_str(sp, "line"), "lateral"))
            saw_lateral = 1;
        else if (get_num(sp, "position_cm") > 23.0)
            saw_far = 1;
    }
    ck_assert(saw_far && saw_lateral);
    json_object_put(root);
    free(text);

    cap_open(&cp);
    ck_assert_int_eq(rm_trend_write(t, RM_REPORT_TEXT, cp.f), RM_OK);
    text = cap_close(&cp);
    assert_fits_80(text);
    ck_assert_ptr_nonnull(strstr(text, "3 sessions, 3 spots"));
    ck_assert_ptr_nonnull(strstr(text, "trend: fading (confidence 94 %): "
                                       "-0.80 over 14.0 days"));
    ck_assert_ptr_nonnull(strstr(text, "trend: not enough sessions"));
    ck_assert_ptr_nonnull(strstr(text, "not rolled there"));
    ck_assert(strstr(text, "first.wav") < strstr(text, "second.wav"));
    free(text);
    ck_assert_int_eq(rm_trend_write(t, RM_REPORT_CSV, stdout), RM_ERR_ARG);
    rm_trend_free(t);
}
END_TEST

START_TEST(test_trend_keeps_legs_apart)
{
    const rm_peak a[] = {
        { 20.0, 0.62, RM_LINE_MEDIAL, RM_ZONE_GASTROC_MEDIAL, 140.0, 5, 0.8,
          0.9 },
    };
    rm_trend *t = NULL;
    ck_assert_int_eq(rm_trend_new(&t, NULL), RM_OK);
    add_session_leg(t, "left.wav", 0, a, 1, 0, RM_LEG_LEFT);
    add_session_leg(t, "right.wav", 1, a, 1, 0, RM_LEG_RIGHT);
    add_session_leg(t, "left2.wav", 2, a, 1, 0, RM_LEG_LEFT);
    /* Same line and place, but a right-calf peak is another spot. */
    ck_assert_uint_eq(rm_trend_spot_count(t), 2);
    struct capture cp;
    cap_open(&cp);
    ck_assert_int_eq(rm_trend_write(t, RM_REPORT_TEXT, cp.f), RM_OK);
    char *text = cap_close(&cp);
    ck_assert_ptr_nonnull(strstr(text, "Spot 1: left leg, medial line, "
                                       "20.0 cm"));
    ck_assert_ptr_nonnull(strstr(text, "Spot 2: right leg, medial line"));
    /* Two left sessions with the same score, one right: the left spot
     * has two tenderness values, the right one one. */
    ck_assert_ptr_nonnull(strstr(text, "trend: not enough sessions (2 with "
                                       "a tenderness, 3 needed)"));
    ck_assert_ptr_nonnull(strstr(text, "trend: not enough sessions (1 with "));
    free(text);
    rm_trend_free(t);
}
END_TEST

START_TEST(test_text_and_html_show_engine_safety_line_once)
{
    struct fixture fx;
    fixture_full(&fx);
    fx.guidance[2] = (rm_guidance){
        .level = RM_GUIDE_INFO, .code = "safety",
        .text = "Engine reminder: stop and see a professional." };
    char *text = render(&fx.s, &fx.meta, RM_REPORT_TEXT);
    ck_assert_int_eq((int)count(text, "Engine reminder"), 1);
    ck_assert_ptr_null(strstr(text, "it is not a diagnosis")); /* fallback */
    /* Set apart after the list, not inside it. */
    ck_assert_ptr_null(strstr(text, "info:     Engine reminder"));
    free(text);
    char *html = render(&fx.s, &fx.meta, RM_REPORT_HTML);
    ck_assert_int_eq((int)count(html, "Engine reminder"), 1);
    ck_assert_ptr_nonnull(strstr(html, "<p class=\"safety\">Engine reminder"));
    free(html);
}
END_TEST

START_TEST(test_trend_of_no_peaks_is_readable)
{
    rm_trend *t = NULL;
    ck_assert_int_eq(rm_trend_new(&t, NULL), RM_OK);
    add_session(t, "only.wav", 0, NULL, 0, 0);
    ck_assert_uint_eq(rm_trend_spot_count(t), 0);
    struct capture cp;
    cap_open(&cp);
    ck_assert_int_eq(rm_trend_write(t, RM_REPORT_TEXT, cp.f), RM_OK);
    char *text = cap_close(&cp);
    ck_assert_ptr_nonnull(strstr(text, "No pressure peaks in any session"));
    free(text);
    rm_trend_free(t);
    rm_trend_free(NULL);
}
END_TEST

/* The fixture's confidences: pass 2's line, hold 2's place, hold 3's
 * line and peak 3 below RM_CONFIDENCE_LOW. */
START_TEST(test_json_carries_the_confidences)
{
    struct fixture fx;
    fixture_full(&fx);
    char *text = render(&fx.s, &fx.meta, RM_REPORT_JSON);
    json_object *root = json_tokener_parse(text);
    ck_assert_ptr_nonnull(root);
    ck_assert_str_eq(get_str(root, "version"), "1.1");
    json_object *passes = get(root, "passes");
    ck_assert_double_eq_tol(get_num(json_object_array_get_idx(passes, 1),
                                    "line_confidence"), 0.3, 1e-9);
    json_object *holds = get(root, "holds");
    json_object *h1 = json_object_array_get_idx(holds, 1);
    ck_assert_double_eq_tol(get_num(h1, "confidence"), 0.35, 1e-9);
    ck_assert_double_eq_tol(get_num(h1, "line_confidence"), 0.9, 1e-9);
    json_object *pk2 = json_object_array_get_idx(get(root, "peaks"), 2);
    ck_assert_double_eq_tol(get_num(pk2, "confidence"), 0.3, 1e-9);
    json_object_put(root);
    free(text);
}
END_TEST

/* Text marks each uncertain finding where it is stated, and only those. */
START_TEST(test_text_marks_uncertain_findings)
{
    struct fixture fx;
    fixture_full(&fx);
    char *text = render(&fx.s, &fx.meta, RM_REPORT_TEXT);
    assert_fits_80(text);
    /* Hold 2's place (a hold found is a hold: not its number). */
    ck_assert_ptr_nonnull(strstr(text, " 8.2? "));
    ck_assert_ptr_null(strstr(text, "H2?"));
    ck_assert_ptr_null(strstr(text, " 21.5? "));
    ck_assert_ptr_null(strstr(text, " 24.0? "));
    ck_assert_ptr_nonnull(strstr(text, " lateral? "));   /* H3's line */
    ck_assert_ptr_null(strstr(text, " medial? "));
    ck_assert_ptr_nonnull(strstr(text, "more than 2 cm from it"));
    ck_assert_ptr_null(strstr(text, "pause"));
    /* Peak 3 (Achilles) only. */
    const char *p3 = strstr(text, " P3 ");
    ck_assert_ptr_nonnull(p3);
    const char *eol = strchr(p3, '\n');
    const char *u = strstr(p3, "(uncertain)");
    ck_assert(u && u < eol);
    const char *p1 = strstr(text, " P1 ");
    ck_assert_ptr_nonnull(p1);
    u = strstr(p1, "(uncertain)");
    ck_assert(!u || u > strchr(p1, '\n'));
    /* Pass 2 is medial. */
    ck_assert_ptr_nonnull(strstr(text, "1 down, 1 uncertain)"));
    free(text);

    /* All certain: no marks, no footnotes. */
    for (size_t i = 0; i < 4; i++)
        fx.passes[i].line_confidence = 1.0;
    for (size_t i = 0; i < 3; i++) {
        fx.holds[i].confidence = fx.holds[i].line_confidence = 1.0;
        fx.peaks[i].confidence = 1.0;
    }
    text = render(&fx.s, &fx.meta, RM_REPORT_TEXT);
    ck_assert_ptr_null(strstr(text, "uncertain"));
    ck_assert_ptr_null(strstr(text, "? "));
    free(text);
}
END_TEST

START_TEST(test_html_marks_uncertain_findings)
{
    struct fixture fx;
    fixture_full(&fx);
    char *html = render(&fx.s, &fx.meta, RM_REPORT_HTML);
    /* Hold 2's place, in its position cell; the row and its number
     * as any other's. */
    ck_assert_ptr_nonnull(strstr(html, "<tr id=\"hold-row-2\">"));
    ck_assert_ptr_nonnull(strstr(html, "<tr id=\"hold-row-1\">"));
    ck_assert_ptr_nonnull(strstr(html, "<td data-label=\"Position\" "
                                       "class=\"num uncertain\">8.2 cm "
                                       "(uncertain)</td>"));
    ck_assert_ptr_null(strstr(html, "H2 (uncertain)"));
    ck_assert_ptr_nonnull(strstr(html, "21.5 cm</td>"));
    ck_assert_ptr_nonnull(strstr(html, "<tr id=\"peak-row-3\" "
                                       "class=\"uncertain\">"));
    ck_assert_ptr_nonnull(strstr(html, "<tr id=\"peak-row-1\">"));
    ck_assert_ptr_nonnull(strstr(html, "(lateral) (uncertain)"));
    ck_assert_ptr_nonnull(strstr(html, "The line of 1 of the 4 passes is "
                                       "uncertain"));
    ck_assert_ptr_nonnull(strstr(html, "tr.uncertain{"));
    /* The position cell may wrap its "(uncertain)" on a narrow page. */
    ck_assert_ptr_nonnull(strstr(html, "td.uncertain{color:#666;"
                                       "white-space:normal}"));
    free(html);
}
END_TEST

Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("writers");
    tcase_add_test(tc, test_report_format_names_round_trip);
    tcase_add_test(tc, test_report_write_refuses_csv_and_null);
    tcase_add_test(tc, test_report_write_reports_io_failure);
    tcase_add_test(tc, test_json_parses_back_with_schema_fields);
    tcase_add_test(tc, test_json_unknown_values_are_null);
    tcase_add_test(tc, test_json_escapes_hostile_note);
    tcase_add_test(tc, test_csv_has_header_and_one_row_per_sample);
    tcase_add_test(tc, test_csv_rows_keep_column_count_and_report_failures);
    tcase_add_test(tc, test_svg_marks_holds_peaks_and_scale);
    tcase_add_test(tc, test_svg_thin_input_says_what_is_missing);
    tcase_add_test(tc, test_html_escapes_hostile_strings);
    tcase_add_test(tc, test_text_fits_80_columns);
    tcase_add_test(tc, test_json_carries_the_confidences);
    tcase_add_test(tc, test_text_marks_uncertain_findings);
    tcase_add_test(tc, test_html_marks_uncertain_findings);
    tcase_add_test(tc, test_text_thin_input_says_what_was_not_found);
    tcase_add_test(tc, test_text_and_html_show_engine_safety_line_once);
    tcase_add_test(tc, test_writers_survive_garbage_summary);
    suite_add_tcase(s, tc);
    TCase *tt = tcase_create("trend");
    tcase_add_test(tt, test_trend_matches_spots_oldest_first);
    tcase_add_test(tt, test_trend_keeps_legs_apart);
    tcase_add_test(tt, test_trend_of_no_peaks_is_readable);
    suite_add_tcase(s, tt);
    return s;
}
