/*
 * rollmap sessions: what is in a folder of recordings, one line per
 * session file (person, leg, local start time, duration, holds, peaks),
 * oldest first. Each file goes through the engine, as report would.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

#define CMD "sessions"
#define READ_CAP 4096u

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: rollmap sessions DIR [-f text|json]\n"
            "\n"
            "List the session files (*.wav) in DIR, oldest first: person,\n"
            "leg, start (local time and zone offset), duration, holds and\n"
            "candidate tender spots. Files that are not valid sessions are\n"
            "listed with the reason.\n"
            "\n"
            "Options:\n"
            "  -f, --format FORMAT  text (default) or json\n"
            "  -h, --help           show this help and exit\n"
            "\n"
            "Example: rollmap sessions ~/rolling\n"
            "\n"
            "Exit status: 0 success, 1 runtime failure, 2 usage error,\n"
            "3 a file in DIR is not a valid session (the others are listed).\n");
}

struct row {
    char *name;            /* file name within DIR */
    rm_session_meta meta;
    double duration_s;
    size_t holds, peaks;
    int ok;                /* 0: why holds the reason */
    char why[256];
};

/* Reads and analyses one file into @p r. */
static void analyse(const char *path, struct row *r)
{
    rm_session *s = NULL;
    rm_engine *e = NULL;
    rm_error err = { RM_OK, "" };
    if (rm_session_open(path, &s, &err) != RM_OK) {
        /* The library names the file first; the table shows it already. */
        const char *m = err.msg, *colon = strstr(m, ": ");
        snprintf(r->why, sizeof r->why, "%s", colon ? colon + 2 : m);
        return;
    }
    r->meta = *rm_session_get_meta(s);
    if (rm_engine_new(&r->meta, NULL, NULL, &e, &err) != RM_OK) {
        snprintf(r->why, sizeof r->why, "%s", err.msg);
        rm_session_close(s);
        return;
    }
    rm_status st;
    for (;;) {
        rm_frame_view v;
        st = rm_session_read_view(s, READ_CAP, &v);
        if (st != RM_OK || v.n == 0)
            break;
        st = rm_engine_push_view(e, &v);
        if (st != RM_OK)
            break;
    }
    if (st == RM_OK)
        st = rm_engine_finish(e);
    if (st != RM_OK) {
        snprintf(r->why, sizeof r->why, "%s", rm_strerror(st));
    } else {
        const rm_summary *sum = rm_engine_summary(e);
        r->duration_s = sum->duration_s;
        r->holds = sum->n_holds;
        r->peaks = sum->n_peaks;
        r->ok = 1;
    }
    rm_engine_free(e);
    rm_session_close(s);
}

static int by_start(const void *a, const void *b)
{
    const struct row *p = a, *q = b;
    if (p->ok != q->ok)
        return p->ok ? -1 : 1; /* unreadable files last */
    if (p->ok && p->meta.start_unix_us != q->meta.start_unix_us)
        return p->meta.start_unix_us < q->meta.start_unix_us ? -1 : 1;
    return strcmp(p->name, q->name);
}

/* "2026-05-19 03:15 +0200": local time, so a runner recognises the
 * session; the offset keeps it unambiguous. ISO form for JSON. */
static void local_time(int64_t unix_us, int iso, char *buf, size_t cap)
{
    time_t t = (time_t)(unix_us / 1000000);
    struct tm tm;
    if (unix_us <= 0 || !localtime_r(&t, &tm) ||
        !strftime(buf, cap, iso ? "%Y-%m-%dT%H:%M:%S%z" : "%Y-%m-%d %H:%M %z",
                  &tm))
        snprintf(buf, cap, "%s", iso ? "" : "-");
    else if (iso && strlen(buf) >= 5 && strlen(buf) + 1 < cap) {
        /* ISO 8601 writes the offset +02:00 */
        size_t n = strlen(buf);
        memmove(buf + n - 1, buf + n - 2, 3);
        buf[n - 2] = ':';
    }
}

