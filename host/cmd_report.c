/*
 * rollmap report: read a session file, run the engine over it and write
 * a report (text, json, csv, svg or html) to stdout or a file, through
 * the library's one-call rm_report_file().
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report_output.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: rollmap report FILE.wav [-f FORMAT] [-o OUT] [--force]\n"
            "\n"
            "Analyse a recorded session and write a report.\n"
            "\n"
            "Options:\n"
            "  -f, --format FORMAT  text, json, csv, svg or html (default:\n"
            "                       from OUT's extension, else text)\n"
            "                       text: terminal summary; json: see\n"
            "                       docs/report-schema.md; csv: aligned\n"
            "                       samples; svg: calf map; html: one\n"
            "                       self-contained page\n"
            "  -o, --output OUT     write to OUT instead of standard output\n"
            "                       ('-' is standard output)\n"
            "      --force          replace OUT if it is an existing regular\n"
            "                       file (default: refuse); a FIFO or device\n"
            "                       is written in place, a link through to\n"
            "                       its target; OUT may never be FILE.wav\n"
            "  -h, --help           show this help and exit\n"
            "\n"
            "Example: rollmap report calf.wav -f html -o calf.html\n"
            "\n"
            "Exit status: 0 success, 1 runtime failure, 2 usage error,\n"
            "3 invalid session file.\n");
}

/* Library messages usually start with the path; add it when not. */
static void report_failure(const char *cmd, const char *path,
                           const rm_error *err, rm_status st)
{
    const char *msg = err->msg[0] ? err->msg : rm_strerror(st);
    size_t len = strlen(path);
    if (strncmp(msg, path, len) == 0 && msg[len] == ':')
        cli_error(cmd, "%s", msg);
    else
        cli_error(cmd, "%s: %s", path, msg);
}

int cmd_report(int argc, char **argv)
{
    const char *cmd = "report";
    struct report_options opt;
    int rc_opt = report_options_parse(argc, argv, cmd, 0x1fu,
                                      "text, json, csv, svg or html", usage, &opt);
    if (rc_opt >= 0)
        return rc_opt;
    rm_report_format fmt = opt.format;
    const char *out_path = opt.out_path;
    int force = opt.force;
    if (optind >= argc)
        return cli_usage_error(cmd, "no session file given");
    if (argc - optind > 1)
        return cli_usage_error(cmd, "one session file at a time (got %d); "
                               "'rollmap trend' compares sessions",
                               argc - optind);
    const char *path = argv[optind];

    struct report_output out;
    int rc = report_output_open(&out, cmd, out_path, force, &argv[optind], 1);
    if (rc)
        return rc;
    rm_error err = { RM_OK, "" };
    rm_status st = rm_report_file(path, fmt, NULL, out.f, &err);
    if (st != RM_OK) {
        report_output_abort(&out);
        report_failure(cmd, path, &err, st);
        /* RM_ERR_ARG here is the library refusing the data, not a bad
         * command line: the options were checked above. */
        return st == RM_ERR_ARG ? EXIT_RUNTIME : cli_exit_for(st);
    }
    return report_output_commit(&out, cmd);
}
