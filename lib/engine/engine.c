/*
 * The streaming engine: frames in (from a file or a live link), findings
 * out. Each frame becomes features, features become ticks of ~50-80 Hz,
 * ticks feed the detectors (holds, passes, flinches, peaks) with bounded
 * state; rm_engine_finish() places everything on the calf (align.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cellsum.h"
#include "engine_internal.h"
#include "engine_priv.h"

/* Ticks are ~50 Hz or the frame rate if slower: B frames per tick. Fast
 * enough for 0.1 s flinches and hold edges, slow enough to be cheap. */
#define TICK_TARGET_HZ 50.0
/* Contact ends when the load falls below this share of the contact
 * threshold (hysteresis, so noise at the threshold is one contact). */
#define CONTACT_OFF_SHARE 0.5

rm_status rm_engine_new(const rm_session_meta *meta,
                        const rm_engine_config *cfg,
                        const rm_engine_callbacks *cb, rm_engine **out,
                        rm_error *err)
{
    if (out)
        *out = NULL;
    if (!meta || !out)
        return rm_error_set(err, RM_ERR_ARG, "engine: no metadata or handle");
    char why[160];
    if (rm_descriptor_check(&meta->desc, why, sizeof why) != RM_OK)
        return rm_error_set(err, RM_ERR_FORMAT, "engine: descriptor: %s", why);
    if (!rm_calf_length_valid(meta->calf_length_cm))
        return rm_error_set(err, RM_ERR_ARG, "engine: calf length %g cm is "
                            "outside %g..%g cm", meta->calf_length_cm,
                            RM_CALF_LENGTH_MIN_CM, RM_CALF_LENGTH_MAX_CM);
    rm_engine_config defaults;
    if (!cfg) {
        rm_engine_config_default(&defaults);
        cfg = &defaults;
    }
    if (!rm_engine_config_ok(cfg))
        return rm_error_set(err, RM_ERR_ARG,
                            "engine: a configuration value is out of range");
    rm_engine *e = rm_calloc(1, sizeof *e);
    if (!e)
        return rm_error_set(err, RM_ERR_NOMEM, "engine: out of memory");
    e->meta = *meta;
    if (cfg->leg != RM_LEG_UNKNOWN) /* --leg: the file's leg was wrong */
        e->meta.leg = cfg->leg;
    e->cfg = *cfg;
    if (cb)
        e->cb = *cb;
    const rm_descriptor *d = &e->meta.desc;
    e->rate_hz = d->rate_hz;
    e->period_us = 1e6 / d->rate_hz;
    e->block = (unsigned)(d->rate_hz / TICK_TARGET_HZ);
    if (e->block < 1)
        e->block = 1;
    /* Example: rev A, 2 pi 72 mm / 2400 counts = 0.0188 cm per count. */
    e->cm_per_count = 2.0 * M_PI * d->radius_mm / 10.0 / d->encoder_cpr;
    rm_glitch_init(&e->glitch, d);
    for (unsigned i = 0; i < d->cells; i++) {
        e->tare_d[i] = (double)d->tare_counts[i];
        e->scale_d[i] = (double)d->scale_n_per_count[i];
    }
    e->avx2 = rm_cellsum_avx2();
    if (rm_holds_init(&e->holds_tr, cfg, cfg->line_skew, e->meta.leg) != RM_OK) {
        rm_free(e);
        return rm_error_set(err, RM_ERR_NOMEM, "engine: out of memory");
    }
    rm_passes_init(&e->passes_tr, cfg->hold_still_cm, cfg->pass_min_cm,
                   RM_PASS_PAUSE_S);
    rm_flinch_init(&e->flinch_tr, cfg);
    rm_peaks_init(&e->peaks_tr, cfg, d);
    rm_live_init(e);
    rm_engine_reset_stream(e);
    *out = e;
    return RM_OK;
}

/* Frame-level state back to the start (first pass or sample pass). */
void rm_engine_reset_stream(rm_engine *e)
{
    e->have_seq = 0;
    e->have_enc = 0;
    e->frames = 0;
    e->dropped = 0;
    e->clock_us = 0.0;
    e->dist_cm = 0.0;
    rm_typical_reset(&e->typical);
    e->acc_n = 0;
    e->contact = 0;
    e->stretch_idx = -1;
    e->n_buf = 0;
    e->gf_have = 0;
}

