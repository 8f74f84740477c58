/*
 * rollmap report: read a session file, run the engine over it and write
 * a report (text, json, csv, svg or html) to stdout or a file, through
 * the library's one-call rm_report_file_opts().
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
            "                      [--read-ahead] [--leg left|right]\n"
            "       rollmap report LEFT.wav RIGHT.wav [-f FORMAT] [-o OUT]\n"
            "                      [--leg left|right]\n"
            "\n"
            "Analyse a recorded session and write a report; with two\n"
            "sessions (the left calf's, then the right's), one report of\n"
            "both with the left-right asymmetry per zone.\n"
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
            "      --read-ahead     read the file on a second thread while\n"
            "                       the engine runs: faster only with an\n"
            "                       idle CPU (default: one thread)\n"
            "      --leg left|right the calf the session(s) are of, when\n"
            "                       the file says otherwise or nothing\n"
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
    if (argc - optind > 2)
        return cli_usage_error(cmd, "one session file, or two (left and "
                               "right calf) (got %d); 'rollmap trend' "
                               "compares sessions over time",
                               argc - optind);
    if (argc - optind == 2 && fmt == RM_REPORT_CSV) /* issue 15: both calves */
        return cli_usage_error(cmd, "-f csv takes one session file");
    if (argc - optind == 2 && opt.leg != RM_LEG_UNKNOWN)
        return cli_usage_error(cmd, "--leg with two files: the first is the "
                               "left calf, the second the right");
    const char *path = argv[optind];

    struct report_output out;
    int rc = report_output_open(&out, cmd, out_path, force, &argv[optind], 1);
    if (rc)
        return rc;
    rm_error err = { RM_OK, "" };
    rm_engine_config cfg; /* --leg */
    rm_engine_config_default(&cfg);
    cfg.leg = opt.leg;
    rm_report_options ropt;
    rm_report_options_default(&ropt);
    ropt.read_ahead = opt.read_ahead;
    rm_status st = argc - optind == 2 ?
        rm_report_pair_file(path, argv[optind + 1], fmt, &cfg, out.f, &err) :
        rm_report_file_opts(path, fmt, &cfg, &ropt, out.f, &err);
    if (st != RM_OK) {
        report_output_abort(&out);
        report_failure(cmd, path, &err, st);
        /* RM_ERR_ARG here is the library refusing the data, not a bad
         * command line: the options were checked above. */
        return st == RM_ERR_ARG ? EXIT_RUNTIME : cli_exit_for(st);
    }
    return report_output_commit(&out, cmd);
}
