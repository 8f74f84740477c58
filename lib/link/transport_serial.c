/*
 * Serial ports through libserialport: listing with USB ids, picking the
 * board by VID:PID when no port is named, and the "serial" transport.
 * Bottom of the live path; knows nothing of frames.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <libserialport.h>

#include "link/transport.h"

/*
 * USB ids that look like a rollmap board (docs/live.md keeps this list).
 * The Arduino ids are boards; the bridge chips are also in non-Arduino
 * gadgets, so they only "look like" a clone board.
 */
static const struct usb_kind {
    uint16_t vid, pid;
    const char *kind;
} usb_kinds[] = {
    { 0x2341, 0x0043, "Arduino Uno R3" },
    { 0x2341, 0x0001, "Arduino Uno" },
    { 0x2341, 0x0243, "Arduino Uno R3 (Genuino)" },
    { 0x2a03, 0x0043, "Arduino Uno R3 (arduino.org)" },
    { 0x2341, 0x0010, "Arduino Mega 2560" },
    { 0x2341, 0x0042, "Arduino Mega 2560 R3" },
    { 0x1a86, 0x7523, "CH340 USB-serial (Arduino clone)" },
    { 0x0403, 0x6001, "FTDI FT232R USB-serial (Nano/clone)" },
    { 0x10c4, 0xea60, "CP210x USB-serial (clone)" },
};

const char *rm_usb_board_kind(int vid, int pid)
{
    for (size_t i = 0; i < sizeof usb_kinds / sizeof usb_kinds[0]; i++)
        if (usb_kinds[i].vid == vid && usb_kinds[i].pid == pid)
            return usb_kinds[i].kind;
    return NULL;
}

/* libserialport keeps its error text in errno; copy it while it is fresh. */
static void sp_msg(char *buf, size_t cap, const char *what)
{
    char *m = sp_last_error_message();
    snprintf(buf, cap, "%s: %s", what, m ? m : "unknown error");
    sp_free_error_message(m);
}

rm_status rm_ports_list(rm_port_info **out, size_t *n, rm_error *err)
{
    if (!out || !n)
        return rm_error_set(err, RM_ERR_ARG, "no place for the list");
    *out = NULL;
    *n = 0;
    struct sp_port **list = NULL;
    enum sp_return r = sp_list_ports(&list);
    if (r != SP_OK) {
        char m[200];
        sp_msg(m, sizeof m, "cannot list serial ports");
        return rm_error_set(err, r == SP_ERR_MEM ? RM_ERR_NOMEM : RM_ERR_IO,
                            "%s", m);
    }
    size_t count = 0;
    while (list[count])
        count++;
    /* One spare element so an empty list is still a valid allocation. */
    rm_port_info *ports = rm_calloc(count + 1, sizeof *ports);
    if (!ports) {
        sp_free_port_list(list);
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < count; i++) {
        rm_port_info *p = &ports[i];
        const char *name = sp_get_port_name(list[i]);
        const char *desc = sp_get_port_description(list[i]);
        snprintf(p->name, sizeof p->name, "%s", name ? name : "?");
        snprintf(p->description, sizeof p->description, "%s",
                 desc ? desc : "");
        p->usb_vid = p->usb_pid = -1;
        if (sp_get_port_transport(list[i]) == SP_TRANSPORT_USB &&
            sp_get_port_usb_vid_pid(list[i], &p->usb_vid, &p->usb_pid) ==
                SP_OK) {
            p->usb = 1;
            p->board = rm_usb_board_kind(p->usb_vid, p->usb_pid);
        }
    }
    sp_free_port_list(list);
    *out = ports;
    *n = count;
    return RM_OK;
}

void rm_ports_free(rm_port_info *ports)
{
    rm_free(ports);
}

rm_status rm_ports_pick_board(const rm_port_info *ports, size_t n,
                              size_t *index, char *why, size_t why_len)
{
    if (!index || (!ports && n))
        return RM_ERR_ARG;
    size_t found = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (ports[i].board) {
            if (!found)
                first = i;
            found++;
        }
    if (found == 1) {
        *index = first;
        return RM_OK;
    }
    if (found == 0)
        return rm_msg_set(why, why_len, RM_ERR_NODEV,
                          "no board found (%zu serial port%s, none with a "
                          "known USB id; see 'rollmap ports'); plug it in "
                          "or name the port with -p",
                          n, n == 1 ? "" : "s");
    /* Several: name them all, so the user can pick one with -p. */
    size_t used = 0;
    if (why && why_len) {
        int k = snprintf(why, why_len, "%zu boards found:", found);
        used = k > 0 ? (size_t)k : 0;
        for (size_t i = 0; i < n && used < why_len; i++) {
            if (!ports[i].board)
                continue;
            k = snprintf(why + used, why_len - used, " %s (%04x:%04x %s)",
                         ports[i].name, (unsigned)ports[i].usb_vid,
                         (unsigned)ports[i].usb_pid, ports[i].board);
            used += k > 0 ? (size_t)k : 0;
        }
        if (used < why_len)
            snprintf(why + used, why_len - used, "; name one with -p");
    }
    return RM_ERR_NODEV;
}

typedef struct serial_port {
    struct sp_port *port;
    int fd;            /* the OS handle, for poll() */
    char msg[256];
} serial_port;

/*
 * Wait in poll() on the port's descriptor, then sp_nonblocking_read().
 * sp_blocking_read_next() would be simpler, but when a USB tty hangs up
 * read() returns 0 forever and that call spins until its timeout; poll
 * sees the hang-up (POLLHUP) and a zero-byte read becomes "board gone".
 */
