/*
 * score.c - one session: simulate (scenario, seed, leg, physics), run the
 * engine on it through the public API, and score the findings against
 * the simulator's truth JSON. The matching rules are in docs/engine.md
 * ("Accuracy"): holds one to one by largest time overlap, pass lines by
 * the reported pass overlapping a truth pass most (at least half of it),
 * flinches within 1 s, peaks on the same line within 2 cm.
 */
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accuracy.h"
#include "live.h"

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

#define AT(a, i) json_object_array_get_idx((a), (i))

static double overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0.0;
}

/* Row/column of a line or technique name; 3 for anything else. */
static int line_idx(const char *name)
{
    return !strcmp(name, "medial") ? 0 : !strcmp(name, "middle") ? 1
         : !strcmp(name, "lateral") ? 2 : 3;
}

static int tech_idx(const char *name)
{
    return !strcmp(name, "static") ? 0 : !strcmp(name, "rocking") ? 1
         : !strcmp(name, "pin_and_stretch") ? 2 : 3;
}

/* Truth passes on `line` that roll over x with 2.5 cm to spare at both
 * ends (the original truth has no `detectable`; this is its rule). */
static unsigned passes_over(json_object *tp, double x, const char *line)
{
    unsigned n = 0;
    for (size_t i = 0; i < jlen(tp); i++) {
        json_object *p = AT(tp, i);
        if (strcmp(jstr(p, "line"), line))
            continue;
        double a = jnum(p, "from_cm"), b = jnum(p, "to_cm");
        double lo = a < b ? a : b, hi = a < b ? b : a;
        if (x >= lo + 2.5 && x <= hi - 2.5)
            n++;
    }
    return n;
}

static json_object *truth_of(rm_sim *sim)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return NULL;
    int bad = rm_sim_write_truth(sim, mem) != RM_OK;
    fclose(mem);
    json_object *tr = bad ? NULL : json_tokener_parse(text);
    free(text);
    return tr;
}

/* The engine over the whole session, pushed as a live view would see it
 * (live.c logs rm_live after each block). */
static rm_engine *run_engine(rm_sim *sim, live_log *lg)
{
    rm_engine *eng = NULL;
    rm_error err = { 0, "" };
    if (rm_engine_new(rm_sim_get_meta(sim), NULL, NULL, &eng, &err) != RM_OK) {
        fprintf(stderr, "accuracy: engine: %s\n", err.msg);
        return NULL;
    }
    static rm_frame buf[4096];
    for (;;) {
        size_t got = 0;
        if (rm_sim_read(sim, buf, 4096, &got) != RM_OK || got == 0)
            break;
        if (live_push(eng, buf, got, rm_sim_get_meta(sim)->desc.rate_hz,
                      lg) != RM_OK) {
            fprintf(stderr, "accuracy: push: %s\n", rm_engine_errmsg(eng));
            break;
        }
    }
    if (rm_engine_finish(eng) != RM_OK) {
        fprintf(stderr, "accuracy: finish: %s\n", rm_engine_errmsg(eng));
        rm_engine_free(eng);
        return NULL;
    }
    return eng;
}

typedef struct ctx {
    const job *jb;
    uint32_t index;
    result *res;
    void (*emit)(void *, const item *);
    void *ectx;
    int verbose;
    const live_log *live;
} ctx;

static void put(ctx *c, int metric, double err, double t_s)
{
    item it = { err, t_s, c->index, metric };
    c->emit(c->ectx, &it);
    c->res->n_items++;
}

FILE *conf_dump;

/* Count a finding in the calibration table and, with --conf-dump, write
 * it as a line: kind scenario seed physics confidence right. */
static void cal(ctx *c, int kind, double conf, int right)
{
    static const char *const kname[K_COUNT] = { "hline", "pline", "hpos1",
                                                "hpos2", "peak" };
    calib_add(&c->res->cal, kind, conf, right);
    if (conf_dump)
        fprintf(conf_dump, "%s %s %llu %s %.4f %d\n", kname[kind],
                c->jb->scenario, (unsigned long long)c->jb->seed,
                c->res->physics[0] ? c->res->physics : "original", conf,
                right != 0);
}

