/*
 * finish.h - the finish stage (rm_engine_finish) as stages over plain
 * data: the stretches and passes the streaming path recorded and the
 * session alignment, no engine handle. summary.c runs them in order:
 *
 *   align.c      orientation, length, every stretch's offset
 *   placement.c  short stretches onto the anchors, the calf's ends
 *   slip.c       sweeps stretched or moved onto the usual turning points
 *   lines.c      each pass's and hold's line from the leans
 *   coverage.c   the calf map and each line's coverage
 *   confidence.c how sure each hold, pass line and peak is
 *
 * Each stage is tested on small hand-built inputs (tests/unit/
 * check_finish.c). Private to lib/engine/.
 */
#ifndef ROLLMAP_ENGINE_FINISH_H
#define ROLLMAP_ENGINE_FINISH_H

#include "calf_frame.h"
#include "engine_internal.h"

/* The records the stages place: they move stretch offsets, pass
 * mappings and the calf's length, and add or remove no record. */
typedef struct rm_layout {
    rm_stretch *st;
    size_t n_st;
    rm_pass_rec *passes;      /* time order */
    size_t n_passes;
    rm_align *al;             /* dir, length_cm, found */
} rm_layout;

/* ---- lines.c ---- */

/* How a lean, or a sideways shift of the centre of pressure, becomes a
 * line. The CoP part is the session's own (rm_lines_fit). */
typedef struct rm_line_rule {
    rm_leg leg;
    double line_skew;         /* rm_engine_config.line_skew */
    double tick_hz;           /* ticks per second (lean weights are ticks) */
    double strip_mid_mm;      /* the strip's middle in CoP mm */
    int cop_on;               /* 1: lines by the CoP shift, not the lean */
    double cop_lo_mm;         /* CoP below this: the low-cell side line */
    double cop_hi_mm;         /* above this: the high-cell side line */
    int cop_groups;           /* lines the CoP showed (1..3; 0: none) */
    int cop_mid_guessed;      /* two groups, the middle one chosen by the
                                 strip's middle (rm_lines_cop_rule) */
    double cop_lo_gap_mm;     /* a group centre's distance to cop_lo_mm */
    double cop_hi_gap_mm;     /* ... and to cop_hi_mm */
    int cop_unknown;          /* 1: too little rolling to name any line */
    /* The lean names the lines, but where a pass's lean sits too near
     * line_skew to tell, its CoP does when the passes the lean names
     * clearly show three tight CoP groups in the lines' order: their
     * centres (CoP mm) toward low cells, middle, toward high cells. */
    int lean_cop_on;
    double lean_cop_mm[3];
    double lean_cop_sd_mm;    /* their pooled spread */
    /* The lean names the lines, and the session's placements (stretches)
     * fall into untilted footprints (shape at or above tilt_cut: the
     * middle line) and tilted ones, whose side is their lean's side of
     * the untilted ones' mean lean (tilt_zero), not of 0; tilt_gap: the
     * two shape groups' distance (rm_lines_fit). */
    int tilt_on;
    double tilt_cut, tilt_zero, tilt_gap;
} rm_line_rule;

/* Which cue names the lines this session and where its middle line lies:
 * sets rule->cop_on, cop_lo_mm and cop_hi_mm from the passes. */
void rm_lines_fit(const rm_pass_rec *passes, size_t n, rm_line_rule *rule);
/* The session's lean ticks: all of them, and those past line_skew
 * toward high and toward low cells (rm_lines_fit; live_lines.c keeps the
 * same sums as passes end). */
typedef struct rm_lean_shares {
    double all, high, low;
} rm_lean_shares;
/* Add a pass's lean (mean skew over n ticks) to the shares. */
void rm_lean_shares_add(rm_lean_shares *sh, double skew, double n,
                        double line_skew);
