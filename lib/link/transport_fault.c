/*
 * Fault-injecting transport: wraps the board's transport on the live path
 * (board -> [fault] -> link -> decoder -> recorder) and drops, flips,
 * duplicates and garbles bytes, stalls, or cuts the board off, at seeded
 * rates. It also follows the clean stream's 0x00 delimiters so a test
 * knows which frames reached the host untouched. See transport_fault.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "link/transport_fault.h"

/* Clean bytes taken from the inner transport per read. Damage at most
 * doubles them (every byte duplicated), which sizes the output buffer. */
#define IN_CHUNK 2048u
#define OUT_CAP (2u * IN_CHUNK)
/* Longest clean frame remembered for on_frame; a frame longer than any
 * valid one (RM_WIRE_MAX_FRAME) is reported as not intact. */
#define FRAME_CAP (RM_WIRE_MAX_FRAME + 16u)

typedef struct fault {
    rm_transport *inner;
    rm_fault_options opt;
    uint64_t rng;               /* xorshift64* state, never 0 */
    rm_fault_stats st;
    unsigned burst_left;        /* bytes still to replace in this burst */
    uint64_t stall_until_ms;    /* monotonic; 0: not stalling */
    /* The clean frame being followed: bytes, whether anything in it was
     * damaged, whether the delimiter before it was. */
    uint8_t frame[FRAME_CAP];
    size_t frame_len;
    int frame_long, frame_touched, prev_delim_touched;
    /* Damaged bytes not yet handed out: out[o_pos, o_len). */
    uint8_t out[OUT_CAP];
    size_t o_pos, o_len;
    uint8_t in[IN_CHUNK];
    char msg[256];
} fault;

/* xorshift64* (Vigna): a small, good-enough generator whose whole state
 * lives in the handle, so two injectors never share a sequence. */
