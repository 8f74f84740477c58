/*
 * The live view: where the roller is on the calf while the session runs.
 * A provisional alignment is refitted on the stretches so far whenever
 * one ends, and the current stretch is placed on it every few seconds.
 * It serves only the live view and first-pass samples; rm_engine_finish()
 * places everything again from the stretch records.
 */
#include <math.h>
#include <string.h>

#include "engine_priv.h"

/* Refit orientation and length on the stretches so far when one ends; the
 * current stretch gets its own offset every PROV_EVERY_S of contact once
 * it spans PROV_MIN_CM. Cheap (one stretch against the template); the
 * final placement at finish redoes everything. */
#define PROV_EVERY_S 2.0
#define PROV_MIN_CM 10.0
/* Stretches after which the provisional alignment is no longer refitted. */
#define PROV_REFITS 12
/* The first stretch places itself once it spans this much (cm). */
#define PROV_ALONE_CM 20.0

static void provisional_fit(rm_engine *e)
{
    rm_align al;
    /* Once a dozen stretches have settled orientation and length, more
     * refits would cost O(stretches) each (O(n^2) over an hour) for no
     * visible change: keep the provisional alignment. */
    if (e->prov.found && e->n_st > PROV_REFITS)
        return;
    if (e->n_st == 0 || rm_align_fit(rm_engine_tmpls(e), e->st, e->n_st,
                                     RM_ALIGN_MIN_SPAN_CM,
                                     RM_PLACE_MIN_SPAN_CM, &al) != RM_OK)
        return;
    if (al.found)
        e->prov = al;
}

static void provisional_place(rm_engine *e, const rm_tick *t)
{
    if (t->t_s < e->prov_next_t)
        return;
    e->prov_next_t = t->t_s + PROV_EVERY_S;
    double span = (double)(e->cur.bmax - e->cur.bmin + 1) * RM_BIN_CM;
    if (span < PROV_MIN_CM)
        return;
    /* The current stretch as a finished one: arrays from bin bmin. */
    rm_stretch s = e->cur;
    s.wsum = e->cur_w + s.bmin;
    s.n = e->cur_n + s.bmin;
    s.ksum = NULL;
    if (!e->prov.found) {
        /* Nothing placed yet: this stretch alone, once it shows enough
         * of the calf to find its ends. */
        rm_align al;
        if (span >= PROV_ALONE_CM &&
            rm_align_fit(rm_engine_tmpls(e), &s, 1, PROV_ALONE_CM,
                         PROV_ALONE_CM, &al) == RM_OK &&
            al.found && s.placed) {
            e->prov = al;
            e->prov_offset = s.offset_cm;
        }
        return;
    }
    double off;
    if (rm_align_place_one(rm_engine_tmpls(e), &s, &e->prov, &off) ==
            RM_OK &&
        isfinite(off))
        e->prov_offset = off;
}

/* A stretch just ended: refit the provisional alignment on all so far;
 * the next stretch starts unplaced. */
void rm_live_stretch_end(rm_engine *e)
{
    if (e->live_pos)
        provisional_fit(e);
    e->prov_offset = NAN;
    e->prov_next_t = 0.0;
}

void rm_live_init(rm_engine *e)
{
    e->prov_offset = NAN;
    e->live_pos = 1;
    e->live.position_cm = e->live.position_frac = NAN;
    e->live.provisional = RM_LIVE_PROV_PLACE | RM_LIVE_PROV_LINE;
    rm_live_turns_init(&e->live_turns);
    e->live_turns.measured_cm = e->meta.calf_length_cm;
    rm_line_rule r = rm_engine_line_rule(e);
    rm_live_lines_init(&e->live_lines, &r, e->meta.desc.cells,
                       e->meta.desc.pitch_mm);
}

