/*
 * The web view's server (see web.h): libmicrohttpd with a thread per
 * connection, so an event stream may wait for the next state in its own
 * thread; the frame path only swaps the newest state in under a
 * try-lock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cli.h"
#include "web.h"

#define STATE_MAX 4096       /* one JSON state; lv_state_json fits in it */
#define MAX_CONNECTIONS 64   /* beyond: refused at accept */
#define MAX_STREAMS 40       /* event streams at once; beyond: 503 */
#define IDLE_TIMEOUT_S 10    /* a viewer not reading for this long: dropped */
#define KEEPALIVE_S 4        /* comment line on a quiet stream (< timeout) */
#define SNDBUF_BYTES 32768   /* so a stalled viewer fills up, and is dropped, soon */
#define MEMORY_LIMIT 8192    /* request head bigger than this: 4xx */
#define FINISH_WAIT_MS 500   /* at the end, for streams to send "end" */

struct web {
    struct MHD_Daemon *d;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char state[STATE_MAX];
    size_t state_len;
    uint64_t seq;           /* bumped per published state */
    int ended, stopping;
    int streams;
    int need_token;
    char token[33];
};

typedef struct viewer {
    web *w;
    uint64_t seen;
    int done;
    size_t len, off;
    char buf[STATE_MAX + 64];
} viewer;

static int parse_port(const char *s, unsigned *port)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || errno || v > 65535 || s[0] == '-' || s[0] == '+')
        return -1;
    *port = (unsigned)v;
    return 0;
}

int web_parse_addr(const char *spec, web_addr *out, char *why, size_t n)
{
    web_addr a;
    memset(&a, 0, sizeof a);
    const char *colon = strrchr(spec, ':');
    const char *port_s = colon ? colon + 1 : spec;
    if (parse_port(port_s, &a.port)) {
        snprintf(why, n, "'%s' is not [ADDR:]PORT (PORT 0-65535)", spec);
        return -1;
    }
    char host[64] = "127.0.0.1";
    if (colon) {
        size_t hl = (size_t)(colon - spec);
        const char *h = spec;
        if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
            h++;
            hl -= 2;
        }
        if (hl == 0 || hl >= sizeof host) {
            snprintf(why, n, "'%s': no address before the port", spec);
            return -1;
        }
        memcpy(host, h, hl);
        host[hl] = '\0';
        a.explicit_addr = 1;
    }
    struct sockaddr_in *v4 = (struct sockaddr_in *)&a.sa;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a.sa;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)a.port);
        a.len = sizeof *v4;
        a.loopback = ntohl(v4->sin_addr.s_addr) == INADDR_LOOPBACK;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)a.port);
        a.len = sizeof *v6;
        a.loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    } else {
        snprintf(why, n, "'%s' is not a numeric IPv4 or [IPv6] address",
                 host);
        return -1;
    }
    snprintf(a.host, sizeof a.host, "%s", host);
    if (out)
        *out = a;
    return 0;
}

/* Equal without an early exit, so the time taken says nothing of how
 * much of a guess was right. */
static int token_ok(const web *w, const char *t)
{
    if (!w->need_token)
        return 1;
    if (!t || strlen(t) != 32)
        return 0;
    unsigned diff = 0;
    for (int i = 0; i < 32; i++)
        diff |= (unsigned char)t[i] ^ (unsigned char)w->token[i];
    return diff == 0;
}

static void add_common_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code,
                             const char *type, const char *body, size_t len,
                             enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, mode);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    add_common_headers(r);
    if (code == MHD_HTTP_OK && !strncmp(type, "text/html", 9))
        MHD_add_response_header(
            r, "Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; "
            "style-src 'unsafe-inline'; connect-src 'self'; "
            "frame-ancestors 'none'");
    if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned code,
                            const char *msg)
{
    return reply(c, code, "text/plain; charset=utf-8", msg, strlen(msg),
                 MHD_RESPMEM_PERSISTENT);
}

static void deadline(struct timespec *ts, int secs)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += secs;
}

/* The event stream: waits in this connection's thread for a state newer
 * than the last one sent, or sends a keep-alive comment. */
