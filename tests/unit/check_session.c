/*
 * Session files: lossless round trips, metadata, dropped-frame counts,
 * crash safety under SIGKILL, refusal to overwrite, and every kind of bad
 * file the reader must refuse with RM_ERR_FORMAT and a useful message.
 * Bad files are made by corrupting good ones or by building RIFF bytes by
 * hand (only lib/session/ may include <sndfile.h>).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "session/session_internal.h"

/* ---- helpers ---------------------------------------------------------- */

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/rm-session-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *tmp_path(const char *name)
{
    static char path[128]; /* tests only: one path in use at a time */
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void meta_for(rm_session_meta *m, uint32_t cells)
{
    memset(m, 0, sizeof *m);
    rm_descriptor_rev_a(&m->desc);
    m->desc.cells = cells;
    /* Entries past the cell count are not stored: keep them zero. */
    memset(m->desc.scale_n_per_count, 0, sizeof m->desc.scale_n_per_count);
    for (uint32_t i = 0; i < cells; i++) {
        m->desc.scale_n_per_count[i] = 1e-4f * (float)(i + 1);
        m->desc.tare_counts[i] = -1000 * (int32_t)i;
    }
    m->format_version = 1;
    m->leg = RM_LEG_RIGHT;
    m->start_unix_us = 1763700000123456LL;
    strcpy(m->notes, "left knee sore; Wade \xc3\xa9t\xc3\xa9");
}

/* A frame whose every field is a known function of its index k. */
static void frame_for(rm_frame *f, uint32_t cells, uint64_t k)
{
    memset(f, 0, sizeof *f);
    f->seq = (uint32_t)k;
    f->time_us = (uint32_t)(k * 12500u);
    f->encoder = (int32_t)(uint32_t)(k * 7919u);
    for (uint32_t i = 0; i < cells; i++)
        f->cells[i] = (int32_t)(uint32_t)(k * 2654435761u + i * 40503u);
}

static void write_session(const char *path, const rm_session_meta *m,
                          const rm_frame *f, size_t n)
{
    rm_session_writer *w = NULL;
    rm_error e;
    ck_assert_msg(rm_session_writer_new(path, m, 0, &w, &e) == RM_OK, "%s",
                  e.msg);
    ck_assert_int_eq(rm_session_writer_append(w, f, n), RM_OK);
    ck_assert_int_eq(rm_session_writer_close(w), RM_OK);
}

static void write_counted(const char *path, uint32_t cells, size_t n)
{
    rm_session_meta m;
    meta_for(&m, cells);
    rm_frame *f = calloc(n, sizeof *f);
    ck_assert_ptr_nonnull(f);
    for (size_t k = 0; k < n; k++)
        frame_for(&f[k], cells, k);
    write_session(path, &m, f, n);
    free(f);
}

static long file_size(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return (long)st.st_size;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    long n = file_size(path);
    uint8_t *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void spit(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Offset of the first chunk with this id in a RIFF file, or -1. */
static long find_chunk(const uint8_t *buf, size_t len, const char *id)
{
    size_t off = 12;
    while (off + 8 <= len) {
        uint32_t sz = (uint32_t)buf[off + 4] | (uint32_t)buf[off + 5] << 8 |
                      (uint32_t)buf[off + 6] << 16 |
                      (uint32_t)buf[off + 7] << 24;
        if (memcmp(buf + off, id, 4) == 0)
            return (long)off;
        off += 8 + sz + (sz & 1);
    }
    return -1;
}

static void le16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * A plain RIFF/WAVE file built byte by byte: 'fmt ' (WAVE_FORMAT_PCM),
 * an optional 'rmap' chunk, then 'data' with @p frames zero frames.
 */
static void write_riff(const char *path, uint32_t channels, uint32_t bits,
                       uint32_t rate, const uint8_t *rmap, size_t rmap_len,
                       uint32_t frames)
{
    uint32_t block = channels * bits / 8, data_len = frames * block;
    size_t len = 12 + 24 + (rmap ? 8 + rmap_len + (rmap_len & 1) : 0) + 8 +
                 data_len;
    uint8_t *b = calloc(1, len), *p = b;
    ck_assert_ptr_nonnull(b);
    memcpy(p, "RIFF", 4); le32(p + 4, (uint32_t)len - 8);
    memcpy(p + 8, "WAVE", 4); p += 12;
    memcpy(p, "fmt ", 4); le32(p + 4, 16); le16(p + 8, 1);
    le16(p + 10, channels); le32(p + 12, rate); le32(p + 16, rate * block);
    le16(p + 20, block); le16(p + 22, bits); p += 24;
    if (rmap) {
        memcpy(p, "rmap", 4); le32(p + 4, (uint32_t)rmap_len);
        memcpy(p + 8, rmap, rmap_len);
        p += 8 + rmap_len + (rmap_len & 1);
    }
    memcpy(p, "data", 4); le32(p + 4, data_len);
    spit(path, b, len);
    free(b);
}

/* Encodes @p m into a fresh buffer; *len gets its size. */
static uint8_t *encode(const rm_session_meta *m, size_t *len)
{
    *len = rm_rmap_encoded_len(m);
    uint8_t *buf = calloc(1, *len + 256);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(rm_rmap_encode(m, buf, *len), *len);
    return buf;
}

static void reseal(uint8_t *chunk, size_t len)
{
    le32(chunk + len - 4, rm_crc32(chunk, len - 4));
}

/* Opens @p path expecting failure @p code with @p needle in the message. */
static void expect_refused(const char *path, rm_status code,
                           const char *needle)
{
    rm_session *s = (rm_session *)&s; /* must be reset to NULL */
    rm_error e;
    memset(&e, 0, sizeof e);
    rm_status st = rm_session_open(path, &s, &e);
    ck_assert_msg(st == code, "%s: got %d (%s), want %d", path, st, e.msg,
                  code);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(e.code, code);
    ck_assert_msg(strstr(e.msg, path) != NULL, "message '%s' lacks the path",
                  e.msg);
    ck_assert_msg(strstr(e.msg, needle) != NULL, "message '%s' lacks '%s'",
                  e.msg, needle);
}

/* ---- round trips ------------------------------------------------------ */

static const uint32_t cell_counts[] = { 1, 12, 32 };

START_TEST(test_session_round_trip_is_bit_exact)
{
    uint32_t cells = cell_counts[_i];
    rm_session_meta m;
    meta_for(&m, cells);
    enum { N = 3000 }; /* > several writer and reader blocks */
    rm_frame *in = calloc(N, sizeof *in), *out = calloc(N + 10, sizeof *out);
    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(out);
    for (size_t k = 0; k < N; k++)
        frame_for(&in[k], cells, k);
    /* Extremes: int32 limits in cells and encoder, seq and time wrapping. */
    const int32_t ext[] = { INT32_MIN, INT32_MAX, -1, 0, -8388608, 8388607 };
    for (size_t k = 0; k < 6; k++) {
        for (uint32_t i = 0; i < cells; i++)
            in[k].cells[i] = ext[(k + i) % 6];
        in[k].encoder = ext[5 - k];
    }
    in[N - 3].seq = 0xFFFFFFFEu; in[N - 2].seq = 0xFFFFFFFFu; in[N - 1].seq = 0;
    in[N - 3].time_us = 0xFFFFFFF0u; in[N - 2].time_us = 0xFFFFFFFFu;
    in[N - 1].time_us = 3;
    const char *path = tmp_path("rt.wav");
    /* Appends of assorted sizes, as a live recorder makes them. */
    rm_session_writer *w;
    ck_assert_int_eq(rm_session_writer_new(path, &m, 0, &w, NULL), RM_OK);
    size_t done = 0, step = 1;
    while (done < N) {
        size_t n = step < N - done ? step : N - done;
        ck_assert_int_eq(rm_session_writer_append(w, in + done, n), RM_OK);
        done += n;
        step = step * 3 + 1;
    }
    ck_assert_uint_eq(rm_session_writer_frames(w), N);
    ck_assert_int_eq(rm_session_writer_close(w), RM_OK);

    rm_session *s;
    rm_error e;
    ck_assert_msg(rm_session_open(path, &s, &e) == RM_OK, "%s", e.msg);
    ck_assert_uint_eq(rm_session_frame_count(s), N);
    size_t got, total = 0;
    do { /* odd read sizes cross the reader's block boundary */
        ck_assert_int_eq(rm_session_read(s, out + total, 777, &got), RM_OK);
        total += got;
    } while (got && total < N + 10);
    ck_assert_uint_eq(total, N);
    for (size_t k = 0; k < N; k++)
        ck_assert_msg(memcmp(&in[k], &out[k], sizeof in[k]) == 0,
                      "frame %zu differs", k);
    rm_session_close(s);
    free(in);
    free(out);
}
END_TEST

START_TEST(test_session_metadata_round_trips)
{
    rm_session_meta m;
    meta_for(&m, 7);
    m.desc.rate_hz = 1000.5f;
    m.desc.pitch_mm = 12.5f;
    m.desc.cell_area_mm2 = 321.25f;
    m.desc.radius_mm = 70.125f;
    m.desc.encoder_cpr = 4096;
    strcpy(m.desc.firmware, "fw 9.9.9-thirty-one-chars-long!");
    strcpy(m.desc.serial, "SN-0123456789");
    m.leg = RM_LEG_LEFT;
    m.start_unix_us = -5; /* before 1970: the sign survives */
    memset(m.notes, 'n', RM_NOTES_MAX - 1); /* the longest notes allowed */
    m.notes[0] = '\t';
    m.notes[RM_NOTES_MAX - 1] = '\0';
    const char *path = tmp_path("meta.wav");
    write_session(path, &m, NULL, 0);
    rm_session *s;
    rm_error e;
    ck_assert_msg(rm_session_open(path, &s, &e) == RM_OK, "%s", e.msg);
    const rm_session_meta *r = rm_session_get_meta(s);
    ck_assert_uint_eq(r->format_version, 1);
    ck_assert_int_eq(memcmp(&r->desc, &m.desc, sizeof m.desc), 0);
    ck_assert_int_eq(r->leg, RM_LEG_LEFT);
    ck_assert_int_eq(r->start_unix_us, -5);
    ck_assert_str_eq(r->notes, m.notes);
    ck_assert_uint_eq(rm_session_frame_count(s), 0);
    size_t got = 99;
    rm_frame f;
    ck_assert_int_eq(rm_session_read(s, &f, 1, &got), RM_OK);
    ck_assert_uint_eq(got, 0);
    rm_session_close(s);
}
END_TEST

START_TEST(test_session_rewind_reads_the_same_frames_again)
{
    const char *path = tmp_path("rw.wav");
    write_counted(path, 3, 500);
    rm_session *s;
    ck_assert_int_eq(rm_session_open(path, &s, NULL), RM_OK);
    rm_frame a[600], b[600];
    size_t got_a, got_b;
    ck_assert_int_eq(rm_session_read(s, a, 600, &got_a), RM_OK);
    ck_assert_int_eq(rm_session_rewind(s), RM_OK);
    ck_assert_int_eq(rm_session_read(s, b, 600, &got_b), RM_OK);
    ck_assert_uint_eq(got_a, 500);
    ck_assert_uint_eq(got_b, 500);
    ck_assert_int_eq(memcmp(a, b, 500 * sizeof a[0]), 0);
    rm_session_close(s);
}
END_TEST

/* ---- dropped frames ---------------------------------------------------- */

START_TEST(test_session_counts_dropped_frames_across_seq_wrap)
{
    /* Gaps: 11->13 loses 1; 0xFFFFFFFD->1 loses 3 (FE, FF, 0) across the
     * wrap; 2->5 loses 2; 5->5 (repeat) and 6->2 (board restart) lose
     * none we can count. */
    const uint32_t seqs[] = { 10, 11, 13, 14, 0xFFFFFFFDu, 1, 2, 5, 5, 6, 2,
                              3 };
    /* 14->FFFFFFFD is a forward jump of 2^32 - 17 > 2^31: a restart. */
    const uint64_t expect = 1 + 3 + 2;
    size_t n = sizeof seqs / sizeof seqs[0];
    rm_session_meta m;
    meta_for(&m, 2);
    rm_frame f[16];
    for (size_t k = 0; k < n; k++) {
        frame_for(&f[k], 2, k);
        f[k].seq = seqs[k];
    }
    const char *path = tmp_path("drop.wav");
    rm_session_writer *w;
    ck_assert_int_eq(rm_session_writer_new(path, &m, 0, &w, NULL), RM_OK);
    for (size_t k = 0; k < n; k++) /* frame by frame: gaps span appends */
        ck_assert_int_eq(rm_session_writer_append(w, &f[k], 1), RM_OK);
    ck_assert_uint_eq(rm_session_writer_dropped(w), expect);
    ck_assert_int_eq(rm_session_writer_close(w), RM_OK);

    rm_session *s;
    ck_assert_int_eq(rm_session_open(path, &s, NULL), RM_OK);
    rm_frame r[16];
    size_t got, total = 0;
    do { /* two frames a call: gaps span reads */
        ck_assert_int_eq(rm_session_read(s, r + total, 2, &got), RM_OK);
        total += got;
    } while (got);
    ck_assert_uint_eq(total, n);
    ck_assert_uint_eq(rm_session_dropped(s), expect);
    ck_assert_int_eq(rm_session_rewind(s), RM_OK);
    ck_assert_uint_eq(rm_session_dropped(s), 0);
    rm_session_close(s);
}
END_TEST

START_TEST(test_seq_lost_is_modular)
{
    ck_assert_uint_eq(rm_seq_lost(1, 2), 0);
    ck_assert_uint_eq(rm_seq_lost(0xFFFFFFFFu, 0), 0);
    ck_assert_uint_eq(rm_seq_lost(0xFFFFFFFEu, 1), 2);
    ck_assert_uint_eq(rm_seq_lost(0, 0x80000000u), 0x7FFFFFFFu);
    ck_assert_uint_eq(rm_seq_lost(0, 0x80000001u), 0);
    ck_assert_uint_eq(rm_seq_lost(7, 7), 0);
}
END_TEST

START_TEST(test_crc32_check_value)
{
    ck_assert_uint_eq(rm_crc32("123456789", 9), 0xCBF43926u);
    ck_assert_uint_eq(rm_crc32("", 0), 0);
}
END_TEST

/* ---- overwrite -------------------------------------------------------- */

START_TEST(test_session_writer_refuses_to_overwrite)
{
    const char *path = tmp_path("keep.wav");
    spit(path, "precious", 8);
    rm_session_meta m;
    meta_for(&m, 12);
    rm_session_writer *w = (rm_session_writer *)&w;
    rm_error e;
    ck_assert_int_eq(rm_session_writer_new(path, &m, 0, &w, &e),
                     RM_ERR_EXISTS);
    ck_assert_ptr_null(w);
    ck_assert_ptr_nonnull(strstr(e.msg, path));
    ck_assert_int_eq(file_size(path), 8); /* untouched */
    ck_assert_int_eq(rm_session_writer_new(path, &m, RM_WRITE_OVERWRITE, &w,
                                           &e), RM_OK);
    ck_assert_int_eq(rm_session_writer_close(w), RM_OK);
    rm_session *s;
    ck_assert_int_eq(rm_session_open(path, &s, NULL), RM_OK);
    rm_session_close(s);
}
END_TEST

START_TEST(test_session_writer_rejects_bad_metadata_without_creating)
{
    const char *path = tmp_path("bad.wav");
    rm_session_meta m;
    meta_for(&m, 12);
    m.desc.rate_hz = 5.0f;
    rm_session_writer *w;
    rm_error e;
    ck_assert_int_eq(rm_session_writer_new(path, &m, 0, &w, &e), RM_ERR_ARG);
    ck_assert_ptr_null(w);
    ck_assert_ptr_nonnull(strstr(e.msg, "rate"));
    ck_assert_int_eq(access(path, F_OK), -1);
    meta_for(&m, 12);
    m.leg = (rm_leg)7;
    ck_assert_int_eq(rm_session_writer_new(path, &m, 0, &w, &e), RM_ERR_ARG);
    ck_assert_int_eq(access(path, F_OK), -1);
    meta_for(&m, 12);
    ck_assert_int_eq(rm_session_writer_new(tmp_path("no/such/dir.wav"), &m, 0,
                                           &w, &e), RM_ERR_IO);
}
END_TEST

/* ---- bad files --------------------------------------------------------- */

START_TEST(test_session_open_refuses_missing_empty_and_text_files)
{
    expect_refused(tmp_path("absent.wav"), RM_ERR_IO, "No such file");
    spit(tmp_path("empty.wav"), "", 0);
    expect_refused(tmp_path("empty.wav"), RM_ERR_FORMAT, "not a WAV");
    const char *text = "time,force\n0.0,12.5\n0.1,13.0\n";
    spit(tmp_path("text.wav"), text, strlen(text));
    expect_refused(tmp_path("text.wav"), RM_ERR_FORMAT, "not a WAV");
    expect_refused(tmpdir, RM_ERR_IO, "not a regular file");
}
END_TEST

START_TEST(test_session_open_detects_corrupt_metadata_by_crc)
{
    const char *path = tmp_path("crc.wav");
    write_counted(path, 12, 10);
    size_t len;
    uint8_t *b = slurp(path, &len);
    long at = find_chunk(b, len, "rmap");
    ck_assert_int_gt(at, 0);
    /* One bit in the tare of cell 3, then one bit in the CRC itself. */
    uint8_t *chunk = b + at + 8;
    chunk[RM_RMAP_FIXED_LEN + 4 * 12 + 3 * 4] ^= 0x10;
    spit(path, b, len);
    expect_refused(path, RM_ERR_FORMAT, "CRC");
    chunk[RM_RMAP_FIXED_LEN + 4 * 12 + 3 * 4] ^= 0x10;
    uint32_t clen = chunk[8] | (uint32_t)chunk[9] << 8;
    chunk[clen - 1] ^= 0x80;
    spit(path, b, len);
    expect_refused(path, RM_ERR_FORMAT, "CRC");
    free(b);
}
END_TEST

START_TEST(test_session_open_refuses_wav_without_rmap_chunk)
{
    const char *path = tmp_path("plain.wav");
    write_riff(path, 15, 32, 80, NULL, 0, 4);
    expect_refused(path, RM_ERR_FORMAT, "no 'rmap' chunk");
}
END_TEST

START_TEST(test_session_open_refuses_channel_count_mismatch)
{
    rm_session_meta m;
    meta_for(&m, 12);
    size_t len;
    uint8_t *chunk = encode(&m, &len);
    const char *path = tmp_path("chan.wav");
    write_riff(path, 14, 32, 80, chunk, len, 4);
    expect_refused(path, RM_ERR_FORMAT, "14 channels, expected 15");
    /* The same chunk in a right-shaped hand-made file opens: the test
     * builder itself is not what is refused. */
    write_riff(path, 15, 32, 80, chunk, len, 4);
    rm_session *s;
    rm_error e;
    ck_assert_msg(rm_session_open(path, &s, &e) == RM_OK, "%s", e.msg);
    ck_assert_uint_eq(rm_session_frame_count(s), 4);
    rm_session_close(s);
    free(chunk);
}
END_TEST

START_TEST(test_session_open_refuses_non_pcm32_and_rate_mismatch)
{
    rm_session_meta m;
    meta_for(&m, 12);
    size_t len;
    uint8_t *chunk = encode(&m, &len);
    const char *path = tmp_path("fmt.wav");
    write_riff(path, 15, 16, 80, chunk, len, 4);
    expect_refused(path, RM_ERR_FORMAT, "32-bit integer PCM");
    write_riff(path, 15, 32, 81, chunk, len, 4);
    expect_refused(path, RM_ERR_FORMAT, "sample rate 81 Hz");
    free(chunk);
}
END_TEST

START_TEST(test_session_open_refuses_absurd_descriptor)
{
    rm_session_meta m;
    meta_for(&m, 12);
    m.desc.radius_mm = -3.0f; /* the encoder does not judge; the reader does */
    size_t len;
    uint8_t *chunk = encode(&m, &len);
    const char *path = tmp_path("absurd.wav");
    write_riff(path, 15, 32, 80, chunk, len, 1);
    expect_refused(path, RM_ERR_FORMAT, "radius");
    free(chunk);
}
END_TEST

START_TEST(test_session_open_refuses_newer_major_version)
{
    rm_session_meta m;
    meta_for(&m, 12);
    size_t len;
    uint8_t *chunk = encode(&m, &len);
    le16(chunk + 4, 2);
    le16(chunk + 6, 0);
    reseal(chunk, len);
    const char *path = tmp_path("v2.wav");
    write_riff(path, 15, 32, 80, chunk, len, 1);
    expect_refused(path, RM_ERR_UNSUPPORTED, "version 2.0");
    free(chunk);
}
END_TEST

START_TEST(test_session_open_skips_fields_of_newer_minor_version)
{
    /* A 1.3 writer appends a 6-byte extension record of a tag this
     * reader does not know (0x7f01); it must skip it and read everything
     * else. */
    rm_session_meta m;
    meta_for(&m, 12);
    size_t len;
    uint8_t *old = encode(&m, &len);
    size_t body = RM_RMAP_FIXED_LEN + 8 * 12 + strlen(m.desc.firmware) +
                  strlen(m.desc.serial) + strlen(m.notes);
    size_t nlen = ((body + 6 + 3) & ~(size_t)3) + 4;
    uint8_t *chunk = calloc(1, nlen);
    ck_assert_ptr_nonnull(chunk);
    memcpy(chunk, old, body);
    memcpy(chunk + body, "\x01\x7f\x02\x00" "fu", 6);
    le16(chunk + 6, 3);
    le32(chunk + 8, (uint32_t)nlen);
    le16(chunk + 54, 6);
    reseal(chunk, nlen);
    const char *path = tmp_path("v1_3.wav");
    write_riff(path, 15, 32, 80, chunk, nlen, 2);
    rm_session *s;
    rm_error e;
    ck_assert_msg(rm_session_open(path, &s, &e) == RM_OK, "%s", e.msg);
    ck_assert_str_eq(rm_session_get_meta(s)->notes, m.notes);
    ck_assert_int_eq(rm_session_get_meta(s)->desc.tare_counts[11],
                     m.desc.tare_counts[11]);
    rm_session_close(s);
    /* Lengths that disagree with the chunk length are corruption. */
    le16(chunk + 54, 60);
    reseal(chunk, nlen);
    write_riff(path, 15, 32, 80, chunk, nlen, 2);
    expect_refused(path, RM_ERR_FORMAT, "disagree");
    free(chunk);
    free(old);
}
END_TEST

/* ---- the measured calf length (format 1.2, extension record 2) ---------- */

/* The chunk of meta_for(12) with a calf length, and where its extension
 * area begins. */
static uint8_t *encode_calf(rm_session_meta *m, double cm, size_t *len,
                            size_t *ext_at)
{
    meta_for(m, 12);
    m->calf_length_cm = cm;
    *ext_at = RM_RMAP_FIXED_LEN + 8 * 12 + strlen(m->desc.firmware) +
              strlen(m->desc.serial) + strlen(m->notes);
    return encode(m, len);
}

static double open_calf(const char *path, const uint8_t *chunk, size_t len)
{
    write_riff(path, 15, 32, 80, chunk, len, 2);
    rm_session *s;
    rm_error e;
    ck_assert_msg(rm_session_open(path, &s, &e) == RM_OK, "%s", e.msg);
    double cm = rm_session_get_meta(s)->calf_length_cm;
    rm_session_close(s);
    return cm;
}

START_TEST(test_calf_length_record_bytes_as_documented)
{
    /* docs/session-format.md: 36.5 cm is 02 00 02 00 6d 01; 36.54 is
     * stored to the mm. */
    rm_session_meta m;
    size_t len, at;
    uint8_t *chunk = encode_calf(&m, 36.54, &len, &at);
    ck_assert_uint_eq(chunk[6] | chunk[7] << 8, 2);       /* version 1.2 */
    ck_assert_uint_eq(chunk[54] | chunk[55] << 8, 6);     /* ext_len */
    ck_assert_mem_eq(chunk + at, "\x02\x00\x02\x00\x6d\x01", 6);
    ck_assert_double_eq(open_calf(tmp_path("c.wav"), chunk, len), 36.5);
    free(chunk);
    /* With the person: person first (tag order), 14 bytes. */
    meta_for(&m, 12);
    m.calf_length_cm = 36.5;
    strcpy(m.person, "anna");
    chunk = encode(&m, &len);
    ck_assert_uint_eq(chunk[54] | chunk[55] << 8, 14);
    ck_assert_mem_eq(chunk + at, "\x01\x00\x04\x00" "anna"
                                 "\x02\x00\x02\x00\x6d\x01", 14);
    free(chunk);
    /* Not measured: no record at all (a 1.1 file's bytes but the minor). */
    meta_for(&m, 12);
    chunk = encode(&m, &len);
    ck_assert_uint_eq(chunk[54] | chunk[55] << 8, 0);
    ck_assert_double_eq(open_calf(tmp_path("n.wav"), chunk, len), 0.0);
    free(chunk);
}
END_TEST

/* The calf length record's value (at byte `at` of the chunk) set to mm,
 * the chunk's checksum made good again. */
static void set_calf_mm(uint8_t *chunk, size_t len, size_t at, uint16_t mm)
{
    le16(chunk + at + 4, mm);
    reseal(chunk, len);
}

START_TEST(test_calf_length_record_refused_when_corrupt)
{
    rm_session_meta m;
    size_t len, at;
    uint8_t *chunk = encode_calf(&m, 36.5, &len, &at);
    const char *path = tmp_path("bad.wav");
    /* 80 mm: not a calf; 601 mm and 0 mm likewise. */
    static const struct {
        uint16_t mm;
        const char *msg;
    } bad[] = { { 80, "calf length record" },
                { 601, "150..600 mm" },
                { 0, "calf length record" } };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        set_calf_mm(chunk, len, at, bad[k].mm);
        write_riff(path, 15, 32, 80, chunk, len, 2);
        expect_refused(path, RM_ERR_FORMAT, bad[k].msg);
    }
    /* The bounds themselves are lengths. */
    set_calf_mm(chunk, len, at, 150);
    ck_assert_double_eq(open_calf(path, chunk, len), 15.0);
    set_calf_mm(chunk, len, at, 600);
    ck_assert_double_eq(open_calf(path, chunk, len), 60.0);
    free(chunk);
}
END_TEST

START_TEST(test_calf_length_record_only_from_1_2)
{
    /* A tag 2 in a file that says 1.1 cannot be the calf length (1.1
     * writers did not know it): skipped as an unknown tag, like a 1.1
     * reader skips it in a 1.2 file. */
    rm_session_meta m;
    size_t len, at;
    uint8_t *chunk = encode_calf(&m, 36.5, &len, &at);
    le16(chunk + 6, 1);
    reseal(chunk, len);
    ck_assert_double_eq(open_calf(tmp_path("v11.wav"), chunk, len), 0.0);
    /* Even a value no 1.2 reader accepts. */
    set_calf_mm(chunk, len, at, 7);
    ck_assert_double_eq(open_calf(tmp_path("v11.wav"), chunk, len), 0.0);
    free(chunk);
}
END_TEST

START_TEST(test_calf_length_written_rewritten_and_refused)
{
    rm_session_meta m;
    meta_for(&m, 12);
    m.calf_length_cm = 12.0; /* a child's shin at most; or a typo */
    rm_session_writer *w = NULL;
    rm_error e;
    const char *path = tmp_path("w.wav");
    ck_assert_int_eq(rm_session_writer_new(path, &m, 0, &w, &e), RM_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(e.msg, "calf length"));
    ck_assert_int_eq(access(path, F_OK), -1);
    m.calf_length_cm = 41.25;
    ck_assert_msg(rm_session_writer_new(path, &m, 0, &w, &e) == RM_OK, "%s",
                  e.msg);
    ck_assert_int_eq(rm_session_writer_close(w), RM_OK);
    rm_session *s;
    ck_assert_int_eq(rm_session_open(path, &s, &e), RM_OK);
    rm_session_meta got = *rm_session_get_meta(s);
    rm_session_close(s);
    ck_assert_double_eq(got.calf_length_cm, 41.3); /* lround(412.5) */
    /* Rewritten: changed, then cleared (0: the record goes). */
    got.calf_length_cm = 38.0;
    ck_assert_msg(rm_session_rewrite_meta(path, &got, &e) == RM_OK, "%s",
                  e.msg);
    ck_assert_int_eq(rm_session_open(path, &s, &e), RM_OK);
    ck_assert_double_eq(rm_session_get_meta(s)->calf_length_cm, 38.0);
    rm_session_close(s);
    got.calf_length_cm = 0.0;
    ck_assert_int_eq(rm_session_rewrite_meta(path, &got, &e), RM_OK);
    ck_assert_int_eq(rm_session_open(path, &s, &e), RM_OK);
    ck_assert_double_eq(rm_session_get_meta(s)->calf_length_cm, 0.0);
    rm_session_close(s);
    got.calf_length_cm = 75.0;
    ck_assert_int_eq(rm_session_rewrite_meta(path, &got, &e), RM_ERR_ARG);
}
END_TEST

START_TEST(test_calf_length_parse)
{
    double cm = -1.0;
    ck_assert_int_eq(rm_calf_length_parse("36.5", &cm), RM_OK);
    ck_assert_double_eq(cm, 36.5);
    ck_assert_int_eq(rm_calf_length_parse("36.54", &cm), RM_OK);
    ck_assert_double_eq(cm, 36.5);
    ck_assert_int_eq(rm_calf_length_parse("15", &cm), RM_OK);
    ck_assert_double_eq(cm, 15.0);
    ck_assert_int_eq(rm_calf_length_parse("60.0", &cm), RM_OK);
    const char *bad[] = { "", ".", "14.9", "60.1", "365", "36,5", "-36",
                          "36.5cm", "3e1", " 36", "nan", "0", "36..5" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cm = -1.0;
        ck_assert_msg(rm_calf_length_parse(bad[i], &cm) == RM_ERR_ARG &&
                          cm == -1.0, "'%s' parsed", bad[i]);
    }
    ck_assert(rm_calf_length_valid(0.0));
    ck_assert(!rm_calf_length_valid(NAN));
    ck_assert(!rm_calf_length_valid(-20.0));
}
END_TEST

START_TEST(test_session_truncated_file_reads_what_is_there)
{
    const char *path = tmp_path("full.wav");
    enum { N = 400, CELLS = 12 };
    write_counted(path, CELLS, N);
    size_t len;
    uint8_t *b = slurp(path, &len);
    long data = find_chunk(b, len, "data");
    ck_assert_int_gt(data, 0);
    size_t frame_bytes = 4 * (CELLS + 3);
    /* Cut inside the header: refused. Cut inside the data (a crash, a
     * full disk): opens with the whole frames that are there. */
    const size_t header_cuts[] = { 4, 11, 20, (size_t)data - 100,
                                   (size_t)data + 3 };
    for (size_t i = 0; i < sizeof header_cuts / sizeof header_cuts[0]; i++) {
        const char *cut = tmp_path("cut.wav");
        spit(cut, b, header_cuts[i]);
        rm_session *s = NULL;
        rm_error e;
        ck_assert_msg(rm_session_open(cut, &s, &e) == RM_ERR_FORMAT,
                      "cut at %zu opened", header_cuts[i]);
        ck_assert_ptr_nonnull(strstr(e.msg, cut));
    }
    const size_t keep[] = { 0, 1, 57, N - 1 };
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const char *cut = tmp_path("cut.wav");
        size_t at = (size_t)data + 8 + keep[i] * frame_bytes + 5;
        spit(cut, b, at);
        rm_session *s;
        rm_error e;
        ck_assert_msg(rm_session_open(cut, &s, &e) == RM_OK, "%s", e.msg);
        ck_assert_uint_eq(rm_session_frame_count(s), keep[i]);
        rm_frame f[N], want;
        size_t got;
        ck_assert_int_eq(rm_session_read(s, f, N, &got), RM_OK);
        ck_assert_uint_eq(got, keep[i]);
        for (size_t k = 0; k < got; k++) {
            frame_for(&want, CELLS, k);
            ck_assert_int_eq(memcmp(&want, &f[k], sizeof want), 0);
        }
        rm_session_close(s);
    }
    free(b);
}
END_TEST

START_TEST(test_session_open_survives_random_header_corruption)
{
    /* Not a fuzzer (see tests/fuzz/), but a cheap sweep: random byte
     * changes in the headers never crash the reader, and whatever it
     * accepts it can read to the end. */
    const char *good = tmp_path("good.wav");
    write_counted(good, 5, 50);
    size_t len;
    uint8_t *b = slurp(good, &len);
    long data = find_chunk(b, len, "data");
    ck_assert_int_gt(data, 0);
    long rmap = find_chunk(b, len, "rmap");
    ck_assert_int_gt(rmap, 0);
    size_t rmap_lo = (size_t)rmap + 8;
    size_t rmap_hi = rmap_lo + (b[rmap + 4] | (size_t)b[rmap + 5] << 8);
    uint8_t *m = malloc(len);
    ck_assert_ptr_nonnull(m);
    uint32_t rng = 12345;
    int accepted = 0;
    for (int round = 0; round < 400; round++) {
        memcpy(m, b, len);
        int all_in_rmap = 1;
        for (int j = 0; j <= round % 3; j++) {
            rng = rng * 1103515245u + 12345u;
            size_t at = (rng >> 8) % ((size_t)data + 8);
            /* Half the rounds aim at the 'rmap' payload. */
            if (round & 1)
                at = rmap_lo + at % (rmap_hi - rmap_lo);
            all_in_rmap &= at >= rmap_lo && at < rmap_hi;
            m[at] ^= (uint8_t)(1u << (rng >> 28 & 7));
        }
        const char *path = tmp_path("mut.wav");
        spit(path, m, len);
        rm_session *s;
        rm_status st = rm_session_open(path, &s, NULL);
        ck_assert_msg(st == RM_OK || st == RM_ERR_FORMAT ||
                      st == RM_ERR_UNSUPPORTED, "round %d: %d", round, st);
        /* CRC-32 catches every 1..3-bit error in a chunk this short. */
        ck_assert_msg(!all_in_rmap || st == RM_ERR_FORMAT,
                      "round %d: corrupt 'rmap' accepted (%d)", round, st);
        if (st != RM_OK)
            continue;
        accepted++;
        rm_frame f[64];
        size_t got, total = 0;
        do {
            ck_assert_int_eq(rm_session_read(s, f, 64, &got), RM_OK);
            total += got;
        } while (got);
        ck_assert_uint_le(total, 64);
        rm_session_close(s);
    }
    /* Flips in JUNK or in LIST/INFO text are harmless: some files open. */
    ck_assert_int_gt(accepted, 0);
    ck_assert_int_lt(accepted, 400);
    free(m);
    free(b);
}
END_TEST

/* ---- crash safety ------------------------------------------------------ */

enum { CRASH_RATE_HZ = 500, CRASH_CELLS = 12, CRASH_BLOCK = 10 };

static void sleep_s(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/*
 * Child: records at CRASH_RATE_HZ in real time (blocks of 10 frames every
 * 20 ms), reporting frames appended through @p fd after each block; it
 * kills itself after @p self_kill_blocks blocks (or runs until killed).
 */
static void crash_child(const char *path, int fd, int self_kill_blocks)
{
    rm_session_meta m;
    meta_for(&m, CRASH_CELLS);
    m.desc.rate_hz = CRASH_RATE_HZ;
    rm_session_writer *w;
    if (rm_session_writer_new(path, &m, 0, &w, NULL) != RM_OK)
        _exit(3);
    rm_frame f[CRASH_BLOCK];
    uint64_t k = 0;
    for (int b = 0; self_kill_blocks < 0 || b < self_kill_blocks; b++) {
        for (int i = 0; i < CRASH_BLOCK; i++)
            frame_for(&f[i], CRASH_CELLS, k + (uint64_t)i);
        if (rm_session_writer_append(w, f, CRASH_BLOCK) != RM_OK)
            _exit(4);
        k += CRASH_BLOCK;
        if (write(fd, &k, sizeof k) != (ssize_t)sizeof k)
            _exit(5);
        sleep_s((double)CRASH_BLOCK / CRASH_RATE_HZ);
    }
    raise(SIGKILL);
    _exit(6);
}

/* Reads the file a killed writer left and checks it against @p appended. */
static void check_crashed_file(const char *path, uint64_t appended)
{
    rm_session *s;
    rm_error e;
    ck_assert_msg(rm_session_open(path, &s, &e) == RM_OK, "%s", e.msg);
    uint64_t n = rm_session_frame_count(s);
    /* The contract: all but at most the last second. */
    ck_assert_msg(n + CRASH_RATE_HZ >= appended && n <= appended + CRASH_BLOCK,
                  "%llu frames after %llu appended", (unsigned long long)n,
                  (unsigned long long)appended);
    rm_frame f[256], want;
    size_t got;
    uint64_t k = 0;
    do {
        ck_assert_int_eq(rm_session_read(s, f, 256, &got), RM_OK);
        for (size_t i = 0; i < got; i++, k++) {
            frame_for(&want, CRASH_CELLS, k);
            ck_assert_msg(memcmp(&want, &f[i], sizeof want) == 0,
                          "frame %llu corrupt", (unsigned long long)k);
        }
    } while (got);
    ck_assert_uint_eq(k, n);
    ck_assert_uint_eq(rm_session_dropped(s), 0);
    rm_session_close(s);
}

static const int self_kill_blocks[] = { 1, 37, 60 }; /* 20 ms .. 1.2 s */

START_TEST(test_session_reopens_after_sigkill)
{
    const char *path = tmp_path("killed.wav");
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        crash_child(path, fds[1], self_kill_blocks[_i]);
    }
    close(fds[1]);
    uint64_t appended = 0, k;
    while (read(fds[0], &k, sizeof k) == (ssize_t)sizeof k)
        appended = k;
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    ck_assert_uint_eq(appended, (uint64_t)self_kill_blocks[_i] * CRASH_BLOCK);
    check_crashed_file(path, appended);
}
END_TEST

START_TEST(test_session_survives_sigkill_at_any_moment)
{
    /* Killed from outside, possibly inside a write call. The last count
     * reported may trail the frames on disk by one block. */
    const char *path = tmp_path("shot.wav");
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        crash_child(path, fds[1], -1);
    }
    close(fds[1]);
    uint64_t appended = 0, k;
    /* Let it record until it reports (17 + 13 * _i) blocks, then shoot. */
    uint64_t target = (uint64_t)(17 + 13 * _i) * CRASH_BLOCK;
    while (appended < target &&
           read(fds[0], &k, sizeof k) == (ssize_t)sizeof k)
        appended = k;
    kill(pid, SIGKILL);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    while (read(fds[0], &k, sizeof k) == (ssize_t)sizeof k)
        appended = k;
    close(fds[0]);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    check_crashed_file(path, appended);
}
END_TEST

