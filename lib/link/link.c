/*
 * The link: transport bytes -> wire decoder -> queued sample frames, plus
 * the handshake (ping until the board is up, IDENTIFY) and the commands of
 * docs/protocol.md, each waiting for its ack. Sits between the transport
 * and the recorder on the live path.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "link/transport.h"
#include "wire/wire_host.h"

/* Bytes per transport read. One read can hold at most this many bytes of
 * frames, so the queue below never has to hold more than one read's worth
 * (a 1-cell sample frame is ~20 bytes on the wire: ~205 frames). */
#define READ_CHUNK 4096

struct rm_link {
    rm_transport *t;
    rm_decoder *dec;
    rm_link_options opt;
    rm_descriptor desc;
    int have_desc;
    rm_board_status status;
    int have_status;
    /* The ack being waited for (request id) and whether it came. */
    uint8_t next_id;
    int waiting, ack_seen;
    uint8_t want_id;
    rm_ack ack;
    /* Sample frames decoded but not yet handed out: [head, count), and
     * beside each the CLOCK_MONOTONIC ns when the transport read that
     * completed it returned (rm_link_read_stamped). */
    rm_frame *queue;
    int64_t *q_rx_ns;
    int64_t rx_ns;              /* stamp of the read being decoded */
    size_t q_head, q_count, q_cap;
    int q_overflow;             /* allocation failed while queueing */
    /* An error seen after frames were queued, returned once they are. */
    rm_status pending;
    int ended;
    int streaming;
    /* Monotonic time of the last usable sample frame while streaming
     * (START's ack before the first): the stall timer runs on frames,
     * not bytes, so a board sending only frames the decoder rejects is
     * still seen to have stopped. */
    uint64_t last_frame_ms;
    uint64_t bad_at_last_frame; /* rm_decoder_bad_samples() then */
    uint8_t buf[READ_CHUNK];
    char msg[256];
};

static void on_frame(const rm_frame *f, void *user)
{
    rm_link *l = user;
    if (l->q_head + l->q_count == l->q_cap) {
        if (l->q_head) { /* compact before growing */
            memmove(l->queue, l->queue + l->q_head,
                    l->q_count * sizeof *l->queue);
            memmove(l->q_rx_ns, l->q_rx_ns + l->q_head,
                    l->q_count * sizeof *l->q_rx_ns);
            l->q_head = 0;
        } else {
            size_t cap = l->q_cap ? l->q_cap * 2 : 256;
            int64_t *ns = rm_realloc_array(l->q_rx_ns, cap, sizeof *ns);
            if (ns)
                l->q_rx_ns = ns;
            rm_frame *q = ns ? rm_realloc_array(l->queue, cap, sizeof *q)
                             : NULL;
            if (!q) {
                l->q_overflow = 1;
                return;
            }
            l->queue = q;
            l->q_cap = cap;
        }
    }
    l->q_rx_ns[l->q_head + l->q_count] = l->rx_ns;
    l->queue[l->q_head + l->q_count++] = *f;
}

static void on_descriptor(const rm_descriptor *d, void *user)
{
    rm_link *l = user;
    l->desc = *d;
    l->have_desc = 1;
}

static void on_status(const rm_board_status *s, void *user)
{
    rm_link *l = user;
    l->status = *s;
    l->have_status = 1;
}

static void on_ack(const rm_ack *a, void *user)
{
    rm_link *l = user;
    /* Acks to commands we gave up on arrive late: skip them by id. */
    if (l->waiting && a->request_id == l->want_id) {
        l->ack = *a;
        l->ack_seen = 1;
    }
}

/*
 * One transport read (waiting at most timeout_ms) fed to the decoder.
 * RM_OK also when nothing came; sets l->ended on end of stream.
 */
