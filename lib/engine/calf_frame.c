/*
 * The calf's ends from the turning points, with or without a measured
 * calf length (calf_frame.h says why the split is equal up to twice
 * RM_TURN_SHORT_MAX_CM, uneven beyond, and clamped).
 */
#include "calf_frame.h"

rm_calf_pad rm_calf_pad_of(double spacing_cm, double measured_cm,
                           rm_calf_short unreached)
{
    double band = 0.5 * RM_TURN_BAND_CM;
    rm_calf_pad p = { .ankle_cm = band, .knee_cm = band };
    if (!(measured_cm > 0.0))
        return p;
    double left = measured_cm - spacing_cm;
    double used = left < 0.0                          ? 0.0
                  : left > 2.0 * RM_CALF_PAD_MAX_CM ? 2.0 * RM_CALF_PAD_MAX_CM
                                                      : left;
    double reached = 0.5 * used;
    if (unreached != RM_CALF_SHORT_NONE && reached > RM_TURN_SHORT_MAX_CM)
        reached = RM_TURN_SHORT_MAX_CM;
    p.ankle_cm = unreached == RM_CALF_SHORT_ANKLE ? used - reached : reached;
    p.knee_cm = used - p.ankle_cm;
    p.measured = 1;
    p.measured_cm = measured_cm;
    p.excess_cm = left - used;
    return p;
}
