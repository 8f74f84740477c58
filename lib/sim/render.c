/*
 * Simulator rendering: turns the planned script into board frames on
 * demand, one frame at a time (memory does not grow with length): the
 * model state at the frame's time, the pressure profile across the strip
 * integrated per cell, then the HX711-like counts, encoder and clock.
 */
#include <string.h>

#include "sim_internal.h"

#define HX711_MAX ((1 << 23) - 1)
#define HX711_MIN (-(1 << 23))
#define MAINS_HZ 50.0
/* A 24-cm strip at 2.5 mm per sub-sample: room for any footprint. */
#define MAX_SUB 512

static double smoothstep(double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    return x * x * (3.0 - 2.0 * x);
}

/* Biweight kernel (1 - d^2)^2 on |d| < 1: smooth, cheap, no exp(). Its
 * full width at half maximum is 1.08 times the support half-width. */
static double biweight(double d)
{
    double q = 1.0 - d * d;
    return q > 0.0 ? q * q : 0.0;
}

/*
 * Footprint width across the strip: flat at the Achilles for the first
 * w_flat_frac of the calf, rising smoothly to the widest point over the
 * gastrocnemius bellies, easing to the width just below the knee.
 * Example: w = 4, 11, 9 cm at f = 0.05, 0.70, 1.0.
 */
double rm_sim_width_cm(const rm_sim *sim, double f)
{
    if (f < 0.0)
        f = 0.0;
    if (f > 1.0)
        f = 1.0;
    if (f < sim->w_max_frac) {
        double x = (f - sim->w_flat_frac) / (sim->w_max_frac - sim->w_flat_frac);
        return sim->w_ankle_cm +
               (sim->w_max_cm - sim->w_ankle_cm) * smoothstep(x);
    }
    double x = (f - sim->w_max_frac) / (1.0 - sim->w_max_frac);
    return sim->w_max_cm + (sim->w_knee_cm - sim->w_max_cm) * smoothstep(x);
}

/* Turning the leg onto its medial or lateral side moves the centre of
 * pressure 30 % of the footprint's half-width that way. */
double rm_sim_line_shift(rm_line line)
{
    switch (line) {
    case RM_LINE_MEDIAL:  return 0.30;
    case RM_LINE_LATERAL: return -0.30;
    default:              return 0.0;
    }
}

/* Where a trigger point on a line sits across the leg, in half-widths
 * from the centreline, + = medial. */

/*
 * Turning the leg rolls its skin over the roller: a point at offset u on
 * the leg appears at u - SKIN_ROLL * shift across the footprint, where
 * shift is the CoP shift of the turn (+ medial). Rolling the medial line
 * (shift 0.30) brings a medial point (0.5) to 0.05, the loaded middle of
 * the contact; rolling the lateral line pushes it to 0.95, the unloaded
 * edge. Rocking sweeps it across.
 */
#define SKIN_ROLL 1.5
static double line_offset(rm_line line)
{
    switch (line) {
    case RM_LINE_MEDIAL:  return 0.5;
    case RM_LINE_LATERAL: return -0.5;
    default:              return 0.0;
    }
}

/* Distance covered after tau seconds of a roll segment (trapezoid speed). */
static double roll_distance(const sim_seg *s, double tau)
{
    double dist = fabs(s->pos1_cm - s->pos0_cm);
    double T = s->t1_s - s->t0_s;
    double a_in = s->ramp_in ? s->ramp_s : 0.0;
    double a_out = s->ramp_out ? s->ramp_s : 0.0;
    double v = dist / (T - (a_in + a_out) / 2.0);
    if (tau <= 0.0)
        return 0.0;
    if (tau >= T)
        return dist;
    if (tau < a_in)
        return v * tau * tau / (2.0 * a_in);
    if (tau > T - a_out) {
        double r = T - tau;
        return dist - v * r * r / (2.0 * a_out);
    }
    return v * (tau - a_in / 2.0);
}

/* Sign of a line: +1 medial, -1 lateral, 0 middle. */
static double line_sign(rm_line line)
{
    return line == RM_LINE_MEDIAL ? 1.0 : line == RM_LINE_LATERAL ? -1.0 : 0.0;
}

