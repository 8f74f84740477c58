/*
 * The simulator's public face: built-in scenarios, the handle's life
 * cycle, and streaming frames. A simulated session feeds the session
 * writer, the link's virtual board and the engine's accuracy tests.
 */
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "sim_internal.h"

/*
 * Scenario knobs (docs/simulator.md, "Scenarios"). Noise: the HX711 at
 * gain 128 shows a few hundred counts RMS on a load cell; noisy triples
 * it. Drops: none on a healthy USB link; noisy loses 0.5 % of frames,
 * in bursts of 3 on average.
 */
static const sim_params scenarios[] = {
    /* name      fast tp holds fl  dur   noise spike  drop  burst slip  mains pp */
    { "basic",   0, 1, 1, 1,  0.0, 250.0, 1e-6, 0.0,   0.0, 0.02, 0.0,   4 },
    { "holds",   0, 1, 2, 1,  0.0, 250.0, 1e-6, 0.0,   0.0, 0.02, 0.0,   2 },
    { "clean",   0, 0, 0, 0,  0.0, 250.0, 0.0,  0.0,   0.0, 0.02, 0.0,   4 },
    { "noisy",   0, 1, 1, 1,  0.0, 800.0, 1e-4, 0.0017, 3.0, 0.06, 400.0, 4 },
    { "stress",  1, 1, 1, 1, 60.0, 250.0, 1e-6, 1e-6,  1.0, 0.02, 0.0,   2 },
    { "short",   0, 1, 0, 0,  8.0, 250.0, 0.0,  0.0,   0.0, 0.02, 0.0,   1 },
};
#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

const char *const *rm_sim_scenarios(void)
{
    static const char *const names[] = { "basic", "holds", "clean", "noisy",
                                         "stress", "short", NULL };
    return names;
}

/*
 * The fast board: 32 cells at 7.5 mm pitch (the same 240 mm strip) at
 * 1 kHz, 4096-count encoder, a 24-bit ADC with the HX711's scale.
 */
static void fast_board(rm_descriptor *d)
{
    rm_descriptor_rev_a(d);
    d->cells = 32;
    d->pitch_mm = 7.5f;
    d->cell_area_mm2 = 7.5f * 35.0f;
    d->encoder_cpr = 4096;
    d->rate_hz = 1000.0f;
    strcpy(d->firmware, "rollmap-fw-fast 0.1.0");
}

/* Days a simulated person can be followed (ten years). */
#define SIM_MAX_DAY 3650

/* 2026-01-05 08:00 UTC plus up to a year, from the seed: deterministic. */
#define SIM_EPOCH_US 1767600000000000LL

static void make_meta(rm_sim *sim, sim_rng *r, rm_leg leg)
{
    rm_session_meta *m = &sim->meta;
    m->format_version = 1;
    if (sim->par.fast_board)
        fast_board(&m->desc);
    else
        rm_descriptor_rev_a(&m->desc);
    /* Per-cell calibration as a factory calibration would find it: gains
     * within +-3 % of nominal, tare offsets up to +-80 000 counts (bridge
     * imbalance and preload). */
    for (unsigned i = 0; i < m->desc.cells; i++) {
        m->desc.scale_n_per_count[i] =
            (float)(1e-4 * sim_uniform(r, 0.97, 1.03));
        m->desc.tare_counts[i] = (int32_t)sim_uniform(r, -80000.0, 80000.0);
    }
    snprintf(m->desc.serial, sizeof m->desc.serial, "SIM-%08X",
             (unsigned)(sim->seed & 0xffffffffu));
    m->leg = leg;
    m->start_unix_us = SIM_EPOCH_US +
        (int64_t)(sim_unit(r) * 365.0 * 86400.0) * 1000000LL;
    snprintf(m->notes, sizeof m->notes, "simulated: %s seed %llu",
             sim->par.name, (unsigned long long)sim->seed);
}

/* A physiotherapist's tape, ankle (malleolus) to knee crease: the
 * planned calf within +-SIM_TAPE_ERR_CM, read to the mm, on a stream of
 * its own so no other draw moves. */
