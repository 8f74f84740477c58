/*
 * Guidance: the session compared with common advice (holds 30-90 s, slow
 * rolling, all three lines, 5-10 minutes per calf), cautions for flinches
 * and very long or heavy holds, and what thin input did not allow. The
 * wording informs; it never diagnoses. Last step of the summary.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"
#include "guidance_text.h"

/* Below this share of the calf a line counts as "not rolled". */
#define COVERAGE_LOW 0.5
/* More dropped frames than this share is worth saying. */
#define DROPPED_SHARE 0.01
/* Too little data to say anything about technique or timing (s). */
#define THIN_S 30.0

static void add(rm_engine *e, rm_guidance_level level, const char *code,
                const char *fmt, ...) RM_PRINTF(4, 5);

static void add(rm_engine *e, rm_guidance_level level, const char *code,
                const char *fmt, ...)
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
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->text, sizeof g->text, fmt, ap);
    va_end(ap);
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
        add(e, RM_GUIDE_INFO, "no_data", "The session holds no samples.");
        return;
    }
    if (s->contact_s <= 0.0)
        add(e, RM_GUIDE_INFO, "no_contact",
            "The leg never rested on the roller (no load above %.0f N), "
            "so nothing could be placed or found.", e->cfg.contact_force_n);
    else if (!s->calf_found)
        add(e, RM_GUIDE_INFO, "calf_not_found",
            "The ends of the calf could not be found: no roll covered "
            "enough of the calf to show its shape. Positions are left "
            "out; roll from the ankle to below the knee to get them.");
    if (s->duration_s < THIN_S)
        add(e, RM_GUIDE_INFO, "short_session",
            "Only %.0f s of data: too little to judge holds, speed or "
            "coverage.", s->duration_s);
    if (s->frames + s->dropped_frames > 0 &&
        (double)s->dropped_frames >
            DROPPED_SHARE * (double)(s->frames + s->dropped_frames))
        add(e, RM_GUIDE_INFO, "dropped_frames",
            "%llu frames (%.1f %%) were lost on the link; findings near "
            "the gaps are less certain.",
            (unsigned long long)s->dropped_frames,
            100.0 * (double)s->dropped_frames /
                (double)(s->frames + s->dropped_frames));
    if (s->contact_s > 0.0 && s->n_passes <= 1)
        add(e, RM_GUIDE_INFO, "few_passes",
            "%s: peaks need the same spot on several passes to count, and "
            "none could be confirmed.",
            s->n_passes ? "Only one pass" : "No complete pass");
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
    if (n_ok)
        add(e, RM_GUIDE_INFO, "hold_ok",
            "%zu hold%s lasted %.0f-%.0f s, the usual advice.", n_ok,
            n_ok == 1 ? "" : "s", c->hold_advice_min_s, c->hold_advice_max_s);
    if (n_short)
        add(e, RM_GUIDE_ADVICE, "hold_short",
            "%zu hold%s ended before %.0f s; holds of %.0f-%.0f s on a "
            "tender spot are the usual advice.", n_short,
            n_short == 1 ? "" : "s", c->hold_advice_min_s,
            c->hold_advice_min_s, c->hold_advice_max_s);
    if (n_long)
        add(e, RM_GUIDE_CAUTION, "hold_long",
            "%zu hold%s went past %.0f s; longer pressure on one spot is "
            "not advised.", n_long, n_long == 1 ? "" : "s",
            c->hold_advice_max_s);
    if (n_heavy)
        add(e, RM_GUIDE_CAUTION, "hold_heavy",
            "%zu hold%s carried more than %.0f N; pressure should be "
            "intense but tolerable.", n_heavy, n_heavy == 1 ? "" : "s",
            c->heavy_force_n);
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
            add(e, RM_GUIDE_ADVICE, "speed_fast",
                "Rolling speed was about %.1f cm/s; slower than %.1f cm/s "
                "(about an inch a second) is the usual advice.", med,
                e->cfg.slow_speed_cm_s);
        else
            add(e, RM_GUIDE_INFO, "speed_ok",
                "Rolling speed was about %.1f cm/s, slow as advised.", med);
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
        add(e, RM_GUIDE_ADVICE, code,
            "The %s line was rolled over %.0f %% of the calf; ankle to "
            "below the knee on all three lines is the usual routine.",
            rm_line_name((rm_line)l), 100.0 * s->coverage[l]);
    }
}

static void session_advice(rm_engine *e)
{
    const rm_summary *s = &e->sum;
    const rm_engine_config *c = &e->cfg;
    if (s->contact_s <= 0.0 || s->duration_s < THIN_S)
        return;
    double min = s->contact_s / 60.0;
    if (s->contact_s < c->session_min_s)
        add(e, RM_GUIDE_ADVICE, "session_short",
            "%.1f minutes on the roller; %.0f-%.0f minutes per calf is a "
            "common routine.", min, c->session_min_s / 60.0,
            c->session_max_s / 60.0);
    else if (s->contact_s > c->session_max_s)
        add(e, RM_GUIDE_ADVICE, "session_long",
            "%.1f minutes on the roller; %.0f-%.0f minutes per calf is a "
            "common routine.", min, c->session_min_s / 60.0,
            c->session_max_s / 60.0);
    else
        add(e, RM_GUIDE_INFO, "session_ok",
            "%.1f minutes on the roller, within the common %.0f-%.0f "
            "minutes per calf.", min, c->session_min_s / 60.0,
            c->session_max_s / 60.0);
}

static void flinch_caution(rm_engine *e)
{
    const rm_summary *s = &e->sum;
    if (!s->n_flinches)
        return;
    const rm_flinch *f = &s->flinches[0];
    if (isfinite(f->position_cm))
        add(e, RM_GUIDE_CAUTION, "flinch",
            "%zu sudden lift-off%s (flinch), the first at %.1f cm from the "
            "ankle on the %s line: the pressure there may have been too "
            "much. Ease off on that spot.", s->n_flinches,
            s->n_flinches == 1 ? "" : "s", f->position_cm,
            rm_line_name(f->line));
    else
        add(e, RM_GUIDE_CAUTION, "flinch",
            "%zu sudden lift-off%s (flinch): the pressure may have been "
            "too much. Ease off on that spot.", s->n_flinches,
            s->n_flinches == 1 ? "" : "s");
}

rm_status rm_guidance_build(rm_engine *e)
{
    e->n_guide = 0;
    thin_input(e);
    if (e->sum.contact_s > 0.0) {
        holds_advice(e);
        speed_advice(e);
        coverage_advice(e);
        session_advice(e);
        flinch_caution(e);
        add(e, RM_GUIDE_INFO, "safety", "%s", RM_GUIDANCE_SAFETY_TEXT);
    }
    return e->oom ? RM_ERR_NOMEM : RM_OK;
}