static rm_status serial_read(void *impl, uint8_t *buf, size_t cap,
                             size_t *got, unsigned timeout_ms)
{
    serial_port *s = impl;
    uint64_t deadline = rm_mono_ms() + timeout_ms;
    *got = 0;
    for (;;) {
        uint64_t now = rm_mono_ms();
        int left = now >= deadline ? 0 : (int)(deadline - now);
        struct pollfd p = { .fd = s->fd, .events = POLLIN };
        int n = poll(&p, 1, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return rm_msg_set(s->msg, sizeof s->msg, RM_ERR_IO, "poll: %s",
                              strerror(errno));
        if (n == 0)
            return RM_ERR_TIMEOUT;
        enum sp_return r = sp_nonblocking_read(s->port, buf, cap);
        if (r > 0) {
            *got = (size_t)r;
            return RM_OK;
        }
        if (r == 0) {
            if (p.revents & (POLLHUP | POLLERR | POLLNVAL) ||
                p.revents & POLLIN)
                /* Readable but empty: the device hung up. */
                return rm_msg_set(s->msg, sizeof s->msg, RM_ERR_IO,
                                  "the port hung up (board unplugged?)");
            continue;
        }
        sp_msg(s->msg, sizeof s->msg, "read");
        return RM_ERR_IO;
    }
}

static rm_status serial_write(void *impl, const uint8_t *buf, size_t len,
                              unsigned timeout_ms)
{
    serial_port *s = impl;
    if (!len)
        return RM_OK;
    /* timeout 0 means "forever" to libserialport: never pass it. */
    enum sp_return r = sp_blocking_write(s->port, buf, len,
                                         timeout_ms ? timeout_ms : 1);
    if (r < 0) {
        sp_msg(s->msg, sizeof s->msg, "write");
        return RM_ERR_IO;
    }
    if ((size_t)r < len)
        return rm_msg_set(s->msg, sizeof s->msg, RM_ERR_TIMEOUT,
                          "write timed out after %u ms (%d of %zu bytes)",
                          timeout_ms, (int)r, len);
    return RM_OK;
}

static void serial_close(void *impl)
{
    serial_port *s = impl;
    if (s->port) {
        sp_close(s->port);
        sp_free_port(s->port);
    }
    rm_free(s);
}

static const char *serial_errmsg(void *impl)
{
    return ((serial_port *)impl)->msg;
}

static const rm_transport_ops serial_ops = {
    .name = "serial",
    .read = serial_read,
    .write = serial_write,
    .close = serial_close,
    .errmsg = serial_errmsg,
};

/* Find the one board by USB id; fills @p name. */
static rm_status pick_port(char *name, size_t cap, rm_error *err)
{
    rm_port_info *ports = NULL;
    size_t n = 0, idx = 0;
    rm_status st = rm_ports_list(&ports, &n, err);
    if (st != RM_OK)
        return st;
    char why[sizeof err->msg];
    st = rm_ports_pick_board(ports, n, &idx, why, sizeof why);
    if (st == RM_OK)
        snprintf(name, cap, "%s", ports[idx].name);
    else
        rm_error_set(err, st, "%s", why);
    rm_ports_free(ports);
    return st;
}

rm_status rm_transport_open_serial(const char *port, uint32_t baud,
                                   rm_transport **out, rm_error *err)
{
    if (!out)
        return rm_error_set(err, RM_ERR_ARG, "no place for the handle");
    *out = NULL;
    if (!baud)
        baud = RM_DEFAULT_BAUD;
    if (baud > 0x7fffffffu)
        return rm_error_set(err, RM_ERR_ARG, "%u baud is not supported",
                            baud);
    char name[128];
    if (!port) {
        rm_status st = pick_port(name, sizeof name, err);
        if (st != RM_OK)
            return st;
        port = name;
    }
    serial_port *s = rm_calloc(1, sizeof *s);
    if (!s)
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    char m[200];
    enum sp_return r = sp_get_port_by_name(port, &s->port);
    if (r != SP_OK) {
        sp_msg(m, sizeof m, port);
        serial_close(s);
        /* libserialport only knows ports with a sysfs entry. */
        return rm_error_set(err, RM_ERR_NODEV,
                            "%s (not a serial port libserialport knows)", m);
    }
    if (sp_open(s->port, SP_MODE_READ_WRITE) != SP_OK) {
        sp_msg(m, sizeof m, port);
        sp_free_port(s->port);
        s->port = NULL;
        serial_close(s);
        return rm_error_set(err, RM_ERR_IO, "%s", m);
    }
    /* 8N1, no flow control; DTR and RTS up as a terminal would (on an
     * Uno-class board the DTR edge is the reset the handshake waits out). */
    if (sp_set_baudrate(s->port, (int)baud) != SP_OK ||
        sp_set_bits(s->port, 8) != SP_OK ||
        sp_set_parity(s->port, SP_PARITY_NONE) != SP_OK ||
        sp_set_stopbits(s->port, 1) != SP_OK ||
        sp_set_flowcontrol(s->port, SP_FLOWCONTROL_NONE) != SP_OK ||
        sp_set_dtr(s->port, SP_DTR_ON) != SP_OK ||
        sp_set_rts(s->port, SP_RTS_ON) != SP_OK) {
        sp_msg(m, sizeof m, port);
        serial_close(s);
        return rm_error_set(err, RM_ERR_IO, "cannot configure %s", m);
    }
    if (sp_get_port_handle(s->port, &s->fd) != SP_OK) {
        sp_msg(m, sizeof m, port);
        serial_close(s);
        return rm_error_set(err, RM_ERR_IO, "%s", m);
    }
    sp_flush(s->port, SP_BUF_INPUT); /* bytes from before we opened */
    return rm_transport_wrap(&serial_ops, s, port, out, err);
}
