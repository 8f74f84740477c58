/*
 * The live view in a browser (record/replay --web [ADDR:]PORT), served
 * by libmicrohttpd: the page (embedded, self-contained) at /, the state
 * as Server-Sent Events at /events, one snapshot at /state. Read-only:
 * no endpoint reads or writes a file or talks to the board.
 *
 * Security: without ADDR it listens on 127.0.0.1 only. Any other address
 * (even 127.0.0.2) needs a random token (printed once in the URL); every
 * request without it gets 403.
 *
 * The frame path only ever calls web_publish(), which copies the state
 * under a try-lock and never waits: a slow or stalled viewer costs its
 * own connection thread, never a frame, and is dropped when it stops
 * reading (libmicrohttpd's connection timeout).
 */
#ifndef ROLLMAP_HOST_WEB_H
#define ROLLMAP_HOST_WEB_H

#include <stddef.h>
#include <sys/socket.h>

typedef struct web web;

typedef struct web_addr {
    struct sockaddr_storage sa;
    socklen_t len;
    int explicit_addr;  /* ADDR: was given */
    int loopback;       /* 127.0.0.1 or ::1: no token needed */
    char host[64];      /* numeric, for the URL */
    unsigned port;
} web_addr;

/* "PORT", "ADDR:PORT" or "[V6ADDR]:PORT", numeric only (no name lookup).
 * 0, or -1 with the reason in @p why. @p out may be NULL (check only). */
int web_parse_addr(const char *spec, web_addr *out, char *why, size_t n);

/* Listen and serve; prints "CMD: live view at URL" on stderr once. NULL
 * (reason on stderr) when it cannot listen. */
web *web_start(const char *spec, const char *cmd);

/* The newest state (JSON, @p n bytes); never blocks: when a viewer
 * thread holds the lock this state is skipped and the next one goes. */
void web_publish(web *w, const char *json, size_t n);

/* Tell viewers the session ended (they get the last state with it). */
void web_finish(web *w);

/* Close every connection and stop. NULL is allowed. */
void web_stop(web *w);

/* The embedded page (web_page.S). */
extern const char rm_web_page[];
extern const char rm_web_page_end[];

#endif
