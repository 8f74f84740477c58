/*
 * Confidence of the findings, at finish, from evidence the summary
 * already holds: how far each deciding cue lies from the threshold that
 * decided it, and how much data stands behind it. A finding near its
 * threshold, or resting on little data, is one a small change of physics
 * or of the person's technique could flip, so the reports say it is
 * uncertain instead of stating it (docs/engine.md, "Confidence").
 *
 * Every confidence is a product of terms, each 1 when its evidence is
 * ample and CONF_FLOOR when it is at the threshold: one weak piece of
 * evidence alone takes a finding below RM_CONFIDENCE_LOW (0.5), two
 * middling ones do too.
 */
#include <math.h>

#include "engine_priv.h"
#include "finish.h"

/* A term's value with its evidence exactly at the threshold. */
#define CONF_FLOOR 0.4

/* A line boundary is crossed by a cue this far from it (in units of the
 * boundary) without the line being in doubt: a lean 0.14 +- 0.07. */
#define LINE_CLEAR_MARGIN 0.5
/* Lean ticks (s) that make a line's cue settled: ~3 cm of rolling at the
 * usual speed, more than the short sweeps over the narrow lower calf. */
#define LINE_CLEAR_S 2.0
/* A pass or hold whose own lean names another line than its stretch's
 * rolling (which gave it its line) loses nothing for that: a leg changes
 * line only by a lift-off, so the stretch's rolling is the evidence, and
 * a pass's own lean already enters the lean that is judged (shrunk
 * toward its stretch's: counting it again counted it twice), while a
 * hold's own lean is a static footprint under other load (rocking, a
 * flexing foot), not the rolling one. Measured (session 7, s8-calib):
 * such passes were right 0.94 / 0.78 / 0.97 (tuning / pool / original
 * 1-100) at a stated 0.53 / 0.51 / 0.47 (x 0.7 then), such holds 1.00 /
 * 0.91 / 1.00 at 0.66 / 0.63 / 0.68: as often right as those whose own
 * lean agreed. */
/* Lines by the CoP: a CoP this far from its line's boundary, in units
 * of its group centre's distance to that boundary, is clear (half-way
 * from the centre to the boundary) ... */
#define COP_CLEAR_MARGIN 0.5
/* ... x this when the session showed two CoP groups wider apart than
 * one side's shift (both sides) ... */
#define COP_TWO_GROUPS 0.7
/* ... and x this when they lie closer (the middle line and one side):
 * which one is the middle is then judged from the strip's middle, but
 * the leg rests anywhere within +-25 mm of it, as far as the gap; and a
 * session that rolled all three lines may show only two groups when its
 * CoP barely moves with the line (a Gaussian footprint). Below
 * RM_CONFIDENCE_LOW like one group. */
#define COP_TWO_GUESSED 0.45
/* ... and x this when it showed one (where its middle line lies is then
 * a guess: below RM_CONFIDENCE_LOW). */
#define COP_ONE_GROUP 0.45
/* ... or, when smaller, a term on how the placements (stretches with
 * PLACE_MIN_S of CoP) of one line group scatter, against how one
 * placement's passes scatter about its mean (B / W: between- over
 * within-placement sd).
 * CoP groups are lines only where the leg's resting place is the
 * session's: then a line's placements land on its CoP within the slow
 * creep a placement's own passes show too (B / W up to about 1.5); where
 * each placement lands anywhere in +-30 mm (the original line model)
 * and the footprint's lean does not show (a Gaussian one), the groups
 * are placements, B a few mm against W's 1-2 mm (B / W 3 and more), and
 * the lines they name are right about 2 times in 5. Clear at
 * PLACE_SCATTER_NEAR, CONF_FLOOR at PLACE_SCATTER_FAR; 1 where no line
 * group has two placements (nothing to compare). Measured in session 7
 * (s8-calib; docs/engine.md "Calibrated confidence"). */
#define PLACE_MIN_S 2.0
#define PLACE_SCATTER_NEAR 1.5
#define PLACE_SCATTER_FAR 3.0
/* Stillness beyond hold_min_s, as a share of it, that makes a hold
 * unmistakable: a pause of 5-5.5 s differs from a 5 s hold by nothing
 * but its length. */
