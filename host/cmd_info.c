/*
 * rollmap info FILE.wav: what a session file holds (format version,
 * descriptor, leg, start time, notes, frames, duration, dropped frames,
 * container), as text or --json. Reads every frame once to count gaps.
 */
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

#define CMD "info"
/* Frames per read while counting gaps: 4096 x 140 B = 560 kB. */
#define READ_FRAMES 4096

static void help(void)
{
    printf("Usage: rollmap info [--json] [--leg left|right] FILE.wav\n"
           "       rollmap info FILE.wav --restore-from OTHER.wav -o OUT.wav\n"
           "                    [--force]\n"
           "\n"
           "Show what a rollmap session file holds: format version, the\n"
           "board descriptor, leg, start time (UTC), notes, frames, duration,\n"
           "dropped frames (counted by reading the whole file) and container.\n"
           "\n"
           "A session re-saved by an audio tool (sox, an editor) keeps its\n"
           "samples but loses its metadata; --restore-from writes OUT.wav\n"
           "with the board metadata of OTHER.wav, another session of the\n"
           "same board (leg and start become unknown). FILE.wav is not\n"
           "changed.\n"
           "\n"
           "Options:\n"
           "  -j, --json              print one JSON object instead of text\n"
           "      --leg L             show leg L (left or right) instead of\n"
           "                          the file's (as report, replay and trend\n"
           "                          take it; 'rollmap tag' corrects the file)\n"
           "      --restore-from OTHER  take the board metadata from OTHER\n"
           "  -o, --output OUT.wav    where --restore-from writes\n"
           "      --force             replace OUT.wav if it exists\n"
           "  -h, --help              show this help and exit\n"
           "\n"
           "Example: rollmap info calf.wav\n"
           "         rollmap info sox.wav --restore-from calf.wav -o fixed.wav\n"
           "\n"
           "Exit status: 0 success, 1 read failure, 2 usage error,\n"
           "3 not a valid rollmap session.\n");
}

/* Start times the reports show; others (0 included) are "unknown"
 * (docs/session-format.md, "Duration and start"). */
static int start_known(int64_t unix_us)
{
    return unix_us > 0 && unix_us <= INT64_C(253402300799000000);
}

/* "2026-11-21T05:38:13.123456Z" for microseconds since 1970 (UTC). */
static void format_time(int64_t unix_us, char *buf, size_t cap)
{
    if (!start_known(unix_us)) {
        snprintf(buf, cap, "unknown");
        return;
    }
    int64_t sec = unix_us / 1000000, us = unix_us % 1000000;
    if (us < 0) { /* floor division: -5 us is 23:59:59.999995 of 1969 */
        us += 1000000;
        sec -= 1;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(buf, cap, "(invalid: %" PRId64 " us)", unix_us);
        return;
    }
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, cap, "%s.%06dZ", date, (int)us);
}

/* Bytes of the valid UTF-8 character at p that may stand in JSON as is,
 * or 0: invalid UTF-8 and the C1 controls U+0080..U+009F (U+009B is CSI
 * to VTE and xterm), which json-c would pass through raw. ASCII stays:
 * json-c escapes C0 controls (ESC is \u001b, kept as data). */
static size_t keep_len(const unsigned char *p)
{
    return p[0] < 0x80 ? 1 : cli_utf8_len(p);
}

/* A JSON string for untrusted text (notes, board strings, file names):
 * what keep_len() refuses becomes U+FFFD, as in `report -f json`, so the
 * output is valid UTF-8 with no raw control characters. */
static json_object *clean_string(const char *text)
{
    size_t n = strlen(text);
    char *out = malloc(3 * n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        size_t k = keep_len(p);
        if (k) {
            memcpy(out + o, p, k);
            p += k;
        } else {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            k = 3;
            p++;
        }
        o += k;
    }
    out[o] = '\0';
    json_object *j = json_object_new_string(out);
    free(out);
    return j;
}

/* A calf length as written (0.1 cm), so JSON says 36.5, not 36.499999. */
static const char *calf_text(double cm, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.1f", cm);
    return buf;
}

static void put_field(const char *label, const char *value)
{
    printf("%-12s ", label);
    cli_put_safe(stdout, value);
    putchar('\n');
}

