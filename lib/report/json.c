/*
 * JSON report: the summary and session metadata as a versioned document
 * (schema RM_REPORT_SCHEMA_VERSION, field by field in
 * docs/report-schema.md). Built with json-c so escaping is right; unknown
 * or non-finite numbers are null.
 */
#include <math.h>
#include <string.h>

#include <json-c/json.h>

#include "report_internal.h"

/* A number with a fixed count of decimals (locale-proof), or null. */
static json_object *num(double v, int decimals)
{
    char buf[64];
    if (!isfinite(v))
        return NULL;
    rm_fmt_fixed(buf, sizeof buf, v, decimals, "");
    return json_object_new_double_s(v, buf);
}

/* A string from a possibly unterminated char array, as valid UTF-8. */
static json_object *str(const char *s, size_t max)
{
    char clean[3 * RM_NOTES_MAX + 1];
    rm_utf8_clean(s, max, clean, sizeof clean);
    return json_object_new_string(clean);
}

static json_object *frac_or_null(double frac)
{
    return num(frac, 4);
}

/* json_object_object_add with a NULL value stores JSON null, which is
 * what an unknown field should read as. */
#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))

static json_object *session_obj(const rm_summary *s,
                                const rm_session_meta *meta)
{
    json_object *o = json_object_new_object();
    char utc[32];
    ADD(o, "duration_s", num(s->duration_s, 3));
    ADD(o, "sample_rate_hz", num(s->rate_hz, 3));
    ADD(o, "cells", json_object_new_int64(s->cells));
    ADD(o, "frames", json_object_new_int64((int64_t)s->frames));
    ADD(o, "dropped_frames", json_object_new_int64((int64_t)s->dropped_frames));
    ADD(o, "contact_s", num(s->contact_s, 3));
    ADD(o, "leg", json_object_new_string(rm_leg_name(s->leg)));
    rm_fmt_utc(utc, sizeof utc, meta ? meta->start_unix_us : 0);
    ADD(o, "start_utc", utc[0] ? json_object_new_string(utc) : NULL);
    ADD(o, "notes", meta ? str(meta->notes, sizeof meta->notes) : NULL);
    ADD(o, "firmware",
        meta ? str(meta->desc.firmware, sizeof meta->desc.firmware) : NULL);
    ADD(o, "serial",
        meta ? str(meta->desc.serial, sizeof meta->desc.serial) : NULL);
    ADD(o, "format_version",
        meta ? json_object_new_int64(meta->format_version) : NULL);
    return o;
}