/* Display width of UTF-8 text (code points), for padding columns. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

static void put_padded(const char *s, size_t w)
{
    cli_put_safe(stdout, s);
    for (size_t n = width(s); n < w; n++)
        putchar(' ');
}

static void print_text(const char *dir, const struct row *rows, size_t n)
{
    size_t wp = strlen("person"), wf = strlen("file");
    for (size_t i = 0; i < n; i++) {
        if (rows[i].ok && width(rows[i].meta.person) > wp)
            wp = width(rows[i].meta.person);
        if (width(rows[i].name) > wf)
            wf = width(rows[i].name);
    }
    if (wp > 24)
        wp = 24;
    fputs("Sessions in ", stdout);
    cli_put_safe(stdout, dir);
    printf(", oldest first (%zu file%s)\n", n, n == 1 ? "" : "s");
    put_padded("person", wp);
    printf("  %-7s  %-22s  %8s  %5s  %5s  ", "leg", "started (local)",
           "duration", "holds", "spots");
    puts("file");
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        if (!r->ok) {
            put_padded("", wp);
            printf("  %-7s  %-22s  %8s  %5s  %5s  ", "-", "not a session",
                   "-", "-", "-");
            cli_put_safe(stdout, r->name);
            fputs(": ", stdout);
            cli_put_safe(stdout, r->why);
            putchar('\n');
            continue;
        }
        char when[40], dur[24];
        local_time(r->meta.start_unix_us, 0, when, sizeof when);
        long sec = (long)(r->duration_s + 0.5);
        snprintf(dur, sizeof dur, "%ld:%02ld", sec / 60, sec % 60);
        put_padded(r->meta.person[0] ? r->meta.person : "-", wp);
        printf("  %-7s  %-22s  %8s  %5zu  %5zu  ", rm_leg_name(r->meta.leg),
               when, dur, r->holds, r->peaks);
        cli_put_safe(stdout, r->name);
        putchar('\n');
    }
}

static int print_json(const struct row *rows, size_t n)
{
    json_object *a = json_object_new_array();
    if (!a)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        json_object *o = json_object_new_object();
        if (!o)
            break;
        json_object_object_add(o, "file", json_object_new_string(r->name));
        json_object_object_add(o, "valid", json_object_new_boolean(r->ok));
        if (!r->ok) {
            json_object_object_add(o, "error", json_object_new_string(r->why));
        } else {
            char when[40];
            local_time(r->meta.start_unix_us, 1, when, sizeof when);
            json_object_object_add(o, "person", r->meta.person[0] ?
                                   json_object_new_string(r->meta.person) :
                                   NULL);
            json_object_object_add(o, "leg", json_object_new_string(
                                                 rm_leg_name(r->meta.leg)));
            json_object_object_add(o, "start_unix_us",
                                   json_object_new_int64(r->meta.start_unix_us));
            json_object_object_add(o, "start_local",
                                   json_object_new_string(when));
            json_object_object_add(o, "duration_s",
                                   json_object_new_double(r->duration_s));
            json_object_object_add(o, "holds",
                                   json_object_new_int64((int64_t)r->holds));
            json_object_object_add(o, "peaks",
                                   json_object_new_int64((int64_t)r->peaks));
        }
        json_object_array_add(a, o);
    }
    puts(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY |
                                               JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(a);
    return 0;
}

static int is_wav(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".wav") == 0 && name[0] != '.';
}

static void rows_free(struct row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rows[i].name);
    free(rows);
}

int cmd_sessions(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int json = 0, c;
    optind = 1;
    while ((c = cli_getopt(argc, argv, "f:h", opts)) != -1) {
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "json"))
                json = 1;
            else if (strcmp(optarg, "text") != 0)
                return cli_usage_error(CMD, "unknown format '%s' (text or "
                                       "json)", optarg);
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            return cli_option_error(CMD, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(CMD, argc == optind ? "no folder given"
                                                   : "one folder at a time");
    const char *dir = argv[optind];
    DIR *d = opendir(dir);
    if (!d) {
        cli_error(CMD, "%s: %s", dir, strerror(errno));
        return EXIT_RUNTIME;
    }
    struct row *rows = NULL;
    size_t n = 0, cap = 0;
    int rc = EXIT_OK;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!is_wav(de->d_name))
            continue;
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        char *path = malloc(len);
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            struct row *nr = realloc(rows, ncap * sizeof *rows);
            if (nr) {
                rows = nr;
                cap = ncap;
            }
        }
        if (!path || n == cap) {
            free(path);
            cli_error(CMD, "out of memory");
            rc = EXIT_RUNTIME;
            break;
        }
        snprintf(path, len, "%s/%s", dir, de->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            free(path);
            continue; /* a folder named x.wav, a dangling link */
        }
        struct row *r = &rows[n];
        memset(r, 0, sizeof *r);
        r->name = strdup(de->d_name);
        if (!r->name) {
            free(path);
            cli_error(CMD, "out of memory");
            rc = EXIT_RUNTIME;
            break;
        }
        analyse(path, r);
        free(path);
        if (!r->ok)
            rc = EXIT_DATA;
        n++;
    }
    closedir(d);
    if (rc == EXIT_RUNTIME) {
        rows_free(rows, n);
        return rc;
    }
    if (n)
        qsort(rows, n, sizeof *rows, by_start);
    if (json) {
        if (print_json(rows, n) != 0) {
            cli_error(CMD, "out of memory");
            rc = EXIT_RUNTIME;
        }
    } else if (n == 0) {
        fputs("No session files (*.wav) in ", stdout);
        cli_put_safe(stdout, dir);
        putchar('\n');
    } else {
        print_text(dir, rows, n);
    }
    rows_free(rows, n);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error(CMD, "cannot write the output");
        return EXIT_RUNTIME;
    }
    return rc;
}
