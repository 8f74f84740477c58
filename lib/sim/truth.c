/*
 * Simulator truth: what was planted (calf, body, holds, passes, flinches,
 * lift-offs, trigger points, lost frames) as JSON via json-c, in the words
 * the report schema uses. Documented in docs/simulator.md ("Truth file").
 */
#include <json-c/json.h>
#include <stdio.h>

#include "sim_internal.h"

#define TRUTH_VERSION 1

/* A number printed with a fixed number of decimals (json-c would print
 * 17 significant digits otherwise). */
static json_object *num(double v, int decimals)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return json_object_new_double_s(v, buf);
}

static int add(json_object *o, const char *key, json_object *v)
{
    if (!v)
        return 1;
    json_object_object_add(o, key, v);
    return 0;
}

static int add_pos(json_object *o, const rm_sim *sim, double pos_cm)
{
    int bad = add(o, "position_cm", num(pos_cm, 2));
    bad |= add(o, "position_frac", num(pos_cm / sim->calf_len_cm, 4));
    return bad;
}

static int add_str(json_object *o, const char *key, const char *s)
{
    return add(o, key, json_object_new_string(s));
}

static json_object *calf_json(const rm_sim *sim, int *bad)
{
    json_object *c = json_object_new_object();
    if (!c) {
        *bad = 1;
        return NULL;
    }
    *bad |= add(c, "length_cm", num(sim->calf_len_cm, 2));
    *bad |= add(c, "ankle_width_cm", num(sim->w_ankle_cm, 2));
    *bad |= add(c, "max_width_cm", num(sim->w_max_cm, 2));
    *bad |= add(c, "max_width_frac", num(sim->w_max_frac, 3));
    *bad |= add(c, "knee_width_cm", num(sim->w_knee_cm, 2));
    *bad |= add(c, "medial_side", json_object_new_string(
                                      sim->medial_sign > 0 ? "high_cells"
                                                           : "low_cells"));
    *bad |= add(c, "compression_per_100n", num(sim->comp_per_n * 100.0, 4));
    return c;
}

static const char *const class_names[] = { "fading", "steady", "appearing" };

/* --person: the person, the day, and every spot of the person with its
 * class, course and strength today (0: not there today, so not among
 * trigger_points). */
static json_object *person_json(const rm_sim *sim)
{
    const sim_person *p = &sim->person;
    json_object *o = json_object_new_object(), *arr = json_object_new_array();
    if (!o || !arr) {
        json_object_put(o);
        json_object_put(arr);
        return NULL;
    }
    int bad = add_str(o, "id", p->id);
    bad |= add(o, "day", json_object_new_int((int)p->day));
    for (int i = 0; i < p->n_spot; i++) {
        const sim_spot *s = &p->spot[i];
        json_object *e = json_object_new_object();
        if (!e) {
            bad = 1;
            break;
        }
        bad |= add(e, "id", json_object_new_int(s->id));
        bad |= add_str(e, "class", class_names[s->cls]);
        bad |= add(e, "strength", num(s->strength, 3));
        bad |= add(e, "gain", num(s->full.gain * s->strength, 3));
        bad |= add(e, "full_gain", num(s->full.gain, 3));
        if (s->cls == SPOT_FADING)
            bad |= add(e, "half_life_days", num(s->half_life_d, 2));
        if (s->cls == SPOT_APPEARING) {
            bad |= add(e, "onset_day", num(s->onset_d, 0));
            bad |= add(e, "ramp_days", num(s->ramp_d, 2));
        }
        bad |= add_pos(e, sim, s->full.position_cm);
        bad |= add_str(e, "line", rm_line_name(s->full.line));
        bad |= add_str(e, "zone", rm_zone_name(s->full.zone));
        bad |= add(e, "size_cm", num(s->full.size_cm, 2));
        json_object_array_add(arr, e);
    }
    bad |= add(o, "spots", arr);
    if (bad) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* Truth passes on the point's line that roll over it with 2.5 cm to
 * spare at both ends. */
static unsigned passes_over(const rm_sim *sim, const sim_tp *tp)
{
    unsigned n = 0;
    for (size_t i = 0; i < sim->passes.n; i++) {
        const sim_pass *p = &sim->passes.v[i];
        double lo = fmin(p->from_cm, p->to_cm), hi = fmax(p->from_cm, p->to_cm);
        n += p->line == tp->line && tp->position_cm >= lo + 2.5 &&
             tp->position_cm <= hi - 2.5;
    }
    return n;
}

/* A point's rise: the largest ratio, less one, of a cell's noise-free
 * force with the point to without it, the leg resting on the point on
 * its line at the person's own load (cells carrying under 10 % of the
 * busiest cell left out). */
static double tp_rise(const rm_sim *sim, int i)
{
    sim_state st;
    double with[RM_MAX_CELLS], without[RM_MAX_CELLS], top = 0.0, rise = 0.0;
    rm_sim_probe_state(sim, sim->tp[i].position_cm, sim->tp[i].line, &st);
    rm_sim_cell_forces(sim, &st, with, -1);
    rm_sim_cell_forces(sim, &st, without, i);
    unsigned n = sim->meta.desc.cells;
    for (unsigned c = 0; c < n; c++)
        top = fmax(top, without[c]);
    for (unsigned c = 0; c < n; c++)
        if (without[c] > 0.1 * top && with[c] / without[c] - 1.0 > rise)
            rise = with[c] / without[c] - 1.0;
    return rise;
}

/* Extra truth under --physics (absent otherwise, so the original's truth
 * stays byte for byte). */
static int physics_json(const rm_sim *sim, json_object *root)
{
    const sim_physics *ph = &sim->phy;
    int bad = add_str(root, "physics", ph->names);
    bad |= add_str(root, "position_frame",
                   "anatomical: cm from the ankle end of the calf");
    json_object *o = json_object_new_object();
    if (o) {
        bad |= add(o, "rest_mm", num(PHY_LINE_ANY(sim) ? ph->rest_mm : 0.0, 1));
        bad |= add(o, "shift_mm", num(PHY_ON(sim, PHY_LINE_SHIFT) ||
                                      PHY_ON(sim, PHY_LINE_BOTH)
                                          ? ph->shift_mm : 0.0, 1));
        bad |= add(o, "lean", num(PHY_LINE_ANY(sim) ? ph->lean : 0.30, 3));
        bad |= add(o, "clock_rate_error",
                   num(PHY_ON(sim, PHY_CLOCK_SKEW) ? ph->rate_err : 0.0, 5));
        bad |= add(o, "breath_amp",
                   num(PHY_ON(sim, PHY_BREATH) ? ph->breath_amp : 0.0, 4));
        bad |= add(o, "achilles_frac", num(sim->w_flat_frac, 3));
    }
    bad |= add(root, "physics_params", o);
    json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < sim->pauses.n; i++) {
        const sim_pause *p = &sim->pauses.v[i];
        json_object *q = json_object_new_object();
        if (!q) {
            bad = 1;
            break;
        }
        bad |= add(q, "start_s", num(p->start_s, 3));
        bad |= add(q, "end_s", num(p->end_s, 3));
        bad |= add_pos(q, sim, p->position_cm);
        json_object_array_add(arr, q);
    }
    bad |= add(root, "pauses", arr);
    return bad;
}