static rm_status set_err(rm_engine *e, rm_status code, const char *msg)
{
    return rm_msg_set(e->errmsg, sizeof e->errmsg, code, "%s", msg);
}

/* Append to a growable array of records. */
static void *grow(void *arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return arr;
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = rm_realloc_array(arr, nc, size);
    if (p)
        *cap = nc;
    return p;
}

#define PUSH(e, arr, n, cap, rec)                                          \
    do {                                                                   \
        void *p_ = grow((e)->arr, &(e)->cap, (e)->n, sizeof *(e)->arr);    \
        if (!p_) {                                                         \
            (e)->oom = 1;                                                  \
            break;                                                         \
        }                                                                  \
        (e)->arr = p_;                                                     \
        (e)->arr[(e)->n++] = (rec);                                        \
    } while (0)

/* ---- stretches -------------------------------------------------------- */

static void stretch_begin(rm_engine *e, const rm_tick *t)
{
    e->cur.start_s = t->t_s - t->dt_s;
    e->cur.end_s = t->t_s;
    e->cur.enc0_cm = t->enc_cm;
    e->cur.bmin = RM_SBINS;
    e->cur.bmax = -1;
    memset(e->cur_w, 0, sizeof e->cur_w);
    memset(e->cur_n, 0, sizeof e->cur_n);
    memset(e->cur_k, 0, sizeof e->cur_k);
}

static void stretch_add(rm_engine *e, const rm_tick *t)
{
    e->cur.end_s = t->t_s;
    int b = rm_bin_of(t->enc_cm - e->cur.enc0_cm);
    if (b < 0 || b >= RM_SBINS || !(t->width_mm > 0))
        return;
    e->cur_w[b] += (float)t->width_mm;
    e->cur_n[b] += 1.0f;
    /* The map's pressure; its line is the stretch's (a placement keeps
     * its line), decided at finish. */
    e->cur_k[b] += (float)t->peak_kpa;
    if (b < e->cur.bmin)
        e->cur.bmin = b;
    if (b > e->cur.bmax)
        e->cur.bmax = b;
}

/* Keep only the used bins of the finished stretch. */
static void stretch_end(rm_engine *e)
{
    rm_stretch s = e->cur;
    s.wsum = s.n = s.ksum = NULL;
    if (s.bmax >= s.bmin) {
        /* Only the used bins: 12 bytes each, a few hundred per stretch. */
        size_t nb = (size_t)(s.bmax - s.bmin + 1);
        s.wsum = rm_calloc(nb, sizeof *s.wsum);
        s.n = rm_calloc(nb, sizeof *s.n);
        s.ksum = rm_calloc(nb, sizeof *s.ksum);
        if (!s.wsum || !s.n || !s.ksum) {
            rm_free(s.wsum);
            rm_free(s.n);
            rm_free(s.ksum);
            e->oom = 1;
            return;
        }
        memcpy(s.wsum, e->cur_w + s.bmin, nb * sizeof *s.wsum);
        memcpy(s.n, e->cur_n + s.bmin, nb * sizeof *s.n);
        memcpy(s.ksum, e->cur_k + s.bmin, nb * sizeof *s.ksum);
    }
    size_t kept = e->n_st;
    PUSH(e, st, n_st, cap_st, s);
    if (e->n_st == kept) { /* out of memory: the record and its bins go */
        rm_free(s.wsum);
        rm_free(s.n);
        rm_free(s.ksum);
    }
}

/* End the pass in @p pr, keep it and tell the caller; out of memory, its
 * bins are freed (the array could not take it) and e->oom ends the push. */
static void keep_pass(rm_engine *e, rm_pass_rec *pr)
{
    rm_peaks_pass_end(&e->peaks_tr, pr, (int)e->n_passes);
    size_t kept = e->n_passes;
    PUSH(e, passes, n_passes, cap_passes, *pr);
    if (e->n_passes == kept) {
        rm_free(pr->wsum);
        rm_free(pr->n);
        pr->wsum = pr->n = NULL;
    }
    rm_live_pass_end(e, pr);
    if (e->cb.on_pass)
        e->cb.on_pass(&pr->pub, e->cb.user);
}

