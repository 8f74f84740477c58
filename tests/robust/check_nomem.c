/*
 * Allocation failure at every point: a scenario touching every part of the
 * library (decoder, simulator, virtual board and link, recorder, session
 * reader, engine, every report writer, CSV, trend) is run once counting
 * librollmap's allocations, then once per allocation with that one and all
 * after it failing. Each run must end without a crash, with the failing
 * call reporting an error (RM_ERR_NOMEM or the error it leads to); in the
 * sanitizer pass LeakSanitizer also fails any run that leaks on an error
 * path. malloc/calloc/realloc are wrapped at link time (-Wl,--wrap), so
 * only statically linked code (the library, this test, Check) is affected,
 * and only while a scenario runs. After nanopb's tests/common/malloc_wrappers.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rollmap.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

/* -1: no limit; otherwise allocations left before every one fails. */
static long budget = -1;
static long allocations;

static int allowed(void)
{
    if (budget == 0)
        return 0;
    if (budget > 0)
        budget--;
    allocations++;
    return 1;
}

void *__wrap_malloc(size_t n)
{
    return allowed() ? __real_malloc(n) : NULL;
}

void *__wrap_calloc(size_t n, size_t size)
{
    return allowed() ? __real_calloc(n, size) : NULL;
}

void *__wrap_realloc(void *p, size_t n)
{
    return allowed() ? __real_realloc(p, n) : NULL;
}

static char session_path[64];
/* Contract breaches seen inside a scenario (a failed constructor that
 * left a handle, a finished engine without a summary). Counted, not
 * asserted there: Check's asserts need a running test, and the counting
 * run is not one. */
static int broken;

static void on_sample(const rm_sample *s, void *user)
{
    rm_csv_writer_row(user, s);
}

/* Every part of the library, stopping each part at its first failure.
 * Returns the number of calls that failed. */
