/* The link: handshake, commands and frames over the virtual board, and
 * what happens when the transport fails, stalls, or the board is silent,
 * talks garbage or speaks a newer protocol. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_link_fault.h"

static rm_link *open_short(fault **f)
{
    rm_transport *t = fault_board("short", f);
    ck_assert_ptr_nonnull(t);
    rm_link *l = NULL;
    rm_error e = { 0 };
    ck_assert_msg(rm_link_open(t, NULL, &l, &e) == RM_OK, "%s", e.msg);
    return l;
}

START_TEST(test_link_handshake_reads_the_board_descriptor)
{
    fault *f;
    rm_link *l = open_short(&f);
    rm_sim *sim = NULL;
    rm_sim_options o = { .seed = 1 };
    ck_assert_int_eq(rm_sim_new("short", &o, &sim, NULL), RM_OK);
    const rm_descriptor *want = &rm_sim_get_meta(sim)->desc;
    const rm_descriptor *d = rm_link_descriptor(l);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->cells, want->cells);
    ck_assert_float_eq(d->rate_hz, want->rate_hz);
    ck_assert_str_eq(d->serial, want->serial);
    ck_assert_int_eq(memcmp(d->scale_n_per_count, want->scale_n_per_count,
                            sizeof d->scale_n_per_count), 0);
    rm_sim_free(sim);
    rm_link_close(l);
}
END_TEST

START_TEST(test_link_streams_every_frame_bit_exact_then_ends)
{
    size_t n_want = 0;
    rm_frame *want = scenario_frames("short", &n_want);
    ck_assert_uint_gt(n_want, 100);
    fault *f;
    rm_link *l = open_short(&f);
    uint32_t cells = rm_link_descriptor(l)->cells;
    ck_assert_int_eq(rm_link_start(l), RM_OK);
    rm_frame buf[100];
    size_t n = 0;
    for (int guard = 0; guard < 100000 && !rm_link_ended(l); guard++) {
        size_t got = 0;
        ck_assert_int_eq(rm_link_read(l, buf, 100, &got, 100), RM_OK);
        for (size_t i = 0; i < got; i++, n++) {
            ck_assert_uint_lt(n, n_want);
            ck_assert_msg(frames_equal(&buf[i], &want[n], cells),
                          "frame %zu differs", n);
        }
    }
    ck_assert(rm_link_ended(l));
    ck_assert_uint_eq(n, n_want);
    rm_decoder_stats ds;
    rm_link_stats(l, &ds);
    ck_assert_uint_eq(ds.bytes_discarded, 0);
    ck_assert_uint_eq(ds.frames_lost, 0);
    free(want);
    rm_link_close(l);
}
END_TEST

START_TEST(test_link_calibration_commands_change_the_descriptor)
{
    fault *f;
    rm_link *l = open_short(&f);
    ck_assert_int_eq(rm_link_set_calibration(l, 2, 2.5e-4f, 1234), RM_OK);
    const rm_descriptor *d = rm_link_descriptor(l);
    ck_assert_float_eq(d->scale_n_per_count[2], 2.5e-4f);
    ck_assert_int_eq(d->tare_counts[2], 1234);
    ck_assert_int_eq(rm_link_store_calibration(l), RM_OK);
    ck_assert_int_eq(rm_link_set_calibration(l, d->cells, 1e-4f, 0),
                     RM_ERR_ARG);
    ck_assert_int_eq(rm_link_set_calibration(l, 0, 0.0f, 0), RM_ERR_ARG);

    /* Tare takes the board's current readings as zero. */
    size_t n = 0;
    rm_frame *want = scenario_frames("short", &n);
    ck_assert_int_eq(rm_link_tare(l, 0), RM_OK);
    d = rm_link_descriptor(l);
    for (uint32_t i = 0; i < d->cells; i++)
        ck_assert_int_eq(d->tare_counts[i], want[0].cells[i]);
    free(want);

    /* A command the board does not take comes back as a refusal. */
    rm_command c = { .type = RM_CMD_SET_RATE, .rate_hz = 999 };
    rm_ack ack;
    ck_assert_int_eq(rm_link_command(l, &c, &ack), RM_ERR_IO);
    ck_assert_uint_eq(ack.result, RM_ACK_BAD_ARG);
    ck_assert_ptr_nonnull(strstr(rm_link_errmsg(l), "refused"));
    rm_link_close(l);
}
END_TEST