/* Keep a hold that just ended and tell the caller. */
static void keep_hold(rm_engine *e, const rm_hold_rec *hr)
{
    PUSH(e, holds, n_holds, cap_holds, *hr);
    if (e->cb.on_hold)
        e->cb.on_hold(&hr->pub, e->cb.user);
}

/* The leg left the roller at tick t, or the session ended with it down
 * (t is then the last tick, out of contact): the hold and the pass under
 * way end there and the stretch is kept. The one place contact closes. */
static void close_contact(rm_engine *e, const rm_tick *t)
{
    rm_hold_rec hr;
    rm_pass_rec pr;
    if (rm_holds_lift(&e->holds_tr, t, &hr))
        keep_hold(e, &hr);
    if (rm_passes_lift(&e->passes_tr, &pr))
        keep_pass(e, &pr);
    stretch_end(e);
}

/* ---- ticks ------------------------------------------------------------ */

static void process_tick(rm_engine *e, rm_tick *t)
{
    int was = e->contact;
    if (!was && t->force_n >= e->cfg.contact_force_n) {
        e->contact = 1;
        e->stretch_idx++;
    } else if (was &&
               t->force_n < CONTACT_OFF_SHARE * e->cfg.contact_force_n) {
        e->contact = 0;
    }
    t->contact = e->contact;
    t->stretch = e->contact ? e->stretch_idx : -1;
    int lost = was && !e->contact;

    if (e->sampling) {
        rm_samples_emit(e, t);
        return;
    }
    if (e->n_buf)
        rm_samples_emit(e, t); /* first pass: provisional positions */

    rm_flinch_rec fr;
    if (rm_flinch_tick(&e->flinch_tr, t, lost, &fr)) {
        PUSH(e, flinches, n_flinches, cap_flinches, fr);
        if (e->cb.on_flinch)
            e->cb.on_flinch(&fr.pub, e->cb.user);
    }
    rm_hold_rec hr;
    rm_pass_rec pr;
    if (t->contact) {
        if (!was)
            stretch_begin(e, t);
        stretch_add(e, t);
        e->contact_s += t->dt_s;
        if (rm_holds_tick(&e->holds_tr, t, &hr))
            keep_hold(e, &hr);
        int had_pass = e->passes_tr.dir;
        if (rm_passes_tick(&e->passes_tr, t, &pr))
            keep_pass(e, &pr);
        if (e->passes_tr.dir != had_pass)
            rm_peaks_pass_begin(&e->peaks_tr);
        rm_peaks_tick(&e->peaks_tr, t, e->cur.enc0_cm);
    }
    if (lost) {
        close_contact(e, t);
        rm_peaks_pass_begin(&e->peaks_tr);
        rm_live_stretch_end(e);
    }

    rm_live_tick(e, t);
}

/* ---- frames ----------------------------------------------------------- */

/*
 * Distance the contact line moved for `steps` encoder counts under a load
 * of force_n. The descriptor's radius_mm is the *effective* rolling
 * radius (docs/session-format.md): what rolling the loaded roller a known
 * distance measures, at a typical load. The foam compresses further
 * under more load and less under less, so r_eff = r (1 - c (F - F_typ)),
 * F_typ the session's typical load: the median of its contact ticks so
 * far (typical.h; the calibration load is not in the descriptor; the
 * person's own typical load is the best stand-in, and the simulator's
 * boards assume exactly it). Compressing the effective radius again by c F put every
 * distance ~2-4 % short (issue 13, cause 3b).
 * Example: 600 counts, rev A (0.01885 cm/count), 250 N with a typical
 * 150 N, c = 1.3e-4 /N -> 11.31 x 0.987 = 11.16 cm.
 */
