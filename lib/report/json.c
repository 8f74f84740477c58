/*
 * JSON report: the summary and session metadata as a versioned document
 * (schema RM_REPORT_SCHEMA_VERSION, field by field in
 * docs/report-schema.md). Streamed through json_writer.c as it is
 * written, so memory stays flat however long the session; the bytes are
 * the ones the json-c tree this replaced printed. Unknown or non-finite
 * numbers are null.
 */
#include <math.h>
#include <string.h>

#include "json_writer.h"
#include "report_internal.h"

/* A number with a fixed count of decimals (locale-proof), or null. */
static void num(rm_json_writer *w, const char *key, double v, int decimals)
{
    char buf[64];
    if (!isfinite(v)) {
        rm_json_null(w, key);
        return;
    }
    rm_fmt_fixed(buf, sizeof buf, v, decimals, "");
    rm_json_number_text(w, key, buf);
}

/* A string from a possibly unterminated char array, as valid UTF-8. */
static void str(rm_json_writer *w, const char *key, const char *s,
                size_t max)
{
    char clean[3 * RM_NOTES_MAX + 1];
    rm_utf8_clean(s, max, clean, sizeof clean);
    rm_json_string(w, key, clean);
}

/* Positions as a fraction ankle (0) -> knee (1): 4 decimals is 0.04 mm
 * on a 40 cm calf, well below what the alignment resolves. */
static void frac(rm_json_writer *w, const char *key, double v)
{
    num(w, key, v, 4);
}

static void session_obj(rm_json_writer *w, const rm_summary *s,
                        const rm_session_meta *meta)
{
    char utc[32];
    rm_json_object_open(w, "session");
    num(w, "duration_s", s->duration_s, 3);
    num(w, "sample_rate_hz", s->rate_hz, 3);
    rm_json_int(w, "cells", s->cells);
    rm_json_int(w, "frames", (int64_t)s->frames);
    rm_json_int(w, "dropped_frames", (int64_t)s->dropped_frames);
    num(w, "contact_s", s->contact_s, 3);
    rm_json_string(w, "leg", rm_leg_name(s->leg));
    rm_fmt_utc(utc, sizeof utc, meta ? meta->start_unix_us : 0);
    rm_json_string(w, "start_utc", utc[0] ? utc : NULL);
    if (meta) {
        str(w, "notes", meta->notes, sizeof meta->notes);
        str(w, "firmware", meta->desc.firmware, sizeof meta->desc.firmware);
        str(w, "serial", meta->desc.serial, sizeof meta->desc.serial);
        rm_json_int(w, "format_version", meta->format_version);
    } else {
        rm_json_null(w, "notes");
        rm_json_null(w, "firmware");
        rm_json_null(w, "serial");
        rm_json_null(w, "format_version");
    }
    rm_json_object_close(w);
}

/* Schema 1.2's frame fields, only where the session carries a measured
 * length or its frame came from one: every other report stays a 1.1
 * document. */
static int has_frame(const rm_summary *s, const rm_session_meta *meta)
{
    return s->calf_frame == RM_CALF_FRAME_MEASURED ||
           (meta && meta->calf_length_cm > 0.0);
}

static void calf_obj(rm_json_writer *w, const rm_summary *s,
                     const rm_session_meta *meta)
{
    rm_json_object_open(w, "calf");
    rm_json_bool(w, "found", s->calf_found != 0);
    if (s->calf_found)
        num(w, "length_cm", s->calf_length_cm, 2);
    else
        rm_json_null(w, "length_cm");
    if (has_frame(s, meta)) {
        rm_json_string(w, "frame", s->calf_frame == RM_CALF_FRAME_MEASURED
                                       ? "measured_length"
                                       : "turns");
        num(w, "measured_length_cm",
            meta && meta->calf_length_cm > 0.0 ? meta->calf_length_cm : NAN,
            2);
    }
    rm_json_object_close(w);
}

static void passes_arr(rm_json_writer *w, const rm_summary *s)
{
    rm_json_array_open(w, "passes");
    for (size_t i = 0; s->passes && i < s->n_passes; i++) {
        const rm_pass *p = &s->passes[i];
        rm_json_object_open(w, NULL);
        num(w, "start_s", p->start_s, 3);
        num(w, "end_s", p->end_s, 3);
        num(w, "from_cm", p->from_cm, 2);
        num(w, "to_cm", p->to_cm, 2);
        /* +1 towards the knee, -1 towards the ankle: the simulator
         * truth's convention, so the two compare directly. */
        rm_json_int(w, "direction", p->direction > 0   ? 1
                                    : p->direction < 0 ? -1
                                                       : 0);
        rm_json_string(w, "line", rm_line_name(p->line));
        num(w, "line_confidence", p->line_confidence, 3);
        num(w, "mean_speed_cm_s", p->mean_speed_cm_s, 2);
        num(w, "peak_speed_cm_s", p->peak_speed_cm_s, 2);
        rm_json_object_close(w);
    }
    rm_json_array_close(w);
}

static void holds_arr(rm_json_writer *w, const rm_summary *s)
{
    rm_json_array_open(w, "holds");
    for (size_t i = 0; s->holds && i < s->n_holds; i++) {
        const rm_hold *h = &s->holds[i];
        rm_json_object_open(w, NULL);
        num(w, "start_s", h->start_s, 3);
        num(w, "end_s", h->end_s, 3);
        num(w, "duration_s", h->duration_s, 3);
        num(w, "position_cm", h->position_cm, 2);
        frac(w, "position_frac", h->position_frac);
        rm_json_string(w, "line", rm_line_name(h->line));
        num(w, "line_confidence", h->line_confidence, 3);
        num(w, "mean_force_n", h->mean_force_n, 2);
        num(w, "peak_force_n", h->peak_force_n, 2);
        num(w, "mean_pressure_kpa", h->mean_pressure_kpa, 2);
        num(w, "peak_pressure_kpa", h->peak_pressure_kpa, 2);
        rm_json_string(w, "technique", rm_technique_name(h->technique));
        rm_json_int(w, "flexes", h->flexes);
        num(w, "confidence", h->confidence, 3);
        rm_json_object_close(w);
    }
    rm_json_array_close(w);
}

