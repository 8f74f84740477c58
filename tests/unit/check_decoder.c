/*
 * rm_decoder (lib/wire/wire_api.c + decoder.c): hex vectors, corruption at
 * every byte position, truncation, garbage between frames, oversize
 * frames, chunking of any size, sequence gaps, and the byte accounting
 * invariant bytes_in == ok + discarded + pending.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "wire/frame.h"
#include "wire_vectors.h"

#define MAX_SEEN 64

/* Everything the callbacks delivered, in order of arrival. */
typedef struct seen {
    rm_frame frames[MAX_SEEN];
    size_t n_frames;
    rm_descriptor desc;
    size_t n_desc;
    rm_board_status status;
    size_t n_status;
    rm_ack acks[8];
    size_t n_acks;
    rm_command cmds[16];
    size_t n_cmds;
    char order[MAX_SEEN * 2]; /* one letter per callback: f d s a c */
} seen;

static void add_order(seen *s, char c)
{
    size_t n = strlen(s->order);
    if (n + 1 < sizeof s->order)
        s->order[n] = c;
}

static void on_frame(const rm_frame *f, void *user)
{
    seen *s = user;
    ck_assert_uint_lt(s->n_frames, MAX_SEEN);
    s->frames[s->n_frames++] = *f;
    add_order(s, 'f');
}

static void on_descriptor(const rm_descriptor *d, void *user)
{
    seen *s = user;
    s->desc = *d;
    s->n_desc++;
    add_order(s, 'd');
}

static void on_status(const rm_board_status *st, void *user)
{
    seen *s = user;
    s->status = *st;
    s->n_status++;
    add_order(s, 's');
}

static void on_ack(const rm_ack *a, void *user)
{
    seen *s = user;
    if (s->n_acks < 8)
        s->acks[s->n_acks] = *a;
    s->n_acks++;
    add_order(s, 'a');
}

static void on_command(const rm_command *c, void *user)
{
    seen *s = user;
    if (s->n_cmds < 16)
        s->cmds[s->n_cmds] = *c;
    s->n_cmds++;
    add_order(s, 'c');
}

static rm_decoder *new_decoder(seen *s)
{
    rm_decoder_callbacks cb = { on_frame, on_descriptor, on_status, on_ack,
                                on_command, s };
    rm_decoder *d = NULL;
    memset(s, 0, sizeof *s);
    ck_assert_int_eq(rm_decoder_new(&cb, &d, NULL), RM_OK);
    ck_assert_ptr_nonnull(d);
    return d;
}

static void assert_accounting(const rm_decoder_stats *st)
{
    ck_assert_uint_eq(st->bytes_in,
                      st->bytes_ok + st->bytes_discarded + st->bytes_pending);
}

/* Decode a whole buffer with chunks of `chunk` bytes (0: one call). */
static void decode(const uint8_t *b, size_t n, size_t chunk, seen *s,
                   rm_decoder_stats *st)
{
    rm_decoder *d = new_decoder(s);
    if (chunk == 0)
        chunk = n ? n : 1;
    for (size_t i = 0; i < n; i += chunk)
        ck_assert_int_eq(rm_decoder_feed(d, b + i, n - i < chunk ? n - i
                                                                   : chunk),
                         RM_OK);
    rm_decoder_stats_get(d, st);
    assert_accounting(st);
    rm_decoder_free(d);
}

/* A distinct 12-cell sample frame for sequence number seq. */
static void make_frame(rm_frame *f, uint32_t seq)
{
    memset(f, 0, sizeof *f);
    f->seq = seq;
    f->time_us = seq * 12500u;
    f->encoder = (int32_t)(seq * 3u) - 40;
    for (int i = 0; i < 12; i++)
        f->cells[i] = (int32_t)((seq + 1) * 1000 * (i + 1)) *
                      (i % 2 ? -1 : 1);
    f->cells[5] = 0; /* zeros inside the frame exercise COBS */
}

