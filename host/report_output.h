/*
 * report_output.h - where `rollmap report` and `rollmap trend` write.
 *
 * The rules (also in rollmap(1), "OUTPUT FILES"):
 *   - no -o, or "-o -": standard output; a name for an open descriptor
 *     (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N) is written
 *     through that descriptor as it is;
 *   - a new name, or an existing regular file with --force: written under
 *     a temporary name in the same directory and moved into place only
 *     when complete; an existing regular file without --force is refused;
 *   - an existing file that is not regular (a FIFO such as `-o >(gzip)`,
 *     a character device, /dev/stdout on a pipe): written in place, opened
 *     without creating or truncating, never renamed over (no --force
 *     needed: nothing is replaced);
 *   - a symbolic link is followed to its target and the rules above apply
 *     to the target; the link itself is never replaced, and a link to a
 *     missing file is refused;
 *   - an output that is one of the inputs (same device and inode, also
 *     through links, and standard output redirected onto an input) is
 *     refused with exit 2, --force or not;
 *   - the format follows the extension of OUT (.txt .json .csv .svg
 *     .html) unless -f names it; -f contradicting the extension is a
 *     usage error (exit 2).
 */
#ifndef ROLLMAP_HOST_REPORT_OUTPUT_H
#define ROLLMAP_HOST_REPORT_OUTPUT_H

#include <stdio.h>

#include "rollmap.h"

/* The options `report` and `trend` share: -f FORMAT, -o OUT, --force,
 * --leg. */
struct report_options {
    rm_report_format format;  /* -f, else from OUT's extension, else text */
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
    char *path;       /* final name (a link's target), NULL: no rename */
    char *tmp;        /* temporary name beside it */
    int force;        /* replace an existing file */
    int in_place;     /* a FIFO or device opened as is */
    const char *shown; /* the name as given, for messages */
};

/* Open @p path ("-" or NULL: stdout), refusing to write over any of the
 * @p n_inputs files in @p inputs. Returns 0, or an exit code after
 * printing "rollmap CMD: PATH: cause". */
int report_output_open(struct report_output *o, const char *cmd,
                       const char *path, int force,
                       char *const *inputs, int n_inputs);

/* Finish: flush, close and move the file into place. Returns 0 or an
 * exit code (message printed); the temporary file never remains. */
int report_output_commit(struct report_output *o, const char *cmd);

/* Give up: close and remove the temporary file. */
void report_output_abort(struct report_output *o);

#endif