#define HOLD_CLEAR_FRAC 0.4
/* Load above the contact threshold, in multiples of it, that makes the
 * leg's weight on the spot unmistakable. */
#define HOLD_CLEAR_LOAD 2.0
/* Peak rise over peak_min_rise (in units of it) that makes a spot stand
 * clearly out of the flanks. */
#define PEAK_CLEAR_RISE 1.0
/* Share of the passes over a spot that showed it, above the half the
 * grouping asks for, that makes it clearly recurrent. */
#define PEAK_CLEAR_SHARE 0.4
/* Passes beyond peak_min_passes that make the recurrence settled. */
#define PEAK_CLEAR_PASSES 2.0

double rm_conf_term(double evidence, double clear)
{
    if (!isfinite(evidence) || !(clear > 0))
        return CONF_FLOOR;
    double x = evidence / clear;
    x = x < 0 ? 0 : x > 1 ? 1 : x;
    return CONF_FLOOR + (1.0 - CONF_FLOOR) * x;
}

/*
 * Example: lean 0.21, boundary 0.14 (margin 0.5: clear), 1 s of lean
 * ticks (0.5 of clear): 1.0 x 0.7 = 0.70.
 */
double rm_conf_line(double lean, double boundary, double lean_s)
{
    if (!isfinite(lean))
        return 0.0;
    double margin = boundary > 0 ? fabs(fabs(lean) - boundary) / boundary
                                 : fabs(lean);
    return rm_conf_term(margin, LINE_CLEAR_MARGIN) *
           rm_conf_term(lean_s, LINE_CLEAR_S);
}

/*
 * A hold's place: the share of such holds placed within 2 cm of where
 * they were (the tolerance trigger points are matched by), logistic in
 * what the report's frame and the hold's stretch rest on (session 8,
 * s9-holdconf; docs/engine.md "Hold confidence"). Every hold found was a
 * hold (precision 1.000 on every family): what is uncertain is its
 * place, and that is the frame's: the calf's ends half the turning band
 * beyond the usual turning points, each stretch mapped onto them by its
 * turns. Turning 1-3 cm short of the ends (`turn-short`) puts the whole
 * frame 1-2 cm off; nothing per hold shows it, the session's sweeps show
 * some of it.
 *
 * - pinned: a turn at a calf end pinned the hold's stretch (else its
 *   place rests on the footprint's widths alone: within 2 cm 0.60-0.89
 *   of the time against 0.90-1.00);
 * - full: the share of the session's sweeps that turned at both calf
 *   ends. Rolling end to end, nearly every sweep does; partial passes,
 *   turns the engine judged short and put-downs mid-calf lower it, and
 *   they are what moves the frame (tuning family and pool: under 0.2
 *   within 2 cm 0.72 of the time, 0.6-0.8 0.96, over 0.8 0.99). A share,
 *   not a count: a one-minute session of one clean sweep is as well
 *   framed as a long one;
 * - sd: how those full sweeps' encoder spans scatter (cm, up to
 *   HOLD_SD_CAP): turning short by a different amount each time widens
 *   it, so does a slipping sleeve (over 1.5 cm: within 2 cm 0.58-0.75 of
 *   the time against 0.95-0.98 under 0.5); with fewer than two such
 *   sweeps nothing shows the scatter and a typical session's,
 *   HOLD_SD_UNSEEN, stands in;
 * - measured: a measured calf length set the frame's ends (how far short
 *   of them the turns fell then comes from the tape).
 *
 * Fitted (maximum likelihood) on the holds of the tuning family, the
 * random pool and original seeds 1-100, each with and without a
 * measured length (8,580 holds). The number of full sweeps, the hold's
 * duration, its distance from its stretch's nearest turn or from the
 * calf's ends, its sweep's own turns, the turns' scatter at each end and
 * the share of the session's turns the partial-turn rules kept added
 * nothing once these were known.
 */