static void print_text(const char *path, const rm_session_meta *m,
                       const char *container, uint64_t frames,
                       uint64_t dropped, double duration_s)
{
    const rm_descriptor *d = &m->desc;
    char buf[128];
    put_field("file:", path);
    printf("%-12s %s, 32-bit PCM, %u channels (%u cell%s + encoder, time, "
           "sequence)\n", "container:", container, d->cells + 3, d->cells,
           cli_s(d->cells));
    printf("%-12s %u\n", "format:", m->format_version);
    printf("%-12s %u\n", "cells:", d->cells);
    printf("%-12s %g mm\n", "pitch:", (double)d->pitch_mm);
    printf("%-12s %g mm^2\n", "cell area:", (double)d->cell_area_mm2);
    printf("%-12s %g mm\n", "radius:", (double)d->radius_mm);
    printf("%-12s %u counts/turn\n", "encoder:", d->encoder_cpr);
    printf("%-12s %g Hz\n", "rate:", (double)d->rate_hz);
    put_field("firmware:", d->firmware);
    put_field("serial:", d->serial);
    put_field("leg:", rm_leg_name(m->leg));
    format_time(m->start_unix_us, buf, sizeof buf);
    put_field("start:", buf);
    put_field("notes:", m->notes);
    put_field("person:", m->person);
    if (m->calf_length_cm > 0.0)
        printf("%-12s %.1f cm\n", "calf length:", m->calf_length_cm);
    else
        put_field("calf length:", "not measured");
    printf("%-12s %" PRIu64 "\n", "frames:", frames);
    printf("%-12s %.3f s\n", "duration:", duration_s);
    printf("%-12s %" PRIu64 "\n", "dropped:", dropped);
}

static int print_json(const char *path, const rm_session_meta *m,
                      const char *container, uint64_t frames,
                      uint64_t dropped, double duration_s)
{
    const rm_descriptor *d = &m->desc;
    char buf[128];
    json_object *o = json_object_new_object(), *dj = json_object_new_object();
    json_object *scale = json_object_new_array(),
                *tare = json_object_new_array();
    if (!o || !dj || !scale || !tare) {
        json_object_put(o); json_object_put(dj);
        json_object_put(scale); json_object_put(tare);
        cli_error(CMD, "out of memory");
        return EXIT_RUNTIME;
    }
    for (uint32_t i = 0; i < d->cells; i++) {
        json_object_array_add(scale, json_object_new_double(
                                         (double)d->scale_n_per_count[i]));
        json_object_array_add(tare, json_object_new_int(d->tare_counts[i]));
    }
    json_object_object_add(dj, "cells", json_object_new_int64(d->cells));
    json_object_object_add(dj, "pitch_mm",
                           json_object_new_double((double)d->pitch_mm));
    json_object_object_add(dj, "cell_area_mm2",
                           json_object_new_double((double)d->cell_area_mm2));
    json_object_object_add(dj, "radius_mm",
                           json_object_new_double((double)d->radius_mm));
    json_object_object_add(dj, "encoder_cpr",
                           json_object_new_int64(d->encoder_cpr));
    json_object_object_add(dj, "rate_hz",
                           json_object_new_double((double)d->rate_hz));
    json_object_object_add(dj, "scale_n_per_count", scale);
    json_object_object_add(dj, "tare_counts", tare);
    json_object_object_add(dj, "firmware", clean_string(d->firmware));
    json_object_object_add(dj, "serial", clean_string(d->serial));

    json_object_object_add(o, "file", clean_string(path));
    json_object_object_add(o, "container", json_object_new_string(container));
    json_object_object_add(o, "format_version",
                           json_object_new_int64(m->format_version));
    json_object_object_add(o, "descriptor", dj);
    json_object_object_add(o, "leg", json_object_new_string(
                                          rm_leg_name(m->leg)));
    json_object_object_add(o, "start_unix_us",
                           json_object_new_int64(m->start_unix_us));
    format_time(m->start_unix_us, buf, sizeof buf);
    json_object_object_add(o, "start_utc", start_known(m->start_unix_us)
                                               ? json_object_new_string(buf)
                                               : NULL);
    json_object_object_add(o, "notes", clean_string(m->notes));
    json_object_object_add(o, "person", clean_string(m->person));
    /* Format 1.2: the taped calf length, to the mm; null: not measured. */
    json_object_object_add(o, "calf_length_cm",
                           m->calf_length_cm > 0.0
                               ? json_object_new_double_s(
                                     m->calf_length_cm,
                                     calf_text(m->calf_length_cm, buf,
                                               sizeof buf))
                               : NULL);
    json_object_object_add(o, "frames", json_object_new_int64((int64_t)frames));
    json_object_object_add(o, "duration_s", json_object_new_double(duration_s));
    json_object_object_add(o, "dropped_frames",
                           json_object_new_int64((int64_t)dropped));
    /* json-c escapes C0 controls; clean_string() took care of the rest. */
    puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                               JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return EXIT_OK;
}