/*
 * The physics variants' part of the state: partial flinches, the line
 * model (lean and/or sideways shift) with the resting place's drift.
 * rock: the rocking swing this instant, in the original's half-widths.
 */
static void apply_physics(const rm_sim *sim, const sim_seg *s, double t,
                          double rock, double *load, sim_state *st)
{
    const sim_physics *ph = &sim->phy;
    if (sim->dips.n)
        *load *= rm_sim_dip_factor(sim, t);
    if (!PHY_LINE_ANY(sim))
        return;
    /* A turned leg: rock / 0.30 is the rocking swing as a fraction of a
     * full turn onto a line. */
    double turn = line_sign(s->line) + rock / 0.30;
    st->turn = 0.30 * turn;
    st->shift = ph->lean * turn; /* line-shift drew a small lean */
    st->centre_mm += ph->drift_mm * sin(2 * M_PI * ph->drift_hz * t +
                                        ph->drift_ph);
    if (PHY_ON(sim, PHY_LINE_SHIFT) || PHY_ON(sim, PHY_LINE_BOTH))
        st->centre_mm += turn * ph->shift_mm * sim->medial_sign;
}

/* Footprint half-width factor: stiffness map along the calf and widening
 * with load (lf: the placement's load factor). */
static double width_factor(const rm_sim *sim, const sim_state *st, double lf)
{
    const sim_physics *ph = &sim->phy;
    double w = 1.0;
    if (PHY_ON(sim, PHY_CALF_VARY)) {
        double f = st->pos_cm / sim->calf_len_cm;
        for (int i = 0; i < 3; i++) {
            double d = (f - ph->stiff_at[i]) / ph->stiff_w[i];
            double q = 1.0 - d * d;
            if (q > 0.0)
                w *= 1.0 + ph->stiff_amp[i] * q * q;
        }
    }
    if (PHY_ON(sim, PHY_FOOT_WIDEN) && lf > 1.0)
        w *= 1.0 + ph->widen * (lf - 1.0);
    return w;
}

static void state_of_seg(const rm_sim *sim, const sim_seg *s, double t,
                         sim_state *st);

void rm_sim_state_at(const rm_sim *sim, size_t seg_i, double t,
                     sim_state *st)
{
    state_of_seg(sim, &sim->segs.v[seg_i], t, st);
}

void rm_sim_probe_state(const rm_sim *sim, double pos_cm, rm_line line,
                        sim_state *st)
{
    sim_seg s;
    memset(&s, 0, sizeof s);
    s.kind = SEG_STILL;
    s.pos0_cm = s.pos1_cm = pos_cm;
    s.line = line;
    s.load_factor = 1.0;
    s.centre_mm = sim->placements.n ? sim->placements.v[0].centre_mm
                                    : sim->meta.desc.cells *
                                          (double)sim->meta.desc.pitch_mm / 2;
    state_of_seg(sim, &s, 0.0, st);
}

