/*
 * rollmap trend: run the engine on several sessions of one person and
 * show each spot (peaks matched across sessions by leg, line and
 * position) over time with a line fitted through all of them: is the
 * knot fading? Text, JSON, SVG or HTML.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report_output.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: rollmap trend FILE.wav... [-f FORMAT] [-o OUT] [--force]\n"
            "                     [--leg left|right]\n"
            "\n"
            "Follow one person's spots over sessions: each pressure peak\n"
            "(candidate tender spot) is matched across sessions on the same\n"
            "leg and line within %.1f cm; its tenderness (the peak's score,\n"
            "0 where the session rolled there without a peak) is fitted by a\n"
            "straight line over the dates of all sessions, which says fading,\n"
            "steady, growing or uncertain, with a confidence; fewer than 3\n"
            "sessions with the spot's line rolled: not enough sessions.\n"
            "\n"
            "Options:\n"
            "  -f, --format FORMAT  text, json, svg or html (default: from\n"
            "                       OUT's extension, else text); svg: each\n"
            "                       spot over the dates and a calf map per\n"
            "                       session; html: the same as a page\n"
            "  -o, --output OUT     write to OUT instead of standard output\n"
            "      --force          replace OUT if it is an existing regular\n"
            "                       file (default: refuse); a FIFO or device\n"
            "                       is written in place; OUT may never be\n"
            "                       one of the sessions\n"
            "      --any-person     compare sessions of different persons\n"
            "                       (default: refuse)\n"
            "      --leg left|right the calf the session(s) are of, when\n"
            "                       the file says otherwise or nothing\n"
            "  -h, --help           show this help and exit\n"
            "\n"
            "Example: rollmap trend day1.wav day2.wav day3.wav -o trend.html\n"
            "\n"
            "Exit status: 0 success, 1 runtime failure, 2 usage error,\n"
            "3 invalid session file.\n",
            RM_TREND_MATCH_CM);
}

/*
 * Issue 15: a trend across two people's calves means nothing, so trend
 * refuses files naming different persons unless --any-person comes
 * first on the command line (sessions naming nobody go with anyone).
 * Returns 0, or an exit code after the message.
 */
static int same_person(const char *cmd, int argc, char **argv, int first)
{
    char person[RM_PERSON_MAX] = "", other[RM_PERSON_MAX] = "";
    const char *who = NULL;
    for (int i = first; i < argc; i++) {
        rm_session *s = NULL;
        rm_error err = { RM_OK, "" };
        if (rm_session_open(argv[i], &s, &err) != RM_OK)
            continue; /* reported when the file is analysed */
        snprintf(other, sizeof other, "%s", rm_session_get_meta(s)->person);
        rm_session_close(s);
        if (!other[0])
            continue;
        if (!who) {
            memcpy(person, other, sizeof person);
            who = argv[i];
        } else if (strcmp(person, other) != 0) {
            return cli_usage_error(cmd, "%s is of '%s', %s of '%s': a "
                                   "trend follows one person (--any-person "
                                   "to mix them anyway)", who, person,
                                   argv[i], other);
        }
    }
    return 0;
}

int cmd_trend(int argc, char **argv)
{
    const char *cmd = "trend";
    struct report_options opt;
    /* --any-person: taken out before the shared option parser. */
    int any_person = 0;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--any-person") == 0) {
            any_person = 1;
            for (int j = i; j < argc - 1; j++)
                argv[j] = argv[j + 1];
            argc--;
            break;
        }
    int rc_opt = report_options_parse(argc, argv, cmd,
                                      (1u << RM_REPORT_TEXT) |
                                          (1u << RM_REPORT_JSON) |
                                          (1u << RM_REPORT_SVG) |
                                          (1u << RM_REPORT_HTML),
                                      "text, json, svg or html", usage, &opt);
    if (rc_opt >= 0)
        return rc_opt;
    rm_report_format fmt = opt.format;
    const char *out_path = opt.out_path;
    int force = opt.force;
    if (optind >= argc)
        return cli_usage_error(cmd, "no session files given");
    if (!any_person) {
        int rc_person = same_person(cmd, argc, argv, optind);
        if (rc_person)
            return rc_person;
    }

    rm_trend *trend = NULL;
    rm_error err = { RM_OK, "" };
    if (rm_trend_new(&trend, &err) != RM_OK) {
        cli_error(cmd, "%s", err.msg);
        return EXIT_RUNTIME;
    }
    rm_engine_config cfg; /* --leg */
    rm_engine_config_default(&cfg);
    cfg.leg = opt.leg;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        rm_status st = rm_trend_add_file(trend, path, &cfg, &err);
        if (st != RM_OK) {
            size_t len = strlen(path);
            if (strncmp(err.msg, path, len) == 0 && err.msg[len] == ':')
                cli_error(cmd, "%s", err.msg);
            else
                cli_error(cmd, "%s: %s", path,
                          err.msg[0] ? err.msg : rm_strerror(st));
            rm_trend_free(trend);
            return st == RM_ERR_ARG ? EXIT_RUNTIME : cli_exit_for(st);
        }
    }

    struct report_output out;
    int rc = report_output_open(&out, cmd, out_path, force, &argv[optind],
                                argc - optind);
    if (rc) {
        rm_trend_free(trend);
        return rc;
    }
    rm_status st = rm_trend_write(trend, fmt, out.f);
    rm_trend_free(trend);
    if (st != RM_OK) {
        report_output_abort(&out);
        cli_error(cmd, "%s: %s", out_path ? out_path : "standard output",
                  rm_strerror(st));
        return EXIT_RUNTIME;
    }
    return report_output_commit(&out, cmd);
}
