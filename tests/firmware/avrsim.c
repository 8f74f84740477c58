/*
 * simavr harness for the rev A firmware (see avrsim.h). The virtual
 * HX711s follow the datasheet: DOUT goes low when a conversion is ready,
 * each PD_SCK rising edge shifts out the next bit (MSB first), the 25th
 * pulse sets gain 128 and pulls DOUT high until the next conversion; a
 * clock held high for over 60 us would power the chip down (counted).
 */
#include <gelf.h>
#include <libelf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <simavr/avr_ioport.h>
#include <simavr/avr_uart.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_cycle_timers.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_irq.h>

#include "avrsim.h"

#define F_CPU 16000000u
/* Start-up (avr-libc init, EEPROM read) is done well before this. */
#define BOOT_CYCLES (F_CPU / 20u) /* 50 ms */
#define SCK_MAX_HIGH_CYCLES (60u * (F_CPU / 1000000u)) /* 60 us */

struct avrsim {
    avr_t *avr;
    elf_firmware_t fw;
    uint64_t period;
    avrsim_source_fn src;
    avrsim_tx_fn tx;
    void *user;
    avrsim_stats st;

    /* Source: the next frame, peeked but not yet consumed. */
    int32_t next_cells[AVRSIM_CELLS];
    int32_t next_enc;
    int have_next;
    int32_t streaming_addr;      /* SRAM address of board.streaming, or -1 */

    /* HX711 state, shared by all twelve (one clock). */
    int32_t cells[AVRSIM_CELLS]; /* conversion being clocked out */
    int ready;                   /* converted, not yet clocked out */
    int pulses;                  /* rising edges since ready */
    int sck;
    uint64_t sck_rise;
    avr_irq_t *dout[AVRSIM_CELLS];

    /* Encoder. */
    int32_t enc_now, enc_target;
    int enc_moving;
    uint64_t enc_spacing;        /* cycles between edges */
    avr_irq_t *enc_a, *enc_b;

    /* Marker pin. */
    uint64_t mark_rise;

    /* UART to the firmware. */
    uint8_t rxq[4096];
    size_t rxq_head, rxq_len;
    int xon;
    avr_irq_t *uart_in;

    /* .data check */
    uint8_t *data_img;
    size_t data_len;
    uint16_t data_addr;
};

/* DOUT of every chip: bit `bit` of its value, or high (not ready). */
static void set_dout_bit(avrsim *s, int bit)
{
    for (int i = 0; i < AVRSIM_CELLS; i++) {
        uint32_t v = bit < 0 ? 1u : ((uint32_t)s->cells[i] >> bit) & 1u;
        avr_raise_irq(s->dout[i], v);
    }
}

static void set_dout_level(avrsim *s, uint32_t level)
{
    for (int i = 0; i < AVRSIM_CELLS; i++)
        avr_raise_irq(s->dout[i], level);
}

/* Quadrature states in forward order, A = bit 0 (PD2), B = bit 1 (PD3),
 * as the firmware's table expects. */
static void drive_encoder(avrsim *s)
{
    static const uint8_t gray[4] = { 0, 1, 3, 2 };
    uint8_t g = gray[(uint32_t)s->enc_now & 3u];
    avr_raise_irq(s->enc_a, g & 1u);
    avr_raise_irq(s->enc_b, (g >> 1) & 1u);
}

/* Cycles between encoder edges: the firmware's ISR needs ~100. */
#define EDGE_SPACING 200u
/* Edges start this long after a read, after the firmware has sampled
 * the encoder for it (it does so right after the 25th pulse). */
#define EDGE_DELAY 2000u

static avr_cycle_count_t encoder_step(avr_t *avr, avr_cycle_count_t when,
                                      void *param)
{
    avrsim *s = param;
    (void)avr;
    if (s->enc_now == s->enc_target) {
        s->enc_moving = 0;
        return 0;
    }
    s->enc_now += s->enc_now < s->enc_target ? 1 : -1;
    s->st.encoder_steps++;
    drive_encoder(s);
    return when + s->enc_spacing;
}

