/*
 * Which line (medial / middle / lateral) the roller is on, from how far the
 * centre of pressure sits from the footprint's own centre. Fed by ticks,
 * passes and holds; the leg side decides which way is medial.
 */
#include <math.h>

#include "engine_internal.h"

/*
 * skew: CoP offset from the footprint centre in half-widths, positive
 * toward high cell indices. Seen from behind the roller, a LEFT leg's
 * medial side (the inner side, toward the other leg) faces the roller's
 * right end, i.e. high cell indices; a RIGHT leg's faces cell 0.
 * Example: skew +0.25, threshold 0.1, left leg -> medial; right -> lateral.
 * With the leg unknown, an off-centre line cannot be named: UNKNOWN.
 */
rm_line rm_line_from_skew(double skew, rm_leg leg, double threshold)
{
    if (!isfinite(skew))
        return RM_LINE_UNKNOWN;
    if (fabs(skew) < threshold)
        return RM_LINE_MIDDLE;
    int toward_high = skew > 0.0;
    switch (leg) {
    case RM_LEG_LEFT:
        return toward_high ? RM_LINE_MEDIAL : RM_LINE_LATERAL;
    case RM_LEG_RIGHT:
        return toward_high ? RM_LINE_LATERAL : RM_LINE_MEDIAL;
    default:
        return RM_LINE_UNKNOWN;
    }
}