/* How the live view places a turn of the stretch under way. */
static rm_turn_view turn_view(const rm_engine *e)
{
    return (rm_turn_view){ .calf_dir = e->prov.found ? e->prov.dir : 0,
                           .length_cm = e->prov.length_cm,
                           .offset_cm = e->prov_offset,
                           .enc0_cm = e->cur.enc0_cm };
}

void rm_live_pass_end(rm_engine *e, const rm_pass_rec *pr)
{
    rm_live_lines_pass(&e->live_lines, pr);
    rm_turn_view v = turn_view(e);
    rm_live_turns_pass(&e->live_turns, pr->stretch, pr->enc_from, pr->enc_to,
                       &v);
}

/* A movement under way the other way from the last pass, long enough to
 * be a pass: the turn is recorded now, not when that pass ends (a hold
 * that follows it is placed from it). */
static void live_turn_watch(rm_engine *e, const rm_tick *t)
{
    const rm_pass_tracker *p = &e->passes_tr;
    rm_live_turns *lt = &e->live_turns;
    rm_turn_view v = turn_view(e);
    rm_live_turns_tick(lt, t->stretch, t->enc_cm, &v);
    if (p->dir != 0 && p->stretch == t->stretch &&
        fabs(t->enc_cm - p->anchor_p) >= e->cfg.pass_min_cm)
        rm_live_turns_moving(lt, t->stretch, p->dir, p->anchor_p, &v);
    rm_live_turns_placed(lt, t->stretch, &v);
}

/* The hold under way: the roller has come to rest in this stretch
 * (holds.c settles a run once it stood still 0.5 s), so its mean place
 * and line are what the report will give the hold. */
static const rm_hold_tracker *resting(const rm_engine *e, const rm_tick *t)
{
    const rm_hold_tracker *h = &e->holds_tr;
    return h->active && h->settled && h->stretch == t->stretch && h->n > 0
               ? h : NULL;
}

/* The line at tick t by the report's rule on the passes so far: a
 * resting roller's by the hold's, a rolling one's by the pass under way
 * (or this tick alone, between passes). */
static rm_line live_line(rm_engine *e, const rm_tick *t)
{
    rm_live_lines *ll = &e->live_lines;
    rm_live_lines_refit(ll, t->t_s);
    const rm_hold_tracker *h = resting(e, t);
    if (h) {
        double cop = h->n_cop > 0 ? h->sum_cop / h->n_cop : NAN;
        double skew = h->w_skew > 0 ? h->sum_skew / h->w_skew : NAN;
        return rm_live_lines_hold(ll, t->stretch, cop,
                                  rm_line_from_skew(skew, e->meta.leg,
                                                    e->cfg.line_skew));
    }
    const rm_pass_tracker *p = &e->passes_tr;
    if (p->dir != 0 && (p->n_cop > 0 || p->w_skew > 0)) {
        rm_lean own = { p->sum_skew, p->w_skew, (double)p->n_skew };
        return rm_live_lines_rolling(ll, t->stretch, &own, p->sum_cop,
                                     p->n_cop);
    }
    int lean_ok = isfinite(t->skew);
    rm_lean one = { lean_ok ? t->skew * t->skew_w : 0.0,
                    lean_ok ? t->skew_w : 0.0, lean_ok ? 1.0 : 0.0 };
    return rm_live_lines_rolling(ll, t->stretch, &one, t->cop_mm,
                                 isfinite(t->cop_mm) ? 1.0 : 0.0);
}

/* Calf cm of encoder distance enc_cm in the current stretch by the
 * provisional alignment, within 0..length (NAN: not placed). */
static double live_place(const rm_engine *e, double enc_cm)
{
    if (!isfinite(e->prov_offset))
        return NAN;
    double x = e->prov_offset + e->prov.dir * (enc_cm - e->cur.enc0_cm);
    return x < 0.0 ? 0.0 : x > e->prov.length_cm ? e->prov.length_cm : x;
}