static void state_of_seg(const rm_sim *sim, const sim_seg *s, double t,
                         sim_state *st)
{
    double tau = t - s->t0_s, dur = s->t1_s - s->t0_s;
    /* Natural variation of the load: two slow sways, 1-5 % each. */
    double nat = 1.0;
    for (int i = 0; i < 2; i++)
        nat += sim->load_var_amp[i] *
               sin(2 * M_PI * sim->load_var_hz[i] * t + sim->load_var_ph[i]);
    double load = sim->load_n * s->load_factor * nat;
    memset(st, 0, sizeof *st);
    st->pos_cm = s->pos0_cm;
    st->shift = rm_sim_line_shift(s->line);
    st->turn = st->shift;
    st->centre_mm = s->centre_mm;
    double rock = 0.0;
    switch (s->kind) {
    case SEG_OFF:
        load = 0.0;
        st->enc_turn_rate = dur > 0.0 ? s->enc_turn_counts / dur : 0.0;
        break;
    case SEG_DOWN:
        load *= smoothstep(dur > 0.0 ? tau / dur : 1.0);
        break;
    case SEG_LIFT:
        load *= 1.0 - smoothstep(dur > 0.0 ? tau / dur : 1.0);
        break;
    case SEG_ROLL: {
        double d = roll_distance(s, tau);
        st->pos_cm = s->pos0_cm + (s->pos1_cm > s->pos0_cm ? d : -d);
        st->slip = s->slip;
        break;
    }
    case SEG_STILL:
        break;
    case SEG_HOLD:
        if (sim->phy.on && PHY_ON(sim, PHY_BREATH))
            load *= 1.0 + sim->phy.breath_amp *
                              sin(2 * M_PI * sim->phy.breath_hz * t +
                                  sim->phy.breath_ph);
        if (s->tech == RM_TECH_ROCKING) {
            rock = s->mod_amp * sin(2 * M_PI * s->mod_hz * tau);
            st->shift += rock;
            st->turn = st->shift;
        } else if (s->tech == RM_TECH_PIN_AND_STRETCH &&
                   PHY_ON(sim, PHY_FLEX_SINE)) {
            /* Full sine flexes, each period its own length. */
            double ft = tau - s->lead_s;
            for (uint32_t i = 0; ft > 0.0 && i < s->flexes; i++) {
                if (ft < s->per_s[i]) {
                    double x = 2 * M_PI * ft / s->per_s[i];
                    load *= 1.0 + s->mod_amp * sin(x);
                    st->pos_cm += 0.3 * 0.5 * (1.0 - cos(x));
                    break;
                }
                ft -= s->per_s[i];
            }
        } else if (s->tech == RM_TECH_PIN_AND_STRETCH) {
            double ft = tau - s->lead_s;
            if (ft > 0.0 && ft < s->flexes / s->mod_hz) {
                /* Each flex: a raised-cosine rise and fall of the load;
                 * the calf slides up to 3 mm toward the knee. */
                double bump = 0.5 * (1.0 - cos(2 * M_PI * s->mod_hz * ft));
                load *= 1.0 + s->mod_amp * bump;
                st->pos_cm += 0.3 * bump;
            }
        }
        break;
    }
    if (sim->phy.on)
        apply_physics(sim, s, t, rock, &load, st);
    st->load_n = load > 0.0 ? load : 0.0;
    st->half_width_mm =
        rm_sim_width_cm(sim, st->pos_cm / sim->calf_len_cm) * 5.0;
    if (sim->phy.on)
        st->half_width_mm *= width_factor(sim, st, s->load_factor);
}

/*
 * Skew of the profile p(u) = (1 - u^2)(1 + k u)^2 on |u| < 1 whose centre
 * of pressure sits at u = s: the CoP is 2k / (5 + k^2), so
 * k = (1 - sqrt(1 - 5 s^2)) / s, for |s| <= 1/sqrt(5) = 0.447.
 * Example: s = 0.30 -> k = 0.86.
 */
static double skew_for_shift(double s)
{
    if (s > 0.44)
        s = 0.44;
    if (s < -0.44)
        s = -0.44;
    if (fabs(s) < 1e-9)
        return 0.0;
    return (1.0 - sqrt(1.0 - 5.0 * s * s)) / s;
}

/*
 * Force on every cell for one model state: the profile integrated over
 * each cell's pitch span by sub-samples 2.5 mm or finer apart, trigger
 * points raising it locally, then scaled so the whole footprint (on the
 * strip or not) carries the load.
 */
/* Flat-topped nodule: level over the inner half of its reach, then the
 * biweight's fall. */
static double flat_top(double d)
{
    d = fabs(d);
    return d < 0.5 ? 1.0 : biweight((d - 0.5) * 2.0);
}

/* The variant footprint shapes at u (half-widths), before trigger points;
 * k: the lean's skew; belly: 0..1, how far over the bellies. */
