/*
 * calf_frame.h - how far beyond the usual turning points the calf's ends
 * lie (calf_frame.c). The report's frame (slip.c, rm_turns_measure) and
 * the live one (live_turns.c) both take their ends from here, so the two
 * agree. Private to lib/engine/.
 */
#ifndef ROLLMAP_ENGINE_CALF_FRAME_H
#define ROLLMAP_ENGINE_CALF_FRAME_H

/* People turn within about a centimetre of the calf's ends, a little
 * differently each time: the median turning point lies half that band
 * inside the end (docs/engine.md, Alignment step 5). */
#define RM_TURN_BAND_CM 1.0
/* With a measured length, the most either end may lie beyond its usual
 * turning point (cm): people turn 0-3 cm short of the heel and the knee
 * crease (brief; `turn-short` physics), and a slipping sleeve reads the
 * turns' spacing a few % short or long. A measured length further beyond
 * the turns' spacing than twice this is no calf the rolling covered (the
 * rolling stopped well short of an end, or the tape was read in another
 * unit or to other landmarks). */
#define RM_CALF_PAD_MAX_CM 5.0

typedef struct rm_calf_pad {
    double pad_cm;      /* each end lies this far beyond its turning point */
    int measured;       /* 1: from a measured length; 0: half the band */
    double measured_cm; /* that length (0: none) */
    /* The measured length less the frame's (0 unless clamped): < 0 the
     * tape read shorter than the turns' spacing, > 0 longer than
     * RM_CALF_PAD_MAX_CM a side allows. */
    double excess_cm;
} rm_calf_pad;

/*
 * The pad at each end for turning points spacing_cm apart. Without a
 * measured length (measured_cm 0) half the turning band. With one, the
 * calf is measured_cm long and the difference to the spacing is split
 * equally between the two ends: nothing in the rolling tells which end
 * the person turned further short of (the turns' offset moves every turn
 * alike; docs/engine.md, "The turning band from the turns' scatter"), and
 * the equal split halves the worst error of a guess. Clamped to
 * 0..RM_CALF_PAD_MAX_CM: the calf is never shorter than the rolling
 * spanned.
 * Example: spacing 31.0, measured 35.0: pad 2.0 a side, length 35.0;
 * measured 30.0: pad 0, length 31.0, excess -1.0.
 */
rm_calf_pad rm_calf_pad_of(double spacing_cm, double measured_cm);

#endif /* ROLLMAP_ENGINE_CALF_FRAME_H */
