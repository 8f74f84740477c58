/*
 * Shared CLI helpers: messages on stderr in the "rollmap CMD: ..." form,
 * exit-code mapping, checked number parsing.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * Bytes of the UTF-8 character at p if it may go to a terminal as is, 0
 * if it must be escaped: C0 controls (but newline and tab), DEL, the C1
 * controls U+0080..U+009F (VTE and xterm act on them, e.g. U+009B is
 * CSI), and anything that is not valid UTF-8 (a lone 0x9B byte is CSI on
 * an 8-bit terminal). Example: "M\xc3\xbcller" passes whole; "\xc2\x9b2J"
 * is shown as \xc2\x9b2J.
 */
size_t cli_utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    size_t len;
    unsigned cp, min;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; min = 0xa0; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static size_t printable_len(const unsigned char *p)
{
    unsigned c = p[0];
    if (c < 0x80)
        return (c >= 0x20 && c != 0x7f) || c == '\n' || c == '\t';
    return cli_utf8_len(p);
}

void cli_put_safe(FILE *f, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        size_t n = printable_len(p);
        if (n) {
            fwrite(p, 1, n, f);
            p += n;
        } else {
            fprintf(f, "\\x%02x", *p++);
        }
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

/* What the last '?' of cli_getopt was about: ':' a missing value. */
static int last_bad;
static int last_optind_before;
static const struct option *last_longopts;

int cli_getopt(int argc, char **argv, const char *shortopts,
               const struct option *longopts)
{
    /* A leading ':' makes getopt tell a missing value (':') from an
     * unknown option ('?'). */
    char spec[64];
    snprintf(spec, sizeof spec, "%s%s", shortopts[0] == ':' ? "" : ":",
             shortopts);
    opterr = 0;
    last_optind_before = optind;
    last_longopts = longopts;
    int c = getopt_long(argc, argv, spec, longopts, NULL);
    if (c == ':' || c == '?') {
        last_bad = c;
        return '?';
    }
    return c;
}

int cli_option_error(const char *cmd, char **argv)
{
    /* The word getopt stopped at: a long option ends its argv element,
     * so optind has moved past it; a short one may sit inside a cluster
     * ("-qZ"), named by optopt. */
    const char *word = optind > last_optind_before ? argv[optind - 1] : "";
    if (strncmp(word, "--", 2) == 0 && word[2]) {
        int len = (int)strcspn(word, "=");
        if (last_bad == ':')
            return cli_usage_error(cmd, "option '%.*s' needs a value", len,
                                   word);
        if (word[len] == '=' && optopt)
            return cli_usage_error(cmd, "option '%.*s' takes no value", len,
                                   word);
        char names[256] = "";
        int matches = 0;
        for (const struct option *o = last_longopts; o && o->name; o++)
            if (len > 2 && !strncmp(o->name, word + 2, (size_t)len - 2)) {
                size_t used = strlen(names);
                snprintf(names + used, sizeof names - used, "%s--%s",
                         matches++ ? ", " : "", o->name);
            }
        if (matches > 1)
            return cli_usage_error(cmd, "option '%.*s' is ambiguous (%s)", len,
                                   word, names);
        return cli_usage_error(cmd, "unknown option '%.*s'", len, word);
    }
    if (last_bad == ':')
        return cli_usage_error(cmd, "option '-%c' needs a value", optopt);
    /* cli_usage_error shows a control or non-ASCII byte escaped. */
    return cli_usage_error(cmd, "unknown option '-%c'", optopt);
}

const char *cli_s(uint64_t n)
{
    return n == 1 ? "" : "s";
}

/* A JSON string: quotes, backslashes and controls escaped; bytes that are
 * not UTF-8 (and C1 controls) become \u00XX one byte each, so the line is
 * valid JSON whatever the file name holds. */
static void put_json_string(FILE *f, const char *text)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        size_t n = printable_len(p);
        if (n > 1 || (n == 1 && *p != '"' && *p != '\\' && *p >= 0x20)) {
            fwrite(p, 1, n, f);
            p += n;
        } else if (*p == '"' || *p == '\\') {
            fprintf(f, "\\%c", *p++);
        } else {
            fprintf(f, "\\u%04x", *p++);
        }
    }
    fputc('"', f);
}

int cli_print_summary_json(FILE *f, const cli_summary *s)
{
    fputs("{\"file\": ", f);
    put_json_string(f, s->file);
    fprintf(f, ", \"frames\": %llu, \"dropped\": %llu, \"duration_s\": %.3f, "
               "\"leg\": \"%s\", \"errors\": %llu}\n",
            (unsigned long long)s->frames, (unsigned long long)s->dropped,
            s->duration_s, rm_leg_name(s->leg),
            (unsigned long long)s->errors);
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;
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

int cli_parse_calf_length(const char *cmd, const char *text, int allow_clear,
                          double *out)
{
    if (allow_clear && !*text) {
        *out = 0.0;
        return 0;
    }
    if (rm_calf_length_parse(text, out) == RM_OK)
        return 0;
    cli_usage_error(cmd, "--calf-length: '%s' is not a calf length in cm "
                    "(%g..%g, e.g. 36.5)%s", text, RM_CALF_LENGTH_MIN_CM,
                    RM_CALF_LENGTH_MAX_CM,
                    allow_clear ? "; '' clears it" : "");
    return -1;
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