static double variant_profile(const rm_sim *sim, double u, double k,
                              double belly)
{
    const sim_physics *ph = &sim->phy;
    double p;
    if (PHY_ON(sim, PHY_FOOT_GAUSS)) {
        /* The lean as a factor 1 + k' tanh(u / sd) that levels off on
         * both flanks, so the edges stay where the leg's contact is (a
         * Gaussian tilted by exp(c u) would only move, not lean). */
        double sd = ph->sigma, kk = k;
        kk = kk > 0.95 ? 0.95 : kk < -0.95 ? -0.95 : kk;
        p = exp(-0.5 * u * u / (sd * sd)) * (1.0 + kk * tanh(u / sd));
    } else {
        double q = 1.0 - u * u;
        if (q <= 0.0)
            return 0.0;
        double a = 1.0 + k * u;
        p = (PHY_ON(sim, PHY_FOOT_POWER) ? pow(q, ph->q) : q) * a * a;
    }
    if (belly > 0.0) {
        if (PHY_ON(sim, PHY_FOOT_GROOVE))
            p *= 1.0 - ph->groove * belly * biweight(u / 0.3);
        if (PHY_ON(sim, PHY_FOOT_SKEW)) {
            /* (1 + c u) moves a parabola's CoP by c / 5. */
            double m = 1.0 + 5.0 * ph->skew * belly * u * sim->medial_sign;
            p *= m > 0.0 ? m : 0.0;
        }
    }
    return p;
}

#define PHY_SHAPE_BITS                                                   \
    ((1u << PHY_FOOT_POWER) | (1u << PHY_FOOT_GAUSS) |                  \
     (1u << PHY_FOOT_GROOVE) | (1u << PHY_FOOT_SKEW))

void rm_sim_cell_forces(const rm_sim *sim, const sim_state *st, double *f_n,
                        int skip_tp)
{
    const rm_descriptor *d = &sim->meta.desc;
    unsigned n = d->cells;
    for (unsigned i = 0; i < n; i++)
        f_n[i] = 0.0;
    if (st->load_n <= 0.0 || st->half_width_mm <= 0.0)
        return;
    double k = skew_for_shift(st->shift) * sim->medial_sign;
    double hw = st->half_width_mm, inv_hw = 1.0 / hw, xc = st->centre_mm;
    double step = d->pitch_mm / sim->sub_per_cell;

    /* Trigger points under the roller. The foam sleeve (about 1.5 cm)
     * spreads a nodule's push-back before it reaches the cells, and along
     * the calf the contact band (about 2 cm) blurs it further; the reach
     * (biweight support) is precomputed per point at planning. */
    double tp_u[SIM_MAX_TP], tp_inv_b[SIM_MAX_TP], tp_amp[SIM_MAX_TP];
    int n_act = 0;
    int flat[SIM_MAX_TP];
    for (int i = 0; i < sim->n_tp; i++) {
        const sim_tp *tp = &sim->tp[i];
        if (i == skip_tp)
            continue;
        double dl = (st->pos_cm - tp->position_cm) / tp->along_cm;
        double g = tp->flat ? flat_top(dl) : biweight(dl);
        if (g <= 0.0)
            continue;
        tp_u[n_act] = (line_offset(tp->line) - SKIN_ROLL * st->turn) *
                      sim->medial_sign;
        flat[n_act] = tp->flat;
        tp_inv_b[n_act] = hw / (tp->across_cm * 10.0);
        tp_amp[n_act] = tp->gain * g;
        n_act++;
    }

    int var = (sim->phy.on & PHY_SHAPE_BITS) != 0;
    double reach = var && PHY_ON(sim, PHY_FOOT_GAUSS) ? 1.6 * hw : hw;
    double belly = 0.0;
    if (var) {
        /* Over the gastrocnemius bellies: 45-95 % of the calf. */
        double f = st->pos_cm / sim->calf_len_cm;
        belly = biweight((f - 0.7) / 0.25);
    }
    long j0 = (long)floor((xc - reach) / step);
    long j1 = (long)ceil((xc + reach) / step);
    double total = 0.0;
    for (long j = j0; j <= j1; j++) {
        double u = ((double)j + 0.5) * step - xc;
        u *= inv_hw;
        double p;
        if (!var) {
            double q = 1.0 - u * u;
            if (q <= 0.0)
                continue;
            double a = 1.0 + k * u;
            p = q * a * a;
        } else {
            p = variant_profile(sim, u, k, belly);
            if (p <= 0.0)
                continue;
        }
        for (int t = 0; t < n_act; t++)
            p *= 1.0 + tp_amp[t] * (flat[t] ? flat_top((u - tp_u[t]) *
                                                       tp_inv_b[t])
                                            : biweight((u - tp_u[t]) *
                                                       tp_inv_b[t]));
        total += p;
        if (j >= 0) {
            unsigned long c = (unsigned long)j / (unsigned long)sim->sub_per_cell;
            if (c < n)
                f_n[c] += p;
        }
    }
    if (total <= 0.0)
        return;
    double scale = st->load_n / total;
    for (unsigned i = 0; i < n; i++)
        f_n[i] *= scale;
}

