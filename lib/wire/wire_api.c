/*
 * The public face of lib/wire: rm_decoder (bytes -> typed callbacks, with
 * exact loss accounting) and the rm_wire_encode_* functions, on top of the
 * pure deframer and frame layouts the firmware shares. Host only: uses
 * rollmap.h types and the heap.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "wire/cobs.h"
#include "wire/decoder.h"
#include "wire/frame.h"
#include "wire/wire_host.h"

_Static_assert(sizeof(float) == 4, "binary32 floats on the wire");
_Static_assert(RM_CMD_PING == RM_WT_PING && RM_CMD_IDENTIFY == RM_WT_IDENTIFY &&
               RM_CMD_START == RM_WT_START && RM_CMD_STOP == RM_WT_STOP &&
               RM_CMD_TARE == RM_WT_TARE && RM_CMD_SET_RATE == RM_WT_SET_RATE &&
               RM_CMD_SET_CAL == RM_WT_SET_CAL &&
               RM_CMD_STORE_CAL == RM_WT_STORE_CAL &&
               RM_CMD_GET_STATUS == RM_WT_GET_STATUS &&
               RM_MSG_ACK == RM_WT_ACK && RM_MSG_SAMPLE == RM_WT_SAMPLE &&
               RM_MSG_DESCRIPTOR == RM_WT_DESCRIPTOR &&
               RM_MSG_STATUS == RM_WT_STATUS,
               "rollmap.h and wire/frame.h agree on type bytes");
_Static_assert(RM_WIRE_VERSION == RM_WIRE_PROTOCOL, "one protocol version");
_Static_assert(RM_WIRE_CELLS_MAX == RM_MAX_CELLS, "one cell limit");
/* The longest frame (a 32-cell descriptor with full strings) fits. */
_Static_assert(RM_COBS_MAX_ENCODED(RM_WIRE_DESC_MAX + 2u) + 1u <=
               RM_WIRE_MAX_FRAME, "RM_WIRE_MAX_FRAME covers every frame");

struct rm_decoder {
    rm_deframer df;
    rm_decoder_callbacks cb;
    rm_decoder_stats st;
    uint32_t cells;      /* from the last descriptor; 0: none yet */
    int have_seq;        /* next_seq is meaningful */
    uint32_t next_seq;
    /* Why the last descriptor frame was rejected ("" if none was), so
     * the link can say what is wrong instead of "no descriptor". */
    char desc_reject[160];
    /* Sample frames rejected (wrong length or cell count). */
    uint64_t bad_samples;
    /* Encoded bytes of one frame, delimiter excluded. */
    uint8_t buf[RM_WIRE_MAX_FRAME - 1];
};

