/*
 * The transport handle: dispatch to one ops table chosen at open time,
 * byte counters, and the monotonic clock helpers the live path uses for
 * timeouts. Knows nothing of frames.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "link/transport.h"

uint64_t rm_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int64_t rm_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t rm_mono_ms(void)
{
    return rm_mono_us() / 1000u;
}

rm_status rm_transport_wrap(const rm_transport_ops *ops, void *impl,
                            const char *label, rm_transport **out,
                            rm_error *err)
{
    rm_transport *t = rm_calloc(1, sizeof *t);
    if (!t) {
        if (ops->close)
            ops->close(impl);
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    }
    t->ops = ops;
    t->impl = impl;
    snprintf(t->label, sizeof t->label, "%s",
             label ? label : ops->name ? ops->name : "?");
    *out = t;
    return RM_OK;
}

rm_status rm_transport_new(const rm_transport_ops *ops, void *impl,
                           const char *label, rm_transport **out,
                           rm_error *err)
{
    if (!out)
        return rm_error_set(err, RM_ERR_ARG, "no place for the handle");
    *out = NULL;
    if (!ops || !ops->read || !ops->write)
        return rm_error_set(err, RM_ERR_ARG,
                            "a transport needs read and write operations");
    /* Unlike rm_transport_wrap(), a failure leaves @p impl to the caller. */
    rm_transport *t = rm_calloc(1, sizeof *t);
    if (!t)
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    t->ops = ops;
    t->impl = impl;
    snprintf(t->label, sizeof t->label, "%s",
             label ? label : ops->name ? ops->name : "custom");
    *out = t;
    return RM_OK;
}

rm_status rm_transport_read(rm_transport *t, uint8_t *buf, size_t cap,
                            size_t *got, unsigned timeout_ms)
{
    if (!got)
        return RM_ERR_ARG;
    *got = 0;
    if (!t || !buf || !cap)
        return RM_ERR_ARG;
    t->msg[0] = '\0';
    rm_status st = t->ops->read(t->impl, buf, cap, got, timeout_ms);
    if (st == RM_OK) {
        if (*got > cap) { /* a broken custom transport: refuse, don't trust */
            *got = 0;
            return rm_msg_set(t->msg, sizeof t->msg, RM_ERR_IO,
                              "transport returned more bytes than asked");
        }
        t->bytes_in += *got;
    } else {
        *got = 0;
    }
    return st;
}

rm_status rm_transport_write(rm_transport *t, const uint8_t *buf, size_t len,
                             unsigned timeout_ms)
{
    if (!t || (!buf && len))
        return RM_ERR_ARG;
    t->msg[0] = '\0';
    rm_status st = t->ops->write(t->impl, buf, len, timeout_ms);
    if (st == RM_OK)
        t->bytes_out += len;
    return st;
}

const char *rm_transport_label(const rm_transport *t)
{
    return t ? t->label : "";
}

const char *rm_transport_errmsg(const rm_transport *t)
{
    if (!t)
        return "no transport";
    if (t->msg[0])
        return t->msg;
    const char *m = t->ops->errmsg ? t->ops->errmsg(t->impl) : NULL;
    return m && *m ? m : "no error";
}

void rm_transport_close(rm_transport *t)
{
    if (!t)
        return;
    if (t->ops->close)
        t->ops->close(t->impl);
    rm_free(t);
}