/* Append the wire bytes of sample `seq` to buf; returns its length. */
static size_t put_frame(uint8_t *buf, uint32_t seq)
{
    rm_frame f;
    size_t n = 0;
    make_frame(&f, seq);
    ck_assert_int_eq(rm_wire_encode_frame(&f, 12, buf, RM_WIRE_MAX_FRAME, &n),
                     RM_OK);
    return n;
}

static void assert_frame_is(const rm_frame *got, uint32_t seq)
{
    rm_frame want;
    make_frame(&want, seq);
    ck_assert_mem_eq(got, &want, sizeof want);
}

/* ---- vectors ---------------------------------------------------- */

START_TEST(test_decoder_reads_sample_vectors_field_by_field)
{
    wire_vector v;
    seen s;
    rm_decoder_stats st;

    wv_load("sample_rev_a", &v);
    decode(v.wire, v.wire_len, 0, &s, &st);
    ck_assert_uint_eq(s.n_frames, 1);
    ck_assert_uint_eq(s.frames[0].seq, 7);
    ck_assert_uint_eq(s.frames[0].time_us, 87500);
    ck_assert_int_eq(s.frames[0].encoder, -1234);
    for (int i = 0; i < 12; i++)
        ck_assert_int_eq(s.frames[0].cells[i], wv_rev_a_cells[i]);
    for (int i = 12; i < RM_MAX_CELLS; i++)
        ck_assert_int_eq(s.frames[0].cells[i], 0);
    ck_assert_uint_eq(st.frames_ok, 1);
    ck_assert_uint_eq(st.bytes_ok, v.wire_len);

    wv_load("sample_32_cells", &v);
    decode(v.wire, v.wire_len, 1, &s, &st);
    ck_assert_uint_eq(s.n_frames, 1);
    ck_assert_uint_eq(s.frames[0].seq, 0xFFFFFFFFu);
    ck_assert_uint_eq(s.frames[0].time_us, 0xFFFFFFFFu);
    ck_assert_int_eq(s.frames[0].encoder, 2147483647);
    for (int i = 0; i < 32; i++)
        ck_assert_int_eq(s.frames[0].cells[i], wv_cell32(i));
}
END_TEST

START_TEST(test_decoder_reads_descriptor_vectors)
{
    wire_vector v;
    seen s;
    rm_decoder_stats st;
    rm_descriptor ref;

    rm_descriptor_rev_a(&ref);
    wv_load("descriptor_rev_a", &v);
    decode(v.wire, v.wire_len, 0, &s, &st);
    ck_assert_uint_eq(s.n_desc, 1);
    ck_assert_mem_eq(&s.desc, &ref, sizeof ref);

    wv_load("descriptor_32_cells", &v);
    ck_assert_uint_le(v.wire_len, RM_WIRE_MAX_FRAME);
    decode(v.wire, v.wire_len, 0, &s, &st);
    ck_assert_uint_eq(s.n_desc, 1);
    ck_assert_uint_eq(s.desc.cells, 32);
    ck_assert_float_eq(s.desc.rate_hz, 1000.0f);
    ck_assert_uint_eq(s.desc.encoder_cpr, 4096);
    ck_assert_float_eq(s.desc.scale_n_per_count[31], 32e-5f);
    ck_assert_int_eq(s.desc.tare_counts[31], -31000);
    ck_assert_uint_eq(strlen(s.desc.firmware), 31);
    ck_assert_uint_eq(strlen(s.desc.serial), 31);
}
END_TEST

