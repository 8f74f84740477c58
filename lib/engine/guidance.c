/*
 * Guidance: the session compared with common advice (holds 30-90 s, slow
 * rolling, all three lines, 5-10 minutes per calf; the limits are
 * rm_engine_config's), cautions for flinches and very long or heavy
 * holds, and what thin input did not allow. Each finding is a code and
 * its numbers; lib/report/guidance_text.c words them. Last step of the
 * summary.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"

/* Below this share of the calf a line counts as "not rolled". */
#define COVERAGE_LOW 0.5
/* More dropped frames than this share is worth saying. */
#define DROPPED_SHARE 0.01
/* Too little data to say anything about technique or timing (s). */
#define THIN_S 30.0

/* One finding: its code and the numbers lib/report words it from
 * (docs/report-schema.md lists what each code's numbers mean). */
static void add(rm_engine *e, rm_guidance_level level, const char *code,
                uint64_t count, double v0, double v1, double v2, rm_line line)
{
    if (e->n_guide == e->cap_guide) {
        size_t nc = e->cap_guide ? 2 * e->cap_guide : 16;
        rm_guidance *p = rm_realloc_array(e->guide_v, nc, sizeof *p);
        if (!p) {
            e->oom = 1;
            return;
        }
        e->guide_v = p;
        e->cap_guide = nc;
    }
    rm_guidance *g = &e->guide_v[e->n_guide++];
    memset(g, 0, sizeof *g);
    g->level = level;
    snprintf(g->code, sizeof g->code, "%s", code);
    g->count = count;
    g->value[0] = v0;
    g->value[1] = v1;
    g->value[2] = v2;
    g->line = line;
}

/* The usual shapes of a finding: a count, or one or two numbers. */
static void add_n(rm_engine *e, rm_guidance_level level, const char *code,
                  uint64_t count, double v0, double v1)
{
    add(e, level, code, count, v0, v1, NAN, RM_LINE_UNKNOWN);
}

static void add_v(rm_engine *e, rm_guidance_level level, const char *code,
                  double v0)
{
    add(e, level, code, 0, v0, NAN, NAN, RM_LINE_UNKNOWN);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void thin_input(rm_engine *e)
{
    const rm_summary *s = &e->sum;
    if (s->frames == 0) {
        add_v(e, RM_GUIDE_INFO, "no_data", NAN);
        return;
    }
    if (s->contact_s <= 0.0)
        add_v(e, RM_GUIDE_INFO, "no_contact", e->cfg.contact_force_n);
    else if (!s->calf_found)
        add_v(e, RM_GUIDE_INFO, "calf_not_found", NAN);
    if (s->duration_s < THIN_S)
        add_v(e, RM_GUIDE_INFO, "short_session", s->duration_s);
    if (s->frames + s->dropped_frames > 0 &&
        (double)s->dropped_frames >
            DROPPED_SHARE * (double)(s->frames + s->dropped_frames))
        add_n(e, RM_GUIDE_INFO, "dropped_frames", s->dropped_frames,
              100.0 * (double)s->dropped_frames /
                  (double)(s->frames + s->dropped_frames), NAN);
    if (s->contact_s > 0.0 && s->n_passes <= 1)
        add_n(e, RM_GUIDE_INFO, "few_passes", s->n_passes, NAN, NAN);
}

static void holds_advice(rm_engine *e)
{
    const rm_summary *s = &e->sum;
    const rm_engine_config *c = &e->cfg;
    size_t n_short = 0, n_ok = 0, n_long = 0, n_heavy = 0;
    for (size_t i = 0; i < s->n_holds; i++) {
        const rm_hold *h = &s->holds[i];
        if (h->duration_s < c->hold_advice_min_s)
            n_short++;
        else if (h->duration_s > c->hold_advice_max_s)
            n_long++;
        else
            n_ok++;
        if (h->mean_force_n > c->heavy_force_n)
            n_heavy++;
    }
    double lo = c->hold_advice_min_s, hi = c->hold_advice_max_s;
    if (n_ok)
        add_n(e, RM_GUIDE_INFO, "hold_ok", n_ok, lo, hi);
    if (n_short)
        add_n(e, RM_GUIDE_ADVICE, "hold_short", n_short, lo, hi);
    if (n_long)
        add_n(e, RM_GUIDE_CAUTION, "hold_long", n_long, lo, hi);
    if (n_heavy)
        add_n(e, RM_GUIDE_CAUTION, "hold_heavy", n_heavy, c->heavy_force_n,
              NAN);
}

static void speed_advice(rm_engine *e)
{
    const rm_summary *s = &e->sum;
    size_t n = 0;
    double *v = rm_calloc(s->n_passes ? s->n_passes : 1, sizeof *v);
    if (!v) {
        e->oom = 1;
        return;
    }
    for (size_t i = 0; i < s->n_passes; i++)
        if (isfinite(s->passes[i].mean_speed_cm_s))
            v[n++] = s->passes[i].mean_speed_cm_s;
    if (n) {
        qsort(v, n, sizeof *v, cmp_double);
        double med = v[n / 2];
        if (med > e->cfg.slow_speed_cm_s)
            add_n(e, RM_GUIDE_ADVICE, "speed_fast", 0, med,
                  e->cfg.slow_speed_cm_s);
        else
            add_n(e, RM_GUIDE_INFO, "speed_ok", 0, med,
                  e->cfg.slow_speed_cm_s);
    }
    rm_free(v);
}

static void coverage_advice(rm_engine *e)
{
    const rm_summary *s = &e->sum;
    if (!s->calf_found)
        return;
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        if (s->coverage[l] >= COVERAGE_LOW)
            continue;
        char code[32];
        snprintf(code, sizeof code, "coverage_%s", rm_line_name((rm_line)l));
        add(e, RM_GUIDE_ADVICE, code, 0, s->coverage[l], COVERAGE_LOW, NAN,
            (rm_line)l);
    }
}

