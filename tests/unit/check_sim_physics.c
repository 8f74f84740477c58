/*
 * Simulator physics variants: the original is untouched without them,
 * names are checked, `random` is a function of the seed, and each
 * variant checked here does what docs/simulator.md says (sideways shift,
 * board clock, partial flinches, one-sample glitches, turning short,
 * subtle trigger points, pauses).
 */
#include <check.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

static rm_sim *make_phy(const char *scenario, uint64_t seed, rm_leg leg,
                        const char *physics)
{
    rm_sim_options o = { .seed = seed, .leg = leg, .physics = physics };
    rm_sim *sim = NULL;
    rm_error err;
    ck_assert_msg(rm_sim_new(scenario, &o, &sim, &err) == RM_OK, "%s: %s",
                  physics ? physics : "(none)", err.msg);
    return sim;
}

static rm_frame *read_all(rm_sim *sim, size_t *n)
{
    size_t cap = 1 << 16, got;
    rm_frame *v = malloc(cap * sizeof *v);
    ck_assert_ptr_nonnull(v);
    *n = 0;
    do {
        if (*n + 4096 > cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof *v);
            ck_assert_ptr_nonnull(v);
        }
        ck_assert_int_eq(rm_sim_read(sim, v + *n, 4096, &got), RM_OK);
        *n += got;
    } while (got);
    return v;
}

static json_object *truth(rm_sim *sim)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(mem);
    ck_assert_int_eq(rm_sim_write_truth(sim, mem), RM_OK);
    fclose(mem);
    json_object *tr = json_tokener_parse(text);
    free(text);
    ck_assert_ptr_nonnull(tr);
    return tr;
}

START_TEST(test_physics_original_is_the_model_without_variants)
{
    size_t n0, n1;
    rm_sim *a = make_phy("holds", 3, RM_LEG_UNKNOWN, NULL);
    rm_sim *b = make_phy("holds", 3, RM_LEG_UNKNOWN, "original");
    rm_frame *f0 = read_all(a, &n0), *f1 = read_all(b, &n1);
    ck_assert_uint_eq(n0, n1);
    ck_assert(memcmp(f0, f1, n0 * sizeof *f0) == 0);
    /* And a variant does change the session. */
    rm_sim *c = make_phy("holds", 3, RM_LEG_UNKNOWN, "line-shift");
    size_t n2;
    rm_frame *f2 = read_all(c, &n2);
    ck_assert(n2 != n0 || memcmp(f0, f2, n0 * sizeof *f0) != 0);
    free(f0);
    free(f1);
    free(f2);
    rm_sim_free(a);
    rm_sim_free(b);
    rm_sim_free(c);
}
END_TEST

START_TEST(test_physics_rejects_unknown_and_clashing_names)
{
    rm_sim_options o = { .seed = 1, .physics = "line-shift,wobble" };
    rm_sim *sim = (rm_sim *)1;
    rm_error err;
    ck_assert_int_eq(rm_sim_new("basic", &o, &sim, &err), RM_ERR_ARG);
    ck_assert_ptr_null(sim);
    ck_assert_ptr_nonnull(strstr(err.msg, "wobble"));
    o.physics = "line-shift,line-both";
    ck_assert_int_eq(rm_sim_new("basic", &o, &sim, &err), RM_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "exclude"));
    o.physics = "foot-power,foot-gauss";
    ck_assert_int_eq(rm_sim_new("basic", &o, &sim, &err), RM_ERR_ARG);
    /* Every listed name has a summary; unknown ones do not. */
    int n = 0;
    for (const char *const *p = rm_sim_physics_list(); *p; p++, n++)
        ck_assert_ptr_nonnull(rm_sim_physics_summary(*p));
    ck_assert_int_eq(n, PHY_COUNT + 2);
    ck_assert_ptr_null(rm_sim_physics_summary("wobble"));
}
END_TEST

/* random: the same seed, the same variants; over 40 seeds every variant
 * turns up and never two line models at once. */
