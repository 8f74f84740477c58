/*
 * Output files for the report commands (rules in report_output.h): a
 * regular file is written to "OUT.tmp-XXXXXX" in the directory of OUT
 * (of the link's target for a symbolic link), then link()ed to OUT
 * (fails if OUT appeared meanwhile: no silent overwrite) or rename()d
 * with --force, so a reader never sees a half-written report under the
 * final name. A FIFO or device is written in place: renaming over it
 * would replace the node itself (as root, /dev/null).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "report_output.h"

/* The input among @p inputs that @p st is, or NULL. Inputs that cannot
 * be stat()ed are skipped: reading them fails later with its own message. */
static const char *same_as_input(const struct stat *st, char *const *inputs,
                                 int n_inputs)
{
    for (int i = 0; i < n_inputs; i++) {
        struct stat in;
        if (stat(inputs[i], &in) == 0 && in.st_dev == st->st_dev &&
            in.st_ino == st->st_ino)
            return inputs[i];
    }
    return NULL;
}

static int open_in_place(struct report_output *o, const char *cmd,
                         const char *path)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        cli_error(cmd, "%s: cannot open for writing: %s", path,
                  strerror(errno));
        return EXIT_RUNTIME;
    }
    o->f = fdopen(fd, "w");
    if (!o->f) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        close(fd);
        return EXIT_RUNTIME;
    }
    o->in_place = 1;
    return 0;
}

/* The descriptor a name for an already open one stands for ("/dev/stdout",
 * "/dev/fd/3", "/proc/self/fd/63" as bash's >(...) gives), or -1. Such a
 * name is the caller's stream: it is written through the descriptor, as
 * given (never reopened, truncated or renamed over). */
static int named_fd(const char *path)
{
    static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/" };
    if (!strcmp(path, "/dev/stdout"))
        return STDOUT_FILENO;
    if (!strcmp(path, "/dev/stderr"))
        return STDERR_FILENO;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(path, prefixes[i], n) != 0)
            continue;
        char *end;
        long fd = strtol(path + n, &end, 10);
        if (end != path + n && !*end && fd >= 0 && fd < 1 << 20)
            return (int)fd;
    }
    return -1;
}

int report_output_open(struct report_output *o, const char *cmd,
                       const char *path, int force,
                       char *const *inputs, int n_inputs)
{
    memset(o, 0, sizeof *o);
    o->force = force;
    struct stat st;
    if (!path || strcmp(path, "-") == 0) {
        /* `rollmap report s.wav >> s.wav` would append to the session. */
        const char *in;
        if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
            (in = same_as_input(&st, inputs, n_inputs))) {
            cli_error(cmd, "standard output is the input file %s "
                      "(refusing to write over it)", in);
            return EXIT_USAGE;
        }
        o->f = stdout;
        o->shown = "standard output";
        return 0;
    }
    o->shown = path;
    int given = named_fd(path);
    if (given >= 0) {
        const char *in;
        if (fstat(given, &st) != 0) {
            cli_error(cmd, "%s: %s", path, strerror(errno));
            return EXIT_RUNTIME;
        }
        if ((in = same_as_input(&st, inputs, n_inputs))) {
            cli_error(cmd, "%s: is the input file %s (refusing to write "
                      "over it, --force or not)", path, in);
            return EXIT_USAGE;
        }
        int fd = dup(given);
        if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
            cli_error(cmd, "%s: %s", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return EXIT_RUNTIME;
        }
        o->in_place = 1;
        return 0;
    }
    char *resolved = NULL;
    const char *target = path;
    struct stat lst;
    if (lstat(path, &lst) == 0) {
        if (stat(path, &st) != 0) {
            cli_error(cmd, "%s: symbolic link to a missing file (%s); "
                      "neither followed nor replaced", path, strerror(errno));
            return EXIT_RUNTIME;
        }
        const char *in = same_as_input(&st, inputs, n_inputs);
        if (in) {
            cli_error(cmd, "%s: is the input file %s (refusing to write "
                      "over it, --force or not)", path, in);
            return EXIT_USAGE;
        }
        if (S_ISDIR(st.st_mode)) {
            cli_error(cmd, "%s: is a directory", path);
            return EXIT_RUNTIME;
        }
        if (!S_ISREG(st.st_mode))
            return open_in_place(o, cmd, path);
        if (!force) {
            cli_error(cmd, "%s: file exists (use --force to replace it)",
                      path);
            return EXIT_RUNTIME;
        }
        if (S_ISLNK(lst.st_mode)) {
            /* Replace the target's contents, keep the link. */
            resolved = realpath(path, NULL);
            if (!resolved) {
                cli_error(cmd, "%s: %s", path, strerror(errno));
                return EXIT_RUNTIME;
            }
            target = resolved;
        }
    } else if (errno != ENOENT) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        return EXIT_RUNTIME;
    }
    size_t len = strlen(target);
    o->path = malloc(len + 1);
    o->tmp = malloc(len + sizeof ".tmp-XXXXXX");
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        free(resolved);
        o->path = o->tmp = NULL;
        cli_error(cmd, "%s: out of memory", path);
        return EXIT_RUNTIME;
    }
    memcpy(o->path, target, len + 1);
    memcpy(o->tmp, target, len);
    memcpy(o->tmp + len, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    free(resolved);
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
    if (o->path || o->in_place) {
        if (o->f)
            fclose(o->f);
        if (o->tmp)
            unlink(o->tmp);
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

int report_output_commit(struct report_output *o, const char *cmd)
{
    if (o->in_place) {
        /* No fsync: a FIFO or device has nothing to sync (EINVAL). */
        int bad = fflush(o->f) != 0 || ferror(o->f);
        int err = errno;
        bad |= fclose(o->f) != 0;
        if (bad)
            cli_error(cmd, "%s: write failed: %s", o->shown, strerror(err));
        memset(o, 0, sizeof *o);
        return bad ? EXIT_RUNTIME : 0;
    }
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
        cli_error(cmd, "%s: write failed: %s", o->shown, strerror(err));
        report_output_abort(o);
        return EXIT_RUNTIME;
    }
    int rc = 0;
    struct stat now;
    if (o->force && lstat(o->path, &now) == 0 && !S_ISREG(now.st_mode)) {
        /* Became a FIFO, device or link since it was opened: a rename
         * would replace it. */
        cli_error(cmd, "%s: no longer a regular file; not replaced",
                  o->shown);
        rc = EXIT_RUNTIME;
    } else if (o->force) {
        if (rename(o->tmp, o->path) != 0) {
            cli_error(cmd, "%s: %s", o->shown, strerror(errno));
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
                cli_error(cmd, "%s: %s", o->shown, strerror(errno));
                rc = EXIT_RUNTIME;
            }
        } else if (link_err == EEXIST || no_links) {
            cli_error(cmd, "%s: file exists (use --force to replace it)",
                      o->shown);
            rc = EXIT_RUNTIME;
        } else {
            cli_error(cmd, "%s: %s", o->shown, strerror(link_err));
            rc = EXIT_RUNTIME;
        }
    }
    unlink(o->tmp);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return rc;
}

