/*
 * The registry of physics variants: their names and one-line summaries,
 * parsing a `--physics` list (or `random`), and drawing each variant's
 * numbers from a stream of its own, so that a session with no variant
 * draws exactly what the original model draws. docs/simulator.md,
 * "Physics variants", gives the ranges and the reasons.
 */
#include <string.h>

#include "sim_internal.h"

/* Exclusive groups: one line model, one footprint shape at most. */
enum { GRP_NONE, GRP_LINE, GRP_SHAPE };

typedef struct phy_entry {
    const char *name;
    int group;
    const char *summary;
} phy_entry;

static const phy_entry table[PHY_COUNT] = {
    [PHY_LINE_LEAN] = { "line-lean", GRP_LINE,
        "a line shows as the footprint's lean (30 % of the half-width); "
        "resting place +-2.5 cm per session, drifting 1-3 mm" },
    [PHY_LINE_SHIFT] = { "line-shift", GRP_LINE,
        "a line shows as a 1.5-3 cm sideways shift of a nearly symmetric "
        "footprint; same resting place model" },
    [PHY_LINE_BOTH] = { "line-both", GRP_LINE,
        "a line shows as both the lean and the sideways shift" },
    [PHY_FOOT_POWER] = { "foot-power", GRP_SHAPE,
        "footprint across the strip (1-u^2)^q, q 1-1.8" },
    [PHY_FOOT_GAUSS] = { "foot-gauss", GRP_SHAPE,
        "Gaussian footprint across the strip (sd 0.35-0.5 half-widths)" },
    [PHY_FOOT_GROOVE] = { "foot-groove", GRP_NONE,
        "a 4-14 % groove between the gastrocnemius heads over the bellies" },
    [PHY_FOOT_SKEW] = { "foot-skew", GRP_NONE,
        "a 3-9 % medial skew of the footprint over the bellies" },
    [PHY_FOOT_WIDEN] = { "foot-widen", GRP_NONE,
        "footprint width grows with load (10-25 % per doubling)" },
    [PHY_CALF_VARY] = { "calf-vary", GRP_NONE,
        "calf 26-42 cm, Achilles stretch 12-20 %, widest at 60-75 %, "
        "varied stiffness map" },
    [PHY_TP_SUBTLE] = { "tp-subtle", GRP_NONE,
        "trigger points radius 0.75-2 cm, flat-topped or peaked, 15-60 % "
        "above the surroundings" },
    [PHY_FLINCH_PARTIAL] = { "flinch-partial", GRP_NONE,
        "flinches drop 60-90 % of the load in 0.1-0.25 s and recover in "
        "0.5-2 s, leg down; some holds begin with one" },
    [PHY_BREATH] = { "breath", GRP_NONE,
        "breathing during holds: +-1 to +-7.5 % of the load at 0.15-0.35 Hz" },
    [PHY_FLEX_SINE] = { "flex-sine", GRP_NONE,
        "pin-and-stretch as a full sine 1 + A sin, A 0.25-0.40, 0.2-0.6 Hz, "
        "each period +-15 %" },
    [PHY_TURN_SHORT] = { "turn-short", GRP_NONE,
        "passes turn 1-3 cm short of the ankle and of the knee" },
    [PHY_PASS_PARTIAL] = { "pass-partial", GRP_NONE,
        "some passes turn 12-25 % of the length from an end" },
    [PHY_PAUSE] = { "pause", GRP_NONE,
        "pauses of 2-5 s mid-pass that are not holds" },
    [PHY_HOLD_SHORT] = { "hold-short", GRP_NONE,
        "static holds from 8 s" },
    [PHY_LIFT_ELSEWHERE] = { "lift-elsewhere", GRP_NONE,
        "the leg is lifted and put down elsewhere often, mid-pass too" },
    [PHY_CROSSED] = { "crossed", GRP_NONE,
        "the other leg crossed over on half of the placements (+50-80 %)" },
    [PHY_ADC_GLITCH] = { "adc-glitch", GRP_NONE,
        "one-frame ADC glitches of 2^14-2^21 counts, some taking the total "
        "load near zero" },
    [PHY_TARE_DRIFT] = { "tare-drift", GRP_NONE,
        "tare drifts 2 000-20 000 counts per 10 min per cell" },
    [PHY_MAINS_ALIAS] = { "mains-alias", GRP_NONE,
        "50 Hz pickup aliased at 80 Hz, cells read at staggered instants" },
    [PHY_CLOCK_SKEW] = { "clock-skew", GRP_NONE,
        "frame period off nominal by up to +-0.6 % with stamp jitter; truth "
        "in board-clock time" },
    [PHY_ENC_EFFECTIVE] = { "enc-effective", GRP_NONE,
        "radius_mm is the effective radius at typical load (the original's "
        "model since issue 13; kept for declared families)" },
    [PHY_ENC_RIPPLE] = { "enc-ripple", GRP_NONE,
        "once-per-turn encoder ripple of 0.5-1.5 %" },
    [PHY_ENC_SLIP] = { "enc-slip", GRP_NONE,
        "every pass slips by up to +-5 %" },
};