#define HOLD_CAL_BASE 0.131
#define HOLD_CAL_PINNED 1.358
#define HOLD_CAL_FULL 5.343
#define HOLD_CAL_SD (-1.171)
#define HOLD_CAL_MEASURED 1.361
#define HOLD_SD_CAP 3.0
#define HOLD_SD_UNSEEN 1.0

/* Example: pinned, 8 of 10 sweeps full, their spans scattering by sd
 * 0.5 cm, no measured length: 1 / (1 + exp(-(0.131 + 1.358 + 5.343 x
 * 0.8 - 1.171 x 0.5))) = 0.99; pinned, 2 of 10 full, 2 cm apart in span
 * (sd 1.41): 0.71, with a measured length 0.91, by widths alone 0.39. */
double rm_conf_hold_place(int pinned, const rm_frame_cues *f, int measured)
{
    double full = f->n_sweeps > 0 ? (double)f->n_full / (double)f->n_sweeps
                                  : 0.0;
    double sd = f->n_full > 1 && isfinite(f->full_sd_cm) ? f->full_sd_cm
                                                          : HOLD_SD_UNSEEN;
    sd = sd < 0 ? 0 : sd > HOLD_SD_CAP ? HOLD_SD_CAP : sd;
    double z = HOLD_CAL_BASE + (pinned ? HOLD_CAL_PINNED : 0.0) +
               HOLD_CAL_FULL * full + HOLD_CAL_SD * sd +
               (measured ? HOLD_CAL_MEASURED : 0.0);
    return 1.0 / (1.0 + exp(-z));
}

/* Example: 6.0 s (min 5 s: 0.2 over, half of clear), 150 N (contact
 * 20 N), place 0.9: 0.7 x 1 x 0.9 = 0.63; a hold that could not be
 * placed: 0. */
double rm_conf_hold(const rm_hold *h, double hold_min_s, double contact_n,
                    double place)
{
    if (!isfinite(h->position_cm))
        return 0.0;
    double over = hold_min_s > 0 ? (h->duration_s - hold_min_s) / hold_min_s
                                 : 1.0;
    double load = contact_n > 0 ? (h->mean_force_n - contact_n) / contact_n
                                : HOLD_CLEAR_LOAD;
    return rm_conf_term(over, HOLD_CLEAR_FRAC) *
           rm_conf_term(load, HOLD_CLEAR_LOAD) * place;
}

/* A peak's strength, the grouping's internal score (peak_groups.c reads
 * it to judge echoes, ECHO_UNSURE_CONF); the confidence a peak is
 * reported with is rm_conf_peak_stated's. Example: mean rise 0.09 (min
 * 0.06: 0.5 over, half of clear), shown on 3 of 4 passes over it (share
 * 0.75: 0.25 over the half) and 3 passes (min 2): 0.7 x 0.775 x 0.7 =
 * 0.38. */
double rm_conf_peak(double mean_rise, double min_rise, double shown,
                    double over, double min_passes)
{
    double rise = min_rise > 0 ? (mean_rise - min_rise) / min_rise
                               : PEAK_CLEAR_RISE;
    double share = over > 0 ? shown / over : 1.0;
    return rm_conf_term(rise, PEAK_CLEAR_RISE) *
           rm_conf_term(share - 0.5, PEAK_CLEAR_SHARE) *
           rm_conf_term(shown - min_passes, PEAK_CLEAR_PASSES);
}