/* The place of encoder distance enc_cm in the stretch of tick t: from
 * the stretch's latest turn at a calf end when it has one (the report's
 * frame), else by the provisional template alignment. *len: the calf
 * length that place is in; *anchored: 1 for the former. */
static double live_position(rm_engine *e, const rm_tick *t, double enc_cm,
                            double *len, int *anchored)
{
    const rm_live_turns *lt = &e->live_turns;
    double length = rm_live_turns_length(lt, e->prov.length_cm);
    double x = e->prov.found ? rm_live_turns_place(lt, t->stretch, enc_cm,
                                                   e->prov.dir, length)
                             : NAN;
    *anchored = isfinite(x);
    if (*anchored) {
        *len = fmax(length, x);
        return x;
    }
    *len = e->prov.length_cm;
    return live_place(e, enc_cm);
}

double rm_live_place_at(rm_engine *e, const rm_tick *t, double enc_cm,
                        double *len)
{
    int anchored;
    *len = e->prov.length_cm;
    return e->live_pos ? live_position(e, t, enc_cm, len, &anchored) : NAN;
}

/* The live view after tick t. */
void rm_live_tick(rm_engine *e, const rm_tick *t)
{
    rm_live *lv = &e->live;
    lv->time_s = t->t_s;
    lv->in_contact = t->contact;
    lv->force_n = t->force_n;
    lv->speed_cm_s = t->contact ? e->passes_tr.speed : 0.0;
    lv->hold_s = t->contact ? rm_holds_current_s(&e->holds_tr) : 0.0;
    lv->line = t->contact ? live_line(e, t) : RM_LINE_UNKNOWN;
    lv->position_cm = lv->position_frac = NAN;
    int anchored = 0;
    if (t->contact && e->live_pos) {
        provisional_place(e, t);
        live_turn_watch(e, t);
        /* A resting roller at its run's mean place, as the report will
         * place the hold (a flexing foot nudges it by millimetres). */
        const rm_hold_tracker *h = resting(e, t);
        double len;
        lv->position_cm = live_position(e, t, h ? h->sum_pos / (double)h->n
                                                : t->enc_cm,
                                        &len, &anchored);
        lv->position_frac = lv->position_cm / len;
    }
    lv->provisional = 0;
    if (!anchored || !rm_live_turns_firm(&e->live_turns, t->stretch))
        lv->provisional |= RM_LIVE_PROV_PLACE;
    const rm_hold_tracker *h = t->contact ? resting(e, t) : NULL;
    if (rm_live_lines_provisional(&e->live_lines, t->stretch, h != NULL,
                                  h && h->n_cop > 0 ? h->sum_cop / h->n_cop
                                                    : NAN))
        lv->provisional |= RM_LIVE_PROV_LINE;
}

void rm_engine_live_state(const rm_engine *e, rm_live *out)
{
    if (!out)
        return;
    if (!e) {
        memset(out, 0, sizeof *out);
        out->position_cm = out->position_frac = NAN;
        out->provisional = RM_LIVE_PROV_PLACE | RM_LIVE_PROV_LINE;
        return;
    }
    *out = e->live;
    const rm_descriptor *d = &e->meta.desc;
    out->cells = d->cells;
    for (unsigned i = 0; i < RM_MAX_CELLS; i++)
        out->cell_n[i] = i < d->cells ? rm_cell_force_n(d, i,
                                                        e->last_frame.cells[i])
                                      : 0.0;
}

/* Provisional positions serve only the live view and first-pass samples:
 * the summary refits everything at finish from the stretch records and
 * reads nothing of e->prov (rm_align_fit() resets every stretch's placed
 * flag first), so skipping them changes no final result. */
rm_status rm_engine_set_live_positions(rm_engine *e, int on)
{
    if (!e)
        return RM_ERR_ARG;
    e->live_pos = on != 0;
    if (!e->live_pos)
        e->prov_offset = NAN; /* no stale place while it is off */
    return RM_OK;
}

