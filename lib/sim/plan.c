/*
 * Simulator planning: draws the person, the calf, its trigger points and
 * a small event script (segments: put down, roll, hold, lift, ...) from
 * the seed, and records the truth as it goes. render.c then turns the
 * script into frames lazily. Numbers and sources: docs/simulator.md.
 */
#include <string.h>

#include "sim_internal.h"

#define G_M_S2 9.81

typedef struct planner {
    rm_sim *sim;
    sim_rng rng;
    double t;             /* end of the script so far, s */
    double pos;           /* contact line, cm from the ankle */
    rm_line line;
    double centre_mm;
    double load_factor;
    double limit_s;       /* budget mode: no action may end after this */
    int budget;           /* 1: fill limit_s; 0: fixed structure */
    int failed;           /* allocation failure seen */
    int lift_open;        /* the leg is up and not yet put down again */
    double speed_pref;    /* this person's usual cruise speed, cm/s */
} planner;

/* Append one element to a SIM_VEC; returns a pointer or NULL (no memory). */
#define VEC_PUSH(pl, vec)                                                    \
    ((vec).n == (vec).cap && vec_grow((void **)&(vec).v, &(vec).cap,         \
                                      sizeof *(vec).v)                      \
         ? ((pl)->failed = 1, (void *)NULL)                                  \
         : (void *)memset(&(vec).v[(vec).n++], 0, sizeof *(vec).v))

static int vec_grow(void **v, size_t *cap, size_t elem)
{
    size_t ncap = *cap ? *cap * 2 : 32;
    void *p = rm_realloc_array(*v, ncap, elem);
    if (!p)
        return 1;
    *v = p;
    *cap = ncap;
    return 0;
}

static sim_seg *push_seg(planner *pl, seg_kind kind, double dur_s)
{
    sim_seg *s = VEC_PUSH(pl, pl->sim->segs);
    if (!s)
        return NULL;
    s->kind = kind;
    s->t0_s = pl->t;
    s->t1_s = pl->t + dur_s;
    s->pos0_cm = s->pos1_cm = pl->pos;
    s->line = pl->line;
    s->centre_mm = pl->centre_mm;
    s->load_factor = pl->load_factor;
    pl->t += dur_s;
    return s;
}

/* Ends of a pass: the calf's ends are where people start (just above the
 * heel) and stop (just below the knee crease); each pass turns within
 * 1 cm of them, a little differently each time. */
static double ankle_end(planner *pl)
{
    if (PHY_ON(pl->sim, PHY_TURN_SHORT))
        return sim_uniform(&pl->rng, 1.0, 3.0);
    return sim_uniform(&pl->rng, 0.0, 1.0);
}

static double knee_end(planner *pl)
{
    if (PHY_ON(pl->sim, PHY_TURN_SHORT))
        return pl->sim->calf_len_cm - sim_uniform(&pl->rng, 1.0, 3.0);
    return pl->sim->calf_len_cm - sim_uniform(&pl->rng, 0.0, 1.0);
}

/* ---- Actions ----------------------------------------------------------- */

static void idle(planner *pl, double dur_s)
{
    if (dur_s > 0.0)
        push_seg(pl, SEG_OFF, dur_s);
}

/*
 * Put the leg down at pos_cm on a line: a new placement, so the leg's
 * centreline on the strip and whether the other leg is crossed are drawn
 * again. The load comes on over 0.4-1 s.
 */
static void put_down(planner *pl, double pos_cm, rm_line line, int open_lift)
{
    rm_sim *sim = pl->sim;
    double strip_mm = sim->meta.desc.cells * (double)sim->meta.desc.pitch_mm;
    /* Keep the widest footprint on the strip with 10 mm to spare; within
     * that, people land anywhere in +-30 mm of the middle. */
    double room = strip_mm / 2 - sim->w_max_cm * 5.0 - 10.0;
    if (room > 30.0)
        room = 30.0;
    if (room < 0.0)
        room = 0.0;
    if (PHY_LINE_ANY(sim)) {
        /* The session's resting place: every placement lands there (the
         * slow drift is added while rendering). */
        double rest = sim->phy.rest_mm;
        pl->centre_mm = strip_mm / 2 +
                        (rest > room ? room : rest < -room ? -room : rest);
    } else {
        pl->centre_mm = strip_mm / 2 + sim_uniform(&pl->rng, -room, room);
    }
    pl->pos = pos_cm;
    pl->line = line;
    /* One placement in five has the other leg crossed over: +50-80 %
     * (crossed: one in two). */
    double p_cross = PHY_ON(sim, PHY_CROSSED) ? 0.5 : 0.2;
    pl->load_factor = sim_unit(&pl->rng) < p_cross
                          ? 1.0 + sim_uniform(&pl->rng, 0.5, 0.8) : 1.0;
    sim_placement *p = VEC_PUSH(pl, sim->placements);
    if (p) {
        p->time_s = pl->t;
        p->position_cm = pos_cm;
        p->centre_mm = pl->centre_mm;
        p->line = line;
        p->load_factor = pl->load_factor;
    }
    push_seg(pl, SEG_DOWN, sim_uniform(&pl->rng, 0.4, 1.0));
    if (open_lift && sim->liftoffs.n)
        sim->liftoffs.v[sim->liftoffs.n - 1].end_s = pl->t;
    pl->lift_open = 0;
}

