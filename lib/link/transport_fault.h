/*
 * Fault-injecting transport (internal, for tests and docs/robustness.md):
 * sits between a board's transport and the link and damages the byte
 * stream at set, seeded rates, while remembering which wire frames it
 * left intact so a test can check that the host kept exactly those.
 */
#ifndef ROLLMAP_LINK_TRANSPORT_FAULT_H
#define ROLLMAP_LINK_TRANSPORT_FAULT_H

#include "link/transport.h"

/*
 * What to do to the board -> host bytes. Rates are probabilities per byte
 * (stall_rate: per read call), 0 = never. Faults start after skip_bytes
 * clean bytes, so a test can let the handshake through untouched.
 */
typedef struct rm_fault_options {
    uint64_t seed;              /* 0 means 1; same seed, same damage */
    uint64_t skip_bytes;        /* passed through untouched first */
    double drop_rate;           /* byte lost */
    double flip_rate;           /* one random bit of the byte inverted */
    double dup_rate;            /* byte delivered twice */
    double burst_rate;          /* a run of random bytes replaces the next
                                   1..burst_max_bytes bytes (line noise) */
    unsigned burst_max_bytes;   /* 0 means 16 */
    double stall_rate;          /* a read returns nothing for stall_ms */
    unsigned stall_ms;          /* 0 means 100 ms */
    uint64_t vanish_after;      /* non-zero: after this many bytes from the
                                   board, every read fails with RM_ERR_IO
                                   (a board unplugged mid-session) */
    double write_drop_rate;     /* host -> board (commands): byte lost */
    double write_flip_rate;     /* host -> board: one bit inverted */
    /*
     * Optional: called once per wire frame of the clean stream (bytes up
     * to and including its 0x00 delimiter) when its delimiter has passed,
     * with intact = 1 when no fault touched the frame, its delimiter or
     * the delimiter before it (so the decoder met it at a frame boundary).
     */
    void (*on_frame)(const uint8_t *frame, size_t len, int intact,
                     void *user);
    void *user;
} rm_fault_options;

/* Counters of what was done; bytes_* count the board -> host direction. */
typedef struct rm_fault_stats {
    uint64_t bytes_in;          /* clean bytes read from the inner transport */
    uint64_t bytes_out;         /* bytes handed to the host */
    uint64_t dropped, flipped, duplicated, burst_bytes;
    uint64_t bursts, stalls;
    uint64_t frames, frames_intact; /* clean-stream frames, as on_frame */
    uint64_t write_faults;      /* bytes damaged host -> board */
    int vanished;
} rm_fault_stats;

/*
 * Wrap @p inner (owned from this call on, even on failure). The label is
 * "fault:" + the inner label.
 */
rm_status rm_transport_open_fault(rm_transport *inner,
                                  const rm_fault_options *opt,
                                  rm_transport **out, rm_error *err);

/* Counters of a transport made by rm_transport_open_fault(); zeros for
 * any other transport. */
void rm_fault_stats_get(const rm_transport *t, rm_fault_stats *out);

#endif