void rm_sim_render_init(rm_sim *sim)
{
    const rm_descriptor *d = &sim->meta.desc;
    sim_rng *r = &sim->rng;
    sim_rng_seed(r, sim->seed ^ 0x72656e6465720000ull);
    sim->k = 0;
    sim->seg_i = 0;
    sim->enc_acc = 0.0;
    sim->prev_pos_cm = sim->segs.n ? sim->segs.v[0].pos0_cm : 0.0;
    sim->cell_samples = 0;
    int sub = (int)ceil(d->pitch_mm / 2.5);
    sim->sub_per_cell = sub < 2 ? 2 : sub;
    for (unsigned i = 0; i < d->cells; i++) {
        sim->inv_scale[i] = 1.0 / (double)d->scale_n_per_count[i];
        /* HX711 zero drift with temperature: 300-1500 counts over a 5-20
         * minute period, each cell its own. */
        sim->drift_amp[i] = sim_uniform(r, 300.0, 1500.0);
        sim->drift_hz[i] = 1.0 / sim_uniform(r, 300.0, 1200.0);
        sim->drift_ph[i] = sim_uniform(r, 0.0, 2 * M_PI);
        sim->mains_gain[i] = sim->par.mains_counts * sim_uniform(r, 0.5, 1.0);
        sim->drift_now[i] = 0.0;
    }
    sim->mains_ph = sim_uniform(r, 0.0, 2 * M_PI);
    /* Refresh drift four times a second: it moves a few counts per step. */
    sim->drift_step = (uint32_t)ceil(d->rate_hz / 4.0);
    sim->next_spike = sim_geometric(r, sim->par.spike_prob) - 1;
    sim->drop_left = 0;
    sim->dropped = 0;
    rm_sim_drops_init(sim, &sim->drop_rng, &sim->next_drop);
    /* The variants' own render-time stream (glitches, stamp jitter). */
    sim_rng_seed(&sim->phy_rng, sim->seed ^ 0x676c697463680000ull);
    sim->next_glitch = PHY_ON(sim, PHY_ADC_GLITCH)
                           ? sim_geometric(&sim->phy_rng, sim->phy.glitch_p) - 1
                           : UINT64_MAX;
}

/*
 * The true rolling radius at load_n. The descriptor's radius_mm is the
 * *effective* rolling radius (docs/session-format.md): what the roller
 * rolls with at the person's typical load (sim->load_n), as a board
 * builder measures it by rolling the loaded roller a known distance. The
 * foam compresses further under more load and less under less:
 * r = radius x (1 - c (F - F_typical)), the deviation capped at 10 %.
 * (Before issue 13 the original took radius_mm as the unloaded radius,
 * r = radius x (1 - c F); `enc-effective` was this model as a variant and
 * is now the original's.)
 */
static double true_radius_mm(const rm_sim *sim, double load_n)
{
    double comp = sim->comp_per_n * (load_n - sim->load_n);
    if (comp > 0.10)
        comp = 0.10;
    if (comp < -0.10)
        comp = -0.10;
    return sim->meta.desc.radius_mm * (1.0 - comp);
}

