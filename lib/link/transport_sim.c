/*
 * The virtual board: the simulator (lib/sim) behind the wire protocol,
 * answering commands as the firmware does (docs/protocol.md), paced at
 * real time or faster. One more transport, so `record --sim` runs the
 * whole live path (decoder, recorder, engine) with no hardware.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "link/transport.h"
#include "wire/decoder.h"
#include "wire/frame.h"

/* Frames asked from the simulator at a time. */
#define SIM_BLOCK 64
/* Output bytes queued for the host: several frames' worth, plus room for
 * a descriptor (the largest frame) and a status and an ack. */
#define OUT_CAP (16 * RM_WIRE_MAX_FRAME)

typedef struct vboard {
    rm_sim *sim;
    /* Commands from the host, deframed as the firmware does, so every
     * intact frame of 2+ bytes gets an ack (unknown types: result 1). */
    rm_deframer rx;
    uint8_t rx_buf[RM_WIRE_MAX_FRAME - 1];
    rm_descriptor desc;         /* what IDENTIFY returns; calibration lives here */
    rm_vboard_options opt;
    int streaming, sim_done;
    uint64_t boot_us;           /* monotonic time the board "powered up" */
    uint64_t start_us;          /* monotonic time of START */
    uint32_t first_time_us;     /* board time of the first frame sent */
    int have_first;
    rm_frame block[SIM_BLOCK];  /* frames from the simulator not yet sent */
    size_t b_pos, b_len;
    rm_frame last;              /* last frame sent (for TARE) */
    int have_last;
    rm_board_status status;
    /* "bench:KG": a calibration bench instead of a session. The board
     * sits unloaded through its first stream after TARE; from the second
     * on, KG rests on every cell, so `rollmap calibrate --sim` measures
     * each cell's true scale back. */
    int bench;
    double bench_force_n;
    unsigned bench_streams;       /* STARTs since the last TARE */
    uint32_t bench_seq, bench_time_us;
    int32_t bench_zero[RM_MAX_CELLS];
    float bench_scale[RM_MAX_CELLS]; /* the cells' true N/count */
    uint8_t out[OUT_CAP];       /* encoded bytes not yet read: [o_pos, o_len) */
    size_t o_pos, o_len;
    char msg[256];
} vboard;

static void put(vboard *b, const uint8_t *bytes, size_t n)
{
    if (b->o_pos && b->o_len + n > OUT_CAP) {
        memmove(b->out, b->out + b->o_pos, b->o_len - b->o_pos);
        b->o_len -= b->o_pos;
        b->o_pos = 0;
    }
    if (b->o_len + n > OUT_CAP) { /* a real UART ring would drop: count it */
        b->status.uart_overflows++;
        return;
    }
    memcpy(b->out + b->o_len, bytes, n);
    b->o_len += n;
}

static void send_ack(vboard *b, const rm_command *c, uint8_t result)
{
    rm_ack a = { .request_id = c->request_id, .command = (uint8_t)c->type,
                 .result = result, .version = RM_WIRE_VERSION };
    uint8_t f[RM_WIRE_MAX_FRAME];
    size_t n = 0;
    if (rm_wire_encode_ack(&a, f, sizeof f, &n) == RM_OK)
        put(b, f, n);
}

static void send_status(vboard *b)
{
    b->status.state = b->streaming ? RM_BOARD_STREAMING : RM_BOARD_IDLE;
    b->status.uptime_ms = (uint32_t)((rm_mono_us() - b->boot_us) / 1000u);
    uint8_t f[RM_WIRE_MAX_FRAME];
    size_t n = 0;
    if (rm_wire_encode_status(&b->status, f, sizeof f, &n) == RM_OK)
        put(b, f, n);
}

static int next_frame(vboard *b, rm_frame *f);