static json_object *build(const rm_sim *sim)
{
    int bad = 0;
    json_object *root = json_object_new_object();
    if (!root)
        return NULL;
    const rm_descriptor *d = &sim->meta.desc;
    bad |= add(root, "version", json_object_new_int(TRUTH_VERSION));
    bad |= add_str(root, "scenario", sim->par.name);
    bad |= add(root, "seed", json_object_new_uint64(sim->seed));
    bad |= add_str(root, "leg", rm_leg_name(sim->meta.leg));
    bad |= add(root, "duration_s", num(sim->duration_s, 3));
    bad |= add(root, "rate_hz", num(d->rate_hz, 3));
    bad |= add(root, "cells", json_object_new_int((int)d->cells));
    bad |= add(root, "frames", json_object_new_uint64(sim->n_frames -
                                                      sim->dropped_total));
    bad |= add(root, "dropped_frames", json_object_new_uint64(sim->dropped_total));
    bad |= add(root, "calf", calf_json(sim, &bad));

    json_object *body = json_object_new_object();
    if (body) {
        bad |= add(body, "mass_kg", num(sim->mass_kg, 2));
        bad |= add(body, "load_fraction", num(sim->load_frac, 4));
        bad |= add(body, "load_n", num(sim->load_n, 2));
    }
    bad |= add(root, "body", body);

    json_object *arr = json_object_new_array();
    for (size_t i = 0; arr && i < sim->holds.n; i++) {
        const sim_hold *h = &sim->holds.v[i];
        json_object *o = json_object_new_object();
        if (!o) {
            bad = 1;
            break;
        }
        bad |= add(o, "start_s", num(h->start_s, 3));
        bad |= add(o, "end_s", num(h->end_s, 3));
        bad |= add(o, "duration_s", num(h->end_s - h->start_s, 3));
        bad |= add_pos(o, sim, h->position_cm);
        bad |= add_str(o, "line", rm_line_name(h->line));
        bad |= add_str(o, "technique", rm_technique_name(h->tech));
        bad |= add(o, "flexes", json_object_new_int((int)h->flexes));
        bad |= add(o, "modulation_hz", num(h->mod_hz, 3));
        bad |= add(o, "load_n", num(h->load_n, 2));
        json_object_array_add(arr, o);
    }
    bad |= add(root, "holds", arr);

    arr = json_object_new_array();
    for (size_t i = 0; arr && i < sim->passes.n; i++) {
        const sim_pass *p = &sim->passes.v[i];
        json_object *o = json_object_new_object();
        if (!o) {
            bad = 1;
            break;
        }
        double dur = p->end_s - p->start_s;
        bad |= add(o, "start_s", num(p->start_s, 3));
        bad |= add(o, "end_s", num(p->end_s, 3));
        bad |= add(o, "from_cm", num(p->from_cm, 2));
        bad |= add(o, "to_cm", num(p->to_cm, 2));
        bad |= add(o, "direction", json_object_new_int(p->to_cm > p->from_cm ? 1 : -1));
        bad |= add_str(o, "line", rm_line_name(p->line));
        bad |= add(o, "mean_speed_cm_s",
                   num(dur > 0 ? fabs(p->to_cm - p->from_cm) / dur : 0.0, 3));
        bad |= add(o, "load_n", num(p->load_n, 2));
        bad |= add(o, "encoder_slip", num(p->slip, 4));
        json_object_array_add(arr, o);
    }
    bad |= add(root, "passes", arr);

    arr = json_object_new_array();
    for (size_t i = 0; arr && i < sim->flinches.n; i++) {
        const sim_flinch *f = &sim->flinches.v[i];
        json_object *o = json_object_new_object();
        if (!o) {
            bad = 1;
            break;
        }
        bad |= add(o, "time_s", num(f->time_s, 3));
        bad |= add_pos(o, sim, f->position_cm);
        bad |= add_str(o, "line", rm_line_name(f->line));
        bad |= add(o, "force_before_n", num(f->load_n, 2));
        if (sim->phy.names[0])
            bad |= add_str(o, "kind", f->partial ? "partial" : "lift");
        json_object_array_add(arr, o);
    }
    bad |= add(root, "flinches", arr);

    arr = json_object_new_array();
    for (size_t i = 0; arr && i < sim->liftoffs.n; i++) {
        const sim_liftoff *l = &sim->liftoffs.v[i];
        json_object *o = json_object_new_object();
        if (!o) {
            bad = 1;
            break;
        }
        bad |= add(o, "start_s", num(l->start_s, 3));
        bad |= add(o, "end_s", num(l->end_s, 3));
        bad |= add(o, "flinch", json_object_new_boolean(l->flinch));
        json_object_array_add(arr, o);
    }
    bad |= add(root, "liftoffs", arr);

    arr = json_object_new_array();
    for (size_t i = 0; arr && i < sim->placements.n; i++) {
        const sim_placement *p = &sim->placements.v[i];
        json_object *o = json_object_new_object();
        if (!o) {
            bad = 1;
            break;
        }
        bad |= add(o, "time_s", num(p->time_s, 3));
        bad |= add_pos(o, sim, p->position_cm);
        bad |= add_str(o, "line", rm_line_name(p->line));
        bad |= add(o, "centre_mm", num(p->centre_mm, 1));
        bad |= add(o, "load_factor", num(p->load_factor, 3));
        json_object_array_add(arr, o);
    }
    bad |= add(root, "placements", arr);

    arr = json_object_new_array();
    for (int i = 0; arr && i < sim->n_tp; i++) {
        const sim_tp *tp = &sim->tp[i];
        json_object *o = json_object_new_object();
        if (!o) {
            bad = 1;
            break;
        }
        bad |= add_pos(o, sim, tp->position_cm);
        bad |= add_str(o, "line", rm_line_name(tp->line));
        bad |= add_str(o, "zone", rm_zone_name(tp->zone));
        bad |= add(o, "size_cm", num(tp->size_cm, 2));
        bad |= add(o, "gain", num(tp->gain, 3));
        bad |= add(o, "tender", json_object_new_boolean(tp->tender));
        if (sim->person.on)
            bad |= add(o, "spot", json_object_new_int(tp->spot));
        if (sim->phy.names[0]) {
            double rise = tp_rise(sim, i);
            unsigned over = passes_over(sim, tp);
            bad |= add_str(o, "profile", tp->flat ? "flat" : "peaked");
            bad |= add(o, "rise", num(rise, 3));
            bad |= add(o, "passes_over", json_object_new_int((int)over));
            bad |= add(o, "detectable",
                       json_object_new_boolean(rise >= 0.10 && over >= 2));
        }
        json_object_array_add(arr, o);
    }
    bad |= add(root, "trigger_points", arr);
    if (sim->person.on)
        bad |= add(root, "person", person_json(sim));
    if (sim->phy.names[0])
        bad |= physics_json(sim, root);

    if (bad) {
        json_object_put(root);
        return NULL;
    }
    return root;
}

rm_status rm_sim_truth_json(const rm_sim *sim, FILE *out)
{
    json_object *root = build(sim);
    if (!root)
        return RM_ERR_NOMEM;
    const char *text = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    rm_status st = RM_OK;
    if (!text || fputs(text, out) < 0 || fputc('\n', out) == EOF)
        st = text ? RM_ERR_IO : RM_ERR_NOMEM;
    json_object_put(root);
    return st;
}
