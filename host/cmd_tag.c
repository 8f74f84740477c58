/*
 * rollmap tag: correct a recorded session's leg, notes, person or
 * measured calf length (a
 * session recorded without --leg, say) by rewriting its metadata chunk;
 * the frames are not touched. Crash safety lives in the library
 * (rm_session_rewrite_meta).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "tag"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: rollmap tag FILE.wav [--leg left|right|unknown]\n"
            "                   [--notes TEXT] [--person NAME]\n"
            "                   [--calf-length CM] [--quiet] [--json]\n"
            "\n"
            "Change what a session file says about itself; the recorded\n"
            "frames stay as they are. The file is rewritten beside itself\n"
            "and renamed into place, so an interruption leaves the old or\n"
            "the new file, never a broken one.\n"
            "\n"
            "Options:\n"
            "      --leg LEG      which calf was rolled: left, right, or\n"
            "                     unknown\n"
            "      --notes TEXT   replace the notes (up to %d bytes; ''\n"
            "                     clears them)\n"
            "      --person NAME  who was rolled, a name or an id (up to\n"
            "                     %d bytes; '' clears it); 'rollmap\n"
            "                     sessions' and 'trend' group by it\n"
            "      --calf-length CM  the calf measured with a tape, ankle\n"
            "                     to knee crease, in cm (%g..%g, to the\n"
            "                     mm; '' clears it): positions are then\n"
            "                     measured in that frame\n"
            "  -q, --quiet        nothing on standard output\n"
            "      --json         one JSON object on standard output: file,\n"
            "                     frames, dropped, duration_s, leg, errors\n"
            "  -h, --help         show this help and exit\n"
            "\n"
            "Example: rollmap tag calf.wav --leg left --person anna\n"
            "         rollmap tag calf.wav --calf-length 36.5\n"
            "\n"
            "Exit status: 0 success, 1 runtime failure, 2 usage error,\n"
            "3 invalid session file.\n",
            RM_NOTES_MAX - 1, RM_PERSON_MAX - 1, RM_CALF_LENGTH_MIN_CM,
            RM_CALF_LENGTH_MAX_CM);
}

/* --json's frames, dropped and duration need every frame read once
 * (duration and gaps come from the board clock and sequence numbers). */
static rm_status read_span(rm_session *s, cli_summary *sum)
{
    enum { BLOCK = 4096 };
    rm_frame *buf = calloc(BLOCK, sizeof *buf);
    if (!buf)
        return RM_ERR_NOMEM;
    rm_status st;
    size_t got;
    do {
        st = rm_session_read(s, buf, BLOCK, &got);
        sum->frames += got;
    } while (st == RM_OK && got > 0);
    free(buf);
    sum->dropped = rm_session_dropped(s);
    sum->duration_s = rm_session_duration_s(s);
    return st;
}

enum { OPT_LEG = 256, OPT_NOTES, OPT_PERSON, OPT_CALF_LENGTH, OPT_JSON };

/* A person is a name: printable text on one line. */
static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

int cmd_tag(int argc, char **argv)
{
    static const struct option opts[] = {
        { "leg", required_argument, NULL, OPT_LEG },
        { "notes", required_argument, NULL, OPT_NOTES },
        { "person", required_argument, NULL, OPT_PERSON },
        { "calf-length", required_argument, NULL, OPT_CALF_LENGTH },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, OPT_JSON },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *leg_arg = NULL, *notes = NULL, *person = NULL;
    int calf_given = 0;
    double calf_cm = 0.0;
    rm_leg leg = RM_LEG_UNKNOWN;
    int c, quiet = 0, json = 0;
    optind = 1;
    while ((c = cli_getopt(argc, argv, "qh", opts)) != -1) {
        switch (c) {
        case 'q': quiet = 1; break;
        case OPT_JSON: json = 1; break;
        case OPT_LEG:
            leg_arg = optarg;
            if (strcmp(optarg, "unknown") != 0 &&
                rm_leg_parse(optarg, &leg) != RM_OK)
                return cli_usage_error(CMD, "--leg: '%s' is not left, right "
                                       "or unknown", optarg);
            break;
        case OPT_NOTES:
            notes = optarg;
            if (strlen(notes) >= RM_NOTES_MAX)
                return cli_usage_error(CMD, "--notes: %zu bytes, at most %d",
                                       strlen(notes), RM_NOTES_MAX - 1);
            break;
        case OPT_PERSON:
            person = optarg;
            if (strlen(person) >= RM_PERSON_MAX)
                return cli_usage_error(CMD, "--person: %zu bytes, at most %d",
                                       strlen(person), RM_PERSON_MAX - 1);
            if (has_control(person))
                return cli_usage_error(CMD, "--person: control characters "
                                       "are not allowed in a name");
            break;
        case OPT_CALF_LENGTH:
            if (cli_parse_calf_length(CMD, optarg, 1, &calf_cm))
                return EXIT_USAGE;
            calf_given = 1;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            return cli_option_error(CMD, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error(CMD, "no session file given");
    if (argc - optind > 1)
        return cli_usage_error(CMD, "one session file at a time (got %d)",
                               argc - optind);
    if (!leg_arg && !notes && !person && !calf_given)
        return cli_usage_error(CMD, "nothing to change: give --leg, --notes, "
                               "--person or --calf-length");
    const char *path = argv[optind];

    rm_session *s = NULL;
    rm_error err = { RM_OK, "" };
    rm_status st = rm_session_open(path, &s, &err);
    if (st != RM_OK) {
        cli_error(CMD, "%s", err.msg);
        return cli_exit_for(st);
    }
    rm_session_meta meta = *rm_session_get_meta(s);
    cli_summary sum = { path, 0, 0, 0.0, RM_LEG_UNKNOWN, 0 };
    if (json && read_span(s, &sum) != RM_OK) {
        cli_error(CMD, "%s", rm_session_errmsg(s));
        rm_session_close(s);
        return EXIT_DATA;
    }
    rm_session_close(s);
    if (leg_arg)
        meta.leg = leg;
    if (notes)
        snprintf(meta.notes, sizeof meta.notes, "%s", notes);
    if (person)
        snprintf(meta.person, sizeof meta.person, "%s", person);
    if (calf_given)
        meta.calf_length_cm = calf_cm;

    st = rm_session_rewrite_meta(path, &meta, &err);
    if (st != RM_OK) {
        cli_error(CMD, "%s", err.msg);
        return st == RM_ERR_ARG ? EXIT_RUNTIME : cli_exit_for(st);
    }
    if (json) {
        sum.leg = meta.leg;
        return cli_print_summary_json(stdout, &sum) ? EXIT_RUNTIME : EXIT_OK;
    }
    if (quiet)
        return EXIT_OK;
    cli_put_safe(stdout, path);
    printf(": leg %s", rm_leg_name(meta.leg));
    if (meta.person[0]) {
        fputs(", person ", stdout);
        cli_put_safe(stdout, meta.person);
    }
    if (meta.calf_length_cm > 0.0)
        printf(", calf length %.1f cm", meta.calf_length_cm);
    fputc('\n', stdout);
    return EXIT_OK;
}