static rm_status pump(rm_link *l, unsigned timeout_ms)
{
    size_t got = 0;
    rm_status st = rm_transport_read(l->t, l->buf, sizeof l->buf, &got,
                                     timeout_ms);
    if (st == RM_ERR_TIMEOUT)
        return RM_OK;
    if (st != RM_OK)
        return rm_msg_set(l->msg, sizeof l->msg, st, "%s: %s",
                          rm_transport_label(l->t), rm_transport_errmsg(l->t));
    if (got == 0) {
        l->ended = 1;
        return RM_OK;
    }
    l->rx_ns = rm_mono_ns();
    size_t before = l->q_count;
    rm_decoder_feed(l->dec, l->buf, got);
    if (l->q_count > before) {
        l->last_frame_ms = (uint64_t)l->rx_ns / 1000000u;
        l->bad_at_last_frame = rm_decoder_bad_samples(l->dec);
    }
    if (l->q_overflow)
        return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_NOMEM,
                          "out of memory queueing frames");
    return RM_OK;
}

/* Times a command is sent before giving up: a command or its ack lost to
 * line noise (the CRC drops it) is sent again with the same request id. */
#define COMMAND_TRIES 4

/*
 * Send @p cmd (its request id already set) once and wait up to
 * @p timeout_ms for an ack carrying that id. RM_ERR_TIMEOUT if none came;
 * otherwise the ack is in l->ack.
 */
static rm_status command_once(rm_link *l, const rm_command *cmd,
                              unsigned timeout_ms)
{
    /* A leading 0x00 (a fill byte to the decoder) closes whatever a
     * damaged earlier command left open on the board, so a lost
     * delimiter cannot take this command down with it. */
    uint8_t frame[1 + RM_WIRE_MAX_FRAME];
    size_t len = 0;
    frame[0] = 0x00;
    rm_status st = rm_wire_encode_command(cmd, frame + 1, sizeof frame - 1,
                                          &len);
    if (st != RM_OK)
        return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_ARG,
                          "cannot encode command %s",
                          rm_wire_type_name(cmd->type));
    len++;
    l->waiting = 1;
    l->ack_seen = 0;
    l->want_id = cmd->request_id;
    st = rm_transport_write(l->t, frame, len, timeout_ms);
    if (st != RM_OK) {
        l->waiting = 0;
        return rm_msg_set(l->msg, sizeof l->msg, st, "%s: %s",
                          rm_transport_label(l->t), rm_transport_errmsg(l->t));
    }
    uint64_t deadline = rm_mono_ms() + timeout_ms;
    while (!l->ack_seen) {
        uint64_t now = rm_mono_ms();
        if (now >= deadline || l->ended)
            break;
        st = pump(l, (unsigned)(deadline - now));
        if (st != RM_OK) {
            l->waiting = 0;
            return st;
        }
    }
    l->waiting = 0;
    return l->ack_seen ? RM_OK : RM_ERR_TIMEOUT;
}

/*
 * Send @p cmd_in and wait for its ack, up to @p tries times of
 * @p timeout_ms each. A refusal (ack not OK) is RM_ERR_IO with the board's
 * reason, except "busy" to a repeated START: the first one got through
 * and only its ack was lost, so the board is streaming as asked.
 */
static rm_status command(rm_link *l, const rm_command *cmd_in,
                         unsigned timeout_ms, unsigned tries, rm_ack *ack_out)
{
    rm_command cmd = *cmd_in;
    cmd.request_id = l->next_id++;
    rm_status st = RM_ERR_TIMEOUT;
    unsigned attempt = 0;
    while (attempt < tries && st == RM_ERR_TIMEOUT && !l->ended) {
        st = command_once(l, &cmd, timeout_ms);
        attempt++;
    }
    if (st == RM_ERR_TIMEOUT)
        return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_TIMEOUT,
                          "%s: no answer to %s (%u x %u ms)%s",
                          rm_transport_label(l->t),
                          rm_wire_type_name(cmd.type), attempt, timeout_ms,
                          l->ended ? " (stream ended)" : "");
    if (st != RM_OK)
        return st;
    if (ack_out)
        *ack_out = l->ack;
    if (l->ack.result == RM_ACK_BUSY && cmd.type == RM_CMD_START &&
        attempt > 1)
        return RM_OK;
    if (l->ack.result != RM_ACK_OK)
        return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_IO,
                          "board refused %s: %s",
                          rm_wire_type_name(cmd.type),
                          rm_ack_result_name(l->ack.result));
    return RM_OK;
}

