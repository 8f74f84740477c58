/*
 * The live view against the final report (issue 13, "Live"): during the
 * report's holds, rm_live's line and place are the hold's, and
 * rm_live.provisional flags the place until it rests on a turn or
 * put-down at a calf end and the line until the session has shown its
 * lines. Sessions of the tuning family
 * (tools/accuracy/families.h: the `holds` scenario of its first four
 * combinations, right leg), pushed a tenth of a second at a time.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "rollmap.h"

typedef struct upd {
    double t_s, position_cm;
    rm_line line;
    uint32_t prov;
} upd;

typedef struct run {
    upd *u;
    size_t n;
    rm_engine *e;
} run;

static void run_session(uint64_t seed, const char *physics, run *r)
{
    rm_sim_options o = { .seed = seed, .leg = RM_LEG_RIGHT,
                         .physics = physics };
    rm_sim *sim = NULL;
    ck_assert_int_eq(rm_sim_new("holds", &o, &sim, NULL), RM_OK);
    ck_assert_int_eq(rm_engine_new(rm_sim_get_meta(sim), NULL, NULL, &r->e,
                                   NULL), RM_OK);
    size_t blk = (size_t)(rm_sim_get_meta(sim)->desc.rate_hz / 10), cap = 0;
    rm_frame buf[64];
    ck_assert(blk >= 1 && blk <= 64);
    r->u = NULL;
    r->n = 0;
    for (;;) {
        size_t got = 0;
        ck_assert_int_eq(rm_sim_read(sim, buf, blk, &got), RM_OK);
        if (!got)
            break;
        ck_assert_int_eq(rm_engine_push(r->e, buf, got), RM_OK);
        if (r->n == cap) {
            cap = cap ? 2 * cap : 4096;
            r->u = realloc(r->u, cap * sizeof *r->u);
            ck_assert_ptr_nonnull(r->u);
        }
        rm_live lv;
        rm_engine_live_state(r->e, &lv);
        r->u[r->n++] = (upd){ lv.time_s, lv.position_cm, lv.line,
                              lv.provisional };
    }
    ck_assert_int_eq(rm_engine_finish(r->e), RM_OK);
    rm_sim_free(sim);
}

static const char *const combos[] = {
    "line-lean,foot-power,breath",
    "line-shift,foot-gauss,tp-subtle",
    "line-both,foot-groove,foot-skew,flinch-partial",
    "line-shift,calf-vary,turn-short,pass-partial",
};

/* Live updates with a place inside the report's holds, over the four
 * sessions: how many, how many agree (by agrees()), and the same for
 * those whose `flag` is clear. */
typedef struct tally {
    long n, ok, n_clear, ok_clear;
} tally;

static int line_agrees(const upd *u, const rm_hold *h)
{
    return u->line == h->line;
}

static int place_agrees(const upd *u, const rm_hold *h)
{
    return fabs(u->position_cm - h->position_cm) <= 2.0;
}

static tally tally_holds(int (*agrees)(const upd *, const rm_hold *),
                         uint32_t flag)
{
    tally t = { 0, 0, 0, 0 };
    for (int i = 0; i < 4; i++) {
        run r;
        /* Session 6 i + 1 of the family: the holds scenario. */
        run_session(10000u + 6u * (unsigned)i + 1u, combos[i], &r);
        const rm_summary *s = rm_engine_summary(r.e);
        ck_assert(s->n_holds >= 3);
        for (size_t h = 0; h < s->n_holds; h++)
            for (size_t k = 0; k < r.n; k++) {
                const upd *u = &r.u[k];
                if (u->t_s < s->holds[h].start_s ||
                    u->t_s > s->holds[h].end_s || isnan(u->position_cm))
                    continue;
                int ok = agrees(u, &s->holds[h]);
                t.n++;
                t.ok += ok;
                if (!(u->prov & flag)) {
                    t.n_clear++;
                    t.ok_clear += ok;
                }
            }
        free(r.u);
        rm_engine_free(r.e);
    }
    return t;
}

START_TEST(test_live_line_during_holds_is_the_reports)
{
    tally t = tally_holds(line_agrees, RM_LIVE_PROV_LINE);
    /* Once the line cue is established (flag clear): 0.9 (issue 13);
     * all updates with a place, flagged or not: 0.85 (measured 0.998 and
     * 0.899; the tick's own lean, before: 0.27 on the tuning family). */
    ck_assert(t.n_clear > 1000);
    ck_assert_msg(t.ok_clear >= 0.9 * t.n_clear, "established live line "
                  "agrees in %ld of %ld", t.ok_clear, t.n_clear);
    ck_assert_msg(t.ok >= 0.85 * t.n, "live line agrees in %ld of %ld",
                  t.ok, t.n);
}
END_TEST