/*
 * Lift the leg: an ordinary lift ramps the load off over 0.5-1 s (at
 * most 57 % of it goes in any 0.2 s: S(0.7) - S(0.3) for a 0.5-s
 * smoothstep) and stays off 1-4 s; a flinch drops all of it within
 * 0.1-0.2 s and stays off 1-3 s. While the leg is off, the sleeve may turn a little
 * (half the time: up to 300 counts either way) or not at all.
 */
static void lift(planner *pl, int flinch, double off_s)
{
    rm_sim *sim = pl->sim;
    sim_liftoff *lo = VEC_PUSH(pl, sim->liftoffs);
    if (lo) {
        lo->start_s = pl->t;
        lo->flinch = flinch;
    }
    if (flinch) {
        sim_flinch *f = VEC_PUSH(pl, sim->flinches);
        if (f) {
            f->time_s = pl->t;
            f->position_cm = pl->pos;
            f->line = pl->line;
            f->load_n = sim->load_n * pl->load_factor;
        }
    }
    push_seg(pl, SEG_LIFT, flinch ? sim_uniform(&pl->rng, 0.1, 0.2)
                                  : sim_uniform(&pl->rng, 0.5, 1.0));
    if (off_s < 0.0)
        off_s = flinch ? sim_uniform(&pl->rng, 1.0, 3.0)
                       : sim_uniform(&pl->rng, 1.0, 4.0);
    sim_seg *s = off_s > 0.0 ? push_seg(pl, SEG_OFF, off_s) : NULL;
    if (s && sim_unit(&pl->rng) < 0.5)
        s->enc_turn_counts = sim_uniform(&pl->rng, -300.0, 300.0);
    if (lo)
        lo->end_s = pl->t; /* until the next put_down() closes it */
    pl->lift_open = 1;
}

/*
 * Roll the contact line to target_cm at a cruise speed, accelerating over
 * ramp_s at a ramped end. Distance d = v (T - (ramps)/2), so
 * T = d / v + (ramp_in + ramp_out) ramp_s / 2. Example: 24 cm at 2.5 cm/s
 * with 0.4 s ramps both ends: T = 9.6 + 0.4 = 10.0 s, mean 2.4 cm/s.
 */
static void roll_to(planner *pl, double target_cm, double speed_cm_s,
                    int ramp_in, int ramp_out)
{
    rm_sim *sim = pl->sim;
    double d = fabs(target_cm - pl->pos);
    if (d < 1e-6)
        return;
    double ramp = sim_uniform(&pl->rng, 0.3, 0.6);
    /* A short roll never reaches cruise: the ramps must fit, which needs
     * d / v >= (ramp_in + ramp_out) ramp / 2. */
    if (ramp_in + ramp_out > 0 &&
        ramp > 2.0 * d / speed_cm_s / (ramp_in + ramp_out))
        ramp = 2.0 * d / speed_cm_s / (ramp_in + ramp_out);
    double dur = d / speed_cm_s + (ramp_in + ramp_out) * ramp / 2.0;
    double t0 = pl->t, from = pl->pos;
    sim_seg *s = push_seg(pl, SEG_ROLL, dur);
    if (!s)
        return;
    s->pos1_cm = target_cm;
    s->ramp_s = ramp;
    s->ramp_in = ramp_in;
    s->ramp_out = ramp_out;
    /* Slip: a third of passes slip, by up to slip_max either way. */
    if (PHY_ON(sim, PHY_ENC_SLIP))
        s->slip = sim_uniform(&pl->rng, -sim->phy.slip_max,
                              sim->phy.slip_max);
    else if (sim->par.slip_max > 0.0 &&
             (sim->par.slip_max > 0.02 || sim_unit(&pl->rng) < 0.33))
        s->slip = sim_uniform(&pl->rng, -sim->par.slip_max,
                              sim->par.slip_max);
    pl->pos = target_cm;
    sim_pass *p = VEC_PUSH(pl, sim->passes);
    if (p) {
        p->start_s = t0;
        p->end_s = pl->t;
        p->from_cm = from;
        p->to_cm = target_cm;
        p->line = pl->line;
        p->load_n = sim->load_n * pl->load_factor;
        p->slip = s->slip;
    }
}

