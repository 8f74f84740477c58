/*
 * The live place in the report's frame: turns kept as passes end, the
 * roller placed from its stretch's latest turn at a calf end (see
 * live_turns.h). The same rules as slip.c's, cut to what a stream can
 * keep in fixed memory: a turn is at the calf end it faced when placed
 * within TURN_FAR of the length from it (rm_sweeps_mark_turns), a
 * put-down within TURN_END_CM of an end is at that end
 * (rm_sweeps_mark_ends), a sweep that fell PARTIAL_CM short of the
 * spacing (or, with a measured length, the tape less PAD_PLAUSIBLE_CM a
 * side) did not turn at its far end (rm_sweeps_drop_partial), and a
 * turn its own stretch rolled well past is none (rm_sweeps_drop_passed).
 */
#include <math.h>

#include "live_turns.h"

/* As slip.c: a turn within this share of the length from the end it
 * faced was at that end. */
#define TURN_FAR 0.25
/* As slip.c: a put-down this close to a calf end (cm) is at that end. */
#define TURN_END_CM 3.0
/* As slip.c: the calf's ends lie a pad beyond the usual turning points,
 * half RM_TURN_BAND_CM or what a measured length leaves (calf_frame.h). */
/* As slip.c: a sweep this much short of the spacing turned short. */
#define PARTIAL_CM 3.0
/* As slip.c: an anchor the stretch rolled this share of the length
 * beyond, plus SLIP_DRIFT of the path in between, is no calf end. */
#define PASSED_SHARE 0.1
#define SLIP_DRIFT 0.02
/* With a measured length, the most a sweep between the ends may fall
 * short of it at each end (cm): people turn 0-3 cm short of the heel and
 * the knee crease (calf_frame.h). A shorter "full" sweep turned short of
 * an end (a partial pass; the report drops it by the session's turns),
 * and its span would put the live ends elsewhere than the report's:
 * counted, the live place agreed with the report's 0.46 of the time on
 * the tuning family (0.54 on the random pool) where it left a pad over
 * 3 cm, against 0.93 (0.94) elsewhere (docs/engine.md, "The live pad
 * against the report's"). */
#define PAD_PLAUSIBLE_CM RM_TURN_SHORT_MAX_CM

void rm_live_turns_init(rm_live_turns *lt)
{
    *lt = (rm_live_turns){ .stretch = -1, .sweep_start = RM_END_NONE };
}

/* The pad beyond each usual turning point, as slip.c's: half the band,
 * or what a measured length leaves once a full sweep measured the
 * spacing (before, the spacing is a guess: half the band). A full sweep
 * falls at most PAD_PLAUSIBLE_CM short of the tape at each end, so the
 * spacing leaves no more than two turned-short ends: split equally, as
 * the report splits it there (calf_frame.h). */
static double pad_of(const rm_live_turns *lt)
{
    if (lt->measured_cm > 0.0 && lt->n_full > 0)
        return rm_calf_pad_of(lt->span_sum / (double)lt->n_full,
                              lt->measured_cm, RM_CALF_SHORT_NONE)
            .ankle_cm;
    return 0.5 * RM_TURN_BAND_CM;
}

double rm_live_turns_length(const rm_live_turns *lt, double fallback_cm)
{
    if (lt->measured_cm > 0.0) {
        /* The measured length, clamped by the spacing as the report's. */
        if (lt->n_full == 0)
            return lt->measured_cm;
        double pad = pad_of(lt);
        return lt->span_sum / (double)lt->n_full + pad + pad;
    }
    return lt->n_full > 0
               ? lt->span_sum / (double)lt->n_full + RM_TURN_BAND_CM
               : fallback_cm;
}

/* The turning points' spacing: the calf less a turning band. */
static double spacing_of(const rm_live_turns *lt, double length_cm)
{
    if (lt->measured_cm > 0.0 && lt->n_full > 0)
        return lt->span_sum / (double)lt->n_full;
    return rm_live_turns_length(lt, length_cm) - RM_TURN_BAND_CM;
}

/* +1 when larger encoder places lie toward calf end e. */
static int outward_sign(rm_turn_end e, int calf_dir)
{
    return e == RM_END_KNEE ? calf_dir : -calf_dir;
}

/* How far the stretch has reached beyond encoder place enc toward calf
 * end e, less the drift allowed over the path since. */
static double passed_by(const rm_live_turns *lt, rm_turn_end e,
                        int calf_dir, double enc)
{
    int s = outward_sign(e, calf_dir);
    double reach = s > 0 ? lt->reach_up : lt->reach_down;
    return reach - SLIP_DRIFT * lt->path - s * enc;
}

/* The calf end a turn at encoder te faced (the sweep before it moved in
 * encoder direction moved), or none: too far inside the calf, a sweep
 * from the other end too short to have reached it, or a place the
 * stretch already rolled well past. */
