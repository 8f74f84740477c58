/*
 * The guidance as codes and numbers (lib/engine/guidance.c) worded by
 * lib/report (guidance_text.c), and the hold band travelling in the
 * summary: a report made with hold limits other than the defaults quotes
 * them, and its tables and its guidance count the same short holds.
 */
#include <check.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollmap.h"

static rm_engine *run_sim(const char *scen, uint64_t seed,
                          const rm_engine_config *cfg, rm_session_meta *meta)
{
    rm_sim *sim;
    rm_error err;
    rm_sim_options opt = { .seed = seed };
    ck_assert_int_eq(rm_sim_new(scen, &opt, &sim, &err), RM_OK);
    *meta = *rm_sim_get_meta(sim);
    rm_engine *e;
    ck_assert_int_eq(rm_engine_new(meta, cfg, NULL, &e, &err), RM_OK);
    rm_frame buf[4096];
    size_t got;
    do {
        ck_assert_int_eq(rm_sim_read(sim, buf, 4096, &got), RM_OK);
        ck_assert_int_eq(rm_engine_push(e, buf, got), RM_OK);
    } while (got);
    rm_sim_free(sim);
    ck_assert_int_eq(rm_engine_finish(e), RM_OK);
    return e;
}

static char *render(const rm_summary *s, const rm_session_meta *meta,
                    rm_report_format fmt)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(rm_report_write(s, meta, fmt, f), RM_OK);
    ck_assert_int_eq(fclose(f), 0);
    return out;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static const rm_guidance *find(const rm_summary *s, const char *code)
{
    for (size_t i = 0; i < s->n_guidance; i++)
        if (!strcmp(s->guidance[i].code, code))
            return &s->guidance[i];
    return NULL;
}

/* Rows of the text report's holds table marked short ("   H3 ... short"). */
static size_t text_short_rows(const char *text)
{
    size_t n = 0;
    for (const char *l = text; *l;) {
        const char *end = strchr(l, '\n');
        size_t len = end ? (size_t)(end - l) : strlen(l);
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(len < 255 ? len : 255), l);
        const char *p = line + strspn(line, " ");
        if (p - line >= 2 && p[0] == 'H' && p[1] >= '0' && p[1] <= '9' &&
            strstr(line, " short "))
            n++;
        l += len + (end != NULL);
    }
    return n;
}

/* Before: the reports judged holds by their own 30-90 s while the
 * guidance used the config's 60-120 s (a "holds" session: 4 short in the
 * table, 7 in the guidance, "common advice: 30-90 s"). */