static void still(planner *pl, double dur_s)
{
    push_seg(pl, SEG_STILL, dur_s);
}

/* flinch-partial: the load drops 60-90 % within 0.1-0.25 s at t_s and
 * recovers over 0.5-2 s with the leg down. Returns its whole length. */
static double partial_flinch(planner *pl, double t_s)
{
    rm_sim *sim = pl->sim;
    sim_dip *d = VEC_PUSH(pl, sim->dips);
    if (!d)
        return 0.0;
    d->t0_s = t_s;
    d->drop_s = sim_uniform(&pl->rng, 0.1, 0.25);
    d->recover_s = sim_uniform(&pl->rng, 0.5, 2.0);
    d->depth = sim_uniform(&pl->rng, 0.6, 0.9);
    double len = d->drop_s + d->recover_s;
    sim_flinch *f = VEC_PUSH(pl, sim->flinches);
    if (f) {
        f->time_s = t_s;
        f->position_cm = pl->pos;
        f->line = pl->line;
        f->load_n = sim->load_n * pl->load_factor;
        f->partial = 1;
    }
    return len;
}

/* flex-sine: 5-10 full sine flexes at 0.2-0.6 Hz, A 0.25-0.40, each
 * period +-15 % of the nominal; per_s receives the periods. */
static double sine_flexes(planner *pl, double *mod_hz, double *mod_amp,
                          double *lead_s, uint32_t *flexes, double *per_s)
{
    uint32_t n = (uint32_t)sim_int(&pl->rng, 5, 10);
    double f = sim_uniform(&pl->rng, 0.2, 0.6), sum = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        per_s[i] = sim_uniform(&pl->rng, 0.85, 1.15) / f;
        sum += per_s[i];
    }
    *mod_hz = f;
    *mod_amp = sim_uniform(&pl->rng, 0.25, 0.40);
    *lead_s = sim_uniform(&pl->rng, 2.0, 5.0);
    *flexes = n;
    return *lead_s + sum + sim_uniform(&pl->rng, 1.0, 3.0);
}

/* Durations drawn for each technique (docs/simulator.md, "Holds"). */
static double hold_length(planner *pl, rm_technique tech, double *mod_hz,
                          double *mod_amp, double *lead_s, uint32_t *flexes,
                          double *per_s)
{
    if (tech == RM_TECH_PIN_AND_STRETCH && PHY_ON(pl->sim, PHY_FLEX_SINE))
        return sine_flexes(pl, mod_hz, mod_amp, lead_s, flexes, per_s);
    if (tech == RM_TECH_STATIC && PHY_ON(pl->sim, PHY_HOLD_SHORT))
        return sim_unit(&pl->rng) < 0.4 ? sim_uniform(&pl->rng, 8.0, 20.0)
                                        : sim_uniform(&pl->rng, 20.0, 90.0);
    switch (tech) {
    case RM_TECH_ROCKING: {
        /* 15-30 s of side-to-side rolling at 0.4-1 Hz, whole cycles so the
         * CoP ends where it started; swing 25-35 % of the half-width. */
        double f = sim_uniform(&pl->rng, 0.4, 1.0);
        double cycles = floor(sim_uniform(&pl->rng, 15.0, 30.0) * f);
        *mod_hz = f;
        *mod_amp = sim_uniform(&pl->rng, 0.25, 0.35);
        return cycles / f;
    }
    case RM_TECH_PIN_AND_STRETCH: {
        /* 5-10 flexes at 0.2-0.5 Hz after 2-5 s of settling, 1-3 s after;
         * each flex adds 20-30 % to the load at its peak. */
        uint32_t n = (uint32_t)sim_int(&pl->rng, 5, 10);
        double f = sim_uniform(&pl->rng, 0.2, 0.5);
        *mod_hz = f;
        *mod_amp = sim_uniform(&pl->rng, 0.20, 0.30);
        *lead_s = sim_uniform(&pl->rng, 2.0, 5.0);
        *flexes = n;
        return *lead_s + n / f + sim_uniform(&pl->rng, 1.0, 3.0);
    }
    case RM_TECH_STATIC:
    default:
        /* Guidance is 30-90 s; people also stop short (20 s). */
        return sim_uniform(&pl->rng, 20.0, 90.0);
    }
}

