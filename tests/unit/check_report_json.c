/*
 * The streaming JSON writer (lib/report/json_writer.c) against json-c,
 * whose pretty+spaced printing the report used before: random documents
 * built both ways must print the same bytes, whole reports must survive
 * a json-c parse + print round trip unchanged, and misuse is reported.
 */
#include <check.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_report_fixture.h"
#include "report/json_writer.h"
#include "rollmap.h"

/* The flags lib/report/json.c used with json-c. */
#define JC_FLAGS                                                           \
    (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |                   \
     JSON_C_TO_STRING_NOSLASHESCAPE)

/* xorshift64*: a fixed sequence per seed, so a failure reproduces. */
static uint64_t rnd(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 2685821657736338717ull;
}

/* A string of 0-12 bytes from 1..255, biased towards the bytes json-c
 * escapes (controls, quote, backslash, slash) and UTF-8 lead bytes. */
static void rnd_text(uint64_t *st, char *buf, size_t cap)
{
    static const char special[] = "\"\\/\b\f\n\r\t\x01\x1f\x7f\xc3\xa9 ";
    size_t n = (size_t)(rnd(st) % 13);
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rnd(st);
        buf[i] = (r & 1) ? special[(r >> 8) % (sizeof special - 1)]
                         : (char)(1 + (r >> 8) % 255);
    }
    buf[n] = '\0';
}

/*
 * Emit one random value both ways: into the writer (under @p key) and as
 * a json-c object returned to the caller (NULL for null). Depth-limited
 * so documents stay small; containers may be empty.
 */
static json_object *rnd_value(uint64_t *st, rm_json_writer *w,
                              const char *key, int depth)
{
    char text[32];
    unsigned kind = (unsigned)(rnd(st) % (depth < 5 ? 8 : 6));
    switch (kind) {
    case 0:
        rm_json_null(w, key);
        return NULL;
    case 1: {
        int b = (int)(rnd(st) & 1);
        rm_json_bool(w, key, b);
        return json_object_new_boolean(b);
    }
    case 2: {
        static const int64_t edge[] = { 0, -1, 1, INT64_MIN, INT64_MAX,
                                        2147483648LL, -2147483649LL };
        uint64_t r = rnd(st);
        int64_t v = (r & 1) ? edge[(r >> 1) % 7] : (int64_t)(r >> 3) -
                                                       (INT64_MAX >> 3);
        rm_json_int(w, key, v);
        return json_object_new_int64(v);
    }
    case 3: {
        /* As json.c formats doubles: fixed decimals, kept verbatim. */
        double v = ((double)(rnd(st) % 2000001) - 1000000.0) / 1000.0;
        snprintf(text, sizeof text, "%.*f", (int)(rnd(st) % 4), v);
        rm_json_number_text(w, key, text);
        return json_object_new_double_s(v, text);
    }
    case 4:
    case 5:
        rnd_text(st, text, sizeof text);
        rm_json_string(w, key, text);
        return json_object_new_string(text);
    case 6: {
        json_object *o = json_object_new_object();
        rm_json_object_open(w, key);
        size_t n = (size_t)(rnd(st) % 5);
        for (size_t i = 0; i < n; i++) {
            char k[32];
            rnd_text(st, k, sizeof k);
            /* json-c keeps one value per key; the writer does not
             * dedupe (the report never repeats a key), so keep keys
             * unique here. */
            snprintf(k + strlen(k), sizeof k - strlen(k), "#%zu", i);
            json_object_object_add(o, k, rnd_value(st, w, k, depth + 1));
        }
        rm_json_object_close(w);
        return o;
    }
    default: {
        json_object *a = json_object_new_array();
        rm_json_array_open(w, key);
        size_t n = (size_t)(rnd(st) % 5);
        for (size_t i = 0; i < n; i++)
            json_object_array_add(a, rnd_value(st, w, NULL, depth + 1));
        rm_json_array_close(w);
        return a;
    }
    }
}

START_TEST(test_json_writer_prints_what_json_c_prints)
{
    for (uint64_t seed = 1; seed <= 2000; seed++) {
        uint64_t st = seed * 0x9e3779b97f4a7c15ull;
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        ck_assert_ptr_nonnull(f);
        rm_json_writer w;
        rm_json_init(&w, f);
        /* Alternate object and array roots; both are valid documents. */
        json_object *root;
        if (seed & 1) {
            root = json_object_new_object();
            rm_json_object_open(&w, NULL);
            size_t n = (size_t)(rnd(&st) % 6);
            for (size_t i = 0; i < n; i++) {
                char k[16];
                snprintf(k, sizeof k, "k/%zu", i);
                json_object_object_add(root, k, rnd_value(&st, &w, k, 1));
            }
            rm_json_object_close(&w);
        } else {
            root = json_object_new_array();
            rm_json_array_open(&w, NULL);
            size_t n = (size_t)(rnd(&st) % 6);
            for (size_t i = 0; i < n; i++)
                json_object_array_add(root, rnd_value(&st, &w, NULL, 1));
            rm_json_array_close(&w);
        }
        ck_assert_int_eq(rm_json_finish(&w), RM_OK);
        fclose(f);
        const char *want = json_object_to_json_string_ext(root, JC_FLAGS);
        ck_assert_msg(strcmp(buf, want) == 0,
                      "seed %" PRIu64 ":\nwriter:\n%s\njson-c:\n%s", seed,
                      buf, want);
        json_object_put(root);
        free(buf);
    }
}
END_TEST

