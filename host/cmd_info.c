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
#include <time.h>

#include "cli.h"

#define CMD "info"
/* Frames per read while counting gaps: 4096 x 140 B = 560 kB. */
#define READ_FRAMES 4096

static void help(void)
{
    printf("Usage: rollmap info [--json] [--leg left|right] FILE.wav\n"
           "\n"
           "Show what a rollmap session file holds: format version, the\n"
           "board descriptor, leg, start time (UTC), notes, frames, duration,\n"
           "dropped frames (counted by reading the whole file) and container.\n"
           "\n"
           "Options:\n"
           "  -j, --json   print one JSON object instead of text\n"
           "      --leg L  show leg L (left or right) instead of the file's\n"
           "               (as report, replay and trend take it; 'rollmap\n"
           "               tag' corrects the file itself)\n"
           "  -h, --help   show this help and exit\n"
           "\n"
           "Example: rollmap info calf.wav\n"
           "\n"
           "Exit status: 0 success, 1 read failure, 2 usage error,\n"
           "3 not a valid rollmap session.\n");
}

/* "2026-11-21T05:38:13.123456Z" for microseconds since 1970 (UTC). */
static void format_time(int64_t unix_us, char *buf, size_t cap)
{
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

static void put_field(const char *label, const char *value)
{
    printf("%-12s ", label);
    cli_put_safe(stdout, value);
    putchar('\n');
}

static void print_text(const char *path, const rm_session_meta *m,
                       const char *container, uint64_t frames,
                       uint64_t dropped)
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
    printf("%-12s %" PRIu64 "\n", "frames:", frames);
    printf("%-12s %.3f s\n", "duration:", (double)frames / d->rate_hz);
    printf("%-12s %" PRIu64 "\n", "dropped:", dropped);
}

static int print_json(const char *path, const rm_session_meta *m,
                      const char *container, uint64_t frames,
                      uint64_t dropped)
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
    json_object_object_add(dj, "firmware", json_object_new_string(d->firmware));
    json_object_object_add(dj, "serial", json_object_new_string(d->serial));

    json_object_object_add(o, "file", json_object_new_string(path));
    json_object_object_add(o, "container", json_object_new_string(container));
    json_object_object_add(o, "format_version",
                           json_object_new_int64(m->format_version));
    json_object_object_add(o, "descriptor", dj);
    json_object_object_add(o, "leg", json_object_new_string(
                                          rm_leg_name(m->leg)));
    json_object_object_add(o, "start_unix_us",
                           json_object_new_int64(m->start_unix_us));
    format_time(m->start_unix_us, buf, sizeof buf);
    json_object_object_add(o, "start_utc", json_object_new_string(buf));
    json_object_object_add(o, "notes", json_object_new_string(m->notes));
    json_object_object_add(o, "person", json_object_new_string(m->person));
    json_object_object_add(o, "frames", json_object_new_int64((int64_t)frames));
    json_object_object_add(o, "duration_s", json_object_new_double(
                                                (double)frames / d->rate_hz));
    json_object_object_add(o, "dropped_frames",
                           json_object_new_int64((int64_t)dropped));
    /* json-c escapes control characters in strings, so notes are safe. */
    puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                               JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "leg", required_argument, NULL, 'L' }, /* issue 15: --leg */
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int json = 0, c;
    rm_leg leg = RM_LEG_UNKNOWN;
    optind = 1;
    while ((c = cli_getopt(argc, argv, "jh", opts)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'L':
            if (rm_leg_parse(optarg, &leg) != RM_OK)
                return cli_usage_error(CMD, "--leg: '%s' is not left or "
                                       "right", optarg);
            break;
        case 'h': help(); return EXIT_OK;
        default:
            return cli_option_error(CMD, argv);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error(CMD, argc == optind ? "no session file given"
                                                   : "one file at a time");
    const char *path = argv[optind];

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
    int rc = EXIT_OK;
    if (json)
        rc = print_json(path, m, container, frames, dropped);
    else
        print_text(path, m, container, frames, dropped);
    rm_session_close(s);
    if (fflush(stdout) != 0) {
        cli_error(CMD, "cannot write the output");
        return EXIT_RUNTIME;
    }
    return rc;
}