static double compressed_cm(const rm_engine *e, int64_t steps, double force_n)
{
    double load = force_n > 0 ? force_n : 0.0;
    double typ = rm_typical_get(&e->typical);
    if (!isfinite(typ))
        typ = load;
    double k = 1.0 - e->cfg.compression_per_n * (load - typ);
    if (k < 0.5)
        k = 0.5;
    return (double)steps * e->cm_per_count * k;
}

/* A contact tick's load joins the session's typical load. */
static void typical_load_add(rm_engine *e, double force_n)
{
    if (force_n >= e->cfg.contact_force_n)
        rm_typical_add(&e->typical, force_n);
}

/* The lean of a footprint covering fewer than LEAN_MIN_CELLS cells is
 * mostly the cell grid's sampling (rev A: the 4 cm Achilles on 20 mm
 * cells), not the leg: such frames do not vote on the line. */
#define LEAN_MIN_CELLS 2.5

static int lean_usable(const rm_engine *e, const rm_feat *ft)
{
    return isfinite(ft->lean) &&
           ft->width_mm >= LEAN_MIN_CELLS * e->meta.desc.pitch_mm;
}

/*
 * The per-frame path, for frames k0..k0+m-1 of v, all in the tick being
 * built (acc_n + m <= block): sequence and time, encoder steps, raw
 * counts summed; nothing else (no allocation, no division, no branch per
 * cell). rm_engine_push() and rm_engine_push_view() both come here, m
 * frames at a time, or one at a time when samples are wanted.
 * Sequence: gaps are dropped frames. A step backwards (board restart)
 * counts no frames. Time is the board's clock: each time_us step (mod
 * 2^32, so the 71-minute wrap is one more step) that agrees with its
 * sequence step is taken as it is, one that does not (a glitched stamp,
 * a restart) counts as the sequence step at the nominal rate; the
 * agreement rule is the session reader's (lib/session/span.c): within
 * half the expected step plus 0.1 s. A board whose crystal runs 0.5 %
 * slow puts a hold 3 s late at 10 minutes on nominal time, not here.
 */
static void frames_in(rm_engine *e, const rm_frame_view *v, size_t k0,
                      size_t m)
{
    const size_t stride = v->stride_bytes;
    const unsigned cells = e->meta.desc.cells;
    const char *seq = (const char *)v->seq + k0 * stride;
    const char *enc = (const char *)v->encoder + k0 * stride;
    const char *tus = (const char *)v->time_us + k0 * stride;
    const int fresh = e->acc_n == 0;
    size_t k = 0;

    if (fresh)
        e->a_steps = 0;
    /* The first frame of a stream starts the sequence and the encoder. */
    if (!e->have_seq) {
        e->have_seq = e->have_enc = 1;
        e->seq_index = 0;
        e->last_seq = col_u32(seq, stride, 0);
        e->last_enc = *col_i32(enc, stride, 0);
        rm_glitch_restart(&e->glitch);
        e->last_tus = col_u32(tus, stride, 0);
        e->clock_us = 0.0;
        k = 1;
    }
    /* Sequence steps of 1..2^31-1 advance time by the step and lose
     * step - 1 frames; any other step advances by one frame. So the
     * frames lost are the advance less the steps taken. */
    uint64_t idx = e->seq_index;
    const uint64_t idx0 = idx, steps_taken = m - k;
    uint32_t last = e->last_seq;
    int64_t enc_steps = e->a_steps;
    int32_t le = e->last_enc;
    uint32_t lt = e->last_tus;
    double clock = e->clock_us;
    const double period = e->period_us;
    for (; k < m; k++) {
        uint32_t sq = col_u32(seq, stride, k);
        uint32_t step = sq - last;
        uint32_t adv = step - 1u < 0x7fffffffu ? step : 1u;
        idx += adv;
        last = sq;
        uint32_t tu = col_u32(tus, stride, k);
        /* Signed: a stamp jittered late then one jittered early may
         * step back a little; the steps still add up. */
        double dt = (double)(int32_t)(tu - lt);
        double want = (double)adv * period;
        clock += fabs(dt - want) <= 0.5 * want + 100000.0 ? dt : want;
        /* Never before the first frame: stamps stepping back by up to
         * the tolerance on every frame of a short stream could otherwise
         * give a session a negative length. */
        if (clock < 0.0)
            clock = 0.0;
        lt = tu;
        /* Encoder: signed steps between frames, wrapping at 2^32; steps
         * no roller can make are glitches (glitch.h). */
        enc_steps += rm_glitch_step(&e->glitch, &le,
                                    *col_i32(enc, stride, k), adv);
    }
    e->dropped += idx - idx0 - steps_taken;
    e->seq_index = idx;
    e->last_seq = last;
    e->a_steps = enc_steps;
    e->last_enc = le;
    e->last_tus = lt;
    e->clock_us = clock;
    e->frames += m;

    /* Calibration is linear, so the tick's mean cells are calibrated once
     * per tick and every feature comes from them (1 kHz boards: once in
     * 20 frames). */
    const char *rows = (const char *)v->cells + k0 * stride;
    rm_cellsum_add(e->a_lo, e->a_hi, rows, stride, m, cells, fresh, e->avx2);

    e->acc_n += (unsigned)m;
    e->a_t1 = e->clock_us * 1e-6;
}