rm_status rm_link_command(rm_link *l, const rm_command *cmd, rm_ack *ack)
{
    if (!l || !cmd)
        return RM_ERR_ARG;
    return command(l, cmd, l->opt.reply_timeout_ms, COMMAND_TRIES, ack);
}

static rm_status simple(rm_link *l, rm_wire_type type)
{
    rm_command c = { .type = type };
    return command(l, &c, l->opt.reply_timeout_ms, COMMAND_TRIES, NULL);
}

/* IDENTIFY and check what comes back. */
static rm_status identify(rm_link *l)
{
    l->have_desc = 0;
    rm_status st = simple(l, RM_CMD_IDENTIFY);
    if (st != RM_OK)
        return st;
    if (!l->have_desc) {
        const char *why = rm_decoder_descriptor_reject(l->dec);
        if (why[0])
            return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_FORMAT,
                              "%s: the board's descriptor is not usable: %s",
                              rm_transport_label(l->t), why);
        return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_FORMAT,
                          "%s: IDENTIFY acknowledged without a descriptor",
                          rm_transport_label(l->t));
    }
    char why[160];
    if (rm_descriptor_check(&l->desc, why, sizeof why) != RM_OK) {
        l->have_desc = 0;
        return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_FORMAT,
                          "%s: the board's descriptor is not usable: %s",
                          rm_transport_label(l->t), why);
    }
    return RM_OK;
}

/*
 * Ping until the board answers. An Uno resets when the port opens (DTR)
 * and its bootloader listens for ~0.5-1.5 s before the firmware starts, so
 * early pings go unanswered; retry every 250 ms up to boot_wait_ms.
 */
static rm_status wake(rm_link *l)
{
    uint64_t deadline = rm_mono_ms() + l->opt.boot_wait_ms;
    unsigned tries = 0;
    for (;;) {
        uint64_t now = rm_mono_ms();
        unsigned left = now >= deadline ? 0 : (unsigned)(deadline - now);
        unsigned wait = left < 250 ? left : 250;
        tries++;
        rm_ack ack;
        rm_command c = { .type = RM_CMD_PING };
        rm_status st = command(l, &c, wait ? wait : 1, 1, &ack);
        if (st == RM_OK) {
            /* Unknown versions are refused both ways: 0 is no version
             * this library knows (docs/protocol.md, section 7). */
            if (ack.version != RM_WIRE_VERSION)
                return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_UNSUPPORTED,
                                  "%s: the board speaks protocol %u, this "
                                  "library %d: update rollmap",
                                  rm_transport_label(l->t), ack.version,
                                  RM_WIRE_VERSION);
            return RM_OK;
        }
        if (st != RM_ERR_TIMEOUT)
            return st;
        if (l->ended)
            return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_IO,
                              "%s: the stream ended before the board "
                              "answered", rm_transport_label(l->t));
        if (rm_mono_ms() >= deadline)
            return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_TIMEOUT,
                              "%s: no answer from a board after %u pings "
                              "in %.1f s (is it a rollmap board, at the "
                              "right baud rate?)",
                              rm_transport_label(l->t), tries,
                              l->opt.boot_wait_ms / 1000.0);
    }
}