START_TEST(test_link_open_times_out_on_a_silent_board)
{
    fault *f;
    rm_transport *t = fault_board("short", &f);
    f->silent = 1;
    rm_link *l = (rm_link *)1;
    rm_error e = { 0 };
    rm_link_options o = { .boot_wait_ms = 300, .reply_timeout_ms = 100 };
    ck_assert_int_eq(rm_link_open(t, &o, &l, &e), RM_ERR_TIMEOUT);
    ck_assert_ptr_null(l);
    ck_assert_ptr_nonnull(strstr(e.msg, "no answer"));
}
END_TEST

START_TEST(test_link_handshake_survives_garbage_first)
{
    /* Line noise, a half frame, then a real answer. */
    static const uint8_t junk[] = { 0x55, 0xaa, 0x00, 0x13, 0x07, 0x99, 0x01,
                                    0x02, 0x00, 0xff, 0xfe };
    fault *f;
    rm_transport *t = fault_board("short", &f);
    f->prefix = junk;
    f->prefix_len = sizeof junk;
    rm_link *l = NULL;
    rm_error e = { 0 };
    ck_assert_msg(rm_link_open(t, NULL, &l, &e) == RM_OK, "%s", e.msg);
    rm_decoder_stats ds;
    rm_link_stats(l, &ds);
    ck_assert_uint_ge(ds.bytes_discarded, 1);
    rm_link_close(l);
}
END_TEST

/* Stream until an error; frames delivered before it are compared. */
static rm_status stream_until_error(rm_link *l, size_t *n_out)
{
    size_t n_want = 0;
    rm_frame *want = scenario_frames("short", &n_want);
    uint32_t cells = rm_link_descriptor(l)->cells;
    rm_frame buf[64];
    size_t n = 0;
    rm_status st = RM_OK;
    for (int guard = 0; guard < 100000; guard++) {
        size_t got = 0;
        st = rm_link_read(l, buf, 64, &got, 50);
        for (size_t i = 0; i < got; i++, n++)
            ck_assert(frames_equal(&buf[i], &want[n], cells));
        if (st != RM_OK || (!got && rm_link_ended(l)))
            break;
    }
    free(want);
    *n_out = n;
    return st;
}

START_TEST(test_link_failing_transport_delivers_frames_then_io_error)
{
    fault *f;
    rm_link *l = open_short(&f);
    ck_assert_int_eq(rm_link_start(l), RM_OK);
    f->fail_after = f->bytes + 5000; /* ~100 frames in, mid-frame */
    size_t n = 0;
    ck_assert_int_eq(stream_until_error(l, &n), RM_ERR_IO);
    ck_assert_uint_gt(n, 50);
    ck_assert_ptr_nonnull(strstr(rm_link_errmsg(l), "injected failure"));
    rm_link_close(l);
}
END_TEST

START_TEST(test_link_stalled_board_is_a_timeout)
{
    fault *f;
    rm_transport *t = fault_board("short", &f);
    rm_link *l = NULL;
    rm_link_options o = { .stall_timeout_ms = 200 };
    ck_assert_int_eq(rm_link_open(t, &o, &l, NULL), RM_OK);
    ck_assert_int_eq(rm_link_start(l), RM_OK);
    f->stall_after = f->bytes + 3000;
    size_t n = 0;
    ck_assert_int_eq(stream_until_error(l, &n), RM_ERR_TIMEOUT);
    ck_assert_uint_gt(n, 20);
    ck_assert_ptr_nonnull(strstr(rm_link_errmsg(l), "stopped sending"));
    rm_link_close(l);
}
END_TEST