/* Samples need each frame's own numbers: only when on_sample is set. The
 * frame is the last one frames_in() took. */
static void sample_in(rm_engine *e, const rm_frame_view *v, size_t k)
{
    const rm_descriptor *d = &e->meta.desc;
    if (e->n_buf >= RM_MAX_BLOCK)
        return;
    rm_feat ft;
    rm_sample *s = &e->buf[e->n_buf];
    double cell_n[RM_MAX_CELLS];
    rm_feat_frame(d, col_i32(v->cells, v->stride_bytes, k), cell_n, &ft);
    s->time_s = e->a_t1;
    s->force_n = ft.force_n;
    s->cop_mm = ft.cop_mm;
    s->cells = d->cells;
    for (unsigned i = 0; i < d->cells; i++)
        s->cell_n[i] = cell_n[i];
    for (unsigned i = d->cells; i < RM_MAX_CELLS; i++)
        s->cell_n[i] = 0.0;
    /* Distance at this frame: the tick's steps so far at the load of
     * this frame (the tick's own is not known yet). */
    e->buf_dist[e->n_buf] = e->dist_cm + compressed_cm(e, e->a_steps,
                                                       ft.force_n);
    e->buf_skew[e->n_buf] = lean_usable(e, &ft) ? ft.lean : NAN;
    e->n_buf++;
}

/* Frame k of v as the live view's last frame (rm_engine_live_state). */
static void keep_last_frame(rm_engine *e, const rm_frame_view *v, size_t k)
{
    const size_t stride = v->stride_bytes;
    rm_frame *f = &e->last_frame;
    f->seq = col_u32(v->seq, stride, k);
    f->time_us = col_u32(v->time_us, stride, k);
    f->encoder = *col_i32(v->encoder, stride, k);
    /* Cells past the descriptor's stay zero (the engine is calloc'ed). */
    memcpy(f->cells, col_i32(v->cells, stride, k),
           e->meta.desc.cells * sizeof f->cells[0]);
}

/*
 * Per-cell outlier filter, ahead of everything that reads the tick's
 * cells (contact, flinches, holds, features). ADC glitches are single
 * samples off by 2^14-2^21 counts (up to ~200 N on one cell), some
 * cancelling the whole load for one frame; a real change of a cell's
 * load (a flinch, the footprint rolling over it) takes many ticks. So a
 * cell whose tick mean jumps from its last accepted level by more than
 * GLITCH_SHARE of that level (and at least GLITCH_FLOOR_SHARE of the
 * contact threshold) is held at that level for this one tick; the next
 * tick is always accepted, so a real step is only one tick late. At 1 kHz
 * a one-frame glitch is diluted 20x in the tick mean and mostly passes,
 * harmlessly; at rev A's 80 Hz it is the whole tick and is caught.
 * Cost: a few operations per cell and tick, nothing per frame.
 */
#define GLITCH_SHARE 0.5
#define GLITCH_FLOOR_SHARE 0.25