static void hold(planner *pl, rm_technique tech, double max_s)
{
    rm_sim *sim = pl->sim;
    double mod_hz = 0, mod_amp = 0, lead = 0;
    uint32_t flexes = 0;
    double per_s[SIM_MAX_FLEX] = { 0 };
    double dur = hold_length(pl, tech, &mod_hz, &mod_amp, &lead, &flexes,
                             per_s);
    if (tech == RM_TECH_STATIC && dur > max_s)
        dur = max_s;
    if (dur > max_s || dur < 5.0)
        return;
    double t0 = pl->t;
    sim_seg *s = push_seg(pl, SEG_HOLD, dur);
    if (!s)
        return;
    s->tech = tech;
    s->mod_hz = mod_hz;
    s->mod_amp = mod_amp;
    s->lead_s = lead;
    s->flexes = flexes;
    memcpy(s->per_s, per_s, sizeof s->per_s);
    /* flinch-partial: some holds begin with a partial flinch. */
    if (PHY_ON(sim, PHY_FLINCH_PARTIAL) && sim_unit(&pl->rng) < 0.3)
        partial_flinch(pl, t0 + sim_uniform(&pl->rng, 0.3, 1.5));
    sim_hold *h = VEC_PUSH(pl, sim->holds);
    if (h) {
        h->start_s = t0;
        h->end_s = pl->t;
        h->position_cm = pl->pos;
        h->line = pl->line;
        h->tech = tech;
        h->flexes = flexes;
        h->mod_hz = mod_hz;
        h->load_n = sim->load_n * pl->load_factor;
    }
}

/* ---- The calf and its trigger points ------------------------------------ */

/* The calf's length and widths (the draws plan_body makes, in order). */
static void draw_calf(rm_sim *sim, sim_rng *r)
{
    sim->calf_len_cm = sim_uniform(r, 28.0, 40.0);
    sim->w_ankle_cm = sim_uniform(r, 3.5, 4.5);
    sim->w_max_cm = sim_uniform(r, 10.0, 12.0);
    sim->w_max_frac = sim_uniform(r, 0.65, 0.75);
    sim->w_knee_cm = sim_uniform(r, 8.5, 9.5);
    sim->w_flat_frac = sim_uniform(r, 0.08, 0.15);
}

/* calf-vary's wider spread of calves: short to tall, a longer or shorter
 * Achilles stretch, the bellies' widest point higher or lower. */
static void draw_calf_vary(rm_sim *sim, sim_rng *r)
{
    sim->calf_len_cm = sim_uniform(r, 26.0, 42.0);
    sim->w_flat_frac = sim_uniform(r, 0.12, 0.20);
    sim->w_max_frac = sim_uniform(r, 0.60, 0.75);
    sim->w_ankle_cm = sim_uniform(r, 3.0, 5.0);
    sim->w_max_cm = sim_uniform(r, 9.0, 13.0);
    sim->w_knee_cm = sim_uniform(r, 7.5, 10.0);
}

static void plan_body(planner *pl)
{
    rm_sim *sim = pl->sim;
    sim_rng *r = &pl->rng;
    sim->mass_kg = sim_uniform(r, 55.0, 95.0);
    sim->load_frac = sim_uniform(r, 0.15, 0.35);
    sim->load_n = sim->mass_kg * G_M_S2 * sim->load_frac;
    draw_calf(sim, r);
    /* Foam compression: 1.0-1.6 % of the radius per 100 N. */
    sim->comp_per_n = sim_uniform(r, 1.0e-4, 1.6e-4);
    sim->load_var_amp[0] = sim_uniform(r, 0.02, 0.05);
    sim->load_var_hz[0] = 1.0 / sim_uniform(r, 8.0, 15.0);
    sim->load_var_ph[0] = sim_uniform(r, 0.0, 2 * M_PI);
    sim->load_var_amp[1] = sim_uniform(r, 0.01, 0.02);
    sim->load_var_hz[1] = 1.0 / sim_uniform(r, 2.0, 4.0);
    sim->load_var_ph[1] = sim_uniform(r, 0.0, 2 * M_PI);
    if (PHY_ON(sim, PHY_CALF_VARY))
        draw_calf_vary(sim, r);
}

/* --person: the body mass and the calf are the person's, from the
 * person's own stream (the load fraction stays the day's: how hard one
 * presses changes from day to day). */
static void person_body(planner *pp)
{
    rm_sim *sim = pp->sim;
    sim->mass_kg = sim_uniform(&pp->rng, 55.0, 95.0);
    sim->load_n = sim->mass_kg * G_M_S2 * sim->load_frac;
    draw_calf(sim, &pp->rng);
    if (PHY_ON(sim, PHY_CALF_VARY))
        draw_calf_vary(sim, &pp->rng);
    sim->comp_per_n = rm_sim_person_compression(sim);
}

static int tp_clash(const rm_sim *sim, double pos_cm, rm_line line)
{
    for (int i = 0; i < sim->n_tp; i++)
        if (sim->tp[i].line == line &&
            fabs(sim->tp[i].position_cm - pos_cm) < 4.0)
            return 1;
    return 0;
}

/* Foam sleeve thickness and contact band width, cm: what blurs a
 * nodule's push-back before the cells see it (docs/simulator.md). */