#define SIM_TAPE_ERR_CM 0.5
static void tape_measure(rm_sim *sim)
{
    sim_rng r;
    sim_rng_seed(&r, sim->seed ^ 0x7461706500000000ull); /* "tape" */
    double cm = sim->calf_len_cm +
                sim_uniform(&r, -SIM_TAPE_ERR_CM, SIM_TAPE_ERR_CM);
    cm = round(cm * 10.0) / 10.0;
    if (cm < RM_CALF_LENGTH_MIN_CM)
        cm = RM_CALF_LENGTH_MIN_CM;
    if (cm > RM_CALF_LENGTH_MAX_CM)
        cm = RM_CALF_LENGTH_MAX_CM;
    sim->meta.calf_length_cm = cm;
}

static void free_contents(rm_sim *sim)
{
    rm_free(sim->segs.v);
    rm_free(sim->holds.v);
    rm_free(sim->passes.v);
    rm_free(sim->flinches.v);
    rm_free(sim->liftoffs.v);
    rm_free(sim->placements.v);
    rm_free(sim->dips.v);
    rm_free(sim->pauses.v);
}

rm_status rm_sim_new(const char *scenario, const rm_sim_options *opt,
                     rm_sim **out, rm_error *err)
{
    if (out)
        *out = NULL;
    if (!scenario || !out)
        return rm_error_set(err, RM_ERR_ARG, "no scenario or output handle");
    const sim_params *par = NULL;
    for (size_t i = 0; i < N_SCENARIOS; i++)
        if (!strcmp(scenario, scenarios[i].name))
            par = &scenarios[i];
    if (!par)
        return rm_error_set(err, RM_ERR_ARG, "unknown scenario '%.64s'",
                            scenario);
    rm_sim_options o = { 0 };
    if (opt)
        o = *opt;
    if (!(o.duration_s >= 0.0) || o.duration_s > 7 * 86400.0)
        return rm_error_set(err, RM_ERR_ARG,
                            "duration %g s outside 0..604800", o.duration_s);
    if (o.leg != RM_LEG_UNKNOWN && o.leg != RM_LEG_LEFT &&
        o.leg != RM_LEG_RIGHT)
        return rm_error_set(err, RM_ERR_ARG, "leg %d is not a leg", (int)o.leg);

    int person = o.person && o.person[0];
    if (person && strlen(o.person) >= RM_PERSON_MAX)
        return rm_error_set(err, RM_ERR_ARG, "person id longer than %d bytes",
                            RM_PERSON_MAX - 1);
    if (person && o.day > SIM_MAX_DAY)
        return rm_error_set(err, RM_ERR_ARG, "day %u outside 0..%d",
                            (unsigned)o.day, SIM_MAX_DAY);
    if (!person && o.day)
        return rm_error_set(err, RM_ERR_ARG, "a day needs a person");

    rm_sim *sim = rm_calloc(1, sizeof *sim);
    if (!sim)
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    sim->par = *par;
    sim->seed = o.seed ? o.seed : 1;
    uint64_t user_seed = sim->seed;
    if (person) {
        /* One person over days (person.c): the id fixes the person, the
         * day and the seed the session. */
        sim_person *p = &sim->person;
        p->on = 1;
        memcpy(p->id, o.person, strlen(o.person) + 1);
        p->day = o.day;
        p->key = rm_sim_person_key(p->id);
        sim->seed = rm_sim_person_seed(user_seed, p->key, p->day);
    }

    /* Setup draws (leg, board, clock) on a stream of their own. */
    sim_rng r;
    sim_rng_seed(&r, sim->seed ^ 0x7365747570000000ull);
    rm_leg leg = o.leg;
    if (leg == RM_LEG_UNKNOWN && person)
        leg = sim->person.key >> 63 ? RM_LEG_LEFT : RM_LEG_RIGHT;
    else if (leg == RM_LEG_UNKNOWN)
        leg = sim_unit(&r) < 0.5 ? RM_LEG_LEFT : RM_LEG_RIGHT;
    /* A left leg's medial side faces the roller's right end (high cells). */
    sim->medial_sign = leg == RM_LEG_LEFT ? 1 : -1;
    make_meta(sim, &r, leg);
    if (person) {
        rm_session_meta *m = &sim->meta;
        memcpy(m->person, sim->person.id, sizeof m->person);
        m->start_unix_us = rm_sim_person_start_us(sim->person.key, o.day);
        snprintf(m->notes, sizeof m->notes,
                 "simulated: %s, person %s day %u seed %llu", par->name,
                 sim->person.id, (unsigned)o.day,
                 (unsigned long long)user_seed);
    }
    /* Board clock: within +-200 ppm of nominal (a crystal is +-50 ppm, an
     * Uno's ceramic resonator worse). The us counter runs from power-on,
     * so a stream starts anywhere in its 71.6-minute cycle; noisy always
     * wraps half-way through. */
    sim->clock_err = sim_uniform(&r, -200e-6, 200e-6);
    sim->time0_us = (uint32_t)sim_uniform(&r, 2e6, 4.29e9);
    sim->seq0 = 0;
    sim->enc0 = (int32_t)sim_uniform(&r, -5000.0, 5000.0);

    /* Physics variants draw from streams of their own: with none on,
     * nothing above or below draws differently. */
    char msg[200];
    if (rm_sim_physics_setup(sim, o.physics, msg, sizeof msg)) {
        rm_free(sim);
        return rm_error_set(err, RM_ERR_ARG, "%s", msg);
    }

    double duration = o.duration_s > 0.0 ? o.duration_s
                                         : par->default_duration_s;
    rm_status st = rm_sim_plan(sim, duration);
    if (st != RM_OK) {
        free_contents(sim);
        rm_free(sim);
        return rm_error_set(err, st, "out of memory planning the session");
    }
    if (!strcmp(par->name, "noisy"))
        sim->time0_us = (uint32_t)(4294967296.0 - sim->duration_s * 0.5e6);
    if (o.measured_length)
        tape_measure(sim);
    /* clock-skew: frames come rate_err off the nominal period, as the
     * board's clock (the truth's time base) measures it. */
    sim->frame_dt = 1.0 / sim->meta.desc.rate_hz;
    if (PHY_ON(sim, PHY_CLOCK_SKEW)) {
        sim->frame_dt *= 1.0 + sim->phy.rate_err;
        sim->clock_err = 0.0;
        sim->n_frames = (uint64_t)floor(sim->duration_s / sim->frame_dt);
    } else {
        sim->n_frames =
            (uint64_t)floor(sim->duration_s * sim->meta.desc.rate_hz);
    }
    sim->dropped_total = rm_sim_count_drops(sim);
    rm_sim_render_init(sim);
    *out = sim;
    return RM_OK;
}

const rm_session_meta *rm_sim_get_meta(const rm_sim *sim)
{
    return sim ? &sim->meta : NULL;
}

rm_status rm_sim_read(rm_sim *sim, rm_frame *buf, size_t cap, size_t *got)
{
    if (got)
        *got = 0;
    if (!sim)
        return RM_ERR_ARG;
    if (!got || (!buf && cap))
        return rm_msg_set(sim->errmsg, sizeof sim->errmsg, RM_ERR_ARG,
                          "rm_sim_read: no buffer or count");
    *got = rm_sim_render(sim, buf, cap);
    return RM_OK;
}

rm_status rm_sim_write_truth(const rm_sim *sim, FILE *out)
{
    if (!sim || !out)
        return RM_ERR_ARG;
    /* The handle is const here: a failure's cause is the status alone
     * (RM_ERR_NOMEM building the JSON, RM_ERR_IO writing it). */
    return rm_sim_truth_json(sim, out);
}

const char *rm_sim_errmsg(const rm_sim *sim)
{
    return sim ? sim->errmsg : "no simulator";
}

void rm_sim_free(rm_sim *sim)
{
    if (!sim)
        return;
    free_contents(sim);
    rm_free(sim);
}
