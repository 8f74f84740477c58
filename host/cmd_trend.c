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
            "  -f, --format FORMAT  text (default) or json\n"
            "  -o, --output OUT     write to OUT instead of standard output\n"
            "      --force          replace OUT if it exists (default:\n"
            "                       refuse)\n"
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
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "force", no_argument, NULL, 'F' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *cmd = "trend";
    rm_report_format fmt = RM_REPORT_TEXT;
    const char *out_path = NULL;
    int force = 0;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (rm_report_format_parse(optarg, &fmt) != RM_OK ||
                (fmt != RM_REPORT_TEXT && fmt != RM_REPORT_JSON))
                return cli_usage_error(cmd, "unknown format '%s' (text or "
                                       "json)", optarg);
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'F':
            force = 1;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case ':':
            return cli_usage_error(cmd, "option '%s' needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
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
    int rc = report_output_open(&out, cmd, out_path, force);
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