START_TEST(test_physics_random_is_drawn_from_the_seed)
{
    uint32_t seen = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        rm_sim *a = make_phy("short", seed, RM_LEG_LEFT, "random");
        rm_sim *b = make_phy("short", seed, RM_LEG_LEFT, "random");
        ck_assert_uint_eq(a->phy.on, b->phy.on);
        int lines = PHY_ON(a, PHY_LINE_LEAN) + PHY_ON(a, PHY_LINE_SHIFT) +
                    PHY_ON(a, PHY_LINE_BOTH);
        ck_assert_int_le(lines, 1);
        ck_assert_int_le(PHY_ON(a, PHY_FOOT_POWER) + PHY_ON(a, PHY_FOOT_GAUSS),
                         1);
        seen |= a->phy.on;
        rm_sim_free(a);
        rm_sim_free(b);
    }
    ck_assert_uint_eq(seen, (1u << PHY_COUNT) - 1);
}
END_TEST

/* Centre of force (mm from the strip's left edge) of a noise-free state. */
static double cof_mm(const rm_sim *sim, const sim_state *st)
{
    double f[RM_MAX_CELLS], sum = 0, mom = 0;
    rm_sim_cell_forces(sim, st, f, -1);
    double p = sim->meta.desc.pitch_mm;
    for (unsigned i = 0; i < sim->meta.desc.cells; i++) {
        sum += f[i];
        mom += f[i] * (i + 0.5) * p;
    }
    return mom / sum;
}

/* line-shift: a turned leg's footprint moves 15-30 mm toward the turned
 * side (its lean adds at most 5 % of the half-width); line-lean leaves it
 * where it lies. */
START_TEST(test_physics_line_shift_moves_the_footprint_sideways)
{
    for (uint64_t seed = 1; seed <= 6; seed++) {
        rm_leg leg = seed % 2 ? RM_LEG_LEFT : RM_LEG_RIGHT;
        rm_sim *sim = make_phy("clean", seed, leg, "line-shift");
        double pos = 0.5 * sim->calf_len_cm;
        sim_state mid, med, lat;
        rm_sim_probe_state(sim, pos, RM_LINE_MIDDLE, &mid);
        rm_sim_probe_state(sim, pos, RM_LINE_MEDIAL, &med);
        rm_sim_probe_state(sim, pos, RM_LINE_LATERAL, &lat);
        double d_med = (cof_mm(sim, &med) - cof_mm(sim, &mid)) *
                       sim->medial_sign;
        double d_lat = (cof_mm(sim, &lat) - cof_mm(sim, &mid)) *
                       sim->medial_sign;
        double slack = 0.05 * mid.half_width_mm * 0.5 + 3.0;
        ck_assert_msg(d_med > 15.0 - slack && d_med < 30.0 + slack,
                      "seed %d medial shift %g mm", (int)seed, d_med);
        ck_assert_msg(d_lat < -15.0 + slack && d_lat > -30.0 - slack,
                      "seed %d lateral shift %g mm", (int)seed, d_lat);
        ck_assert_double_eq_tol(med.centre_mm - mid.centre_mm,
                                sim->phy.shift_mm * sim->medial_sign, 1e-9);
        rm_sim_free(sim);
    }
}
END_TEST

/* clock-skew: the board's stamps run (1 + rate_err) x seq / nominal rate,
 * within the jitter; the truth's duration is the board clock's. */
START_TEST(test_physics_clock_skew_stamps_the_board_clock)
{
    rm_sim *sim = make_phy("basic", 4, RM_LEG_LEFT, "clock-skew");
    size_t n;
    rm_frame *f = read_all(sim, &n);
    ck_assert_uint_gt(n, 1000);
    double rate = sim->meta.desc.rate_hz;
    double stamps_s = (uint32_t)(f[n - 1].time_us - f[0].time_us) * 1e-6;
    double nominal_s = (f[n - 1].seq - f[0].seq) / rate;
    double err = sim->phy.rate_err;
    ck_assert(fabs(err) <= 0.006);
    ck_assert_double_eq_tol(stamps_s / nominal_s, 1.0 + err, 1e-5);
    ck_assert_double_eq_tol(stamps_s, sim->duration_s, 2.0 / rate);
    for (size_t i = 1; i < n; i++)
        ck_assert_uint_gt((uint32_t)(f[i].time_us - f[i - 1].time_us), 0);
    free(f);
    rm_sim_free(sim);
}
END_TEST