static void on_command(const rm_command *c, void *user)
{
    vboard *b = user;
    uint8_t f[RM_WIRE_MAX_FRAME];
    size_t n = 0;
    switch (c->type) {
    case RM_CMD_PING:
        send_ack(b, c, RM_ACK_OK);
        break;
    case RM_CMD_IDENTIFY:
        if (rm_wire_encode_descriptor(&b->desc, f, sizeof f, &n) == RM_OK)
            put(b, f, n);
        send_ack(b, c, RM_ACK_OK);
        break;
    case RM_CMD_START:
        if (!b->streaming && !b->sim_done) {
            b->streaming = 1;
            b->start_us = rm_mono_us();
            b->have_first = 0;
            b->bench_streams++;
            b->bench_seq = 0; /* START restarts seq (protocol.md, 5) */
            if (b->bench)
                b->b_pos = b->b_len = 0; /* drop TARE's peeked frame */
        }
        send_ack(b, c, RM_ACK_OK);
        break;
    case RM_CMD_STOP:
        b->streaming = 0;
        send_status(b);
        send_ack(b, c, RM_ACK_OK);
        break;
    case RM_CMD_TARE:
        /* The firmware averages fresh conversions; the model's latest
         * sample (or the next, before streaming) stands in for them. */
        {
            rm_frame now = b->last;
            if (b->have_last || next_frame(b, &now)) /* peek: not consumed */
                for (uint32_t i = 0; i < b->desc.cells; i++)
                    b->desc.tare_counts[i] = now.cells[i];
            b->bench_streams = 0;
        }
        send_ack(b, c, RM_ACK_OK);
        break;
    case RM_CMD_SET_RATE:
        /* The model's rate is fixed by its scenario. */
        send_ack(b, c, fabsf((float)c->rate_hz - b->desc.rate_hz) < 0.5f
                           ? RM_ACK_OK : RM_ACK_BAD_ARG);
        break;
    case RM_CMD_SET_CAL:
        if (c->cell >= b->desc.cells || !isfinite(c->scale_n_per_count) ||
            c->scale_n_per_count == 0.0f) {
            send_ack(b, c, RM_ACK_BAD_ARG);
            break;
        }
        b->desc.scale_n_per_count[c->cell] = c->scale_n_per_count;
        b->desc.tare_counts[c->cell] = c->tare_counts;
        send_ack(b, c, RM_ACK_OK);
        break;
    case RM_CMD_STORE_CAL:
        /* Nothing outlives the virtual board; status flag bit 0 means
         * "loaded from EEPROM at power-up", so it stays clear. */
        send_ack(b, c, RM_ACK_OK);
        break;
    case RM_CMD_GET_STATUS:
        send_status(b);
        send_ack(b, c, RM_ACK_OK);
        break;
    default:
        send_ack(b, c, RM_ACK_UNKNOWN);
        break;
    }
}

/* The bench's next frame: zero load plus the weight when it is on, and
 * +-40 counts of deterministic noise (an HX711 has a few hundred). */
static void bench_frame(vboard *b, rm_frame *f)
{
    memset(f, 0, sizeof *f);
    f->seq = b->bench_seq++;
    f->time_us = b->bench_time_us;
    b->bench_time_us += (uint32_t)lrint(1e6 / b->desc.rate_hz);
    int loaded = b->bench_streams >= 2;
    for (uint32_t i = 0; i < b->desc.cells; i++) {
        int32_t noise = (int32_t)((f->seq * 7919u + i * 104729u) % 81u) - 40;
        double w = loaded ? b->bench_force_n / b->bench_scale[i] : 0.0;
        f->cells[i] = b->bench_zero[i] + (int32_t)lrint(w) + noise;
    }
}

/* Next simulated frame, refilling the block; 0 at the end of the model. */
static int next_frame(vboard *b, rm_frame *f)
{
    if (b->bench && b->b_pos == b->b_len) {
        bench_frame(b, &b->block[0]);
        b->b_pos = 0;
        b->b_len = 1;
    }
    if (b->b_pos == b->b_len) {
        if (b->sim_done)
            return 0;
        size_t got = 0;
        if (rm_sim_read(b->sim, b->block, SIM_BLOCK, &got) != RM_OK ||
            got == 0) {
            b->sim_done = 1;
            return 0;
        }
        b->b_pos = 0;
        b->b_len = got;
    }
    *f = b->block[b->b_pos];
    return 1;
}

/*
 * Monotonic time (us) at which frame @p f is due: start plus its board
 * time since the first frame, divided by the speed. Using the board clock
 * keeps the pacing right across dropped-frame gaps.
 * Example: at 80 Hz and speed 2, the frame 1 s of board time after the
 * first is due 500 ms after START.
 */
static uint64_t due_us(const vboard *b, const rm_frame *f)
{
    if (b->opt.no_realtime)
        return 0;
    uint32_t dt = f->time_us - b->first_time_us; /* wraps correctly */
    return b->start_us + (uint64_t)((double)dt / b->opt.speed);
}

/* Encode every frame due by @p now_us while there is room. */
static void emit_due(vboard *b, uint64_t now_us)
{
    rm_frame f;
    while (b->streaming && OUT_CAP - (b->o_len - b->o_pos) >=
                               RM_WIRE_MAX_FRAME &&
           next_frame(b, &f)) {
        if (!b->have_first) {
            b->first_time_us = f.time_us;
            b->have_first = 1;
        }
        if (due_us(b, &f) > now_us)
            break;
        uint8_t out[RM_WIRE_MAX_FRAME];
        size_t n = 0;
        if (rm_wire_encode_frame(&f, b->desc.cells, out, sizeof out, &n) ==
            RM_OK) {
            put(b, out, n);
            b->status.frames_sent++;
        } else {
            b->status.frames_dropped++;
        }
        b->last = f;
        b->have_last = 1;
        b->b_pos++;
    }
}