START_TEST(test_decoder_reads_status_ack_and_command_vectors)
{
    wire_vector v;
    seen s;
    rm_decoder_stats st;

    wv_load("status", &v);
    decode(v.wire, v.wire_len, 0, &s, &st);
    ck_assert_uint_eq(s.n_status, 1);
    ck_assert_uint_eq(s.status.state, RM_BOARD_STREAMING);
    ck_assert_uint_eq(s.status.uptime_ms, 61000);
    ck_assert_uint_eq(s.status.frames_sent, 4800);
    ck_assert_uint_eq(s.status.frames_dropped, 2);
    ck_assert_uint_eq(s.status.adc_overruns, 1);
    ck_assert_uint_eq(s.status.encoder_errors, 3);

    wv_load("ack_set_rate_busy", &v);
    decode(v.wire, v.wire_len, 0, &s, &st);
    ck_assert_uint_eq(s.n_acks, 1);
    ck_assert_uint_eq(s.acks[0].request_id, 9);
    ck_assert_uint_eq(s.acks[0].command, RM_CMD_SET_RATE);
    ck_assert_uint_eq(s.acks[0].result, RM_ACK_BUSY);
    ck_assert_uint_eq(s.acks[0].version, RM_WIRE_VERSION);

    wv_load("cmd_set_cal", &v);
    decode(v.wire, v.wire_len, 0, &s, &st);
    ck_assert_uint_eq(s.n_cmds, 1);
    ck_assert_int_eq(s.cmds[0].type, RM_CMD_SET_CAL);
    ck_assert_uint_eq(s.cmds[0].cell, 3);
    ck_assert_float_eq(s.cmds[0].scale_n_per_count, 1.25e-4f);
    ck_assert_int_eq(s.cmds[0].tare_counts, -5000);
}
END_TEST

/* All vectors back to back, in every chunk size from 1 to 64 and one
 * call: the same callbacks in the same order, the same counters. */
START_TEST(test_decoder_chunk_size_never_changes_the_result)
{
    static uint8_t stream[8192];
    size_t n = 0;
    wire_vector v;
    seen ref, s;
    rm_decoder_stats ref_st, st;

    for (int i = 0; wv_names[i]; i++) {
        /* descriptor_32_cells would make later 12-cell samples malformed:
         * that is tested on its own below. */
        if (strcmp(wv_names[i], "descriptor_32_cells") == 0 ||
            strcmp(wv_names[i], "sample_32_cells") == 0)
            continue;
        wv_load(wv_names[i], &v);
        memcpy(stream + n, v.wire, v.wire_len);
        n += v.wire_len;
        stream[n++] = 0x5A; /* garbage between frames, ended by */
        stream[n++] = 0x00; /* a delimiter */
    }
    decode(stream, n, 0, &ref, &ref_st);
    ck_assert_str_eq(ref.order, "fdsaaccccccccc");
    ck_assert_uint_eq(ref_st.frames_ok, 14);
    ck_assert_uint_eq(ref_st.cobs_errors, 14); /* 5A: a block of 89 */
    ck_assert_uint_eq(ref_st.bytes_discarded, 28);
    for (size_t chunk = 1; chunk <= 64; chunk++) {
        decode(stream, n, chunk, &s, &st);
        ck_assert_mem_eq(&st, &ref_st, sizeof st);
        ck_assert_str_eq(s.order, ref.order);
        ck_assert_mem_eq(s.frames, ref.frames, sizeof s.frames);
        ck_assert_mem_eq(&s.desc, &ref.desc, sizeof s.desc);
    }
}
END_TEST

/* ---- corruption ------------------------------------------------- */

/* Frames 0..3; every byte of frame 1 (delimiter included) replaced by
 * each of several values. Frames 0 and 3 always arrive intact; frame 1
 * never arrives corrupted; every byte is accounted for. */
