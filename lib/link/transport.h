/*
 * Private side of the transport layer: the handle every transport kind
 * shares. Transports sit at the bottom of the live path (transport ->
 * decoder -> recorder) and only move bytes.
 */
#ifndef ROLLMAP_LINK_TRANSPORT_H
#define ROLLMAP_LINK_TRANSPORT_H

#include "internal.h"

struct rm_transport {
    const rm_transport_ops *ops;
    void *impl;
    char label[160];   /* "/dev/ttyACM0", "sim:basic", "fd:3,4" */
    char msg[256];     /* last failure, when ops->errmsg has none */
    uint64_t bytes_in, bytes_out;
};

/*
 * Wrap @p impl in a handle; on failure closes @p impl with ops->close so
 * constructors have one cleanup path. Used by every rm_transport_open_*.
 */
rm_status rm_transport_wrap(const rm_transport_ops *ops, void *impl,
                            const char *label, rm_transport **out,
                            rm_error *err);

/* Milliseconds on the monotonic clock (never jumps with wall time). */
uint64_t rm_mono_ms(void);
/* Microseconds on the monotonic clock. */
uint64_t rm_mono_us(void);
/* Nanoseconds on the monotonic clock (CLOCK_MONOTONIC, as the stamps of
 * rm_link_read_stamped()). */
int64_t rm_mono_ns(void);

/*
 * Fault injection for tests: the recorder's writer thread sleeps
 * @p delay_us before every block write, as a slow disk would, so a test
 * can fill the queue. Never used outside tests.
 */
void rm_recorder_slow_writer(rm_recorder *r, unsigned delay_us);

#endif
