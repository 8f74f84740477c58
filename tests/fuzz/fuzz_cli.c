/*
 * libFuzzer target for the command line: the input, split at NUL bytes,
 * becomes argv for one rollmap subcommand (first byte picks which), run
 * in-process through the same cmd_<name>() the binary's dispatcher calls.
 * Guard rails keep it a parser test: it runs in a private temporary
 * directory holding a few session files, refuses arguments that name
 * paths outside it or real devices, and pins the options that would make
 * a run slow (record always uses the virtual board, capped in duration).
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_ARGS 16

static const struct target {
    const char *name;
    cmd_fn run;
    const char *pinned[6]; /* prepended after the name; NULL-terminated */
} targets[] = {
    { "info",   cmd_info,   { NULL } },
    { "report", cmd_report, { NULL } },
    { "trend",  cmd_trend,  { NULL } },
    { "sim",    cmd_sim,    { "--duration", "1", NULL } },
    { "replay", cmd_replay, { "--speed", "0", "-q", NULL } },
    { "record", cmd_record, { "--sim=short", "--no-realtime", "--duration",
                              "0.5", "-q", NULL } },
};

/* Under $TMPDIR (tests/fuzz/run points it at a tmpfs when there is one:
 * on a disk, restoring the seed files cost more than the commands). */
static char workdir[4096];

/* Prefixes of long options that could leave the sandbox or run long:
 * getopt_long takes any unambiguous prefix, so refuse them all. */
static int unsafe(const char *arg)
{
    static const char *const longs[] = { "--duration", "--speed", "--port",
                                         "--baud", "--boot-wait", "--sim",
                                         "--seed", "--web" };
    if (strchr(arg, '/') || !strncmp(arg, "..", 2))
        return 1;
    if (arg[0] == '-' && arg[1] == '-' && arg[2]) {
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++)
            if (len >= 3 && !strncmp(longs[i], arg, len))
                return 1;
    } else if (arg[0] == '-' && arg[1] != '-') {
        /* short clusters: -p (port), -d (sim duration), -s (seed/speed) */
        if (strpbrk(arg + 1, "pds"))
            return 1;
    }
    return 0;
}

/* The files every run starts with: two sessions and a broken WAV, kept
 * in memory and put back after each run (a run may overwrite them with
 * --force, or delete nothing, or add files). */
static const char *const seed_names[] = { "a.wav", "b.wav", "c.wav" };
#define N_SEEDS (sizeof seed_names / sizeof seed_names[0])
static char *seed_data[N_SEEDS];
static size_t seed_len[N_SEEDS];
/* Each seed file as last written: a run that left it alone (same inode,
 * size and time) needs no rewrite. */
static struct stat seed_st[N_SEEDS];

static void slurp(size_t i)
{
    FILE *f = fopen(seed_names[i], "rb");
    if (!f)
        abort();
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    seed_data[i] = malloc(len > 0 ? (size_t)len : 1);
    if (!seed_data[i] || fread(seed_data[i], 1, (size_t)len, f) != (size_t)len)
        abort();
    seed_len[i] = (size_t)len;
    fclose(f);
    if (stat(seed_names[i], &seed_st[i]) != 0)
        abort();
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
           a->st_size == b->st_size && a->st_mode == b->st_mode &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The private directory goes when the fuzzer or the replay exits. */
static void remove_workdir(void)
{
    DIR *d = opendir(workdir);
    struct dirent *e;
    char path[sizeof workdir + 300];
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%.255s", workdir, e->d_name);
            remove(path);
        }
    }
    if (d)
        closedir(d);
    rmdir(workdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof workdir, "%s/rollmap-fuzz-cli-XXXXXX",
             tmp && tmp[0] == '/' ? tmp : "/tmp");
    if (!mkdtemp(workdir) || chdir(workdir) != 0)
        abort();
    atexit(remove_workdir);
    /* Quiet: the commands' messages would drown the fuzzer's own (the
     * sanitizers and libFuzzer write to the descriptors, not these). */
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        stdout = null;
        stderr = null;
    }
    char *sim[] = { "sim", "short", "-o", "a.wav", "--duration", "2", "-q",
                    NULL };
    char *sim2[] = { "sim", "noisy", "-o", "b.wav", "--duration", "1", "-q",
                     NULL };
    if (cmd_sim(7, sim) != EXIT_OK || cmd_sim(7, sim2) != EXIT_OK)
        abort();
    optind = 0;
    FILE *f = fopen("c.wav", "w");
    if (!f)
        abort();
    fwrite("RIFF\x10\0\0\0WAVEjunk", 1, 16, f);
    fclose(f);
    for (size_t i = 0; i < N_SEEDS; i++)
        slurp(i);
    return 0;
}

/* Back to the starting files: remove what the run made, restore seeds. */
static void tidy(void)
{
    DIR *d = opendir(".");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int kept = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
        for (size_t i = 0; i < N_SEEDS; i++)
            kept |= !strcmp(e->d_name, seed_names[i]);
        if (!kept)
            remove(e->d_name);
    }
    if (d)
        closedir(d);
    for (size_t i = 0; i < N_SEEDS; i++) {
        struct stat st;
        if (stat(seed_names[i], &st) == 0 && S_ISREG(st.st_mode) &&
            same_file(&st, &seed_st[i]))
            continue;
        remove(seed_names[i]); /* whatever a run put there */
        FILE *f = fopen(seed_names[i], "wb");
        if (!f || fwrite(seed_data[i], 1, seed_len[i], f) != seed_len[i])
            abort();
        fclose(f);
        if (stat(seed_names[i], &seed_st[i]) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 512)
        return 0;
    const struct target *t = &targets[data[0] % (sizeof targets /
                                                 sizeof targets[0])];
    char *copy = malloc(size);
    if (!copy)
        return 0;
    memcpy(copy, data + 1, size - 1);
    copy[size - 1] = '\0';
    char *argv[MAX_ARGS + 8];
    int argc = 0;
    argv[argc++] = (char *)t->name;
    for (int i = 0; t->pinned[i]; i++)
        argv[argc++] = (char *)t->pinned[i];
    for (char *p = copy; p < copy + size - 1 && argc < MAX_ARGS;
         p += strlen(p) + 1) {
        if (unsafe(p)) {
            free(copy);
            return 0;
        }
        argv[argc++] = p;
    }
    argv[argc] = NULL;
    int rc = t->run(argc, argv);
    if (rc < EXIT_OK || rc > EXIT_NODEV)
        abort(); /* every path returns a documented exit code */
    /* glibc's getopt remembers where it was inside an argv element; a
     * full reset (optind = 0) forgets the freed argv before the next run. */
    optind = 0;
    char *none[] = { "x", NULL };
    getopt(1, none, "");
    free(copy);
    tidy();
    return 0;
}