/* Move the encoder to the next frame's count before the next read. */
static void aim_encoder(avrsim *s)
{
    if (!s->have_next)
        return;
    uint64_t budget = s->period > EDGE_DELAY + 4000 ? s->period - EDGE_DELAY - 4000
                                                    : 0;
    int64_t max_steps = (int64_t)(budget / EDGE_SPACING);
    int64_t d = (int64_t)s->next_enc - s->enc_now;
    if (d > max_steps || d < -max_steps) {
        /* Cannot get there in time: the frame's encoder will differ. */
        s->st.encoder_clamped++;
    }
    s->enc_target = s->next_enc;
    /* Edges spread evenly over the time available, as a turning roller
     * makes them, never closer than EDGE_SPACING. */
    uint64_t steps = (uint64_t)(d < 0 ? -d : d);
    s->enc_spacing = steps ? budget / (steps + 1) : EDGE_SPACING;
    if (s->enc_spacing < EDGE_SPACING)
        s->enc_spacing = EDGE_SPACING;
    if (!s->enc_moving && s->enc_target != s->enc_now) {
        s->enc_moving = 1;
        avr_cycle_timer_register(s->avr, EDGE_DELAY, encoder_step, s);
    }
}

static void peek_next(avrsim *s)
{
    int32_t enc = s->next_enc;
    s->have_next = s->src(s->next_cells, &enc, s->user);
    if (s->have_next)
        s->next_enc = enc;
}

/* The ADCs convert on a fixed grid (one crystal); an unread conversion
 * is overwritten: an overrun. */
static avr_cycle_count_t conversion(avr_t *avr, avr_cycle_count_t when,
                                    void *param)
{
    avrsim *s = param;
    (void)avr;
    if (!s->have_next)
        return 0; /* the source ran dry: the ADCs stop converting */
    if (s->ready || (s->pulses > 0 && s->pulses < 25))
        s->st.overruns++;
    s->st.conversions++;
    s->ready = 1;
    s->pulses = 0;
    set_dout_level(s, 0); /* all DOUT low: ready */
    return when + s->period;
}

/* Is the firmware streaming? Read from its RAM (board.streaming), so the
 * source is consumed exactly by the conversions that become frames. */
static int fw_streaming(const avrsim *s)
{
    if (s->streaming_addr < 0)
        return 1;
    return s->avr->data[s->streaming_addr] != 0;
}

static void sck_changed(struct avr_irq_t *irq, uint32_t value, void *param)
{
    avrsim *s = param;
    (void)irq;
    if (value && !s->sck) {
        s->sck_rise = s->avr->cycle;
        s->pulses++;
        if (s->pulses == 1) {
            /* The values are fixed at the first pulse: nothing in the
             * firmware can change its state during a read. */
            if (s->have_next)
                memcpy(s->cells, s->next_cells, sizeof s->cells);
            else
                memset(s->cells, 0, sizeof s->cells);
            if (s->have_next && fw_streaming(s))
                peek_next(s); /* consumed */
        }
        if (s->pulses <= 24) {
            s->ready = 0;
            set_dout_bit(s, 24 - s->pulses); /* MSB first */
        } else {
            set_dout_bit(s, -1); /* 25th: high until the next conversion */
            if (s->pulses == 25) {
                s->st.conversions_read++;
                aim_encoder(s);
            } else {
                s->st.bad_pulse_count++;
            }
        }
    } else if (!value && s->sck) {
        uint64_t high = s->avr->cycle - s->sck_rise;
        if (high > s->st.sck_max_high_cycles)
            s->st.sck_max_high_cycles = high;
        if (high > SCK_MAX_HIGH_CYCLES)
            s->st.sck_too_long++;
    }
    s->sck = value != 0;
}