#define FOAM_SPREAD_CM 1.5
#define CONTACT_BAND_CM 2.0

static void set_reach(sim_tp *tp)
{
    tp->across_cm = sqrt(tp->size_cm * tp->size_cm +
                         FOAM_SPREAD_CM * FOAM_SPREAD_CM);
    tp->along_cm = sqrt(tp->size_cm * tp->size_cm +
                        CONTACT_BAND_CM * CONTACT_BAND_CM);
}

static void add_tp(planner *pl, rm_zone zone, rm_line line, double f_lo,
                   double f_hi)
{
    rm_sim *sim = pl->sim;
    if (sim->n_tp >= SIM_MAX_TP)
        return;
    for (int attempt = 0; attempt < 8; attempt++) {
        double pos = sim_uniform(&pl->rng, f_lo, f_hi) * sim->calf_len_cm;
        if (tp_clash(sim, pos, line))
            continue;
        sim_tp *tp = &sim->tp[sim->n_tp++];
        tp->position_cm = pos;
        tp->line = line;
        tp->zone = zone;
        if (PHY_ON(sim, PHY_TP_SUBTLE)) {
            tp->size_cm = sim_uniform(&pl->rng, 0.75, 2.0);
            tp->gain = sim_uniform(&pl->rng, 0.15, 0.60);
            tp->flat = sim_unit(&pl->rng) < 0.5;
        } else {
            tp->size_cm = sim_uniform(&pl->rng, 1.0, 2.0);
            tp->gain = sim_uniform(&pl->rng, 1.0, 2.5);
        }
        set_reach(tp);
        return;
    }
}

/*
 * Trigger points where anatomy puts them (docs/simulator.md): one or two
 * per gastrocnemius head in the upper half, the medial head's lower; a
 * soleus point just below the bellies, slightly medial; sometimes a soleus
 * point high on the lateral side.
 */
static void plan_trigger_points(planner *pl)
{
    sim_rng *r = &pl->rng;
    add_tp(pl, RM_ZONE_GASTROC_MEDIAL, RM_LINE_MEDIAL, 0.56, 0.68);
    if (sim_unit(r) < 0.6)
        add_tp(pl, RM_ZONE_GASTROC_MEDIAL, RM_LINE_MEDIAL, 0.74, 0.86);
    add_tp(pl, RM_ZONE_GASTROC_LATERAL, RM_LINE_LATERAL, 0.62, 0.74);
    if (sim_unit(r) < 0.6)
        add_tp(pl, RM_ZONE_GASTROC_LATERAL, RM_LINE_LATERAL, 0.78, 0.88);
    add_tp(pl, RM_ZONE_SOLEUS, RM_LINE_MEDIAL, 0.36, 0.48);
    if (sim_unit(r) < 0.5)
        add_tp(pl, RM_ZONE_SOLEUS, RM_LINE_LATERAL, 0.50, 0.58);
}

/* ---- Routines ------------------------------------------------------------ */

typedef struct hold_plan {
    double position_cm;
    rm_line line;
    rm_technique tech;
    int used;
} hold_plan;

#define MAX_HOLD_PLANS 16

typedef struct routine {
    hold_plan hp[MAX_HOLD_PLANS];
    int n_hp;
    int flinch_tp;        /* index of the tender trigger point, -1: none */
    int flinch_done;
} routine;

static double cruise_speed(planner *pl)
{
    /* Around the person's own pace, +-25 %, kept inside 1-5 cm/s. */
    double v = pl->speed_pref * sim_uniform(&pl->rng, 0.75, 1.25);
    return v < 1.0 ? 1.0 : v > 5.0 ? 5.0 : v;
}

/* Time still allowed before the budget's end (fixed mode: unlimited). */
static double remaining(const planner *pl)
{
    return pl->budget ? pl->limit_s - pl->t : 1e9;
}

/*
 * One pass toward target_cm, stopping for any planned hold on the way and
 * flinching at the tender point if this is the flinch pass. Returns 1 if
 * the pass ended in a flinch (the leg is then off the roller).
 */
