/*
 * calib.h - reliability of the engine's confidence (calib.c): among the
 * findings stated with confidence c, the share that were right, per kind
 * of finding, in a few confidence bins, with the expected calibration
 * error and the Brier score as one number each (docs/engine.md,
 * "Accuracy").
 */
#ifndef ROLLMAP_TOOLS_ACCURACY_CALIB_H
#define ROLLMAP_TOOLS_ACCURACY_CALIB_H

/* Kinds of finding and what "right" is for each (score.c). */
enum {
    K_HLINE,   /* a matched hold's line_confidence: its line is the truth's */
    K_PLINE,   /* a matched pass's line_confidence: likewise */
    K_HPOS1,   /* a reported hold's confidence: matched, placed within 1 cm */
    K_HPOS2,   /* ... within 2 cm */
    K_PEAK,    /* a reported peak's confidence: on a planted point */
    K_COUNT
};

/* Bins [0,.25) [.25,.5) [.5,.75) [.75,.9) [.9,1]: the reports' line at
 * RM_CONFIDENCE_LOW (0.5) is a bin edge. */
#define CAL_BINS 5

typedef struct calib {
    long n[K_COUNT][CAL_BINS], right[K_COUNT][CAL_BINS];
    double conf[K_COUNT][CAL_BINS];   /* sum of the confidences */
    double brier[K_COUNT];            /* sum of (confidence - right)^2 */
} calib;

/* Count one finding of `kind` stated with confidence `conf` (clamped to
 * 0..1; not finite counts as 0). */
void calib_add(calib *c, int kind, double conf, int right);
/* a += b. */
void calib_sum(calib *a, const calib *b);
/* The table: one line per kind. */
void calib_print(const calib *c);

#endif /* ROLLMAP_TOOLS_ACCURACY_CALIB_H */
