/*
 * accuracy: runs the simulator over a family of sessions, runs the engine
 * on each (through the public API only), scores the findings against the
 * simulator's truth and prints the tables (docs/engine.md, "Accuracy").
 *
 *   accuracy [--family original|tuning|pool|heldout|all] [--seeds A-B]
 *            [--scenarios a,b,...] [--physics LIST] [--stress-s S]
 *            [--leg left|right] [--measured-length] [--jobs N]
 *            [--conf-dump FILE] [--check] [-v]
 *
 * original: the scenarios (default basic,holds,clean,noisy,stress) over
 * the seeds with no physics variant (or --physics LIST); tuning, pool
 * and heldout: the families declared in families.h; all: the four in
 * turn.
 * --leg: the original family's sessions on that leg (default: the
 * seed's), to rerun one session of a declared family. --jobs N forks N
 * workers (make accuracy: 2, one per core). stress
 * sessions last --stress-s seconds (default 300; 0: the scenario's own).
 * --measured-length: every session carries the calf's length as a tape
 * measures it (the truth's within +-0.5 cm; rm_sim_options), so the
 * engine's frame comes from it (docs/engine.md, "A measured calf
 * length"); the same sessions otherwise.
 *
 * --conf-dump FILE appends one line per scored finding (kind scenario
 * seed physics confidence right) for a closer look at the confidence
 * table.
 *
 * With --check (or no arguments, as make check runs it) it runs the
 * original family on seeds 1-3 and exits 1 when a loose regression bound
 * is missed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "accuracy.h"
#include "families.h"

static const char *const all_scenarios[] = { "basic", "holds", "clean",
                                             "noisy", "stress", "short" };
#define N_ALL_SCEN 6

/* ---- sorting helpers ---- */

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(double *v, size_t n, double q)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof *v, cmpd);
    size_t i = (size_t)ceil(q * (double)n) - 1;
    return v[i >= n ? n - 1 : i];
}

static double ratio(long a, long b)
{
    return b ? (double)a / (double)b : NAN;
}

static void *xalloc(size_t n)
{
    void *p = calloc(n ? n : 1, 1);
    if (!p) {
        fprintf(stderr, "accuracy: out of memory\n");
        exit(1);
    }
    return p;
}

/* ---- a family: jobs, their results and items ---- */

typedef struct family {
    const char *name;
    job *jobs;
    size_t n_jobs;
    result *res;       /* by job index */
    item *items;
    size_t n_items, cap_items;
} family;

/* --measured-length: every job's session carries a taped calf length. */
static int measured_length;

static void add_job(family *f, size_t cap, const char *scen, uint64_t seed,
                    rm_leg leg, const char *physics)
{
    if (f->n_jobs >= cap)
        return;
    job *j = &f->jobs[f->n_jobs++];
    j->measured = measured_length;
    j->scenario = scen;
    j->seed = seed;
    j->leg = leg;
    j->physics = physics;
}

static void declared_family(family *f, const char *name,
                            const char *const *combos, uint64_t base)
{
    size_t n = (size_t)N_ALL_SCEN * FAMILY_COMBOS * FAMILY_REPEATS;
    f->name = name;
    f->jobs = xalloc(n * sizeof *f->jobs);
    for (size_t i = 0; i < n; i++) {
        size_t rep = i / (N_ALL_SCEN * FAMILY_COMBOS);
        add_job(f, n, all_scenarios[i % N_ALL_SCEN], base + i,
                rep % 2 ? RM_LEG_LEFT : RM_LEG_RIGHT,
                combos[(i / N_ALL_SCEN) % FAMILY_COMBOS]);
    }
}