const char *const *rm_sim_physics_list(void)
{
    static const char *names[PHY_COUNT + 3];
    if (!names[0]) {
        names[0] = "original";
        for (int i = 0; i < PHY_COUNT; i++)
            names[i + 1] = table[i].name;
        names[PHY_COUNT + 1] = "random";
        names[PHY_COUNT + 2] = NULL;
    }
    return names;
}

const char *rm_sim_physics_summary(const char *name)
{
    if (!name)
        return NULL;
    if (!strcmp(name, "original"))
        return "the model with no variant (also: no --physics at all)";
    if (!strcmp(name, "random"))
        return "every choice drawn from the seed: one line model, one "
               "footprint shape, each other variant with chance 1/2";
    for (int i = 0; i < PHY_COUNT; i++)
        if (!strcmp(name, table[i].name))
            return table[i].summary;
    return NULL;
}

static int lookup(const char *name, size_t len)
{
    for (int i = 0; i < PHY_COUNT; i++)
        if (strlen(table[i].name) == len && !strncmp(name, table[i].name, len))
            return i;
    return -1;
}

/* `random`: one line model (or the original lean), one footprint shape
 * (or the original), every other variant on with chance 1/2. */
static uint32_t draw_random(sim_rng *r)
{
    uint32_t on = 0;
    int line = sim_int(r, 0, 3);
    if (line > 0)
        on |= 1u << (PHY_LINE_LEAN + line - 1);
    int shape = sim_int(r, 0, 2);
    if (shape > 0)
        on |= 1u << (PHY_FOOT_POWER + shape - 1);
    for (int i = 0; i < PHY_COUNT; i++)
        if (table[i].group == GRP_NONE && sim_unit(r) < 0.5)
            on |= 1u << i;
    return on;
}

