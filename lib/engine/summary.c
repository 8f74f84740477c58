/*
 * The summary at rm_engine_finish(): the finish stages of finish.h run in
 * order over the recorded stretches and passes (align, place, correct
 * slip), then every hold, pass and flinch gets its place and line, peaks
 * are grouped (peaks.c), and the calf map, coverage and guidance follow.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"
#include "finish.h"

static rm_layout layout_of(rm_engine *e)
{
    return (rm_layout){ .st = e->st, .n_st = e->n_st, .passes = e->passes,
                        .n_passes = e->n_passes, .al = &e->al };
}

rm_line_rule rm_engine_line_rule(const rm_engine *e)
{
    rm_line_rule r = { .leg = e->meta.leg, .line_skew = e->cfg.line_skew,
                       .tick_hz = e->rate_hz / (double)e->block,
                       .strip_mid_mm = (e->meta.desc.cells - 1) / 2.0 *
                                       e->meta.desc.pitch_mm };
    return r;
}

static rm_line_rule line_rule_of(const rm_engine *e)
{
    rm_line_rule r = rm_engine_line_rule(e);
    rm_lines_fit(e->passes, e->n_passes, &r);
    return r;
}

double rm_engine_place(const rm_engine *e, int stretch, double enc_cm,
                       double t0_s, double t1_s)
{
    rm_layout lay = layout_of((rm_engine *)e);
    return rm_layout_place(&lay, stretch, enc_cm, t0_s, t1_s);
}

static double frac_of(const rm_engine *e, double x)
{
    return isfinite(x) && e->al.length_cm > 0 ? x / e->al.length_cm : NAN;
}

static rm_status place_holds(rm_engine *e, const rm_line_rule *rule)
{
    if (!e->n_holds)
        return RM_OK;
    e->holds_v = rm_calloc(e->n_holds, sizeof *e->holds_v);
    if (!e->holds_v)
        return RM_ERR_NOMEM;
    for (size_t i = 0; i < e->n_holds; i++) {
        rm_hold h = e->holds[i].pub;
        h.line = rm_hold_line(e->passes, e->n_passes, &e->holds[i], rule);
        h.position_cm = rm_engine_place(e, e->holds[i].stretch,
                                        e->holds[i].enc_cm, h.start_s,
                                        h.end_s);
        h.position_frac = frac_of(e, h.position_cm);
        e->holds_v[i] = h;
    }
    return RM_OK;
}

static rm_status place_pass_records(rm_engine *e, const rm_line_rule *rule)
{
    if (!e->n_passes)
        return RM_OK;
    e->passes_v = rm_calloc(e->n_passes, sizeof *e->passes_v);
    if (!e->passes_v)
        return RM_ERR_NOMEM;
    for (size_t i = 0; i < e->n_passes; i++) {
        const rm_pass_rec *r = &e->passes[i];
        rm_pass p = r->pub;
        p.from_cm = rm_engine_place(e, r->stretch, r->enc_from, p.start_s,
                                    p.end_s);
        p.to_cm = rm_engine_place(e, r->stretch, r->enc_to, p.start_s,
                                  p.end_s);
        /* Without a placement the direction along the calf is not known
         * either: 0. */
        p.direction = isfinite(p.from_cm) && isfinite(p.to_cm)
                          ? (p.to_cm > p.from_cm ? 1 : -1) : 0;
        p.line = rm_pass_line(e->passes, e->n_passes, r, rule);
        e->passes_v[i] = p;
    }
    return RM_OK;
}

static rm_status place_flinches(rm_engine *e, const rm_line_rule *rule)
{
    if (!e->n_flinches)
        return RM_OK;
    e->flinches_v = rm_calloc(e->n_flinches, sizeof *e->flinches_v);
    if (!e->flinches_v)
        return RM_ERR_NOMEM;
    for (size_t i = 0; i < e->n_flinches; i++) {
        const rm_flinch_rec *r = &e->flinches[i];
        rm_flinch f = r->pub;
        f.position_cm = rm_engine_place(e, r->stretch, r->enc_cm, f.time_s,
                                        f.time_s);
        f.position_frac = frac_of(e, f.position_cm);
        f.line = rm_line_from_skew(r->skew, rule->leg, rule->line_skew);
        e->flinches_v[i] = f;
    }
    return RM_OK;
}

static rm_status build_map(rm_engine *e, const rm_line_rule *rule)
{
    e->map = rm_calloc(3 * RM_MAP_BINS, sizeof *e->map);
    float *cnt = rm_calloc(3 * RM_MAP_BINS, sizeof *cnt);
    if (!e->map || !cnt) {
        rm_free(cnt);
        return RM_ERR_NOMEM;
    }
    rm_layout lay = layout_of(e);
    rm_calf_map_build(&lay, rule, e->map, cnt);
    rm_free(cnt);
    rm_line_coverage(e->passes_v, e->n_passes, e->al.length_cm,
                     e->sum.coverage);
    e->sum.map_kpa = e->map;
    e->sum.map_bins = RM_MAP_BINS;
    return RM_OK;
}

/* The recorded stretches and passes placed on the calf. */
static rm_status place_all(rm_engine *e, const rm_line_rule *rule)
{
    rm_status st = rm_align_fit(rm_engine_tmpls(e), e->st, e->n_st,
                                RM_ALIGN_MIN_SPAN_CM,
                                RM_PLACE_MIN_SPAN_CM, &e->al);
    rm_layout lay = layout_of(e);
    if (st == RM_OK)
        st = rm_place_passes(&lay, rule, e->cfg.end_margin_cm);
    if (st == RM_OK)
        st = rm_fix_slip(&lay, rule, e->meta.calf_length_cm, &e->calf_pad,
                         &e->frame_cues);
    return st;
}

rm_status rm_engine_summarise(rm_engine *e)
{
    rm_line_rule rule = line_rule_of(e);
    rm_status st = place_all(e, &rule);
    if (st != RM_OK)
        return st;
    rm_summary *s = &e->sum;
    memset(s, 0, sizeof *s);
    s->duration_s = e->clock_us * 1e-6 + /* board clock (engine.c) */
                    (e->frames ? 1.0 / e->rate_hz : 0.0);
    s->rate_hz = e->rate_hz;
    s->cells = e->meta.desc.cells;
    s->frames = e->frames;
    s->dropped_frames = e->dropped;
    s->leg = e->meta.leg;
    s->calf_found = e->al.found;
    s->calf_length_cm = e->al.found ? e->al.length_cm : NAN;
    s->contact_s = e->contact_s;
    s->calf_frame = e->calf_pad.measured ? RM_CALF_FRAME_MEASURED
                                         : RM_CALF_FRAME_TURNS;

    st = place_holds(e, &rule);
    if (st == RM_OK)
        st = place_pass_records(e, &rule);
    if (st == RM_OK)
        st = place_flinches(e, &rule);
    if (st != RM_OK)
        return st;
    rm_confidence_finish(e, &rule);
    if (e->peaks_tr.oom)
        return RM_ERR_NOMEM;
    st = rm_peaks_finish(e);
    if (st != RM_OK)
        return st;
    st = build_map(e, &rule);
    if (st != RM_OK)
        return st;

    s->passes = e->passes_v;
    s->n_passes = e->n_passes;
    s->holds = e->holds_v;
    s->n_holds = e->n_holds;
    s->flinches = e->flinches_v;
    s->n_flinches = e->n_flinches;
    s->peaks = e->peaks_v;
    s->n_peaks = e->n_peaks;
    st = rm_guidance_build(e);
    s->guidance = e->guide_v;
    s->n_guidance = e->n_guide;
    return st;
}