/* 1 when the lean names the session's lines given how many groups the
 * CoP showed (rm_lines_fit): enough lean ticks past line_skew, unless
 * they lean nearly all one way while the CoP shows three lines. */
int rm_lines_lean_session(const rm_lean_shares *sh, int cop_groups,
                          double tick_hz);
/* The lean-named passes' CoPs per line (toward low cells, middle,
 * toward high cells): weight (CoP ticks), weight x CoP, weight x CoP^2. */
typedef struct rm_lean_cop {
    double w[3], s[3], q[3];
} rm_lean_cop;
/* Add a pass by its lean (rm_pass_lean) and CoP (rm_pass_cop); passes
 * whose lean cannot tell (rm_lean_ambiguous) add nothing. */
void rm_lean_cop_add(rm_lean_cop *lc, double lean, double cop_mm,
                     double n_cop, double line_skew);
/* Set rule->lean_cop_on and lean_cop_mm from the sums: on when they make
 * three tight groups in the lines' order (the CoP rule's tests). */
void rm_lean_cop_rule(const rm_lean_cop *lc, rm_line_rule *rule);
/* The CoP part of rm_lines_fit from prefix sums of (CoP, weight) items in
 * CoP order: w[i], s[i], q[i] the weight, weight x CoP and weight x CoP^2
 * of items [0, i), i = 0..m (m >= 1); sets cop_on, cop_lo_mm, cop_hi_mm
 * and returns how many groups (lines) it found, 1..3. O(m log m). */
int rm_lines_cop_rule(const double *w, const double *s, const double *q,
                      size_t m, rm_line_rule *rule);
/* Settle which cue names the lines once the CoP rule is fitted (k groups
 * from n_cop passes): clears cop_on when the lean decides, sets
 * cop_unknown when neither cue can name a line. one_sided_test 0: a
 * one-sided lean still names the lines (what the rule was before; both
 * callers test). */
void rm_lines_choose(rm_line_rule *rule, const rm_lean_shares *sh, int k,
                     size_t n_cop, int one_sided_test);
/* The line of a mean CoP under a fitted rule (UNKNOWN: NAN or no leg). */
rm_line rm_line_from_cop(double cop_mm, const rm_line_rule *rule);

/* The weighted lean of a stretch's passes: sum of lean x weight, the
 * weights, and the ticks behind them. */
typedef struct rm_lean {
    double sum, weight, ticks;
} rm_lean;
/* Their CoP: sum of mean CoP x CoP ticks, and those ticks. */
typedef struct rm_cop_sum {
    double sum, n;
} rm_cop_sum;

rm_lean rm_stretch_lean(const rm_pass_rec *passes, size_t n, int stretch);
rm_cop_sum rm_stretch_cop(const rm_pass_rec *passes, size_t n, int stretch);
/* The line of all rolling in a stretch (RM_LINE_UNKNOWN without lean). */
rm_line rm_stretch_line(const rm_pass_rec *passes, size_t n, int stretch,
                        const rm_line_rule *rule);
/* A stretch's mean shape (rm_pass_rec.shape): sum, weight and the
 * lean ticks behind it. */
rm_lean rm_stretch_shape(const rm_pass_rec *passes, size_t n, int stretch);
/* A stretch as the tilt rule sees it: its lean sums, mean shape and the
 * lean ticks behind it. */
typedef struct rm_tilt_stretch {
    rm_lean lean;
    double shape, ticks;
} rm_tilt_stretch;
/* 1 (and *out) when a stretch has enough rolling for the tilt rule. */
int rm_tilt_stretch_of(const rm_lean *lean, const rm_lean *shape,
                       double tick_hz, rm_tilt_stretch *out);
/* The tilt rule from m such stretches (rm_lines_fit; the live view):
 * sets rule->tilt_on, tilt_cut, tilt_zero and tilt_gap. */