static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    viewer *v = cls;
    web *w = v->w;
    if (v->off == v->len) {
        if (v->done)
            return MHD_CONTENT_READER_END_OF_STREAM;
        pthread_mutex_lock(&w->mu);
        struct timespec until;
        deadline(&until, KEEPALIVE_S);
        while (!w->stopping && w->seq == v->seen && !w->ended)
            if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT)
                break;
        if (w->stopping) {
            pthread_mutex_unlock(&w->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        int k;
        if (w->seq != v->seen && w->state_len) {
            k = snprintf(v->buf, sizeof v->buf, "data: %s\n\n", w->state);
            v->seen = w->seq;
        } else if (w->ended) {
            k = snprintf(v->buf, sizeof v->buf, "event: end\ndata: {}\n\n");
            v->done = 1;
        } else {
            k = snprintf(v->buf, sizeof v->buf, ": keep-alive\n\n");
        }
        pthread_mutex_unlock(&w->mu);
        v->len = k > 0 && (size_t)k < sizeof v->buf ? (size_t)k : 0;
        v->off = 0;
        if (!v->len)
            return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = v->len - v->off;
    if (n > max)
        n = max;
    memcpy(out, v->buf + v->off, n);
    v->off += n;
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    viewer *v = cls;
    pthread_mutex_lock(&v->w->mu);
    v->w->streams--;
    pthread_cond_broadcast(&v->w->cv); /* web_finish waits for this */
    pthread_mutex_unlock(&v->w->mu);
    free(v);
}

static enum MHD_Result events(web *w, struct MHD_Connection *c)
{
    pthread_mutex_lock(&w->mu);
    int full = w->streams >= MAX_STREAMS;
    if (!full)
        w->streams++;
    pthread_mutex_unlock(&w->mu);
    if (full)
        return text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "too many viewers\n");
    viewer *v = calloc(1, sizeof *v);
    struct MHD_Response *r =
        v ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
                                              sse_read, v, sse_free)
          : NULL;
    if (!r) {
        pthread_mutex_lock(&w->mu);
        w->streams--;
        pthread_mutex_unlock(&w->mu);
        free(v);
        return MHD_NO;
    }
    v->w = w;
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
    add_common_headers(r);
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result state(web *w, struct MHD_Connection *c)
{
    char *copy = malloc(STATE_MAX);
    if (!copy)
        return MHD_NO;
    pthread_mutex_lock(&w->mu);
    size_t n = w->state_len;
    memcpy(copy, w->state, n);
    pthread_mutex_unlock(&w->mu);
    if (!n) {
        free(copy);
        return reply(c, MHD_HTTP_OK, "application/json", "{}", 2,
                     MHD_RESPMEM_PERSISTENT);
    }
    return reply(c, MHD_HTTP_OK, "application/json", copy, n,
                 MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)upload;
    (void)upload_size;
    (void)con_cls;
    web *w = cls;
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "read-only\n");
    /* Answered before any body is read: a request announcing one is
     * refused, not read. */
    if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length") ||
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding"))
        return text(c, MHD_HTTP_CONTENT_TOO_LARGE, "no body, please\n");
    if (!strcmp(version, MHD_HTTP_VERSION_1_1) &&
        !MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host"))
        return text(c, MHD_HTTP_BAD_REQUEST, "no Host header\n");
    const char *t =
        MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "t");
    if (!token_ok(w, t))
        return text(c, MHD_HTTP_FORBIDDEN,
                    "forbidden: open the URL rollmap printed\n");
    if (!strcmp(url, "/"))
        return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", rm_web_page,
                     (size_t)(rm_web_page_end - rm_web_page),
                     MHD_RESPMEM_PERSISTENT);
    if (!strcmp(url, "/events"))
        return events(w, c);
    if (!strcmp(url, "/state"))
        return state(w, c);
    return text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* A small send buffer: a viewer that stops reading fills it within
 * seconds, then the idle timeout drops it. */
static void on_connection(void *cls, struct MHD_Connection *c,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    (void)socket_context;
    if (code != MHD_CONNECTION_NOTIFY_STARTED)
        return;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci) {
        int sz = SNDBUF_BYTES;
        setsockopt(ci->connect_fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    }
}

/* libmicrohttpd's own messages (e.g. a refused connection) would land in
 * the middle of the terminal view: dropped. */
static void quiet_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    (void)fmt;
    (void)ap;
}

static unsigned bound_port(struct MHD_Daemon *d, unsigned asked)
{
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (!di || getsockname(di->listen_fd, (struct sockaddr *)&ss, &len))
        return asked;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return asked;
}

web *web_start(const char *spec, const char *cmd)
{
    web_addr a;
    char why[128];
    if (web_parse_addr(spec, &a, why, sizeof why)) {
        cli_error(cmd, "--web: %s", why);
        return NULL;
    }
    web *w = calloc(1, sizeof *w);
    if (!w) {
        cli_error(cmd, "out of memory");
        return NULL;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&w->mu, NULL);
    w->need_token = !a.loopback;
    if (w->need_token) {
        unsigned char rnd[16];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
            cli_error(cmd, "--web: no random token: %s", strerror(errno));
            web_stop(w);
            return NULL;
        }
        for (int i = 0; i < 16; i++)
            snprintf(w->token + 2 * i, 3, "%02x", rnd[i]);
    }
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (a.sa.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    w->d = MHD_start_daemon(
        flags, (uint16_t)a.port, NULL, NULL, handle, w,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a.sa,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, quiet_log, NULL,
        MHD_OPTION_END);
    if (!w->d) {
        cli_error(cmd, "--web: cannot listen on %s port %u (in use, or "
                       "not an address of this machine)", a.host, a.port);
        web_stop(w);
        return NULL;
    }
    unsigned port = bound_port(w->d, a.port);
    const char *l = a.sa.ss_family == AF_INET6 ? "[" : "";
    const char *r = a.sa.ss_family == AF_INET6 ? "]" : "";
    if (w->need_token)
        cli_error(cmd, "live view at http://%s%s%s:%u/?t=%s (only with this "
                       "token;%s keep it private)", l, a.host, r, port,
                  w->token,
                  strcmp(a.host, "0.0.0.0") && strcmp(a.host, "::")
                      ? "" : " use this machine's address;");
    else
        cli_error(cmd, "live view at http://%s%s%s:%u/", l, a.host, r, port);
    return w;
}

void web_publish(web *w, const char *json, size_t n)
{
    if (!w || n >= STATE_MAX)
        return;
    if (pthread_mutex_trylock(&w->mu))
        return; /* a viewer is copying: this state is skipped */
    memcpy(w->state, json, n);
    w->state[n] = '\0';
    w->state_len = n;
    w->seq++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void web_finish(web *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->ended = 1;
    pthread_cond_broadcast(&w->cv);
    /* Give the streams a moment to send the end (a page then says the
     * session ended instead of "not connected"); a viewer that stopped
     * reading is not waited for beyond FINISH_WAIT_MS. */
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += FINISH_WAIT_MS * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    while (w->streams > 0)
        if (pthread_cond_timedwait(&w->cv, &w->mu, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&w->mu);
}

void web_stop(web *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (w->d)
        MHD_stop_daemon(w->d);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