/*
 * A reported peak's confidence: the share of such peaks that lie on a
 * planted spot, logistic in two pieces of evidence that ordered them on
 * every tuning set (session 7, s8-peakconf; docs/engine.md "Peak
 * confidence"):
 *
 * - its score against the session's strongest spot (rel, 0..1; the
 *   score is zone weight x share of passes showing it x mean rise): an
 *   echo or a footprint's unevenness stands a fraction as high as the
 *   spots of the same leg under the same load and roller, whatever the
 *   physics' absolute rise (right 0.33 under 0.3, 0.70 at 0.3-0.5, 0.83-
 *   0.89 above, tuning family + random pool; 0.42 / 0.71 / 0.95-0.99 on
 *   the original physics);
 * - it showed on every pass over it (right 0.89 against 0.72 on the
 *   tuning sets, 0.98 against 0.80 on the original physics): a spot in
 *   the leg presses on every pass that rolls over it, noise on some.
 *
 * The three multiplied terms of rm_conf_peak (rise, share, passes, each
 * 0.4 at its threshold) barely ordered the peaks found (every bin right
 * 0.7-0.9) and reached 0.06 for peaks right 4 times in 5: every peak
 * reported has already passed each of those thresholds, and the number
 * of passes added nothing once these two were known (coefficient 0.1 on
 * its log). Fitted (maximum likelihood) on the peaks of the tuning
 * family and the random pool, the two sets of physics other than the
 * original: fitted on original seeds 1-100 as well, the 1,835 peaks of
 * the original physics (right 0.95) lifted every peak and over-stated
 * the random physics (seeds 20060-20119, not fitted: ECE 0.114 against
 * 0.065).
 */
#define PEAK_CAL_BASE (-0.420)
#define PEAK_CAL_REL 2.333
#define PEAK_CAL_EVERY 0.627

/* Example: the session's strongest spot, shown on every pass over it:
 * 1 / (1 + exp(-(-0.420 + 2.333 + 0.627))) = 0.93; a spot a tenth as
 * strong on some of the passes: 0.45, uncertain. */
double rm_conf_peak_stated(double rel_score, int every_pass)
{
    double rel = isfinite(rel_score) ? rel_score : 0.0;
    rel = rel < 0 ? 0 : rel > 1 ? 1 : rel;
    double z = PEAK_CAL_BASE + PEAK_CAL_REL * rel +
               (every_pass ? PEAK_CAL_EVERY : 0.0);
    return 1.0 / (1.0 + exp(-z));
}

/*
 * A line named by the session's CoP groups (rm_line_from_cop): how far
 * the CoP lies inside its line, in units of its group centre's distance
 * to the boundary it is nearest, and seconds of CoP behind it.
 * Example: groups 20 mm apart (boundaries 10 mm from each centre), a
 * pass 3 mm inside the middle line's boundary (0.3 of 10 mm: 0.6 of
 * clear) over 1.5 s: 0.76 x 0.85 = 0.65.
 */
double rm_conf_cop_line(double cop_mm, const rm_line_rule *rule,
                        double cop_s)
{
    return rm_conf_cop_line_placed(cop_mm, rule, cop_s, 1.0);
}

/* The groups' own doubt (COP_TWO_*, COP_ONE_GROUP) and the placements'
 * scatter (place_term) say one thing, that the groups may not be the
 * lines, and such lines are still right about 2 times in 5: the smaller
 * of the two applies, not their product (which put them at 0.2 while
 * they were right 0.39 of the time; measured with product and smaller
 * on the random pool and tuning-data sessions of seeds 30001-30060). */
double rm_conf_cop_line_placed(double cop_mm, const rm_line_rule *rule,
                               double cop_s, double place_term)
{
    if (!isfinite(cop_mm) || !rule->cop_on || rule->cop_unknown)
        return 0.0;
    double lo = rule->cop_lo_mm, hi = rule->cop_hi_mm;
    double d_lo = cop_mm - lo, d_hi = hi - cop_mm;
    double margin;
    if (d_lo < 0)
        margin = -d_lo / rule->cop_lo_gap_mm;
    else if (d_hi < 0)
        margin = -d_hi / rule->cop_hi_gap_mm;
    else
        margin = d_lo < d_hi ? d_lo / rule->cop_lo_gap_mm
                             : d_hi / rule->cop_hi_gap_mm;
    double c = rm_conf_term(margin, COP_CLEAR_MARGIN) *
               rm_conf_term(cop_s, LINE_CLEAR_S);
    double groups = rule->cop_groups == 3 ? 1.0
                    : rule->cop_groups == 2
                        ? (rule->cop_mid_guessed ? COP_TWO_GUESSED
                                                 : COP_TWO_GROUPS)
                        : COP_ONE_GROUP;
    return c * fmin(groups, place_term);
}

/*
 * B / W of the session's CoP line groups (PLACE_*): the pooled sd of the
 * placements' mean CoPs about their line group's mean, over the pooled
 * sd of the passes' CoPs about their placement's mean. NAN when no group
 * has two placements or no placement two passes.
 */
