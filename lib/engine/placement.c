/*
 * Placement at finish, after align.c has fitted orientation, length and
 * each stretch's offset: stretches too short for the template are placed
 * on the widths of the anchors (stretches that rolled most of the calf),
 * every pass starts from its stretch's place, and the anchors' rolled
 * extent becomes the calf, its ankle end the origin.
 */
#include <math.h>

#include "finish.h"

/* Anchors rolled at least this share of the provisional length. */
#define ANCHOR_SHARE 0.7
/* Shorter stretches cannot be placed at all (cm); up to SHORT_MAX_CM a
 * stretch shows too little of the shape for the template (align.c) and
 * is placed on the anchors' widths instead. Longer ones keep the place
 * align.c found (template, then correlation with the other stretches):
 * matching absolute widths puts side-line stretches several cm toward
 * the ankle, as a leaning load reads narrower over the bellies. */
#define SHORT_MIN_CM 2.0
#define SHORT_MAX_CM 12.0
/* An end bin needs this many ticks, so a stray tick does not move it. */
#define END_MIN_TICKS 2.0
/* A pass with fewer used bins than this has no width profile to place. */
#define PASS_MIN_BINS 4

static double pass_x(int dir, const rm_pass_rec *r, double enc_cm)
{
    return rm_calf_x(&r->map, dir, enc_cm);
}

static double place_raw(const rm_layout *lay, int stretch, double enc_cm,
                        double t0_s, double t1_s)
{
    if (stretch < 0 || (size_t)stretch >= lay->n_st || !lay->al->found)
        return NAN;
    int dir = lay->al->dir;
    const rm_pass_rec *before = NULL, *after = NULL;
    for (size_t i = 0; i < lay->n_passes; i++) {
        const rm_pass_rec *r = &lay->passes[i];
        if (r->stretch != stretch || !r->placed)
            continue;
        if (r->pub.start_s <= t0_s && r->pub.end_s >= t1_s)
            return pass_x(dir, r, enc_cm);
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
        return 0.5 * (pass_x(dir, before, enc_cm) + pass_x(dir, after, enc_cm));
    if (before)
        return pass_x(dir, before, enc_cm);
    if (after)
        return pass_x(dir, after, enc_cm);
    const rm_stretch *s = &lay->st[stretch];
    if (!s->placed)
        return NAN;
    rm_calf_pos m = { s->offset_cm, 1.0, s->enc0_cm };
    return rm_calf_x(&m, dir, enc_cm);
}

/*
 * The calf is, by construction, what the rolling covered: a loaded
 * contact line cannot lie beyond its ends. A place past an end is the
 * mapping's error at that end (a stretch's scale or offset a little off),
 * so it is put on the end.
 */
double rm_layout_place(const rm_layout *lay, int stretch, double enc_cm,
                       double t0_s, double t1_s)
{
    double x = place_raw(lay, stretch, enc_cm, t0_s, t1_s);
    double len = lay->al->length_cm;
    if (!isfinite(x) || !(len > 0))
        return x;
    return x < 0.0 ? 0.0 : x > len ? len : x;
}

void rm_layout_shift(rm_layout *lay, double by)
{
    for (size_t k = 0; k < lay->n_st; k++)
        lay->st[k].offset_cm -= by;
    for (size_t i = 0; i < lay->n_passes; i++)
        lay->passes[i].map.a_cm -= by;
}

static double span_cm(int bmin, int bmax)
{
    return (double)(bmax - bmin + 1) * RM_BIN_CM;
}

/* Stretch k as a drift.c placing at its current offset. */
static rm_placing stretch_placing(const rm_stretch *s)
{
    return (rm_placing){ .bmin = s->bmin, .bmax = s->bmax, .wsum = s->wsum,
                         .n = s->n, .pivot_e = 0, .a = s->offset_cm,
                         .s = 1.0, .placed = s->placed };
}

/* Marks the anchors (anchor[k] = 1) and returns how many there are. */
static size_t mark_anchors(const rm_layout *lay, char *anchor)
{
    size_t n = 0;
    for (size_t k = 0; k < lay->n_st; k++) {
        const rm_stretch *s = &lay->st[k];
        anchor[k] = span_cm(s->bmin, s->bmax) >=
                        ANCHOR_SHARE * lay->al->length_cm && s->placed;
        n += anchor[k] != 0;
    }
    return n;
}

/* The anchors to place stretch k against: those on its line when there
 * are any (the measured width depends a little on the line: a leaning
 * load is narrower in its moments), else all. Returns how many. */
static size_t pick_anchors(const rm_layout *lay, const rm_line_rule *rule,
                           const char *anchor, size_t k, rm_placing *out)
{
    rm_line line = rm_stretch_line(lay->passes, lay->n_passes, (int)k, rule);
    size_t j = 0;
    for (size_t q = 0; q < lay->n_st; q++)
        if (anchor[q] &&
            rm_stretch_line(lay->passes, lay->n_passes, (int)q, rule) == line)
            out[j++] = stretch_placing(&lay->st[q]);
    if (j == 0)
        for (size_t q = 0; q < lay->n_st; q++)
            if (anchor[q])
                out[j++] = stretch_placing(&lay->st[q]);
    return j;
}

/* Short stretches (SHORT_MIN_CM..SHORT_MAX_CM, or longer ones align.c
 * could not place) onto the anchors' widths. */
static rm_status place_short(rm_layout *lay, const rm_line_rule *rule,
                             const char *anchor)
{
    rm_placing *refs = rm_calloc(lay->n_st, sizeof *refs);
    if (!refs)
        return RM_ERR_NOMEM;
    rm_status st = RM_OK;
    for (size_t k = 0; k < lay->n_st && st == RM_OK; k++) {
        rm_stretch *s = &lay->st[k];
        double span = span_cm(s->bmin, s->bmax);
        if (anchor[k] || !s->wsum || span < SHORT_MIN_CM ||
            (span >= SHORT_MAX_CM && s->placed))
            continue;
        size_t j = pick_anchors(lay, rule, anchor, k, refs);
        rm_placing p = stretch_placing(s);
        p.placed = 0;
        st = rm_drift_place_abs(&p, refs, j, lay->al->dir,
                                lay->al->length_cm, span >= SHORT_MAX_CM, 0.0);
        s->placed = p.placed;
        s->offset_cm = p.a;
    }
    rm_free(refs);
    return st;
}

/* Extend [*lo, *hi] by the calf cm of every bin of s with enough ticks. */
static void extent_of(const rm_stretch *s, int dir, double *lo, double *hi)
{
    rm_calf_pos m = { s->offset_cm, 1.0, 0.0 };
    for (int b = s->bmin; b <= s->bmax; b++) {
        if (s->n[b - s->bmin] < END_MIN_TICKS)
            continue;
        double x = rm_calf_x(&m, dir, rm_bin_enc_cm(b));
        *lo = x < *lo ? x : *lo;
        *hi = x > *hi ? x : *hi;
    }
}

/* The calf's ankle end in current calf cm (0 when nothing is placed);
 * sets the length. With anchors, only they mark the ends: a short stretch
 * placed a little wrong must not stretch the calf. */
static double calf_ends(const rm_layout *lay, const char *anchor,
                        size_t n_anchor, double margin_cm)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < lay->n_st; k++) {
        if (!lay->st[k].placed || (n_anchor && !anchor[k]))
            continue;
        extent_of(&lay->st[k], lay->al->dir, &lo, &hi);
    }
    if (!isfinite(lo) || !isfinite(hi))
        return 0.0;
    lo -= 0.5 * RM_BIN_CM + margin_cm;
    hi += 0.5 * RM_BIN_CM + margin_cm;
    lay->al->length_cm = hi - lo;
    return lo;
}

