/*
 * engine_priv.h - the engine handle and the files that work on it: the
 * streaming path (engine.c, live.c, samples.c, peaks.c) and the summary
 * (summary.c, peak_groups.c, guidance.c). The finish stages before them
 * (finish.h) take plain data instead. Private to lib/engine/.
 */
#ifndef ROLLMAP_ENGINE_ENGINE_PRIV_H
#define ROLLMAP_ENGINE_ENGINE_PRIV_H

#include "engine_internal.h"
#include "glitch.h"
#include "live_lines.h"
#include "live_turns.h"
#include "typical.h"

/* A roll is over when the roller has stood still this long (s): longer
 * than a turnaround's hesitation, shorter than the 5 s of a hold. */
#define RM_PASS_PAUSE_S 1.0
/* Stretches shorter than this along the calf do not vote on orientation
 * and length: they show too little of the width shape. */
#define RM_ALIGN_MIN_SPAN_CM 12.0
/* Shorter stretches than this cannot be placed at all (final and live). */
#define RM_PLACE_MIN_SPAN_CM 5.0
/* Most frames in one tick: 2000 Hz / 50 Hz. */
#define RM_MAX_BLOCK 64

/* ---- peaks.c ---- */

/* Kept per pass until finish: floats (0.001 cm at 10^4 cm of encoder
 * travel) keep the list small over an hour. */
typedef struct rm_peak_cand {
    int32_t pass;             /* index into the pass list */
    int32_t stretch;
    float enc_cm;             /* encoder distance of the bump */
    float rise;               /* share of the load above the base */
    float kpa;                /* the cell's pressure there */
    float u;                  /* across the footprint, half-widths from its
                                 centre, + toward high cell indices */
    int32_t weak;             /* under peak_min_rise, kept for its rise
                                 relative to its base (peaks.c) */
} rm_peak_cand;

/* Bands across the footprint (half-widths from its centre) whose bumps a
 * pass keeps for stacking: < -0.45, -0.45..-0.25, -0.25..0.25,
 * 0.25..0.45, > 0.45: the boundaries spot_line (peak_groups.c) judges a
 * spot's line by. */
#define RM_PEAK_BANDS 5
/* No rise measured (a bin seen from one flank, or no cell in the band). */
#define RM_ROW_NONE INT16_MIN
/* One bin of one pass, kept for stacking: the largest rise per band in
 * 1e-4 of the load (RM_ROW_NONE when none) and its pressure in 0.1 kPa. */
typedef struct rm_peak_row {
    int pass;
    float enc_cm;
    int16_t rise[RM_PEAK_BANDS];
    uint16_t kpa[RM_PEAK_BANDS];
} rm_peak_row;

typedef struct rm_peak_tracker {
    double min_rise;
    double enc0_cm;
    int stretch;
    unsigned cells;
    double kpa_per_n;         /* pressure of a cell per N of its force */
    float share[RM_SBINS][RM_MAX_CELLS]; /* each cell's share of the load,
                                            summed per bin, this pass (the
                                            mean, once the pass ends);
                                            bin-major: a tick adds one row */
    float cnt[RM_SBINS];
    float wsum[RM_SBINS];     /* footprint width (mm) per bin, this pass */
    float load_n[RM_SBINS];   /* total force (N), summed per bin */
    float csum[RM_SBINS], hsum[RM_SBINS]; /* footprint centre, half (mm) */
    float best[RM_SBINS];     /* pass end: the largest cell rise per bin */
    unsigned char best_cell[RM_SBINS];
    /* Pass end: per bin, the largest rise of a spot centred in each band
     * across the footprint (RM_PEAK_BANDS, peaks.c) and its pressure,
     * kept as rows for the stacked profiles at finish (peak_stack.c). */
    float band[RM_SBINS][RM_PEAK_BANDS];
    float band_kpa[RM_SBINS][RM_PEAK_BANDS];
    rm_peak_row *rows;
    size_t n_rows, cap_rows;
    double pitch_mm;
    int bmin, bmax;
    rm_peak_cand *c;
    size_t n, cap;
    int oom;
} rm_peak_tracker;

void rm_peaks_init(rm_peak_tracker *p, const rm_engine_config *cfg,
                   const rm_descriptor *d);
void rm_peaks_free(rm_peak_tracker *p);
void rm_peaks_pass_begin(rm_peak_tracker *p);
void rm_peaks_tick(rm_peak_tracker *p, const rm_tick *t, double enc0_cm);
/* Ends the pass: keeps its candidates and hands its width profile to
 * *pr (allocated; the pass list owns it). */
