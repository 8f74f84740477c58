/*
 * engine_internal.h - pieces of the streaming engine shared by the files of
 * lib/engine/. Frames become per-frame features (features.c), features are
 * averaged into ticks of ~50-80 Hz, and every detector runs on ticks with
 * O(1) or fixed-size state; alignment (align.c) runs once at finish.
 */
#ifndef ROLLMAP_ENGINE_ENGINE_INTERNAL_H
#define ROLLMAP_ENGINE_ENGINE_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Profile bins along the calf / encoder axis: 0.5 cm is a quarter of the
 * smallest trigger point (1-2 cm) and half the 1 cm position target. */
#define RM_BIN_CM 0.5
/* A contact stretch's working profile spans +-48 cm around where it began:
 * more than the longest calf (40 cm) rolled from either end. */
#define RM_SBINS 192
#define RM_SBIN0 (RM_SBINS / 2)

/* Decimated signals kept inside a hold for spectra: 10 Hz is 10x the
 * fastest rocking (1 Hz) and 20x the fastest flexing (0.5 Hz). */
#define RM_HOLD_RATE_HZ 10.0
/* 2^12 samples at 10 Hz = 409.6 s: longer holds are classified on their
 * first 409 s (the advice is 30-90 s). */
#define RM_HOLD_MAXN 4096

/* Summary calf map: 50 bins of 2 % of the calf length (< 1 cm each). */
#define RM_MAP_BINS 50

/* floor(v) as an index when 0 <= floor(v) < n, else -1 (also for NAN and
 * values far out of int range: encoder garbage must not overflow). */
static inline int rm_index(double v, int n)
{
    if (!(v >= 0.0) || !(v < (double)n))
        return -1;
    return (int)v;
}

/* Bin (0..RM_SBINS-1) of an encoder distance from a stretch's enc0, or -1. */
static inline int rm_bin_of(double rel_cm)
{
    return rm_index(rel_cm / RM_BIN_CM + RM_SBIN0, RM_SBINS);
}

/*
 * Sub-step refinement of a grid search: the offset (in grid steps) of the
 * vertex of the parabola through (-1, l), (0, c), (1, r), when that vertex
 * is a minimum (want_max 0) or a maximum (want_max 1) within +-max_off
 * steps; else 0 (keep the grid point). Example: l = 3, c = 1, r = 2 ->
 * minimum at +0.167.
 */
static inline double rm_vertex_offset(double l, double c, double r,
                                      int want_max, double max_off)
{
    if (!isfinite(l) || !isfinite(r))
        return 0.0;
    double den = l - 2 * c + r;
    if (want_max ? !(den < 0) : !(den > 0))
        return 0.0;
    double d = 0.5 * (l - r) / den;
    return d >= -max_off && d <= max_off ? d : 0.0;
}

/* Encoder distance (cm, from a stretch's enc0) of the centre of working
 * bin b. Example: bin RM_SBIN0 + 3 -> 1.75 cm. */
static inline double rm_bin_enc_cm(int b)
{
    return ((double)(b - RM_SBIN0) + 0.5) * RM_BIN_CM;
}

/*
 * Where a stretch of encoder distance lies on the calf, the one formula
 * every placement uses: x = a_cm + dir * scale * (enc_cm - pivot_cm), dir
 * the session's orientation (+1: the encoder counts up toward the knee).
 * A stretch's own placement is scale 1 about its enc0; a pass corrected
 * for slip has its own a, scale and pivot.
 * Example: a 12.0, scale 0.95, pivot 30.0, dir -1: enc 34.0 -> 8.2 cm.
 */
typedef struct rm_calf_pos {
    double a_cm;       /* calf cm of the pivot */
    double scale;      /* calf cm per encoder cm */
    double pivot_cm;   /* encoder cm */
} rm_calf_pos;

static inline double rm_calf_x(const rm_calf_pos *m, int dir, double enc_cm)
{
    return m->a_cm + dir * m->scale * (enc_cm - m->pivot_cm);
}

/* Per-frame (or per-tick) features of the load across the strip. */
typedef struct rm_feat {
    double force_n;    /* total of all cells */
    double cop_mm;     /* centre of pressure, mm from cell 0's centre */
    double width_mm;   /* footprint width, uniform-equivalent (sqrt(12 var)) */
    double centre_mm;  /* midpoint of the loaded run of cells */
    double half_mm;    /* half the loaded run's extent */
    double peak_n;     /* the most loaded cell */
    double lean;       /* -skewness of the load across the strip: + when
                          the load leans toward high cell indices */
} rm_feat;