rm_status rm_link_open(rm_transport *t, const rm_link_options *opt,
                       rm_link **out, rm_error *err)
{
    if (!out) {
        rm_transport_close(t);
        return rm_error_set(err, RM_ERR_ARG, "no place for the handle");
    }
    *out = NULL;
    if (!t)
        return rm_error_set(err, RM_ERR_ARG, "no transport");
    rm_link *l = rm_calloc(1, sizeof *l);
    if (!l) {
        rm_transport_close(t);
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    }
    l->t = t;
    if (opt)
        l->opt = *opt;
    if (!l->opt.boot_wait_ms)
        l->opt.boot_wait_ms = 5000;
    if (!l->opt.reply_timeout_ms)
        l->opt.reply_timeout_ms = 1000;
    rm_decoder_callbacks cb = {
        .on_frame = on_frame,
        .on_descriptor = on_descriptor,
        .on_status = on_status,
        .on_ack = on_ack,
        .user = l,
    };
    rm_status st = rm_decoder_new(&cb, &l->dec, err);
    if (st != RM_OK) {
        rm_link_close(l);
        return st;
    }
    st = wake(l);
    /* A board that was not reset (native USB, or left streaming by an
     * earlier run) may still be sending: quiet it first. */
    if (st == RM_OK) {
        st = simple(l, RM_CMD_STOP);
        if (st != RM_OK && l->ack_seen)
            st = RM_OK; /* refused (say, "busy" when idle): it is quiet */
    }
    if (st == RM_OK)
        st = identify(l);
    if (st != RM_OK) {
        rm_error_set(err, st, "%s", l->msg);
        rm_link_close(l);
        return st;
    }
    /* Frames from a board left streaming by an earlier run are stale. */
    l->q_head = l->q_count = 0;
    *out = l;
    return RM_OK;
}

const rm_descriptor *rm_link_descriptor(const rm_link *l)
{
    return l && l->have_desc ? &l->desc : NULL;
}

rm_transport *rm_link_transport(const rm_link *l)
{
    return l ? l->t : NULL;
}

rm_status rm_link_start(rm_link *l)
{
    if (!l)
        return RM_ERR_ARG;
    /* Frames queued before START are from an earlier stream. */
    l->q_head = l->q_count = 0;
    rm_status st = simple(l, RM_CMD_START);
    if (st == RM_OK) {
        l->streaming = 1;
        l->last_frame_ms = rm_mono_ms();
        l->bad_at_last_frame = rm_decoder_bad_samples(l->dec);
    }
    return st;
}

rm_status rm_link_stop(rm_link *l)
{
    if (!l)
        return RM_ERR_ARG;
    l->streaming = 0;
    return simple(l, RM_CMD_STOP);
}

rm_status rm_link_tare(rm_link *l, unsigned samples)
{
    if (!l || samples > 255)
        return RM_ERR_ARG;
    rm_command c = { .type = RM_CMD_TARE, .tare_samples = (uint8_t)samples };
    /* Averaging up to 255 conversions at 10 Hz takes 25 s: allow for it. */
    unsigned wait = l->opt.reply_timeout_ms;
    double rate = l->have_desc ? l->desc.rate_hz : RM_MIN_RATE_HZ;
    unsigned need = (unsigned)((samples ? samples : 64) * 1000.0 / rate) + wait;
    rm_status st = command(l, &c, need, COMMAND_TRIES, NULL);
    return st == RM_OK ? identify(l) : st;
}

rm_status rm_link_set_calibration(rm_link *l, unsigned cell,
                                  float scale_n_per_count, int32_t tare_counts)
{
    if (!l || !l->have_desc || cell >= l->desc.cells ||
        !isfinite(scale_n_per_count) || scale_n_per_count == 0.0f)
        return RM_ERR_ARG;
    rm_command c = {
        .type = RM_CMD_SET_CAL,
        .cell = (uint8_t)cell,
        .scale_n_per_count = scale_n_per_count,
        .tare_counts = tare_counts,
    };
    rm_status st = command(l, &c, l->opt.reply_timeout_ms, COMMAND_TRIES,
                           NULL);
    return st == RM_OK ? identify(l) : st;
}

rm_status rm_link_store_calibration(rm_link *l)
{
    if (!l)
        return RM_ERR_ARG;
    /* An EEPROM write of 32 cells x 8 bytes takes ~1 s at 3.3 ms/byte. */
    rm_command c = { .type = RM_CMD_STORE_CAL };
    unsigned wait = l->opt.reply_timeout_ms + 2000;
    return command(l, &c, wait, COMMAND_TRIES, NULL);
}

