/*
 * live_lines.h - the line the live view shows, by the rule the final
 * report uses (lines.c), applied to the passes seen so far: the lean
 * while the session leans, else the session's own CoP groups, kept as a
 * fixed histogram of the passes' mean CoPs. Private to lib/engine/.
 */
#ifndef ROLLMAP_ENGINE_LIVE_LINES_H
#define ROLLMAP_ENGINE_LIVE_LINES_H

#include "finish.h"

/* CoP histogram bins across the strip: rev A (240 mm) 0.94 mm a bin,
 * a fifth of the 5 mm the groups must lie apart and under the passes'
 * spread about their line's CoP (1-1.5 mm), so grouping whole bins
 * splits the passes as grouping the passes themselves does. */
#define RM_LIVE_COP_BINS 256
/* Ended stretches the tilt rule (rm_tilt_fit) keeps, newest last: a
 * session places the leg a few dozen times at most. */
#define RM_LIVE_TILT_RING 64

typedef struct rm_live_lines {
    rm_line_rule rule;        /* the rule fitted on the passes so far */
    rm_lean_shares lean_sh;   /* rolling ticks with a lean; past
                                 line_skew (rm_lines_lean_session) */
    double cop_ticks;         /* rolling ticks with a CoP */
    size_t n_cop;             /* passes with a CoP */
    int groups;               /* CoP groups the rule found (0: lean) */
    int one_sided;            /* the CoP names the lines only because the
                                 rolling so far leaned one way */
    double bin0_mm, bin_mm;   /* CoP of bin 0's low edge; bin width */
    /* Per bin: passes' weight (CoP ticks), weight x CoP, weight x CoP^2. */
    double w[RM_LIVE_COP_BINS], s[RM_LIVE_COP_BINS], q[RM_LIVE_COP_BINS];
    /* Refit scratch: prefix sums over the occupied bins. */
    double pw[RM_LIVE_COP_BINS + 1], ps[RM_LIVE_COP_BINS + 1],
        pq[RM_LIVE_COP_BINS + 1];
    int dirty;                /* passes came since the last refit */
    double next_fit_s;        /* no refit before this session time */
    int stretch;              /* the stretch `lean` and `cop` sum */
    rm_lean lean;             /* its passes' lean so far */
    rm_cop_sum cop;           /* and their CoP */
    rm_lean_cop lean_cop;     /* lean-named passes' CoPs per line
                                 (rm_lean_cop_rule) */
    rm_lean shape;            /* the stretch's passes' shape so far */
    rm_tilt_stretch tilt[RM_LIVE_TILT_RING]; /* ended stretches, a ring */
    size_t tilt_n, tilt_head;
} rm_live_lines;

/* Start with no passes; `rule` carries leg, line_skew, tick_hz and the
 * strip's middle (as summary.c's); cells and pitch size the histogram. */
void rm_live_lines_init(rm_live_lines *ll, const rm_line_rule *rule,
                        unsigned cells, double pitch_mm);
/* A pass ended (in time order). O(1). */
void rm_live_lines_pass(rm_live_lines *ll, const rm_pass_rec *r);
/* Refit the CoP groups if passes came and the last refit is old enough:
 * O(bins log bins) at most every few seconds of session time. */
void rm_live_lines_refit(rm_live_lines *ll, double t_s);
/* 1 while the line of a roller in `stretch` (resting: a hold under way
 * with mean CoP cop_mm) may still differ from the report's for a reason
 * the live view can see (live_lines.c). */
int rm_live_lines_provisional(const rm_live_lines *ll, int stretch,
                              int resting, double cop_mm);
/* The line of a hold under way in `stretch`: its mean CoP so far and the
 * line of its own lean (rm_hold_line's rule). */
rm_line rm_live_lines_hold(const rm_live_lines *ll, int stretch,
                           double cop_mm, rm_line own);
/* The line of the pass under way in `stretch`: its lean (sum of lean x
 * weight, weights, ticks) and CoP (sum, ticks) so far (rm_pass_line's). */
rm_line rm_live_lines_rolling(const rm_live_lines *ll, int stretch,
                              const rm_lean *own, double cop_sum,
                              double cop_n);

#endif /* ROLLMAP_ENGINE_LIVE_LINES_H */