/* Cell forces (N) of one frame's raw counts (cells[0..d->cells-1]) into
 * cell_n[0..cells-1], then features. */
void rm_feat_frame(const rm_descriptor *d, const int32_t *cells,
                   double *cell_n, rm_feat *out);
/* Features of given cell forces (N) at pitch_mm. */
void rm_feat_compute(const double *cell_n, unsigned cells, double pitch_mm,
                     rm_feat *out);
/* The same, when the caller already has the total (cells summed in index
 * order from 0.0), the largest cell force (0.0 if none is positive) and
 * the first index holding it: rm_feat_compute() is this after that pass. */
void rm_feat_shape(const double *cell_n, unsigned cells, double pitch_mm,
                   double total, double peak, unsigned ipk, rm_feat *out);

/* One tick: the mean of B consecutive frames' features. */
typedef struct rm_tick {
    double t_s;        /* session time of the tick's last frame */
    double dt_s;       /* tick period */
    double enc_cm;     /* encoder distance, cm, unwrapped (not calf place) */
    double force_n, cop_mm, width_mm, centre_mm, half_mm;
    double peak_kpa;   /* max peak-cell pressure over the tick */
    double skew;       /* lean (see rm_feat), NAN on a footprint too narrow
                          for the strip's pitch to show it */
    double skew_w;     /* weight of that lean: (width in cells)^2, a wide
                          footprint over many cells shows it best */
    double peak_share; /* most loaded cell's share of the total force */
    double cell_n[RM_MAX_CELLS]; /* mean force of each cell over the tick */
    int contact;       /* leg on the roller (hysteresis applied) */
    int stretch;       /* contact stretch index, -1 outside contact */
} rm_tick;

/* ---- config.c ---- */
/* 1 when every value of c is in its range. */
int rm_engine_config_ok(const rm_engine_config *c);

/* ---- line.c ---- */
/* Line from a skew (CoP offset from the footprint centre in half-widths,
 * positive toward high cell indices) and the leg side. */
rm_line rm_line_from_skew(double skew, rm_leg leg, double threshold);

/* ---- technique.c ---- */
typedef struct rm_tech_result {
    rm_technique technique;
    uint32_t flexes;
    double cop_band_mm;    /* CoP swing RMS in the rocking band */
    double force_band_rel; /* force modulation RMS / mean, flexing band */
    double cop_share;      /* share of CoP power in the rocking band */
    double force_share;    /* share of force power in the flexing band */
    double cop_band_rel;   /* cop_band_mm / mean footprint width */
} rm_tech_result;

/* Classify a hold from its decimated CoP (mm) and force (N) at rate_hz.
 * Uses kissfft; allocates and frees its own work memory. */
rm_status rm_technique_classify(const float *cop_mm, const float *force_n,
                                size_t n, double rate_hz,
                                rm_tech_result *out);

/* ---- align.c ---- */
/* A contact stretch: the leg down on the roller, from touch to lift. */
typedef struct rm_stretch {
    double start_s, end_s;
    double enc0_cm;          /* encoder distance where its bins are centred */
    int bmin, bmax;          /* used bin range (inclusive), in RM_SBINS terms */
    float *wsum;             /* width sum per bin (mm), bmin..bmax */
    float *n;                /* ticks per bin */
    float *ksum;             /* peak-cell kPa summed per bin (ticks: n) */
    /* results */
    int placed;              /* offset found */
    double offset_cm;        /* calf position of enc0 */
    double fit_cost;
    double gain;             /* width gain against the template */
} rm_stretch;

/* Contact may reach a little past the calf's ends (heel cord, knee
 * crease): the alignment's grids span [-slack, 1 + slack] of the length. */
#define RM_ALIGN_END_SLACK 0.03

/* Session alignment: calf pos = offset_k + dir * (enc - enc0_k). */
typedef struct rm_align {
    int found;
    int dir;                 /* +1: encoder counts up toward the knee */
    double length_cm;
    double gain;             /* session width gain vs the template */
} rm_align;

/* A width profile to place: a stretch's or a pass's. */
typedef struct rm_pview {
    int bmin, bmax;           /* bins of RM_SBINS around the stretch's enc0 */
    const float *wsum, *n;    /* bmin..bmax */
    double gain;              /* template gain of its stretch, > 0 */
    double *offset_cm;        /* in: placement to refine; out: refined */
    int *placed;
} rm_pview;