/* A fake board answering every command with a newer protocol version. */
typedef struct newer { rm_decoder *dec; uint8_t out[64]; size_t len; } newer;

static void newer_cmd(const rm_command *c, void *user)
{
    newer *b = user;
    rm_ack a = { .request_id = c->request_id, .command = (uint8_t)c->type,
                 .result = RM_ACK_OK, .version = RM_WIRE_VERSION + 1 };
    rm_wire_encode_ack(&a, b->out, sizeof b->out, &b->len);
}

static rm_status newer_read(void *impl, uint8_t *buf, size_t cap, size_t *got,
                            unsigned timeout_ms)
{
    (void)timeout_ms;
    newer *b = impl;
    *got = b->len < cap ? b->len : cap;
    memcpy(buf, b->out, *got);
    b->len = 0;
    return *got ? RM_OK : RM_ERR_TIMEOUT;
}

static rm_status newer_write(void *impl, const uint8_t *buf, size_t len,
                             unsigned timeout_ms)
{
    (void)timeout_ms;
    return rm_decoder_feed(((newer *)impl)->dec, buf, len);
}

static void newer_close(void *impl)
{
    rm_decoder_free(((newer *)impl)->dec);
}

START_TEST(test_link_refuses_a_newer_protocol)
{
    static const rm_transport_ops ops = { .name = "newer", .read = newer_read,
                                          .write = newer_write,
                                          .close = newer_close };
    newer b = { 0 };
    rm_decoder_callbacks cb = { .on_command = newer_cmd, .user = &b };
    ck_assert_int_eq(rm_decoder_new(&cb, &b.dec, NULL), RM_OK);
    rm_transport *t = NULL;
    ck_assert_int_eq(rm_transport_new(&ops, &b, NULL, &t, NULL), RM_OK);
    rm_link *l = (rm_link *)1;
    rm_error e = { 0 };
    ck_assert_int_eq(rm_link_open(t, NULL, &l, &e), RM_ERR_UNSUPPORTED);
    ck_assert_ptr_null(l);
    ck_assert_ptr_nonnull(strstr(e.msg, "protocol"));
}
END_TEST

START_TEST(test_link_rejects_bad_arguments)
{
    rm_link *l = (rm_link *)1;
    ck_assert_int_eq(rm_link_open(NULL, NULL, &l, NULL), RM_ERR_ARG);
    ck_assert_ptr_null(l);
    size_t got = 7;
    rm_frame f;
    ck_assert_int_eq(rm_link_read(NULL, &f, 1, &got, 0), RM_ERR_ARG);
    ck_assert_uint_eq(got, 0);
    ck_assert_ptr_null(rm_link_descriptor(NULL));
    rm_link_close(NULL);
}
END_TEST

Suite *link_suite(void)
{
    Suite *s = suite_create("link");
    TCase *h = tcase_create("handshake");
    tcase_add_test(h, test_link_handshake_reads_the_board_descriptor);
    tcase_add_test(h, test_link_open_times_out_on_a_silent_board);
    tcase_add_test(h, test_link_handshake_survives_garbage_first);
    tcase_add_test(h, test_link_refuses_a_newer_protocol);
    tcase_add_test(h, test_link_rejects_bad_arguments);
    suite_add_tcase(s, h);
    TCase *st = tcase_create("stream");
    tcase_set_timeout(st, 30);
    tcase_add_test(st, test_link_streams_every_frame_bit_exact_then_ends);
    tcase_add_test(st, test_link_calibration_commands_change_the_descriptor);
    suite_add_tcase(s, st);
    TCase *fl = tcase_create("faults");
    tcase_set_timeout(fl, 30);
    tcase_add_test(fl, test_link_failing_transport_delivers_frames_then_io_error);
    tcase_add_test(fl, test_link_stalled_board_is_a_timeout);
    suite_add_tcase(s, fl);
    return s;
}