static rm_turn_end turn_end(const rm_live_turns *lt, double te, int moved,
                            const rm_turn_view *v)
{
    if (v->calf_dir == 0)
        return RM_END_NONE;
    int knee = v->calf_dir * moved > 0;
    rm_turn_end end = knee ? RM_END_KNEE : RM_END_ANKLE;
    double spacing = spacing_of(lt, v->length_cm);
    double swept = fabs(te - lt->sweep_e0);
    int from_other = lt->sweep_start != RM_END_NONE &&
                     lt->sweep_start != end;
    if (from_other && lt->n_full > 0 && swept < spacing - PARTIAL_CM)
        return RM_END_NONE;
    /* With a measured length a sweep between the ends spans it less at
     * most PAD_PLAUSIBLE_CM a side: one shorter turned short of this end
     * (rm_sweeps_drop_partial will find it so from the session's turns),
     * the first full sweep too, which the spacing cannot judge yet. */
    if (from_other && lt->measured_cm > 0.0 &&
        swept < lt->measured_cm - 2.0 * PAD_PLAUSIBLE_CM)
        return RM_END_NONE;
    if (passed_by(lt, end, v->calf_dir, te) > PASSED_SHARE * v->length_cm)
        return RM_END_NONE;
    double x = v->offset_cm + v->calf_dir * (te - v->enc0_cm);
    if (isfinite(x))
        return (knee ? x >= (1.0 - TURN_FAR) * v->length_cm
                     : x <= TURN_FAR * v->length_cm)
                   ? end
                   : RM_END_NONE;
    /* The stretch not placed yet: a sweep from the other end that
     * covered most of the calf reached this one. */
    return from_other && swept >= (1.0 - TURN_FAR) * spacing ? end
                                                             : RM_END_NONE;
}

static void set_anchor(rm_live_turns *lt, rm_turn_end end, double enc)
{
    lt->anchor[end] = (rm_live_anchor){ .set = 1, .enc = enc,
                                        .path = lt->path,
                                        .order = ++lt->order };
}

/* The roller turned at encoder te after moving in direction moved. */
static void record_turn(rm_live_turns *lt, double te, int moved,
                        const rm_turn_view *v)
{
    rm_turn_end end = turn_end(lt, te, moved, v);
    lt->turns_here++;
    if (end != RM_END_NONE) {
        lt->n_turns[end]++;
        if (lt->sweep_start != RM_END_NONE && lt->sweep_start != end) {
            lt->span_sum += fabs(te - lt->sweep_e0);
            lt->n_full++;
        }
        set_anchor(lt, end, te);
    }
    lt->sweep_e0 = te;
    lt->sweep_start = end;
    lt->turn_seen = 1;
}

/* The turn between the last pass and a movement the other way from
 * enc_from: the extreme of the two (a hold and a nudge may lie between,
 * as rm_sweeps_mark_turns takes it). */
static double turn_place(const rm_live_turns *lt, double enc_from)
{
    return lt->last_dir > 0 ? fmax(lt->last_to, enc_from)
                            : fmin(lt->last_to, enc_from);
}

static int reversed(const rm_live_turns *lt, int stretch, int dir)
{
    return stretch == lt->stretch && lt->last_dir != 0 &&
           dir == -lt->last_dir && !lt->turn_seen;
}

/* The first movement of a new stretch, from enc_from. */
static void stretch_begin(rm_live_turns *lt, int stretch, double enc_from)
{
    lt->stretch = stretch;
    lt->last_dir = 0;
    lt->turn_seen = 0;
    lt->sweep_e0 = lt->put_enc = lt->last_enc = enc_from;
    lt->sweep_start = RM_END_NONE;
    lt->put_at = RM_END_NONE;
    lt->put_counted = 0;
    lt->put_judged = 0;
    lt->turns_here = 0;
    lt->path = 0.0;
    lt->reach_up = enc_from;
    lt->reach_down = -enc_from;
    lt->anchor[RM_END_ANKLE].set = lt->anchor[RM_END_KNEE].set = 0;
}

void rm_live_turns_tick(rm_live_turns *lt, int stretch, double enc_cm,
                        const rm_turn_view *v)
{
    if (stretch != lt->stretch)
        return;
    double step = enc_cm - lt->last_enc;
    lt->path += step < 0.0 ? -step : step;
    lt->last_enc = enc_cm;
    double drift = SLIP_DRIFT * lt->path;
    if (enc_cm + drift > lt->reach_up)
        lt->reach_up = enc_cm + drift;
    if (-enc_cm + drift > lt->reach_down)
        lt->reach_down = -enc_cm + drift;
    if (v->calf_dir == 0)
        return;
    for (int e = RM_END_ANKLE; e <= RM_END_KNEE; e++) {
        rm_live_anchor *a = &lt->anchor[e];
        if (!a->set)
            continue;
        int s = outward_sign((rm_turn_end)e, v->calf_dir);
        if (s * (enc_cm - a->enc) - SLIP_DRIFT * (lt->path - a->path) >
            PASSED_SHARE * v->length_cm)
            a->set = 0;
    }
}