void rm_peaks_pass_end(rm_peak_tracker *p, rm_pass_rec *pr, int pass_index);

struct rm_engine {
    rm_session_meta meta;
    rm_engine_config cfg;
    rm_engine_callbacks cb;
    char errmsg[256];
    int finished, sampling, oom;

    /* Frames. */
    double rate_hz, cm_per_count;
    int avx2;                 /* sum raw counts with the AVX2 build */
    double tare_d[RM_MAX_CELLS];      /* descriptor tare and scale as the */
    double scale_d[RM_MAX_CELLS];     /* doubles calibration uses (exact) */
    unsigned block;
    int have_seq, have_enc;
    uint32_t last_seq;
    int32_t last_enc;
    rm_glitch glitch;         /* encoder steps no roller can make */
    uint64_t seq_index, frames, dropped;
    /* Board clock (frames_in): time since the stream's first frame, us,
     * from the time_us steps that agree with the sequence steps. */
    uint32_t last_tus;
    double clock_us, period_us;
    double dist_cm;           /* compression-corrected encoder distance */
    /* The session's typical load so far (engine.c, compressed_cm): the
     * load at which radius_mm is the rolling radius. */
    rm_typical typical;

    /* Tick accumulation. Each cell's raw counts are summed in two int32
     * lanes so the per-frame adds vectorise (4 cells per SSE2 add): a_lo
     * wraps modulo 2^32, a_hi sums the counts' upper halves (x >> 16,
     * at most 2^15 in size), and rm_engine_flush_tick() rebuilds the
     * exact 64-bit sum from both (valid up to 65,536 frames per tick;
     * a tick has at most RM_MAX_BLOCK). */
    unsigned acc_n;
    uint32_t a_lo[RM_MAX_CELLS];      /* raw counts summed, modulo 2^32 */
    int32_t a_hi[RM_MAX_CELLS];       /* (raw >> 16) summed */
    int64_t a_steps;                  /* encoder steps over the tick */
    rm_frame last_frame;              /* the last frame of the last tick */
    double a_t1, last_tick_t;
    /* Outlier filter (engine.c, glitch_filter): each cell's last accepted
     * mean force and whether the last tick held it back. */
    double gf_level[RM_MAX_CELLS];
    unsigned char gf_held[RM_MAX_CELLS];
    int gf_have;
    int gf_off;               /* tests of the raw sums only: no filter */

    /* Contact and stretches. */
    int contact, stretch_idx;
    double contact_s;
    rm_stretch cur;
    float cur_w[RM_SBINS], cur_n[RM_SBINS];
    float cur_k[RM_SBINS];    /* peak-cell kPa summed per bin */
    rm_stretch *st;
    size_t n_st, cap_st;
    rm_align_tmpls *tmpls;    /* the calf fit's templates: rm_engine_tmpls */

    /* Detectors. */
    rm_hold_tracker holds_tr;
    rm_pass_tracker passes_tr;
    rm_flinch_tracker flinch_tr;
    rm_peak_tracker peaks_tr;
    rm_hold_rec *holds;
    size_t n_holds, cap_holds;
    rm_pass_rec *passes;
    size_t n_passes, cap_passes;
    rm_flinch_rec *flinches;
    size_t n_flinches, cap_flinches;

    /* Sample pass: the frames of the tick being built. */
    rm_sample buf[RM_MAX_BLOCK];
    double buf_dist[RM_MAX_BLOCK], buf_skew[RM_MAX_BLOCK];
    size_t n_buf;

    /* Provisional placement for the live view. */
    rm_align prov;
    double prov_offset, prov_next_t;
    int live_pos;             /* provisional placement wanted (default 1) */
    rm_live_lines live_lines; /* the line rule on the passes so far */
    rm_live_turns live_turns; /* the turns so far: the report's frame */
    /* Results. */
    rm_live live;
    rm_align al;
    rm_calf_pad calf_pad;     /* the frame's ends (rm_fix_slip) */
    rm_frame_cues frame_cues; /* what those ends rest on (rm_fix_slip) */
    rm_summary sum;
    rm_hold *holds_v;
    rm_pass *passes_v;
    rm_flinch *flinches_v;
    rm_peak *peaks_v;
    size_t n_peaks;
    rm_guidance *guide_v;
    size_t n_guide, cap_guide;
    float *map;
};

void rm_engine_reset_stream(rm_engine *e);

/* The engine's calf-fit templates (align.c), made at its first fit and
 * kept until rm_engine_free; NULL when out of memory (each fit then builds
 * its own). */
