/*
 * cli.h - what the rollmap subcommands share: exit codes, messages, and
 * the mapping from library status to exit code. The CLI uses only the
 * public rollmap.h; a missing feature belongs in the library.
 */
#ifndef ROLLMAP_HOST_CLI_H
#define ROLLMAP_HOST_CLI_H

#include <getopt.h>

#include "rollmap.h"

/* Exit codes, documented in rollmap(1) and README. */
enum {
    EXIT_OK      = 0,
    EXIT_RUNTIME = 1, /* something failed while running */
    EXIT_USAGE   = 2, /* bad command line */
    EXIT_DATA    = 3, /* invalid input data (file, stream) */
    EXIT_NODEV   = 4, /* no board, or several */
};

/* Each subcommand: argv[0] is the subcommand name. Returns an exit code. */
typedef int (*cmd_fn)(int argc, char **argv);

int cmd_ports(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_trend(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_sessions(int argc, char **argv);

/* "rollmap CMD: message\n" on stderr. Control characters in the message
 * are shown escaped, so file names or metadata cannot drive the terminal. */
void cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Usage error: message plus "Try 'rollmap CMD --help'." Returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * getopt_long for a subcommand, with the CLI's one usage-error style:
 * getopt prints nothing (opterr = 0) and a bad option comes back as '?'
 * (unknown option, missing value, or a value given to a flag), to be
 * passed to cli_option_error. Set optind = 1 before the first call.
 */
int cli_getopt(int argc, char **argv, const char *shortopts,
               const struct option *longopts);

/* The usage error for the last '?' of cli_getopt, e.g.
 * "rollmap sim: unknown option '--bogus'". Returns EXIT_USAGE. */
int cli_option_error(const char *cmd, char **argv);

/* Length of the UTF-8 sequence at @p p (a byte >= 0x80): 2-4 for a valid,
 * shortest-form sequence of a code point from U+00A0 up (the C1 controls
 * U+0080..U+009F excluded: terminals act on them), 0 otherwise. */
size_t cli_utf8_len(const unsigned char *p);

/* "" for 1, "s" otherwise: "%u cell%s", n, cli_s(n). */
const char *cli_s(uint64_t n);

/* The closing summary of `record --json` and `sim --json`: one JSON object
 * on one line. errors: frames the link threw away as corrupt (0 for sim). */
typedef struct cli_summary {
    const char *file;
    uint64_t frames;     /* frames in the file */
    uint64_t dropped;    /* frames missing (sequence gaps / simulated loss) */
    double duration_s;   /* board time the file covers, gaps included */
    rm_leg leg;
    uint64_t errors;
} cli_summary;

/* Writes the summary and a newline to @p f; 0, or -1 if writing failed. */
int cli_print_summary_json(FILE *f, const cli_summary *s);

/* Exit code for a library status. */
int cli_exit_for(rm_status st);

/* Parse a number with bounds; 0 on success, -1 (and a usage message). */
int cli_parse_double(const char *cmd, const char *opt, const char *text,
                     double min, double max, double *out);
int cli_parse_u64(const char *cmd, const char *opt, const char *text,
                  uint64_t *out);

/* --calf-length CM: a tape's ankle-to-knee-crease length in cm
 * (rm_calf_length_parse: RM_CALF_LENGTH_MIN_CM..MAX_CM, to the mm); with
 * allow_clear, '' clears it (*out = 0). 0 on success, -1 (and a usage
 * message). */
int cli_parse_calf_length(const char *cmd, const char *text, int allow_clear,
                          double *out);

/* Print text to a stream with control characters escaped (\xNN). */
void cli_put_safe(FILE *f, const char *text);

#endif
