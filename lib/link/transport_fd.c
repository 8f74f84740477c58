/*
 * Transport over plain file descriptors: pipes, sockets and terminals that
 * libserialport cannot open (pseudo-terminals have no sysfs entry and no
 * modem lines). Reads wait in poll() with a timeout, so the live path
 * sleeps between frames instead of spinning.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "link/transport.h"

typedef struct fd_port {
    int rfd, wfd;
    int own;
    int tty;        /* reading a terminal: a zero read is a hang-up */
    char msg[256];
} fd_port;

/* Wait for @p events on @p fd until @p deadline_ms; 1 ready, 0 timeout,
 * -1 error (errno set). EINTR restarts with the time that is left. */
static int wait_fd(int fd, short events, uint64_t deadline_ms, short *revents)
{
    for (;;) {
        uint64_t now = rm_mono_ms();
        int left = now >= deadline_ms ? 0 : (int)(deadline_ms - now);
        struct pollfd p = { .fd = fd, .events = events };
        int n = poll(&p, 1, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0)
            *revents = p.revents;
        return n;
    }
}

static rm_status fd_read(void *impl, uint8_t *buf, size_t cap, size_t *got,
                         unsigned timeout_ms)
{
    fd_port *p = impl;
    uint64_t deadline = rm_mono_ms() + timeout_ms;
    *got = 0;
    for (;;) {
        short rev = 0;
        int n = wait_fd(p->rfd, POLLIN, deadline, &rev);
        if (n < 0)
            return rm_msg_set(p->msg, sizeof p->msg, RM_ERR_IO, "poll: %s",
                              strerror(errno));
        if (n == 0)
            return RM_ERR_TIMEOUT;
        if (rev & POLLNVAL)
            return rm_msg_set(p->msg, sizeof p->msg, RM_ERR_IO,
                              "descriptor %d is not open", p->rfd);
        ssize_t r = read(p->rfd, buf, cap);
        if (r > 0) {
            *got = (size_t)r;
            return RM_OK;
        }
        if (r == 0 && p->tty)
            /* poll() said readable, yet nothing: the other side of the
             * terminal is gone (pty master closed, USB tty unplugged). */
            return rm_msg_set(p->msg, sizeof p->msg, RM_ERR_IO,
                              "read: the terminal hung up (board gone?)");
        if (r == 0)
            return RM_OK; /* end of stream: the writer closed */
        if (errno == EINTR || errno == EAGAIN)
            continue;
        /* A pty whose other side closed, or a USB tty unplugged: EIO. */
        return rm_msg_set(p->msg, sizeof p->msg, RM_ERR_IO, "read: %s",
                          strerror(errno));
    }
}

static rm_status fd_write(void *impl, const uint8_t *buf, size_t len,
                          unsigned timeout_ms)
{
    fd_port *p = impl;
    uint64_t deadline = rm_mono_ms() + timeout_ms;
    while (len) {
        ssize_t r = write(p->wfd, buf, len);
        if (r > 0) {
            buf += r;
            len -= (size_t)r;
            continue;
        }
        if (r < 0 && errno != EAGAIN && errno != EINTR)
            return rm_msg_set(p->msg, sizeof p->msg, RM_ERR_IO, "write: %s",
                              strerror(errno));
        short rev = 0;
        int n = wait_fd(p->wfd, POLLOUT, deadline, &rev);
        if (n < 0)
            return rm_msg_set(p->msg, sizeof p->msg, RM_ERR_IO, "poll: %s",
                              strerror(errno));
        if (n == 0)
            return rm_msg_set(p->msg, sizeof p->msg, RM_ERR_TIMEOUT,
                              "write timed out after %u ms", timeout_ms);
        if (rev & (POLLERR | POLLNVAL))
            return rm_msg_set(p->msg, sizeof p->msg, RM_ERR_IO,
                              "write: descriptor failed");
    }
    return RM_OK;
}

static void fd_close(void *impl)
{
    fd_port *p = impl;
    if (p->own) {
        close(p->rfd);
        if (p->wfd != p->rfd)
            close(p->wfd);
    }
    rm_free(p);
}

static const char *fd_errmsg(void *impl)
{
    return ((fd_port *)impl)->msg;
}

static const rm_transport_ops fd_ops = {
    .name = "fd",
    .read = fd_read,
    .write = fd_write,
    .close = fd_close,
    .errmsg = fd_errmsg,
};

rm_status rm_transport_open_fd(int read_fd, int write_fd, int own,
                               const char *label, rm_transport **out,
                               rm_error *err)
{
    if (!out)
        return rm_error_set(err, RM_ERR_ARG, "no place for the handle");
    *out = NULL;
    if (read_fd < 0 || write_fd < 0)
        return rm_error_set(err, RM_ERR_ARG, "invalid file descriptor");
    fd_port *p = rm_calloc(1, sizeof *p);
    if (!p) {
        if (own) { /* as promised: owned descriptors go in every case */
            close(read_fd);
            if (write_fd != read_fd)
                close(write_fd);
        }
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    }
    p->rfd = read_fd;
    p->wfd = write_fd;
    p->own = own;
    p->tty = isatty(read_fd);
    char def[64];
    snprintf(def, sizeof def, "fd:%d,%d", read_fd, write_fd);
    return rm_transport_wrap(&fd_ops, p, label ? label : def, out, err);
}

/* termios speed constant for a baud rate, or 0 if the OS has none. */
static speed_t baud_constant(uint32_t baud)
{
    switch (baud) {
    case 9600:    return B9600;
    case 19200:   return B19200;
    case 38400:   return B38400;
    case 57600:   return B57600;
    case 115200:  return B115200;
    case 230400:  return B230400;
    case 460800:  return B460800;
    case 500000:  return B500000;
    case 921600:  return B921600;
    case 1000000: return B1000000;
    case 2000000: return B2000000;
    case 4000000: return B4000000;
    default:      return 0;
    }
}

rm_status rm_transport_open_tty(const char *path, uint32_t baud,
                                rm_transport **out, rm_error *err)
{
    if (!out)
        return rm_error_set(err, RM_ERR_ARG, "no place for the handle");
    *out = NULL;
    if (!path || !*path)
        return rm_error_set(err, RM_ERR_ARG, "no terminal path");
    speed_t speed = baud_constant(baud ? baud : RM_DEFAULT_BAUD);
    if (!speed)
        return rm_error_set(err, RM_ERR_ARG, "%u baud is not supported",
                            baud);
    /* O_NONBLOCK: never hang on carrier detect; reads wait in poll(). */
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return rm_error_set(err, errno == ENOENT ? RM_ERR_NODEV : RM_ERR_IO,
                            "%s: %s", path, strerror(errno));
    struct termios tio;
    if (!isatty(fd) || tcgetattr(fd, &tio) != 0) {
        int e = errno;
        close(fd);
        return rm_error_set(err, RM_ERR_IO, "%s: not a terminal (%s)", path,
                            strerror(e));
    }
    /* Raw 8N1: the wire bytes include 0x00, 0x03, 0x0a, 0x11 and 0x13,
     * which cooked mode would translate or swallow. */
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, speed);
    cfsetospeed(&tio, speed);
    if (tcsetattr(fd, TCSANOW, &tio) != 0) {
        int e = errno;
        close(fd);
        return rm_error_set(err, RM_ERR_IO, "%s: cannot configure: %s", path,
                            strerror(e));
    }
    tcflush(fd, TCIFLUSH); /* bytes from before we opened are stale */
    return rm_transport_open_fd(fd, fd, 1, path, out, err);
}
