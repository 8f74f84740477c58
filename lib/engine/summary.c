/*
 * The summary at rm_engine_finish(): align the stretches (align.c), place
 * every hold, pass and flinch on the calf, group peaks (peaks.c), build
 * the calf map and line coverage, then the guidance (guidance.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"

/* Stretches shorter than this along the calf do not vote on orientation
 * and length: they show too little of the width shape. */
#define ALIGN_MIN_SPAN_CM 12.0
/* Shorter stretches than this cannot be placed at all. */
#define PLACE_MIN_SPAN_CM 5.0
/* A map bin counts as rolled on a line with this many ticks in it. */
#define MAP_MIN_TICKS 2.0

/* Pass drift (slip, compression) is looked for within this distance of
 * where its stretch put it (cm): slip up to a few % of a 40 cm pass. */
#define PASS_SEARCH_CM 0.0
/* Anchors rolled at least this share of the provisional length. */
#define ANCHOR_SHARE 0.7
/* Shorter stretches cannot be placed at all (cm); up to SHORT_MAX_CM a
 * stretch shows too little of the shape for the template (align.c) and
 * is placed on the anchors' widths instead. Longer ones keep the place
 * align.c found (template, then correlation with the other stretches):
 * matching absolute widths against the anchors put side-line stretches
 * several cm toward the ankle (a leaning load reads narrower over the
 * bellies), and the correlation now places them better (simulated seeds
 * 1-100: hold position p95 1.02 -> 1.00 cm, holds off by more than 4 cm
 * 8 -> 5). */
#define SHORT_MIN_CM 2.0
#define SHORT_MAX_CM 12.0
/* An end bin needs this many ticks, so a stray tick does not move it. */
#define END_MIN_TICKS 2.0

/* Calf position through one pass's own mapping. */
static double pass_x(const rm_engine *e, const rm_pass_rec *r, double enc_cm)
{
    return r->map_a + e->al.dir * r->map_s * (enc_cm - r->map_pivot);
}

double rm_engine_place(const rm_engine *e, int stretch, double enc_cm,
                       double t0_s, double t1_s)
{
    if (stretch < 0 || (size_t)stretch >= e->n_st || !e->al.found)
        return NAN;
    const rm_pass_rec *before = NULL, *after = NULL;
    for (size_t i = 0; i < e->n_passes; i++) {
        const rm_pass_rec *r = &e->passes[i];
        if (r->stretch != stretch || !r->placed)
            continue;
        if (r->pub.start_s <= t0_s && r->pub.end_s >= t1_s)
            return pass_x(e, r, enc_cm);
        if (r->pub.end_s <= t0_s + 1e-9 &&
            (!before || r->pub.end_s > before->pub.end_s))
            before = r;
        if (r->pub.start_s >= t1_s - 1e-9 &&
            (!after || r->pub.start_s < after->pub.start_s))
            after = r;
    }
    /* Between passes (a hold, a turnaround) the roller stands where one
     * pass ended and the next began: both say where that is. */
    if (before && after)
        return 0.5 * (pass_x(e, before, enc_cm) + pass_x(e, after, enc_cm));
    if (before)
        return pass_x(e, before, enc_cm);
    if (after)
        return pass_x(e, after, enc_cm);
    const rm_stretch *s = &e->st[stretch];
    if (!s->placed)
        return NAN;
    return s->offset_cm + e->al.dir * (enc_cm - s->enc0_cm);
}

static void stretch_lean(const rm_engine *e, int stretch, double *sum,
                         double *n, double *count);

static rm_line stretch_line(const rm_engine *e, int stretch)
{
    double sum, n, cnt;
    stretch_lean(e, stretch, &sum, &n, &cnt);
    return n > 0 ? rm_line_from_skew(sum / n, e->meta.leg, e->cfg.line_skew)
                 : RM_LINE_UNKNOWN;
}

/*
 * Place every pass on its own (drift.c), starting from its stretch's
 * placement. Then the rolled extent of the passes (or of the stretches,
 * when no pass could be placed) becomes the calf, and every placement
 * moves with it.
 */
