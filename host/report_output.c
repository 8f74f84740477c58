/*
 * Output files for the report commands: write to "OUT.tmp-XXXXXX" in
 * the same directory, then link() it to OUT (fails if OUT appeared
 * meanwhile: no silent overwrite) or rename() it with --force. A reader
 * never sees a half-written report under the final name.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "report_output.h"

int report_output_open(struct report_output *o, const char *cmd,
                       const char *path, int force)
{
    memset(o, 0, sizeof *o);
    o->force = force;
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    struct stat st;
    if (!force && lstat(path, &st) == 0) {
        cli_error(cmd, "%s: file exists (use --force to replace it)", path);
        return EXIT_RUNTIME;
    }
    size_t len = strlen(path);
    o->path = malloc(len + 1);
    o->tmp = malloc(len + sizeof ".tmp-XXXXXX");
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        cli_error(cmd, "%s: out of memory", path);
        return EXIT_RUNTIME;
    }
    memcpy(o->path, path, len + 1);
    memcpy(o->tmp, path, len);
    memcpy(o->tmp + len, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        cli_error(cmd, "%s: cannot create: %s", path, strerror(errno));
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return EXIT_RUNTIME;
    }
    /* mkstemp makes the file 0600; a report is an ordinary document. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        close(fd);
        report_output_abort(o);
        return EXIT_RUNTIME;
    }
    return 0;
}

void report_output_abort(struct report_output *o)
{
    if (o->path) {
        if (o->f)
            fclose(o->f);
        unlink(o->tmp);
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

int report_output_commit(struct report_output *o, const char *cmd)
{
    if (!o->path) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_error(cmd, "writing to standard output: %s",
                      strerror(errno));
            return EXIT_RUNTIME;
        }
        return 0;
    }
    int bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0;
    int err = errno;
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (bad) {
        cli_error(cmd, "%s: write failed: %s", o->path, strerror(err));
        report_output_abort(o);
        return EXIT_RUNTIME;
    }
    int rc = 0;
    if (o->force) {
        if (rename(o->tmp, o->path) != 0) {
            cli_error(cmd, "%s: %s", o->path, strerror(errno));
            rc = EXIT_RUNTIME;
        }
    } else if (link(o->tmp, o->path) != 0) {
        int link_err = errno;
        struct stat st;
        /* Filesystems without hard links (FAT, some network mounts):
         * check, then rename; the window between the two is small. */
        int no_links = link_err == EPERM || link_err == EOPNOTSUPP ||
                       link_err == ENOSYS;
        if (no_links && lstat(o->path, &st) != 0 && errno == ENOENT) {
            if (rename(o->tmp, o->path) != 0) {
                cli_error(cmd, "%s: %s", o->path, strerror(errno));
                rc = EXIT_RUNTIME;
            }
        } else if (link_err == EEXIST || no_links) {
            cli_error(cmd, "%s: file exists (use --force to replace it)",
                      o->path);
            rc = EXIT_RUNTIME;
        } else {
            cli_error(cmd, "%s: %s", o->path, strerror(link_err));
            rc = EXIT_RUNTIME;
        }
    }
    unlink(o->tmp);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return rc;
}

int report_options_parse(int argc, char **argv, const char *cmd,
                         unsigned formats_ok, const char *formats_hint,
                         void (*usage)(FILE *), struct report_options *o)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "force", no_argument, NULL, 'F' },
        { "read-ahead", no_argument, NULL, 'R' },
        { "leg", required_argument, NULL, 'L' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    *o = (struct report_options){ RM_REPORT_TEXT, NULL, 0, 0, RM_LEG_UNKNOWN };
    optind = 1;
    while ((c = cli_getopt(argc, argv, "f:o:h", longopts)) != -1) {
        switch (c) {
        case 'f':
            if (rm_report_format_parse(optarg, &o->format) != RM_OK ||
                !(formats_ok & (1u << o->format)))
                return cli_usage_error(cmd, "unknown format '%s' (%s)",
                                       optarg, formats_hint);
            break;
        case 'o':
            o->out_path = optarg;
            break;
        case 'F':
            o->force = 1;
            break;
        case 'R': /* only report reads a file through rm_report_file_opts */
            if (strcmp(cmd, "report") != 0)
                return cli_usage_error(cmd, "unknown option '%s'",
                                       argv[optind - 1]);
            o->read_ahead = 1;
            break;
        case 'L':
            if (rm_leg_parse(optarg, &o->leg) != RM_OK)
                return cli_usage_error(cmd, "--leg: '%s' is not left or "
                                       "right", optarg);
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            return cli_option_error(cmd, argv);
        }
    }
    return -1;
}