void rm_tilt_fit(const rm_tilt_stretch *st, size_t m, rm_line_rule *rule);
/* The line of a stretch by its shape and lean (rule->tilt_on), UNKNOWN
 * where the tilt rule does not name it (off, or too little rolling). */
rm_line rm_tilt_line(const rm_lean *lean, const rm_lean *shape,
                     const rm_line_rule *rule);
/* A pass's lean (skew over n_skew ticks) shrunk toward its stretch's
 * (NAN with neither), and its mean CoP (over n_cop ticks) shrunk toward
 * its stretch's (NAN without its own). */
double rm_pass_lean(const rm_lean *st, double skew, double n_skew,
                    double tick_hz);
double rm_pass_cop(const rm_cop_sum *st, double cop_mm, double n_cop,
                   double tick_hz);
/* 1 when a pass's lean is too near line_skew (or missing) to name its
 * line where the session's CoP can (rule->lean_cop_on). */
int rm_lean_ambiguous(double lean, double line_skew);
/* 1 when the lean-named CoP groups name the line of a pass (or hold)
 * with this lean and CoP: on, the lean cannot tell, and the CoP lies
 * within the groups' reach of a centre. */
int rm_lean_cop_names(const rm_line_rule *rule, double lean, double cop_mm);
/* The rule by which the CoP names such a pass: boundaries half-way
 * between the lean_cop_mm centres (rm_line_from_cop and
 * rm_conf_cop_line read it like the CoP rule of a shifting session). */
rm_line_rule rm_lean_cop_view(const rm_line_rule *rule);
/* A pass's line: its own lean shrunk toward its stretch's. */
rm_line rm_pass_line(const rm_pass_rec *passes, size_t n,
                     const rm_pass_rec *p, const rm_line_rule *rule);
/* A hold's line: its stretch's rolling when there is enough, else its own
 * (h->pub.line). */
rm_line rm_hold_line(const rm_pass_rec *passes, size_t n,
                     const rm_hold_rec *h, const rm_line_rule *rule);
/* The same two rules given the stretch's lean (the live view's so far):
 * a pass's own lean (skew over n_skew ticks) and mean CoP (over n_cop);
 * a hold's mean CoP and the line of its own lean. */
rm_line rm_pass_line_by(const rm_lean *st, const rm_cop_sum *st_cop,
                        double skew, double n_skew, double cop_mm,
                        double n_cop, const rm_line_rule *rule);
rm_line rm_hold_line_by(const rm_lean *st, double cop_mm, rm_line own,
                        const rm_line_rule *rule);
/* 1 when rm_hold_line_by() falls back to the hold's own lean: no CoP rule
 * and under 3 s of its stretch's rolling. */
int rm_hold_line_is_own(const rm_lean *st, double cop_mm,
                        const rm_line_rule *rule);

/* ---- placement.c ---- */

/* Calf position of an encoder distance inside a stretch during [t0_s,
 * t1_s]: by the pass under way then, else the passes either side in the
 * same stretch, else the stretch (NAN if none is placed). */
double rm_layout_place(const rm_layout *lay, int stretch, double enc_cm,
                       double t0_s, double t1_s);
/* Short stretches onto the anchors' widths, every pass onto its stretch,
 * then the rolled extent of the anchors + end_margin_cm becomes the calf:
 * the origin moves to its ankle end and al->length_cm is set. */
rm_status rm_place_passes(rm_layout *lay, const rm_line_rule *rule,
                          double end_margin_cm);
/* Move the calf's origin by `by` cm (every placement follows). */
void rm_layout_shift(rm_layout *lay, double by);

/* ---- slip.c ---- */

/* Which calf end a sweep's start or end turned at. */
typedef enum rm_turn_end {
    RM_END_NONE = -1,
    RM_END_ANKLE = 0,
    RM_END_KNEE = 1,
} rm_turn_end;

