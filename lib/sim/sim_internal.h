/*
 * sim_internal.h - the simulator's private pieces: the PRNG, the event
 * script (segments) planned up front by plan.c, the truth records, and
 * the handle that render.c turns into frames one at a time.
 * Model and numbers: docs/simulator.md.
 */
#ifndef ROLLMAP_SIM_SIM_INTERNAL_H
#define ROLLMAP_SIM_SIM_INTERNAL_H

#include <math.h>
#include <stdint.h>

#include "internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- PRNG: splitmix64 to seed, xoshiro256** for the stream ---------- */

typedef struct sim_rng {
    uint64_t s[4];
} sim_rng;

static inline uint64_t sim_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void sim_rng_seed(sim_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = sim_splitmix64(&seed);
}

static inline uint64_t sim_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t sim_next(sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = sim_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = sim_rotl(s[3], 45);
    return out;
}

/* Uniform in [0, 1) with 53 bits. */
static inline double sim_unit(sim_rng *r)
{
    return (double)(sim_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static inline double sim_uniform(sim_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * sim_unit(r);
}

/* Integer in [lo, hi] inclusive. */
static inline int sim_int(sim_rng *r, int lo, int hi)
{
    return lo + (int)(sim_unit(r) * (double)(hi - lo + 1));
}

/*
 * Approximately normal, unit variance, from one 64-bit draw: the sum of
 * four 16-bit uniforms (Irwin-Hall, n = 4) has variance 4/12, so scale by
 * sqrt(3). Tails stop at +-3.46 sd, which is fine for ADC noise and keeps
 * the per-cell inner loop free of log/sqrt/sin.
 */
static inline double sim_gauss_fast(sim_rng *r)
{
    uint64_t x = sim_next(r);
    double sum = (double)(x & 0xffff) + (double)((x >> 16) & 0xffff) +
                 (double)((x >> 32) & 0xffff) + (double)(x >> 48);
    return (sum * (1.0 / 65536.0) - 2.0) * 1.7320508075688772;
}

/* Geometric gap (>= 1) between events of probability p per trial. */
static inline uint64_t sim_geometric(sim_rng *r, double p)
{
    if (p <= 0.0)
        return UINT64_MAX;
    if (p >= 1.0)
        return 1;
    double u = 1.0 - sim_unit(r); /* (0, 1] */
    double g = floor(log(u) / log1p(-p)) + 1.0;
    return g > 1e18 ? (uint64_t)1e18 : (uint64_t)g;
}

/* ---- The event script ------------------------------------------------ */

#define SIM_MAX_FLEX 12

typedef enum seg_kind {
    SEG_OFF   = 0, /* leg off the roller; the encoder may turn a little */
    SEG_DOWN  = 1, /* leg put down: load ramps 0 -> 1 */
    SEG_LIFT  = 2, /* leg lifted: load ramps 1 -> 0 (fast for a flinch) */
    SEG_ROLL  = 3, /* contact line moves pos0 -> pos1 */
    SEG_STILL = 4, /* short turnaround pause, not a hold */
    SEG_HOLD  = 5, /* a hold: static, rocking or pin-and-stretch */
} seg_kind;

typedef struct sim_seg {
    seg_kind kind;
    double t0_s, t1_s;
    double pos0_cm, pos1_cm;  /* contact line along the calf, from ankle */
    rm_line line;
    double centre_mm;         /* leg centreline on the strip, from its left end */
    double load_factor;       /* 1, or 1.5-1.8 with the other leg crossed */
    double slip;              /* encoder gain error while rolling (+-) */
    double ramp_s;            /* ROLL: accel/decel time at each end */
    int ramp_in, ramp_out;    /* ROLL: accelerate / decelerate at the ends */
    rm_technique tech;        /* HOLD */
    double mod_hz;            /* HOLD: rocking or flexing frequency */
    double mod_amp;           /* rocking: CoP swing (half-widths); flex: load */
    double lead_s;            /* pin-and-stretch: still time before flexing */
    uint32_t flexes;
    double enc_turn_counts;   /* OFF: encoder turn while unloaded */
    double per_s[SIM_MAX_FLEX]; /* flex-sine: each flex period's length */
} sim_seg;

/* ---- Truth records ---------------------------------------------------- */

typedef struct sim_hold {
    double start_s, end_s;
    double position_cm;
    rm_line line;
    rm_technique tech;
    uint32_t flexes;
    double mod_hz;
    double load_n;
} sim_hold;

typedef struct sim_pass {
    double start_s, end_s;
    double from_cm, to_cm;
    rm_line line;
    double load_n;
    double slip;
} sim_pass;

typedef struct sim_flinch {
    double time_s;
    double position_cm;
    rm_line line;
    double load_n;
    int partial;              /* flinch-partial: the leg stays down */
} sim_flinch;

/* flinch-partial: a sudden drop of the load by `depth` over drop_s and
 * the recovery over recover_s, laid over whatever the script does. */
typedef struct sim_dip {
    double t0_s, drop_s, recover_s, depth;
} sim_dip;

/* pause: the leg still for 2-5 s mid-pass, not a hold. */
typedef struct sim_pause {
    double start_s, end_s, position_cm;
} sim_pause;

typedef struct sim_liftoff {
    double start_s, end_s;
    int flinch;
} sim_liftoff;

typedef struct sim_placement {
    double time_s;            /* when the load starts to come on */
    double position_cm;
    double centre_mm;
    rm_line line;
    double load_factor;
} sim_placement;

typedef struct sim_tp {
    double position_cm;
    rm_line line;
    rm_zone zone;
    double size_cm;
    double gain;              /* local pressure x (1 + gain) at its centre */
    int tender;               /* too tender: rolling onto it causes a flinch */
    double across_cm, along_cm; /* reach on the strip / along the calf */
    int flat;                 /* tp-subtle: flat-topped profile */
    double rise;              /* tp-subtle: noise-free rise at its cell */
    int detectable;           /* tp-subtle: the documented rule */
    int spot;                 /* --person: the person's spot id (1..), else 0 */
} sim_tp;

#define SIM_MAX_TP 8

/* ---- One person over days (person.c) ---------------------------------- */

typedef enum spot_class {
    SPOT_FADING    = 0,       /* halves every half_life_d days */
    SPOT_STEADY    = 1,       /* stays */
    SPOT_APPEARING = 2,       /* absent before onset_d, full ramp_d later */
} spot_class;

typedef struct sim_spot {
    int id;                   /* 1.., in the order planted */
    spot_class cls;
    double half_life_d;       /* fading */
    double onset_d, ramp_d;   /* appearing */
    double strength;          /* on this day, fraction of the full point */
    sim_tp full;              /* the point at full strength */
} sim_spot;

typedef struct sim_person {
    int on;
    char id[RM_PERSON_MAX];
    uint32_t day;
    uint64_t key;             /* hash of the id: everything of the person */
    sim_spot spot[SIM_MAX_TP];
    int n_spot;
} sim_person;

/* Growable array of records of one type. */
#define SIM_VEC(T) struct { T *v; size_t n, cap; }

/* ---- Scenario knobs ---------------------------------------------------- */

typedef struct sim_params {
    const char *name;
    int fast_board;           /* 32 cells at 1 kHz, 7.5 mm pitch */
    int trigger_points;       /* plant trigger points */
    int holds;                /* 0: none; 1: a few; 2: every technique, several */
    int flinches;             /* how many flinches to plant (fixed length) */
    double default_duration_s;/* 0: fixed structure; else fill this long */
    double noise_counts;      /* RMS ADC noise per cell */
    double spike_prob;        /* per cell-sample */
    double drop_prob;         /* chance a frame starts a lost burst */
    double drop_burst_mean;   /* mean frames per lost burst */
    double slip_max;          /* largest encoder slip per pass (fraction) */
    double mains_counts;      /* 50 Hz pickup amplitude, 0: none */
    int passes_per_line;
} sim_params;

#include "physics.h"

/* ---- The handle ----------------------------------------------------------- */

struct rm_sim {
    sim_params par;
    uint64_t seed;
    sim_physics phy;          /* physics variants; all off: the original */
    sim_person person;        /* --person: one person over days; off: 0 */
    rm_session_meta meta;
    char errmsg[256];

    /* The person and the calf (planned). */
    double mass_kg, load_frac, load_n;
    double calf_len_cm;
    double w_ankle_cm, w_max_cm, w_max_frac, w_knee_cm, w_flat_frac;
    double comp_per_n;        /* foam compression: radius fraction lost per N */
    double load_var_amp[2], load_var_hz[2], load_var_ph[2];
    int medial_sign;          /* +1: medial side toward higher cell indices */
    sim_tp tp[SIM_MAX_TP];
    int n_tp;

    /* The script and what it planted. */
    SIM_VEC(sim_seg) segs;
    SIM_VEC(sim_hold) holds;
    SIM_VEC(sim_pass) passes;
    SIM_VEC(sim_flinch) flinches;
    SIM_VEC(sim_liftoff) liftoffs;
    SIM_VEC(sim_placement) placements;
    SIM_VEC(sim_dip) dips;
    SIM_VEC(sim_pause) pauses;
    double duration_s;
    uint64_t n_frames;        /* frames the board produces (incl. dropped) */
    uint64_t dropped_total;   /* frames the link will lose (truth) */

    /* Render state (render.c). */
    sim_rng rng;
    uint64_t k;               /* next board frame index */
    size_t seg_i;
    double enc_acc;           /* encoder counts since the start, unrounded */
    double prev_pos_cm;
    int32_t enc0;
    uint32_t seq0, time0_us;
    double clock_err;         /* board clock rate error, fraction */
    sim_rng drop_rng;         /* the link's losses, apart from the noise */
    uint64_t next_drop;       /* frame index of the next lost burst */
    uint64_t drop_left;       /* frames still to lose in the current burst */
    uint64_t dropped;
    uint64_t next_spike;      /* cell-sample index of the next spike */
    uint64_t cell_samples;
    double drift_amp[RM_MAX_CELLS], drift_hz[RM_MAX_CELLS],
        drift_ph[RM_MAX_CELLS], drift_now[RM_MAX_CELLS];
    double mains_gain[RM_MAX_CELLS], mains_ph;
    uint32_t drift_step;      /* frames between drift updates */
    int sub_per_cell;         /* sub-samples per cell pitch */
    double inv_scale[RM_MAX_CELLS];
    sim_rng phy_rng;          /* variants' render-time draws, own stream */
    uint64_t next_glitch;     /* adc-glitch: cell-sample of the next one */
    double frame_dt;          /* seconds between frames (clock-skew) */
};

/* plan.c: choose the calf, person and script. RM_OK or RM_ERR_NOMEM. */
rm_status rm_sim_plan(rm_sim *sim, double duration_s);

/* render.c: prepare render state after planning; fill frames. */
void rm_sim_render_init(rm_sim *sim);
size_t rm_sim_render(rm_sim *sim, rm_frame *buf, size_t cap);

/* The drop process (own stream): start it; count every frame it loses. */
void rm_sim_drops_init(rm_sim *sim, sim_rng *dr, uint64_t *next_drop);
uint64_t rm_sim_count_drops(rm_sim *sim);

/* person.c: one person over days (docs/simulator.md, "One person over
 * days"). The key of an id; the person's own stream for the calf and its
 * spots; the session seed mixing the caller's seed with the id and day;
 * the day's strengths, dropping absent points from sim->tp. */
uint64_t rm_sim_person_key(const char *id);
void rm_sim_person_rng(const rm_sim *sim, sim_rng *r);
double rm_sim_person_compression(const rm_sim *sim);
uint64_t rm_sim_person_seed(uint64_t seed, uint64_t key, uint32_t day);
int64_t rm_sim_person_start_us(uint64_t key, uint32_t day);
void rm_sim_person_days(rm_sim *sim);

/* Truth JSON (truth.c). */
rm_status rm_sim_truth_json(const rm_sim *sim, FILE *out);

/* Model state at time t_s (used by render.c and by tests via render). */
typedef struct sim_state {
    double pos_cm;            /* contact line, cm from the ankle */
    double load_n;            /* total load on the strip+roller */
    double shift;             /* CoP shift, half-widths, + = medial */
    double centre_mm;
    double half_width_mm;
    double slip;
    double enc_turn_rate;     /* counts/s while unloaded */
    double turn;              /* how far the leg is turned (its line and
                                 rocking), half-widths: moves the skin */
} sim_state;

void rm_sim_state_at(const rm_sim *sim, size_t seg_i, double t_s,
                     sim_state *st);

/* The state of the leg resting still at pos_cm on a line at the
 * person's own load (the first placement's centre): the truth's probe. */
void rm_sim_probe_state(const rm_sim *sim, double pos_cm, rm_line line,
                        sim_state *st);

/* The same for any time, searching the script (tests, tools). */
void rm_sim_model_at(const rm_sim *sim, double t_s, sim_state *st);

/* Footprint width (cm) across the strip at calf fraction f (0 ankle). */
double rm_sim_width_cm(const rm_sim *sim, double frac);

/* CoP shift (half-widths, + = medial) for a rolled line. */
double rm_sim_line_shift(rm_line line);

/* Forces per cell for a model state; skip_tp: a trigger point left out
 * (-1: none). Used by the truth's detectability rule. */
void rm_sim_cell_forces(const rm_sim *sim, const sim_state *st,
                        double *f_n, int skip_tp);

#endif /* ROLLMAP_SIM_SIM_INTERNAL_H */