static void seed_family(family *f, const char *name, char *scen_list,
                        unsigned long s0, unsigned long s1,
                        const char *physics, rm_leg leg)
{
    size_t n_scen = 1;
    for (const char *c = scen_list; *c; c++)
        n_scen += *c == ',';
    size_t cap = n_scen * (s1 - s0 + 1);
    f->name = name;
    f->jobs = xalloc(cap * sizeof *f->jobs);
    for (char *sc = strtok(scen_list, ","); sc; sc = strtok(NULL, ","))
        for (unsigned long s = s0; s <= s1; s++)
            add_job(f, cap, sc, s, leg, physics);
}

static void push_item(void *ctx, const item *it)
{
    family *f = ctx;
    if (f->n_items == f->cap_items) {
        f->cap_items = f->cap_items ? 2 * f->cap_items : 1024;
        f->items = realloc(f->items, f->cap_items * sizeof *f->items);
        if (!f->items) {
            fprintf(stderr, "accuracy: out of memory\n");
            exit(1);
        }
    }
    f->items[f->n_items++] = *it;
}

static void write_item(void *ctx, const item *it)
{
    if (fwrite(it, sizeof *it, 1, ctx) != 1) {
        fprintf(stderr, "accuracy: worker: write failed\n");
        exit(1);
    }
}

static double stress_s = 300.0;
static int verbose;

/*
 * Run every job, n_workers at a time: worker w takes jobs w, w + n, ...
 * and writes (result, its items) records to a temporary file the parent
 * reads back once it has exited. The tables do not depend on the number
 * of workers.
 */
static int run_family(family *f, int n_workers)
{
    f->res = xalloc(f->n_jobs * sizeof *f->res);
    if (n_workers <= 1 || verbose) {
        for (size_t i = 0; i < f->n_jobs; i++)
            score_session(&f->jobs[i], (uint32_t)i, stress_s, verbose,
                          &f->res[i], push_item, f);
        return 0;
    }
    FILE *tmp[16];
    pid_t pid[16];
    if (n_workers > 16)
        n_workers = 16;
    for (int w = 0; w < n_workers; w++) {
        tmp[w] = tmpfile();
        if (!tmp[w]) {
            perror("accuracy: tmpfile");
            return 1;
        }
        fflush(NULL);
        pid[w] = fork();
        if (pid[w] < 0) {
            perror("accuracy: fork");
            return 1;
        }
        if (pid[w] == 0) {
            for (size_t i = (size_t)w; i < f->n_jobs; i += (size_t)n_workers) {
                result r;
                long at = ftell(tmp[w]);
                /* The result goes in front of its items: write a
                 * placeholder, the items, then the result in place. */
                if (fwrite(&r, sizeof r, 1, tmp[w]) != 1)
                    _exit(1);
                score_session(&f->jobs[i], (uint32_t)i, stress_s, 0, &r,
                              write_item, tmp[w]);
                long end = ftell(tmp[w]);
                if (fseek(tmp[w], at, SEEK_SET) ||
                    fwrite(&r, sizeof r, 1, tmp[w]) != 1 ||
                    fseek(tmp[w], end, SEEK_SET))
                    _exit(1);
            }
            _exit(fflush(tmp[w]) ? 1 : 0);
        }
    }
    int bad = 0;
    for (int w = 0; w < n_workers; w++) {
        int status = 0;
        if (waitpid(pid[w], &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status)) {
            fprintf(stderr, "accuracy: worker %d failed\n", w);
            bad = 1;
        }
        rewind(tmp[w]);
        result r;
        while (fread(&r, sizeof r, 1, tmp[w]) == 1) {
            if (r.job < f->n_jobs)
                f->res[r.job] = r;
            for (uint32_t k = 0; k < r.n_items; k++) {
                item it;
                if (fread(&it, sizeof it, 1, tmp[w]) != 1) {
                    bad = 1;
                    break;
                }
                push_item(f, &it);
            }
        }
        fclose(tmp[w]);
    }
    return bad;
}

/* ---- tables ---- */

typedef struct agg {
    long c[C_COUNT];
    long hold_line[3][4], pass_line[3][4], tech[3][4];
    long sessions, failed;
    calib cal;
    double *m[M_COUNT];
    size_t n[M_COUNT];
} agg;