static void score_holds(ctx *c, const rm_summary *s, json_object *tr,
                        char *used)
{
    long *n = c->res->c;
    int clean = !strcmp(c->jb->scenario, "clean");
    json_object *th = jarr(tr, "holds");
    if (clean) {
        n[C_CLEAN_HOLDS] += (long)s->n_holds;
    } else {
        n[C_TRUTH_HOLDS] += (long)jlen(th);
        n[C_FOUND_HOLDS] += (long)s->n_holds;
    }
    for (size_t i = 0; i < jlen(th); i++) {
        json_object *h = AT(th, i);
        double ts = jnum(h, "start_s"), te = jnum(h, "end_s"), best = 0;
        int tl = line_idx(jstr(h, "line")), tt = tech_idx(jstr(h, "technique"));
        size_t bj = (size_t)-1;
        for (size_t j = 0; j < s->n_holds; j++) {
            double o = overlap(ts, te, s->holds[j].start_s, s->holds[j].end_s);
            if (!used[j] && o > best) {
                best = o;
                bj = j;
            }
        }
        if (bj == (size_t)-1) {
            if (tl < 3)
                c->res->hold_line[tl][3]++;
            if (tt < 3)
                c->res->tech[tt][3]++;
            if (c->verbose)
                printf("  %s %llu: missed hold %.1f-%.1f at %.1f cm\n",
                       c->jb->scenario, (unsigned long long)c->jb->seed, ts,
                       te, jnum(h, "position_cm"));
            continue;
        }
        used[bj] = 1;
        n[C_MATCHED]++;
        const rm_hold *d = &s->holds[bj];
        live_score_hold(c->live, ts, te, d, n);
        put(c, M_START, fabs(d->start_s - ts), ts);
        put(c, M_DUR, fabs(d->duration_s - jnum(h, "duration_s")), ts);
        double pe = fabs(d->position_cm - jnum(h, "position_cm"));
        put(c, M_POS, isfinite(pe) ? pe : 99.0, ts);
        cal(c, K_HPOS1, d->confidence, pe <= 1.0);
        cal(c, K_HPOS2, d->confidence, pe <= 2.0);
        int fl = line_idx(rm_line_name(d->line));
        n[C_LINE_N]++;
        n[C_LINE_OK] += fl == tl;
        cal(c, K_HLINE, d->line_confidence, fl == tl);
        if (d->line_confidence >= RM_CONFIDENCE_LOW) {
            n[C_LINE_SURE]++;
            n[C_LINE_SURE_OK] += fl == tl;
        }
        if (tl < 3)
            c->res->hold_line[tl][fl]++;
        int ft = tech_idx(rm_technique_name(d->technique));
        n[C_TECH_N]++;
        n[C_TECH_OK] += ft == tt;
        if (tt < 3)
            c->res->tech[tt][ft]++;
        if (tt == 2) {
            n[C_FLEX_N]++;
            n[C_FLEX_OK] += d->flexes == (uint32_t)jnum(h, "flexes");
        }
        if (c->verbose)
            printf("  %s %llu: hold %.1f-%.1f (%.1f-%.1f) pos %.1f (%.1f) "
                   "%s/%s %s/%s flex %u/%d\n", c->jb->scenario,
                   (unsigned long long)c->jb->seed, d->start_s, d->end_s, ts,
                   te, d->position_cm, jnum(h, "position_cm"),
                   rm_line_name(d->line), jstr(h, "line"),
                   rm_technique_name(d->technique), jstr(h, "technique"),
                   d->flexes, (int)jnum(h, "flexes"));
    }
    /* A reported hold no truth hold matched is wrong wherever it is. */
    for (size_t j = 0; j < s->n_holds; j++)
        if (!used[j]) {
            cal(c, K_HPOS1, s->holds[j].confidence, 0);
            cal(c, K_HPOS2, s->holds[j].confidence, 0);
        }
    /* Pauses (not holds) that a reported, unmatched hold covers. */
    json_object *tp = jarr(tr, "pauses");
    n[C_PAUSES] += (long)jlen(tp);
    for (size_t i = 0; i < jlen(tp); i++) {
        double ps = jnum(AT(tp, i), "start_s"), pe = jnum(AT(tp, i), "end_s");
        for (size_t j = 0; j < s->n_holds; j++)
            if (!used[j] && overlap(ps, pe, s->holds[j].start_s,
                                    s->holds[j].end_s) >= 0.5 * (pe - ps)) {
                n[C_PAUSE_HOLDS]++;
                break;
            }
    }
}

