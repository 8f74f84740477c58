/*
 * One person over days (rm_sim_options.person, .day): what stays the
 * person's whatever the seed (the calf, the leg, the trigger points at
 * full strength, each spot's course) comes from a key hashed from the id;
 * what changes day to day (how hard each spot is, with a little noise)
 * from the key and the day; how the session was rolled from the seed
 * mixed with both. The rule and its ranges: docs/simulator.md, "One
 * person over days".
 */
#include <string.h>

#include "sim_internal.h"

/* Stream tags, so the person's draws never share a stream with another. */
#define TAG_BODY  0x706572736f6e0000ull  /* "person" */
#define TAG_CLASS 0x636c617373000000ull  /* "class" */
#define TAG_DAY   0x6461790000000000ull  /* "day" */
#define TAG_FOAM  0x666f616d00000000ull  /* "foam" */

/* Spot classes: 40 % fade, 40 % stay, 20 % appear (drawn per spot). */
#define P_FADING 0.40
#define P_STEADY 0.40

/* Day-to-day noise: a spot's strength x (1 + up to +-DAY_NOISE). */
#define DAY_NOISE 0.10

/* A point weaker than this (of its full strength) is not planted. */
#define ABSENT_BELOW 0.05

/* 2026-01-05 08:00 UTC, as make_meta's epoch; the person's first day is
 * within BASE_DAYS of it, at the same time of day. */
#define PERSON_EPOCH_US 1767600000000000LL
#define BASE_DAYS 300

/* FNV-1a over the id's bytes, then splitmix64 to spread short ids. */
uint64_t rm_sim_person_key(const char *id)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *c = (const unsigned char *)id; *c; c++) {
        h ^= *c;
        h *= 0x100000001b3ull;
    }
    return sim_splitmix64(&h);
}

void rm_sim_person_rng(const rm_sim *sim, sim_rng *r)
{
    sim_rng_seed(r, sim->person.key ^ TAG_BODY);
}

/* How far the roller's radius gives under this person's calf: the same
 * 1.0-1.6 % per 100 N as plan_body draws, on a stream of its own so the
 * calf and spots drawn before it stay as they were. */
double rm_sim_person_compression(const rm_sim *sim)
{
    sim_rng r;
    sim_rng_seed(&r, sim->person.key ^ TAG_FOAM);
    return sim_uniform(&r, 1.0e-4, 1.6e-4);
}

/* The session's seed: each (id, day) its own session, and --seed picks
 * another session of the same day. */
uint64_t rm_sim_person_seed(uint64_t seed, uint64_t key, uint32_t day)
{
    uint64_t x = key ^ (seed * 0x9e3779b97f4a7c15ull) ^
                 ((uint64_t)day << 40);
    uint64_t s = sim_splitmix64(&x);
    return s ? s : 1;
}

int64_t rm_sim_person_start_us(uint64_t key, uint32_t day)
{
    uint64_t x = key ^ TAG_DAY;
    int64_t base = (int64_t)(sim_splitmix64(&x) % BASE_DAYS);
    return PERSON_EPOCH_US + (base + (int64_t)day) * 86400LL * 1000000LL;
}

/* Strength on day d, before the noise, of a spot of full strength 1. */
static double course(const sim_spot *s, double d)
{
    switch (s->cls) {
    case SPOT_FADING:
        return pow(0.5, d / s->half_life_d);
    case SPOT_APPEARING: {
        double f = (d - s->onset_d + 1.0) / s->ramp_d;
        return f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
    }
    case SPOT_STEADY:
    default:
        return 1.0;
    }
}

/*
 * Called by the planner with sim->tp holding the person's points at full
 * strength (drawn from rm_sim_person_rng): give each its class and course
 * (from the key), its strength on this day (from the key and the day),
 * and keep in sim->tp only the points present today, with their gain
 * scaled by the strength.
 */
void rm_sim_person_days(rm_sim *sim)
{
    sim_person *p = &sim->person;
    sim_rng cr;
    sim_rng_seed(&cr, p->key ^ TAG_CLASS);
    p->n_spot = sim->n_tp;
    int kept = 0;
    for (int i = 0; i < sim->n_tp; i++) {
        sim_spot *s = &p->spot[i];
        memset(s, 0, sizeof *s);
        s->id = i + 1;
        s->full = sim->tp[i];
        s->full.spot = s->id;
        double u = sim_unit(&cr);
        s->cls = u < P_FADING ? SPOT_FADING
                 : u < P_FADING + P_STEADY ? SPOT_STEADY : SPOT_APPEARING;
        /* Drawn for every class, so a spot's course never moves another's. */
        s->half_life_d = sim_uniform(&cr, 1.5, 3.0);
        s->onset_d = (double)sim_int(&cr, 1, 2);
        s->ramp_d = sim_uniform(&cr, 2.0, 3.0);
        /* The day's noise: its own stream per (spot, day). */
        sim_rng dr;
        sim_rng_seed(&dr, p->key ^ TAG_DAY ^ ((uint64_t)p->day << 20) ^
                              (uint64_t)s->id);
        double noise = sim_uniform(&dr, -DAY_NOISE, DAY_NOISE);
        s->strength = course(s, (double)p->day) * (1.0 + noise);
        if (s->strength < ABSENT_BELOW)
            s->strength = 0.0;
        if (s->strength > 0.0) {
            sim_tp tp = s->full;
            tp.gain *= s->strength;
            sim->tp[kept++] = tp;
        }
    }
    sim->n_tp = kept;
}