static float float_from_bits(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static uint32_t bits_from_float(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

rm_status rm_decoder_new(const rm_decoder_callbacks *cb, rm_decoder **out,
                         rm_error *err)
{
    if (!out)
        return rm_error_set(err, RM_ERR_ARG, "decoder: no output pointer");
    *out = NULL;
    rm_decoder *dec = rm_calloc(1, sizeof *dec);
    if (!dec)
        return rm_error_set(err, RM_ERR_NOMEM, "decoder: out of memory");
    if (cb)
        dec->cb = *cb;
    rm_deframer_init(&dec->df, dec->buf, sizeof dec->buf);
    *out = dec;
    return RM_OK;
}

void rm_decoder_free(rm_decoder *dec)
{
    rm_free(dec);
}

void rm_decoder_stats_get(const rm_decoder *dec, rm_decoder_stats *out)
{
    if (!out)
        return;
    if (!dec) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = dec->st;
}

uint32_t rm_decoder_cells(const rm_decoder *dec)
{
    return dec ? dec->cells : 0;
}

void rm_decoder_reset(rm_decoder *dec)
{
    if (!dec)
        return;
    dec->st.bytes_discarded += dec->st.bytes_pending;
    dec->st.bytes_pending = 0;
    rm_deframer_reset(&dec->df);
    dec->have_seq = 0;
}

/* Sequence accounting: a forward jump of d < 2^31 means d frames lost; a
 * backward jump (or a repeat) means the board restarted its count. */
static void track_seq(rm_decoder *dec, uint32_t seq)
{
    if (dec->have_seq && seq != dec->next_seq) {
        uint32_t d = seq - dec->next_seq; /* modulo 2^32 */
        if (d < 0x80000000u)
            dec->st.frames_lost += d;
        else
            dec->st.seq_restarts++;
    }
    dec->have_seq = 1;
    dec->next_seq = seq + 1u;
}

static int parse_sample(rm_decoder *dec, const uint8_t *p, size_t len)
{
    rm_frame f;

    if (len < RM_WIRE_SAMPLE_LEN(1) || (len - 13) % 3 != 0) {
        dec->bad_samples++;
        return 0;
    }
    size_t n = (len - 13) / 3;
    if (n > RM_MAX_CELLS || (dec->cells && n != dec->cells)) {
        dec->bad_samples++;
        return 0;
    }
    memset(&f, 0, sizeof f);
    f.seq = rm_wire_get_u32(p + 1);
    f.time_us = rm_wire_get_u32(p + 5);
    f.encoder = (int32_t)rm_wire_get_u32(p + 9);
    for (size_t i = 0; i < n; i++)
        f.cells[i] = rm_wire_get_i24(p + 13 + 3 * i);
    track_seq(dec, f.seq);
    if (dec->cb.on_frame)
        dec->cb.on_frame(&f, dec->cb.user);
    return 1;
}

/* Copy a length-prefixed string; 0 if it runs past the end, is too long
 * or holds a NUL (which would silently cut it). */
static int get_text(const uint8_t *p, size_t len, size_t *pos, char *dst,
                    size_t cap)
{
    if (*pos >= len)
        return 0;
    size_t n = p[*pos];
    if (n >= cap || n > len - *pos - 1 || memchr(p + *pos + 1, 0, n))
        return 0;
    memcpy(dst, p + *pos + 1, n);
    dst[n] = '\0';
    *pos += 1 + n;
    return 1;
}

static int reject_descriptor(rm_decoder *dec, const char *why)
{
    snprintf(dec->desc_reject, sizeof dec->desc_reject, "%s", why);
    return 0;
}

static int parse_descriptor(rm_decoder *dec, const uint8_t *p, size_t len)
{
    rm_descriptor d;
    char why[sizeof dec->desc_reject];

    if (len < 25) {
        snprintf(why, sizeof why, "descriptor of %zu bytes (at least 25)",
                 len);
        return reject_descriptor(dec, why);
    }
    if (p[1] != RM_WIRE_PROTOCOL) {
        snprintf(why, sizeof why, "descriptor version %u (this library "
                 "reads %d)", p[1], RM_WIRE_PROTOCOL);
        return reject_descriptor(dec, why);
    }
    memset(&d, 0, sizeof d);
    d.cells = p[2];
    if (d.cells < 1 || d.cells > RM_MAX_CELLS) {
        snprintf(why, sizeof why, "cell count %u outside 1..%d", d.cells,
                 RM_MAX_CELLS);
        return reject_descriptor(dec, why);
    }
    if (len < 25 + 8 * (size_t)d.cells) {
        snprintf(why, sizeof why, "descriptor of %zu bytes, too short for "
                 "%u cells", len, d.cells);
        return reject_descriptor(dec, why);
    }
    d.pitch_mm = float_from_bits(rm_wire_get_u32(p + 3));
    d.cell_area_mm2 = float_from_bits(rm_wire_get_u32(p + 7));
    d.radius_mm = float_from_bits(rm_wire_get_u32(p + 11));
    d.encoder_cpr = rm_wire_get_u32(p + 15);
    d.rate_hz = float_from_bits(rm_wire_get_u32(p + 19));
    size_t pos = 23;
    for (uint32_t i = 0; i < d.cells; i++, pos += 8) {
        d.scale_n_per_count[i] = float_from_bits(rm_wire_get_u32(p + pos));
        d.tare_counts[i] = (int32_t)rm_wire_get_u32(p + pos + 4);
    }
    if (!get_text(p, len, &pos, d.firmware, sizeof d.firmware))
        return reject_descriptor(dec, "firmware string longer than 31 "
                                 "bytes, holding 0x00 or past the end");
    if (!get_text(p, len, &pos, d.serial, sizeof d.serial))
        return reject_descriptor(dec, "serial string longer than 31 "
                                 "bytes, holding 0x00 or past the end");
    if (pos != len) {
        snprintf(why, sizeof why, "%zu bytes after the serial string "
                 "(the frame ends there)", len - pos);
        return reject_descriptor(dec, why);
    }
    if (rm_descriptor_check(&d, why, sizeof why) != RM_OK)
        return reject_descriptor(dec, why);
    dec->cells = d.cells;
    dec->desc_reject[0] = '\0';
    if (dec->cb.on_descriptor)
        dec->cb.on_descriptor(&d, dec->cb.user);
    return 1;
}

const char *rm_decoder_descriptor_reject(const rm_decoder *dec)
{
    return dec ? dec->desc_reject : "";
}

uint64_t rm_decoder_bad_samples(const rm_decoder *dec)
{
    return dec ? dec->bad_samples : 0;
}

static int parse_status(rm_decoder *dec, const uint8_t *p, size_t len)
{
    rm_board_status s;

    if (len != RM_WIRE_STATUS_LEN)
        return 0;
    memset(&s, 0, sizeof s);
    s.state = p[1];
    s.flags = p[2];
    s.uptime_ms = rm_wire_get_u32(p + 3);
    s.frames_sent = rm_wire_get_u32(p + 7);
    s.frames_dropped = rm_wire_get_u32(p + 11);
    s.adc_overruns = rm_wire_get_u32(p + 15);
    s.uart_overflows = rm_wire_get_u32(p + 19);
    s.encoder_errors = rm_wire_get_u32(p + 23);
    s.rx_errors = rm_wire_get_u32(p + 27);
    if (dec->cb.on_status)
        dec->cb.on_status(&s, dec->cb.user);
    return 1;
}

static int parse_ack(rm_decoder *dec, const uint8_t *p, size_t len)
{
    rm_ack a;

    if (len != RM_WIRE_ACK_LEN)
        return 0;
    a.request_id = p[1];
    a.command = p[2];
    a.result = p[3];
    a.version = p[4];
    /* The board restarts its sequence at 0 on START. */
    if (a.command == RM_CMD_START && a.result == RM_ACK_OK)
        dec->have_seq = 0;
    if (dec->cb.on_ack)
        dec->cb.on_ack(&a, dec->cb.user);
    return 1;
}

static int parse_command(rm_decoder *dec, const uint8_t *p, size_t len)
{
    rm_wire_command wc;
    rm_command c;

    if (rm_wire_command_parse(p, len, &wc) != RM_WA_OK)
        return 0;
    memset(&c, 0, sizeof c);
    c.type = (rm_wire_type)wc.type;
    c.request_id = wc.request_id;
    c.rate_hz = wc.rate_hz;
    c.tare_samples = wc.tare_samples;
    c.cell = wc.cell;
    c.scale_n_per_count = float_from_bits(wc.scale_bits);
    c.tare_counts = wc.tare_counts;
    if (dec->cb.on_command)
        dec->cb.on_command(&c, dec->cb.user);
    return 1;
}

/* A checked frame: dispatch on its type. 1 delivered, 0 malformed,
 * -1 unknown type. */
static int dispatch(rm_decoder *dec, const uint8_t *p, size_t len)
{
    switch (p[0]) {
    case RM_WT_SAMPLE:     return parse_sample(dec, p, len);
    case RM_WT_DESCRIPTOR: return parse_descriptor(dec, p, len);
    case RM_WT_STATUS:     return parse_status(dec, p, len);
    case RM_WT_ACK:        return parse_ack(dec, p, len);
    case RM_WT_PING:
    case RM_WT_IDENTIFY:
    case RM_WT_START:
    case RM_WT_STOP:
    case RM_WT_TARE:
    case RM_WT_SET_RATE:
    case RM_WT_SET_CAL:
    case RM_WT_STORE_CAL:
    case RM_WT_GET_STATUS: return parse_command(dec, p, len);
    default:               return -1;
    }
}

rm_status rm_decoder_feed(rm_decoder *dec, const void *bytes, size_t len)
{
    const uint8_t *b = bytes;

    if (!dec || (!b && len > 0))
        return RM_ERR_ARG;
    for (size_t i = 0; i < len; i++) {
        dec->st.bytes_in++;
        dec->st.bytes_pending++;
        int ev = rm_deframer_push(&dec->df, b[i]);
        if (ev == RM_DEFRAME_MORE)
            continue;
        uint64_t n = dec->st.bytes_pending; /* this frame, delimiter too */
        dec->st.bytes_pending = 0;
        int ok = 0;
        switch (ev) {
        case RM_DEFRAME_EMPTY:
            ok = 1;
            break;
        case RM_DEFRAME_FRAME: {
            int r = dispatch(dec, dec->df.buf, dec->df.len);
            if (r > 0) {
                dec->st.frames_ok++;
                ok = 1;
            } else if (r == 0) {
                dec->st.malformed++;
            } else {
                dec->st.unknown_type++;
            }
            break;
        }
        case RM_DEFRAME_CRC:      dec->st.crc_errors++; break;
        case RM_DEFRAME_COBS:     dec->st.cobs_errors++; break;
        case RM_DEFRAME_OVERSIZE: dec->st.oversize++; break;
        default:                  break;
        }
        if (ok)
            dec->st.bytes_ok += n;
        else
            dec->st.bytes_discarded += n;
    }
    return RM_OK;
}

/* ---- encoders ---------------------------------------------------- */

/* Seal payload buf[0..n) (buf has 2 spare bytes) into out. */
static rm_status seal(uint8_t *buf, size_t n, uint8_t *out, size_t cap,
                      size_t *len)
{
    size_t m = rm_wire_seal(buf, n, out, cap);
    if (m == 0)
        return RM_ERR_ARG;
    *len = m;
    return RM_OK;
}

rm_status rm_wire_encode_frame(const rm_frame *f, uint32_t cells,
                               uint8_t *out, size_t cap, size_t *len)
{
    uint8_t buf[RM_WIRE_SAMPLE_LEN(RM_MAX_CELLS) + 2];

    if (!f || !out || !len || cells < 1 || cells > RM_MAX_CELLS)
        return RM_ERR_ARG;
    for (uint32_t i = 0; i < cells; i++)
        if (f->cells[i] < RM_WIRE_I24_MIN || f->cells[i] > RM_WIRE_I24_MAX)
            return RM_ERR_ARG;
    size_t n = rm_wire_sample_payload(buf, f->seq, f->time_us, f->encoder,
                                      f->cells, (uint8_t)cells);
    return seal(buf, n, out, cap, len);
}

rm_status rm_wire_encode_descriptor(const rm_descriptor *d, uint8_t *out,
                                    size_t cap, size_t *len)
{
    uint8_t buf[RM_WIRE_DESC_MAX + 2];
    rm_wire_geometry g;

    if (!d || !out || !len || rm_descriptor_check(d, NULL, 0) != RM_OK)
        return RM_ERR_ARG;
    /* Strings holding bytes the wire cannot carry would be cut. */
    if (strlen(d->firmware) > RM_WIRE_TEXT_MAX ||
        strlen(d->serial) > RM_WIRE_TEXT_MAX)
        return RM_ERR_ARG;
    g.cells = (uint8_t)d->cells;
    g.pitch_mm_bits = bits_from_float(d->pitch_mm);
    g.cell_area_mm2_bits = bits_from_float(d->cell_area_mm2);
    g.radius_mm_bits = bits_from_float(d->radius_mm);
    g.encoder_cpr = d->encoder_cpr;
    g.rate_hz_bits = bits_from_float(d->rate_hz);
    size_t n = rm_wire_desc_head(buf, &g);
    for (uint32_t i = 0; i < d->cells; i++)
        n += rm_wire_desc_cell(buf + n, bits_from_float(d->scale_n_per_count[i]),
                               d->tare_counts[i]);
    n += rm_wire_put_text(buf + n, d->firmware);
    n += rm_wire_put_text(buf + n, d->serial);
    return seal(buf, n, out, cap, len);
}

rm_status rm_wire_encode_status(const rm_board_status *s, uint8_t *out,
                                size_t cap, size_t *len)
{
    uint8_t buf[RM_WIRE_STATUS_LEN + 2];

    if (!s || !out || !len)
        return RM_ERR_ARG;
    uint32_t c[RM_WIRE_STATUS_COUNTERS] = {
        s->uptime_ms,      s->frames_sent,    s->frames_dropped,
        s->adc_overruns,   s->uart_overflows, s->encoder_errors,
        s->rx_errors,
    };
    size_t n = rm_wire_status_payload(buf, s->state, s->flags, c);
    return seal(buf, n, out, cap, len);
}

rm_status rm_wire_encode_ack(const rm_ack *a, uint8_t *out, size_t cap,
                             size_t *len)
{
    uint8_t buf[RM_WIRE_ACK_LEN + 2];

    if (!a || !out || !len)
        return RM_ERR_ARG;
    size_t n = rm_wire_ack_payload(buf, a->request_id, a->command, a->result);
    buf[4] = a->version; /* a virtual board may claim another version */
    return seal(buf, n, out, cap, len);
}

rm_status rm_wire_encode_command(const rm_command *c, uint8_t *out,
                                 size_t cap, size_t *len)
{
    uint8_t buf[RM_WIRE_CMD_MAX_LEN + 2];
    rm_wire_command wc;

    if (!c || !out || !len)
        return RM_ERR_ARG;
    memset(&wc, 0, sizeof wc);
    wc.type = (uint8_t)c->type;
    wc.request_id = c->request_id;
    wc.tare_samples = c->tare_samples;
    wc.cell = c->cell;
    wc.rate_hz = c->rate_hz;
    wc.scale_bits = bits_from_float(c->scale_n_per_count);
    wc.tare_counts = c->tare_counts;
    if ((int)c->type < 0 || (int)c->type > 0x7F)
        return RM_ERR_ARG;
    size_t n = rm_wire_command_payload(buf, &wc);
    if (n == 0)
        return RM_ERR_ARG;
    return seal(buf, n, out, cap, len);
}

const char *rm_wire_type_name(int type)
{
    switch (type) {
    case RM_CMD_PING:       return "ping";
    case RM_CMD_IDENTIFY:   return "identify";
    case RM_CMD_START:      return "start";
    case RM_CMD_STOP:       return "stop";
    case RM_CMD_TARE:       return "tare";
    case RM_CMD_SET_RATE:   return "set_rate";
    case RM_CMD_SET_CAL:    return "set_cal";
    case RM_CMD_STORE_CAL:  return "store_cal";
    case RM_CMD_GET_STATUS: return "get_status";
    case RM_MSG_ACK:        return "ack";
    case RM_MSG_SAMPLE:     return "sample";
    case RM_MSG_DESCRIPTOR: return "descriptor";
    case RM_MSG_STATUS:     return "status";
    default:                return "unknown";
    }
}

const char *rm_ack_result_name(int result)
{
    switch (result) {
    case RM_ACK_OK:        return "ok";
    case RM_ACK_UNKNOWN:   return "unknown command";
    case RM_ACK_BAD_ARG:   return "bad argument";
    case RM_ACK_BUSY:      return "busy";
    case RM_ACK_STORAGE:   return "storage failed";
    case RM_ACK_NO_SIGNAL: return "no signal from the ADC";
    default:               return "unknown";
    }
}

/* The getter under the library's one naming scheme (rm_<object>_get_<what>). */
void rm_decoder_get_stats(const rm_decoder *dec, rm_decoder_stats *out)
{
    rm_decoder_stats_get(dec, out);
}