static rm_status place_passes(rm_engine *e)
{
    size_t n = e->n_st + e->n_passes;
    rm_placing *v = rm_calloc(n ? n : 1, sizeof *v);
    if (!v)
        return RM_ERR_NOMEM;
    rm_placing *sv = v, *pv = v + e->n_st;
    int dir = e->al.dir;
    for (size_t k = 0; k < e->n_st; k++) {
        rm_stretch *s = &e->st[k];
        sv[k] = (rm_placing){ .bmin = s->bmin, .bmax = s->bmax,
                              .wsum = s->wsum, .n = s->n, .pivot_e = 0,
                              .a = s->offset_cm, .s = 1.0,
                              .placed = s->placed };
    }
    for (size_t i = 0; i < e->n_passes; i++) {
        rm_pass_rec *r = &e->passes[i];
        const rm_stretch *s = &e->st[r->stretch];
        double pivot = 0.5 * (r->enc_from + r->enc_to) - s->enc0_cm;
        double a = s->offset_cm + dir * pivot;
        pv[i] = (rm_placing){ .bmin = r->bmin, .bmax = r->bmax,
                              .wsum = r->wsum, .n = r->n, .pivot_e = pivot,
                              .a = a, .s = 1.0, .init_a = a,
                              .placed = s->placed && r->wsum &&
                                        r->bmax - r->bmin >= 4 };
    }
    rm_status st = RM_OK;
    /* Anchors: stretches that rolled most of the calf. The others are
     * placed on the anchors' own width profile. */
    size_t n_anchor = 0;
    for (size_t k = 0; k < e->n_st; k++) {
        double span = (double)(e->st[k].bmax - e->st[k].bmin + 1) * RM_BIN_CM;
        sv[k].init_a = span >= ANCHOR_SHARE * e->al.length_cm && sv[k].placed;
        n_anchor += sv[k].init_a != 0;
    }
    if (n_anchor > 0) {
        rm_placing *anchors = rm_calloc(n_anchor, sizeof *anchors);
        if (!anchors) {
            rm_free(v);
            return RM_ERR_NOMEM;
        }
        for (size_t k = 0; k < e->n_st && st == RM_OK; k++) {
            double span = (double)(sv[k].bmax - sv[k].bmin + 1) * RM_BIN_CM;
            if (sv[k].init_a != 0 || !sv[k].wsum || span < SHORT_MIN_CM ||
                (span >= SHORT_MAX_CM && sv[k].placed))
                continue;
            /* The footprint's measured width depends a little on the
             * line (a leaning load is narrower in its moments): compare
             * with anchors on the same line when there are any. */
            rm_line line = stretch_line(e, (int)k);
            size_t j = 0;
            for (size_t q = 0; q < e->n_st; q++)
                if (sv[q].init_a != 0 && stretch_line(e, (int)q) == line)
                    anchors[j++] = sv[q];
            if (j == 0)
                for (size_t q = 0; q < e->n_st; q++)
                    if (sv[q].init_a != 0)
                        anchors[j++] = sv[q];
            sv[k].placed = 0;
            st = rm_drift_place_abs(&sv[k], anchors, j, dir,
                                    e->al.length_cm, span >= SHORT_MAX_CM,
                                    0.0);
            e->st[k].placed = sv[k].placed;
            e->st[k].offset_cm = sv[k].a;
        }
        rm_free(anchors);
    }
    /* Passes start where their stretch now is. */
    for (size_t i = 0; i < e->n_passes; i++) {
        rm_pass_rec *r = &e->passes[i];
        const rm_stretch *s = &e->st[r->stretch];
        pv[i].a = pv[i].init_a = s->offset_cm + dir * pv[i].pivot_e;
        pv[i].placed = s->placed && r->wsum && r->bmax - r->bmin >= 4;
    }
    if (PASS_SEARCH_CM > 0 && st == RM_OK)
        st = rm_drift_fit(pv, e->n_passes, sv, e->n_st, dir,
                          e->al.length_cm, PASS_SEARCH_CM, 2);
    if (st != RM_OK) {
        rm_free(v);
        return st;
    }
    /* Ends: the rolled extent + margin. */
    double lo = INFINITY, hi = -INFINITY;
    int use_passes = 0; /* the ends come from the stretches (anchors) */
    for (size_t k = use_passes ? e->n_st : 0; k < (use_passes ? n : e->n_st);
         k++) {
        /* With anchors, only they mark the ends: a short stretch placed
         * a little wrong must not stretch the calf. */
        if (!v[k].placed || (!use_passes && n_anchor && !v[k].init_a))
            continue;
        for (int b = v[k].bmin; b <= v[k].bmax; b++) {
            if (v[k].n[b - v[k].bmin] < END_MIN_TICKS)
                continue;
            double x = rm_placing_x(&v[k], dir,
                                    ((double)(b - RM_SBIN0) + 0.5) *
                                        RM_BIN_CM);
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
    }
    if (isfinite(lo) && isfinite(hi)) {
        lo -= 0.5 * RM_BIN_CM + e->cfg.end_margin_cm;
        hi += 0.5 * RM_BIN_CM + e->cfg.end_margin_cm;
        e->al.length_cm = hi - lo;
    } else {
        lo = 0.0;
    }
    for (size_t k = 0; k < e->n_st; k++)
        e->st[k].offset_cm -= lo;
    for (size_t i = 0; i < e->n_passes; i++) {
        rm_pass_rec *r = &e->passes[i];
        r->placed = pv[i].placed;
        r->map_a = pv[i].a - lo;
        r->map_s = pv[i].s;
        r->map_pivot = pv[i].pivot_e + e->st[r->stretch].enc0_cm;
    }
    rm_free(v);
    return RM_OK;
}

static double frac_of(const rm_engine *e, double x)
{
    return isfinite(x) && e->al.length_cm > 0 ? x / e->al.length_cm : NAN;
}

static rm_status build_map(rm_engine *e)
{
    size_t nm = 3 * RM_MAP_BINS;
    e->map = rm_calloc(nm, sizeof *e->map);
    float *cnt = rm_calloc(nm, sizeof *cnt);
    if (!e->map || !cnt) {
        rm_free(cnt);
        return RM_ERR_NOMEM;
    }
    for (size_t k = 0; k < e->n_st; k++) {
        const rm_stretch *s = &e->st[k];
        if (!s->placed || !s->ksum)
            continue;
        /* The stretch's line (a placement keeps its line). */
        rm_line sline = stretch_line(e, (int)k);
        if (sline == RM_LINE_UNKNOWN)
            continue;
        size_t row = (size_t)sline - 1;
        for (int b = s->bmin; b <= s->bmax; b++) {
            double enc = s->enc0_cm +
                         ((double)(b - RM_SBIN0) + 0.5) * RM_BIN_CM;
            double f = frac_of(e, rm_align_pos(&e->al, s, enc));
            if (!isfinite(f) || f < 0.0 || f >= 1.0)
                continue;
            size_t j = (size_t)(f * RM_MAP_BINS);
            e->map[row * RM_MAP_BINS + j] += s->ksum[b - s->bmin];
            cnt[row * RM_MAP_BINS + j] += s->n[b - s->bmin];
        }
    }
    for (size_t l = 0; l < 3; l++)
        for (size_t j = 0; j < RM_MAP_BINS; j++) {
            size_t i = l * RM_MAP_BINS + j;
            e->map[i] = cnt[i] >= MAP_MIN_TICKS ? e->map[i] / cnt[i] : NAN;
        }
    /* Coverage: the share of the calf crossed by passes on each line. */
    unsigned char *hit = (unsigned char *)cnt; /* reuse: 3 x bins bytes */
    memset(hit, 0, 3 * RM_MAP_BINS);
    for (size_t i = 0; i < e->n_passes; i++) {
        const rm_pass *p = &e->passes_v[i];
        if (p->line == RM_LINE_UNKNOWN || !isfinite(p->from_cm) ||
            !isfinite(p->to_cm))
            continue;
        double lo = frac_of(e, p->from_cm < p->to_cm ? p->from_cm : p->to_cm);
        double hi = frac_of(e, p->from_cm < p->to_cm ? p->to_cm : p->from_cm);
        for (size_t j = 0; j < RM_MAP_BINS; j++) {
            double c = (j + 0.5) / RM_MAP_BINS;
            if (c >= lo && c <= hi)
                hit[((size_t)p->line - 1) * RM_MAP_BINS + j] = 1;
        }
    }
    for (size_t l = 0; l < 3; l++) {
        size_t covered = 0;
        for (size_t j = 0; j < RM_MAP_BINS; j++)
            covered += hit[l * RM_MAP_BINS + j];
        e->sum.coverage[l + 1] = (double)covered / RM_MAP_BINS;
    }
    rm_free(cnt);
    e->sum.map_kpa = e->map;
    e->sum.map_bins = RM_MAP_BINS;
    return RM_OK;
}

/*
 * Encoder slip. Within a stretch the encoder is continuous, but a slipping
 * sleeve makes a roll read a few % long or short, and the error carries
 * into every later place of the stretch. A *sweep* (the passes between two
 * turning points, holds included) that turned at both ends of the calf
 * should span the calf; people turn within about a centimetre of the same
 * places (just above the heel, just below the knee crease), so a sweep
 * whose placed span disagrees with the usual turning points by more than
 * SLIP_MIN_CM is stretched onto them; a sweep that turned at one end only
 * is moved onto that end's usual turning point. A sweep whose span agrees
 * but whose two ends miss the turning points alike by more than
 * SLIP_MIN_CM is moved by that miss at the encoder's scale (seeds 1-100:
 * such sweeps sat up to 1.5 cm off and took their holds along; hold
 * position p95 0.95 -> 0.90 cm). Sweeps that agree in both keep the
 * encoder's own (continuous) places.
 * Example: turning points 0.5 and 37.5 cm; a sweep placed 0.2 -> 39.0 cm
 * (a 5 % slip) is mapped 0.5 -> 37.5 by scale 37.0 / 38.8; one placed
 * -0.6 -> 36.6 is moved by +1.0 to 0.4 -> 37.6.
 */
#define SLIP_MIN_CM 0.5
/* A turning point this close to a calf end (cm) is at that end. */
#define TURN_END_CM 3.0
/* A turn (the roller reversed within one stretch) is at the calf's end
 * it faced when its place is within TURN_FAR of the length from that
 * end: people roll end to end and turn there; a stretch placed a few cm
 * off (its widths matched on the wrong part of the calf) must not hide
 * its turns. */
#define TURN_FAR 0.25
/* Of two sweeps meeting at a turn, an end this close to the extreme of
 * the two (cm) is the turning point (the other ended at a hold before a
 * short nudge on, too short to be a pass). */
#define TURN_JOIN_CM 1.0
/* Stretches without a turn, at least LOOSE_MIN_CM long, are placed again
 * on LOOSE_MIN_REFS or more pinned passes of their own line, moving at
 * most LOOSE_SEARCH_CM (the lean bias is a few cm; more is a mismatch). */
#define LOOSE_MIN_CM 5.0
#define LOOSE_MIN_REFS 2
#define LOOSE_SEARCH_CM 8.0
/* Share of its ticks a loose stretch may have beyond the pinned passes'
 * reach (their ends are a turn's width short of the calf's). */
#define LOOSE_MISS 0.1
/* Sweeps that turned at both ends needed to measure the calf's length
 * from their mean encoder span (instead of the extent of the anchors). */
#define FULL_SWEEPS_MIN 3
#define SPAN_AGREE_CM 0.5
/* People turn within about a centimetre of the calf's ends (brief: just
 * above the heel, just below the knee crease), a little differently each
 * time: the median turning point lies half that band inside the end.
 * The farthest reach of the rolling is no measure of the end: it is set
 * by the turn that went farthest and by the stretch whose encoder slipped
 * most, and (bin centre + half a bin, capped at 0.75 cm) put the ankle
 * 0.1-0.25 cm low, so every place read that much high (simulated seeds
 * 1-100: median of each session's signed hold error +0.10 cm on basic,
 * +0.25 on noisy; 0.00 on both with the half band). */
#define TURN_BAND_CM 1.0

typedef struct sweep {
    size_t first, last;       /* pass indices (time order, one stretch) */
    double e0, e1;            /* encoder cm at its start and end */
    double x0, x1;            /* placed calf cm */
    int remapped;             /* 1 slip corrected, 2 moved with one */
    int end[2];               /* start, end: 0 ankle, 1 knee, -1 neither */
} sweep;

/* Sweeps a and b (consecutive) of one stretch: the roller reversed
 * between them (sweeps change at a reversal or a new stretch). */
static int turn_between(const rm_engine *e, const sweep *a, const sweep *b)
{
    return e->passes[a->last].stretch == e->passes[b->first].stretch;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pass_x(const rm_engine *e, const rm_pass_rec *r,
                     double enc_cm);

/* The placing (drift.c) of pass i as currently mapped. */
static rm_placing pass_placing(const rm_engine *e, size_t i)
{
    const rm_pass_rec *r = &e->passes[i];
    double enc0 = e->st[r->stretch].enc0_cm;
    return (rm_placing){ .bmin = r->bmin, .bmax = r->bmax, .wsum = r->wsum,
                         .n = r->n, .pivot_e = r->map_pivot - enc0,
                         .a = r->map_a, .s = r->map_s, .init_a = r->map_a,
                         .placed = r->placed && r->wsum &&
                                   r->bmax - r->bmin >= 4 };
}

/*
 * A sweep left on its stretch's placement (no turn of its own at a calf
 * end) whose neighbour in the same stretch was moved onto a turning point
 * moves with it: within one stretch the encoder is continuous, so where
 * the neighbour now starts (or ends) is where this one ended (started).
 * Chains along the stretch both ways; with a moved neighbour on both
 * sides the two shifts are averaged.
 * Example: a leg put down mid-calf rolls up 18 cm, holds, turns below
 * the knee and rolls down; its widths placed it 5 cm too low. The down
 * sweep's turn is pinned to the knee's turning point (+5 cm); the up
 * sweep and its hold follow (+5 cm).
 */
static double joint_shift(const rm_engine *e, const sweep *w, int at_end)
{
    if (at_end)
        return pass_x(e, &e->passes[w->last], w->e1) - w->x1;
    return pass_x(e, &e->passes[w->first], w->e0) - w->x0;
}

static void carry_shifts(rm_engine *e, sweep *sw, size_t n)
{
    for (int round = 0; round < 2; round++) {
        for (size_t q = 0; q < n; q++) {
            /* round 0 walks forward, round 1 backward: chains both ways */
            size_t k = round == 0 ? q : n - 1 - q;
            sweep *w = &sw[k];
            if (w->remapped)
                continue;
            double sum = 0.0;
            int cnt = 0;
            if (k > 0 && sw[k - 1].remapped && turn_between(e, &sw[k - 1], w)) {
                sum += joint_shift(e, &sw[k - 1], 1);
                cnt++;
            }
            if (k + 1 < n && sw[k + 1].remapped &&
                turn_between(e, w, &sw[k + 1])) {
                sum += joint_shift(e, &sw[k + 1], 0);
                cnt++;
            }
            if (!cnt)
                continue;
            double d = sum / cnt;
            for (size_t i = w->first; i <= w->last; i++)
                if (e->passes[i].placed &&
                    e->passes[i].stretch == e->passes[w->first].stretch)
                    e->passes[i].map_a += d;
            w->remapped = 2; /* moved, not refitted */
        }
    }
}

/*
 * A stretch none of whose sweeps reached a turning point (the leg put
 * down mid-calf and lifted again) is placed by its widths alone, matched
 * against stretches of every line; a leaning load reads narrower, so on
 * a side line it lands several cm toward the narrow ankle. Once the
 * turns have pinned the other stretches, such a stretch is placed again
 * on the absolute widths of the pinned passes of its own line (same
 * lean, same bias), when they cover it.
 */
static rm_status replace_loose(rm_engine *e, const sweep *sw, size_t n)
{
    char *pinned = rm_calloc(e->n_passes + 1, 1);
    char *has_turn = rm_calloc(e->n_st + 1, 1);
    rm_placing *refs = rm_calloc(e->n_passes + 1, sizeof *refs);
    if (!pinned || !has_turn || !refs) {
        rm_free(pinned);
        rm_free(has_turn);
        rm_free(refs);
        return RM_ERR_NOMEM;
    }
    for (size_t k = 0; k < n; k++) {
        if (sw[k].end[0] < 0 && sw[k].end[1] < 0)
            continue;
        has_turn[e->passes[sw[k].first].stretch] = 1;
        for (size_t i = sw[k].first; i <= sw[k].last; i++)
            pinned[i] = e->passes[i].stretch == e->passes[sw[k].first].stretch;
    }
    for (size_t k = 0; k < e->n_st; k++) {
        rm_stretch *st = &e->st[k];
        double span = (double)(st->bmax - st->bmin + 1) * RM_BIN_CM;
        if (has_turn[k] || !st->placed || !st->wsum || span < LOOSE_MIN_CM)
            continue;
        rm_line line = stretch_line(e, (int)k);
        if (line == RM_LINE_UNKNOWN)
            continue;
        size_t m = 0;
        for (size_t i = 0; i < e->n_passes; i++)
            if (pinned[i] && stretch_line(e, e->passes[i].stretch) == line)
                refs[m++] = pass_placing(e, i);
        if (m < LOOSE_MIN_REFS)
            continue;
        rm_placing p = { .bmin = st->bmin, .bmax = st->bmax, .wsum = st->wsum,
                         .n = st->n, .pivot_e = 0.0, .a = st->offset_cm,
                         .s = 1.0, .init_a = st->offset_cm, .placed = 0 };
        rm_status rc = rm_drift_place_abs(&p, refs, m, e->al.dir,
                                          e->al.length_cm, 0, LOOSE_MISS);
        if (rc != RM_OK) {
            rm_free(pinned);
            rm_free(has_turn);
            rm_free(refs);
            return rc;
        }
        double d = p.a - st->offset_cm;
        if (!p.placed || !isfinite(d) || fabs(d) > LOOSE_SEARCH_CM)
            continue;
        st->offset_cm += d;
        for (size_t i = 0; i < e->n_passes; i++)
            if (e->passes[i].stretch == (int)k)
                e->passes[i].map_a += d;
    }
    rm_free(pinned);
    rm_free(has_turn);
    rm_free(refs);
    return RM_OK;
}

/* Move the calf's origin by `by` cm (every placement follows). */
static void ankle_shift(rm_engine *e, double by)
{
    for (size_t k = 0; k < e->n_st; k++)
        e->st[k].offset_cm -= by;
    for (size_t i = 0; i < e->n_passes; i++)
        e->passes[i].map_a -= by;
}

static rm_status fix_slip(rm_engine *e)
{
    if (!e->al.found || e->n_passes == 0)
        return RM_OK;
    sweep *sw = rm_calloc(e->n_passes, sizeof *sw);
    double *ta = rm_calloc(2 * e->n_passes, sizeof *ta);
    double *tk = rm_calloc(2 * e->n_passes, sizeof *tk);
    if (!sw || !ta || !tk) {
        rm_free(sw);
        rm_free(ta);
        rm_free(tk);
        return RM_ERR_NOMEM;
    }
    /* Sweeps: consecutive placed passes of one stretch in one direction. */
    size_t n = 0;
    for (size_t i = 0; i < e->n_passes; i++) {
        const rm_pass_rec *r = &e->passes[i];
        if (!r->placed)
            continue;
        int d = r->enc_to > r->enc_from ? 1 : -1;
        if (n > 0) {
            sweep *w = &sw[n - 1];
            const rm_pass_rec *q = &e->passes[w->last];
            int dq = q->enc_to > q->enc_from ? 1 : -1;
            if (q->stretch == r->stretch && dq == d) {
                w->last = i;
                w->e1 = r->enc_to;
                continue;
            }
        }
        sw[n].first = sw[n].last = i;
        sw[n].e0 = r->enc_from;
        sw[n].e1 = r->enc_to;
        n++;
    }
    double len = e->al.length_cm, shift = 0.0;
    size_t na = 0, nk = 0;
    for (size_t k = 0; k < n; k++) {
        sweep *w = &sw[k];
        w->x0 = pass_x(e, &e->passes[w->first], w->e0);
        w->x1 = pass_x(e, &e->passes[w->last], w->e1);
    }
    for (size_t k = 0; k < n; k++) {
        sweep *w = &sw[k];
        double ends[2] = { w->x0, w->x1 };
        for (int j = 0; j < 2; j++)
            w->end[j] = ends[j] < TURN_END_CM         ? 0
                        : ends[j] > len - TURN_END_CM ? 1
                                                      : -1;
    }
    /* Reversals within a stretch: the roller turned at the extreme of
     * the two sweeps' ends (a hold and a short nudge may lie between). */
    for (size_t k = 0; k + 1 < n; k++) {
        sweep *a = &sw[k], *b = &sw[k + 1];
        if (!turn_between(e, a, b))
            continue;
        int at_knee = e->al.dir * (a->e1 - a->e0) > 0;
        double xt = at_knee ? fmax(a->x1, b->x0) : fmin(a->x1, b->x0);
        if (at_knee ? xt < (1.0 - TURN_FAR) * len : xt > TURN_FAR * len)
            continue;
        if (fabs(a->x1 - xt) <= TURN_JOIN_CM)
            a->end[1] = at_knee;
        if (fabs(b->x0 - xt) <= TURN_JOIN_CM)
            b->end[0] = at_knee;
    }
    for (size_t k = 0; k < n; k++) {
        const sweep *w = &sw[k];
        double ends[2] = { w->x0, w->x1 };
        for (int j = 0; j < 2; j++) {
            if (w->end[j] == 0)
                ta[na++] = ends[j];
            else if (w->end[j] == 1)
                tk[nk++] = ends[j];
        }
    }
    if (na >= 2 && nk >= 2) {
        qsort(ta, na, sizeof *ta, cmp_dbl);
        qsort(tk, nk, sizeof *tk, cmp_dbl);
        double ankle = ta[na / 2], knee = tk[nk / 2];
        /* The calf's ends: half the turning band (TURN_BAND_CM) beyond
         * the usual turning points. The turning points' spacing is
         * measured through placements that carry each stretch's
         * accumulated slip; every sweep that turned at both ends measured
         * the calf on its own. When their mean
         * encoder span (slips of either sign average out) differs from
         * the spacing by more than SPAN_AGREE_CM, it replaces it, about
         * the same middle.
         * Example: anchors reach 0.2-39.9 cm (extent 40.2 cm), turning
         * points 1.0 and 37.5, mean span of the full sweeps 35.5 cm: the
         * turning points move to 1.5 and 37.0, the ends 0.5 beyond
         * them: length 36.5 cm. */
        double span_sum = 0.0;
        size_t n_full = 0;
        for (size_t k = 0; k < n; k++) {
            const sweep *w = &sw[k];
            if (w->end[0] >= 0 && w->end[1] >= 0 && w->end[0] != w->end[1]) {
                span_sum += fabs(w->e1 - w->e0);
                n_full++;
            }
        }
        double pad_lo = 0.5 * TURN_BAND_CM, pad_hi = 0.5 * TURN_BAND_CM;
        if (n_full >= FULL_SWEEPS_MIN &&
            fabs(span_sum / (double)n_full - (knee - ankle)) > SPAN_AGREE_CM) {
            double mid = 0.5 * (ankle + knee);
            double half = 0.5 * span_sum / (double)n_full;
            ankle = mid - half;
            knee = mid + half;
        }
        e->al.length_cm = knee - ankle + pad_lo + pad_hi;
        shift = ankle - pad_lo;
        for (size_t k = 0; k < n; k++) {
            sweep *w = &sw[k];
            int a0 = w->end[0] == 0, k0 = w->end[0] == 1;
            int a1 = w->end[1] == 0, k1 = w->end[1] == 1;
            double t0 = NAN, t1 = NAN; /* target places of e0, e1 */
            double move = NAN; /* shift only: the span agrees */
            if ((a0 && k1) || (k0 && a1)) {
                t0 = a0 ? ankle : knee;
                t1 = a1 ? ankle : knee;
                /* A span that agrees with the turning points' spacing
                 * shows no slip, but its stretch may still sit off them
                 * as a whole (its widths matched a little off): then it
                 * is moved by the mean of its two ends' misses, at the
                 * encoder's own scale. */
                if (fabs(fabs(w->x1 - w->x0) - fabs(t1 - t0)) <= SLIP_MIN_CM) {
                    move = 0.5 * ((t0 - w->x0) + (t1 - w->x1));
                    if (fabs(move) <= SLIP_MIN_CM)
                        continue;
                }
            } else if (a0 || k0) {
                t0 = a0 ? ankle : knee;
                if (fabs(w->x0 - t0) <= SLIP_MIN_CM)
                    continue;
            } else if (a1 || k1) {
                t1 = a1 ? ankle : knee;
                if (fabs(w->x1 - t1) <= SLIP_MIN_CM)
                    continue;
            } else {
                continue;
            }
            /* x = a + dir * s * (enc - pivot) for every pass of the
             * sweep, pivot at its start. */
            double s = 1.0, a;
            if (isfinite(move)) {
                a = w->x0 + move;
            } else if (isfinite(t0) && isfinite(t1)) {
                s = fabs(t1 - t0) / fabs(w->e1 - w->e0);
                a = t0;
            } else if (isfinite(t0)) {
                a = t0;
            } else {
                a = t1 - e->al.dir * (w->e1 - w->e0);
            }
            w->remapped = 1;
            for (size_t i = w->first; i <= w->last; i++) {
                rm_pass_rec *r = &e->passes[i];
                if (!r->placed || r->stretch != e->passes[w->first].stretch)
                    continue;
                r->map_a = a;
                r->map_s = s;
                r->map_pivot = w->e0;
            }
        }
    }
    if (shift != 0.0) {
        /* The new ankle end is the origin. */
        ankle_shift(e, shift);
        for (size_t k = 0; k < n; k++) {
            sw[k].x0 -= shift;
            sw[k].x1 -= shift;
        }
    }
    carry_shifts(e, sw, n);
    rm_status st = replace_loose(e, sw, n);
    /* The passes of a sweep stopped by a hold keep the sweep's one
     * mapping. Moving each (+-2 cm, free gain) onto the width profile of
     * its stretch's other passes was tried: a few cm of one pass's widths
     * on the sloping part of the calf fit a shifted place as well with
     * another gain, and the other passes carry their own slip; on
     * simulated seeds 1-100 it moved holds put down mid-calf by up to
     * 2.3 cm (hold position p95 0.99 with it, 0.95 without; with the gain
     * fixed at 1, 0.97). */
    rm_free(sw);
    rm_free(ta);
    rm_free(tk);
    return st;
}

/*
 * Lines. A pass's own lean is shrunk toward the mean lean of all rolling
 * in its stretch (the leg is turned onto a line for a placement and
 * mostly stays there) with the weight of LINE_PRIOR_S of ticks: a long
 * pass speaks for itself, a short one over the narrow lower calf (where
 * 20 mm cells barely show the lean) borrows from its neighbours. A hold
 * sits still, so the cell grid biases its lean the same way for its whole
 * length: it takes the line of the rolling around it when there is
 * enough of it, else its own.
 */
#define LINE_PRIOR_S 2.0
#define HOLD_OWN_LINE_S 3.0

/* Weighted lean sum, weights and tick count of a stretch's passes. */
static void stretch_lean(const rm_engine *e, int stretch, double *sum,
                         double *n, double *count)
{
    *sum = *n = *count = 0.0;
    /* Passes are kept in time order, so by stretch: a binary search finds
     * the stretch's first one (callers loop over passes and stretches,
     * and a scan of all passes here made that quadratic). */
    size_t lo = 0, hi = e->n_passes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->passes[mid].stretch < stretch)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < e->n_passes && e->passes[i].stretch == stretch;
         i++) {
        const rm_pass_rec *r = &e->passes[i];
        if (!(r->w_skew > 0) || !isfinite(r->skew))
            continue;
        *sum += r->skew * r->w_skew;
        *n += r->w_skew;
        *count += r->n_skew;
    }
}

