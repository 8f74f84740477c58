/*
 * Streaming JSON writer (json_writer.h): writes each value as it comes,
 * in json-c's pretty+spaced layout, with no allocation at all. The only
 * state is one flag pair per open container.
 */
#include <inttypes.h>
#include <string.h>

#include "json_writer.h"

void rm_json_init(rm_json_writer *w, FILE *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

/* Two spaces per level, as json-c's indent() without PRETTY_TAB. */
static void indent(rm_json_writer *w, unsigned level)
{
    static const char spaces[] = "                                ";
    size_t n = 2u * level;
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        fwrite(spaces, 1, k, w->out);
        n -= k;
    }
}

/*
 * A JSON string body with json-c's escapes. Runs of bytes that need none
 * go out in one fwrite. Example: a"b<TAB>c<0x01> -> a\"b\tc\u0001.
 */
static void put_escaped(FILE *out, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c >= 0x20)
                continue;
            break;
        }
        fwrite(run, 1, (size_t)(p - run), out);
        if (esc) {
            fputs(esc, out);
        } else {
            char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf],
                          '\0' };
            fputs(u, out);
        }
        run = p + 1;
    }
    fputs(run, out);
}

/*
 * Everything that goes before a value: the separator from the previous
 * sibling, the indent, and the key inside an object. Returns 0 (and
 * marks misuse, writing nothing) when the key does not fit the place.
 */
static int begin_value(rm_json_writer *w, const char *key)
{
    if (w->depth == 0) {
        if (key || w->root_started) {
            w->misuse = 1;
            return 0;
        }
        w->root_started = 1;
        return 1;
    }
    unsigned top = w->depth - 1;
    if ((key != NULL) != (w->is_object[top] != 0)) {
        w->misuse = 1;
        return 0;
    }
    /* The opening bracket already ended its line; later items need the
     * comma first. */
    if (w->has_items[top])
        fputs(",\n", w->out);
    w->has_items[top] = 1;
    indent(w, w->depth);
    if (key) {
        fputc('"', w->out);
        put_escaped(w->out, key);
        fputs("\": ", w->out);
    }
    return 1;
}

static void open_container(rm_json_writer *w, const char *key, int object)
{
    if (w->depth >= RM_JSON_MAX_DEPTH) {
        w->misuse = 1;
        return;
    }
    if (!begin_value(w, key))
        return;
    fputs(object ? "{\n" : "[\n", w->out);
    w->is_object[w->depth] = (unsigned char)(object != 0);
    w->has_items[w->depth] = 0;
    w->depth++;
}

static void close_container(rm_json_writer *w, int object)
{
    if (w->depth == 0 || (w->is_object[w->depth - 1] != 0) != (object != 0)) {
        w->misuse = 1;
        return;
    }
    w->depth--;
    /* An empty container still gets the newline from its opening bracket
     * and the closing bracket at its own indent, as json-c writes it. */
    if (w->has_items[w->depth])
        fputc('\n', w->out);
    indent(w, w->depth);
    fputc(object ? '}' : ']', w->out);
}

void rm_json_object_open(rm_json_writer *w, const char *key)
{
    open_container(w, key, 1);
}

void rm_json_object_close(rm_json_writer *w)
{
    close_container(w, 1);
}

void rm_json_array_open(rm_json_writer *w, const char *key)
{
    open_container(w, key, 0);
}

void rm_json_array_close(rm_json_writer *w)
{
    close_container(w, 0);
}

void rm_json_string(rm_json_writer *w, const char *key, const char *s)
{
    if (!begin_value(w, key))
        return;
    if (!s) {
        fputs("null", w->out);
        return;
    }
    fputc('"', w->out);
    put_escaped(w->out, s);
    fputc('"', w->out);
}

void rm_json_number_text(rm_json_writer *w, const char *key,
                         const char *text)
{
    if (begin_value(w, key))
        fputs(text ? text : "null", w->out);
}

void rm_json_int(rm_json_writer *w, const char *key, int64_t v)
{
    if (begin_value(w, key))
        fprintf(w->out, "%" PRId64, v);
}

void rm_json_bool(rm_json_writer *w, const char *key, int v)
{
    if (begin_value(w, key))
        fputs(v ? "true" : "false", w->out);
}

void rm_json_null(rm_json_writer *w, const char *key)
{
    if (begin_value(w, key))
        fputs("null", w->out);
}

rm_status rm_json_finish(const rm_json_writer *w)
{
    if (w->misuse || w->depth != 0 || !w->root_started)
        return RM_ERR_ARG;
    return RM_OK;
}