/* --restore-from: OUT must be neither input (same device and inode,
 * through links too); the writer refuses FIFOs and devices and writes
 * through a link to its target (rollmap(1), OUTPUT FILES). */
static int restore(const char *path, const char *donor, const char *out,
                   int force)
{
    if (!strcmp(out, "-"))
        return cli_usage_error(CMD, "-o -: a session cannot go to standard "
                               "output; name a file");
    struct stat so, si;
    const char *ins[2] = { path, donor };
    if (stat(out, &so) == 0)
        for (int i = 0; i < 2; i++)
            if (stat(ins[i], &si) == 0 && si.st_dev == so.st_dev &&
                si.st_ino == so.st_ino)
                return cli_usage_error(CMD, "-o %s is the input file %s "
                                       "(refusing to write over it)", out,
                                       ins[i]);
    rm_error err = { RM_OK, "" };
    rm_status st = rm_session_restore(path, donor, out,
                                      force ? RM_WRITE_OVERWRITE : 0, &err);
    if (st != RM_OK) {
        cli_error(CMD, "%s%s", err.msg, st == RM_ERR_EXISTS
                                            ? " (use --force to replace it)"
                                            : "");
        return st == RM_ERR_ARG ? EXIT_RUNTIME : cli_exit_for(st);
    }
    fprintf(stderr, "rollmap info: %s: board metadata from %s; leg and "
                    "start unknown (see 'rollmap info %s')\n", out, donor,
            out);
    return EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
    enum { OPT_RESTORE = 256, OPT_FORCE };
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "leg", required_argument, NULL, 'L' },
        { "restore-from", required_argument, NULL, OPT_RESTORE },
        { "output", required_argument, NULL, 'o' },
        { "force", no_argument, NULL, OPT_FORCE },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int json = 0, force = 0, c;
    const char *donor = NULL, *out = NULL;
    rm_leg leg = RM_LEG_UNKNOWN;
    optind = 1;
    while ((c = cli_getopt(argc, argv, "jo:h", opts)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'L':
            if (rm_leg_parse(optarg, &leg) != RM_OK)
                return cli_usage_error(CMD, "--leg: '%s' is not left or "
                                       "right", optarg);
            break;
        case OPT_RESTORE: donor = optarg; break;
        case 'o': out = optarg; break;
        case OPT_FORCE: force = 1; break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_option_error(CMD, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(CMD, argc == optind ? "no session file given"
                                                   : "one file at a time");
    const char *path = argv[optind];
    if (donor || out) {
        if (!donor || !out)
            return cli_usage_error(CMD, "--restore-from OTHER.wav and -o "
                                   "OUT.wav go together");
        if (json)
            return cli_usage_error(CMD, "--json and --restore-from exclude "
                                   "each other");
        return restore(path, donor, out, force);
    }

    rm_session *s;
    rm_error err;
    rm_status st = rm_session_open(path, &s, &err);
    if (st != RM_OK) {
        cli_error(CMD, "%s", err.msg);
        return cli_exit_for(st);
    }
    rm_frame *buf = calloc(READ_FRAMES, sizeof *buf);
    if (!buf) {
        rm_session_close(s);
        cli_error(CMD, "out of memory");
        return EXIT_RUNTIME;
    }
    /* The header's frame count is what libsndfile found; the dropped
     * count needs every sequence number, so read it all once. */
    uint64_t frames = 0;
    size_t got;
    do {
        st = rm_session_read(s, buf, READ_FRAMES, &got);
        frames += got;
    } while (st == RM_OK && got > 0);
    free(buf);
    if (st != RM_OK) {
        cli_error(CMD, "%s", rm_session_errmsg(s));
        rm_session_close(s);
        return cli_exit_for(st);
    }
    rm_session_meta shown = *rm_session_get_meta(s);
    if (leg != RM_LEG_UNKNOWN)
        shown.leg = leg;
    const rm_session_meta *m = &shown;
    const char *container = rm_session_container(s);
    uint64_t dropped = rm_session_dropped(s);
    double duration_s = rm_session_duration_s(s);
    int rc = EXIT_OK;
    if (json)
        rc = print_json(path, m, container, frames, dropped, duration_s);
    else
        print_text(path, m, container, frames, dropped, duration_s);
    rm_session_close(s);
    if (fflush(stdout) != 0) {
        cli_error(CMD, "cannot write the output");
        return EXIT_RUNTIME;
    }
    return rc;
}