/* Sum the jobs whose scenario is `scen` (NULL: all). */
static void aggregate(const family *f, const char *scen, agg *a)
{
    memset(a, 0, sizeof *a);
    for (int m = 0; m < M_COUNT; m++)
        a->m[m] = xalloc((f->n_items + 1) * sizeof(double));
    for (size_t i = 0; i < f->n_jobs; i++) {
        if (scen && strcmp(f->jobs[i].scenario, scen))
            continue;
        const result *r = &f->res[i];
        a->sessions++;
        a->failed += r->failed;
        for (int k = 0; k < C_COUNT; k++)
            a->c[k] += r->c[k];
        calib_sum(&a->cal, &r->cal);
        for (int x = 0; x < 3; x++)
            for (int y = 0; y < 4; y++) {
                a->hold_line[x][y] += r->hold_line[x][y];
                a->pass_line[x][y] += r->pass_line[x][y];
                a->tech[x][y] += r->tech[x][y];
            }
    }
    for (size_t k = 0; k < f->n_items; k++) {
        const item *it = &f->items[k];
        if (scen && strcmp(f->jobs[it->job].scenario, scen))
            continue;
        a->m[it->metric][a->n[it->metric]++] =
            it->metric == M_LEN ? fabs(it->err) : it->err;
    }
}

static void agg_free(agg *a)
{
    for (int m = 0; m < M_COUNT; m++)
        free(a->m[m]);
}

static double q(agg *a, int m, double p)
{
    return quantile(a->m[m], a->n[m], p);
}

static void print_header(void)
{
    printf("%-8s %4s %6s %6s %5s %5s %5s %5s %5s %5s %6s %6s %6s %6s %6s "
           "%6s %5s %6s %6s %6s %5s %5s\n", "scenario", "n", "h.rec",
           "h.prec", "st50", "st95", "du50", "du95", "po50", "po95", "h.line",
           "p.line", "tech", "flex", "fl.rec", "fl.prc", "paus", "pk.all",
           "pk.det", "pk.prc", "len50", "len95");
}

static void print_row(const char *label, agg *a)
{
    long *c = a->c;
    char paus[16];
    snprintf(paus, sizeof paus, "%ld/%ld", c[C_PAUSE_HOLDS], c[C_PAUSES]);
    printf("%-8s %4ld %6.3f %6.3f %5.2f %5.2f %5.2f %5.2f %5.2f %5.2f %6.3f "
           "%6.3f %6.3f %6.3f %6.3f %6.3f %5s %6.3f %6.3f %6.3f %5.2f "
           "%5.2f\n", label, a->sessions,
           ratio(c[C_MATCHED], c[C_TRUTH_HOLDS]),
           ratio(c[C_MATCHED], c[C_FOUND_HOLDS]), q(a, M_START, 0.5),
           q(a, M_START, 0.95), q(a, M_DUR, 0.5), q(a, M_DUR, 0.95),
           q(a, M_POS, 0.5), q(a, M_POS, 0.95),
           ratio(c[C_LINE_OK], c[C_LINE_N]), ratio(c[C_PLINE_OK], c[C_PLINE_N]),
           ratio(c[C_TECH_OK], c[C_TECH_N]), ratio(c[C_FLEX_OK], c[C_FLEX_N]),
           ratio(c[C_TRUTH_FL_FOUND], c[C_TRUTH_FL]),
           ratio(c[C_FOUND_FL_TRUE], c[C_FOUND_FL]), paus,
           ratio(c[C_TP_HIT], c[C_TP]), ratio(c[C_DET_HIT], c[C_DET]),
           ratio(c[C_PEAKS_TRUE], c[C_PEAKS]), q(a, M_LEN, 0.5),
           q(a, M_LEN, 0.95));
}