START_TEST(test_live_place_during_holds_is_the_reports)
{
    tally t = tally_holds(place_agrees, RM_LIVE_PROV_PLACE);
    /* Issue 13: 90 % within 2 cm once the place is established (flag
     * clear), and it must be clear on most updates, not kept set.
     * Measured: clear on 5,602 of 8,283, agreeing 0.998; all 0.843. The
     * template frame before: clear whenever placed, agreeing 0.805. */
    ck_assert_msg(t.n_clear >= t.n / 2, "place flag clear on %ld of %ld",
                  t.n_clear, t.n);
    ck_assert_msg(t.ok_clear >= 0.9 * t.n_clear, "established live place "
                  "agrees in %ld of %ld", t.ok_clear, t.n_clear);
    ck_assert_msg(t.ok >= 0.8 * t.n, "live place agrees in %ld of %ld", t.ok,
                  t.n);
}
END_TEST

START_TEST(test_live_flags_provisional_until_found)
{
    run r;
    run_session(10007u, combos[1], &r);
    ck_assert_uint_eq(r.u[0].prov, RM_LIVE_PROV_PLACE | RM_LIVE_PROV_LINE);
    int placed = 0, firm = 0;
    for (size_t k = 0; k < r.n; k++) {
        /* No place is always flagged; a place is flagged until it rests
         * on a turn or put-down at a calf end (live_turns.c). */
        if (isnan(r.u[k].position_cm))
            ck_assert(r.u[k].prov & RM_LIVE_PROV_PLACE);
        placed |= !isnan(r.u[k].position_cm);
        firm |= !(r.u[k].prov & RM_LIVE_PROV_PLACE);
    }
    ck_assert(placed && firm);
    /* The session has rolled its lines by its end. */
    ck_assert_uint_eq(r.u[r.n - 1].prov & RM_LIVE_PROV_LINE, 0);
    rm_live lv;
    rm_engine_live_state(NULL, &lv);
    ck_assert_uint_eq(lv.provisional, RM_LIVE_PROV_PLACE | RM_LIVE_PROV_LINE);
    free(r.u);
    rm_engine_free(r.e);
}
END_TEST

/* The first pass's samples (on_sample) are placed as rm_live places the
 * roller: one engine, one frame for both. At rev A's 80 Hz a tick is one
 * frame, so after each one-frame push the sample just handed out and
 * rm_live describe the same tick; while rolling (a resting roller is
 * given its run's mean place instead) they agree unless that very tick
 * moved the frame (a refit, a new anchor). */
static void keep_sample(const rm_sample *smp, void *user)
{
    *(double *)user = smp->position_cm;
}

START_TEST(test_first_pass_samples_are_placed_as_live)
{
    rm_sim_options o = { .seed = 10001u, .leg = RM_LEG_RIGHT,
                         .physics = combos[0] };
    rm_sim *sim = NULL;
    ck_assert_int_eq(rm_sim_new("holds", &o, &sim, NULL), RM_OK);
    ck_assert(rm_sim_get_meta(sim)->desc.rate_hz <= 80.0f);
    double sample_cm = NAN;
    rm_engine_callbacks cb = { .on_sample = keep_sample, .user = &sample_cm };
    rm_engine *e = NULL;
    ck_assert_int_eq(rm_engine_new(rm_sim_get_meta(sim), NULL, &cb, &e,
                                   NULL), RM_OK);
    long rolling = 0, same = 0;
    for (;;) {
        rm_frame f;
        size_t got = 0;
        ck_assert_int_eq(rm_sim_read(sim, &f, 1, &got), RM_OK);
        if (!got)
            break;
        sample_cm = NAN;
        ck_assert_int_eq(rm_engine_push(e, &f, 1), RM_OK);
        rm_live lv;
        rm_engine_live_state(e, &lv);
        if (isnan(sample_cm) || isnan(lv.position_cm) || lv.hold_s > 0.0 ||
            fabs(lv.speed_cm_s) < 1.0)
            continue;
        rolling++;
        same += fabs(sample_cm - lv.position_cm) < 0.05;
    }
    /* Measured: 7,396 of 7,528 rolling frames (0.982). On the template
     * place (before), 1,493 (0.198): anchored stretches put the two
     * centimetres apart. */
    ck_assert(rolling > 5000);
    ck_assert_msg(same >= 0.95 * rolling, "samples placed as live in %ld of "
                  "%ld rolling frames", same, rolling);
    rm_engine_free(e);
    rm_sim_free(sim);
}
END_TEST

Suite *engine_live_suite(void)
{
    Suite *s = suite_create("engine_live");
    TCase *tc = tcase_create("live");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_live_line_during_holds_is_the_reports);
    tcase_add_test(tc, test_live_place_during_holds_is_the_reports);
    tcase_add_test(tc, test_live_flags_provisional_until_found);
    tcase_add_test(tc, test_first_pass_samples_are_placed_as_live);
    suite_add_tcase(s, tc);
    return s;
}