/* flinch-partial: every flinch is partial; the load falls 60-90 % within
 * 0.25 s and the leg never leaves the roller over it. */
START_TEST(test_physics_partial_flinch_keeps_the_leg_down)
{
    int flinches = 0;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        rm_sim *sim = make_phy("holds", seed, RM_LEG_LEFT, "flinch-partial");
        for (size_t i = 0; i < sim->flinches.n; i++) {
            const sim_flinch *fl = &sim->flinches.v[i];
            ck_assert(fl->partial);
            sim_state before, st;
            rm_sim_model_at(sim, fl->time_s - 0.02, &before);
            double lowest = before.load_n;
            for (double t = fl->time_s; t < fl->time_s + 2.5; t += 0.01) {
                rm_sim_model_at(sim, t, &st);
                ck_assert_double_gt(st.load_n, 0.0);
                if (t <= fl->time_s + 0.26 && st.load_n < lowest)
                    lowest = st.load_n;
            }
            double drop = 1.0 - lowest / before.load_n;
            ck_assert_msg(drop > 0.5 && drop < 0.93, "drop %g", drop);
            flinches++;
        }
        for (size_t i = 0; i < sim->liftoffs.n; i++)
            ck_assert(!sim->liftoffs.v[i].flinch);
        rm_sim_free(sim);
    }
    ck_assert_int_ge(flinches, 4);
}
END_TEST

/* adc-glitch: against the same session without it, the cells differ only
 * in single samples lasting one frame, each by at least 2^14 counts or
 * by cancelling the frame's load. */
START_TEST(test_physics_adc_glitches_are_single_samples)
{
    size_t n0, n1;
    rm_sim *a = make_phy("basic", 2, RM_LEG_RIGHT, "enc-ripple");
    rm_sim *b = make_phy("basic", 2, RM_LEG_RIGHT, "enc-ripple,adc-glitch");
    rm_frame *f0 = read_all(a, &n0), *f1 = read_all(b, &n1);
    ck_assert_uint_eq(n0, n1);
    unsigned cells = a->meta.desc.cells;
    int glitches = 0;
    for (size_t k = 0; k < n0; k++) {
        for (unsigned i = 0; i < cells; i++) {
            long d = labs((long)f1[k].cells[i] - (long)f0[k].cells[i]);
            if (!d)
                continue;
            glitches++;
            ck_assert_msg(d >= 1000, "frame %zu cell %u off by %ld", k, i, d);
            /* One frame only: the cell is back in the next one. */
            ck_assert(k + 1 == n0 || f1[k + 1].cells[i] == f0[k + 1].cells[i]);
        }
        ck_assert_int_eq(f0[k].encoder, f1[k].encoder);
    }
    double minutes = n0 / a->meta.desc.rate_hz / 60.0;
    ck_assert_msg(glitches >= 2.0 * minutes && glitches <= 20.0 * minutes,
                  "%d glitches in %.1f min", glitches, minutes);
    free(f0);
    free(f1);
    rm_sim_free(a);
    rm_sim_free(b);
}
END_TEST

/* turn-short and pause: passes turn 1-3 cm inside the calf's ends; the
 * truth lists pauses of 2-5 s that are not holds; positions stay in the
 * anatomical frame 0..length. */