static int scenario(void)
{
    int failed = 0;
    rm_error err;
    FILE *null = fopen("/dev/null", "w");

    /* Decoder on the wire vectors' worth of bytes. */
    rm_decoder *dec = NULL;
    if (rm_decoder_new(NULL, &dec, &err) == RM_OK) {
        static const uint8_t junk[] = { 1, 2, 0, 3, 0x81, 9, 0, 0 };
        rm_decoder_feed(dec, junk, sizeof junk);
        rm_decoder_free(dec);
    } else {
        failed++;
        broken += dec != NULL;
    }

    /* Virtual board -> link -> recorder (writer + engine). */
    rm_vboard_options vo = { .sim = { .seed = 2, .duration_s = 20 },
                             .no_realtime = 1 };
    rm_transport *t = NULL;
    rm_link *link = NULL;
    rm_recorder *rec = NULL;
    if (rm_transport_open_sim("basic", &vo, &t, &err) != RM_OK) {
        failed++;
        broken += t != NULL;
    } else if (rm_link_open(t, NULL, &link, &err) != RM_OK) {
        failed++;
        broken += link != NULL;
    } else {
        rm_session_meta meta;
        memset(&meta, 0, sizeof meta);
        meta.format_version = 1;
        meta.desc = *rm_link_descriptor(link);
        snprintf(meta.notes, sizeof meta.notes, "nomem <test>");
        rm_recorder_options ro = { .write_flags = RM_WRITE_OVERWRITE };
        if (rm_recorder_new(session_path, &meta, &ro, &rec, &err) != RM_OK) {
            failed++;
            broken += rec != NULL;
        } else if (rm_link_start(link) != RM_OK) {
            failed++;
        } else {
            rm_frame buf[128];
            size_t got;
            rm_status st;
            while ((st = rm_link_read(link, buf, 128, &got, 100)) == RM_OK &&
                   (got || !rm_link_ended(link)))
                if (got && rm_recorder_push(rec, buf, got) != RM_OK) {
                    failed++;
                    break;
                }
            if (st != RM_OK)
                failed++;
        }
        if (rec && rm_recorder_finish(rec) != RM_OK)
            failed++;
        rm_recorder_free(rec);
    }
    rm_link_close(link);

    /* Reader -> engine -> every report, CSV from the sample pass. */
    rm_session *s = NULL;
    rm_engine *e = NULL;
    rm_csv_writer *csv = NULL;
    if (rm_session_open(session_path, &s, &err) != RM_OK) {
        failed++;
        broken += s != NULL;
    } else if (rm_csv_writer_new(null, rm_session_get_meta(s)->desc.cells,
                                 &csv, &err) != RM_OK) {
        failed++;
        broken += csv != NULL;
    } else {
        rm_engine_callbacks cb = { .on_sample = on_sample, .user = csv };
        if (rm_engine_new(rm_session_get_meta(s), NULL, &cb, &e, &err) !=
            RM_OK) {
            failed++;
            broken += e != NULL;
        } else {
            rm_frame buf[256];
            size_t got;
            rm_status st = RM_OK;
            while (st == RM_OK && rm_session_read(s, buf, 256, &got) ==
                                      RM_OK && got)
                st = rm_engine_push(e, buf, got);
            if (st != RM_OK || rm_engine_finish(e) != RM_OK) {
                failed++;
            } else {
                const rm_summary *sum = rm_engine_summary(e);
                broken += sum == NULL;
                for (int f = RM_REPORT_TEXT; f <= RM_REPORT_HTML; f++)
                    if (f != RM_REPORT_CSV &&
                        rm_report_write(sum, rm_session_get_meta(s),
                                        (rm_report_format)f, null) != RM_OK)
                        failed++;
                if (rm_engine_sample_pass(e) == RM_OK &&
                    rm_session_rewind(s) == RM_OK) {
                    while (rm_session_read(s, buf, 256, &got) == RM_OK &&
                           got && rm_engine_push(e, buf, got) == RM_OK)
                        ;
                    rm_engine_finish(e);
                }
            }
        }
    }
    rm_csv_writer_close(csv);
    rm_engine_free(e);
    rm_session_close(s);

    /* Trend over the same file twice, and the one-call report. */
    rm_trend *tr = NULL;
    if (rm_trend_new(&tr, &err) != RM_OK) {
        failed++;
    } else {
        for (int i = 0; i < 2; i++)
            if (rm_trend_add_file(tr, session_path, NULL, &err) != RM_OK)
                failed++;
        if (rm_trend_write(tr, RM_REPORT_TEXT, null) != RM_OK)
            failed++;
        rm_trend_free(tr);
    }
    if (rm_report_file(session_path, RM_REPORT_SVG, NULL, null, &err) !=
        RM_OK)
        failed++;
    fclose(null);
    return failed;
}

static long total_allocations;

START_TEST(test_nomem_every_allocation_fails_cleanly)
{
    /* Fail allocation number _i and every one after it. */
    unlink(session_path);
    allocations = 0;
    budget = _i;
    int failed = scenario();
    budget = -1;
    ck_assert_int_eq(broken, 0);
    /* Something noticed (the last allocations may be unchecked-safe
     * frees of nothing, so only runs that were cut short must fail). */
    if (allocations < total_allocations)
        ck_assert_msg(failed > 0, "allocation %d failed, nobody noticed",
                      _i);
    unlink(session_path);
}
END_TEST

int main(void)
{
    snprintf(session_path, sizeof session_path, "/tmp/rollmap-nomem-%d.wav",
             (int)getpid());
    /* One full run counts the allocations; the loop fails each in turn. */
    allocations = 0;
    int failed = scenario();
    total_allocations = allocations;
    unlink(session_path);
    if (failed || broken) {
        fprintf(stderr, "check_nomem: the scenario fails without any "
                        "allocation failure (%d calls)\n", failed);
        return EXIT_FAILURE;
    }
    fprintf(stderr, "check_nomem: %ld allocations in the scenario\n",
            total_allocations);
    Suite *su = suite_create("nomem");
    TCase *tc = tcase_create("alloc");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_nomem_every_allocation_fails_cleanly, 0,
                        (int)total_allocations + 1);
    suite_add_tcase(su, tc);
    SRunner *r = srunner_create(su);
    srunner_run_all(r, CK_NORMAL);
    int nf = srunner_ntests_failed(r);
    srunner_free(r);
    return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
