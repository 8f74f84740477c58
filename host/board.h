/*
 * Opening the board for record and calibrate: a named port (libserialport,
 * or directly for a pty), the one board found by USB id, stdin/stdout
 * ('-'), or the virtual board; then the handshake. Prints the message and
 * returns the exit code on failure.
 */
#ifndef ROLLMAP_HOST_BOARD_H
#define ROLLMAP_HOST_BOARD_H

#include "rollmap.h"

typedef struct board_args {
    const char *port;       /* NULL: find by USB id */
    int sim;                /* virtual board */
    const char *scenario;   /* NULL: "basic" */
    rm_vboard_options vboard;
    uint32_t baud;          /* 0: RM_DEFAULT_BAUD */
    unsigned boot_wait_ms;  /* 0: link default */
} board_args;

int board_open(const char *cmd, const board_args *a, rm_link **link);

#endif