rm_align_tmpls *rm_engine_tmpls(rm_engine *e);
/* samples.c: hand the kept frames of tick t to on_sample, placed. */
void rm_samples_emit(rm_engine *e, const rm_tick *t);
/* live.c: the live view after each tick, and the provisional alignment
 * refitted when a stretch ends. */
void rm_live_init(rm_engine *e);
void rm_live_tick(rm_engine *e, const rm_tick *t);
void rm_live_stretch_end(rm_engine *e);
/* live.c: calf cm of encoder distance enc_cm in tick t's stretch as the
 * live view places it (NAN: not placed), for first-pass samples; *len:
 * the calf length that place is in. */
double rm_live_place_at(rm_engine *e, const rm_tick *t, double enc_cm,
                        double *len);
/* live.c: a pass just ended (its lean and CoP join the live line rule). */
void rm_live_pass_end(rm_engine *e, const rm_pass_rec *pr);
void rm_engine_flush_tick(rm_engine *e);
/* summary.c: the finish stages (finish.h), peaks, map, guidance. */
rm_status rm_engine_summarise(rm_engine *e);
/* The session's line rule before rm_lines_fit(): leg, line_skew, tick
 * rate, the strip's middle. */
rm_line_rule rm_engine_line_rule(const rm_engine *e);
/* peak_groups.c: candidates -> rm_peak list (after placement). */
rm_status rm_peaks_finish(rm_engine *e);
/* A candidate placed on the calf, with the line of the spot under it. */
typedef struct rm_placed_cand {
    double x;                 /* cm from the ankle end */
    rm_line line;
    const rm_peak_cand *c;
} rm_placed_cand;
/* What grouping judges candidates against: the placed passes (lines,
 * from_cm, to_cm), the calf's length and the two peak settings. */
typedef struct rm_peak_frame {
    const rm_pass *passes;
    size_t n_passes;
    double length_cm;
    double min_passes, min_rise;   /* peak_min_passes, peak_min_rise */
    /* Spots of the stacked profiles (peak_stack.c), added where no
     * other peak of their line lies; none when NULL. */
    const rm_peak *stacked;
    size_t n_stacked;
    /* The side lines' stacked mean rise and the highest mean 3.5-7.5 cm
     * along it, per STACK_BIN_CM bin (rm_peaks_stack_profile; NAN where
     * none): prof[(2 * li + k) * prof_ng + g], li 0 medial, 1 lateral,
     * k 0 mean, 1 that highest. None when NULL. */
    const float *prof;
    int prof_ng;
} rm_peak_frame;
/* A pass's row (peaks.c) placed on the calf. */
typedef struct rm_placed_row {
    double x;                 /* cm from the ankle end */
    const rm_peak_row *row;
} rm_placed_row;
/* The stacked profiles on plain data: placed rows of the passes of f
 * -> spots in *out (allocated, rm_free; NULL when none), *n_out. */
rm_status rm_peaks_stack(const rm_peak_frame *f, rm_leg leg,
                         const rm_placed_row *rows, size_t n_rows,
                         rm_peak **out, size_t *n_out);
/* The stacked profiles' grid (cm). */
#define RM_STACK_BIN_CM 0.5
/* Bins of the stacked grid over a calf of length_cm, and the same as
 * rm_peaks_stack with each side line's mean and echo parent written to
 * prof (4 x that many floats, layout of rm_peak_frame.prof) when not
 * NULL. */
int rm_peaks_stack_bins(double length_cm);
rm_status rm_peaks_stack_profile(const rm_peak_frame *f, rm_leg leg,
                                 const rm_placed_row *rows, size_t n_rows,
                                 rm_peak **out, size_t *n_out, float *prof);
/* The grouping stage on plain data: placed candidates (v is reordered)
 * -> peaks in *out (allocated, rm_free; NULL when none), *n_out. */
rm_status rm_peaks_group(const rm_peak_frame *f, rm_placed_cand *v,
                         size_t nv, rm_peak **out, size_t *n_out);
/* guidance.c */
rm_status rm_guidance_build(rm_engine *e);
/* Calf position of an encoder distance inside a stretch during [t0_s,
 * t1_s]: by the pass under way then, else the passes either side in the
 * same stretch, else the stretch (NAN if none is placed). */
double rm_engine_place(const rm_engine *e, int stretch, double enc_cm,
                       double t0_s, double t1_s);
/* Zone of a spot on the calf. */
rm_zone rm_zone_at(double frac, rm_line line);

#endif /* ROLLMAP_ENGINE_ENGINE_PRIV_H */
