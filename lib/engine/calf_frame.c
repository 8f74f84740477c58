/*
 * The calf's ends from the turning points, with or without a measured
 * calf length (calf_frame.h says why the split is equal and clamped).
 */
#include "calf_frame.h"

rm_calf_pad rm_calf_pad_of(double spacing_cm, double measured_cm)
{
    rm_calf_pad p = { .pad_cm = 0.5 * RM_TURN_BAND_CM };
    if (!(measured_cm > 0.0))
        return p;
    double pad = 0.5 * (measured_cm - spacing_cm);
    double used = pad < 0.0                   ? 0.0
                  : pad > RM_CALF_PAD_MAX_CM ? RM_CALF_PAD_MAX_CM
                                              : pad;
    p.pad_cm = used;
    p.measured = 1;
    p.measured_cm = measured_cm;
    p.excess_cm = 2.0 * (pad - used);
    return p;
}