static void score_passes(ctx *c, const rm_summary *s, json_object *tr)
{
    json_object *tp = jarr(tr, "passes");
    for (size_t i = 0; i < jlen(tp); i++) {
        json_object *p = AT(tp, i);
        double ts = jnum(p, "start_s"), te = jnum(p, "end_s"), best = 0;
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
        int tl = line_idx(jstr(p, "line")), fl = line_idx(rm_line_name(bp->line));
        c->res->c[C_PLINE_N]++;
        c->res->c[C_PLINE_OK] += tl == fl;
        if (bp->line != RM_LINE_UNKNOWN) {
            c->res->c[C_PLINE_NAMED]++;
            c->res->c[C_PLINE_NAMED_OK] += tl == fl;
        }
        cal(c, K_PLINE, bp->line_confidence, tl == fl);
        if (bp->line_confidence >= RM_CONFIDENCE_LOW) {
            c->res->c[C_PLINE_SURE]++;
            c->res->c[C_PLINE_SURE_OK] += tl == fl;
        }
        if (tl < 3)
            c->res->pass_line[tl][fl]++;
    }
}

static void score_flinches(ctx *c, const rm_summary *s, json_object *tr)
{
    long *n = c->res->c;
    json_object *tf = jarr(tr, "flinches");
    n[C_TRUTH_FL] += (long)jlen(tf);
    n[C_FOUND_FL] += (long)s->n_flinches;
    for (size_t i = 0; i < jlen(tf); i++) {
        double ft = jnum(AT(tf, i), "time_s");
        for (size_t j = 0; j < s->n_flinches; j++)
            if (fabs(s->flinches[j].time_s - ft) <= 1.0) {
                n[C_TRUTH_FL_FOUND]++;
                break;
            }
    }
    for (size_t j = 0; j < s->n_flinches; j++)
        for (size_t i = 0; i < jlen(tf); i++)
            if (fabs(s->flinches[j].time_s - jnum(AT(tf, i), "time_s")) <=
                1.0) {
                n[C_FOUND_FL_TRUE]++;
                break;
            }
}

static int peak_hits(const rm_peak *pk, json_object *p)
{
    return !strcmp(rm_line_name(pk->line), jstr(p, "line")) &&
           fabs(pk->position_cm - jnum(p, "position_cm")) <= 2.0;
}

static void score_peaks(ctx *c, const rm_summary *s, json_object *tr,
                        double min_passes)
{
    long *n = c->res->c;
    json_object *tt = jarr(tr, "trigger_points"), *tp = jarr(tr, "passes");
    n[C_TP] += (long)jlen(tt);
    n[C_PEAKS] += (long)s->n_peaks;
    for (size_t i = 0; i < jlen(tt); i++) {
        json_object *p = AT(tt, i), *det;
        int hit = 0;
        for (size_t j = 0; j < s->n_peaks; j++)
            hit |= peak_hits(&s->peaks[j], p);
        int detectable = json_object_object_get_ex(p, "detectable", &det)
            ? json_object_get_boolean(det)
            : (double)passes_over(tp, jnum(p, "position_cm"),
                                  jstr(p, "line")) >= min_passes;
        n[C_TP_HIT] += hit;
        n[C_DET] += detectable;
        n[C_DET_HIT] += detectable && hit;
        if (c->verbose && !hit)
            printf("  %s %llu: missed trigger point %.1f cm %s%s\n",
                   c->jb->scenario, (unsigned long long)c->jb->seed,
                   jnum(p, "position_cm"), jstr(p, "line"),
                   detectable ? " (detectable)" : "");
    }
    for (size_t j = 0; j < s->n_peaks; j++) {
        int hit = 0;
        for (size_t i = 0; i < jlen(tt); i++)
            hit |= peak_hits(&s->peaks[j], AT(tt, i));
        n[C_PEAKS_TRUE] += hit;
        cal(c, K_PEAK, s->peaks[j].confidence, hit);
        if (c->verbose && !hit)
            printf("  %s %llu: extra peak %.1f cm %s (%u passes)\n",
                   c->jb->scenario, (unsigned long long)c->jb->seed,
                   s->peaks[j].position_cm, rm_line_name(s->peaks[j].line),
                   s->peaks[j].passes);
    }
}

