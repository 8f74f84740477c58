/*
 * accuracy: runs the simulator over seeds and scenarios, runs the engine
 * on each session (through the public API only), compares the findings
 * with the simulator's truth JSON and prints the accuracy table.
 *
 *   accuracy [--seeds A-B] [--scenarios a,b,...] [--stress-s S] [--check]
 *            [-v]
 *
 * stress sessions last --stress-s seconds (default 300; 0: the scenario's
 * own 60 s). Peak recall is scored over the trigger points the truth's
 * passes rolled over on their own line at least peak_min_passes times,
 * with the raw recall over all planted points printed beside it
 * (docs/engine.md, "Accuracy").
 *
 * With --check it exits 1 when a (loose) regression target is missed;
 * `make check` runs it that way on a few fixed seeds, `make accuracy`
 * prints the full table on seeds never used for tuning.
 */
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollmap.h"

/* ---- growable arrays of errors, with median and p95 ---- */

typedef struct vec {
    double *v;
    size_t n, cap;
} vec;

static void vpush(vec *a, double x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 64;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
        if (!a->v) {
            fprintf(stderr, "accuracy: out of memory\n");
            exit(1);
        }
    }
    a->v[a->n++] = x;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(vec *a, double q)
{
    if (!a->n)
        return NAN;
    qsort(a->v, a->n, sizeof *a->v, cmpd);
    size_t i = (size_t)ceil(q * (double)a->n) - 1;
    if (i >= a->n)
        i = a->n - 1;
    return a->v[i];
}

typedef struct tally {
    long truth_holds, found_holds, matched_holds, detected_holds;
    long line_ok, line_n, pass_line_ok, pass_line_n;
    long tech_ok, tech_n, flex_ok, flex_n;
    long truth_flinch, found_flinch, detected_flinch;
    long truth_tp, found_tp, detected_peaks, true_peaks;
    long det_tp, found_det_tp;
    long clean_holds, clean_sessions;
    long calf_found, sessions;
    vec start_err, dur_err, pos_err, len_err, len_bias;
} tally;

/* ---- truth access (json-c) ---- */

static double jnum(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_double(v)
                                               : NAN;
}

static const char *jstr(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v)
                                               : "";
}

static json_object *jarr(json_object *o, const char *k)
{
    json_object *v;
    if (json_object_object_get_ex(o, k, &v) &&
        json_object_is_type(v, json_type_array))
        return v;
    return NULL;
}

static size_t jlen(json_object *a)
{
    return a ? json_object_array_length(a) : 0;
}

static double overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0.0;
}

static int verbose;
/* Length of the `stress` sessions (s): a load test whose own default is
 * 60 s, too short to roll a line twice; the accuracy run uses a realistic
 * session of a few minutes (0: the scenario's own). */
static double stress_s = 300.0;

/* Truth passes on `line` that roll over calf position x with 2.5 cm to
 * spare at both ends (the engine judges a bump against the 2.5-5 cm on
 * either side of it). A trigger point needs peak_min_passes of them to be
 * findable as a recurring peak at all. */
static unsigned truth_passes_over(json_object *tp, double x, const char *line)
{
    unsigned n = 0;
    for (size_t i = 0; i < jlen(tp); i++) {
        json_object *p = json_object_array_get_idx(tp, i);
        if (strcmp(jstr(p, "line"), line))
            continue;
        double a = jnum(p, "from_cm"), b = jnum(p, "to_cm");
        double lo = a < b ? a : b, hi = a < b ? b : a;
        if (x >= lo + 2.5 && x <= hi - 2.5)
            n++;
    }
    return n;
}

