/*
 * report_internal.h - helpers the report writers share (lib/report only):
 * locale-proof number formatting, UTF-8 clean-up, XML escaping, times.
 * Data flow: rm_summary (engine) + rm_session_meta -> report/<format>.c.
 */
#ifndef ROLLMAP_REPORT_REPORT_INTERNAL_H
#define ROLLMAP_REPORT_REPORT_INTERNAL_H

#include <stdio.h>

#include "internal.h"

/* The reminder every human-readable report ends its guidance with, and
 * the wording of the engine's "safety" entry: one sentence
 * (guidance_text.c, with the rest of the guidance's English). */
extern const char rm_report_safety_text[];
#define RM_REPORT_SAFETY_TEXT rm_report_safety_text

/*
 * Write v with @p decimals digits after the point into buf, always with
 * '.' as the decimal mark whatever the C locale says (JSON, CSV and SVG
 * need it). Non-finite v gives @p nan_text. Example: 12.345, 1 -> "12.3".
 */
void rm_fmt_fixed(char *buf, size_t cap, double v, int decimals,
                  const char *nan_text);

/*
 * Copy at most @p max_in bytes of @p in (stopping at NUL) to @p out as
 * valid UTF-8: bytes that do not form a valid sequence become U+FFFD and
 * C0 controls other than \n and \t become U+FFFD too, so XML and JSON
 * stay valid. Always NUL-terminates; truncates at a character boundary.
 * @p cap of 3 * max_in + 1 never truncates.
 */
void rm_utf8_clean(const char *in, size_t max_in, char *out, size_t cap);

/* XML/HTML text and attribute escaping of a UTF-8-cleaned copy of at most
 * max_in bytes of s: & < > " ' become entities. */
void rm_xml_put(FILE *f, const char *s, size_t max_in);

/* "2026-11-21T05:37:51Z" for start_unix_us (us since 1970, UTC), or ""
 * when the time is unknown (0) or out of range. */
void rm_fmt_utc(char *buf, size_t cap, int64_t start_unix_us);

/* "m:ss" (or "h:mm:ss") for a time in seconds; "-" when not finite. */
void rm_fmt_clock(char *buf, size_t cap, double t_s);

/* Human names for the text/HTML reports (JSON uses rm_*_name()). */
const char *rm_zone_label(rm_zone z);
const char *rm_guidance_level_name(rm_guidance_level level);

/* Human words for enums in the text, HTML and SVG reports (text.c):
 * "pin and stretch", "inner (medial)", "shorter than advised", ... */
const char *rm_words_technique(rm_technique t);
const char *rm_words_line(rm_line line);
const char *rm_words_line_short(rm_line line);
const char *rm_words_leg(rm_leg leg);
/* Print text word-wrapped to the text report's 80 columns (text.c): the
 * first line after `first`, the rest indented by `indent` spaces. */
void rm_text_wrap(FILE *f, const char *first, size_t indent,
                  const char *text);
/* Where the calf frame came from, in words, into buf (text.c): the
 * measured calf length, or the turns (and then how to measure it).
 * *measured_cm: the length, NAN when unknown. Never NULL. */
const char *rm_words_frame(const rm_summary *s, const rm_session_meta *meta,
                           double *measured_cm, char *buf, size_t cap);
const char *rm_words_zone(rm_zone z);
const char *rm_words_band(const rm_summary *s, double duration_s);
const char *rm_words_level(rm_guidance_level level);

/* The map for the HTML page: @p compact draws a 400-unit-wide picture
 * whose text stays legible on a phone (svg.c). */
rm_status rm_report_svg_layout(const rm_summary *s,
                               const rm_session_meta *meta, int compact,
                               FILE *out);

/* The same for one calf of a two-calf report: every id gets @p side
 * ("-left", "-right") appended. */
rm_status rm_report_svg_side(const rm_summary *s, const rm_session_meta *meta,
                             int compact, const char *side, FILE *out);
/* Tenderness (rise over the same line's flanks, a fraction) of one map
 * bin as the map draws it; NAN where unknown (svg.c). */