static void glitch_filter(rm_engine *e, double *cell_n, unsigned cells)
{
    if (e->gf_off)
        return;
    if (!e->gf_have) {
        for (unsigned i = 0; i < cells; i++) {
            e->gf_level[i] = cell_n[i];
            e->gf_held[i] = 0;
        }
        e->gf_have = 1;
        return;
    }
    const double floor_n = GLITCH_FLOOR_SHARE * e->cfg.contact_force_n;
    for (unsigned i = 0; i < cells; i++) {
        double r = e->gf_level[i], c = cell_n[i];
        double lim = GLITCH_SHARE * fabs(r);
        if (lim < floor_n)
            lim = floor_n;
        if (!e->gf_held[i] && fabs(c - r) > lim) {
            cell_n[i] = r;
            e->gf_held[i] = 1;
        } else {
            e->gf_level[i] = c;
            e->gf_held[i] = 0;
        }
    }
}

void rm_engine_flush_tick(rm_engine *e)
{
    if (e->acc_n == 0)
        return;
    rm_tick t;
    double n = (double)e->acc_n;
    t.t_s = e->a_t1;
    t.dt_s = (double)e->acc_n / e->rate_hz;
    const rm_descriptor *d = &e->meta.desc;
    unsigned cells = d->cells;
    /* (mean raw - tare) x scale, in this order (the summary depends on
     * the exact doubles). */
    rm_cellsum_mean(e->a_lo, e->a_hi, e->tare_d, e->scale_d, n, cells,
                    t.cell_n);
    glitch_filter(e, t.cell_n, cells);
    /* rm_feat_compute()'s first pass (total, most loaded cell). */
    double total = 0.0, peak = 0.0;
    unsigned ipk = 0;
    for (unsigned i = 0; i < cells; i++) {
        double c = t.cell_n[i];
        total += c;
        if (c > peak) {
            peak = c;
            ipk = i;
        }
    }
    rm_feat ft;
    rm_feat_shape(t.cell_n, cells, e->meta.desc.pitch_mm, total, peak, ipk,
                  &ft);
    t.force_n = ft.force_n;
    e->dist_cm += compressed_cm(e, e->a_steps, ft.force_n);
    typical_load_add(e, ft.force_n);
    e->a_steps = 0;
    t.enc_cm = e->dist_cm;
    t.cop_mm = ft.cop_mm;
    t.width_mm = ft.width_mm;
    t.centre_mm = ft.centre_mm;
    t.half_mm = ft.half_mm;
    t.peak_share = ft.force_n > 0 && isfinite(ft.cop_mm)
                       ? ft.peak_n / ft.force_n : 0.0;
    t.skew = lean_usable(e, &ft) ? ft.lean : NAN;
    {
        double wc = ft.width_mm / e->meta.desc.pitch_mm;
        t.skew_w = isfinite(t.skew) ? wc * wc : 0.0;
    }
    /* 1 N/mm^2 = 1 MPa = 1000 kPa. */
    t.peak_kpa = ft.peak_n / e->meta.desc.cell_area_mm2 * 1000.0;
    t.contact = 0;
    t.stretch = -1;
    e->acc_n = 0;
    e->last_tick_t = t.t_s;
    process_tick(e, &t);
}

static rm_status push_view(rm_engine *e, const rm_frame_view *v)
{
    size_t k = 0, last_tick_end = 0;
    rm_status st = RM_OK;
    while (k < v->n) {
        size_t room = e->block - e->acc_n;
        size_t m = v->n - k < room ? v->n - k : room;
        if (e->cb.on_sample) {
            for (size_t j = 0; j < m; j++) {
                frames_in(e, v, k + j, 1);
                sample_in(e, v, k + j);
            }
        } else {
            frames_in(e, v, k, m);
        }
        k += m;
        if (e->acc_n >= e->block) {
            last_tick_end = k;
            rm_engine_flush_tick(e);
            if (e->oom) {
                st = set_err(e, RM_ERR_NOMEM, "engine: out of memory");
                break;
            }
        }
    }
    /* The live view's frame: the last one of the last full tick. Once
     * per push, since rm_engine_live_state() cannot run inside one. */
    if (last_tick_end)
        keep_last_frame(e, v, last_tick_end - 1);
    return st;
}