static int pass(planner *pl, routine *ro, double target_cm, int flinch_pass)
{
    int dir = target_cm > pl->pos ? 1 : -1;
    /* Every roll here starts from rest (a put-down, turnaround or hold). */
    for (;;) {
        /* Nearest planned stop ahead on this line. */
        int best = -1;
        double best_d = 1e9;
        for (int i = 0; i < ro->n_hp; i++) {
            hold_plan *h = &ro->hp[i];
            double d = (h->position_cm - pl->pos) * dir;
            if (!h->used && h->line == pl->line && d > 1.0 &&
                d < (target_cm - pl->pos) * dir - 1.0 && d < best_d) {
                best = i;
                best_d = d;
            }
        }
        double flinch_d = 1e9;
        if (flinch_pass && ro->flinch_tp >= 0 && !ro->flinch_done) {
            double d = (pl->sim->tp[ro->flinch_tp].position_cm - pl->pos) * dir;
            if (d > 1.0)
                flinch_d = d;
        }
        double v = cruise_speed(pl);
        if (flinch_d < best_d && flinch_d < 1e8 &&
            PHY_ON(pl->sim, PHY_FLINCH_PARTIAL)) {
            /* Rolling onto the tender spot: a partial flinch, the leg
             * stays down, still a moment, then the pass goes on. */
            roll_to(pl, pl->sim->tp[ro->flinch_tp].position_cm, v, 1, 0);
            ro->flinch_done = 1;
            double len = partial_flinch(pl, pl->t);
            still(pl, len + sim_uniform(&pl->rng, 0.3, 1.0));
            continue;
        }
        if (flinch_d < best_d && flinch_d < 1e8) {
            /* Rolling onto the tender spot: no slowing down, then the
             * protective lift. */
            roll_to(pl, pl->sim->tp[ro->flinch_tp].position_cm, v, 1, 0);
            ro->flinch_done = 1;
            lift(pl, 1, -1.0);
            return 1;
        }
        if (best < 0)
            break;
        hold_plan *h = &ro->hp[best];
        double left = remaining(pl) - best_d / v - 2.0;
        if (left < 15.0)
            break;
        roll_to(pl, h->position_cm, v, 1, 1);
        hold(pl, h->tech, left);
        h->used = 1;
    }
    double v = cruise_speed(pl);
    double d = fabs(target_cm - pl->pos);
    double left = remaining(pl) - 0.6;
    if (d / v + 0.6 > left) {
        /* Budget end: roll as far as time allows. */
        d = (left - 0.6) * v;
        if (d < 0.5)
            return 0;
        target_cm = pl->pos + dir * d;
    }
    if (d > 10.0 && PHY_ON(pl->sim, PHY_PAUSE) &&
        sim_unit(&pl->rng) < 0.3 && remaining(pl) > d / v + 8.0) {
        /* A pause of 2-5 s mid-pass: not a hold. */
        roll_to(pl, pl->pos + dir * d * sim_uniform(&pl->rng, 0.3, 0.7), v,
                1, 1);
        sim_pause *ps = VEC_PUSH(pl, pl->sim->pauses);
        double len = sim_uniform(&pl->rng, 2.0, 5.0);
        if (ps) {
            ps->start_s = pl->t;
            ps->end_s = pl->t + len;
            ps->position_cm = pl->pos;
        }
        still(pl, len);
        v = cruise_speed(pl);
    } else if (d > 10.0 && PHY_ON(pl->sim, PHY_LIFT_ELSEWHERE) &&
               sim_unit(&pl->rng) < 0.15 && remaining(pl) > d / v + 12.0) {
        /* Lifted mid-pass and put down elsewhere on the same line. */
        roll_to(pl, pl->pos + dir * d * sim_uniform(&pl->rng, 0.3, 0.7), v,
                1, 1);
        lift(pl, 0, -1.0);
        put_down(pl, sim_uniform(&pl->rng, 0.1, 0.9) * pl->sim->calf_len_cm,
                 pl->line, 1);
        if (fabs(target_cm - pl->pos) < 3.0)
            return 0;
    }
    roll_to(pl, target_cm, v, 1, 1);
    return 0;
}