double rm_report_tenderness(const rm_summary *s, rm_line line, size_t bin);
/* The tenderness map's colour for a tenderness (fixed scale, as the
 * report's map: "#rrggbb"). */
void rm_report_tender_colour(char *buf, size_t cap, double tenderness);
/* An HTML page's head up to the open <style> with the report's CSS in
 * it: the caller adds its own rules and closes style, head. */
void rm_report_html_head(FILE *out, const char *title);
/* SVG: ` name="1.5"` (one decimal, '.' whatever the locale); a <text>
 * element, escaped. */
void rm_svg_attr(FILE *f, const char *name, double v);
void rm_svg_text(FILE *f, double x, double y, const char *anchor,
                 const char *cls, const char *text);
/* "2026-05-19 03:15 (UTC+02:00)" in local time (TZ); "" if unknown. */
void rm_report_fmt_local(char *buf, size_t cap, int64_t unix_us);
/* The zone the map draws at @p frac of ankle -> knee on @p line. */
rm_zone rm_report_zone_at(double frac, rm_line line);

/* The HTML report's style sheet (html.c), shared by the two-calf page. */
const char *rm_report_html_css(void);

/* Two calves in one report (pair.c): rm_report_pair_file(). */

/* The engine's own "stop and see a professional" entry (code "safety"),
 * or NULL. Human-readable reports show it once, set apart at the end of
 * the guidance, and fall back to RM_REPORT_SAFETY_TEXT without it. */
const rm_guidance *rm_report_safety_entry(const rm_summary *s);

/* Advice band of a hold: "short", "ok", "long" against the summary's
 * hold_advice_min_s..max_s (the band the guidance used); "?" when the
 * summary gives no band or the duration is unknown. */
const char *rm_hold_band(const rm_summary *s, double duration_s);
/* Non-zero when the summary carries a usable hold band. */
int rm_report_has_hold_band(const rm_summary *s);
/* "30-90" for the summary's band (the text and HTML headings). */
void rm_report_hold_band_words(const rm_summary *s, const char *dash,
                               char *buf, size_t cap);

/* The passes of one line, as the human-readable reports list them. */
typedef struct rm_line_passes {
    size_t count, up, down;
    double mean_speed_cm_s;  /* mean of the passes' mean speeds; NAN if none */
    double peak_speed_cm_s;  /* fastest pass; NAN if none */
} rm_line_passes;

void rm_report_line_passes(const rm_summary *s, rm_line line,
                           rm_line_passes *out);

/* Largest finite pressure in the map and peaks, rounded up to a round
 * number for a colour scale (at least 10 kPa). */
double rm_report_scale_max_kpa(const rm_summary *s);

/* Writers, one per file. Each checks nothing the dispatcher checked. */
rm_status rm_report_text(const rm_summary *s, const rm_session_meta *meta,
                         FILE *out);
rm_status rm_report_json(const rm_summary *s, const rm_session_meta *meta,
                         FILE *out);
rm_status rm_report_html(const rm_summary *s, const rm_session_meta *meta,
                         FILE *out);
/* The calf map; @p standalone adds the XML declaration (an .svg file)
 * and leaves it out for inline use in HTML. */
rm_status rm_report_svg(const rm_summary *s, const rm_session_meta *meta,
                        int standalone, FILE *out);

/* errno of the CSV writer's first failed write, 0 if none. */
int rm_csv_writer_os_errno(const rm_csv_writer *w);

/* RM_OK, or RM_ERR_IO if the stream has failed (after flushing). */
rm_status rm_report_stream_status(FILE *out);

/* Both calves' report (pair.c) from two finished analyses, [0] the left
 * calf's and [1] the right's; CSV is not a pair format (RM_ERR_ARG). */
rm_status rm_report_pair_write(const char *const paths[2],
                               const rm_summary *const sums[2],
                               const rm_session_meta *const metas[2],
                               rm_report_format fmt, FILE *out);

#endif