rm_status rm_place_passes(rm_layout *lay, const rm_line_rule *rule,
                          double end_margin_cm)
{
    char *anchor = rm_calloc(lay->n_st + 1, 1);
    if (!anchor)
        return RM_ERR_NOMEM;
    size_t n_anchor = mark_anchors(lay, anchor);
    if (n_anchor > 0) {
        rm_status st = place_short(lay, rule, anchor);
        if (st != RM_OK) {
            rm_free(anchor);
            return st;
        }
    }
    double lo = calf_ends(lay, anchor, n_anchor, end_margin_cm);
    rm_free(anchor);
    int dir = lay->al->dir;
    /* Passes start where their stretch now is, pivot at their middle. */
    for (size_t i = 0; i < lay->n_passes; i++) {
        rm_pass_rec *r = &lay->passes[i];
        const rm_stretch *s = &lay->st[r->stretch];
        double pivot = 0.5 * (r->enc_from + r->enc_to) - s->enc0_cm;
        r->placed = s->placed && r->wsum && r->bmax - r->bmin >= PASS_MIN_BINS;
        r->map = (rm_calf_pos){ s->offset_cm + dir * pivot - lo, 1.0,
                                pivot + s->enc0_cm };
    }
    for (size_t k = 0; k < lay->n_st; k++)
        lay->st[k].offset_cm -= lo;
    return RM_OK;
}