/* Reported positions (holds, pass ends, flinches, peaks) outside the
 * engine's own calf, 0..length, by more than 1 mm. */
static void count_outside(result *res, const rm_summary *s)
{
    if (!s->calf_found)
        return;
    double len = s->calf_length_cm;
#define OUTSIDE(x) (isfinite(x) && ((x) < -0.1 || (x) > len + 0.1))
    for (size_t j = 0; j < s->n_holds; j++) {
        res->c[C_PLACED]++;
        res->c[C_OUTSIDE] += OUTSIDE(s->holds[j].position_cm);
    }
    for (size_t j = 0; j < s->n_passes; j++) {
        res->c[C_PLACED] += 2;
        res->c[C_OUTSIDE] += OUTSIDE(s->passes[j].from_cm) +
                             OUTSIDE(s->passes[j].to_cm);
    }
    for (size_t j = 0; j < s->n_flinches; j++) {
        res->c[C_PLACED]++;
        res->c[C_OUTSIDE] += OUTSIDE(s->flinches[j].position_cm);
    }
    for (size_t j = 0; j < s->n_peaks; j++) {
        res->c[C_PLACED]++;
        res->c[C_OUTSIDE] += OUTSIDE(s->peaks[j].position_cm);
    }
#undef OUTSIDE
}

void score_session(const job *jb, uint32_t index, double stress_s,
                   int verbose, result *res,
                   void (*emit)(void *ctx, const item *it), void *ectx)
{
    memset(res, 0, sizeof *res);
    res->job = index;
    rm_sim_options opt = { .seed = jb->seed, .leg = jb->leg,
                           .physics = jb->physics,
                           .measured_length = jb->measured };
    if (!strcmp(jb->scenario, "stress"))
        opt.duration_s = stress_s;
    rm_sim *sim = NULL;
    rm_error err = { 0, "" };
    if (rm_sim_new(jb->scenario, &opt, &sim, &err) != RM_OK) {
        fprintf(stderr, "accuracy: sim %s: %s\n", jb->scenario, err.msg);
        res->failed = 1;
        return;
    }
    live_log lg = { 0 };
    rm_engine *eng = run_engine(sim, &lg);
    json_object *tr = eng ? truth_of(sim) : NULL;
    if (!tr) {
        live_log_free(&lg);
        res->failed = 1;
        rm_engine_free(eng);
        rm_sim_free(sim);
        return;
    }
    const rm_summary *s = rm_engine_summary(eng);
    snprintf(res->physics, sizeof res->physics, "%s",
             jb->physics ? jstr(tr, "physics") : "original");
    rm_engine_config cfg;
    rm_engine_config_default(&cfg);
    ctx c = { jb, index, res, emit, ectx, verbose, &lg };
    json_object *calf;
    if (s->calf_found && json_object_object_get_ex(tr, "calf", &calf)) {
        res->c[C_CALF_FOUND] = 1;
        put(&c, M_LEN, s->calf_length_cm - jnum(calf, "length_cm"), 0.0);
        if (verbose)
            printf("  %s %llu: calf %.1f cm (%.1f)\n", jb->scenario,
                   (unsigned long long)jb->seed, s->calf_length_cm,
                   jnum(calf, "length_cm"));
    }
    count_outside(res, s);
    char *used = calloc(s->n_holds + 1, 1);
    if (!used) {
        fprintf(stderr, "accuracy: out of memory\n");
        exit(1);
    }
    score_holds(&c, s, tr, used);
    free(used);
    score_passes(&c, s, tr);
    score_flinches(&c, s, tr);
    score_peaks(&c, s, tr, cfg.peak_min_passes);
    json_object_put(tr);
    live_log_free(&lg);
    rm_engine_free(eng);
    rm_sim_free(sim);
}