/* The format an output name's extension names, or -1 (no extension, or
 * one that names no format: the default applies). */
static int format_of_name(const char *path)
{
    static const struct { const char *ext; rm_report_format fmt; } map[] = {
        { ".txt", RM_REPORT_TEXT }, { ".json", RM_REPORT_JSON },
        { ".csv", RM_REPORT_CSV },  { ".svg", RM_REPORT_SVG },
        { ".html", RM_REPORT_HTML }, { ".htm", RM_REPORT_HTML },
    };
    const char *base = strrchr(path, '/');
    const char *dot = strrchr(base ? base + 1 : path, '.');
    if (!dot)
        return -1;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(dot, map[i].ext) == 0)
            return (int)map[i].fmt;
    return -1;
}

static const char *format_name(rm_report_format f)
{
    static const char *const names[] = { "text", "json", "csv", "svg",
                                         "html" };
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
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
    int c, have_format = 0;

    *o = (struct report_options){ RM_REPORT_TEXT, NULL, 0, 0, RM_LEG_UNKNOWN };
    optind = 1;
    while ((c = cli_getopt(argc, argv, "f:o:h", longopts)) != -1) {
        switch (c) {
        case 'f':
            if (rm_report_format_parse(optarg, &o->format) != RM_OK ||
                !(formats_ok & (1u << o->format)))
                return cli_usage_error(cmd, "unknown format '%s' (%s)",
                                       optarg, formats_hint);
            have_format = 1;
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
    int by_name = o->out_path && strcmp(o->out_path, "-") != 0
                      ? format_of_name(o->out_path) : -1;
    if (by_name >= 0 && have_format && (rm_report_format)by_name != o->format)
        return cli_usage_error(cmd, "-f %s contradicts the output name "
                               "'%s' (which says %s)", format_name(o->format),
                               o->out_path, format_name(by_name));
    if (by_name >= 0 && !have_format) {
        if (!(formats_ok & (1u << by_name)))
            return cli_usage_error(cmd, "output '%s': %s is not a format "
                                   "this command writes (%s)", o->out_path,
                                   format_name(by_name), formats_hint);
        o->format = (rm_report_format)by_name;
    }
    return -1;
}