/* What slip correction did to a sweep. */
typedef enum rm_sweep_fix {
    RM_SWEEP_KEPT = 0,        /* its stretch's placement stands */
    RM_SWEEP_REFIT = 1,       /* mapped onto the turning points */
    RM_SWEEP_CARRIED = 2,     /* moved with a refitted neighbour */
} rm_sweep_fix;

/* Consecutive placed passes of one stretch in one direction. */
typedef struct rm_sweep {
    size_t first, last;       /* pass indices (time order, one stretch) */
    double e0, e1;            /* encoder cm at its start and end */
    double x0, x1;            /* placed calf cm */
    rm_sweep_fix fix;
    rm_turn_end end[2];       /* start, end */
} rm_sweep;

/* The usual turning points and the calf they make. */
typedef struct rm_turns {
    double ankle_cm, knee_cm; /* median turning points (after span check) */
    double length_cm;         /* the calf: a pad beyond each */
    double shift_cm;          /* the new origin, in current calf cm */
    rm_calf_pad pad;          /* that pad, and whether a measured length
                                 set it (calf_frame.h) */
    rm_calf_short unreached;  /* the end whose marks scatter more, where a
                                 measured length leaves more than two
                                 turned-short ends (calf_frame.h) */
} rm_turns;

/* The steps of rm_fix_slip(), in order (exposed for the tests). */
size_t rm_sweeps_build(const rm_pass_rec *passes, size_t n, rm_sweep *sw);
void rm_sweeps_place(const rm_layout *lay, rm_sweep *sw, size_t n);
void rm_sweeps_mark_ends(rm_sweep *sw, size_t n, double length_cm);
void rm_sweeps_mark_turns(const rm_layout *lay, rm_sweep *sw, size_t n);
/* Marked ends their own stretch rolled more than PARTIAL_CM beyond
 * (toward the same calf end) unmarked; returns how many. */
size_t rm_sweeps_drop_passed(const rm_pass_rec *passes, rm_sweep *sw,
                             size_t n, double length_cm);
/* Marked ends more than PASSED_SHARE of the length inside the outermost
 * group at their end (partial turns) unmarked, when that group has turns
 * of two stretches or more; returns how many. scratch: 2 n doubles. */
size_t rm_sweeps_drop_inner(const rm_pass_rec *passes, rm_sweep *sw,
                            size_t n, double length_cm, double *scratch);
/* 0 when fewer than two turns at either end; else fills *out. Sorts
 * scratch (2 n doubles). */
int rm_turns_measure(const rm_sweep *sw, size_t n, double *scratch,
                     rm_turns *out);
/* The ends of *tp (length, shift, pad) again, from a measured calf length
 * (cm; 0: half the turning band, as rm_turns_measure sets them). */
void rm_turns_use_length(rm_turns *tp, double measured_cm);
/* Ends of sweeps that turned well short of the turning points (partial
 * passes) unmarked; returns how many. */
size_t rm_sweeps_drop_partial(rm_sweep *sw, size_t n, const rm_turns *tp);
/* The mapping that puts sweep w onto the turning points: 1 and *map set
 * when w must move, 0 when it agrees within SLIP_MIN_CM or turned at no
 * end. */
int rm_sweep_target(const rm_sweep *w, const rm_turns *tp, int dir,
                    rm_calf_pos *map);
void rm_sweeps_carry(rm_layout *lay, rm_sweep *sw, size_t n);
/* Each pass's `pinned`: its sweep has a calf-end turn or was moved with
 * a neighbour that has one (after rm_sweeps_carry). */
void rm_sweeps_mark_pinned(rm_pass_rec *passes, const rm_sweep *sw,
                           size_t n);
rm_status rm_sweeps_replace_loose(rm_layout *lay, const rm_sweep *sw,
                                  size_t n, const rm_line_rule *rule);
/* What the frame rests on (calf_frame.h), from the sweeps as marked. */
rm_frame_cues rm_sweeps_frame_cues(const rm_sweep *sw, size_t n);
/* Encoder slip corrected by the sweeps' turning points (slip.c); *cues
 * what the frame rests on. */
