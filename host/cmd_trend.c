/*
 * rollmap trend: run the engine on several sessions and show each spot
 * (peaks matched across sessions by line and position) over time,
 * oldest session first: is the knot fading? Text or JSON.
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
            "\n"
            "Compare sessions: each pressure peak (candidate tender spot)\n"
            "is matched across sessions on the same line within %.1f cm,\n"
            "and shown per session, oldest first, with holds per session.\n"
            "\n"
            "Options:\n"
            "  -f, --format FORMAT  text or json (default: from OUT's\n"
            "                       extension, else text)\n"
            "  -o, --output OUT     write to OUT instead of standard output\n"
            "      --force          replace OUT if it is an existing regular\n"
            "                       file (default: refuse); a FIFO or device\n"
            "                       is written in place; OUT may never be\n"
            "                       one of the sessions\n"
            "  -h, --help           show this help and exit\n"
            "\n"
            "Example: rollmap trend week1.wav week2.wav week3.wav\n"
            "\n"
            "Exit status: 0 success, 1 runtime failure, 2 usage error,\n"
            "3 invalid session file.\n",
            RM_TREND_MATCH_CM);
}

int cmd_trend(int argc, char **argv)
{
    const char *cmd = "trend";
    struct report_options opt;
    int rc_opt = report_options_parse(argc, argv, cmd, (1u << RM_REPORT_TEXT) | (1u << RM_REPORT_JSON),
                                      "text or json", usage, &opt);
    if (rc_opt >= 0)
        return rc_opt;
    rm_report_format fmt = opt.format;
    const char *out_path = opt.out_path;
    int force = opt.force;
    if (optind >= argc)
        return cli_usage_error(cmd, "no session files given");

    rm_trend *trend = NULL;
    rm_error err = { RM_OK, "" };
    if (rm_trend_new(&trend, &err) != RM_OK) {
        cli_error(cmd, "%s", err.msg);
        return EXIT_RUNTIME;
    }
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        rm_status st = rm_trend_add_file(trend, path, NULL, &err);
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