START_TEST(test_decoder_survives_corruption_at_every_byte_position)
{
    uint8_t clean[4 * RM_WIRE_MAX_FRAME], buf[sizeof clean];
    size_t start[5], n = 0;
    const uint8_t masks[] = { 0x01, 0x80, 0xFF, 0x3C };

    for (uint32_t i = 0; i < 4; i++) {
        start[i] = n;
        n += put_frame(clean + n, i);
    }
    start[4] = n;
    size_t f1 = start[2] - start[1], f2 = start[3] - start[2];

    for (size_t pos = start[1]; pos < start[2]; pos++) {
        for (size_t m = 0; m <= sizeof masks; m++) {
            seen s;
            rm_decoder_stats st;
            memcpy(buf, clean, n);
            /* The last "mask" writes a zero: an early delimiter. */
            buf[pos] = m < sizeof masks ? buf[pos] ^ masks[m] : 0x00;
            if (buf[pos] == clean[pos])
                continue;
            decode(buf, n, 1, &s, &st);
            int hit_delim = pos == start[2] - 1;
            ck_assert_uint_ge(s.n_frames, 2);
            assert_frame_is(&s.frames[0], 0);
            assert_frame_is(&s.frames[s.n_frames - 1], 3);
            if (hit_delim) {
                /* Frames 1 and 2 merge into one bad frame. */
                ck_assert_uint_eq(s.n_frames, 2);
                ck_assert_uint_eq(st.frames_lost, 2);
                ck_assert_uint_eq(st.bytes_discarded, f1 + f2);
                ck_assert_uint_eq(st.crc_errors + st.cobs_errors +
                                  st.malformed, 1);
            } else {
                /* Only frame 1 is lost; frame 2 arrives. */
                ck_assert_uint_eq(s.n_frames, 3);
                assert_frame_is(&s.frames[1], 2);
                ck_assert_uint_eq(st.frames_lost, 1);
                ck_assert_uint_eq(st.bytes_pending, 0);
                /* An early zero as the first byte, or just before the
                 * delimiter, makes a lone delimiter: legal idle fill. */
                size_t lone = (m == sizeof masks &&
                               (pos == start[1] || pos == start[2] - 2))
                                  ? 1 : 0;
                ck_assert_uint_eq(st.bytes_discarded, f1 - lone);
                ck_assert_uint_eq(st.bytes_ok, n - f1 + lone);
                ck_assert_uint_ge(st.crc_errors + st.cobs_errors, 1);
            }
            ck_assert_uint_eq(st.frames_ok, s.n_frames);
        }
    }
}
END_TEST

/* Frame 1 cut after k bytes, the rest never sent. Without its delimiter
 * it swallows frame 2; with it, only frame 1 is lost. */
START_TEST(test_decoder_counts_truncated_frames_exactly)
{
    uint8_t f[4][RM_WIRE_MAX_FRAME], buf[4 * RM_WIRE_MAX_FRAME];
    size_t len[4];

    for (uint32_t i = 0; i < 4; i++)
        len[i] = put_frame(f[i], i);
    for (size_t k = 1; k < len[1] - 1; k++) {
        for (int keep_delim = 0; keep_delim <= 1; keep_delim++) {
            seen s;
            rm_decoder_stats st;
            size_t n = 0;
            memcpy(buf + n, f[0], len[0]), n += len[0];
            memcpy(buf + n, f[1], k), n += k;
            if (keep_delim)
                buf[n++] = 0x00;
            memcpy(buf + n, f[2], len[2]), n += len[2];
            memcpy(buf + n, f[3], len[3]), n += len[3];
            decode(buf, n, 7, &s, &st);
            assert_frame_is(&s.frames[0], 0);
            assert_frame_is(&s.frames[s.n_frames - 1], 3);
            if (keep_delim) {
                ck_assert_uint_eq(s.n_frames, 3);
                ck_assert_uint_eq(st.frames_lost, 1);
                ck_assert_uint_eq(st.bytes_discarded, k + 1);
            } else {
                ck_assert_uint_eq(s.n_frames, 2);
                ck_assert_uint_eq(st.frames_lost, 2);
                ck_assert_uint_eq(st.bytes_discarded, k + len[2]);
            }
            ck_assert_uint_eq(st.crc_errors + st.cobs_errors + st.oversize, 1);
        }
    }
}
END_TEST

/* Random garbage ending in a delimiter between every pair of frames costs
 * exactly the garbage; the frames all arrive. */
