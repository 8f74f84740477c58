/*
 * accuracy.h - one scored session: what the accuracy tool's workers hand
 * to the parent (counts, confusion matrices and the per-hold errors), as
 * plain structs written to a temporary file.
 */
#ifndef ROLLMAP_TOOLS_ACCURACY_H
#define ROLLMAP_TOOLS_ACCURACY_H

#include <stdint.h>
#include <stdio.h>

#include "calib.h"
#include "rollmap.h"

/* Per-session counters. */
enum {
    C_TRUTH_HOLDS,   /* truth holds (not on clean) */
    C_FOUND_HOLDS,   /* holds the engine reported (not on clean) */
    C_MATCHED,       /* truth holds matched one to one by time overlap */
    C_LINE_N, C_LINE_OK,
    C_PLINE_N, C_PLINE_OK,
    C_TECH_N, C_TECH_OK,
    C_FLEX_N, C_FLEX_OK,
    C_TRUTH_FL, C_TRUTH_FL_FOUND, /* truth flinches; found within 1 s */
    C_FOUND_FL, C_FOUND_FL_TRUE,  /* reported flinches; true within 1 s */
    C_PAUSES, C_PAUSE_HOLDS,      /* truth pauses; reported as a hold */
    C_TP, C_TP_HIT, C_DET, C_DET_HIT, C_PEAKS, C_PEAKS_TRUE,
    C_CLEAN_HOLDS, C_CALF_FOUND,
    C_PLACED, C_OUTSIDE,          /* reported positions; outside 0..length */
    /* Live updates (live.c) during matched truth holds: all; with a live
     * place; of those, the matched hold's line; its place within 2 cm;
     * both; flagged provisional. */
    C_LIVE_ALL, C_LIVE_N, C_LIVE_LINE, C_LIVE_POS, C_LIVE_BOTH, C_LIVE_PROV,
    /* Of those, with rm_live's line flag clear: count, line agrees. */
    C_LIVE_EST_N, C_LIVE_EST_LINE,
    /* Of those, with rm_live's place flag clear: count, place within
     * 2 cm. */
    C_LIVE_PEST_N, C_LIVE_PEST_POS,
    /* Pass lines the engine named (not unknown), right; stated (line
     * confidence >= RM_CONFIDENCE_LOW), right; the same for hold lines. */
    C_PLINE_NAMED, C_PLINE_NAMED_OK, C_PLINE_SURE, C_PLINE_SURE_OK,
    C_LINE_SURE, C_LINE_SURE_OK,
    C_COUNT
};

/* Continuous errors, one item each. */
enum { M_START, M_DUR, M_POS, M_LEN, M_COUNT };

typedef struct item {
    double err;      /* absolute error (M_LEN: signed, engine - truth) */
    double t_s;      /* truth hold start (s), or 0 */
    uint32_t job;
    int metric;
} item;

/* Line confusion: rows truth medial/middle/lateral, columns found the
 * same plus "none" (unmatched); technique likewise. */
typedef struct result {
    uint32_t job;
    int failed;
    long c[C_COUNT];
    long hold_line[3][4], pass_line[3][4], tech[3][4];
    calib cal;               /* confidence against right (calib.c) */
    uint32_t n_items;
    char physics[400];       /* the variants the session ran with */
} result;

typedef struct job {
    const char *scenario;
    uint64_t seed;
    rm_leg leg;              /* RM_LEG_UNKNOWN: from the seed */
    const char *physics;     /* NULL: the original */
    int measured;            /* 1: the session carries a taped calf length
                                (--measured-length) */
} job;

/* --conf-dump: every scored finding's confidence, one line each (score.c;
 * opened for appending, line-buffered, shared by the workers). */
extern FILE *conf_dump;

/* Run one job; fill *res and push its items through emit(). */
void score_session(const job *jb, uint32_t index, double stress_s,
                   int verbose, result *res,
                   void (*emit)(void *ctx, const item *it), void *ctx);

#endif /* ROLLMAP_TOOLS_ACCURACY_H */