static size_t take(rm_link *l, rm_frame *buf, int64_t *rx_ns, size_t cap)
{
    size_t n = l->q_count < cap ? l->q_count : cap;
    if (!n)
        return 0; /* the queue may not exist yet: no pointer arithmetic */
    memcpy(buf, l->queue + l->q_head, n * sizeof *buf);
    if (rx_ns)
        memcpy(rx_ns, l->q_rx_ns + l->q_head, n * sizeof *rx_ns);
    l->q_head += n;
    l->q_count -= n;
    if (!l->q_count)
        l->q_head = 0;
    return n;
}

/* Longest silence allowed while streaming, in ms. */
static uint64_t stall_ms(const rm_link *l)
{
    if (l->opt.stall_timeout_ms)
        return l->opt.stall_timeout_ms;
    double periods = l->have_desc ? 20000.0 / l->desc.rate_hz : 0.0;
    return periods > 2000.0 ? (uint64_t)periods : 2000u;
}

rm_status rm_link_read(rm_link *l, rm_frame *buf, size_t cap, size_t *got,
                       unsigned timeout_ms)
{
    return rm_link_read_stamped(l, buf, NULL, cap, got, timeout_ms);
}

rm_status rm_link_read_stamped(rm_link *l, rm_frame *buf, int64_t *rx_ns,
                               size_t cap, size_t *got, unsigned timeout_ms)
{
    if (!got)
        return RM_ERR_ARG;
    *got = 0;
    if (!l || !buf || !cap)
        return RM_ERR_ARG;
    if (!l->q_count) {
        if (l->pending != RM_OK) {
            rm_status st = l->pending;
            l->pending = RM_OK;
            return st;
        }
        if (l->ended)
            return RM_OK;
        rm_status st = pump(l, timeout_ms);
        if (st != RM_OK) {
            if (!l->q_count)
                return st;
            l->pending = st; /* hand out what came first */
        } else if (l->streaming && !l->ended && !l->q_count &&
                   rm_mono_ms() - l->last_frame_ms >= stall_ms(l)) {
            uint64_t bad = rm_decoder_bad_samples(l->dec) -
                           l->bad_at_last_frame;
            if (bad)
                return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_FORMAT,
                                  "%s: no usable sample frame for %.1f s "
                                  "(%llu rejected: their cell count is not "
                                  "the descriptor's %u, or their length "
                                  "is wrong)", rm_transport_label(l->t),
                                  stall_ms(l) / 1000.0,
                                  (unsigned long long)bad, l->desc.cells);
            return rm_msg_set(l->msg, sizeof l->msg, RM_ERR_TIMEOUT,
                              "%s: the board stopped sending (nothing for "
                              "%.1f s)", rm_transport_label(l->t),
                              stall_ms(l) / 1000.0);
        }
    }
    *got = take(l, buf, rx_ns, cap);
    return RM_OK;
}

int rm_link_ended(const rm_link *l)
{
    return l ? l->ended : 1;
}

void rm_link_stats(const rm_link *l, rm_decoder_stats *out)
{
    if (!out)
        return;
    if (!l || !l->dec) {
        memset(out, 0, sizeof *out);
        return;
    }
    rm_decoder_stats_get(l->dec, out);
}

int rm_link_board_status(const rm_link *l, rm_board_status *out)
{
    if (!l || !l->have_status || !out)
        return 0;
    *out = l->status;
    return 1;
}

const char *rm_link_errmsg(const rm_link *l)
{
    return l ? l->msg : "no link";
}

void rm_link_close(rm_link *l)
{
    if (!l)
        return;
    rm_decoder_free(l->dec);
    rm_transport_close(l->t);
    rm_free(l->queue);
    rm_free(l->q_rx_ns);
    rm_free(l);
}

/* The getter under the library's one naming scheme (rm_<object>_get_<what>). */
void rm_link_get_stats(const rm_link *l, rm_decoder_stats *out)
{
    rm_link_stats(l, out);
}