static void mark_changed(struct avr_irq_t *irq, uint32_t value, void *param)
{
    avrsim *s = param;
    (void)irq;
    if (value) {
        s->mark_rise = s->avr->cycle;
    } else if (s->mark_rise) {
        uint64_t c = s->avr->cycle - s->mark_rise;
        if (!s->st.frame_work_n || c < s->st.frame_work_min)
            s->st.frame_work_min = c;
        if (c > s->st.frame_work_max)
            s->st.frame_work_max = c;
        s->st.frame_work_sum += c;
        s->st.frame_work_n++;
    }
}

static void uart_out(struct avr_irq_t *irq, uint32_t value, void *param)
{
    avrsim *s = param;
    (void)irq;
    s->st.tx_bytes++;
    if (s->tx)
        s->tx((uint8_t)value, s->user);
}

static void uart_xon(struct avr_irq_t *irq, uint32_t value, void *param)
{
    avrsim *s = param;
    (void)irq;
    (void)value;
    s->xon = 1;
}

static void uart_xoff(struct avr_irq_t *irq, uint32_t value, void *param)
{
    avrsim *s = param;
    (void)irq;
    (void)value;
    s->xon = 0;
}

/* Host bytes wait until the firmware has booted and enabled its
 * receiver (a real board would lose them; a pipe user should not). */
static void pump_rx(avrsim *s)
{
    while (s->rxq_len && s->xon && s->avr->cycle >= BOOT_CYCLES) {
        uint8_t b = s->rxq[s->rxq_head];
        s->rxq_head = (s->rxq_head + 1) % sizeof s->rxq;
        s->rxq_len--;
        s->st.rx_bytes++;
        avr_raise_irq(s->uart_in, b);
    }
}

/* From the ELF (libelf): the .data image and its SRAM address, to check
 * that it reached RAM, and the address of the firmware's `board` (its
 * first byte is board.streaming; firmware/core/board.h). */
static void read_elf(avrsim *s, const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return;
    elf_version(EV_CURRENT);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    size_t shstrndx = 0;
    if (e && elf_getshdrstrndx(e, &shstrndx) == 0) {
        Elf_Scn *scn = NULL;
        while ((scn = elf_nextscn(e, scn))) {
            GElf_Shdr sh;
            gelf_getshdr(scn, &sh);
            const char *name = elf_strptr(e, shstrndx, sh.sh_name);
            Elf_Data *d = elf_getdata(scn, NULL);
            if (!name || !d)
                continue;
            if (strcmp(name, ".data") == 0 && d->d_size && !s->data_img) {
                s->data_img = malloc(d->d_size);
                if (s->data_img) {
                    memcpy(s->data_img, d->d_buf, d->d_size);
                    s->data_len = d->d_size;
                    s->data_addr = (uint16_t)(sh.sh_addr & 0xFFFFu);
                }
            } else if (sh.sh_type == SHT_SYMTAB && sh.sh_entsize) {
                size_t n = sh.sh_size / sh.sh_entsize;
                for (size_t i = 0; i < n; i++) {
                    GElf_Sym sym;
                    if (!gelf_getsym(d, (int)i, &sym))
                        continue;
                    const char *sn = elf_strptr(e, sh.sh_link, sym.st_name);
                    if (sn && strcmp(sn, "board") == 0)
                        s->streaming_addr = (int32_t)(sym.st_value & 0xFFFFu);
                }
            }
        }
    }
    if (e)
        elf_end(e);
    close(fd);
}

int avrsim_data_ok(const avrsim *s)
{
    if (!s->data_img)
        return 1;
    return memcmp(s->avr->data + s->data_addr, s->data_img, s->data_len) == 0;
}

