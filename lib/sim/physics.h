/*
 * physics.h - the simulator's physics variants (included by
 * sim_internal.h): which named variants are on and the numbers each one
 * drew from the seed. Every variant off is the original model, bit for
 * bit. Names, ranges and reasons: docs/simulator.md, "Physics variants".
 */
#ifndef ROLLMAP_SIM_PHYSICS_H
#define ROLLMAP_SIM_PHYSICS_H

typedef enum sim_phy_id {
    PHY_LINE_LEAN,
    PHY_LINE_SHIFT,
    PHY_LINE_BOTH,
    PHY_FOOT_POWER,
    PHY_FOOT_GAUSS,
    PHY_FOOT_GROOVE,
    PHY_FOOT_SKEW,
    PHY_FOOT_WIDEN,
    PHY_CALF_VARY,
    PHY_TP_SUBTLE,
    PHY_FLINCH_PARTIAL,
    PHY_BREATH,
    PHY_FLEX_SINE,
    PHY_TURN_SHORT,
    PHY_PASS_PARTIAL,
    PHY_PAUSE,
    PHY_HOLD_SHORT,
    PHY_LIFT_ELSEWHERE,
    PHY_CROSSED,
    PHY_ADC_GLITCH,
    PHY_TARE_DRIFT,
    PHY_MAINS_ALIAS,
    PHY_CLOCK_SKEW,
    PHY_ENC_EFFECTIVE,
    PHY_ENC_RIPPLE,
    PHY_ENC_SLIP,
    PHY_COUNT
} sim_phy_id;

#define PHY_ON(sim, id) (((sim)->phy.on >> (id)) & 1u)
/* Any of the line variants: the leg's resting place is the session's. */
#define PHY_LINE_ANY(sim) \
    (PHY_ON(sim, PHY_LINE_LEAN) || PHY_ON(sim, PHY_LINE_SHIFT) || \
     PHY_ON(sim, PHY_LINE_BOTH))

typedef struct sim_physics {
    uint32_t on;              /* bit per sim_phy_id */
    char names[512];          /* the variants on, canonical order, ',' */
    /* line and resting place */
    double rest_mm;           /* session's resting place from the middle */
    double drift_mm, drift_hz, drift_ph; /* its slow drift in a session */
    double shift_mm;          /* sideways shift of a turned leg */
    double lean;              /* CoP lean of a turned leg, half-widths */
    /* footprint */
    double q;                 /* foot-power exponent */
    double sigma;             /* foot-gauss sd, half-widths */
    double groove;            /* foot-groove depth, fraction */
    double skew;              /* foot-skew: medial CoP over the bellies */
    double widen;             /* foot-widen: width fraction per extra load */
    /* calf stiffness map: half-width x (1 + sum a biweight) */
    double stiff_amp[3], stiff_at[3], stiff_w[3];
    /* breathing */
    double breath_amp, breath_hz, breath_ph;
    /* sensors */
    double glitch_p;          /* per cell-sample */
    double tare_rate[RM_MAX_CELLS]; /* counts per second */
    double mains_amp;         /* counts */
    /* clock and encoder */
    double rate_err;          /* frame period off nominal, fraction */
    double jitter_us;         /* stamp jitter, +- */
    double ripple, ripple_ph; /* once-per-turn encoder ripple */
    double slip_max;
} sim_physics;

struct rm_sim;

/* Parse "name[,name...]", "random" or "original" into sim->phy.on and draw
 * every variant's numbers from the seed. 0 ok; else an RM_ERR_ARG with
 * the message in msg. */
int rm_sim_physics_setup(struct rm_sim *sim, const char *spec, char *msg,
                         size_t msg_len);

/* Load multiplier of the partial flinches (dips) at time t_s. */
double rm_sim_dip_factor(const struct rm_sim *sim, double t_s);

#endif /* ROLLMAP_SIM_PHYSICS_H */