double rm_cop_place_scatter(const rm_pass_rec *passes, size_t n,
                            const rm_line_rule *rule)
{
    if (!rule->cop_on || rule->cop_unknown)
        return NAN;
    double s[3] = { 0 }, q[3] = { 0 }, wss = 0.0, wdf = 0.0;
    int cnt[3] = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && passes[i].stretch == passes[i - 1].stretch)
            continue;
        rm_cop_sum c = rm_stretch_cop(passes, n, passes[i].stretch);
        if (c.n < PLACE_MIN_S * rule->tick_hz)
            continue;
        double x = c.sum / c.n;
        int np = 0;
        for (size_t j = i; j < n && passes[j].stretch == passes[i].stretch;
             j++)
            if (passes[j].n_cop > 0 && isfinite(passes[j].cop_mm)) {
                wss += (passes[j].cop_mm - x) * (passes[j].cop_mm - x);
                np++;
            }
        wdf += np > 1 ? np - 1 : 0;
        int g = x < rule->cop_lo_mm ? 0 : x > rule->cop_hi_mm ? 2 : 1;
        cnt[g]++;
        s[g] += x;
        q[g] += x * x;
    }
    double bss = 0.0, bdf = 0.0;
    for (int g = 0; g < 3; g++)
        if (cnt[g] >= 2) {
            bss += q[g] - s[g] * s[g] / cnt[g];
            bdf += cnt[g] - 1;
        }
    if (!(bdf > 0) || !(wdf > 0) || !(wss > 0))
        return NAN;
    return sqrt(fmax(bss, 0.0) / bdf) / sqrt(wss / wdf);
}

/* Example: B / W 1.2: 1; 2.25: 0.7; 3.5: 0.4; NAN: 1. */
double rm_conf_place_scatter(double bw)
{
    if (!isfinite(bw))
        return 1.0;
    return rm_conf_term(PLACE_SCATTER_FAR - bw,
                        PLACE_SCATTER_FAR - PLACE_SCATTER_NEAR);
}

/*
 * A line the tilt rule named from its stretch's shape and lean: how far
 * the shape lies from the cut in units of half the two groups' gap
 * (clear at LINE_CLEAR_MARGIN) and, for a side line, how far the lean
 * lies from the untilted stretches' (in line_skew, likewise), x the
 * stretch's seconds of lean. Example: gap 0.06, shape 0.02 from the cut
 * (0.67 half-gaps), lean 0.2 line_skew from the zero: the smaller, 0.2,
 * is 0.4 of clear: 0.4 + 0.6 x 0.4 = 0.64; x 1 for 3 s: 0.64.
 */
static double tilt_line_conf(const rm_pass_rec *passes, size_t n,
                             int stretch, const rm_line_rule *rule,
                             rm_line line, int *named)
{
    rm_lean l = rm_stretch_lean(passes, n, stretch);
    rm_lean s = rm_stretch_shape(passes, n, stretch);
    *named = rm_tilt_line(&l, &s, rule) == line && line != RM_LINE_UNKNOWN;
    if (!*named)
        return 0.0;
    double shape = fabs(s.sum / s.weight - rule->tilt_cut) /
                   (rule->tilt_gap / 2);
    double lean = line == RM_LINE_MIDDLE
                      ? INFINITY
                      : fabs(l.sum / l.weight - rule->tilt_zero) /
                            rule->line_skew;
    return rm_conf_term(fmin(shape, lean), LINE_CLEAR_MARGIN) *
           rm_conf_term(s.ticks / rule->tick_hz, LINE_CLEAR_S);
}

/* The cue a pass's line came from (rm_pass_line): the CoP shrunk toward
 * its stretch's, with the stretch's CoP seconds behind it; else the lean
 * so shrunk, with its ticks; else, where that lean cannot tell, the CoP
 * among the lean-named passes' CoP groups. */