avrsim *avrsim_new(const char *elf_path, uint64_t period_cycles,
                   avrsim_source_fn src, avrsim_tx_fn tx, void *user,
                   char *err, size_t err_len)
{
    avrsim *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    if (elf_read_firmware(elf_path, &s->fw) != 0) {
        snprintf(err, err_len, "%s: cannot read the firmware ELF", elf_path);
        free(s);
        return NULL;
    }
    s->avr = avr_make_mcu_by_name("atmega328p");
    if (!s->avr) {
        snprintf(err, err_len, "simavr has no atmega328p");
        free(s);
        return NULL;
    }
    avr_init(s->avr);
    s->fw.frequency = F_CPU;
    avr_load_firmware(s->avr, &s->fw);
    s->avr->frequency = F_CPU;
    s->avr->log = 0;
    s->streaming_addr = -1;
    read_elf(s, elf_path);

    s->period = period_cycles;
    s->src = src;
    s->tx = tx;
    s->user = user;
    s->xon = 1;

    for (int i = 0; i < 6; i++) {
        s->dout[i] = avr_io_getirq(s->avr, AVR_IOCTL_IOPORT_GETIRQ('B'), i);
        s->dout[i + 6] = avr_io_getirq(s->avr, AVR_IOCTL_IOPORT_GETIRQ('C'), i);
    }
    set_dout_level(s, 1); /* converting: DOUT high */
    s->enc_a = avr_io_getirq(s->avr, AVR_IOCTL_IOPORT_GETIRQ('D'), 2);
    s->enc_b = avr_io_getirq(s->avr, AVR_IOCTL_IOPORT_GETIRQ('D'), 3);
    drive_encoder(s);
    avr_irq_register_notify(
        avr_io_getirq(s->avr, AVR_IOCTL_IOPORT_GETIRQ('D'), 4), sck_changed, s);
    avr_irq_register_notify(
        avr_io_getirq(s->avr, AVR_IOCTL_IOPORT_GETIRQ('D'), 5), mark_changed, s);

    uint32_t flags = 0;
    avr_ioctl(s->avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
    flags &= ~(uint32_t)AVR_UART_FLAG_STDIO;
    avr_ioctl(s->avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    avr_irq_register_notify(
        avr_io_getirq(s->avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT),
        uart_out, s);
    avr_irq_register_notify(
        avr_io_getirq(s->avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON),
        uart_xon, s);
    avr_irq_register_notify(
        avr_io_getirq(s->avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
        uart_xoff, s);
    s->uart_in = avr_io_getirq(s->avr, AVR_IOCTL_UART_GETIRQ('0'),
                               UART_IRQ_INPUT);

    /* The first conversion comes BOOT_CYCLES after power-up, once the
     * firmware listens to its encoder interrupts; the encoder moves to
     * the first frame's count after the first read. */
    peek_next(s);
    avr_cycle_timer_register(s->avr, BOOT_CYCLES, conversion, s);
    return s;
}

void avrsim_free(avrsim *s)
{
    if (!s)
        return;
    avr_terminate(s->avr);
    free(s->data_img);
    free(s);
}

void avrsim_send(avrsim *s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n && s->rxq_len < sizeof s->rxq; i++) {
        s->rxq[(s->rxq_head + s->rxq_len) % sizeof s->rxq] = p[i];
        s->rxq_len++;
    }
}

int avrsim_run(avrsim *s, uint64_t cycles)
{
    uint64_t end = s->avr->cycle + cycles;
    while (s->avr->cycle < end) {
        pump_rx(s);
        int state = avr_run(s->avr);
        if (state == cpu_Done || state == cpu_Crashed)
            return -1;
        /* SP is at I/O 0x3D/0x3E (data 0x5D/0x5E); RAMEND is 0x8FF. */
        uint16_t sp = (uint16_t)(s->avr->data[0x5D] | s->avr->data[0x5E] << 8);
        if (sp && sp <= 0x8FF && 0x8FFu - sp > s->st.stack_max_bytes)
            s->st.stack_max_bytes = 0x8FFu - sp;
    }
    return 0;
}

uint64_t avrsim_cycle(const avrsim *s)
{
    return s->avr->cycle;
}

void avrsim_get_stats(const avrsim *s, avrsim_stats *out)
{
    *out = s->st;
}