/* Move every placed target to where its profile correlates best (FFT
 * cross-correlation, +-search_cm) with the session profile built from the
 * placed refs. */
rm_status rm_align_refine(const rm_pview *refs, size_t n_refs,
                          rm_pview *targets, size_t n_targets,
                          const rm_align *al, double search_cm);

/* ---- drift.c ---- */
/* One profile's mapping to the calf: x = a + dir * s * (e - pivot_e), e
 * the encoder distance from its stretch's enc0 (cm). */
typedef struct rm_placing {
    int bmin, bmax;
    const float *wsum, *n;
    double pivot_e;
    double a, s;
    double cost;
    int placed;
} rm_placing;

double rm_placing_x(const rm_placing *p, int dir, double e_rel);
/* Place p anywhere on the calf by absolute widths against the anchors'
 * profile; p->placed = 1 when it fits. Up to max_miss of p's ticks may
 * fall outside the anchors' profile (0: none). */
rm_status rm_drift_place_abs(rm_placing *p, const rm_placing *anchors,
                             size_t na, int dir, double len_cm, int free_gain,
                             double max_miss);

/* Template width (relative, 1 = widest) at fraction x of ankle->knee. */
double rm_align_template(double x);

/* What the fit keeps between fits (align.c; ~30 kB): each voting
 * stretch's costs for every orientation and length, recognised by its
 * profile (the width templates themselves are one table per process).
 * One owner, one thread at a time: the engine keeps one
 * (rm_engine_tmpls). NULL when out of memory; a fit without one gives the
 * same results. */
typedef struct rm_align_tmpls rm_align_tmpls;
rm_align_tmpls *rm_align_tmpls_new(void);
void rm_align_tmpls_free(rm_align_tmpls *c);
/* Voter costs computed into c so far (tests: a refit on the same
 * stretches computes none). */
unsigned long rm_align_tmpls_scored(const rm_align_tmpls *c);

/* Fit orientation, length and every stretch's offset. Stretches whose
 * placement cannot be found keep placed = 0. c: templates to reuse, or
 * NULL (the call builds its own; the results are the same). */
rm_status rm_align_fit(rm_align_tmpls *c, rm_stretch *st, size_t n_st,
                       double min_span_cm, double place_span_cm,
                       rm_align *out);

/* The rolled extent of the views + margin_cm becomes the calf: the
 * returned shift is to be added to every offset; sets al->length_cm. */
double rm_align_ends(const rm_pview *v, size_t n, double margin_cm,
                     rm_align *al);

/* Provisional: the best template offset of one stretch for a known
 * orientation and length (NAN if it does not fit). */
rm_status rm_align_place_one(rm_align_tmpls *c, const rm_stretch *s,
                             const rm_align *al, double *offset_cm);

/* Map an encoder distance in stretch k to calf cm (NAN if not placed). */
double rm_align_pos(const rm_align *a, const rm_stretch *s, double enc_cm);


/* ---- holds.c ---- */
/* Ticks kept at each end of a still run to place its start and end. */
#define RM_EDGE_TICKS 256

typedef struct rm_hold_rec {
    rm_hold pub;              /* positions filled in at finish */
    int stretch;
    double enc_cm;            /* mean encoder distance during the hold */
    double skew, n_skew;      /* mean lean over the hold's usable ticks */
    double cop_mm;            /* mean centre of pressure, mm (NAN: none) */
    rm_tech_result tech;      /* the spectral measures behind technique */
} rm_hold_rec;

typedef struct rm_hold_tracker {
    double still_cm, min_s, line_skew;
    rm_leg leg;
    int active, stretch, settled;
    double t0, t_last, dt_s;
    double pmin, pmax;
    size_t n;
    double sum_pos, sum_f, max_f, sum_kpa, max_kpa, sum_skew, n_skew, w_skew;
    double sum_cop, n_cop;
    double early_t[RM_EDGE_TICKS], early_p[RM_EDGE_TICKS];
    size_t n_early;
    double late_t[RM_EDGE_TICKS], late_p[RM_EDGE_TICKS],
        late_f[RM_EDGE_TICKS];
    size_t late_head, n_late;
    /* 10 Hz decimated CoP (mm) and force (N) for technique.c */
    float *cop, *force;
    size_t n_dec;
    double acc_cop, acc_f, dec_next_t;
    int acc_n;
} rm_hold_tracker;