static rm_status push_check(rm_engine *e)
{
    if (e->finished && !e->sampling)
        return set_err(e, RM_ERR_ARG,
                       "engine: push after finish (start a sample pass)");
    if (e->oom) /* an earlier push ran out: what it kept is incomplete */
        return set_err(e, RM_ERR_NOMEM, "engine: out of memory");
    return RM_OK;
}

rm_status rm_engine_push(rm_engine *e, const rm_frame *frames, size_t n)
{
    if (!e || (!frames && n))
        return RM_ERR_ARG;
    rm_status st = push_check(e);
    if (st != RM_OK || n == 0)
        return st;
    rm_frame_view v = {
        .seq = &frames[0].seq, .time_us = &frames[0].time_us,
        .encoder = &frames[0].encoder, .cells = frames[0].cells,
        .cells_n = RM_MAX_CELLS, .stride_bytes = sizeof *frames, .n = n,
    };
    return push_view(e, &v);
}

rm_status rm_engine_push_view(rm_engine *e, const rm_frame_view *v)
{
    if (!e || !v)
        return RM_ERR_ARG;
    rm_status st = push_check(e);
    if (st != RM_OK || v->n == 0)
        return st;
    if (!v->seq || !v->time_us || !v->encoder || !v->cells ||
        v->cells_n < e->meta.desc.cells || v->stride_bytes == 0 ||
        v->stride_bytes % sizeof(int32_t) != 0)
        return set_err(e, RM_ERR_ARG, "engine: bad frame view");
    return push_view(e, v);
}

rm_status rm_engine_finish(rm_engine *e)
{
    if (!e)
        return RM_ERR_ARG;
    if (e->sampling) {
        rm_engine_flush_tick(e);
        e->sampling = 0;
        return RM_OK;
    }
    if (e->finished)
        return RM_OK;
    rm_engine_flush_tick(e);
    if (e->contact) {
        /* The session ended with the leg down: close what is open as if
         * it lifted at the last tick. */
        rm_tick t = { .t_s = e->last_tick_t, .dt_s = 0, .enc_cm = e->dist_cm,
                      .force_n = 0, .contact = 0, .stretch = -1,
                      .skew = NAN };
        close_contact(e, &t);
        e->contact = 0;
    }
    if (e->oom)
        return set_err(e, RM_ERR_NOMEM, "engine: out of memory");
    rm_status st = rm_engine_summarise(e);
    if (st != RM_OK)
        return set_err(e, st, "engine: out of memory in the summary");
    e->finished = 1;
    return RM_OK;
}

const rm_summary *rm_engine_summary(const rm_engine *e)
{
    return e && e->finished ? &e->sum : NULL;
}

const char *rm_engine_errmsg(const rm_engine *e)
{
    if (!e)
        return "no engine";
    return e->errmsg[0] ? e->errmsg : "no error";
}

void rm_engine_free(rm_engine *e)
{
    if (!e)
        return;
    rm_holds_free(&e->holds_tr);
    rm_peaks_free(&e->peaks_tr);
    for (size_t k = 0; k < e->n_st; k++) {
        rm_free(e->st[k].wsum);
        rm_free(e->st[k].n);
        rm_free(e->st[k].ksum);
    }
    rm_free(e->st);
    for (size_t i = 0; i < e->n_passes; i++) {
        rm_free(e->passes[i].wsum);
        rm_free(e->passes[i].n);
    }
    rm_free(e->holds_v);
    rm_free(e->passes_v);
    rm_free(e->flinches_v);
    rm_free(e->peaks_v);
    rm_free(e->guide_v);
    rm_free(e->holds);
    rm_free(e->passes);
    rm_free(e->flinches);
    rm_free(e->map);
    rm_align_tmpls_free(e->tmpls);
    rm_free(e);
}

rm_align_tmpls *rm_engine_tmpls(rm_engine *e)
{
    /* Made at the first fit (the live view's or the finish's), not in
     * rm_engine_new: an engine that is never finished never pays for it.
     * Out of memory it stays NULL and each fit builds its own. */
    if (!e->tmpls)
        e->tmpls = rm_align_tmpls_new();
    return e->tmpls;
}
