/*
 * cli.h - what the rollmap subcommands share: exit codes, messages, and
 * the mapping from library status to exit code. The CLI uses only the
 * public rollmap.h; a missing feature belongs in the library.
 */
#ifndef ROLLMAP_HOST_CLI_H
#define ROLLMAP_HOST_CLI_H

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

/* Exit code for a library status. */
int cli_exit_for(rm_status st);

/* Parse a number with bounds; 0 on success, -1 (and a usage message). */
int cli_parse_double(const char *cmd, const char *opt, const char *text,
                     double min, double max, double *out);
int cli_parse_u64(const char *cmd, const char *opt, const char *text,
                  uint64_t *out);

/* Print text to a stream with control characters escaped (\xNN). */
void cli_put_safe(FILE *f, const char *text);

#endif