/* Run one session; add to the tally. Returns 0 or -1 on a failure. */
static int run_one(const char *scenario, uint64_t seed, tally *t)
{
    rm_sim_options opt = { .seed = seed };
    if (!strcmp(scenario, "stress"))
        opt.duration_s = stress_s;
    rm_engine_config cfg;
    rm_engine_config_default(&cfg);
    rm_sim *sim = NULL;
    rm_engine *eng = NULL;
    rm_error err = { 0, "" };
    if (rm_sim_new(scenario, &opt, &sim, &err) != RM_OK) {
        fprintf(stderr, "accuracy: sim %s: %s\n", scenario, err.msg);
        return -1;
    }
    if (rm_engine_new(rm_sim_get_meta(sim), NULL, NULL, &eng, &err) !=
        RM_OK) {
        fprintf(stderr, "accuracy: engine: %s\n", err.msg);
        rm_sim_free(sim);
        return -1;
    }
    static rm_frame buf[4096];
    for (;;) {
        size_t got = 0;
        if (rm_sim_read(sim, buf, 4096, &got) != RM_OK || got == 0)
            break;
        if (rm_engine_push(eng, buf, got) != RM_OK) {
            fprintf(stderr, "accuracy: push: %s\n", rm_engine_errmsg(eng));
            break;
        }
    }
    if (rm_engine_finish(eng) != RM_OK) {
        fprintf(stderr, "accuracy: finish: %s\n", rm_engine_errmsg(eng));
        rm_engine_free(eng);
        rm_sim_free(sim);
        return -1;
    }
    const rm_summary *s = rm_engine_summary(eng);

    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem || rm_sim_write_truth(sim, mem) != RM_OK) {
        fprintf(stderr, "accuracy: truth not written\n");
        return -1;
    }
    fclose(mem);
    json_object *tr = json_tokener_parse(text);
    free(text);
    if (!tr) {
        fprintf(stderr, "accuracy: truth is not JSON\n");
        return -1;
    }

    int clean = strcmp(scenario, "clean") == 0;
    if (verbose)
        printf("  %s %llu: calf %.2f cm (truth %.2f)\n", scenario,
               (unsigned long long)seed, s->calf_length_cm,
               jnum(json_object_object_get(tr, "calf"), "length_cm"));
    t->sessions++;
    t->calf_found += s->calf_found != 0;
    json_object *calf;
    if (json_object_object_get_ex(tr, "calf", &calf) && s->calf_found)
    {
        vpush(&t->len_err, fabs(s->calf_length_cm - jnum(calf, "length_cm")));
        vpush(&t->len_bias, s->calf_length_cm - jnum(calf, "length_cm"));
    }

    /* Holds: one-to-one by largest time overlap. */
    json_object *th = jarr(tr, "holds");
    size_t nth = jlen(th);
    char used[512] = { 0 };
    if (clean) {
        t->clean_sessions++;
        t->clean_holds += (long)s->n_holds;
    } else {
        t->truth_holds += (long)nth;
        t->detected_holds += (long)s->n_holds;
    }
    for (size_t i = 0; i < nth; i++) {
        json_object *h = json_object_array_get_idx(th, i);
        double ts = jnum(h, "start_s"), te = jnum(h, "end_s");
        double best = 0;
        size_t bj = (size_t)-1;
        for (size_t j = 0; j < s->n_holds && j < sizeof used; j++) {
            if (used[j])
                continue;
            double o = overlap(ts, te, s->holds[j].start_s, s->holds[j].end_s);
            if (o > best) {
                best = o;
                bj = j;
            }
        }
        if (bj == (size_t)-1) {
            if (verbose)
                printf("  %s %llu: missed hold %.1f-%.1f at %.1f cm\n",
                       scenario, (unsigned long long)seed, ts, te,
                       jnum(h, "position_cm"));
            continue;
        }
        used[bj] = 1;
        t->matched_holds++;
        const rm_hold *d = &s->holds[bj];
        vpush(&t->start_err, fabs(d->start_s - ts));
        vpush(&t->dur_err, fabs(d->duration_s - jnum(h, "duration_s")));
        double pe = fabs(d->position_cm - jnum(h, "position_cm"));
        vpush(&t->pos_err, isfinite(pe) ? pe : 99.0);
        t->line_n++;
        t->line_ok += strcmp(rm_line_name(d->line), jstr(h, "line")) == 0;
        t->tech_n++;
        int tech_ok = strcmp(rm_technique_name(d->technique),
                             jstr(h, "technique")) == 0;
        t->tech_ok += tech_ok;
        if (!strcmp(jstr(h, "technique"), "pin_and_stretch")) {
            t->flex_n++;
            t->flex_ok += d->flexes == (uint32_t)jnum(h, "flexes");
        }
        if (verbose)
            printf("  %s %llu: hold %.1f-%.1f (%.1f-%.1f) pos %.1f (%.1f) "
                   "%s/%s %s/%s flex %u/%d\n",
                   scenario, (unsigned long long)seed, d->start_s, d->end_s,
                   ts, te, d->position_cm, jnum(h, "position_cm"),
                   rm_line_name(d->line), jstr(h, "line"),
                   rm_technique_name(d->technique), jstr(h, "technique"),
                   d->flexes, (int)jnum(h, "flexes"));
    }
    if (verbose)
        for (size_t j = 0; j < s->n_holds && j < sizeof used; j++)
            if (!used[j] )
                printf("  %s %llu: extra hold %.1f-%.1f at %.1f cm\n",
                       scenario, (unsigned long long)seed,
                       s->holds[j].start_s, s->holds[j].end_s,
                       s->holds[j].position_cm);

    /* Pass lines: each truth pass vs the detected pass overlapping most. */
    json_object *tp = jarr(tr, "passes");
    for (size_t i = 0; i < jlen(tp); i++) {
        json_object *p = json_object_array_get_idx(tp, i);
        double ts = jnum(p, "start_s"), te = jnum(p, "end_s");
        double best = 0;
        const rm_pass *bp = NULL;
        for (size_t j = 0; j < s->n_passes; j++) {
            double o = overlap(ts, te, s->passes[j].start_s,
                               s->passes[j].end_s);
            if (o > best) {
                best = o;
                bp = &s->passes[j];
            }
        }
        if (!bp || best < 0.5 * (te - ts))
            continue;
        t->pass_line_n++;
        t->pass_line_ok += strcmp(rm_line_name(bp->line), jstr(p, "line")) == 0;
    }

    /* Flinches within 1 s. */
    json_object *tf = jarr(tr, "flinches");
    t->truth_flinch += (long)jlen(tf);
    t->detected_flinch += (long)s->n_flinches;
    for (size_t i = 0; i < jlen(tf); i++) {
        double ft = jnum(json_object_array_get_idx(tf, i), "time_s");
        for (size_t j = 0; j < s->n_flinches; j++)
            if (fabs(s->flinches[j].time_s - ft) <= 1.0) {
                t->found_flinch++;
                break;
            }
    }

    /* Peaks vs planted trigger points: same line, within 2 cm. */
    json_object *tt = jarr(tr, "trigger_points");
    t->truth_tp += (long)jlen(tt);
    t->detected_peaks += (long)s->n_peaks;
    for (size_t i = 0; i < jlen(tt); i++) {
        json_object *p = json_object_array_get_idx(tt, i);
        int hit = 0;
        for (size_t j = 0; j < s->n_peaks; j++)
            if (!strcmp(rm_line_name(s->peaks[j].line), jstr(p, "line")) &&
                fabs(s->peaks[j].position_cm - jnum(p, "position_cm")) <= 2.0)
                hit = 1;
        t->found_tp += hit;
        unsigned over = truth_passes_over(tp, jnum(p, "position_cm"),
                                          jstr(p, "line"));
        int detectable = (double)over >= cfg.peak_min_passes;
        t->det_tp += detectable;
        t->found_det_tp += detectable && hit;
        if (verbose && !hit) {
            /* The nearest peak on any line, to tell a misplaced or
             * mislabelled find from a missed one. */
            const rm_peak *nb = NULL;
            for (size_t j = 0; j < s->n_peaks; j++)
                if (!nb || fabs(s->peaks[j].position_cm -
                                jnum(p, "position_cm")) <
                               fabs(nb->position_cm - jnum(p, "position_cm")))
                    nb = &s->peaks[j];
            printf("  %s %llu: missed trigger point %.1f cm %s (%u passes "
                   "over it on its line); nearest peak %.1f cm %s\n",
                   scenario, (unsigned long long)seed,
                   jnum(p, "position_cm"), jstr(p, "line"), over,
                   nb ? nb->position_cm : NAN,
                   nb ? rm_line_name(nb->line) : "-");
        }
    }
    for (size_t j = 0; j < s->n_peaks; j++) {
        int hit = 0;
        for (size_t i = 0; i < jlen(tt); i++) {
            json_object *p = json_object_array_get_idx(tt, i);
            if (!strcmp(rm_line_name(s->peaks[j].line), jstr(p, "line")) &&
                fabs(s->peaks[j].position_cm - jnum(p, "position_cm")) <= 2.0)
                hit = 1;
        }
        t->true_peaks += hit;
        if (verbose && !hit)
            printf("  %s %llu: extra peak %.1f cm %s (%u passes)\n", scenario,
                   (unsigned long long)seed, s->peaks[j].position_cm,
                   rm_line_name(s->peaks[j].line), s->peaks[j].passes);
    }
    json_object_put(tr);
    rm_engine_free(eng);
    rm_sim_free(sim);
    return 0;
}