static void sleep_us(uint64_t us)
{
    struct timespec ts = { .tv_sec = (time_t)(us / 1000000u),
                           .tv_nsec = (long)(us % 1000000u) * 1000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static rm_status vb_read(void *impl, uint8_t *buf, size_t cap, size_t *got,
                         unsigned timeout_ms)
{
    vboard *b = impl;
    uint64_t deadline = rm_mono_us() + (uint64_t)timeout_ms * 1000u;
    *got = 0;
    for (;;) {
        uint64_t now = rm_mono_us();
        emit_due(b, now);
        if (b->o_len > b->o_pos) {
            size_t n = b->o_len - b->o_pos;
            if (n > cap)
                n = cap;
            memcpy(buf, b->out + b->o_pos, n);
            b->o_pos += n;
            if (b->o_pos == b->o_len)
                b->o_pos = b->o_len = 0;
            *got = n;
            return RM_OK;
        }
        if (b->streaming && b->sim_done && b->b_pos == b->b_len)
            return RM_OK; /* the session is over: end of stream */
        if (now >= deadline)
            return RM_ERR_TIMEOUT;
        /* Sleep until the next frame is due, or the timeout. */
        uint64_t wake = deadline;
        rm_frame f;
        if (b->streaming && next_frame(b, &f)) {
            uint64_t d = due_us(b, &f);
            if (d < wake)
                wake = d;
        }
        if (wake > now)
            sleep_us(wake - now);
    }
}

/* One intact frame from the host, answered as the firmware answers it
 * (docs/protocol.md, sections 5 and 8). */
static void vb_frame(vboard *b, const uint8_t *p, size_t len)
{
    if (len < 2) { /* no request id: nobody to answer */
        b->status.rx_errors++;
        return;
    }
    rm_wire_command wc;
    uint8_t r = rm_wire_command_parse(p, len, &wc);
    rm_command c;
    memset(&c, 0, sizeof c);
    c.type = (rm_wire_type)wc.type;
    c.request_id = wc.request_id;
    if (r != RM_WA_OK) {
        if (r == RM_WA_BAD_ARG)
            b->status.rx_errors++;
        send_ack(b, &c, r);
        return;
    }
    c.rate_hz = wc.rate_hz;
    c.tare_samples = wc.tare_samples;
    c.cell = wc.cell;
    uint32_t bits = wc.scale_bits;
    memcpy(&c.scale_n_per_count, &bits, sizeof bits);
    c.tare_counts = wc.tare_counts;
    on_command(&c, b);
}

static rm_status vb_write(void *impl, const uint8_t *buf, size_t len,
                          unsigned timeout_ms)
{
    (void)timeout_ms;
    vboard *b = impl;
    for (size_t i = 0; i < len; i++) {
        int ev = rm_deframer_push(&b->rx, buf[i]);
        if (ev == RM_DEFRAME_FRAME)
            vb_frame(b, b->rx_buf, b->rx.len);
        else if (ev != RM_DEFRAME_MORE && ev != RM_DEFRAME_EMPTY)
            b->status.rx_errors++;
    }
    return RM_OK;
}

static void vb_close(void *impl)
{
    vboard *b = impl;
    rm_sim_free(b->sim);
    rm_free(b);
}

static const char *vb_errmsg(void *impl)
{
    return ((vboard *)impl)->msg;
}

static const rm_transport_ops sim_ops = {
    .name = "sim",
    .read = vb_read,
    .write = vb_write,
    .close = vb_close,
    .errmsg = vb_errmsg,
};

rm_status rm_transport_open_sim(const char *scenario,
                                const rm_vboard_options *opt,
                                rm_transport **out, rm_error *err)
{
    if (!out)
        return rm_error_set(err, RM_ERR_ARG, "no place for the handle");
    *out = NULL;
    vboard *b = rm_calloc(1, sizeof *b);
    if (!b)
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    if (opt)
        b->opt = *opt;
    if (!isfinite(b->opt.speed) || b->opt.speed < 0.0) {
        double speed = b->opt.speed;
        vb_close(b);
        return rm_error_set(err, RM_ERR_ARG, "speed %g is not usable", speed);
    }
    if (b->opt.speed == 0.0)
        b->opt.speed = 1.0;
    if (!scenario)
        scenario = "basic";
    const char *model = scenario;
    if (!strncmp(scenario, "bench:", 6)) {
        char *end;
        double kg = strtod(scenario + 6, &end);
        if (end == scenario + 6 || *end || !isfinite(kg) || kg <= 0.0 ||
            kg > 1000.0) {
            vb_close(b);
            return rm_error_set(err, RM_ERR_ARG, "'%s': bench:KG needs a "
                                "weight in kg, 0..1000", scenario);
        }
        b->bench = 1;
        b->bench_force_n = kg * 9.80665;
        model = "short"; /* only its board descriptor is used */
    }
    rm_status st = rm_sim_new(model, &b->opt.sim, &b->sim, err);
    if (st != RM_OK) {
        vb_close(b);
        return st;
    }
    const rm_session_meta *meta = rm_sim_get_meta(b->sim);
    if (!meta) {
        vb_close(b);
        return rm_error_set(err, RM_ERR_FORMAT, "simulator gave no metadata");
    }
    b->desc = meta->desc;
    for (uint32_t i = 0; i < b->desc.cells; i++) {
        b->bench_zero[i] = b->desc.tare_counts[i];
        b->bench_scale[i] = b->desc.scale_n_per_count[i];
    }
    rm_deframer_init(&b->rx, b->rx_buf, sizeof b->rx_buf);
    b->boot_us = rm_mono_us();
    char label[160];
    snprintf(label, sizeof label, "sim:%s", scenario);
    return rm_transport_wrap(&sim_ops, b, label, out, err);
}