START_TEST(test_decoder_discards_garbage_between_frames)
{
    static uint8_t buf[64 * (RM_WIRE_MAX_FRAME + 80)];
    size_t n = 0, garbage = 0, idle = 0;
    uint32_t x = 2024;

    for (uint32_t i = 0; i < 40; i++) {
        n += put_frame(buf + n, i);
        size_t g = 1 + (x >> 8) % 70;
        for (size_t j = 0; j < g; j++) {
            x = x * 1103515245u + 12345u;
            buf[n++] = (uint8_t)(x >> 16);
        }
        buf[n++] = 0x00;
        /* Zeros inside the garbage split it; a zero right after a zero
         * is a lone delimiter (ok), every other byte is discarded. */
        for (size_t j = n - g - 1; j < n; j++)
            if (buf[j] == 0 && (j == n - g - 1 || buf[j - 1] == 0))
                idle++;
        garbage += g + 1;
    }
    seen s;
    rm_decoder_stats st;
    decode(buf, n, 13, &s, &st);
    ck_assert_uint_eq(s.n_frames, 40);
    for (uint32_t i = 0; i < 40; i++)
        assert_frame_is(&s.frames[i], i);
    ck_assert_uint_eq(st.frames_lost, 0);
    ck_assert_uint_eq(st.bytes_discarded + idle, garbage);
}
END_TEST

START_TEST(test_decoder_skips_oversize_frames_and_recovers)
{
    uint8_t buf[3 * RM_WIRE_MAX_FRAME + 2000];
    size_t n = put_frame(buf, 0);
    size_t big = 1500;
    memset(buf + n, 0x7E, big);
    n += big;
    buf[n++] = 0x00;
    n += put_frame(buf + n, 1);

    seen s;
    rm_decoder_stats st;
    decode(buf, n, 0, &s, &st);
    ck_assert_uint_eq(s.n_frames, 2);
    assert_frame_is(&s.frames[1], 1);
    ck_assert_uint_eq(st.oversize, 1);
    ck_assert_uint_eq(st.bytes_discarded, big + 1);

    /* The longest legal frame is not oversize. */
    wire_vector v;
    wv_load("descriptor_32_cells", &v);
    decode(v.wire, v.wire_len, 3, &s, &st);
    ck_assert_uint_eq(st.oversize, 0);
    ck_assert_uint_eq(st.frames_ok, 1);
}
END_TEST

START_TEST(test_decoder_open_frame_is_pending_until_its_delimiter)
{
    uint8_t buf[RM_WIRE_MAX_FRAME];
    size_t n = put_frame(buf, 5);
    seen s;
    rm_decoder *d = new_decoder(&s);
    rm_decoder_stats st;

    ck_assert_int_eq(rm_decoder_feed(d, buf, n - 1), RM_OK);
    rm_decoder_stats_get(d, &st);
    ck_assert_uint_eq(st.bytes_pending, n - 1);
    ck_assert_uint_eq(s.n_frames, 0);
    ck_assert_int_eq(rm_decoder_feed(d, buf + n - 1, 1), RM_OK);
    rm_decoder_stats_get(d, &st);
    ck_assert_uint_eq(st.bytes_pending, 0);
    ck_assert_uint_eq(st.bytes_ok, n);
    ck_assert_uint_eq(s.n_frames, 1);

    /* reset turns an open frame into discarded bytes. */
    ck_assert_int_eq(rm_decoder_feed(d, buf, 10), RM_OK);
    rm_decoder_reset(d);
    rm_decoder_stats_get(d, &st);
    ck_assert_uint_eq(st.bytes_discarded, 10);
    ck_assert_uint_eq(st.bytes_pending, 0);
    assert_accounting(&st);
    ck_assert_int_eq(rm_decoder_feed(d, buf, n), RM_OK);
    ck_assert_uint_eq(s.n_frames, 2);
    rm_decoder_free(d);
}
END_TEST

/* ---- contents --------------------------------------------------- */

static size_t put_seq(uint8_t *buf, const uint32_t *seqs, size_t k)
{
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
        n += put_frame(buf + n, seqs[i]);
    return n;
}