static void vmerge(vec *a, vec *b)
{
    for (size_t i = 0; i < b->n; i++)
        vpush(a, b->v[i]);
    free(b->v);
    b->v = NULL;
    b->n = b->cap = 0;
}

/* Add one scenario's tally to the total: the counters are the leading
 * longs of the struct, up to start_err; the lists move over. */
static void merge(tally *t, tally *o)
{
    long *dst = &t->truth_holds, *src = &o->truth_holds;
    size_t n_longs = (size_t)((long *)&t->start_err - &t->truth_holds);
    for (size_t i = 0; i < n_longs; i++)
        dst[i] += src[i];
    vmerge(&t->start_err, &o->start_err);
    vmerge(&t->dur_err, &o->dur_err);
    vmerge(&t->pos_err, &o->pos_err);
    vmerge(&t->len_err, &o->len_err);
    vmerge(&t->len_bias, &o->len_bias);
}

static double ratio(long a, long b)
{
    return b ? (double)a / (double)b : NAN;
}

int main(int argc, char **argv)
{
    unsigned long s0 = 1, s1 = 3;
    const char *scen = "basic,holds,clean,noisy,stress";
    int check = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seeds") && i + 1 < argc) {
            if (sscanf(argv[++i], "%lu-%lu", &s0, &s1) < 2)
                s1 = s0;
        } else if (!strcmp(argv[i], "--scenarios") && i + 1 < argc) {
            scen = argv[++i];
        } else if (!strcmp(argv[i], "--stress-s") && i + 1 < argc) {
            stress_s = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--check")) {
            check = 1;
        } else if (!strcmp(argv[i], "-v")) {
            verbose = 1;
        } else {
            fprintf(stderr, "usage: accuracy [--seeds A-B] [--scenarios "
                            "a,b] [--stress-s S] [--check] [-v]\n");
            return 2;
        }
    }
    if (argc == 1)
        check = 1; /* as run by make check */
    tally t;
    memset(&t, 0, sizeof t);
    char list[256];
    snprintf(list, sizeof list, "%s", scen);
    int failures = 0;
    printf("%-8s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n",
           "scenario", "h.rec", "h.prec", "dur95", "pos50", "pos95", "h.line",
           "p.line", "tech", "flex", "pk.raw", "pk.rec", "pk.prc");
    for (char *sc = strtok(list, ","); sc; sc = strtok(NULL, ",")) {
        tally one;
        memset(&one, 0, sizeof one);
        for (unsigned long seed = s0; seed <= s1; seed++)
            failures += run_one(sc, seed, &one) != 0;
        printf("%-8s %6.3f %6.3f %6.2f %6.2f %6.2f %6.3f %6.3f %6.3f %6.3f "
               "%6.3f %6.3f %6.3f\n", sc,
               ratio(one.matched_holds, one.truth_holds),
               ratio(one.matched_holds, one.detected_holds),
               quantile(&one.dur_err, 0.95), quantile(&one.pos_err, 0.5),
               quantile(&one.pos_err, 0.95), ratio(one.line_ok, one.line_n),
               ratio(one.pass_line_ok, one.pass_line_n),
               ratio(one.tech_ok, one.tech_n), ratio(one.flex_ok, one.flex_n),
               ratio(one.found_tp, one.truth_tp),
               ratio(one.found_det_tp, one.det_tp),
               ratio(one.true_peaks, one.detected_peaks));
        merge(&t, &one);
    }
    printf("\n");

    double hr = ratio(t.matched_holds, t.truth_holds);
    double hp = ratio(t.matched_holds, t.detected_holds);
    double la = ratio(t.line_ok, t.line_n);
    double pla = ratio(t.pass_line_ok, t.pass_line_n);
    double ta = ratio(t.tech_ok, t.tech_n);
    double fx = ratio(t.flex_ok, t.flex_n);
    double fr = ratio(t.found_flinch, t.truth_flinch);
    double fp = ratio(t.found_flinch, t.detected_flinch);
    double praw = ratio(t.found_tp, t.truth_tp);
    double pr = ratio(t.found_det_tp, t.det_tp);
    double pp = ratio(t.true_peaks, t.detected_peaks);
    double d95 = quantile(&t.dur_err, 0.95), p95 = quantile(&t.pos_err, 0.95);
    double pmed = quantile(&t.pos_err, 0.5);

    printf("rollmap engine accuracy: scenarios %s, seeds %lu-%lu "
           "(%ld sessions)\n", scen, s0, s1, t.sessions);
    if (stress_s > 0)
        printf("stress sessions last %.0f s (--stress-s; 0: the scenario's "
               "own 60 s)\n", stress_s);
    printf("peak recall counts trigger points rolled over on their own line\n"
           "by >= peak_min_passes truth passes (2.5 cm inside the ends): "
           "%ld of %ld;\nraw recall counts all planted points\n",
           t.det_tp, t.truth_tp);
    printf("%-34s %10s %10s\n", "measure", "value", "target");
    printf("%-34s %10.3f %10s\n", "hold recall", hr, ">= 0.98");
    printf("%-34s %10.3f %10s\n", "hold precision", hp, ">= 0.98");
    printf("%-34s %10.2f %10s\n", "hold start error median (s)",
           quantile(&t.start_err, 0.5), "");
    printf("%-34s %10.2f %10s\n", "hold start error p95 (s)",
           quantile(&t.start_err, 0.95), "");
    printf("%-34s %10.2f %10s\n", "hold duration error median (s)",
           quantile(&t.dur_err, 0.5), "");
    printf("%-34s %10.2f %10s\n", "hold duration error p95 (s)", d95,
           "<= 1");
    printf("%-34s %10.2f %10s\n", "hold position error median (cm)",
           quantile(&t.pos_err, 0.5), "");
    printf("%-34s %10.2f %10s\n", "hold position error p95 (cm)", p95,
           "<= 1");
    printf("%-34s %10.3f %10s\n", "hold line accuracy", la, ">= 0.95");
    printf("%-34s %10.3f %10s\n", "pass line accuracy", pla, ">= 0.95");
    printf("%-34s %10.3f %10s\n", "technique accuracy", ta, ">= 0.90");
    printf("%-34s %10.3f %10s\n", "flex count exact", fx, ">= 0.90");
    printf("%-34s %10.3f %10s\n", "flinch recall", fr, "");
    printf("%-34s %10.3f %10s\n", "flinch precision", fp, "");
    printf("%-34s %10.3f %10s\n", "peak recall (raw, all points)", praw,
           "");
    printf("%-34s %10.3f %10s\n", "peak recall (detectable points)", pr,
           ">= 0.90");
    printf("%-34s %10.3f %10s\n", "peak precision", pp, ">= 0.90");
    printf("%-34s %10ld %10s\n", "holds reported on clean", t.clean_holds,
           "0");
    printf("%-34s %7ld/%-3ld %10s\n", "calf found", t.calf_found, t.sessions,
           "");
    printf("%-34s %10.2f %10s\n", "calf length error median (cm)",
           quantile(&t.len_err, 0.5), "");
    printf("%-34s %10.2f %10s\n", "calf length bias median (cm)",
           quantile(&t.len_bias, 0.5), "");
    if (failures)
        printf("%d session(s) failed to run\n", failures);
    free(t.start_err.v);
    free(t.dur_err.v);
    free(t.pos_err.v);
    free(t.len_err.v);
    free(t.len_bias.v);
    if (!check)
        return failures ? 1 : 0;

    /* Regression bounds: loose enough to be stable across the fixed
     * seeds, tight enough that a broken detector fails. */
    int bad = failures > 0;
#define NEED(cond, what)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            printf("accuracy check FAILED: %s\n", what);                   \
            bad = 1;                                                       \
        }                                                                  \
    } while (0)
    NEED(hr >= 0.95 && hp >= 0.95, "hold recall/precision >= 0.95");
    NEED(d95 <= 1.0, "hold duration error p95 <= 1 s");
    NEED(pmed <= 0.6, "hold position error median <= 0.6 cm");
    NEED(p95 <= 4.0, "hold position error p95 <= 4 cm");
    NEED(la >= 0.9 && pla >= 0.9, "hold and pass line accuracy >= 0.9");
    NEED(ta >= 0.9, "technique accuracy >= 0.9");
    NEED(!(fx < 0.9), "flex count exact >= 0.9");
    NEED(!(fr < 0.9), "flinch recall >= 0.9");
    NEED(t.clean_holds == 0, "no holds on clean");
    NEED(!(pr < 0.6) && !(pp < 0.6), "peak recall/precision >= 0.6");
    return bad ? 1 : 0;
}
