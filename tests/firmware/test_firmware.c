/*
 * The real firmware ELF in simavr, end to end: commands from the host
 * encoder, replies and frames through rm_decoder, virtual HX711s and
 * encoder fed from a known frame source. Checks that every frame arrives
 * bit-exact, in order, none lost, and that the HX711 clock rules hold.
 *   test_firmware             the check (make check)
 *   test_firmware --measure   also sweep frame rates (docs/firmware.md)
 * ELFs: $RM_FW_ELF / $RM_FW_ELF_1M, else the paths compiled in.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avrsim.h"
#include "rollmap.h"

#ifndef FW_ELF
#define FW_ELF "build/firmware/rollmap-fw.elf"
#endif
#ifndef FW_ELF_1M
#define FW_ELF_1M "build/firmware/rollmap-fw-1m.elf"
#endif

#define F_CPU 16000000ull
#define MAX_FRAMES 4096

static int failures;

#define EXPECT(cond, ...)                                                   \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "test_firmware: FAIL %s:%d: ", __FILE__,        \
                    __LINE__);                                              \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
            failures++;                                                     \
        }                                                                   \
    } while (0)

/* ---- the frame source: distinct, deterministic frames --------------- */

typedef struct source {
    uint32_t next;     /* index of the next frame */
    uint32_t limit;
    int still_encoder; /* sweep: no encoder motion */
} source;

static void source_frame(uint32_t k, int32_t *cells, int32_t *enc, int still)
{
    for (int i = 0; i < AVRSIM_CELLS; i++) {
        uint32_t u = (k * 2654435761u) ^ ((uint32_t)i * 40503u);
        cells[i] = (int32_t)(u % 16777216u) - 8388608; /* full 24-bit range */
    }
    if (k % 17 == 3) { /* the extremes and zero */
        cells[0] = 8388607;
        cells[1] = -8388608;
        cells[2] = 0;
        cells[3] = -1;
    }
    /* Rolling back and forth: up to ~19 counts per frame. */
    *enc = still ? 0 : (int32_t)lround(300.0 * sin(k / 16.0)) - 40;
}

static int source_next(int32_t cells[AVRSIM_CELLS], int32_t *encoder,
                       void *user)
{
    source *s = user;
    if (s->next >= s->limit)
        return 0;
    source_frame(s->next++, cells, encoder, s->still_encoder);
    return 1;
}

/* ---- the host side: decoder callbacks ------------------------------- */

typedef struct host {
    source src;
    avrsim *sim;
    rm_decoder *dec;
    rm_frame *frames;
    size_t n_frames;
    rm_descriptor desc;
    int n_desc;
    rm_board_status status;
    int n_status;
    rm_ack ack;
    int n_acks;
} host;

static void on_frame(const rm_frame *f, void *u)
{
    host *h = u;
    if (h->n_frames < MAX_FRAMES)
        h->frames[h->n_frames] = *f;
    h->n_frames++;
}
static void on_desc(const rm_descriptor *d, void *u)
{
    host *h = u;
    h->desc = *d;
    h->n_desc++;
}
static void on_status(const rm_board_status *s, void *u)
{
    host *h = u;
    h->status = *s;
    h->n_status++;
}
static void on_ack(const rm_ack *a, void *u)
{
    host *h = u;
    h->ack = *a;
    h->n_acks++;
}
static void on_tx(uint8_t byte, void *u)
{
    host *h = u;
    rm_decoder_feed(h->dec, &byte, 1);
}

static int host_open(host *h, const char *elf, uint64_t period,
                     uint32_t frames, int still)
{
    char err[256];
    rm_decoder_callbacks cb = { on_frame, on_desc, on_status, on_ack, NULL, h };
    memset(h, 0, sizeof *h);
    h->src.limit = frames;
    h->src.still_encoder = still;
    h->frames = calloc(MAX_FRAMES, sizeof *h->frames);
    if (!h->frames || rm_decoder_new(&cb, &h->dec, NULL) != RM_OK)
        return -1;
    h->sim = avrsim_new(elf, period, source_next, on_tx, h, err, sizeof err);
    if (!h->sim) {
        fprintf(stderr, "test_firmware: %s\n", err);
        return -1;
    }
    return 0;
}

static void host_close(host *h)
{
    avrsim_free(h->sim);
    rm_decoder_free(h->dec);
    free(h->frames);
}

/* Send a command and run until its ack (or 2 s of board time); the ack's
 * result, or -1 without one. */
