/*
 * Shared CLI helpers: messages on stderr in the "rollmap CMD: ..." form,
 * exit-code mapping, checked number parsing.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

void cli_put_safe(FILE *f, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
}

static void vmessage(const char *cmd, const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fprintf(stderr, "rollmap%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    cli_put_safe(stderr, buf);
    fputc('\n', stderr);
}

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(cmd, fmt, ap);
    va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(cmd, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'rollmap %s --help'.\n", cmd ? cmd : "");
    return EXIT_USAGE;
}

int cli_exit_for(rm_status st)
{
    switch (st) {
    case RM_OK:              return EXIT_OK;
    case RM_ERR_FORMAT:
    case RM_ERR_UNSUPPORTED: return EXIT_DATA;
    case RM_ERR_NODEV:       return EXIT_NODEV;
    case RM_ERR_ARG:         return EXIT_USAGE;
    default:                 return EXIT_RUNTIME;
    }
}

int cli_parse_double(const char *cmd, const char *opt, const char *text,
                     double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) || v < min || v > max) {
        cli_usage_error(cmd, "%s: '%s' is not a number in %g..%g", opt, text,
                        min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_u64(const char *cmd, const char *opt, const char *text,
                  uint64_t *out)
{
    char *end;
    errno = 0;
    if (*text == '-') {
        cli_usage_error(cmd, "%s: '%s' is not a non-negative integer", opt,
                        text);
        return -1;
    }
    unsigned long long v = strtoull(text, &end, 0);
    if (errno || end == text || *end) {
        cli_usage_error(cmd, "%s: '%s' is not a non-negative integer", opt,
                        text);
        return -1;
    }
    *out = v;
    return 0;
}