static void session_advice(rm_engine *e)
{
    const rm_summary *s = &e->sum;
    const rm_engine_config *c = &e->cfg;
    if (s->contact_s <= 0.0 || s->duration_s < THIN_S)
        return;
    const char *code = s->contact_s < c->session_min_s   ? "session_short"
                       : s->contact_s > c->session_max_s ? "session_long"
                                                         : "session_ok";
    add(e, strcmp(code, "session_ok") ? RM_GUIDE_ADVICE : RM_GUIDE_INFO, code,
        0, s->contact_s, c->session_min_s, c->session_max_s,
        RM_LINE_UNKNOWN);
}

static void flinch_caution(rm_engine *e)
{
    const rm_summary *s = &e->sum;
    if (!s->n_flinches)
        return;
    /* The first one's place; NAN when the calf was not placed. */
    const rm_flinch *f = &s->flinches[0];
    add(e, RM_GUIDE_CAUTION, "flinch", s->n_flinches, f->position_cm, NAN,
        NAN, f->line);
}

/* A measured calf length that could not be used as given: the frame
 * kept the turns' spacing (tape shorter than it) or the most pad a side
 * allows (tape much longer), or there was no pass to set it on. */
static void frame_notes(rm_engine *e)
{
    const rm_calf_pad *p = &e->calf_pad;
    if (!(p->measured_cm > 0.0) || !e->sum.calf_found)
        return;
    if (!p->measured)
        add_v(e, RM_GUIDE_INFO, "calf_length_unused", p->measured_cm);
    else if (p->excess_cm != 0.0)
        add(e, RM_GUIDE_ADVICE, "calf_length_clamped", 0, p->measured_cm,
            e->sum.calf_length_cm, p->excess_cm, RM_LINE_UNKNOWN);
}

rm_status rm_guidance_build(rm_engine *e)
{
    e->n_guide = 0;
    /* The band the holds were judged by goes with them to the reports. */
    e->sum.hold_advice_min_s = e->cfg.hold_advice_min_s;
    e->sum.hold_advice_max_s = e->cfg.hold_advice_max_s;
    thin_input(e);
    frame_notes(e);
    if (e->sum.contact_s > 0.0) {
        holds_advice(e);
        speed_advice(e);
        coverage_advice(e);
        session_advice(e);
        flinch_caution(e);
        add_v(e, RM_GUIDE_INFO, "safety", NAN);
    }
    return e->oom ? RM_ERR_NOMEM : RM_OK;
}
