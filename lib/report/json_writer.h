/*
 * json_writer.h - a streaming JSON writer for the report (lib/report only).
 * Values go straight to a FILE as they are produced, so writing a report
 * costs a fixed few hundred bytes of state however many passes, holds and
 * map bins the session has (the json-c tree it replaces held ~1 kB per
 * pass). Data flow: rm_summary -> json.c -> this writer -> FILE.
 *
 * The layout is exactly json-c 0.16's json_object_to_json_string_ext()
 * with JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
 * JSON_C_TO_STRING_NOSLASHESCAPE, the flags the report used before, so
 * documents stay byte-identical (tests/unit/check_report_json.c compares
 * the two on random documents):
 *   - two spaces of indent per level, "key": value, ",\n" between items;
 *   - an empty container is its bracket, a newline, the closing bracket
 *     at the container's own indent ("[\n  ]");
 *   - strings escape " \ \b \f \n \r \t, other bytes below 0x20 as
 *     \u00xx (lower-case hex); '/', DEL and bytes >= 0x80 go out as is;
 *   - numbers are written as the caller formatted them (rm_fmt_fixed for
 *     doubles, as json_object_new_double_s kept them; int64 in decimal).
 */
#ifndef ROLLMAP_REPORT_JSON_WRITER_H
#define ROLLMAP_REPORT_JSON_WRITER_H

#include <stdint.h>
#include <stdio.h>

#include "internal.h"

/* Deepest nesting the writer tracks; the report uses 4 (root, map, line
 * array, value). Deeper opens are refused and reported by finish. */
#define RM_JSON_MAX_DEPTH 16

typedef struct rm_json_writer {
    FILE *out;
    unsigned depth;                               /* containers open */
    unsigned char is_object[RM_JSON_MAX_DEPTH];   /* per open container */
    unsigned char has_items[RM_JSON_MAX_DEPTH];   /* per open container */
    int root_started;  /* the top-level value has begun */
    int misuse;  /* a key where none belongs, or none where one must be,
                  * too deep, unbalanced close, a second top-level value:
                  * a bug in the caller */
} rm_json_writer;

/* Start a document on @p out (nothing is written yet). */
void rm_json_init(rm_json_writer *w, FILE *out);

/*
 * Every value call takes @p key: the member name inside an object, NULL
 * inside an array or for the top-level value. Strings and keys are
 * written as given (NUL-terminated; the caller makes them valid UTF-8).
 */
void rm_json_object_open(rm_json_writer *w, const char *key);
void rm_json_object_close(rm_json_writer *w);
void rm_json_array_open(rm_json_writer *w, const char *key);
void rm_json_array_close(rm_json_writer *w);
/* A string, or null when @p s is NULL. */
void rm_json_string(rm_json_writer *w, const char *key, const char *s);
/* A number literal written verbatim ("12.30"), or null when NULL. */
void rm_json_number_text(rm_json_writer *w, const char *key,
                         const char *text);
void rm_json_int(rm_json_writer *w, const char *key, int64_t v);
void rm_json_bool(rm_json_writer *w, const char *key, int v);
void rm_json_null(rm_json_writer *w, const char *key);

/*
 * RM_ERR_ARG if the calls did not form one complete value (a bug in the
 * caller), else RM_OK. Writes nothing and does not flush: stream errors
 * are the caller's to check (rm_report_stream_status).
 */
rm_status rm_json_finish(const rm_json_writer *w);

#endif