/* json-c keeps a parsed double's text, so parse + print reproduces
 * exactly what the tree-built report printed for the same document. */
static void assert_json_c_round_trip(const rm_summary *s,
                                     const rm_session_meta *meta)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(rm_report_write(s, meta, RM_REPORT_JSON, f), RM_OK);
    fclose(f);
    ck_assert_uint_gt(len, 2);
    ck_assert_int_eq(buf[len - 1], '\n');
    json_object *root = json_tokener_parse(buf);
    ck_assert_ptr_nonnull(root);
    const char *again = json_object_to_json_string_ext(root, JC_FLAGS);
    ck_assert_uint_eq(strlen(again), len - 1);
    ck_assert_msg(memcmp(again, buf, len - 1) == 0, "json-c prints:\n%s\n"
                  "the writer printed:\n%s", again, buf);
    json_object_put(root);
    free(buf);
}

START_TEST(test_json_report_round_trips_through_json_c)
{
    struct fixture fx;
    fixture_full(&fx);
    assert_json_c_round_trip(&fx.s, &fx.meta);
    snprintf(fx.meta.notes, sizeof fx.meta.notes, "%s", FIX_HOSTILE_NOTE);
    assert_json_c_round_trip(&fx.s, &fx.meta);
    fixture_thin(&fx);
    assert_json_c_round_trip(&fx.s, NULL);
    assert_json_c_round_trip(&fx.s, &fx.meta);
}
END_TEST

START_TEST(test_json_report_of_bundled_session_round_trips)
{
    /* A real engine summary: ~20 passes, holds, the map. Run from the
     * repository root, as make check does. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    rm_error err = { RM_OK, "" };
    rm_status st = rm_report_file("samples/basic.wav", RM_REPORT_JSON, NULL,
                                  f, &err);
    fclose(f);
    ck_assert_msg(st == RM_OK, "%s", err.msg);
    json_object *root = json_tokener_parse(buf);
    ck_assert_ptr_nonnull(root);
    ck_assert_uint_gt(json_object_array_length(
                          json_object_object_get(root, "passes")), 0);
    const char *again = json_object_to_json_string_ext(root, JC_FLAGS);
    ck_assert_uint_eq(strlen(again) + 1, len);
    ck_assert(memcmp(again, buf, len - 1) == 0);
    json_object_put(root);
    free(buf);
}
END_TEST

/* Run one misuse scenario on a throw-away stream; return finish's code. */
static rm_status misuse(int which)
{
    FILE *f = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(f);
    rm_json_writer w;
    rm_json_init(&w, f);
    switch (which) {
    case 0: /* nothing written */
        break;
    case 1: /* left open */
        rm_json_object_open(&w, NULL);
        break;
    case 2: /* member without a key */
        rm_json_object_open(&w, NULL);
        rm_json_int(&w, NULL, 1);
        rm_json_object_close(&w);
        break;
    case 3: /* array element with a key */
        rm_json_array_open(&w, NULL);
        rm_json_int(&w, "k", 1);
        rm_json_array_close(&w);
        break;
    case 4: /* closed with the wrong bracket */
        rm_json_array_open(&w, NULL);
        rm_json_object_close(&w);
        rm_json_array_close(&w);
        break;
    case 5: /* two top-level values */
        rm_json_null(&w, NULL);
        rm_json_null(&w, NULL);
        break;
    case 6: /* deeper than the writer tracks */
        for (int i = 0; i <= RM_JSON_MAX_DEPTH; i++)
            rm_json_array_open(&w, NULL);
        for (int i = 0; i <= RM_JSON_MAX_DEPTH; i++)
            rm_json_array_close(&w);
        break;
    case 7: /* close with nothing open */
        rm_json_null(&w, NULL);
        rm_json_array_close(&w);
        break;
    default: /* a correct document, for contrast */
        rm_json_object_open(&w, NULL);
        rm_json_array_open(&w, "a");
        rm_json_array_close(&w);
        rm_json_object_close(&w);
        break;
    }
    rm_status st = rm_json_finish(&w);
    fclose(f);
    return st;
}

START_TEST(test_json_writer_reports_misuse)
{
    for (int i = 0; i <= 7; i++)
        ck_assert_msg(misuse(i) == RM_ERR_ARG, "scenario %d", i);
    ck_assert_int_eq(misuse(8), RM_OK);
}
END_TEST

Suite *report_json_suite(void)
{
    Suite *s = suite_create("report_json");
    TCase *tc = tcase_create("writer");
    tcase_add_test(tc, test_json_writer_prints_what_json_c_prints);
    tcase_add_test(tc, test_json_report_round_trips_through_json_c);
    tcase_add_test(tc, test_json_report_of_bundled_session_round_trips);
    tcase_add_test(tc, test_json_writer_reports_misuse);
    suite_add_tcase(s, tc);
    return s;
}
