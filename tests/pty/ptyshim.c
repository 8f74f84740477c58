/*
 * LD_PRELOAD shim that lets libserialport drive a pseudo-terminal in tests.
 * Linux ptys reject the modem-line ioctls (TIOCMGET/TIOCMSET/TIOCMBIS/
 * TIOCMBIC) that sp_open() and sp_set_dtr() use; this answers them for pty
 * slaves only (Unix98 pty major numbers 136..143) and passes every other
 * call to the real ioctl. Test-only code: never linked into librollmap.
 *
 * The modem lines are kept per process in one word (a test process opens
 * one port); DSR, CTS and DCD read as asserted, like a USB CDC board.
 * When ROLLMAP_PTYSHIM_LOG names a file, every emulated call appends one
 * line there ("TIOCMBIC DTR") so a test can see DTR being pulsed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

typedef int (*ioctl_fn)(int, unsigned long, ...);

/* Modem lines as the emulated port sees them (TIOCM_* bits). */
static int modem_bits = TIOCM_DTR | TIOCM_RTS | TIOCM_DSR | TIOCM_CTS |
                        TIOCM_CAR;

static int is_pty_slave(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode))
        return 0;
    unsigned maj = major(st.st_rdev);
    return maj >= 136 && maj <= 143;
}

static void note(const char *what, int bits)
{
    const char *path = getenv("ROLLMAP_PTYSHIM_LOG");
    if (!path || !*path)
        return;
    FILE *f = fopen(path, "a");
    if (!f)
        return;
    fprintf(f, "%s%s%s\n", what, (bits & TIOCM_DTR) ? " DTR" : "",
            (bits & TIOCM_RTS) ? " RTS" : "");
    fclose(f);
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);

    static ioctl_fn real_ioctl;
    if (!real_ioctl)
        real_ioctl = (ioctl_fn)dlsym(RTLD_NEXT, "ioctl");
    if (!real_ioctl) {
        errno = ENOSYS;
        return -1;
    }

    int handled = request == TIOCMGET || request == TIOCMSET ||
                  request == TIOCMBIS || request == TIOCMBIC;
    if (!handled || !is_pty_slave(fd))
        return real_ioctl(fd, request, arg);

    int *bits = arg;
    if (!bits) {
        errno = EFAULT;
        return -1;
    }
    switch (request) {
    case TIOCMGET:
        *bits = modem_bits;
        break;
    case TIOCMSET:
        modem_bits = (*bits & (TIOCM_DTR | TIOCM_RTS)) |
                     TIOCM_DSR | TIOCM_CTS | TIOCM_CAR;
        note("TIOCMSET", *bits);
        break;
    case TIOCMBIS:
        modem_bits |= *bits & (TIOCM_DTR | TIOCM_RTS);
        note("TIOCMBIS", *bits);
        break;
    case TIOCMBIC:
        modem_bits &= ~(*bits & (TIOCM_DTR | TIOCM_RTS));
        note("TIOCMBIC", *bits);
        break;
    }
    return 0;
}
