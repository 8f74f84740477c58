/*
 * report_output.h - where `rollmap report` and `rollmap trend` write:
 * stdout, or a file written under a temporary name and moved into place
 * only when complete, never replacing an existing file without --force.
 */
#ifndef ROLLMAP_HOST_REPORT_OUTPUT_H
#define ROLLMAP_HOST_REPORT_OUTPUT_H

#include <stdio.h>

#include "rollmap.h"

/* The options `report` and `trend` share: -f FORMAT, -o OUT, --force,
 * --leg. */
struct report_options {
    rm_report_format format;  /* RM_REPORT_TEXT unless -f */
    const char *out_path;     /* NULL: standard output */
    int force;
    int read_ahead;           /* report only: --read-ahead */
    rm_leg leg;               /* --leg: overrides the files' leg */
};

/* Parse them into @p o. @p formats_ok is a bit mask of the formats the
 * command writes (1u << RM_REPORT_*), @p formats_hint names them for the
 * message. Returns -1 to go on (operands from optind), else an exit code
 * (--help shown by @p usage, or a usage error printed). */
int report_options_parse(int argc, char **argv, const char *cmd,
                         unsigned formats_ok, const char *formats_hint,
                         void (*usage)(FILE *), struct report_options *o);

struct report_output {
    FILE *f;          /* where to write once open */
    char *path;       /* final name, NULL for stdout */
    char *tmp;        /* temporary name beside it */
    int force;        /* replace an existing file */
};

/* Open @p path ("-" or NULL: stdout). Returns 0, or an exit code after
 * printing "rollmap CMD: PATH: cause". */
int report_output_open(struct report_output *o, const char *cmd,
                       const char *path, int force);

/* Finish: flush, close and move the file into place. Returns 0 or an
 * exit code (message printed); the temporary file never remains. */
int report_output_commit(struct report_output *o, const char *cmd);

/* Give up: close and remove the temporary file. */
void report_output_abort(struct report_output *o);

#endif