START_TEST(test_decoder_counts_sequence_gaps_as_lost_frames)
{
    uint8_t buf[8 * RM_WIRE_MAX_FRAME];
    seen s;
    rm_decoder_stats st;

    const uint32_t gap[] = { 0, 1, 5, 6, 10 };
    decode(buf, put_seq(buf, gap, 5), 0, &s, &st);
    ck_assert_uint_eq(st.frames_lost, 3 + 3);
    ck_assert_uint_eq(st.seq_restarts, 0);

    const uint32_t wrap[] = { 0xFFFFFFFEu, 0xFFFFFFFFu, 0, 1 };
    decode(buf, put_seq(buf, wrap, 4), 0, &s, &st);
    ck_assert_uint_eq(st.frames_lost, 0);
    ck_assert_uint_eq(st.seq_restarts, 0);

    const uint32_t wrap_gap[] = { 0xFFFFFFFFu, 2 };
    decode(buf, put_seq(buf, wrap_gap, 2), 0, &s, &st);
    ck_assert_uint_eq(st.frames_lost, 2);

    const uint32_t back[] = { 10, 11, 3, 4 };
    decode(buf, put_seq(buf, back, 4), 0, &s, &st);
    ck_assert_uint_eq(st.frames_lost, 0);
    ck_assert_uint_eq(st.seq_restarts, 1);
    ck_assert_uint_eq(s.n_frames, 4);
}
END_TEST

START_TEST(test_decoder_start_ack_restarts_the_sequence)
{
    uint8_t buf[8 * RM_WIRE_MAX_FRAME];
    size_t n = 0, len = 0;
    seen s;
    rm_decoder_stats st;
    rm_ack a = { 3, RM_CMD_START, RM_ACK_OK, RM_WIRE_VERSION };

    const uint32_t first[] = { 0, 1, 2 };
    n = put_seq(buf, first, 3);
    ck_assert_int_eq(rm_wire_encode_ack(&a, buf + n, RM_WIRE_MAX_FRAME, &len),
                     RM_OK);
    n += len;
    const uint32_t second[] = { 0, 1 };
    n += put_seq(buf + n, second, 2);
    decode(buf, n, 0, &s, &st);
    ck_assert_uint_eq(st.seq_restarts, 0);
    ck_assert_uint_eq(st.frames_lost, 0);
    ck_assert_uint_eq(s.n_frames, 5);
}
END_TEST

START_TEST(test_decoder_rejects_samples_that_disagree_with_the_descriptor)
{
    uint8_t buf[4 * RM_WIRE_MAX_FRAME];
    size_t n = 0, len = 0;
    rm_descriptor d;
    seen s;
    rm_decoder_stats st;

    rm_descriptor_rev_a(&d);
    d.cells = 8;
    ck_assert_int_eq(rm_wire_encode_descriptor(&d, buf, RM_WIRE_MAX_FRAME,
                                               &len), RM_OK);
    n = len;
    n += put_frame(buf + n, 0); /* 12 cells */
    decode(buf, n, 0, &s, &st);
    ck_assert_uint_eq(s.n_desc, 1);
    ck_assert_uint_eq(s.n_frames, 0);
    ck_assert_uint_eq(st.malformed, 1);
    ck_assert_uint_eq(st.bytes_discarded, n - len);

    rm_decoder *dec = new_decoder(&s);
    ck_assert_uint_eq(rm_decoder_cells(dec), 0);
    ck_assert_int_eq(rm_decoder_feed(dec, buf, len), RM_OK);
    ck_assert_uint_eq(rm_decoder_cells(dec), 8);
    rm_decoder_free(dec);
}
END_TEST

/* Frames with a good CRC but bad contents: each is counted, none
 * delivered. Built with rm_wire_seal so only the contents are wrong. */