static void flinches_arr(rm_json_writer *w, const rm_summary *s)
{
    rm_json_array_open(w, "flinches");
    for (size_t i = 0; s->flinches && i < s->n_flinches; i++) {
        const rm_flinch *f = &s->flinches[i];
        rm_json_object_open(w, NULL);
        num(w, "time_s", f->time_s, 3);
        num(w, "position_cm", f->position_cm, 2);
        frac(w, "position_frac", f->position_frac);
        rm_json_string(w, "line", rm_line_name(f->line));
        num(w, "force_before_n", f->force_before_n, 2);
        rm_json_object_close(w);
    }
    rm_json_array_close(w);
}

static void peaks_arr(rm_json_writer *w, const rm_summary *s)
{
    rm_json_array_open(w, "peaks");
    for (size_t i = 0; s->peaks && i < s->n_peaks; i++) {
        const rm_peak *p = &s->peaks[i];
        rm_json_object_open(w, NULL);
        num(w, "position_cm", p->position_cm, 2);
        frac(w, "position_frac", p->position_frac);
        rm_json_string(w, "line", rm_line_name(p->line));
        rm_json_string(w, "zone", rm_zone_name(p->zone));
        num(w, "pressure_kpa", p->pressure_kpa, 2);
        rm_json_int(w, "passes", p->passes);
        num(w, "score", p->score, 3);
        num(w, "confidence", p->confidence, 3);
        rm_json_object_close(w);
    }
    rm_json_array_close(w);
}

static void coverage_obj(rm_json_writer *w, const rm_summary *s)
{
    rm_json_object_open(w, "coverage");
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++)
        num(w, rm_line_name((rm_line)l), s->coverage[l], 3);
    rm_json_object_close(w);
}

static void guidance_arr(rm_json_writer *w, const rm_summary *s)
{
    rm_json_array_open(w, "guidance");
    for (size_t i = 0; s->guidance && i < s->n_guidance; i++) {
        const rm_guidance *g = &s->guidance[i];
        rm_json_object_open(w, NULL);
        rm_json_string(w, "level", rm_guidance_level_name(g->level));
        str(w, "code", g->code, sizeof g->code);
        char said[sizeof g->text + 1];
        rm_guidance_text(g, said, sizeof said);
        str(w, "text", said, sizeof said);
        /* The finding as numbers (docs/report-schema.md, per code). */
        rm_json_int(w, "count", (int64_t)(g->count > INT64_MAX
                                              ? INT64_MAX : g->count));
        rm_json_array_open(w, "values");
        for (size_t k = 0; k < sizeof g->value / sizeof g->value[0]; k++)
            num(w, NULL, g->value[k], 4);
        rm_json_array_close(w);
        rm_json_string(w, "line", rm_line_name(g->line));
        rm_json_object_close(w);
    }
    rm_json_array_close(w);
}

/* The hold band the guidance and the holds were judged by; null each
 * when the summary gives none. */
static void advice_obj(rm_json_writer *w, const rm_summary *s)
{
    int have = rm_report_has_hold_band(s);
    rm_json_object_open(w, "advice");
    num(w, "hold_min_s", have ? s->hold_advice_min_s : NAN, 3);
    num(w, "hold_max_s", have ? s->hold_advice_max_s : NAN, 3);
    rm_json_object_close(w);
}

/* The map only when the engine provided one: bins plus one array per
 * line, ankle to knee, null where the line was not rolled. */
static void map_obj(rm_json_writer *w, const rm_summary *s)
{
    if (!s->map_kpa || s->map_bins == 0) {
        rm_json_null(w, "map");
        return;
    }
    rm_json_object_open(w, "map");
    rm_json_int(w, "bins", (int64_t)s->map_bins);
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        const float *v = s->map_kpa + (size_t)(l - 1) * s->map_bins;
        rm_json_array_open(w, rm_line_name((rm_line)l));
        for (size_t i = 0; i < s->map_bins; i++)
            num(w, NULL, v[i], 1);
        rm_json_array_close(w);
    }
    rm_json_object_close(w);
}

rm_status rm_report_json(const rm_summary *s, const rm_session_meta *meta,
                         FILE *out)
{
    char gen[64];
    rm_json_writer w;
    rm_json_init(&w, out);
    snprintf(gen, sizeof gen, "rollmap %s", rm_version_string());
    rm_json_object_open(&w, NULL);
    rm_json_string(&w, "version", has_frame(s, meta)
                                      ? RM_REPORT_SCHEMA_VERSION
                                      : RM_REPORT_SCHEMA_VERSION_1_1);
    rm_json_string(&w, "generator", gen);
    session_obj(&w, s, meta);
    calf_obj(&w, s, meta);
    passes_arr(&w, s);
    holds_arr(&w, s);
    flinches_arr(&w, s);
    peaks_arr(&w, s);
    coverage_obj(&w, s);
    guidance_arr(&w, s);
    advice_obj(&w, s);
    map_obj(&w, s);
    rm_json_object_close(&w);
    rm_status st = rm_json_finish(&w);
    if (st != RM_OK)
        return st;
    fputc('\n', out);
    return rm_report_stream_status(out);
}