START_TEST(test_reports_use_the_configs_hold_band)
{
    rm_engine_config cfg;
    rm_engine_config_default(&cfg);
    cfg.hold_advice_min_s = 60.0;
    cfg.hold_advice_max_s = 120.0;
    rm_session_meta meta;
    rm_engine *e = run_sim("holds", 1000, &cfg, &meta);
    const rm_summary *s = rm_engine_summary(e);
    ck_assert_double_eq(s->hold_advice_min_s, 60.0);
    ck_assert_double_eq(s->hold_advice_max_s, 120.0);

    size_t n_short = 0, n_between = 0;
    for (size_t i = 0; i < s->n_holds; i++) {
        n_short += s->holds[i].duration_s < 60.0;
        n_between += s->holds[i].duration_s >= 30.0 &&
                     s->holds[i].duration_s < 60.0;
    }
    /* The session must tell the two bands apart for the test to mean it. */
    ck_assert_uint_gt(n_between, 0);
    const rm_guidance *g = find(s, "hold_short");
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->count, n_short);
    ck_assert_double_eq(g->value[0], 60.0);
    ck_assert_double_eq(g->value[1], 120.0);

    char *text = render(s, &meta, RM_REPORT_TEXT);
    ck_assert_ptr_nonnull(strstr(text, "(common advice: 60-120 s on a spot)"));
    ck_assert_ptr_null(strstr(text, "30-90"));
    ck_assert_uint_eq(text_short_rows(text), n_short);
    char said[64];
    snprintf(said, sizeof said, "%zu holds ended before 60 s", n_short);
    ck_assert_ptr_nonnull(strstr(text, said));
    free(text);

    char *html = render(s, &meta, RM_REPORT_HTML);
    ck_assert_ptr_nonnull(
        strstr(html, "Common advice: 60\xe2\x80\x93" "120 s on a spot."));
    ck_assert_ptr_null(strstr(html, "30\xe2\x80\x93" "90"));
    ck_assert_uint_eq(count(html, "class=\"band-short\""), n_short);
    ck_assert_ptr_nonnull(strstr(html, said));
    free(html);

    char *json = render(s, &meta, RM_REPORT_JSON);
    json_object *root = json_tokener_parse(json), *v, *adv, *arr;
    ck_assert_ptr_nonnull(root);
    ck_assert(json_object_object_get_ex(root, "advice", &adv));
    ck_assert(json_object_object_get_ex(adv, "hold_min_s", &v));
    ck_assert_double_eq(json_object_get_double(v), 60.0);
    ck_assert(json_object_object_get_ex(adv, "hold_max_s", &v));
    ck_assert_double_eq(json_object_get_double(v), 120.0);
    ck_assert(json_object_object_get_ex(root, "guidance", &arr));
    int seen = 0;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i), *c;
        ck_assert(json_object_object_get_ex(o, "code", &c));
        if (strcmp(json_object_get_string(c), "hold_short"))
            continue;
        seen = 1;
        ck_assert(json_object_object_get_ex(o, "count", &v));
        ck_assert_int_eq(json_object_get_int64(v), (int64_t)n_short);
        ck_assert(json_object_object_get_ex(o, "text", &v));
        ck_assert_ptr_nonnull(strstr(json_object_get_string(v), said));
    }
    ck_assert(seen);
    json_object_put(root);
    free(json);
    rm_engine_free(e);
}
END_TEST

/* The engine writes no English: every entry is a code and numbers, and
 * lib/report's words for the "safety" code are the reports' fallback. */
START_TEST(test_engine_gives_codes_and_numbers_only)
{
    rm_session_meta meta;
    rm_engine *e = run_sim("holds", 1000, NULL, &meta);
    const rm_summary *s = rm_engine_summary(e);
    ck_assert_uint_gt(s->n_guidance, 2);
    for (size_t i = 0; i < s->n_guidance; i++) {
        ck_assert_str_eq(s->guidance[i].text, "");
        char w[256];
        ck_assert_uint_gt(rm_guidance_text(&s->guidance[i], w, sizeof w), 0);
    }
    ck_assert_double_eq(s->hold_advice_min_s, 30.0);
    ck_assert_double_eq(s->hold_advice_max_s, 90.0);
    const rm_guidance *safety = find(s, "safety");
    ck_assert_ptr_nonnull(safety);
    char said[256];
    rm_guidance_text(safety, said, sizeof said);
    rm_summary bare = *s;
    bare.guidance = NULL;
    bare.n_guidance = 0;
    char *text = render(&bare, &meta, RM_REPORT_TEXT);
    ck_assert_ptr_nonnull(strstr(text, "Sharp pain, swelling or redness"));
    free(text);
    char *html = render(&bare, &meta, RM_REPORT_HTML);
    ck_assert_ptr_nonnull(strstr(html, said));
    free(html);
    rm_engine_free(e);
}
END_TEST