START_TEST(test_decoder_counts_malformed_and_unknown_frames)
{
    static const struct {
        size_t len;
        uint8_t p[40];
        int unknown;
    } bad[] = {
        { 1, { 0x81 }, 0 },                         /* sample, no body */
        { 14, { 0x81, 0, 0, 0, 0 }, 0 },            /* 1 byte of a cell */
        { 5, { 0x80, 1, 1, 0 }, 0 },                /* ack one byte long */
        { 4, { 0x80, 1, 1, 0 }, 0 },                /* ack one byte short */
        { 30, { 0x83 }, 0 },                        /* status short */
        { 3, { 0x82, 2, 12 }, 0 },                  /* descriptor v2 */
        { 23, { 0x82, 1, 0 }, 0 },                  /* zero cells */
        { 3, { 0x05, 1, 16 }, 0 },                  /* TARE ok ... */
        { 2, { 0x05, 1 }, 0 },                      /* TARE missing arg */
        { 1, { 0x42 }, 1 },                         /* unknown type */
        { 6, { 0xF0, 1, 2, 3, 4, 5 }, 1 },          /* unknown type */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t p[48], out[64];
        seen s;
        rm_decoder_stats st;
        memcpy(p, bad[i].p, bad[i].len);
        if (i == 1) /* fix the length: 13 header bytes + 1 */
            memset(p + 1, 0, 13);
        size_t n = rm_wire_seal(p, bad[i].len, out, sizeof out);
        ck_assert_uint_gt(n, 0);
        decode(out, n, 0, &s, &st);
        if (i == 2) { /* the 5-byte ack is valid: control case */
            ck_assert_uint_eq(st.frames_ok, 1);
            continue;
        }
        if (i == 7) { /* valid TARE: control case */
            ck_assert_uint_eq(s.n_cmds, 1);
            ck_assert_uint_eq(s.cmds[0].tare_samples, 16);
            continue;
        }
        ck_assert_uint_eq(st.frames_ok, 0);
        ck_assert_uint_eq(st.malformed, bad[i].unknown ? 0 : 1);
        ck_assert_uint_eq(st.unknown_type, bad[i].unknown ? 1 : 0);
        ck_assert_uint_eq(st.bytes_discarded, n);
        ck_assert_uint_eq(strlen(s.order), 0);
    }
}
END_TEST

START_TEST(test_decoder_rejects_descriptor_that_fails_the_check)
{
    wire_vector v;
    uint8_t p[520], out[RM_WIRE_MAX_FRAME];
    seen s;
    rm_decoder_stats st;

    wv_load("descriptor_rev_a", &v);
    /* rate_hz (offset 19) = 0.0f: fails rm_descriptor_check. */
    memcpy(p, v.payload, v.payload_len);
    memset(p + 19, 0, 4);
    size_t n = rm_wire_seal(p, v.payload_len, out, sizeof out);
    decode(out, n, 0, &s, &st);
    ck_assert_uint_eq(s.n_desc, 0);
    ck_assert_uint_eq(st.malformed, 1);

    /* A NUL inside the serial string. */
    memcpy(p, v.payload, v.payload_len);
    p[v.payload_len - 3] = 0;
    n = rm_wire_seal(p, v.payload_len, out, sizeof out);
    decode(out, n, 0, &s, &st);
    ck_assert_uint_eq(s.n_desc, 0);
    ck_assert_uint_eq(st.malformed, 1);

    /* A 32-byte firmware string: one more than rm_descriptor holds with
     * its NUL (the protocol allows 31). */
    memcpy(p, v.payload, 119); /* through the 12 cells' calibration */
    size_t m = 119;
    p[m++] = 32;
    memset(p + m, 'A', 32);
    m += 32;
    p[m++] = 1;
    p[m++] = 'S';
    n = rm_wire_seal(p, m, out, sizeof out);
    decode(out, n, 0, &s, &st);
    ck_assert_uint_eq(s.n_desc, 0);
    ck_assert_uint_eq(st.malformed, 1);
    /* The same with 31 bytes is fine. */
    p[119] = 31;
    memmove(p + 120 + 31, p + 120 + 32, 2);
    n = rm_wire_seal(p, m - 1, out, sizeof out);
    decode(out, n, 0, &s, &st);
    ck_assert_uint_eq(s.n_desc, 1);
    ck_assert_uint_eq(strlen(s.desc.firmware), 31);
    ck_assert_str_eq(s.desc.serial, "S");

    /* One byte too many after the serial string. */
    memcpy(p, v.payload, v.payload_len);
    p[v.payload_len] = 'x';
    n = rm_wire_seal(p, v.payload_len + 1, out, sizeof out);
    decode(out, n, 0, &s, &st);
    ck_assert_uint_eq(st.malformed, 1);
}
END_TEST