static int parse(const char *spec, uint32_t *on, sim_rng *r, char *msg,
                 size_t msg_len)
{
    *on = 0;
    const char *p = spec;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len == 6 && !strncmp(p, "random", 6)) {
            *on |= draw_random(r);
        } else if (len == 8 && !strncmp(p, "original", 8)) {
            /* nothing on */
        } else {
            int id = lookup(p, len);
            if (id < 0) {
                snprintf(msg, msg_len, "unknown physics '%.*s' (see "
                         "--list-physics)", (int)(len > 64 ? 64 : len), p);
                return 1;
            }
            for (int j = 0; j < PHY_COUNT; j++)
                if (j != id && table[j].group != GRP_NONE &&
                    table[j].group == table[id].group && ((*on >> j) & 1u)) {
                    snprintf(msg, msg_len, "physics '%s' and '%s' exclude "
                             "each other", table[j].name, table[id].name);
                    return 1;
                }
            *on |= 1u << id;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* The numbers of every variant, drawn whether it is on or not, so that
 * turning one on never moves another's numbers. */
static void draw_numbers(rm_sim *sim, sim_rng *r)
{
    sim_physics *ph = &sim->phy;
    ph->rest_mm = sim_uniform(r, -25.0, 25.0);
    ph->drift_mm = sim_uniform(r, 1.0, 3.0) * (sim_unit(r) < 0.5 ? -1 : 1);
    ph->drift_hz = 1.0 / sim_uniform(r, 60.0, 240.0);
    ph->drift_ph = sim_uniform(r, 0.0, 2 * M_PI);
    ph->shift_mm = sim_uniform(r, 15.0, 30.0);
    ph->lean = PHY_ON(sim, PHY_LINE_SHIFT) ? sim_uniform(r, 0.0, 0.05)
                                           : sim_uniform(r, 0.25, 0.35);
    ph->q = sim_uniform(r, 1.0, 1.8);
    ph->sigma = sim_uniform(r, 0.35, 0.5);
    ph->groove = sim_uniform(r, 0.04, 0.14);
    ph->skew = sim_uniform(r, 0.03, 0.09);
    ph->widen = sim_uniform(r, 0.10, 0.25);
    for (int i = 0; i < 3; i++) {
        ph->stiff_amp[i] = sim_uniform(r, -0.12, 0.12);
        ph->stiff_at[i] = sim_uniform(r, 0.15, 0.9);
        ph->stiff_w[i] = sim_uniform(r, 0.1, 0.25);
    }
    ph->breath_amp = sim_uniform(r, 0.01, 0.075);
    ph->breath_hz = sim_uniform(r, 0.15, 0.35);
    ph->breath_ph = sim_uniform(r, 0.0, 2 * M_PI);
    /* 0.05-0.3 glitches a second over the whole strip: 15-90 in a
     * 5-minute session. */
    ph->glitch_p = sim_uniform(r, 0.05, 0.3) /
                   (sim->meta.desc.rate_hz * sim->meta.desc.cells);
    for (int i = 0; i < RM_MAX_CELLS; i++)
        ph->tare_rate[i] = sim_uniform(r, 2000.0, 20000.0) / 600.0 *
                           (sim_unit(r) < 0.5 ? -1 : 1);
    ph->mains_amp = sim_uniform(r, 150.0, 600.0);
    ph->rate_err = sim_uniform(r, -0.006, 0.006);
    ph->jitter_us = sim_uniform(r, 100.0, 2000.0);
    ph->ripple = sim_uniform(r, 0.005, 0.015);
    ph->ripple_ph = sim_uniform(r, 0.0, 2 * M_PI);
    ph->slip_max = 0.05;
}

int rm_sim_physics_setup(rm_sim *sim, const char *spec, char *msg,
                         size_t msg_len)
{
    memset(&sim->phy, 0, sizeof sim->phy);
    if (!spec || !*spec)
        return 0;
    sim_rng r;
    sim_rng_seed(&r, sim->seed ^ 0x7068797369637300ull);
    if (parse(spec, &sim->phy.on, &r, msg, msg_len))
        return 1;
    size_t used = 0;
    for (int i = 0; i < PHY_COUNT; i++)
        if (PHY_ON(sim, i))
            used += (size_t)snprintf(sim->phy.names + used,
                                     sizeof sim->phy.names - used, "%s%s",
                                     used ? "," : "", table[i].name);
    if (!used)
        snprintf(sim->phy.names, sizeof sim->phy.names, "original");
    sim_rng_seed(&r, sim->seed ^ 0x6e756d6265727300ull);
    draw_numbers(sim, &r);
    return 0;
}

static double smooth01(double x)
{
    return x <= 0.0 ? 0.0 : x >= 1.0 ? 1.0 : x * x * (3.0 - 2.0 * x);
}

double rm_sim_dip_factor(const rm_sim *sim, double t)
{
    double f = 1.0;
    for (size_t i = 0; i < sim->dips.n; i++) {
        const sim_dip *d = &sim->dips.v[i];
        double tau = t - d->t0_s;
        if (tau <= 0.0 || tau >= d->drop_s + d->recover_s)
            continue;
        double env = tau < d->drop_s
                         ? smooth01(tau / d->drop_s)
                         : 1.0 - smooth01((tau - d->drop_s) / d->recover_s);
        f *= 1.0 - d->depth * env;
    }
    return f;
}
