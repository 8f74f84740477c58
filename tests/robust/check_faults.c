/*
 * Link faults end to end: virtual board -> fault injector -> link ->
 * recorder (writer + engine) -> file -> reader, at several damage rates.
 * Checks the promises of docs/robustness.md: every frame that crossed the
 * link intact is in the file, no damaged frame is, the gap counts agree
 * with what is missing, the engine carries on, a vanished or stalled
 * board leaves a valid file. Build and run: make BUILD=b b/tests/robust/check_faults
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link/transport_fault.h"

/* Every frame the simulator makes for one run, in order (the truth). */
typedef struct truth {
    rm_frame *f;
    size_t n;
    uint32_t cells;
} truth;

static void truth_load(truth *t, const char *scenario,
                       const rm_sim_options *so)
{
    rm_sim *sim = NULL;
    ck_assert_int_eq(rm_sim_new(scenario, so, &sim, NULL), RM_OK);
    t->cells = rm_sim_get_meta(sim)->desc.cells;
    size_t cap = 4096;
    t->f = malloc(cap * sizeof *t->f);
    t->n = 0;
    for (;;) {
        if (t->n == cap) {
            cap *= 2;
            t->f = realloc(t->f, cap * sizeof *t->f);
            ck_assert_ptr_nonnull(t->f);
        }
        size_t got = 0;
        ck_assert_int_eq(rm_sim_read(sim, t->f + t->n, cap - t->n, &got),
                         RM_OK);
        if (!got)
            break;
        t->n += got;
    }
    rm_sim_free(sim);
}