static void print_confusion(const char *title, long m[3][4],
                            const char *const names[3])
{
    printf("%s (rows truth, columns reported)\n  %-16s", title, "");
    for (int y = 0; y < 3; y++)
        printf(" %15s", names[y]);
    printf(" %15s\n", "none/other");
    for (int x = 0; x < 3; x++) {
        printf("  %-16s", names[x]);
        for (int y = 0; y < 4; y++)
            printf(" %15ld", m[x][y]);
        printf("\n");
    }
}

static void print_job(const family *f, uint32_t j)
{
    const job *jb = &f->jobs[j];
    printf("%s seed %llu %s leg, physics %s", jb->scenario,
           (unsigned long long)jb->seed,
           jb->leg == RM_LEG_LEFT ? "left" : jb->leg == RM_LEG_RIGHT
                                                 ? "right" : "seed's",
           f->res[j].physics[0] ? f->res[j].physics : "original");
}

/* The 5 largest items of a metric. */
static void worst_items(const family *f, int metric, const char *what)
{
    int top[5] = { -1, -1, -1, -1, -1 };
    for (size_t k = 0; k < f->n_items; k++) {
        if (f->items[k].metric != metric)
            continue;
        double e = fabs(f->items[k].err);
        for (int t = 0; t < 5; t++)
            if (top[t] < 0 || e > fabs(f->items[top[t]].err)) {
                memmove(&top[t + 1], &top[t], (size_t)(4 - t) * sizeof *top);
                top[t] = (int)k;
                break;
            }
    }
    printf("worst %s:\n", what);
    for (int t = 0; t < 5 && top[t] >= 0; t++) {
        const item *it = &f->items[top[t]];
        printf("  %7.2f  ", it->err);
        if (metric != M_LEN)
            printf("hold at %.1f s, ", it->t_s);
        print_job(f, it->job);
        printf("\n");
    }
}

/* The 5 sessions with the most of a counted error: a - b. */
static void worst_counts(const family *f, int ca, int cb, const char *what)
{
    int top[5] = { -1, -1, -1, -1, -1 };
    long val[5] = { 0 };
    for (size_t j = 0; j < f->n_jobs; j++) {
        long v = f->res[j].c[ca] - (cb >= 0 ? f->res[j].c[cb] : 0);
        if (v <= 0)
            continue;
        for (int t = 0; t < 5; t++)
            if (top[t] < 0 || v > val[t]) {
                memmove(&top[t + 1], &top[t], (size_t)(4 - t) * sizeof *top);
                memmove(&val[t + 1], &val[t], (size_t)(4 - t) * sizeof *val);
                top[t] = (int)j;
                val[t] = v;
                break;
            }
    }
    if (top[0] < 0)
        return;
    printf("worst %s:\n", what);
    for (int t = 0; t < 5 && top[t] >= 0; t++) {
        printf("  %7ld  ", val[t]);
        print_job(f, (uint32_t)top[t]);
        printf("\n");
    }
}

