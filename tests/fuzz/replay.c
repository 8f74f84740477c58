/*
 * Corpus replay without libFuzzer: runs one fuzz target's
 * LLVMFuzzerTestOneInput over every file of its seed corpus and of its
 * crash regressions (tests/fuzz/corpus/<t>/, tests/fuzz/crashes/<t>/), so
 * make check (and the sanitizer build) re-tries every input ever found.
 * Usage: replay_<t> [FILE|DIR]...  (no arguments: those two directories;
 * the target name comes from the program name).
 * Cost: every input must run in at most MAX_CPU_S of CPU time (user +
 * system, so a loaded machine does not change it) and the whole replay
 * must peak under MAX_RSS_MB: the fuzzers' -timeout and -rss_limit_mb
 * (tests/fuzz/run) with a margin, so an input that makes a target slow
 * or hungry fails make check, not only a fuzzing run (issue 19: a
 * 4,000-byte session took 1.9 s and 129 MB). The sanitizer pass
 * (ROLLMAP_SANITIZED) allows 5x the time and skips the memory check
 * (shadow memory and quarantine).
 */
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* Plain build; libFuzzer runs the targets with -timeout=1 and
 * -rss_limit_mb=256. */
#define MAX_CPU_S 1.0
#define MAX_RSS_MB 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static double max_cpu_s = MAX_CPU_S;
static double worst_cpu_s;
static char worst_path[512];

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static int run_file(const char *path, unsigned *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: cannot open\n", path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "replay: %s: out of memory\n", path);
        return -1;
    }
    /* Exactly len bytes, so ASan sees any read past the input. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, len);
    free(buf);
    double t0 = cpu_s();
    LLVMFuzzerTestOneInput(exact, len);
    double used = cpu_s() - t0;
    free(exact);
    (*n)++;
    if (used > worst_cpu_s) {
        worst_cpu_s = used;
        snprintf(worst_path, sizeof worst_path, "%s", path);
    }
    if (used > max_cpu_s) {
        fprintf(stderr, "replay: %s: %.2f s of CPU (at most %.2f)\n", path,
                used, max_cpu_s);
        return -1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's regular files in name order (stable runs). */
static int run_path(const char *path, unsigned *n, int must_exist)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (!must_exist)
            return 0;
        fprintf(stderr, "replay: %s: not found\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path, n);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[count] = malloc(len);
        if (!names[count]) {
            rc = -1;
            break;
        }
        snprintf(names[count], len, "%s/%s", path, e->d_name);
        count++;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, cmp_str);
    for (size_t i = 0; i < count; i++) {
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            rc = run_file(names[i], n);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    /* Our own stdout: a target may silence the standard streams. */
    FILE *out = fdopen(dup(1), "w");
    if (!out)
        out = stdout;
    /* Absolute paths first: a target's initialiser may change directory. */
    char *paths[256];
    int n_paths = 0, must[256];
    if (argc > 1) {
        for (int i = 1; i < argc && n_paths < 256; i++, n_paths++) {
            paths[n_paths] = realpath(argv[i], NULL);
            must[n_paths] = 1;
            if (!paths[n_paths]) {
                fprintf(stderr, "replay: %s: not found\n", argv[i]);
                return EXIT_FAILURE;
            }
        }
    } else {
        /* replay_<target> -> tests/fuzz/{corpus,crashes}/<target> */
        const char *base = strrchr(argv[0], '/');
        base = base ? base + 1 : argv[0];
        const char *target = strncmp(base, "replay_", 7) ? base : base + 7;
        static const char *const kinds[] = { "corpus", "crashes" };
        for (int k = 0; k < 2; k++) {
            char dir[512];
            snprintf(dir, sizeof dir, "tests/fuzz/%s/%s", kinds[k], target);
            paths[n_paths] = realpath(dir, NULL);
            must[n_paths] = k == 0;
            if (!paths[n_paths] && must[n_paths]) {
                fprintf(stderr, "replay: %s: not found (run from the "
                                "top of the tree)\n", dir);
                return EXIT_FAILURE;
            }
            if (paths[n_paths])
                n_paths++;
        }
    }
    int sanitized = getenv("ROLLMAP_SANITIZED") != NULL;
    if (sanitized)
        max_cpu_s *= 5.0;
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    unsigned n = 0;
    int rc = 0;
    for (int i = 0; i < n_paths; i++) {
        if (rc == 0)
            rc = run_path(paths[i], &n, must[i]);
        free(paths[i]);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long peak_mb = ru.ru_maxrss / 1024;
    if (!sanitized && peak_mb > MAX_RSS_MB) {
        fprintf(stderr, "replay: peak memory %ld MB (at most %d)\n", peak_mb,
                MAX_RSS_MB);
        rc = -1;
    }
    fprintf(out, "replay: %u inputs, %s; slowest %.3f s CPU (%s), peak %ld "
                 "MB\n", n, rc ? "FAILED" : "no crash", worst_cpu_s,
            worst_path[0] ? worst_path : "-", peak_mb);
    fflush(out);
    return rc ? EXIT_FAILURE : (n ? EXIT_SUCCESS : EXIT_FAILURE);
}