/* A block: the leg placed on one line, several passes ankle<->knee. */
static void block(planner *pl, routine *ro, rm_line line, int n_passes,
                  int first, int flinch_here)
{
    if (!first) {
        if (remaining(pl) < 8.0)
            return;
        lift(pl, 0, -1.0);
    }
    if (remaining(pl) < 3.0)
        return;
    /* Most start at the ankle end; some put the leg down mid-calf. */
    double start = first || sim_unit(&pl->rng) < 0.6
                       ? ankle_end(pl)
                       : sim_uniform(&pl->rng, 0.1, 0.6) * pl->sim->calf_len_cm;
    put_down(pl, start, line, !first);
    for (int p = 0; p < n_passes; p++) {
        if (remaining(pl) < 3.0)
            return;
        double target = (p % 2 == 0) ? knee_end(pl) : ankle_end(pl);
        if (fabs(target - pl->pos) < 5.0) /* already there: the other way */
            target = (p % 2 == 0) ? ankle_end(pl) : knee_end(pl);
        if (PHY_ON(pl->sim, PHY_PASS_PARTIAL) && sim_unit(&pl->rng) < 0.3) {
            /* A partial pass: it turns 12-25 % of the length from the
             * end it was heading for. */
            double len = pl->sim->calf_len_cm;
            double in = sim_uniform(&pl->rng, 0.12, 0.25) * len;
            double t2 = target > len / 2 ? len - in : in;
            if (fabs(t2 - pl->pos) >= 5.0)
                target = t2;
        }
        int fl = flinch_here && p == n_passes - 1 && ro->flinch_tp >= 0 &&
                 !ro->flinch_done;
        if (fl) {
            /* The last pass heads over the tender spot, from far enough
             * away to roll onto it. */
            double tp_cm = pl->sim->tp[ro->flinch_tp].position_cm;
            if (fabs(tp_cm - pl->pos) < 2.0) {
                pass(pl, ro, tp_cm > pl->sim->calf_len_cm / 2 ? ankle_end(pl)
                                                             : knee_end(pl), 0);
                still(pl, sim_uniform(&pl->rng, 0.3, 1.0));
            }
            target = tp_cm > pl->pos ? knee_end(pl) : ankle_end(pl);
        }
        if (pass(pl, ro, target, fl)) {
            /* The leg comes down elsewhere on the same line and the block
             * ends with a pass to the knee. */
            if (remaining(pl) < 8.0)
                return;
            put_down(pl, sim_uniform(&pl->rng, 0.5, 0.3 * pl->sim->calf_len_cm),
                     line, 1);
            pass(pl, ro, knee_end(pl), 0);
            return;
        }
        if (p + 1 >= n_passes || remaining(pl) <= 3.0)
            continue;
        double p_lift = PHY_ON(pl->sim, PHY_LIFT_ELSEWHERE) ? 0.4 : 0.15;
        if (sim_unit(&pl->rng) < p_lift && remaining(pl) > 12.0) {
            /* Now and then the leg is lifted between passes and put down
             * again somewhere else on the same line. */
            lift(pl, 0, -1.0);
            put_down(pl, sim_uniform(&pl->rng, 0.1, 0.9) * pl->sim->calf_len_cm,
                     line, 1);
        } else {
            still(pl, sim_uniform(&pl->rng, 0.3, 1.0));
        }
    }
}

static void shuffle_lines(planner *pl, rm_line lines[3])
{
    lines[0] = RM_LINE_MEDIAL;
    lines[1] = RM_LINE_MIDDLE;
    lines[2] = RM_LINE_LATERAL;
    for (int i = 2; i > 0; i--) {
        int j = sim_int(&pl->rng, 0, i);
        rm_line tmp = lines[i];
        lines[i] = lines[j];
        lines[j] = tmp;
    }
}

static void add_hold_plan(routine *ro, double pos_cm, rm_line line,
                          rm_technique tech)
{
    if (ro->n_hp >= MAX_HOLD_PLANS)
        return;
    for (int i = 0; i < ro->n_hp; i++)
        if (ro->hp[i].line == line && fabs(ro->hp[i].position_cm - pos_cm) < 4.0)
            return;
    hold_plan *h = &ro->hp[ro->n_hp++];
    h->position_cm = pos_cm;
    h->line = line;
    h->tech = tech;
    h->used = 0;
}

/* Holds go on trigger points (people stop where it is tender), landing
 * within half a centimetre of the spot; extra holds go on random spots. */
static void plan_holds(planner *pl, routine *ro)
{
    rm_sim *sim = pl->sim;
    int want = pl->sim->par.holds;
    if (!want)
        return;
    static const rm_line lines[3] = { RM_LINE_MEDIAL, RM_LINE_MIDDLE,
                                      RM_LINE_LATERAL };
    if (want == 1) {
        /* A few: up to three trigger points, mostly static. */
        int n = 0;
        for (int i = 0; i < sim->n_tp && n < 3; i++) {
            if (sim->tp[i].tender)
                continue;
            rm_technique tech = n < 2 ? RM_TECH_STATIC
                                      : (rm_technique)sim_int(&pl->rng, 1, 2);
            add_hold_plan(ro, sim->tp[i].position_cm +
                                  sim_uniform(&pl->rng, -0.5, 0.5),
                          sim->tp[i].line, tech);
            n++;
        }
        return;
    }
    /* Every technique, three of each, each technique on all three lines.
     * A hold goes on a free trigger point of its line when there is one
     * (70 %), else on a random spot at least 4 cm from other holds. */
    for (int rep = 0; rep < 3; rep++) {
        for (int t = 0; t < 3; t++) {
            rm_line line = lines[(t + rep) % 3];
            int before = ro->n_hp;
            for (int i = 0; i < sim->n_tp && ro->n_hp == before; i++)
                if (sim->tp[i].line == line && !sim->tp[i].tender &&
                    sim_unit(&pl->rng) < 0.7)
                    add_hold_plan(ro, sim->tp[i].position_cm +
                                          sim_uniform(&pl->rng, -0.5, 0.5),
                                  line, (rm_technique)t);
            for (int tries = 0; tries < 20 && ro->n_hp == before; tries++)
                add_hold_plan(ro, sim_uniform(&pl->rng, 0.2, 0.85) *
                                      sim->calf_len_cm, line, (rm_technique)t);
        }
    }
}