/* Truth frame with sequence @p seq, or NULL (sequence numbers rise). */
static const rm_frame *truth_find(const truth *t, uint32_t seq)
{
    size_t lo = 0, hi = t->n;
    uint32_t base = t->f[0].seq, want = seq - base;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t at = t->f[mid].seq - base;
        if (at == want)
            return &t->f[mid];
        if (at < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Sequence numbers of the sample frames that crossed the link intact,
 * found by decoding the injector's clean copy of each intact frame. */
typedef struct intact {
    rm_decoder *dec;
    uint32_t *seq;
    size_t n, cap;
} intact;

static void intact_sample(const rm_frame *f, void *user)
{
    intact *in = user;
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 1024;
        in->seq = realloc(in->seq, in->cap * sizeof *in->seq);
    }
    in->seq[in->n++] = f->seq;
}

static void on_clean_frame(const uint8_t *frame, size_t len, int ok,
                           void *user)
{
    intact *in = user;
    if (ok)
        rm_decoder_feed(in->dec, frame, len);
}

typedef struct outcome {
    rm_status link_end;        /* why reading stopped: RM_OK = end of stream */
    uint64_t file_frames, file_dropped, link_lost, rec_dropped;
    uint64_t engine_frames;
    rm_fault_stats fs;
    size_t intact_samples;
} outcome;

/*
 * One recording through the injector; then the file is checked against
 * the truth frame by frame. Returns what happened for case-specific checks.
 */
static void run(const char *scenario, double duration_s,
                const rm_fault_options *fo_in, unsigned stall_timeout_ms,
                outcome *res)
{
    rm_sim_options so = { .seed = 11, .duration_s = duration_s,
                          .leg = RM_LEG_LEFT };
    truth tr;
    truth_load(&tr, scenario, &so);
    ck_assert_uint_gt(tr.n, 100);

    intact in = { 0 };
    rm_decoder_callbacks dcb = { .on_frame = intact_sample, .user = &in };
    ck_assert_int_eq(rm_decoder_new(&dcb, &in.dec, NULL), RM_OK);
    rm_fault_options fo = *fo_in;
    fo.on_frame = on_clean_frame;
    fo.user = &in;

    rm_vboard_options vo = { .sim = so, .no_realtime = 1 };
    rm_transport *board = NULL, *t = NULL;
    rm_error err = { 0 };
    ck_assert_int_eq(rm_transport_open_sim(scenario, &vo, &board, &err),
                     RM_OK);
    ck_assert_int_eq(rm_transport_open_fault(board, &fo, &t, &err), RM_OK);
    rm_link_options lo = { .boot_wait_ms = 2000,
                           .stall_timeout_ms = stall_timeout_ms };
    rm_link *link = NULL;
    ck_assert_msg(rm_link_open(t, &lo, &link, &err) == RM_OK, "%s", err.msg);

    char path[] = "/tmp/rollmap-faults-XXXXXX.wav";
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    close(fd);
    rm_session_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.format_version = 1;
    meta.desc = *rm_link_descriptor(link);
    meta.leg = RM_LEG_LEFT;
    rm_recorder_options ro = { .write_flags = RM_WRITE_OVERWRITE };
    rm_recorder *rec = NULL;
    ck_assert_int_eq(rm_recorder_new(path, &meta, &ro, &rec, &err), RM_OK);
    ck_assert_ptr_nonnull(rm_recorder_engine(rec));

    ck_assert_int_eq(rm_link_start(link), RM_OK);
    rm_frame buf[256];
    for (;;) {
        size_t got = 0;
        rm_status st = rm_link_read(link, buf, 256, &got, 200);
        if (got)
            ck_assert_int_eq(rm_recorder_push(rec, buf, got), RM_OK);
        if (st != RM_OK) {
            res->link_end = st;
            break;
        }
        if (!got && rm_link_ended(link)) {
            res->link_end = RM_OK;
            break;
        }
    }
    rm_decoder_stats ds;
    rm_link_stats(link, &ds);
    res->link_lost = ds.frames_lost;
    rm_fault_stats_get(rm_link_transport(link), &res->fs);
    rm_link_close(link);
    ck_assert_int_eq(rm_recorder_finish(rec), RM_OK);
    res->rec_dropped = rm_recorder_dropped(rec);
    /* The engine carried on through the damage. */
    const rm_engine *e = rm_recorder_engine(rec);
    ck_assert_ptr_nonnull(e);
    const rm_summary *sum = rm_engine_summary(e);
    ck_assert_ptr_nonnull(sum);
    res->engine_frames = sum->frames;
    rm_recorder_free(rec);

    /* The file: every frame equal to the truth frame of its sequence
     * number, in order, none twice. */
    rm_session *s = NULL;
    ck_assert_msg(rm_session_open(path, &s, &err) == RM_OK, "%s", err.msg);
    uint64_t n = 0;
    uint32_t first = 0, last = 0;
    size_t got, fcap = 4096;
    uint32_t *fseq = malloc(fcap * sizeof *fseq);
    while (rm_session_read(s, buf, 256, &got) == RM_OK && got) {
        for (size_t i = 0; i < got; i++) {
            const rm_frame *want = truth_find(&tr, buf[i].seq);
            ck_assert_msg(want != NULL, "frame seq %u not sent by the board",
                          buf[i].seq);
            ck_assert_int_eq(buf[i].time_us, want->time_us);
            ck_assert_int_eq(buf[i].encoder, want->encoder);
            ck_assert_mem_eq(buf[i].cells, want->cells,
                             tr.cells * sizeof want->cells[0]);
            if (n)
                ck_assert_msg(buf[i].seq - last - 1u < 0x80000000u,
                              "seq %u after %u: out of order", buf[i].seq,
                              last);
            else
                first = buf[i].seq;
            last = buf[i].seq;
            if (n == fcap) {
                fcap *= 2;
                fseq = realloc(fseq, fcap * sizeof *fseq);
            }
            fseq[n++] = buf[i].seq;
        }
    }
    /* Every frame that crossed the link intact is in the file. */
    for (size_t k = 0, j = 0; k < in.n; k++) {
        while (j < n && fseq[j] - first < in.seq[k] - first)
            j++;
        ck_assert_msg(j < n && fseq[j] == in.seq[k],
                      "intact frame seq %u missing from the file", in.seq[k]);
    }
    free(fseq);
    res->file_frames = n;
    res->file_dropped = rm_session_dropped(s);
    res->intact_samples = in.n;
    rm_session_close(s);
    unlink(path);

    /* Gap counts are exact: what the decoder said it lost, what the
     * writer and the reader count, and what is really missing agree. */
    ck_assert_uint_gt(n, 0);
    uint64_t missing = (uint64_t)(uint32_t)(last - first + 1u) - n;
    ck_assert_uint_eq(res->file_dropped, missing);
    ck_assert_uint_eq(res->rec_dropped, missing);
    ck_assert_uint_eq(res->link_lost, missing);
    ck_assert_uint_eq(res->engine_frames, n);

    if (getenv("ROLLMAP_TEST_VERBOSE"))
        fprintf(stderr,
                "%s %.0fs: %llu bytes, %llu dropped %llu flipped %llu dup "
                "%llu bursts (%llu B) %llu stalls; frames %llu intact %llu; "
                "file %llu, gaps %llu; end %s\n",
                scenario, duration_s, (unsigned long long)res->fs.bytes_in,
                (unsigned long long)res->fs.dropped,
                (unsigned long long)res->fs.flipped,
                (unsigned long long)res->fs.duplicated,
                (unsigned long long)res->fs.bursts,
                (unsigned long long)res->fs.burst_bytes,
                (unsigned long long)res->fs.stalls,
                (unsigned long long)res->fs.frames,
                (unsigned long long)res->fs.frames_intact,
                (unsigned long long)n, (unsigned long long)missing,
                rm_strerror(res->link_end));
    rm_decoder_free(in.dec);
    free(in.seq);
    free(tr.f);
}

/* Handshake bytes let through clean (ping ack, descriptor, acks). */
#define SKIP 1024

/* Mixed damage at rate r per byte, spread over every kind. */
static void mixed(double r, rm_fault_options *fo)
{
    memset(fo, 0, sizeof *fo);
    fo->seed = 42;
    fo->skip_bytes = SKIP;
    fo->drop_rate = r * 0.3;
    fo->flip_rate = r * 0.3;
    fo->dup_rate = r * 0.2;
    fo->burst_rate = r * 0.2;
    fo->burst_max_bytes = 24;
}

static const double rates[] = { 1e-5, 1e-4, 1e-3, 1e-2, 5e-2 };

START_TEST(test_faults_keep_every_intact_frame_at_each_rate)
{
    rm_fault_options fo;
    outcome res = { 0 };
    mixed(rates[_i], &fo);
    run("stress", 3.0, &fo, 0, &res);
    ck_assert_int_eq(res.link_end, RM_OK);
    /* Not vacuous: damage happened and cost frames, yet all the rest,
     * and only those, were kept. */
    ck_assert_uint_gt(res.fs.dropped + res.fs.flipped + res.fs.duplicated +
                          res.fs.bursts, 0);
    ck_assert_uint_lt(res.fs.frames_intact, res.fs.frames);
    ck_assert_uint_ge(res.file_frames, res.intact_samples);
    if (rates[_i] >= 1e-3)
        ck_assert_uint_gt(res.file_dropped, 0);
}
END_TEST

/* One kind of damage at a time, on the 80 Hz rev A board. */
START_TEST(test_faults_each_kind_alone)
{
    rm_fault_options fo = { .seed = 7 + (uint64_t)_i, .skip_bytes = SKIP };
    switch (_i) {
    case 0: fo.drop_rate = 2e-3; break;
    case 1: fo.flip_rate = 2e-3; break;
    case 2: fo.dup_rate = 2e-3; break;
    case 3: fo.burst_rate = 5e-4; fo.burst_max_bytes = 64; break;
    }
    outcome res = { 0 };
    run("basic", 60.0, &fo, 0, &res);
    ck_assert_int_eq(res.link_end, RM_OK);
    ck_assert_uint_lt(res.fs.frames_intact, res.fs.frames);
    ck_assert_uint_gt(res.file_dropped, 0);
}
END_TEST

/* A board that drops frames itself (the noisy scenario) behind a damaged
 * line: both kinds of loss are counted, once each. */
START_TEST(test_faults_board_drops_and_line_damage_add_up)
{
    rm_fault_options fo;
    mixed(1e-3, &fo);
    outcome res = { 0 };
    run("noisy", 60.0, &fo, 0, &res);
    ck_assert_int_eq(res.link_end, RM_OK);
    /* More missing than the line destroyed: the board's own drops. */
    ck_assert_uint_gt(res.file_dropped,
                      res.fs.frames - res.fs.frames_intact);
}
END_TEST

/* Short stalls (under the link's stall timeout) lose nothing. */
START_TEST(test_faults_short_stalls_lose_nothing)
{
    rm_fault_options fo = { .seed = 3, .skip_bytes = SKIP,
                            .stall_rate = 0.05, .stall_ms = 40 };
    outcome res = { 0 };
    run("stress", 2.0, &fo, 1000, &res);
    ck_assert_int_eq(res.link_end, RM_OK);
    ck_assert_uint_gt(res.fs.stalls, 0);
    ck_assert_uint_eq(res.fs.frames_intact, res.fs.frames);
    ck_assert_uint_eq(res.file_dropped, 0);
    ck_assert_uint_eq(res.file_frames, res.intact_samples);
}
END_TEST

/* A stall longer than the stall timeout ends the recording with
 * RM_ERR_TIMEOUT; the file keeps everything received before it. */
START_TEST(test_faults_long_stall_ends_with_timeout_file_intact)
{
    rm_fault_options fo = { .seed = 5, .skip_bytes = SKIP,
                            .stall_rate = 0.02, .stall_ms = 700 };
    outcome res = { 0 };
    run("stress", 3.0, &fo, 300, &res);
    ck_assert_int_eq(res.link_end, RM_ERR_TIMEOUT);
    ck_assert_uint_eq(res.fs.stalls, 1);
    ck_assert_uint_eq(res.file_frames, res.intact_samples);
}
END_TEST

/* The board vanishes mid-stream (with damage before): RM_ERR_IO, and the
 * file holds every intact frame that arrived. */
START_TEST(test_faults_board_vanishing_keeps_what_arrived)
{
    rm_fault_options fo;
    mixed(1e-3, &fo);
    fo.vanish_after = 150000;
    outcome res = { 0 };
    run("stress", 3.0, &fo, 0, &res);
    ck_assert_int_eq(res.link_end, RM_ERR_IO);
    ck_assert(res.fs.vanished);
    ck_assert_uint_eq(res.fs.bytes_in, fo.vanish_after);
    ck_assert_uint_gt(res.file_frames, 1000);
}
END_TEST

/* Same seed, same damage: the injector is reproducible. */
START_TEST(test_faults_are_reproducible_by_seed)
{
    rm_fault_options fo;
    mixed(1e-2, &fo);
    outcome a = { 0 }, b = { 0 };
    run("basic", 20.0, &fo, 0, &a);
    run("basic", 20.0, &fo, 0, &b);
    ck_assert_uint_eq(a.file_frames, b.file_frames);
    ck_assert_uint_eq(a.fs.dropped, b.fs.dropped);
    ck_assert_uint_eq(a.fs.flipped, b.fs.flipped);
    ck_assert_uint_eq(a.fs.frames_intact, b.fs.frames_intact);
}
END_TEST

/*
 * Damaged commands (host -> board: 3 % of bytes flipped, 1 % dropped, so
 * about a third of the commands): the link sends a command again when
 * its ack does not come (same request id, up to four tries), so every one
 * of the 20 attempts starts (regression: before retries 8-10 failed).
 */
START_TEST(test_faults_damaged_commands_fail_cleanly)
{
    int started = 0;
    for (unsigned seed = 1; seed <= 20; seed++) {
        rm_transport *board = NULL, *t = NULL;
        rm_vboard_options vo = { .no_realtime = 1,
                                 .sim = { .duration_s = 1 } };
        ck_assert_int_eq(rm_transport_open_sim("short", &vo, &board, NULL),
                         RM_OK);
        rm_fault_options fo = { .seed = seed, .write_flip_rate = 0.03,
                                .write_drop_rate = 0.01 };
        ck_assert_int_eq(rm_transport_open_fault(board, &fo, &t, NULL),
                         RM_OK);
        rm_link_options lo = { .boot_wait_ms = 1000,
                               .reply_timeout_ms = 200 };
        rm_link *link = NULL;
        rm_error err = { 0 };
        rm_status st = rm_link_open(t, &lo, &link, &err);
        if (st == RM_OK)
            st = rm_link_start(link);
        ck_assert_msg(st == RM_OK || st == RM_ERR_TIMEOUT,
                      "seed %u: %s (%s)", seed, rm_strerror(st),
                      link ? rm_link_errmsg(link) : err.msg);
        if (st != RM_OK)
            ck_assert_ptr_nonnull(strstr(link ? rm_link_errmsg(link)
                                              : err.msg, "no answer"));
        started += st == RM_OK;
        rm_link_close(link);
    }
    ck_assert_int_eq(started, 20);
}
END_TEST

/* Bad options are refused, and the inner transport is closed. */
START_TEST(test_faults_refuse_bad_rates)
{
    rm_transport *board = NULL, *t = NULL;
    rm_vboard_options vo = { .no_realtime = 1 };
    ck_assert_int_eq(rm_transport_open_sim("short", &vo, &board, NULL),
                     RM_OK);
    rm_fault_options fo = { .drop_rate = 0.7, .flip_rate = 0.7 };
    rm_error err = { 0 };
    ck_assert_int_eq(rm_transport_open_fault(board, &fo, &t, &err),
                     RM_ERR_ARG);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(err.msg, "rates"));
}
END_TEST

static Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("link");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_faults_keep_every_intact_frame_at_each_rate,
                        0, (int)(sizeof rates / sizeof rates[0]));
    tcase_add_loop_test(tc, test_faults_each_kind_alone, 0, 4);
    tcase_add_test(tc, test_faults_board_drops_and_line_damage_add_up);
    tcase_add_test(tc, test_faults_short_stalls_lose_nothing);
    tcase_add_test(tc, test_faults_long_stall_ends_with_timeout_file_intact);
    tcase_add_test(tc, test_faults_board_vanishing_keeps_what_arrived);
    tcase_add_test(tc, test_faults_are_reproducible_by_seed);
    tcase_add_test(tc, test_faults_damaged_commands_fail_cleanly);
    tcase_add_test(tc, test_faults_refuse_bad_rates);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(faults_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