static void print_family(const family *f, int show_scenarios)
{
    static const char *const lines[3] = { "medial", "middle", "lateral" };
    static const char *const techs[3] = { "static", "rocking",
                                          "pin_and_stretch" };
    printf("== %s: %zu sessions\n", f->name, f->n_jobs);
    print_header();
    if (show_scenarios) {
        for (int s = 0; s < N_ALL_SCEN; s++) {
            agg a;
            aggregate(f, all_scenarios[s], &a);
            if (a.sessions)
                print_row(all_scenarios[s], &a);
            agg_free(&a);
        }
    }
    agg a;
    aggregate(f, NULL, &a);
    print_row("overall", &a);
    long *c = a.c;
    printf("hold recall %.3f (%ld/%ld), precision %.3f (%ld reported); "
           "holds on clean %ld; pauses reported as holds %ld of %ld;\n"
           "flinch recall %.3f (%ld), precision %.3f (%ld reported); "
           "calf found %ld of %ld;\n"
           "positions outside the engine's own 0..length: %ld of %ld;\n"
           "peaks: %ld planted, %ld detectable (rule: docs/simulator.md), "
           "%ld reported\n", ratio(c[C_MATCHED], c[C_TRUTH_HOLDS]),
           c[C_MATCHED], c[C_TRUTH_HOLDS],
           ratio(c[C_MATCHED], c[C_FOUND_HOLDS]), c[C_FOUND_HOLDS],
           c[C_CLEAN_HOLDS], c[C_PAUSE_HOLDS], c[C_PAUSES],
           ratio(c[C_TRUTH_FL_FOUND], c[C_TRUTH_FL]), c[C_TRUTH_FL],
           ratio(c[C_FOUND_FL_TRUE], c[C_FOUND_FL]), c[C_FOUND_FL],
           c[C_CALF_FOUND], a.sessions, c[C_OUTSIDE], c[C_PLACED], c[C_TP],
           c[C_DET], c[C_PEAKS]);
    printf("live hold agreement (updates at 10/s inside matched holds, "
           "once placed live: %ld of %ld): line %.3f, place within 2 cm "
           "%.3f, both %.3f; flagged provisional %.3f; line once its "
           "flag is clear %.3f (%ld; line flagged %.3f); place once its "
           "flag is clear %.3f (%ld; place flagged %.3f)\n", c[C_LIVE_N],
           c[C_LIVE_ALL], ratio(c[C_LIVE_LINE], c[C_LIVE_N]),
           ratio(c[C_LIVE_POS], c[C_LIVE_N]),
           ratio(c[C_LIVE_BOTH], c[C_LIVE_N]),
           ratio(c[C_LIVE_PROV], c[C_LIVE_N]),
           ratio(c[C_LIVE_EST_LINE], c[C_LIVE_EST_N]), c[C_LIVE_EST_N],
           1.0 - ratio(c[C_LIVE_EST_N], c[C_LIVE_N]),
           ratio(c[C_LIVE_PEST_POS], c[C_LIVE_PEST_N]), c[C_LIVE_PEST_N],
           1.0 - ratio(c[C_LIVE_PEST_N], c[C_LIVE_N]));
    /* h.line and p.line count an unknown line as a wrong one; beside
     * them, what the engine named and what it stated (not marked
     * uncertain), so that "I cannot tell" reads apart from a wrong line. */
    printf("pass lines named %ld of %ld, right %.3f where named; stated "
           "(confidence >= %.1f) %ld, right %.3f; hold lines stated %ld of "
           "%ld, right %.3f\n", c[C_PLINE_NAMED], c[C_PLINE_N],
           ratio(c[C_PLINE_NAMED_OK], c[C_PLINE_NAMED]), RM_CONFIDENCE_LOW,
           c[C_PLINE_SURE], ratio(c[C_PLINE_SURE_OK], c[C_PLINE_SURE]),
           c[C_LINE_SURE], c[C_LINE_N],
           ratio(c[C_LINE_SURE_OK], c[C_LINE_SURE]));
    if (a.failed)
        printf("%ld session(s) failed to run\n", a.failed);
    calib_print(&a.cal);
    print_confusion("hold line", a.hold_line, lines);
    print_confusion("pass line", a.pass_line, lines);
    print_confusion("technique", a.tech, techs);
    agg_free(&a);
    worst_items(f, M_START, "hold start error (s)");
    worst_items(f, M_DUR, "hold duration error (s)");
    worst_items(f, M_POS, "hold position error (cm)");
    worst_items(f, M_LEN, "calf length error (cm, engine - truth)");
    worst_counts(f, C_TRUTH_HOLDS, C_MATCHED, "missed holds");
    worst_counts(f, C_FOUND_HOLDS, C_MATCHED, "extra holds");
    worst_counts(f, C_CLEAN_HOLDS, -1, "holds on clean");
    worst_counts(f, C_LINE_N, C_LINE_OK, "hold line errors");
    worst_counts(f, C_PLINE_N, C_PLINE_OK, "pass line errors");
    worst_counts(f, C_TECH_N, C_TECH_OK, "technique errors");
    worst_counts(f, C_FLEX_N, C_FLEX_OK, "flex count errors");
    worst_counts(f, C_TRUTH_FL, C_TRUTH_FL_FOUND, "missed flinches");
    worst_counts(f, C_FOUND_FL, C_FOUND_FL_TRUE, "false flinches");
    worst_counts(f, C_PAUSE_HOLDS, -1, "pauses reported as holds");
    worst_counts(f, C_DET, C_DET_HIT, "missed detectable peaks");
    worst_counts(f, C_PEAKS, C_PEAKS_TRUE, "false peaks");
    worst_counts(f, C_OUTSIDE, -1, "positions outside 0..length");
    worst_counts(f, C_LIVE_N, C_LIVE_LINE, "live updates off the hold's line");
    worst_counts(f, C_LIVE_EST_N, C_LIVE_EST_LINE,
                 "live updates off the hold's line, flag clear");
    worst_counts(f, C_LIVE_N, C_LIVE_POS, "live updates over 2 cm off the hold");
    printf("\n");
}