rm_status rm_fix_slip(rm_layout *lay, const rm_line_rule *rule,
                      double measured_cm, rm_calf_pad *frame,
                      rm_frame_cues *cues);

/* ---- coverage.c ---- */

/* Mean peak-cell pressure per line and map bin, NAN where too few ticks:
 * map[(line - 1) * RM_MAP_BINS + bin], 3 x RM_MAP_BINS floats. */
void rm_calf_map_build(const rm_layout *lay, const rm_line_rule *rule,
                       float *map, float *scratch);
/* Share of the calf (0..1) crossed by passes on each line:
 * coverage[line], [0] untouched. */
void rm_line_coverage(const rm_pass *passes, size_t n, double length_cm,
                      double coverage[4]);

/* ---- confidence.c ---- */

/* One term of a confidence: CONF_FLOOR (0.4) with `evidence` at 0, rising
 * linearly to 1 at `clear` and beyond. */
double rm_conf_term(double evidence, double clear);
/* A line from a lean (`boundary` the middle/side threshold) with lean_s
 * of ticks behind it. 0 for a NAN lean. */
double rm_conf_line(double lean, double boundary, double lean_s);
/* A line named by the session's CoP groups (rule fitted, cop_on): mean
 * CoP cop_mm over cop_s seconds. 0 when the rule names no line. */
double rm_conf_cop_line(double cop_mm, const rm_line_rule *rule,
                        double cop_s);
/* The same with the placements' term (rm_conf_place_scatter): the
 * smaller of it and the groups' own share applies. */
double rm_conf_cop_line_placed(double cop_mm, const rm_line_rule *rule,
                               double cop_s, double place_term);
/* That a placed hold lies within 2 cm of where it was: pinned, a turn at
 * a calf end pinned its stretch (else its place rests on widths alone);
 * f, what the frame rests on; measured, a measured length set it. */
double rm_conf_hold_place(int pinned, const rm_frame_cues *f, int measured);
/* A hold (duration, mean force, position filled in) with its place's
 * confidence (rm_conf_hold_place): 0 when it could not be placed. */
double rm_conf_hold(const rm_hold *h, double hold_min_s, double contact_n,
                    double place);
/* A peak's strength (the grouping's internal score, not what is
 * reported): its mean rise against min_rise, shown on `shown` of `over`
 * passes over it. */
double rm_conf_peak(double mean_rise, double min_rise, double shown,
                    double over, double min_passes);
/* A reported peak's confidence: its score relative to the session's
 * strongest spot (0..1) and whether every pass over it showed it. */
double rm_conf_peak_stated(double rel_score, int every_pass);
/* How the placements of the session's CoP line groups scatter against
 * how a placement's passes do (between- over within-placement sd; NAN
 * when nothing to compare), and the confidence term it gives a line the
 * CoP groups named (1 when NAN). */
double rm_cop_place_scatter(const rm_pass_rec *passes, size_t n,
                            const rm_line_rule *rule);
double rm_conf_place_scatter(double bw);
/* The confidence of a pass's (a hold's) line `line`, from the cue that
 * named it (rm_pass_line, rm_hold_line); place_term scales a line named
 * by the session's CoP groups (rm_conf_place_scatter). */
double rm_pass_line_conf(const rm_pass_rec *passes, size_t n,
                         const rm_pass_rec *r, const rm_line_rule *rule,
                         rm_line line, double place_term);
double rm_hold_line_conf(const rm_pass_rec *passes, size_t n,
                         const rm_hold_rec *h, const rm_line_rule *rule,
                         rm_line line, double place_term);
/* Every placed hold's and pass's confidences (after their lines). */
void rm_confidence_finish(rm_engine *e, const rm_line_rule *rule);

#endif /* ROLLMAP_ENGINE_FINISH_H */