START_TEST(test_physics_turn_short_and_pauses_in_truth)
{
    int pauses = 0;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        rm_sim *sim = make_phy("basic", seed, RM_LEG_LEFT, "turn-short,pause");
        double len = sim->calf_len_cm;
        for (size_t i = 0; i < sim->passes.n; i++) {
            const sim_pass *p = &sim->passes.v[i];
            ck_assert(p->from_cm >= 0.0 && p->from_cm <= len);
            ck_assert(p->to_cm >= 1.0 - 1e-9 && p->to_cm <= len - 1.0 + 1e-9);
        }
        json_object *tr = truth(sim), *arr;
        ck_assert(json_object_object_get_ex(tr, "pauses", &arr));
        for (size_t i = 0; i < json_object_array_length(arr); i++) {
            json_object *p = json_object_array_get_idx(arr, i), *v;
            json_object_object_get_ex(p, "start_s", &v);
            double s = json_object_get_double(v);
            json_object_object_get_ex(p, "end_s", &v);
            double e = json_object_get_double(v);
            ck_assert(e - s >= 2.0 - 1e-3 && e - s <= 5.0 + 1e-3);
            for (size_t h = 0; h < sim->holds.n; h++)
                ck_assert(sim->holds.v[h].end_s <= s ||
                          sim->holds.v[h].start_s >= e);
            pauses++;
        }
        json_object_put(tr);
        rm_sim_free(sim);
    }
    ck_assert_int_ge(pauses, 3);
}
END_TEST

/* tp-subtle: points of radius 0.75-2 cm, 15-60 % above the surroundings
 * (the tender one 45-60 %); the truth's rise never exceeds the gain and
 * `detectable` follows the documented rule. */
START_TEST(test_physics_subtle_trigger_points_and_detectability)
{
    int det = 0, total = 0;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        rm_sim *sim = make_phy("holds", seed, RM_LEG_RIGHT, "tp-subtle");
        json_object *tr = truth(sim), *arr;
        ck_assert(json_object_object_get_ex(tr, "trigger_points", &arr));
        ck_assert_int_eq((int)json_object_array_length(arr), sim->n_tp);
        for (int i = 0; i < sim->n_tp; i++) {
            const sim_tp *tp = &sim->tp[i];
            ck_assert(tp->size_cm >= 0.75 && tp->size_cm <= 2.0);
            ck_assert(tp->gain >= 0.15 && tp->gain <= 0.60);
            json_object *o = json_object_array_get_idx(arr, i), *v;
            ck_assert(json_object_object_get_ex(o, "rise", &v));
            double rise = json_object_get_double(v);
            ck_assert(rise >= 0.0 && rise <= tp->gain + 1e-3);
            ck_assert(json_object_object_get_ex(o, "passes_over", &v));
            int over = json_object_get_int(v);
            ck_assert(json_object_object_get_ex(o, "detectable", &v));
            ck_assert_int_eq(json_object_get_boolean(v),
                             rise >= 0.10 && over >= 2);
            det += json_object_get_boolean(v);
            total++;
        }
        json_object_put(tr);
        rm_sim_free(sim);
    }
    ck_assert_int_gt(det, 0);
    ck_assert_int_lt(det, total);
}
END_TEST

Suite *sim_physics_suite(void)
{
    Suite *s = suite_create("sim_physics");
    TCase *tc = tcase_create("variants");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_physics_original_is_the_model_without_variants);
    tcase_add_test(tc, test_physics_rejects_unknown_and_clashing_names);
    tcase_add_test(tc, test_physics_random_is_drawn_from_the_seed);
    tcase_add_test(tc, test_physics_line_shift_moves_the_footprint_sideways);
    tcase_add_test(tc, test_physics_clock_skew_stamps_the_board_clock);
    tcase_add_test(tc, test_physics_partial_flinch_keeps_the_leg_down);
    tcase_add_test(tc, test_physics_adc_glitches_are_single_samples);
    tcase_add_test(tc, test_physics_turn_short_and_pauses_in_truth);
    tcase_add_test(tc, test_physics_subtle_trigger_points_and_detectability);
    suite_add_tcase(s, tc);
    return s;
}
