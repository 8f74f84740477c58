/*
 * Lines at finish. A pass's own lean is shrunk toward the mean lean of all
 * rolling in its stretch (the leg is turned onto a line for a placement
 * and mostly stays there) with the weight of LINE_PRIOR_S of ticks: a long
 * pass speaks for itself, a short one over the narrow lower calf (where
 * 20 mm cells barely show the lean) borrows from its neighbours. A hold
 * sits still, so the cell grid biases its lean the same way for its whole
 * length: it takes the line of the rolling around it when there is
 * enough of it, else its own.
 */
#include <math.h>

#include "finish.h"

#define LINE_PRIOR_S 2.0
#define HOLD_OWN_LINE_S 3.0

rm_lean rm_stretch_lean(const rm_pass_rec *passes, size_t n, int stretch)
{
    rm_lean l = { 0.0, 0.0, 0.0 };
    /* Passes are kept in time order, so by stretch: a binary search finds
     * the stretch's first one (callers loop over passes and stretches,
     * and a scan of all passes here made that quadratic). */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (passes[mid].stretch < stretch)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < n && passes[i].stretch == stretch; i++) {
        const rm_pass_rec *r = &passes[i];
        if (!(r->w_skew > 0) || !isfinite(r->skew))
            continue;
        l.sum += r->skew * r->w_skew;
        l.weight += r->w_skew;
        l.ticks += r->n_skew;
    }
    return l;
}

rm_line rm_stretch_line(const rm_pass_rec *passes, size_t n, int stretch,
                        const rm_line_rule *rule)
{
    rm_lean l = rm_stretch_lean(passes, n, stretch);
    return l.weight > 0 ? rm_line_from_skew(l.sum / l.weight, rule->leg,
                                            rule->line_skew)
                        : RM_LINE_UNKNOWN;
}

/*
 * Example: stretch lean 0.20 (line_skew 0.14: a side line), a short pass
 * of 25 ticks leaning 0.05 at 50 ticks/s (prior 100 ticks): (0.05 x 25 +
 * 100 x 0.20) / 125 = 0.17, the stretch's line.
 */
rm_line rm_pass_line(const rm_pass_rec *passes, size_t n,
                     const rm_pass_rec *r, const rm_line_rule *rule)
{
    rm_lean l = rm_stretch_lean(passes, n, r->stretch);
    double k = LINE_PRIOR_S * rule->tick_hz;
    double own = r->n_skew > 0 && isfinite(r->skew) ? r->skew * r->n_skew : 0;
    double own_n = r->n_skew > 0 && isfinite(r->skew) ? r->n_skew : 0;
    double lean = NAN;
    if (l.weight > 0 && own_n + k > 0)
        lean = (own + k * l.sum / l.weight) / (own_n + k);
    else if (own_n > 0)
        lean = own / own_n;
    return rm_line_from_skew(lean, rule->leg, rule->line_skew);
}

rm_line rm_hold_line(const rm_pass_rec *passes, size_t n,
                     const rm_hold_rec *h, const rm_line_rule *rule)
{
    rm_lean l = rm_stretch_lean(passes, n, h->stretch);
    if (l.weight > 0 && l.ticks >= HOLD_OWN_LINE_S * rule->tick_hz)
        return rm_line_from_skew(l.sum / l.weight, rule->leg,
                                 rule->line_skew);
    return h->pub.line;
}
