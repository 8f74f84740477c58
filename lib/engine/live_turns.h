/*
 * live_turns.h - the live place in the report's frame (live_turns.c).
 * The report measures every place from the usual turning points (slip.c:
 * the calf's ankle end half a turning band below the ankle turns, its
 * knee end as far above the knee turns) and pins each sweep to the calf
 * end it started or ended at (a turn, or a put-down near an end); within
 * a stretch the encoder is continuous. So the live view keeps, as passes
 * end, the turns of the stretch under way and how far apart the ankle
 * and knee turns lie (the encoder span of the sweeps that turned at both
 * ends), and places the roller from the stretch's latest turn at a calf
 * end. Fixed size, O(1) a pass and a tick. Private to lib/engine/.
 */
#ifndef ROLLMAP_ENGINE_LIVE_TURNS_H
#define ROLLMAP_ENGINE_LIVE_TURNS_H

#include "finish.h"

/* A turn (or put-down) of the stretch under way at one calf end. */
typedef struct rm_live_anchor {
    int set;                  /* made, and not rolled well past since */
    double enc;               /* its encoder place (cm) */
    double path;              /* the stretch's path rolled by then (cm) */
    long order;               /* the latest anchor places the roller */
} rm_live_anchor;

typedef struct rm_live_turns {
    /* The session's measured calf length (cm; 0: none), set after
     * rm_live_turns_init(): the ends lie where it puts them, as the
     * report's (calf_frame.h). */
    double measured_cm;
    /* The session so far. */
    long n_turns[2];          /* turns marked at the ankle, at the knee */
    double span_sum;          /* encoder spans of the full sweeps */
    long n_full;              /* sweeps that turned at both ends */
    long order;               /* anchors made so far */
    /* The stretch under way. */
    int stretch;              /* -1: none yet */
    int last_dir;             /* encoder direction of its last pass; 0 */
    double last_to;           /* where that pass ended (encoder cm) */
    int turn_seen;            /* the turn after that pass is recorded */
    double sweep_e0;          /* where the sweep under way began */
    rm_turn_end sweep_start;  /* the calf end it began at (a turn) */
    double put_enc;           /* where the stretch's first pass began */
    rm_turn_end put_at;       /* the calf end it lies at as last placed */
    int put_judged;           /* placed once (put_at judged) */
    double put_offset;        /* the placement it was last judged on */
    int put_counted;          /* it counted as a turn at an end */
    int turns_here;           /* turns recorded in this stretch */
    double path, last_enc;    /* encoder path rolled; the latest place */
    /* The farthest the stretch reached each encoder way, less the drift
     * a slipping sleeve allows over the path rolled since (slip.c's
     * rm_sweeps_drop_passed): max of enc + d s and of -enc + d s. */
    double reach_up, reach_down;
    rm_live_anchor anchor[2]; /* at the ankle, at the knee */
} rm_live_turns;

/* What decides whether a turn was at a calf end: the calf's direction
 * (+1: encoder counts up toward the knee; 0: orientation unknown), its
 * provisional length, and the stretch's provisional placement (calf cm
 * offset_cm at encoder enc0_cm; offset NAN: not placed yet). */
typedef struct rm_turn_view {
    int calf_dir;
    double length_cm;
    double offset_cm, enc0_cm;
} rm_turn_view;

void rm_live_turns_init(rm_live_turns *lt);
/* The roller of `stretch` at encoder enc_cm (every tick in contact): the
 * path rolled grows, and an anchor the stretch has now rolled well past
 * toward its end is dropped (a partial turn or a put-down inside the
 * calf, as rm_sweeps_drop_passed). */
void rm_live_turns_tick(rm_live_turns *lt, int stretch, double enc_cm,
                        const rm_turn_view *v);
/* A pass of `stretch` ended (time order), enc_from -> enc_to; v places
 * the turn before it, if it followed one (its start). */
void rm_live_turns_pass(rm_live_turns *lt, int stretch, double enc_from,
                        double enc_to, const rm_turn_view *v);
/* The roller in `stretch` is moving in encoder direction dir (+-1) since
 * enc_from, far enough to make a pass: a turn after the last pass is
 * recorded at once (the pass it starts ends only when the roller stops
 * or turns again). */
void rm_live_turns_moving(rm_live_turns *lt, int stretch, int dir,
                          double enc_from, const rm_turn_view *v);
/* The stretch under way placed provisionally (v): its put-down is at a
 * calf end when placed within 3 cm of one (as rm_sweeps_mark_ends marks
 * a sweep's start). Judged at its first place, again when a later one
 * moves it well away from the end (live_turns.c); never after a turn. */
void rm_live_turns_placed(rm_live_turns *lt, int stretch,
                          const rm_turn_view *v);
/* The calf's length (cm) so far: the full sweeps' mean encoder span (the
 * turning points' spacing) and a turning band, else fallback_cm; with a
 * measured length, that length (clamped by the spacing as the report's,
 * rm_calf_pad_of). */
double rm_live_turns_length(const rm_live_turns *lt, double fallback_cm);
/* Where the report will put encoder place enc_cm of `stretch`, from the
 * stretch's latest anchor (cm from the ankle end of a calf length_cm
 * long, rm_live_turns_length(); within it once a full sweep measured
 * it, else >= 0); NAN without an anchor. */
double rm_live_turns_place(const rm_live_turns *lt, int stretch,
                           double enc_cm, int calf_dir, double length_cm);
/* 1 when rm_live_turns_place() rests on what the report's place will:
 * an anchor at the ankle (the report's origin), or one at the knee once
 * a full sweep has measured the spacing (before, it is the template's
 * length); with a measured length either only after a full sweep (the
 * pad at the ankle end rests on the spacing too). */
int rm_live_turns_firm(const rm_live_turns *lt, int stretch);

#endif /* ROLLMAP_ENGINE_LIVE_TURNS_H */