static uint64_t next_u64(fault *f)
{
    uint64_t x = f->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    f->rng = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [0, 1) from the top 53 bits. */
static double next_unit(fault *f)
{
    return (double)(next_u64(f) >> 11) * (1.0 / 9007199254740992.0);
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { .tv_sec = ms / 1000u,
                           .tv_nsec = (long)(ms % 1000u) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Follow the clean stream: one byte and whether it was damaged. */
static void follow(fault *f, uint8_t b, int touched)
{
    if (f->frame_len < FRAME_CAP)
        f->frame[f->frame_len++] = b;
    else
        f->frame_long = 1;
    f->frame_touched |= touched;
    if (b != 0x00)
        return;
    int intact = !f->frame_touched && !f->prev_delim_touched &&
                 !f->frame_long;
    f->st.frames++;
    f->st.frames_intact += (uint64_t)intact;
    if (f->opt.on_frame)
        f->opt.on_frame(f->frame, f->frame_len, intact, f->opt.user);
    f->prev_delim_touched = touched;
    f->frame_len = 0;
    f->frame_long = f->frame_touched = 0;
}

static void emit(fault *f, uint8_t b)
{
    f->out[f->o_len++] = b;
}

/*
 * Damage one clean byte into the output. One uniform draw picks at most
 * one fault, so the rates add up: with drop 1e-3 and flip 1e-3, 0.2 % of
 * bytes are damaged.
 */
static void damage(fault *f, uint8_t b)
{
    const rm_fault_options *o = &f->opt;
    f->st.bytes_in++;
    if (f->st.bytes_in <= o->skip_bytes) {
        emit(f, b);
        follow(f, b, 0);
        return;
    }
    if (f->burst_left) {
        f->burst_left--;
        f->st.burst_bytes++;
        emit(f, (uint8_t)next_u64(f));
        follow(f, b, 1);
        return;
    }
    double u = next_unit(f);
    double edge = o->burst_rate;
    if (u < edge) {
        unsigned max = o->burst_max_bytes ? o->burst_max_bytes : 16u;
        f->st.bursts++;
        f->st.burst_bytes++;
        f->burst_left = (unsigned)(next_u64(f) % max); /* this byte + 0..max-1 */
        emit(f, (uint8_t)next_u64(f));
        follow(f, b, 1);
        return;
    }
    if (u < (edge += o->drop_rate)) {
        f->st.dropped++;
        follow(f, b, 1);
        return;
    }
    if (u < (edge += o->flip_rate)) {
        f->st.flipped++;
        emit(f, (uint8_t)(b ^ (1u << (next_u64(f) % 8u))));
        follow(f, b, 1);
        return;
    }
    if (u < (edge += o->dup_rate)) {
        f->st.duplicated++;
        emit(f, b);
        emit(f, b);
        follow(f, b, 1);
        return;
    }
    emit(f, b);
    follow(f, b, 0);
}

static size_t hand_out(fault *f, uint8_t *buf, size_t cap)
{
    size_t n = f->o_len - f->o_pos;
    if (n > cap)
        n = cap;
    memcpy(buf, f->out + f->o_pos, n);
    f->o_pos += n;
    if (f->o_pos == f->o_len)
        f->o_pos = f->o_len = 0;
    f->st.bytes_out += n;
    return n;
}

static rm_status fault_read(void *impl, uint8_t *buf, size_t cap,
                            size_t *got, unsigned timeout_ms)
{
    fault *f = impl;
    *got = 0;
    if (f->o_len > f->o_pos) {
        *got = hand_out(f, buf, cap);
        return RM_OK;
    }
    if (f->st.vanished)
        return rm_msg_set(f->msg, sizeof f->msg, RM_ERR_IO,
                          "board vanished (fault injector, after %llu "
                          "bytes)", (unsigned long long)f->st.bytes_in);
    /* A stall: the board says nothing for stall_ms; the bytes it would
     * have sent wait in the inner transport, as in a UART's buffer. */
    uint64_t now = rm_mono_ms();
    if (!f->stall_until_ms && f->opt.stall_rate > 0.0 &&
        f->st.bytes_in >= f->opt.skip_bytes &&
        next_unit(f) < f->opt.stall_rate) {
        f->st.stalls++;
        f->stall_until_ms = now + (f->opt.stall_ms ? f->opt.stall_ms : 100u);
    }
    if (f->stall_until_ms) {
        if (now < f->stall_until_ms) {
            uint64_t left = f->stall_until_ms - now;
            sleep_ms(left < timeout_ms ? (unsigned)left : timeout_ms);
            if (rm_mono_ms() < f->stall_until_ms)
                return RM_ERR_TIMEOUT;
        }
        f->stall_until_ms = 0;
    }
    size_t want = cap < IN_CHUNK ? cap : IN_CHUNK;
    size_t n = 0;
    rm_status st = rm_transport_read(f->inner, f->in, want, &n, timeout_ms);
    if (st != RM_OK)
        return st;
    if (n == 0)
        return RM_OK; /* the board closed the stream */
    if (f->opt.vanish_after) {
        uint64_t left = f->opt.vanish_after - f->st.bytes_in;
        if (n >= left) {
            n = (size_t)left; /* bytes after the cut never arrive */
            f->st.vanished = 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        damage(f, f->in[i]);
    *got = hand_out(f, buf, cap);
    if (*got == 0 && f->st.vanished)
        return rm_msg_set(f->msg, sizeof f->msg, RM_ERR_IO,
                          "board vanished (fault injector, after %llu "
                          "bytes)", (unsigned long long)f->st.bytes_in);
    if (*got == 0)
        return RM_ERR_TIMEOUT; /* everything read was dropped */
    return RM_OK;
}

static rm_status fault_write(void *impl, const uint8_t *buf, size_t len,
                             unsigned timeout_ms)
{
    fault *f = impl;
    if (f->st.vanished)
        return rm_msg_set(f->msg, sizeof f->msg, RM_ERR_IO,
                          "board vanished (fault injector)");
    if ((f->opt.write_drop_rate <= 0.0 && f->opt.write_flip_rate <= 0.0) ||
        len == 0)
        return rm_transport_write(f->inner, buf, len, timeout_ms);
    /* Commands are short (under RM_WIRE_MAX_FRAME); damage a copy. */
    uint8_t copy[RM_WIRE_MAX_FRAME];
    while (len) {
        size_t n = len < sizeof copy ? len : sizeof copy, k = 0;
        for (size_t i = 0; i < n; i++) {
            double u = next_unit(f);
            if (u < f->opt.write_drop_rate) {
                f->st.write_faults++;
                continue;
            }
            copy[k] = buf[i];
            if (u < f->opt.write_drop_rate + f->opt.write_flip_rate) {
                f->st.write_faults++;
                copy[k] ^= (uint8_t)(1u << (next_u64(f) % 8u));
            }
            k++;
        }
        rm_status st = rm_transport_write(f->inner, copy, k, timeout_ms);
        if (st != RM_OK)
            return st;
        buf += n;
        len -= n;
    }
    return RM_OK;
}

static void fault_close(void *impl)
{
    fault *f = impl;
    rm_transport_close(f->inner);
    rm_free(f);
}

static const char *fault_errmsg(void *impl)
{
    fault *f = impl;
    return f->msg[0] ? f->msg : rm_transport_errmsg(f->inner);
}

static const rm_transport_ops fault_ops = {
    .name = "fault",
    .read = fault_read,
    .write = fault_write,
    .close = fault_close,
    .errmsg = fault_errmsg,
};

static int rate_ok(double r)
{
    return r >= 0.0 && r <= 1.0; /* false for NaN too */
}

rm_status rm_transport_open_fault(rm_transport *inner,
                                  const rm_fault_options *opt,
                                  rm_transport **out, rm_error *err)
{
    if (!out) {
        rm_transport_close(inner);
        return rm_error_set(err, RM_ERR_ARG, "no place for the handle");
    }
    *out = NULL;
    if (!inner)
        return rm_error_set(err, RM_ERR_ARG, "no transport to wrap");
    rm_fault_options o = { 0 };
    if (opt)
        o = *opt;
    if (!rate_ok(o.drop_rate) || !rate_ok(o.flip_rate) ||
        !rate_ok(o.dup_rate) || !rate_ok(o.burst_rate) ||
        !rate_ok(o.stall_rate) || !rate_ok(o.write_drop_rate) ||
        !rate_ok(o.write_flip_rate) ||
        o.drop_rate + o.flip_rate + o.dup_rate + o.burst_rate > 1.0 ||
        o.write_drop_rate + o.write_flip_rate > 1.0) {
        rm_transport_close(inner);
        return rm_error_set(err, RM_ERR_ARG,
                            "fault rates must lie in 0..1 and sum to <= 1");
    }
    fault *f = rm_calloc(1, sizeof *f);
    if (!f) {
        rm_transport_close(inner);
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    }
    f->inner = inner;
    f->opt = o;
    f->rng = o.seed ? o.seed : 1u;
    char label[160];
    snprintf(label, sizeof label, "fault:%.150s", rm_transport_label(inner));
    return rm_transport_wrap(&fault_ops, f, label, out, err);
}

void rm_fault_stats_get(const rm_transport *t, rm_fault_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (t && t->ops == &fault_ops)
        *out = ((const fault *)t->impl)->st;
}