static int command(host *h, rm_wire_type type, uint8_t req)
{
    uint8_t buf[RM_WIRE_MAX_FRAME];
    size_t n = 0;
    rm_command c = { .type = type, .request_id = req };
    int acks = h->n_acks;
    buf[0] = 0x00; /* flush the board's receiver, as a host does */
    rm_wire_encode_command(&c, buf + 1, sizeof buf - 1, &n);
    avrsim_send(h->sim, buf, n + 1);
    for (int i = 0; i < 2000 && h->n_acks == acks; i++)
        if (avrsim_run(h->sim, F_CPU / 1000) != 0)
            return -1;
    if (h->n_acks == acks || h->ack.request_id != req)
        return -1;
    return h->ack.result;
}

/* ---- the check --------------------------------------------------- */

static void check_stream(const char *elf)
{
    host h;
    const uint32_t n_src = 400; /* 5 s at 80 Hz */
    avrsim_stats st;
    rm_decoder_stats ds;

    if (host_open(&h, elf, F_CPU / 80, n_src, 0) != 0) {
        failures++;
        return;
    }
    avrsim_run(h.sim, F_CPU / 5); /* boot */
    EXPECT(command(&h, RM_CMD_PING, 1) == RM_ACK_OK, "PING not acked");
    EXPECT(h.ack.version == RM_WIRE_VERSION, "board speaks version %u",
           h.ack.version);
    EXPECT(avrsim_data_ok(h.sim),
           "initialised .data did not reach RAM in simavr");

    EXPECT(command(&h, RM_CMD_IDENTIFY, 2) == RM_ACK_OK, "IDENTIFY failed");
    rm_descriptor ref;
    rm_descriptor_rev_a(&ref);
    EXPECT(h.n_desc == 1 && memcmp(&h.desc, &ref, sizeof ref) == 0,
           "descriptor is not rev A (firmware \"%s\", serial \"%s\")",
           h.desc.firmware, h.desc.serial);

    /* Calibration on the real board, while idle (idle reads do not use
     * up source frames). */
    EXPECT(command(&h, RM_CMD_TARE, 8) == RM_ACK_OK, "TARE failed");
    EXPECT(command(&h, RM_CMD_STORE_CAL, 9) == RM_ACK_OK, "STORE_CAL failed");
    EXPECT(command(&h, RM_CMD_START, 3) == RM_ACK_OK, "START failed");
    while (h.src.next < n_src && avrsim_cycle(h.sim) < 20 * F_CPU)
        avrsim_run(h.sim, F_CPU / 100);
    avrsim_run(h.sim, F_CPU / 20); /* the last frame leaves the UART */
    EXPECT(command(&h, RM_CMD_STOP, 4) == RM_ACK_OK, "STOP failed");

    /* Every source frame the firmware took arrived, in order, exact. */
    EXPECT(h.n_frames == n_src, "%zu frames for %u source frames",
           h.n_frames, n_src);
    size_t bad = 0;
    uint32_t dt_min = UINT32_MAX, dt_max = 0;
    for (size_t k = 0; k < h.n_frames && k < MAX_FRAMES; k++) {
        int32_t cells[AVRSIM_CELLS], enc;
        source_frame((uint32_t)k, cells, &enc, 0);
        const rm_frame *f = &h.frames[k];
        int ok = f->seq == k && f->encoder == enc &&
                 memcmp(f->cells, cells, sizeof cells) == 0;
        uint32_t dt = 12500;
        if (k > 0) {
            /* 80 Hz conversions, seen ready within one pass of the main
             * loop (4 us clock ticks plus loop latency). */
            dt = f->time_us - h.frames[k - 1].time_us;
            dt_min = dt < dt_min ? dt : dt_min;
            dt_max = dt > dt_max ? dt : dt_max;
            ok = ok && dt >= 12500 - 200 && dt <= 12500 + 200;
        }
        if (!ok && bad++ < 3)
            fprintf(stderr, "frame %zu: seq %u enc %d (want %d) cell0 %d "
                    "(want %d) dt %u us\n", k, f->seq, f->encoder, enc,
                    f->cells[0], cells[0], dt);
    }
    EXPECT(bad == 0, "%zu frames differ from the source", bad);

    rm_decoder_stats_get(h.dec, &ds);
    EXPECT(ds.bytes_discarded == 0 && ds.frames_lost == 0,
           "decoder: %llu bytes discarded, %llu frames lost",
           (unsigned long long)ds.bytes_discarded,
           (unsigned long long)ds.frames_lost);
    EXPECT(h.n_status >= 5, "%d status frames in 5 s", h.n_status);
    EXPECT(h.status.state == RM_BOARD_IDLE, "not idle after STOP");
    EXPECT(h.status.frames_sent == n_src && h.status.frames_dropped == 0 &&
           h.status.adc_overruns == 0 && h.status.encoder_errors == 0 &&
           h.status.uart_overflows == 0 && h.status.rx_errors == 0,
           "board counters: sent %u dropped %u overruns %u encoder %u "
           "uart %u rx %u", h.status.frames_sent, h.status.frames_dropped,
           h.status.adc_overruns, h.status.encoder_errors,
           h.status.uart_overflows, h.status.rx_errors);

    avrsim_get_stats(h.sim, &st);
    EXPECT(st.overruns == 0, "%llu conversions overrun",
           (unsigned long long)st.overruns);
    EXPECT(st.sck_too_long == 0 && st.bad_pulse_count == 0,
           "HX711 clock: %llu high phases over 60 us, %llu bad reads",
           (unsigned long long)st.sck_too_long,
           (unsigned long long)st.bad_pulse_count);
    EXPECT(st.encoder_clamped == 0, "encoder could not follow the source");

    /* The source has run dry, so the ADCs have stopped: no signal. */
    EXPECT(command(&h, RM_CMD_TARE, 5) == RM_ACK_NO_SIGNAL, "TARE without conversions: %s",
           rm_ack_result_name(h.ack.result));

    avrsim_get_stats(h.sim, &st);
    printf("firmware in simavr: %zu/%u frames exact, frame work %llu..%llu "
           "cycles (mean %llu), HX711 clock high at most %llu cycles "
           "(%.2f us), %llu encoder steps, frame spacing %u..%u us, "
           "stack at most %llu bytes\n",
           h.n_frames, n_src, (unsigned long long)st.frame_work_min,
           (unsigned long long)st.frame_work_max,
           (unsigned long long)(st.frame_work_n ? st.frame_work_sum /
                                                  st.frame_work_n : 0),
           (unsigned long long)st.sck_max_high_cycles,
           st.sck_max_high_cycles / 16.0,
           (unsigned long long)st.encoder_steps, dt_min, dt_max,
           (unsigned long long)st.stack_max_bytes);
    /* 2048 bytes of SRAM: data + bss + stack must leave a margin. */
    EXPECT(st.stack_max_bytes < 2048 - 1024, "stack %llu bytes",
           (unsigned long long)st.stack_max_bytes);
    host_close(&h);
}