double rm_pass_line_conf(const rm_pass_rec *passes, size_t n,
                         const rm_pass_rec *r, const rm_line_rule *rule,
                         rm_line line, double place_term)
{
    if (line == RM_LINE_UNKNOWN)
        return 0.0;
    int by_tilt;
    double tc = tilt_line_conf(passes, n, r->stretch, rule, line, &by_tilt);
    if (by_tilt)
        return tc;
    rm_lean l = rm_stretch_lean(passes, n, r->stretch);
    rm_cop_sum c = rm_stretch_cop(passes, n, r->stretch);
    double cop = rm_pass_cop(&c, r->cop_mm, r->n_cop, rule->tick_hz);
    if (rule->cop_on && isfinite(cop))
        return rm_conf_cop_line_placed(cop, rule, c.n / rule->tick_hz,
                                       place_term);
    double lean = rm_pass_lean(&l, r->skew, r->n_skew, rule->tick_hz);
    if (rm_lean_cop_names(rule, lean, cop)) {
        rm_line_rule v = rm_lean_cop_view(rule);
        return rm_conf_cop_line(cop, &v, c.n / rule->tick_hz);
    }
    int own_ok = r->n_skew > 0 && isfinite(r->skew);
    double ticks = (own_ok ? r->n_skew : 0.0) +
                   (l.weight > 0 ? l.ticks : 0.0);
    return rm_conf_line(lean, rule->line_skew, ticks / rule->tick_hz);
}

/* A hold's: its stretch's rolling when that named the line (whatever
 * the hold's own lean names), else its own lean, else (no lean of its
 * own) its CoP among the lean-named passes' CoP groups. */
double rm_hold_line_conf(const rm_pass_rec *passes, size_t n,
                         const rm_hold_rec *h, const rm_line_rule *rule,
                         rm_line line, double place_term)
{
    if (line == RM_LINE_UNKNOWN)
        return 0.0;
    if (rule->cop_on && isfinite(h->cop_mm))
        return rm_conf_cop_line_placed(h->cop_mm, rule, h->pub.duration_s,
                                       place_term);
    int by_tilt;
    double tc = tilt_line_conf(passes, n, h->stretch, rule, line, &by_tilt);
    if (by_tilt)
        return tc;
    rm_lean l = rm_stretch_lean(passes, n, h->stretch);
    if (l.weight > 0 &&
        rm_line_from_skew(l.sum / l.weight, rule->leg, rule->line_skew) ==
            line)
        return rm_conf_line(l.sum / l.weight, rule->line_skew,
                            l.ticks / rule->tick_hz);
    if (h->n_skew > 0 && isfinite(h->skew))
        return rm_conf_line(h->skew, rule->line_skew,
                            h->n_skew / rule->tick_hz);
    rm_line_rule v = rm_lean_cop_view(rule);
    return rm_conf_cop_line(h->cop_mm, &v, h->pub.duration_s);
}

/* 1 when some pass of the stretch was pinned by a turn (slip.c). */
static int stretch_pinned(const rm_pass_rec *passes, size_t n, int stretch)
{
    for (size_t i = 0; i < n; i++)
        if (passes[i].stretch == stretch && passes[i].pinned)
            return 1;
    return 0;
}

void rm_confidence_finish(rm_engine *e, const rm_line_rule *rule)
{
    double place = rm_conf_place_scatter(
        rm_cop_place_scatter(e->passes, e->n_passes, rule));
    for (size_t i = 0; e->passes_v && i < e->n_passes; i++)
        e->passes_v[i].line_confidence =
            rm_pass_line_conf(e->passes, e->n_passes, &e->passes[i], rule,
                              e->passes_v[i].line, place);
    for (size_t i = 0; e->holds_v && i < e->n_holds; i++) {
        rm_hold *h = &e->holds_v[i];
        double where = rm_conf_hold_place(
            stretch_pinned(e->passes, e->n_passes, e->holds[i].stretch),
            &e->frame_cues, e->calf_pad.measured);
        h->confidence = rm_conf_hold(h, e->cfg.hold_min_s,
                                     e->cfg.contact_force_n, where);
        h->line_confidence = rm_hold_line_conf(
            e->passes, e->n_passes, &e->holds[i], rule, h->line, place);
    }
}