void rm_live_turns_pass(rm_live_turns *lt, int stretch, double enc_from,
                        double enc_to, const rm_turn_view *v)
{
    int dir = enc_to > enc_from ? 1 : -1;
    if (stretch != lt->stretch)
        stretch_begin(lt, stretch, enc_from);
    else if (reversed(lt, stretch, dir))
        record_turn(lt, turn_place(lt, enc_from), lt->last_dir, v);
    lt->last_dir = dir;
    lt->last_to = enc_to;
    lt->turn_seen = 0;
}

void rm_live_turns_moving(rm_live_turns *lt, int stretch, int dir,
                          double enc_from, const rm_turn_view *v)
{
    if (stretch != lt->stretch)
        stretch_begin(lt, stretch, enc_from);
    else if (reversed(lt, stretch, dir))
        record_turn(lt, turn_place(lt, enc_from), lt->last_dir, v);
}

/* Which calf end the put-down lies at by placement v, if any. */
static rm_turn_end put_end(const rm_live_turns *lt, const rm_turn_view *v)
{
    double x = v->offset_cm + v->calf_dir * (lt->put_enc - v->enc0_cm);
    rm_turn_end end = x < TURN_END_CM                   ? RM_END_ANKLE
                      : x > v->length_cm - TURN_END_CM ? RM_END_KNEE
                                                       : RM_END_NONE;
    if (end != RM_END_NONE &&
        passed_by(lt, end, v->calf_dir, lt->put_enc) >
            PASSED_SHARE * v->length_cm)
        return RM_END_NONE;
    return end;
}

/* The anchor at end e is the put-down (made where the stretch began). */
static int is_put_anchor(const rm_live_turns *lt, rm_turn_end e)
{
    const rm_live_anchor *a = &lt->anchor[e];
    return a->set && a->path == 0.0 && a->enc == lt->put_enc;
}

void rm_live_turns_placed(rm_live_turns *lt, int stretch,
                          const rm_turn_view *v)
{
    if (stretch != lt->stretch || v->calf_dir == 0 ||
        !isfinite(v->offset_cm) || lt->turns_here > 0 ||
        (lt->put_judged && v->offset_cm == lt->put_offset))
        return; /* judged on this very placement already */
    lt->put_offset = v->offset_cm;
    rm_turn_end end = put_end(lt, v);
    if (end == lt->put_at)
        return;
    if (lt->put_judged) {
        /* The first places of a stretch just put down still move as it
         * rolls on: a put-down found at an end stays there until a later
         * place puts it as far from that end as a turn may lie
         * (TURN_FAR); one judged inside the calf stays inside. */
        double x = v->offset_cm + v->calf_dir * (lt->put_enc - v->enc0_cm);
        double from_end = lt->put_at == RM_END_ANKLE ? x : v->length_cm - x;
        if (lt->put_at == RM_END_NONE || end != RM_END_NONE ||
            from_end < TURN_FAR * v->length_cm)
            return;
    }
    lt->put_judged = 1;
    if (lt->put_at != RM_END_NONE && is_put_anchor(lt, lt->put_at))
        lt->anchor[lt->put_at].set = 0;
    lt->put_at = end;
    lt->sweep_start = end; /* the first sweep began there */
    if (end == RM_END_NONE)
        return;
    if (!lt->put_counted) {
        lt->n_turns[end]++;
        lt->put_counted = 1;
    }
    set_anchor(lt, end, lt->put_enc);
    lt->anchor[end].path = 0.0;
}

/* The stretch's latest anchor still set, or NULL. */
static const rm_live_anchor *latest(const rm_live_turns *lt)
{
    const rm_live_anchor *a = &lt->anchor[RM_END_ANKLE];
    const rm_live_anchor *k = &lt->anchor[RM_END_KNEE];
    if (a->set && (!k->set || a->order > k->order))
        return a;
    return k->set ? k : NULL;
}

double rm_live_turns_place(const rm_live_turns *lt, int stretch,
                           double enc_cm, int calf_dir, double length_cm)
{
    const rm_live_anchor *a = latest(lt);
    if (stretch != lt->stretch || !a || calf_dir == 0)
        return NAN;
    double pad = pad_of(lt);
    double at = a == &lt->anchor[RM_END_ANKLE] ? pad : length_cm - pad;
    double x = at + calf_dir * (enc_cm - a->enc);
    /* Without a full sweep the length is the template's guess, often
     * short (the first stretch's fit): the roller may lie beyond it. */
    return x < 0.0 ? 0.0 : x > length_cm && lt->n_full > 0 ? length_cm : x;
}

int rm_live_turns_firm(const rm_live_turns *lt, int stretch)
{
    const rm_live_anchor *a = latest(lt);
    /* With a measured length the ankle end lies a pad below the ankle
     * turns that only the spacing tells (calf_frame.h): firm once a full
     * sweep measured it (turn_end counts none that leaves a pad beyond
     * PAD_PLAUSIBLE_CM). */
    int pad_known = lt->n_full > 0 || !(lt->measured_cm > 0.0);
    return stretch == lt->stretch && a && pad_known &&
           (a == &lt->anchor[RM_END_ANKLE] || lt->n_full > 0);
}