rm_status rm_holds_init(rm_hold_tracker *h, const rm_engine_config *cfg,
                        double line_skew, rm_leg leg);
void rm_holds_free(rm_hold_tracker *h);
/* Feed one tick; returns 1 and fills *out when a hold just ended. */
int rm_holds_tick(rm_hold_tracker *h, const rm_tick *t, rm_hold_rec *out);
/* Contact ended at tick t (the first tick out of contact). */
int rm_holds_lift(rm_hold_tracker *h, const rm_tick *t, rm_hold_rec *out);
/* Length of the hold in progress (s), 0 if none. */
double rm_holds_current_s(const rm_hold_tracker *h);

/* ---- passes.c ---- */
typedef struct rm_pass_rec {
    rm_pass pub;              /* positions and speeds filled in at finish */
    int stretch;
    double enc_from, enc_to;  /* encoder cm */
    double skew;              /* mean lean over the pass's usable ticks */
    double n_skew;            /* how many ticks that mean has */
    double w_skew;            /* and their total weight */
    double cop_mm, n_cop;     /* mean centre of pressure (mm), its ticks */
    /* Mean shape (moment width over edge width) over the lean's ticks,
     * weighted as the lean; a footprint turned onto a side piles its
     * load up and reads narrower than an untilted one (lines.c). */
    double shape, w_shape;
    /* Width profile over the pass, bins of its stretch (owned). */
    int bmin, bmax;
    float *wsum, *n;
    int placed;
    rm_calf_pos map;          /* its place on the calf (pivot: enc cm) */
    int pinned;               /* slip.c: its sweep turned at a calf end or
                               * moved with one (else: widths alone) */
} rm_pass_rec;

#define RM_SPEED_RING 64

typedef struct rm_pass_tracker {
    double rev_cm, min_cm, pause_s;
    int active, stretch, dir;
    double anchor_p, anchor_t;   /* where the current movement began */
    double ext_p, ext_t;         /* furthest point reached in dir */
    double still_p, still_t;     /* where the roller last stood still */
    double sum_skew, w_skew;     /* weighted lean sum, weights */
    size_t n_skew;
    double sum_cop, n_cop;       /* centre of pressure sum (mm), ticks */
    double sum_shape, w_shape;   /* shape sum (weighted as the lean), weights */
    double peak_speed;           /* encoder cm/s */
    double ring_t[RM_SPEED_RING], ring_p[RM_SPEED_RING];
    size_t ring_head, ring_n;
    size_t ring_win;             /* entries before the newest that are
                                    within the speed span of it */
    double speed;                /* latest, encoder cm/s (signed) */
} rm_pass_tracker;

void rm_passes_init(rm_pass_tracker *p, double rev_cm, double min_cm,
                    double pause_s);
int rm_passes_tick(rm_pass_tracker *p, const rm_tick *t, rm_pass_rec *out);
int rm_passes_lift(rm_pass_tracker *p, rm_pass_rec *out);

/* ---- flinch.c ---- */
#define RM_FLINCH_RING 512

typedef struct rm_flinch_rec {
    rm_flinch pub;
    int stretch;
    double enc_cm, skew;
} rm_flinch_rec;

typedef struct rm_flinch_tracker {
    double drop_fraction, window_s, contact_n;
    double t[RM_FLINCH_RING], f[RM_FLINCH_RING], p[RM_FLINCH_RING],
        s[RM_FLINCH_RING];
    size_t head, n;
    size_t lag;                  /* age of the newest entry a window back */
    int stretch;
    int down_pending, lift_pending; /* found, not yet confirmed */
    double down_until, quiet_until;
    rm_flinch_rec down_rec, lift_rec;
} rm_flinch_tracker;

void rm_flinch_init(rm_flinch_tracker *fl, const rm_engine_config *cfg);
/* Feed every tick (lost: contact ended at it); returns 1 when a flinch
 * is confirmed: a drop with the leg down once it stayed down, a drop that
 * lifted the leg once the leg comes back (the session's last lift-off is
 * never one). */
int rm_flinch_tick(rm_flinch_tracker *fl, const rm_tick *t, int lost,
                   rm_flinch_rec *out);

#endif /* ROLLMAP_ENGINE_ENGINE_INTERNAL_H */
