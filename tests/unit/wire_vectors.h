/*
 * Loads tests/vectors/<name>.hex (written by tools/gen-vectors) for the
 * wire suites: the payload before CRC and COBS, and the bytes on the wire.
 * Directory: $RM_VECTORS_DIR, else tests/vectors (make check runs from the
 * top of the tree).
 */
#ifndef ROLLMAP_TESTS_WIRE_VECTORS_H
#define ROLLMAP_TESTS_WIRE_VECTORS_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct wire_vector {
    unsigned char payload[512];
    size_t payload_len;
    unsigned char wire[512];
    size_t wire_len;
    unsigned crc;
} wire_vector;

static inline size_t wv_parse_hex(const char *s, unsigned char *out,
                                  size_t cap)
{
    size_t n = 0;
    unsigned v;
    int used;
    while (sscanf(s, " %2x%n", &v, &used) == 1) {
        ck_assert_uint_lt(n, cap);
        out[n++] = (unsigned char)v;
        s += used;
    }
    return n;
}

/* Load a vector or fail the test. */
static inline void wv_load(const char *name, wire_vector *v)
{
    const char *dir = getenv("RM_VECTORS_DIR");
    char path[512], line[4096];
    snprintf(path, sizeof path, "%s/%s.hex", dir ? dir : "tests/vectors",
             name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    memset(v, 0, sizeof *v);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "payload:", 8) == 0)
            v->payload_len = wv_parse_hex(line + 8, v->payload,
                                          sizeof v->payload);
        else if (strncmp(line, "wire:", 5) == 0)
            v->wire_len = wv_parse_hex(line + 5, v->wire, sizeof v->wire);
        else if (strncmp(line, "crc:", 4) == 0)
            ck_assert_int_eq(sscanf(line + 4, " %x", &v->crc), 1);
    }
    fclose(f);
    ck_assert_msg(v->payload_len > 0 && v->wire_len > 0, "%s: empty", path);
}

/* Every vector, for tests that walk them all. */
static const char *const wv_names[] = {
    "sample_rev_a",   "sample_32_cells", "descriptor_rev_a",
    "descriptor_32_cells", "status",     "ack_ping_ok",
    "ack_set_rate_busy", "cmd_ping",     "cmd_identify",
    "cmd_start",      "cmd_stop",        "cmd_tare",
    "cmd_set_rate",   "cmd_set_cal",     "cmd_store_cal",
    "cmd_get_status", NULL,
};

/* Inputs of the sample vectors, as in tools/gen-vectors/gen_vectors.py. */
static const int wv_rev_a_cells[12] = {
    0, 1, -1, 8388607, -8388608, 100000, -100000, 0x123456, 0, 256, 42, -42,
};

static inline int wv_cell32(int i)
{
    return (int)(((long)i * 524287L) % 16777216L - 8388608L);
}

#endif /* ROLLMAP_TESTS_WIRE_VECTORS_H */