START_TEST(test_guidance_text_plurals_and_edges)
{
    char w[256];
    rm_guidance g = { .level = RM_GUIDE_ADVICE, .code = "hold_short",
                      .count = 1, .value = { 60.0, 120.0, NAN } };
    rm_guidance_text(&g, w, sizeof w);
    ck_assert_str_eq(w, "1 hold ended before 60 s; holds of 60-120 s on a "
                        "tender spot are the usual advice.");
    g.count = 2;
    rm_guidance_text(&g, w, sizeof w);
    ck_assert_ptr_nonnull(strstr(w, "2 holds ended before 60 s"));

    rm_guidance f = { .level = RM_GUIDE_CAUTION, .code = "flinch",
                      .count = 1, .value = { 12.34, NAN, NAN },
                      .line = RM_LINE_LATERAL };
    rm_guidance_text(&f, w, sizeof w);
    ck_assert_ptr_nonnull(strstr(w, "1 sudden lift-off (flinch), the first "
                                    "at 12.3 cm from the ankle on the "
                                    "lateral line"));
    f.count = 3;
    f.value[0] = NAN;
    rm_guidance_text(&f, w, sizeof w);
    ck_assert_ptr_nonnull(strstr(w, "3 sudden lift-offs (flinch): the"));

    rm_guidance c = { .code = "coverage_middle", .value = { 0.404, 0.5, NAN },
                      .line = RM_LINE_MIDDLE };
    rm_guidance_text(&c, w, sizeof w);
    ck_assert_ptr_nonnull(strstr(w, "The middle line was rolled over 40 %"));

    rm_guidance p = { .code = "few_passes", .count = 0 };
    rm_guidance_text(&p, w, sizeof w);
    ck_assert_ptr_nonnull(strstr(w, "No complete pass: "));
    p.count = 1;
    rm_guidance_text(&p, w, sizeof w);
    ck_assert_ptr_nonnull(strstr(w, "Only one pass: "));

    rm_guidance sess = { .code = "session_short",
                         .value = { 150.0, 300.0, 600.0 } };
    rm_guidance_text(&sess, w, sizeof w);
    ck_assert_str_eq(w, "2.5 minutes on the roller; 5-10 minutes per calf "
                        "is a common routine.");

    /* Its own wording wins; unknown codes and NULL give nothing. */
    rm_guidance own = { .code = "hold_short", .text = "Eigene Worte." };
    ck_assert_uint_eq(rm_guidance_text(&own, w, sizeof w), 13);
    ck_assert_str_eq(w, "Eigene Worte.");
    rm_guidance unk = { .code = "no_such_code", .count = 3 };
    ck_assert_uint_eq(rm_guidance_text(&unk, w, sizeof w), 0);
    ck_assert_str_eq(w, "");
    ck_assert_uint_eq(rm_guidance_text(NULL, w, sizeof w), 0);
    rm_guidance full;
    memset(&full, 0, sizeof full);
    memset(full.code, 'c', sizeof full.code);  /* no NUL */
    ck_assert_uint_eq(rm_guidance_text(&full, w, sizeof w), 0);

    /* A short buffer is cut but the full length is returned. */
    rm_guidance safety = { .code = "safety" };
    size_t n = rm_guidance_text(&safety, w, 10);
    ck_assert_uint_eq(strlen(w), 9);
    ck_assert_uint_gt(n, 9);
    ck_assert_uint_eq(rm_guidance_text(&safety, NULL, 0), n);
}
END_TEST

/* A summary without a band (hand-built, zeroed) claims none. */
START_TEST(test_summary_without_band_shows_none)
{
    rm_hold h = { .start_s = 10, .end_s = 50, .duration_s = 40,
                  .position_cm = NAN, .position_frac = NAN };
    rm_summary s;
    memset(&s, 0, sizeof s);
    s.holds = &h;
    s.n_holds = 1;
    s.calf_length_cm = NAN;
    char *text = render(&s, NULL, RM_REPORT_TEXT);
    ck_assert_ptr_nonnull(strstr(text, "Holds: 1\n"));
    ck_assert_ptr_null(strstr(text, "common advice: "));
    ck_assert_ptr_null(strstr(text, " short "));
    free(text);
    char *html = render(&s, NULL, RM_REPORT_HTML);
    ck_assert_ptr_nonnull(strstr(html, "class=\"band-?\">not known"));
    free(html);
    char *json = render(&s, NULL, RM_REPORT_JSON);
    ck_assert_ptr_nonnull(strstr(json, "\"hold_min_s\": null"));
    free(json);
}
END_TEST

Suite *guidance_text_suite(void)
{
    Suite *s = suite_create("guidance_text");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_reports_use_the_configs_hold_band);
    tcase_add_test(tc, test_engine_gives_codes_and_numbers_only);
    tcase_add_test(tc, test_guidance_text_plurals_and_edges);
    tcase_add_test(tc, test_summary_without_band_shows_none);
    suite_add_tcase(s, tc);
    return s;
}