static int lines_with_holds(const routine *ro, rm_line line)
{
    int n = 0;
    for (int i = 0; i < ro->n_hp; i++)
        n += ro->hp[i].line == line;
    return n;
}

rm_status rm_sim_plan(rm_sim *sim, double duration_s)
{
    planner pl;
    memset(&pl, 0, sizeof pl);
    pl.sim = sim;
    pl.load_factor = 1.0;
    /* Planning has its own stream, so render changes never move the plan. */
    sim_rng_seed(&pl.rng, sim->seed ^ 0x706c616e00000000ull);
    for (const char *c = sim->par.name; *c; c++)
        pl.rng.s[0] ^= (uint64_t)(unsigned char)*c << ((c - sim->par.name) % 8 * 8);
    sim_next(&pl.rng);

    plan_body(&pl);
    pl.speed_pref = sim_uniform(&pl.rng, 1.8, 3.2);
    if (sim->person.on) {
        /* The person's calf and points come from the id, not the seed;
         * the day decides which points are there and how strong. */
        planner pp = pl;
        rm_sim_person_rng(sim, &pp.rng);
        person_body(&pp);
        if (sim->par.trigger_points) {
            plan_trigger_points(&pp);
            rm_sim_person_days(sim);
        }
    } else if (sim->par.trigger_points) {
        plan_trigger_points(&pl);
    }

    routine ro;
    memset(&ro, 0, sizeof ro);
    ro.flinch_tp = -1;
    if (sim->par.flinches > 0 && sim->n_tp > 0) {
        /* One planted point is too tender to roll over: it gets the
         * highest gain and rolling onto it ends in a flinch. */
        int i = 0;
        if (sim->person.on) {
            /* A person's strongest point of the day is the tender one;
             * its strength stays the day's (the trend follows it). */
            for (int k = 1; k < sim->n_tp; k++)
                if (sim->tp[k].gain > sim->tp[i].gain)
                    i = k;
        } else {
            i = sim_int(&pl.rng, 0, sim->n_tp - 1);
            sim->tp[i].gain = PHY_ON(sim, PHY_TP_SUBTLE)
                                  ? sim_uniform(&pl.rng, 0.45, 0.60)
                                  : sim_uniform(&pl.rng, 2.5, 3.5);
        }
        sim->tp[i].tender = 1;
        ro.flinch_tp = i;
    }
    plan_holds(&pl, &ro);

    pl.budget = duration_s > 0.0;
    pl.limit_s = duration_s - 2.0;
    idle(&pl, pl.budget && duration_s < 6.0 ? duration_s / 4
                                            : sim_uniform(&pl.rng, 1.0, 2.0));
    rm_line order[3];
    shuffle_lines(&pl, order);
    int flinch_line = ro.flinch_tp >= 0 ? (int)sim->tp[ro.flinch_tp].line : -1;
    int np = sim->par.passes_per_line;
    if (!pl.budget) {
        for (int b = 0; b < 3; b++) {
            /* Extra passes where holds wait, so each pass carries few. */
            int n = np + lines_with_holds(&ro, order[b]) / 2;
            block(&pl, &ro, order[b], n, b == 0, (int)order[b] == flinch_line);
        }
    } else {
        for (int b = 0; remaining(&pl) > 3.0 && !pl.failed; b++) {
            if (b % 3 == 0 && b > 0) {
                shuffle_lines(&pl, order);
                /* Holds and the flinch come round again, in moderation. */
                for (int i = 0; i < ro.n_hp; i++)
                    ro.hp[i].used = sim_unit(&pl.rng) < 0.5;
                ro.flinch_done = sim_unit(&pl.rng) < 0.7;
            }
            double t_before = pl.t;
            block(&pl, &ro, order[b % 3], np, b == 0,
                  (int)order[b % 3] == flinch_line);
            if (pl.t == t_before)
                break;
        }
    }
    /* The end: lift off and leave the roller unloaded. */
    int on = sim->segs.n && sim->segs.v[sim->segs.n - 1].kind != SEG_OFF;
    if (on)
        lift(&pl, 0, 0.0);
    if (pl.budget) {
        idle(&pl, duration_s - pl.t);
        pl.t = duration_s;
    } else {
        idle(&pl, sim_uniform(&pl.rng, 1.0, 2.0));
    }
    /* A leg that never came down again is up until the session ends. */
    if (pl.lift_open && sim->liftoffs.n)
        sim->liftoffs.v[sim->liftoffs.n - 1].end_s = pl.t;
    if (pl.failed)
        return RM_ERR_NOMEM;
    sim->duration_s = pl.t;
    return RM_OK;
}