static void family_free(family *f)
{
    free(f->jobs);
    free(f->res);
    free(f->items);
}

/* make check's loose regression bounds on the original physics. */
static int check_bounds(const family *f)
{
    agg a;
    aggregate(f, NULL, &a);
    long *c = a.c;
    int bad = a.failed > 0;
#define NEED(cond, what)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            printf("accuracy check FAILED: %s\n", what);                   \
            bad = 1;                                                       \
        }                                                                  \
    } while (0)
    NEED(ratio(c[C_MATCHED], c[C_TRUTH_HOLDS]) >= 0.95 &&
         ratio(c[C_MATCHED], c[C_FOUND_HOLDS]) >= 0.95,
         "hold recall/precision >= 0.95");
    NEED(q(&a, M_DUR, 0.95) <= 1.0, "hold duration error p95 <= 1 s");
    NEED(q(&a, M_POS, 0.5) <= 0.6, "hold position error median <= 0.6 cm");
    NEED(q(&a, M_POS, 0.95) <= 4.0, "hold position error p95 <= 4 cm");
    NEED(ratio(c[C_LINE_OK], c[C_LINE_N]) >= 0.9 &&
         ratio(c[C_PLINE_OK], c[C_PLINE_N]) >= 0.9,
         "hold and pass line accuracy >= 0.9");
    NEED(ratio(c[C_TECH_OK], c[C_TECH_N]) >= 0.9, "technique accuracy >= 0.9");
    NEED(!(ratio(c[C_FLEX_OK], c[C_FLEX_N]) < 0.9), "flex count exact >= 0.9");
    NEED(!(ratio(c[C_TRUTH_FL_FOUND], c[C_TRUTH_FL]) < 0.9),
         "flinch recall >= 0.9");
    NEED(c[C_CLEAN_HOLDS] == 0, "no holds on clean");
    NEED(!(ratio(c[C_DET_HIT], c[C_DET]) < 0.6) &&
         !(ratio(c[C_PEAKS_TRUE], c[C_PEAKS]) < 0.6),
         "peak recall/precision >= 0.6");
    agg_free(&a);
    return bad;
}

static int usage(void)
{
    fprintf(stderr, "usage: accuracy [--family original|tuning|pool|heldout|all] "
                    "[--seeds A-B] [--scenarios a,b] [--physics LIST]\n"
                    "                [--leg left|right] [--stress-s S] "
                    "[--measured-length] [--jobs N]\n"
                    "                [--conf-dump FILE] [--check] [-v]\n");
    return 2;
}