/* The encoder's step for a move of dpos_cm at load_n under the variants:
 * enc-ripple adds a once-per-turn error. */
static double enc_step_variant(const rm_sim *sim, double dpos_cm,
                               double load_n, double slip)
{
    const rm_descriptor *d = &sim->meta.desc;
    double r_mm = true_radius_mm(sim, load_n);
    double step = dpos_cm * 10.0 / r_mm * (d->encoder_cpr / (2 * M_PI)) *
                  (1.0 + slip);
    if (PHY_ON(sim, PHY_ENC_RIPPLE))
        step *= 1.0 + sim->phy.ripple *
                          sin(2 * M_PI * sim->enc_acc / d->encoder_cpr +
                              sim->phy.ripple_ph);
    return step;
}

/*
 * Sensor variants on one cell's counts c at time t: tare drift, mains
 * pickup aliased with the cells read one after another within the frame,
 * and one-sample glitches (one in ten cancels the frame's whole load).
 */
static double sensor_variant(rm_sim *sim, unsigned i, double t, double c,
                             double load_counts)
{
    const sim_physics *ph = &sim->phy;
    unsigned n = sim->meta.desc.cells;
    if (PHY_ON(sim, PHY_TARE_DRIFT))
        c += ph->tare_rate[i] * t;
    if (PHY_ON(sim, PHY_MAINS_ALIAS))
        c += ph->mains_amp * (0.5 + 0.05 * (double)(i * 7 % 11)) *
             sin(2 * M_PI * MAINS_HZ * (t + sim->frame_dt * i / n) +
                 sim->mains_ph);
    if (sim->cell_samples - 1 == sim->next_glitch) {
        sim_rng *r = &sim->phy_rng;
        if (sim_unit(r) < 0.1 && load_counts > 0.0)
            c -= load_counts * sim_uniform(r, 0.95, 1.0);
        else
            c += (sim_unit(r) < 0.5 ? -1.0 : 1.0) *
                 pow(2.0, sim_uniform(r, 14.0, 21.0));
        sim->next_glitch += sim_geometric(r, ph->glitch_p);
    }
    return c;
}

/* Drop process on its own stream, so the truth can count the lost frames
 * before any frame is rendered. */
static uint64_t drop_burst(sim_rng *dr, const sim_params *par)
{
    return sim_geometric(dr, 1.0 / par->drop_burst_mean);
}

void rm_sim_drops_init(rm_sim *sim, sim_rng *dr, uint64_t *next_drop)
{
    sim_rng_seed(dr, sim->seed ^ 0x64726f7000000000ull);
    /* Never the first frame: the stream starts with a good one. */
    *next_drop = sim_geometric(dr, sim->par.drop_prob);
}