static json_object *passes_arr(const rm_summary *s)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; s->passes && i < s->n_passes; i++) {
        const rm_pass *p = &s->passes[i];
        json_object *o = json_object_new_object();
        ADD(o, "start_s", num(p->start_s, 3));
        ADD(o, "end_s", num(p->end_s, 3));
        ADD(o, "from_cm", num(p->from_cm, 2));
        ADD(o, "to_cm", num(p->to_cm, 2));
        /* +1 towards the knee, -1 towards the ankle: the simulator
         * truth's convention, so the two compare directly. */
        ADD(o, "direction", json_object_new_int(p->direction > 0   ? 1
                                                : p->direction < 0 ? -1
                                                                   : 0));
        ADD(o, "line", json_object_new_string(rm_line_name(p->line)));
        ADD(o, "mean_speed_cm_s", num(p->mean_speed_cm_s, 2));
        ADD(o, "peak_speed_cm_s", num(p->peak_speed_cm_s, 2));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *holds_arr(const rm_summary *s)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; s->holds && i < s->n_holds; i++) {
        const rm_hold *h = &s->holds[i];
        json_object *o = json_object_new_object();
        ADD(o, "start_s", num(h->start_s, 3));
        ADD(o, "end_s", num(h->end_s, 3));
        ADD(o, "duration_s", num(h->duration_s, 3));
        ADD(o, "position_cm", num(h->position_cm, 2));
        ADD(o, "position_frac", frac_or_null(h->position_frac));
        ADD(o, "line", json_object_new_string(rm_line_name(h->line)));
        ADD(o, "mean_force_n", num(h->mean_force_n, 2));
        ADD(o, "peak_force_n", num(h->peak_force_n, 2));
        ADD(o, "mean_pressure_kpa", num(h->mean_pressure_kpa, 2));
        ADD(o, "peak_pressure_kpa", num(h->peak_pressure_kpa, 2));
        ADD(o, "technique",
            json_object_new_string(rm_technique_name(h->technique)));
        ADD(o, "flexes", json_object_new_int64(h->flexes));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *flinches_arr(const rm_summary *s)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; s->flinches && i < s->n_flinches; i++) {
        const rm_flinch *f = &s->flinches[i];
        json_object *o = json_object_new_object();
        ADD(o, "time_s", num(f->time_s, 3));
        ADD(o, "position_cm", num(f->position_cm, 2));
        ADD(o, "position_frac", frac_or_null(f->position_frac));
        ADD(o, "line", json_object_new_string(rm_line_name(f->line)));
        ADD(o, "force_before_n", num(f->force_before_n, 2));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *peaks_arr(const rm_summary *s)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; s->peaks && i < s->n_peaks; i++) {
        const rm_peak *p = &s->peaks[i];
        json_object *o = json_object_new_object();
        ADD(o, "position_cm", num(p->position_cm, 2));
        ADD(o, "position_frac", frac_or_null(p->position_frac));
        ADD(o, "line", json_object_new_string(rm_line_name(p->line)));
        ADD(o, "zone", json_object_new_string(rm_zone_name(p->zone)));
        ADD(o, "pressure_kpa", num(p->pressure_kpa, 2));
        ADD(o, "passes", json_object_new_int64(p->passes));
        ADD(o, "score", num(p->score, 3));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *coverage_obj(const rm_summary *s)
{
    json_object *o = json_object_new_object();
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++)
        ADD(o, rm_line_name((rm_line)l), num(s->coverage[l], 3));
    return o;
}

static json_object *guidance_arr(const rm_summary *s)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; s->guidance && i < s->n_guidance; i++) {
        const rm_guidance *g = &s->guidance[i];
        json_object *o = json_object_new_object();
        ADD(o, "level",
            json_object_new_string(rm_guidance_level_name(g->level)));
        ADD(o, "code", str(g->code, sizeof g->code));
        ADD(o, "text", str(g->text, sizeof g->text));
        json_object_array_add(a, o);
    }
    return a;
}

/* The map only when the engine provided one: bins plus one array per
 * line, ankle to knee, null where the line was not rolled. */
static json_object *map_obj(const rm_summary *s)
{
    if (!s->map_kpa || s->map_bins == 0)
        return NULL;
    json_object *o = json_object_new_object();
    ADD(o, "bins", json_object_new_int64((int64_t)s->map_bins));
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        json_object *row = json_object_new_array();
        const float *v = s->map_kpa + (size_t)(l - 1) * s->map_bins;
        for (size_t i = 0; i < s->map_bins; i++)
            json_object_array_add(row, num(v[i], 1));
        ADD(o, rm_line_name((rm_line)l), row);
    }
    return o;
}

rm_status rm_report_json(const rm_summary *s, const rm_session_meta *meta,
                         FILE *out)
{
    char gen[64];
    json_object *root = json_object_new_object();
    if (!root)
        return RM_ERR_NOMEM;
    snprintf(gen, sizeof gen, "rollmap %s", rm_version_string());
    ADD(root, "version", json_object_new_string(RM_REPORT_SCHEMA_VERSION));
    ADD(root, "generator", json_object_new_string(gen));
    ADD(root, "session", session_obj(s, meta));
    json_object *calf = json_object_new_object();
    ADD(calf, "found", json_object_new_boolean(s->calf_found != 0));
    ADD(calf, "length_cm",
        s->calf_found ? num(s->calf_length_cm, 2) : NULL);
    ADD(root, "calf", calf);
    ADD(root, "passes", passes_arr(s));
    ADD(root, "holds", holds_arr(s));
    ADD(root, "flinches", flinches_arr(s));
    ADD(root, "peaks", peaks_arr(s));
    ADD(root, "coverage", coverage_obj(s));
    ADD(root, "guidance", guidance_arr(s));
    ADD(root, "map", map_obj(s));

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
