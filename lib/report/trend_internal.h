/*
 * trend_internal.h - the trend's pieces shared by its files: the sessions
 * kept (trend.c), spots matched across them with each session's
 * tenderness at the spot and the fitted line (trend.c, trend_fit.c), and
 * the pictures (trend_svg.c). Rule and numbers: docs/report-schema.md,
 * "Trend JSON".
 */
#ifndef ROLLMAP_REPORT_TREND_INTERNAL_H
#define ROLLMAP_REPORT_TREND_INTERNAL_H

#include "report_internal.h"

/* Sessions with a tenderness at a spot needed for a line through them:
 * two points always fit a line, three give a scatter to judge it by. */
#define TREND_MIN_SESSIONS 3
/* ... spread over at least this many days (sessions of one day show
 * the day, not a course). */
#define TREND_MIN_SPAN_D 0.5
/* A change of the spot's tenderness (its peak score, 0..1, 0 where the
 * line was rolled there without a peak) over the sessions' span smaller
 * than this is "steady". Tuned with TREND_DECIDE on simulated persons
 * tune-1..16 (docs/report-schema.md): a steady spot's score wanders by
 * 0.1-0.3 between sessions and drops to 0 now and then; a faded knot's
 * goes from 0.5-1 to 0. */
#define TREND_MIN_CHANGE 0.40
/* The scatter about the line is never taken below this: three or four
 * sessions can line up by chance. */
#define TREND_NOISE_FLOOR 0.05
/* A verdict is given when its probability reaches this; else uncertain. */
#define TREND_DECIDE 0.70
/* Confidence at or above which a verdict is stated without a hedge. */
#define TREND_HIGH_CONFIDENCE 0.95

/* The trend JSON's own version: 2.0 replaced first-vs-last pressure
 * verdicts with the fit; 2.1 adds each session's calf frame, written only
 * when a session's frame came from a measured length, so trends without
 * one stay 2.0 documents (docs/report-schema.md). */
#define TREND_SCHEMA_VERSION "2.0"
#define TREND_SCHEMA_VERSION_FRAME "2.1"

#define TREND_FADING "fading"
#define TREND_STEADY "steady"
#define TREND_GROWING "growing"
#define TREND_UNCERTAIN "uncertain"
#define TREND_NOT_ENOUGH "not_enough_sessions"

struct trend_session {
    char *label;
    size_t order;              /* order added: tie-break for equal times */
    int64_t start_unix_us;
    rm_leg leg;
    char person[RM_PERSON_MAX];
    double duration_s;
    size_t n_holds;
    double hold_total_s;
    int calf_found;
    int measured_frame;        /* the calf frame came from a taped length */
    double calf_length_cm;
    rm_peak *peaks;
    size_t n_peaks;
    float *map;                /* the session's map (3 x map_bins), or NULL */
    size_t map_bins;
};

struct rm_trend {
    struct trend_session *sessions;
    size_t n, cap;
};

struct trend_fit {
    size_t n;                  /* sessions with a tenderness at the spot */
    double span_d;             /* days from the first to the last of them */
    double mean;               /* their mean tenderness */
    double slope, slope_se;    /* per day, NAN without a fit */
    double change, change_se;  /* slope x span: the change over the span */
    double first_fit, last_fit;/* the line at the first and last date */
    const char *verdict;       /* TREND_* */
    double confidence;         /* probability of the verdict, 0..1 */
};

/* One matched spot. */
struct spot {
    rm_leg leg;                /* a left-calf knot is not a right-calf one */
    rm_line line;
    double position_cm;        /* mean of the matched peaks' positions */
    rm_zone zone;              /* from the strongest matched peak */
    double best_score;
    size_t n_seen;
    long *peak_of;             /* per sorted session: peak index or -1 */
    double *tender;            /* per sorted session: tenderness (peak
                                  score, 0 rolled without a peak), or NAN */
    struct trend_fit fit;
};

struct matched {
    const struct trend_session **by_time;
    double *day;               /* per sorted session: days since the first
                                  dated one, NAN if undated */
    struct spot *spots;
    size_t n_spots;
    char person[RM_PERSON_MAX];/* the first person named, or "" */
};

/* trend_fit.c */
void rm_trend_fit(const double *t_d, const double *y, size_t n,
                  struct trend_fit *f);
double rm_trend_t_cdf(double t, double dof);

/* trend.c: match the spots and fit them (free with rm_trend_matched_free). */
rm_status rm_trend_match(const rm_trend *t, struct matched *m);
void rm_trend_matched_free(struct matched *m);
/* "2026-11-21" in UTC, or "unknown date". */
void rm_trend_date(char *buf, size_t cap, int64_t start_unix_us);
/* Words for a verdict ("not enough sessions"). */
const char *rm_trend_verdict_words(const char *v);
/* Sessions whose calf frame came from a measured length. */
size_t rm_trend_measured_frames(const rm_trend *t);
/* When some sessions place the calf from a measured length and others
 * from their turns, a sentence saying so (which, and what to do) into
 * buf, returning 1; 0 and an empty buf when the frames agree. */
int rm_trend_frame_note(const rm_trend *t, const struct matched *m,
                        char *buf, size_t cap);

/* trend_svg.c */
rm_status rm_trend_svg(const rm_trend *t, const struct matched *m,
                       int standalone, FILE *out);
rm_status rm_trend_html(const rm_trend *t, const struct matched *m,
                        FILE *out);

#endif /* ROLLMAP_REPORT_TREND_INTERNAL_H */
