/*
 * Opening the board for record and calibrate (see board.h): picks the
 * transport from the options, then runs the link handshake. Maps "nobody
 * there" (no port, no answer) to exit 4.
 */
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "cli.h"

int board_open(const char *cmd, const board_args *a, rm_link **link)
{
    rm_error err = { 0 };
    rm_transport *t = NULL;
    rm_status st;
    *link = NULL;
    if (a->sim) {
        st = rm_transport_open_sim(a->scenario ? a->scenario : "basic",
                                   &a->vboard, &t, &err);
    } else if (a->port && !strcmp(a->port, "-")) {
        st = rm_transport_open_fd(STDIN_FILENO, STDOUT_FILENO, 0,
                                  "stdin/stdout", &t, &err);
    } else {
        st = rm_transport_open_serial(a->port, a->baud, &t, &err);
        /* libserialport knows only ports with a sysfs entry: a pty is
         * opened directly instead. */
        if (st == RM_ERR_NODEV && a->port && access(a->port, F_OK) == 0) {
            rm_error err2 = { 0 };
            st = rm_transport_open_tty(a->port, a->baud, &t, &err2);
            if (st != RM_OK)
                err = err2;
        }
    }
    if (st != RM_OK) {
        if (st == RM_ERR_ARG && a->sim) {
            cli_error(cmd, "--sim: %s", err.msg);
            return EXIT_USAGE;
        }
        cli_error(cmd, "%s", err.msg);
        return st == RM_ERR_NODEV ? EXIT_NODEV : cli_exit_for(st);
    }
    if (!a->sim)
        cli_error(cmd, "%s: waiting for the board...", rm_transport_label(t));
    rm_link_options lo = { .boot_wait_ms = a->boot_wait_ms };
    st = rm_link_open(t, &lo, link, &err);
    if (st != RM_OK) {
        cli_error(cmd, "%s", err.msg);
        /* Nobody answering on the port is "no board". */
        return st == RM_ERR_TIMEOUT ? EXIT_NODEV : cli_exit_for(st);
    }
    return EXIT_OK;
}