size_t rm_sim_render(rm_sim *sim, rm_frame *buf, size_t cap)
{
    const rm_descriptor *d = &sim->meta.desc;
    unsigned n = d->cells;
    double dt = sim->phy.on ? sim->frame_dt : 1.0 / d->rate_hz;
    double counts_per_rad = d->encoder_cpr / (2 * M_PI);
    double f_n[RM_MAX_CELLS];
    size_t got = 0;
    while (got < cap && sim->k < sim->n_frames) {
        uint64_t k = sim->k++;
        double t = (double)k * dt;
        while (sim->seg_i + 1 < sim->segs.n &&
               t >= sim->segs.v[sim->seg_i].t1_s)
            sim->seg_i++;
        sim_state st;
        rm_sim_state_at(sim, sim->seg_i, t, &st);

        /* Encoder: the contact line moves r_true * dtheta along the calf,
         * and r_true shrinks with the load as the foam compresses
         * (true_radius_mm). */
        seg_kind kind = sim->segs.v[sim->seg_i].kind;
        if (kind == SEG_OFF || kind == SEG_DOWN) {
            sim->enc_acc += st.enc_turn_rate * dt;
        } else if (sim->phy.on) {
            sim->enc_acc += enc_step_variant(sim, st.pos_cm - sim->prev_pos_cm,
                                             st.load_n, st.slip);
        } else {
            double r_mm = true_radius_mm(sim, st.load_n);
            sim->enc_acc += (st.pos_cm - sim->prev_pos_cm) * 10.0 / r_mm *
                            counts_per_rad * (1.0 + st.slip);
        }
        sim->prev_pos_cm = st.pos_cm;

        /* Lost on the link? The board still counted it. */
        if (sim->drop_left == 0 && k == sim->next_drop) {
            sim->drop_left = drop_burst(&sim->drop_rng, &sim->par);
            sim->next_drop = k + sim->drop_left +
                             sim_geometric(&sim->drop_rng, sim->par.drop_prob);
        }
        if (sim->drop_left > 0) {
            sim->drop_left--;
            sim->dropped++;
            continue;
        }

        if (k % sim->drift_step == 0)
            for (unsigned i = 0; i < n; i++)
                sim->drift_now[i] = sim->drift_amp[i] *
                    sin(2 * M_PI * sim->drift_hz[i] * t + sim->drift_ph[i]);
        double mains = sim->par.mains_counts > 0.0
                           ? sin(2 * M_PI * MAINS_HZ * t + sim->mains_ph) : 0.0;

        rm_sim_cell_forces(sim, &st, f_n, -1);
        rm_frame *fr = &buf[got++];
        memset(fr, 0, sizeof *fr);
        fr->seq = sim->seq0 + (uint32_t)k;
        if (PHY_ON(sim, PHY_CLOCK_SKEW))
            fr->time_us = sim->time0_us +
                (uint32_t)(uint64_t)llround(t * 1e6 + sim->phy.jitter_us *
                    (2.0 * sim_unit(&sim->phy_rng) - 1.0));
        else
            fr->time_us = sim->time0_us +
                (uint32_t)(uint64_t)llround((double)k * dt * 1e6 *
                                            (1.0 + sim->clock_err));
        double load_counts = 0.0;
        if (sim->phy.on)
            for (unsigned i = 0; i < n; i++)
                load_counts += f_n[i] * sim->inv_scale[i];
        fr->encoder = (int32_t)(uint32_t)((uint32_t)sim->enc0 +
                                          (uint32_t)(int64_t)llround(sim->enc_acc));
        for (unsigned i = 0; i < n; i++) {
            double c = d->tare_counts[i] + f_n[i] * sim->inv_scale[i] +
                       sim->par.noise_counts * sim_gauss_fast(&sim->rng) +
                       sim->drift_now[i] + sim->mains_gain[i] * mains;
            if (sim->cell_samples++ == sim->next_spike) {
                /* A rare bit error: tens to hundreds of thousands of
                 * counts either way, one sample. */
                double mag = sim_uniform(&sim->rng, 5e4, 4e5);
                c += sim_unit(&sim->rng) < 0.5 ? -mag : mag;
                sim->next_spike += sim_geometric(&sim->rng, sim->par.spike_prob);
            }
            if (sim->phy.on)
                c = sensor_variant(sim, i, t, c, load_counts);
            long v = lround(c);
            fr->cells[i] = v > HX711_MAX ? HX711_MAX
                         : v < HX711_MIN ? HX711_MIN : (int32_t)v;
        }
    }
    return got;
}

uint64_t rm_sim_count_drops(rm_sim *sim)
{
    sim_rng dr;
    uint64_t next, total = 0;
    rm_sim_drops_init(sim, &dr, &next);
    while (next < sim->n_frames) {
        uint64_t burst = drop_burst(&dr, &sim->par);
        uint64_t end = next + burst;
        if (end > sim->n_frames)
            end = sim->n_frames;
        total += end - next;
        next = next + burst + sim_geometric(&dr, sim->par.drop_prob);
    }
    return total;
}

void rm_sim_model_at(const rm_sim *sim, double t_s, sim_state *st)
{
    /* Binary search for the segment holding t_s (segments tile time). */
    size_t lo = 0, hi = sim->segs.n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (sim->segs.v[mid].t0_s <= t_s)
            lo = mid;
        else
            hi = mid;
    }
    rm_sim_state_at(sim, lo, t_s, st);
}