static double cpu_s(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

int main(int argc, char **argv)
{
    unsigned long s0 = 1, s1 = 3;
    char scen[256] = "basic,holds,clean,noisy,stress";
    const char *which = "original", *physics = NULL;
    rm_leg leg = RM_LEG_UNKNOWN;
    int check = argc == 1, jobs = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seeds") && i + 1 < argc) {
            if (sscanf(argv[++i], "%lu-%lu", &s0, &s1) < 2)
                s1 = s0;
            if (s1 < s0)
                return usage();
        } else if (!strcmp(argv[i], "--scenarios") && i + 1 < argc) {
            snprintf(scen, sizeof scen, "%s", argv[++i]);
        } else if (!strcmp(argv[i], "--family") && i + 1 < argc) {
            which = argv[++i];
        } else if (!strcmp(argv[i], "--leg") && i + 1 < argc) {
            if (rm_leg_parse(argv[++i], &leg) != RM_OK)
                return usage();
        } else if (!strcmp(argv[i], "--physics") && i + 1 < argc) {
            physics = argv[++i];
        } else if (!strcmp(argv[i], "--stress-s") && i + 1 < argc) {
            stress_s = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--jobs") && i + 1 < argc) {
            jobs = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--measured-length")) {
            measured_length = 1;
        } else if (!strcmp(argv[i], "--conf-dump") && i + 1 < argc) {
            static char dump_buf[8192];
            conf_dump = fopen(argv[++i], "a");
            if (!conf_dump) {
                perror(argv[i]);
                return 2;
            }
            setvbuf(conf_dump, dump_buf, _IOLBF, sizeof dump_buf);
        } else if (!strcmp(argv[i], "--check")) {
            check = 1;
        } else if (!strcmp(argv[i], "-v")) {
            verbose = 1;
        } else {
            return usage();
        }
    }
    int all = !strcmp(which, "all");
    if (!all && strcmp(which, "original") && strcmp(which, "tuning") &&
        strcmp(which, "heldout") && strcmp(which, "pool"))
        return usage();
    if (check)
        which = "original";

    int bad = 0;
    char title[160];
    if (all || !strcmp(which, "original")) {
        family f = { 0 };
        snprintf(title, sizeof title, "%s physics, scenarios %s, seeds "
                 "%lu-%lu", physics ? physics : "original", scen, s0, s1);
        seed_family(&f, title, scen, s0, s1, physics, leg);
        bad |= run_family(&f, jobs);
        print_family(&f, 1);
        if (check)
            bad |= check_bounds(&f);
        family_free(&f);
    }
    if (!check && (all || !strcmp(which, "tuning"))) {
        family f = { 0 };
        declared_family(&f, "tuning family (tools/accuracy/families.h)",
                        tuning_combos, TUNING_SEED_BASE);
        bad |= run_family(&f, jobs);
        print_family(&f, 1);
        family_free(&f);
    }
    if (!check && (all || !strcmp(which, "pool"))) {
        family f = { 0 };
        char pool_scen[] = POOL_SCENARIOS;
        seed_family(&f, "random pool (tools/accuracy/families.h; tuning "
                    "data)", pool_scen, POOL_SEED_BASE,
                    POOL_SEED_BASE + POOL_SEEDS - 1, POOL_PHYSICS,
                    RM_LEG_UNKNOWN);
        bad |= run_family(&f, jobs);
        print_family(&f, 1);
        family_free(&f);
    }
    if (!check && (all || !strcmp(which, "heldout"))) {
        family f = { 0 };
        declared_family(&f, "HELD-OUT family (tools/accuracy/families.h; "
                        "report only, never tune on it)", heldout_combos,
                        HELDOUT_SEED_BASE);
        bad |= run_family(&f, jobs);
        print_family(&f, 1);
        family_free(&f);
    }
    printf("cpu time: %.1f s (this process %.1f s, workers %.1f s)\n",
           cpu_s(RUSAGE_SELF) + cpu_s(RUSAGE_CHILDREN), cpu_s(RUSAGE_SELF),
           cpu_s(RUSAGE_CHILDREN));
    return bad ? 1 : 0;
}