static double tick_hz(const rm_engine *e)
{
    return e->rate_hz / (double)e->block;
}

static rm_line pass_line(const rm_engine *e, const rm_pass_rec *r)
{
    double sum, n, cnt;
    stretch_lean(e, r->stretch, &sum, &n, &cnt);
    double k = LINE_PRIOR_S * tick_hz(e);
    double own = r->n_skew > 0 && isfinite(r->skew) ? r->skew * r->n_skew : 0;
    double own_n = r->n_skew > 0 && isfinite(r->skew) ? r->n_skew : 0;
    double lean = NAN;
    if (n > 0 && own_n + k > 0)
        lean = (own + k * sum / n) / (own_n + k);
    else if (own_n > 0)
        lean = own / own_n;
    return rm_line_from_skew(lean, e->meta.leg, e->cfg.line_skew);
}

static rm_line hold_line(const rm_engine *e, const rm_hold_rec *h)
{
    double sum, n, cnt;
    stretch_lean(e, h->stretch, &sum, &n, &cnt);
    if (n > 0 && cnt >= HOLD_OWN_LINE_S * tick_hz(e))
        return rm_line_from_skew(sum / n, e->meta.leg, e->cfg.line_skew);
    return h->pub.line;
}

rm_status rm_engine_summarise(rm_engine *e)
{
    rm_status st = rm_align_fit(e->st, e->n_st, ALIGN_MIN_SPAN_CM,
                                PLACE_MIN_SPAN_CM, &e->al);
    if (st != RM_OK)
        return st;
    st = place_passes(e);
    if (st != RM_OK)
        return st;
    st = fix_slip(e);
    if (st != RM_OK)
        return st;
    rm_summary *s = &e->sum;
    memset(s, 0, sizeof *s);
    s->duration_s = (double)e->seq_index / e->rate_hz +
                    (e->frames ? 1.0 / e->rate_hz : 0.0);
    s->rate_hz = e->rate_hz;
    s->cells = e->meta.desc.cells;
    s->frames = e->frames;
    s->dropped_frames = e->dropped;
    s->leg = e->meta.leg;
    s->calf_found = e->al.found;
    s->calf_length_cm = e->al.found ? e->al.length_cm : NAN;
    s->contact_s = e->contact_s;

    if (e->n_holds) {
        e->holds_v = rm_calloc(e->n_holds, sizeof *e->holds_v);
        if (!e->holds_v)
            return RM_ERR_NOMEM;
        for (size_t i = 0; i < e->n_holds; i++) {
            rm_hold h = e->holds[i].pub;
            h.line = hold_line(e, &e->holds[i]);
            h.position_cm = rm_engine_place(e, e->holds[i].stretch,
                                            e->holds[i].enc_cm, h.start_s,
                                            h.end_s);
            h.position_frac = frac_of(e, h.position_cm);
            e->holds_v[i] = h;
        }
    }
    if (e->n_passes) {
        e->passes_v = rm_calloc(e->n_passes, sizeof *e->passes_v);
        if (!e->passes_v)
            return RM_ERR_NOMEM;
        for (size_t i = 0; i < e->n_passes; i++) {
            const rm_pass_rec *r = &e->passes[i];
            rm_pass p = r->pub;
            p.from_cm = rm_engine_place(e, r->stretch, r->enc_from,
                                        p.start_s, p.end_s);
            p.to_cm = rm_engine_place(e, r->stretch, r->enc_to, p.start_s,
                                      p.end_s);
            /* Without a placement the direction along the calf is not
             * known either: 0. */
            p.direction = isfinite(p.from_cm) && isfinite(p.to_cm)
                              ? (p.to_cm > p.from_cm ? 1 : -1) : 0;
            p.line = pass_line(e, r);
            e->passes_v[i] = p;
        }
    }
    if (e->n_flinches) {
        e->flinches_v = rm_calloc(e->n_flinches, sizeof *e->flinches_v);
        if (!e->flinches_v)
            return RM_ERR_NOMEM;
        for (size_t i = 0; i < e->n_flinches; i++) {
            const rm_flinch_rec *r = &e->flinches[i];
            rm_flinch f = r->pub;
            f.position_cm = rm_engine_place(e, r->stretch, r->enc_cm,
                                            f.time_s, f.time_s);
            f.position_frac = frac_of(e, f.position_cm);
            f.line = rm_line_from_skew(r->skew, e->meta.leg,
                                       e->cfg.line_skew);
            e->flinches_v[i] = f;
        }
    }
    if (e->peaks_tr.oom)
        return RM_ERR_NOMEM;
    st = rm_peaks_finish(e);
    if (st != RM_OK)
        return st;
    st = build_map(e);
    if (st != RM_OK)
        return st;

    s->passes = e->passes_v;
    s->n_passes = e->n_passes;
    s->holds = e->holds_v;
    s->n_holds = e->n_holds;
    s->flinches = e->flinches_v;
    s->n_flinches = e->n_flinches;
    s->peaks = e->peaks_v;
    s->n_peaks = e->n_peaks;
    st = rm_guidance_build(e);
    s->guidance = e->guide_v;
    s->n_guidance = e->n_guide;
    return st;
}