START_TEST(test_decoder_without_callbacks_only_counts)
{
    wire_vector v;
    rm_decoder *d = NULL;
    rm_decoder_stats st;

    wv_load("sample_rev_a", &v);
    ck_assert_int_eq(rm_decoder_new(NULL, &d, NULL), RM_OK);
    ck_assert_int_eq(rm_decoder_feed(d, v.wire, v.wire_len), RM_OK);
    rm_decoder_stats_get(d, &st);
    ck_assert_uint_eq(st.frames_ok, 1);
    ck_assert_int_eq(rm_decoder_feed(NULL, v.wire, 1), RM_ERR_ARG);
    ck_assert_int_eq(rm_decoder_feed(d, NULL, 1), RM_ERR_ARG);
    ck_assert_int_eq(rm_decoder_feed(d, NULL, 0), RM_OK);
    ck_assert_int_eq(rm_decoder_new(NULL, NULL, NULL), RM_ERR_ARG);
    rm_decoder_free(d);
    rm_decoder_free(NULL);
}
END_TEST

/* Random bytes with random delimiters: no crash, accounting holds, and
 * the same result one byte at a time as in one call. */
START_TEST(test_decoder_random_input_keeps_invariants)
{
    static uint8_t buf[20000];
    uint32_t x = 7 + (uint32_t)_i;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (x >> 16) % 40 == 0 ? 0 : (uint8_t)(x >> 20);
    }
    seen a, b;
    rm_decoder_stats sa, sb;
    decode(buf, sizeof buf, 0, &a, &sa);
    decode(buf, sizeof buf, 1, &b, &sb);
    ck_assert_mem_eq(&sa, &sb, sizeof sa);
    ck_assert_uint_eq(sa.bytes_in, sizeof buf);
    ck_assert_uint_eq(sa.frames_ok, 0); /* a 2^-16 chance per frame */
}
END_TEST

Suite *decoder_suite(void)
{
    Suite *s = suite_create("decoder");
    TCase *tc = tcase_create("vectors");
    tcase_add_test(tc, test_decoder_reads_sample_vectors_field_by_field);
    tcase_add_test(tc, test_decoder_reads_descriptor_vectors);
    tcase_add_test(tc, test_decoder_reads_status_ack_and_command_vectors);
    tcase_add_test(tc, test_decoder_chunk_size_never_changes_the_result);
    suite_add_tcase(s, tc);

    tc = tcase_create("corruption");
    tcase_add_test(tc, test_decoder_survives_corruption_at_every_byte_position);
    tcase_add_test(tc, test_decoder_counts_truncated_frames_exactly);
    tcase_add_test(tc, test_decoder_discards_garbage_between_frames);
    tcase_add_test(tc, test_decoder_skips_oversize_frames_and_recovers);
    tcase_add_test(tc, test_decoder_open_frame_is_pending_until_its_delimiter);
    tcase_add_loop_test(tc, test_decoder_random_input_keeps_invariants, 0, 4);
    suite_add_tcase(s, tc);

    tc = tcase_create("contents");
    tcase_add_test(tc, test_decoder_counts_sequence_gaps_as_lost_frames);
    tcase_add_test(tc, test_decoder_start_ack_restarts_the_sequence);
    tcase_add_test(tc, test_decoder_rejects_samples_that_disagree_with_the_descriptor);
    tcase_add_test(tc, test_decoder_counts_malformed_and_unknown_frames);
    tcase_add_test(tc, test_decoder_rejects_descriptor_that_fails_the_check);
    tcase_add_test(tc, test_decoder_without_callbacks_only_counts);
    suite_add_tcase(s, tc);
    return s;
}