/* ---- the measurement: highest sustainable rate ------------------- */

/* Run `frames` conversions at `rate_hz`: 1 if every one became a frame
 * that arrived (no overrun, no drop, no gap). */
static int sustains(const char *elf, double rate_hz, uint32_t frames,
                    avrsim_stats *st_out)
{
    host h;
    rm_decoder_stats ds;
    int ok;
    if (host_open(&h, elf, (uint64_t)(F_CPU / rate_hz), frames, 1) != 0)
        return 0;
    avrsim_run(h.sim, F_CPU / 5);
    ok = command(&h, RM_CMD_START, 1) == RM_ACK_OK;
    while (ok && h.src.next < frames && avrsim_cycle(h.sim) < 30 * F_CPU)
        avrsim_run(h.sim, F_CPU / 1000);
    avrsim_run(h.sim, F_CPU / 10);
    command(&h, RM_CMD_STOP, 2);
    avrsim_get_stats(h.sim, st_out);
    rm_decoder_stats_get(h.dec, &ds);
    /* The first conversions after START may overrun while the ack is
     * being built: count only losses that show in the stream. */
    ok = ok && h.n_frames == frames && ds.frames_lost == 0 &&
         h.status.frames_dropped == 0 && st_out->overruns <= 1;
    host_close(&h);
    return ok;
}

static void measure(const char *elf, const char *name)
{
    static const double rates[] = { 80,  160, 200, 205, 210, 215, 220,
                                    400, 500, 600, 700, 800, 1000, 1200 };
    printf("%s: rate_hz sustained frame_work_cycles(mean) overruns\n", name);
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        avrsim_stats st;
        int ok = sustains(elf, rates[i], 300, &st);
        printf("  %6.0f  %-3s  %llu  %llu\n", rates[i], ok ? "yes" : "no",
               (unsigned long long)(st.frame_work_n ? st.frame_work_sum /
                                                      st.frame_work_n : 0),
               (unsigned long long)st.overruns);
    }
}

int main(int argc, char **argv)
{
    const char *elf = getenv("RM_FW_ELF") ? getenv("RM_FW_ELF") : FW_ELF;
    const char *elf1m = getenv("RM_FW_ELF_1M") ? getenv("RM_FW_ELF_1M")
                                               : FW_ELF_1M;
    check_stream(elf);
    if (argc > 1 && strcmp(argv[1], "--measure") == 0) {
        measure(elf, "115200 baud");
        measure(elf1m, "1 Mbaud");
    } else {
        /* A quick bound for make check: 1 Mbaud firmware at 500 Hz. */
        avrsim_stats st;
        EXPECT(sustains(elf1m, 500, 200, &st), "1 Mbaud board at 500 Hz");
    }
    if (failures)
        fprintf(stderr, "test_firmware: %d failure(s)\n", failures);
    return failures ? 1 : 0;
}