Suite *session_suite(void);
Suite *session_suite(void)
{
    Suite *s = suite_create("session");
    TCase *tc = tcase_create("roundtrip");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_loop_test(tc, test_session_round_trip_is_bit_exact, 0, 3);
    tcase_add_test(tc, test_session_metadata_round_trips);
    tcase_add_test(tc, test_session_rewind_reads_the_same_frames_again);
    suite_add_tcase(s, tc);

    tc = tcase_create("dropped");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_session_counts_dropped_frames_across_seq_wrap);
    tcase_add_test(tc, test_seq_lost_is_modular);
    tcase_add_test(tc, test_crc32_check_value);
    suite_add_tcase(s, tc);

    tc = tcase_create("overwrite");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_session_writer_refuses_to_overwrite);
    tcase_add_test(tc, test_session_writer_rejects_bad_metadata_without_creating);
    suite_add_tcase(s, tc);

    tc = tcase_create("badfile");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_session_open_refuses_missing_empty_and_text_files);
    tcase_add_test(tc, test_session_open_detects_corrupt_metadata_by_crc);
    tcase_add_test(tc, test_session_open_refuses_wav_without_rmap_chunk);
    tcase_add_test(tc, test_session_open_refuses_channel_count_mismatch);
    tcase_add_test(tc, test_session_open_refuses_non_pcm32_and_rate_mismatch);
    tcase_add_test(tc, test_session_open_refuses_absurd_descriptor);
    tcase_add_test(tc, test_session_open_refuses_newer_major_version);
    tcase_add_test(tc, test_session_open_skips_fields_of_newer_minor_version);
    tcase_add_test(tc, test_session_truncated_file_reads_what_is_there);
    tcase_add_test(tc, test_session_open_survives_random_header_corruption);
    suite_add_tcase(s, tc);

    tc = tcase_create("calf_length");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_calf_length_record_bytes_as_documented);
    tcase_add_test(tc, test_calf_length_record_refused_when_corrupt);
    tcase_add_test(tc, test_calf_length_record_only_from_1_2);
    tcase_add_test(tc, test_calf_length_written_rewritten_and_refused);
    tcase_add_test(tc, test_calf_length_parse);
    suite_add_tcase(s, tc);

    tc = tcase_create("crash");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_loop_test(tc, test_session_reopens_after_sigkill, 0, 3);
    tcase_add_loop_test(tc, test_session_survives_sigkill_at_any_moment, 0, 3);
    suite_add_tcase(s, tc);
    return s;
}
