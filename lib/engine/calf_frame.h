/*
 * calf_frame.h - how far beyond the usual turning points the calf's ends
 * lie (calf_frame.c). The report's frame (slip.c, rm_turns_measure) and
 * the live one (live_turns.c) both take their ends from here, so the two
 * agree. Private to lib/engine/.
 */
#ifndef ROLLMAP_ENGINE_CALF_FRAME_H
#define ROLLMAP_ENGINE_CALF_FRAME_H

#include <stddef.h>

/* People turn within about a centimetre of the calf's ends, a little
 * differently each time: the median turning point lies half that band
 * inside the end (docs/engine.md, Alignment step 5). */
#define RM_TURN_BAND_CM 1.0
/* People turn at most this far short of the heel and of the knee crease
 * (cm; brief: 0-3 cm, `turn-short` physics). */
#define RM_TURN_SHORT_MAX_CM 3.0
/* With a measured length, the two ends together lie at most twice this
 * beyond the usual turning points (cm): people turn 0-3 cm short of an
 * end, a slipping sleeve reads the turns' spacing a few % short or long,
 * and a rolling that never reached one end leaves it 12-25 % of the
 * length beyond the turns there (`pass-partial`, the end's full passes
 * lost to lifts). A measured length further beyond the turns' spacing is
 * no calf the rolling covered (the tape read in another unit or to other
 * landmarks). */
#define RM_CALF_PAD_MAX_CM 5.0

/* The end the rolling did not reach, as its turns tell it (slip.c,
 * rm_turns_measure): the one whose marks scatter more. */
typedef enum rm_calf_short {
    RM_CALF_SHORT_NONE = 0,
    RM_CALF_SHORT_ANKLE,
    RM_CALF_SHORT_KNEE,
} rm_calf_short;

typedef struct rm_calf_pad {
    double ankle_cm;    /* the ankle end lies this far below its turns */
    double knee_cm;     /* the knee end this far above its own */
    int measured;       /* 1: from a measured length; 0: half the band */
    double measured_cm; /* that length (0: none) */
    /* The measured length less the frame's (0 unless clamped): < 0 the
     * tape read shorter than the turns' spacing, > 0 longer than
     * RM_CALF_PAD_MAX_CM a side allows. */
    double excess_cm;
} rm_calf_pad;

/* What the report's frame rests on, for the holds' confidence
 * (confidence.c): the sweeps that turned at both calf ends, each a
 * measure of the calf on its own, among all the session's sweeps
 * (slip.c). */
typedef struct rm_frame_cues {
    size_t n_sweeps;    /* placed sweeps */
    size_t n_full;      /* of them, turning at both ends */
    double full_sd_cm;  /* sd of their encoder spans (NAN under 2) */
} rm_frame_cues;

/*
 * The pads at the two ends for turning points spacing_cm apart. Without
 * a measured length (measured_cm 0) half the turning band each. With
 * one, the calf is measured_cm long, and what it leaves beyond the
 * spacing, L - D, is split:
 *
 * - equally while L - D <= 2 x RM_TURN_SHORT_MAX_CM: both ends turned
 *   short by a little, and nothing in the rolling tells which end by how
 *   much (the turns' offset moves every turn alike; docs/engine.md, "The
 *   turning band from the turns' scatter"); the equal split halves the
 *   worst error of a guess;
 * - beyond that no two turned-short ends explain it: one end was never
 *   reached. Given which (`unreached`, not RM_CALF_SHORT_NONE), the other
 *   gets RM_TURN_SHORT_MAX_CM, the most a reached end can lie beyond its
 *   turns, and the unreached one the rest (continuous with the equal
 *   split at 2 x RM_TURN_SHORT_MAX_CM). Told wrong, every place moves
 *   the other way by as much as it gains when told right (the turns'
 *   scatter names the end right about 3 times in 4: docs/engine.md,
 *   "Which end a measured length goes to"). Without `unreached`, equal.
 *
 * Clamped: L - D within 0..2 x RM_CALF_PAD_MAX_CM; the calf is never
 * shorter than the rolling spanned.
 * Example: spacing 31.0, measured 35.0: 2.0 a side, length 35.0;
 * measured 30.0: 0 a side, length 31.0, excess -1.0; spacing 28.7,
 * measured 37.9, knee unreached: ankle 3.0, knee 6.2.
 */
rm_calf_pad rm_calf_pad_of(double spacing_cm, double measured_cm,
                           rm_calf_short unreached);

#endif /* ROLLMAP_ENGINE_CALF_FRAME_H */
