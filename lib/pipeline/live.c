/*
 * The recorder: one stream of frames from the link into the session
 * writer and the engine. The engine gets each frame at once, on the
 * caller's thread (the live view's latency); the session file is written
 * by a thread of the recorder's own, fed through a bounded ring of
 * frames, so libsndfile's writes and the once-a-second fsync (0.5-7.5 ms
 * on these machines, far more on a busy disk or an SD card) never hold up
 * the thread that reads the port.
 *
 *   caller (push): engine, then copy into the ring ---> writer thread:
 *                  rm_session_writer_append (+ its 1 s sync) <---
 *
 * Crash safety is the writer's as before: a batch is handed to the writer
 * when it holds BLOCK_FRAMES frames or its oldest frame is BLOCK_AGE_MS
 * old (the writer thread keeps that clock itself, so frames do not wait
 * for the next push), and the writer rewrites the header after every
 * write and syncs once a second.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "link/transport.h"

/* A batch goes to the writer at this many frames, or when its oldest
 * frame is this old (ms). 100 ms keeps what a SIGKILL takes well under
 * the writer's one-second sync; 256 frames is a quarter second at 1 kHz,
 * and one write call of 256 x 35 x 4 B = 36 kB. */
#define BLOCK_FRAMES 256
#define BLOCK_AGE_MS 100
/* Default ring length: this many seconds of frames at the board's rate,
 * at least RING_MIN_FRAMES. 4 s rides out a stalled disk that a plain
 * fsync would have turned into lost frames at the board (the tty
 * buffers hold well under a second at 110 kB/s); at 32 cells and 1 kHz
 * it is 4,000 x 140 B = 560 kB. */
#define RING_S 4.0
#define RING_MIN_FRAMES 1024u

struct rm_recorder {
    rm_session_writer *w;
    rm_engine *e;

    /* The ring, guarded by mu. Frames [head, head + count) (mod cap) are
     * not yet in the file; the first `taken` of them are being written by
     * the writer thread right now (outside the lock), so the caller never
     * overwrites them. `since_ms`: when the oldest frame not yet taken was
     * queued (valid while count > taken). */
    rm_frame *ring;
    size_t cap, head, count, taken;
    size_t batch;               /* BLOCK_FRAMES, or half a smaller ring */
    uint64_t since_ms;
    pthread_mutex_t mu;
    pthread_cond_t more;        /* writer: work, flush or close */
    pthread_cond_t room;        /* caller: the writer took frames away */
    pthread_t thread;
    int have_thread, have_sync;
    int flush_req;              /* write everything now, whatever its age */
    int closing;                /* write everything, then the thread ends */
    /* Set by the writer thread under mu; read by the caller. */
    rm_status werr;             /* first write failure: the file is final */
    char wmsg[256];
    uint64_t in_file;           /* frames in the file */
    uint64_t dropped;           /* sequence gaps the writer saw */
    rm_recorder_stats stats;
    unsigned test_delay_us;     /* rm_recorder_slow_writer(): tests only */

    int finished;
    rm_status close_status;
    char msg[256];
};

/* Absolute CLOCK_MONOTONIC time @p ms from the epoch of rm_mono_ms(). */
static struct timespec abs_ms(uint64_t ms)
{
    struct timespec ts = { .tv_sec = (time_t)(ms / 1000u),
                           .tv_nsec = (long)(ms % 1000u) * 1000000L };
    return ts;
}

/* Something for the writer to do now (mu held). */
static int writer_due(const rm_recorder *r, uint64_t now_ms)
{
    size_t waiting = r->count - r->taken;
    if (!waiting)
        return 0;
    return r->flush_req || r->closing || waiting >= r->batch ||
           now_ms - r->since_ms >= BLOCK_AGE_MS;
}

/* Tests only: stretch every write, as a slow disk would. */
static void test_delay(unsigned us)
{
    struct timespec ts = { .tv_sec = us / 1000000u,
                           .tv_nsec = (long)(us % 1000000u) * 1000L };
    while (nanosleep(&ts, &ts) && errno == EINTR) {
    }
}

/*
 * The writer thread: wait for a due batch, write it outside the lock,
 * then give its slots back. After a failed write the file is final
 * (rm_session_writer_append refuses more): the frames still queued are
 * let go, since the caller learns of the failure on its next push and
 * stops pushing.
 */
static void *writer_main(void *arg)
{
    rm_recorder *r = arg;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        uint64_t now = rm_mono_ms();
        if (!writer_due(r, now)) {
            if (r->closing && r->count == 0)
                break;
            if (r->count > r->taken) {
                struct timespec until = abs_ms(r->since_ms + BLOCK_AGE_MS);
                pthread_cond_timedwait(&r->more, &r->mu, &until);
            } else {
                pthread_cond_wait(&r->more, &r->mu);
            }
            continue;
        }
        /* One contiguous run from head; a wrapped remainder keeps its
         * age and goes out on the next turn. */
        size_t n = r->count;
        if (n > r->cap - r->head)
            n = r->cap - r->head;
        r->taken = n;
        const rm_frame *run = r->ring + r->head;
        unsigned delay = r->test_delay_us;
        pthread_mutex_unlock(&r->mu);

        uint64_t t0 = rm_mono_us();
        if (delay)
            test_delay(delay);
        rm_status st = rm_session_writer_append(r->w, run, n);
        uint64_t took = rm_mono_us() - t0;
        uint64_t in_file = rm_session_writer_frames(r->w);
        uint64_t dropped = rm_session_writer_dropped(r->w);

        pthread_mutex_lock(&r->mu);
        r->head = (r->head + n) % r->cap;
        r->count -= n;
        r->taken = 0;
        r->in_file = in_file;
        r->dropped = dropped;
        r->stats.writes++;
        if (took > r->stats.write_max_us)
            r->stats.write_max_us = took;
        if (st != RM_OK && r->werr == RM_OK) {
            r->werr = st;
            snprintf(r->wmsg, sizeof r->wmsg, "%s",
                     rm_session_writer_errmsg(r->w));
        }
        if (r->werr != RM_OK) {
            r->head = 0;
            r->count = 0;
        }
        pthread_cond_broadcast(&r->room);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Start the writer thread with every signal blocked in it, so SIGINT and
 * the like still reach the caller's thread (and its poll()). */
static int start_writer(rm_recorder *r)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int e = pthread_create(&r->thread, NULL, writer_main, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return e;
}

/* Make the mutex and condition variables; the timed wait runs on
 * CLOCK_MONOTONIC (rm_mono_ms), so a wall-clock jump changes nothing. */
static int init_sync(rm_recorder *r)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca))
        return -1;
    int bad = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (!bad && pthread_mutex_init(&r->mu, NULL) == 0) {
        if (pthread_cond_init(&r->more, &ca) == 0) {
            if (pthread_cond_init(&r->room, NULL) == 0) {
                pthread_condattr_destroy(&ca);
                return 0;
            }
            pthread_cond_destroy(&r->more);
        }
        pthread_mutex_destroy(&r->mu);
    }
    pthread_condattr_destroy(&ca);
    return -1;
}

static void recorder_free_parts(rm_recorder *r)
{
    if (r->have_sync) {
        pthread_cond_destroy(&r->room);
        pthread_cond_destroy(&r->more);
        pthread_mutex_destroy(&r->mu);
    }
    rm_free(r->ring);
    rm_engine_free(r->e);
    rm_free(r);
}

rm_status rm_recorder_new(const char *path, const rm_session_meta *meta,
                          const rm_recorder_options *opt, rm_recorder **out,
                          rm_error *err)
{
    if (!out)
        return rm_error_set(err, RM_ERR_ARG, "no place for the handle");
    *out = NULL;
    if (!path || !meta)
        return rm_error_set(err, RM_ERR_ARG, "no path or metadata");
    rm_recorder_options o = { 0 };
    if (opt)
        o = *opt;
    rm_recorder *r = rm_calloc(1, sizeof *r);
    if (!r)
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    /* The ring first, so running out of memory leaves no file behind.
     * The rate is only a size hint here (the writer checks the whole
     * descriptor next): an absurd one just gets the minimum. */
    double rate = meta->desc.rate_hz > 0.0f && meta->desc.rate_hz <= 1e5f
                      ? meta->desc.rate_hz : 0.0;
    size_t cap = o.queue_frames ? o.queue_frames : (size_t)(rate * RING_S);
    if (cap < RING_MIN_FRAMES && !o.queue_frames)
        cap = RING_MIN_FRAMES;
    r->cap = cap;
    /* A ring smaller than two blocks is written at half full, so the
     * caller rarely finds it full while the writer is still idle. */
    r->batch = cap / 2 < BLOCK_FRAMES ? (cap / 2 ? cap / 2 : 1) : BLOCK_FRAMES;
    r->stats.queue_cap_frames = cap;
    r->ring = rm_calloc(cap, sizeof *r->ring);
    if (!r->ring || init_sync(r)) {
        recorder_free_parts(r);
        return rm_error_set(err, RM_ERR_NOMEM, "out of memory");
    }
    r->have_sync = 1;
    rm_status st = rm_session_writer_new(path, meta, o.write_flags, &r->w,
                                         err);
    if (st != RM_OK) {
        recorder_free_parts(r);
        return st;
    }
    if (start_writer(r)) {
        /* The file exists already; close it (it holds no frame). */
        rm_session_writer_close(r->w);
        recorder_free_parts(r);
        return rm_error_set(err, RM_ERR_NOMEM, "%s: cannot start the "
                            "writer thread", path);
    }
    r->have_thread = 1;
    if (!o.no_engine) {
        rm_error eerr = { 0 };
        if (rm_engine_new(meta, o.engine_cfg, o.engine_cb, &r->e, &eerr) !=
            RM_OK) {
            /* Recording matters more than analysis: go on without. */
            r->e = NULL;
            snprintf(r->msg, sizeof r->msg, "engine not available: %.200s",
                     eerr.msg);
        }
    }
    *out = r;
    return RM_OK;
}

/* The writer thread's failure as the caller's error (mu held). */
static rm_status writer_error(rm_recorder *r)
{
    return rm_msg_set(r->msg, sizeof r->msg, r->werr,
                      "writing the session: %s", r->wmsg);
}

rm_status rm_recorder_flush(rm_recorder *r)
{
    if (!r)
        return RM_ERR_ARG;
    if (!r->have_thread)
        return r->close_status;
    pthread_mutex_lock(&r->mu);
    r->flush_req = 1;
    pthread_cond_signal(&r->more);
    while (r->count && r->werr == RM_OK)
        pthread_cond_wait(&r->room, &r->mu);
    r->flush_req = 0;
    rm_status st = r->werr == RM_OK ? RM_OK : writer_error(r);
    pthread_mutex_unlock(&r->mu);
    return st;
}

/*
 * Copy @p n frames into the ring (mu held). A full ring makes the caller
 * wait for the writer: nothing is dropped here. Meanwhile the frames
 * still to come wait in the kernel's tty buffer and then in the board,
 * which counts what it cannot keep; the decoder sees those as sequence
 * gaps, which the file marks. The wait is counted in the stats.
 */
static rm_status enqueue(rm_recorder *r, const rm_frame *frames, size_t n)
{
    while (n) {
        if (r->count == r->cap) {
            uint64_t t0 = rm_mono_us();
            r->stats.full_waits++;
            pthread_cond_signal(&r->more);
            while (r->count == r->cap && r->werr == RM_OK)
                pthread_cond_wait(&r->room, &r->mu);
            r->stats.full_wait_us += rm_mono_us() - t0;
        }
        if (r->werr != RM_OK)
            return writer_error(r);
        size_t tail = (r->head + r->count) % r->cap;
        size_t m = r->cap - r->count;
        if (m > r->cap - tail)
            m = r->cap - tail;
        if (m > n)
            m = n;
        if (r->count == r->taken) {
            /* The first frame of a new batch starts its age, and wakes
             * the writer so that it keeps the 100 ms clock itself. */
            r->since_ms = rm_mono_ms();
            pthread_cond_signal(&r->more);
        }
        memcpy(r->ring + tail, frames, m * sizeof *frames);
        r->count += m;
        frames += m;
        n -= m;
        if (r->count > r->stats.queue_max_frames)
            r->stats.queue_max_frames = r->count;
        if (r->count - r->taken >= r->batch)
            pthread_cond_signal(&r->more);
    }
    return RM_OK;
}

rm_status rm_recorder_push(rm_recorder *r, const rm_frame *frames, size_t n)
{
    if (!r || (!frames && n) || r->finished)
        return RM_ERR_ARG;
    if (r->e && n && rm_engine_push(r->e, frames, n) != RM_OK) {
        snprintf(r->msg, sizeof r->msg,
                 "analysis stopped (recording goes on): %s",
                 rm_engine_errmsg(r->e));
        rm_engine_free(r->e);
        r->e = NULL;
    }
    pthread_mutex_lock(&r->mu);
    rm_status st = r->werr != RM_OK ? writer_error(r)
                                    : enqueue(r, frames, n);
    pthread_mutex_unlock(&r->mu);
    return st;
}

rm_status rm_recorder_finish(rm_recorder *r)
{
    if (!r)
        return RM_ERR_ARG;
    if (r->finished)
        return r->close_status;
    r->finished = 1;
    /* The writer drains the ring while the engine finishes. */
    pthread_mutex_lock(&r->mu);
    r->closing = 1;
    pthread_cond_signal(&r->more);
    pthread_mutex_unlock(&r->mu);
    if (r->e && rm_engine_finish(r->e) != RM_OK) {
        snprintf(r->msg, sizeof r->msg, "analysis failed: %s",
                 rm_engine_errmsg(r->e));
        rm_engine_free(r->e);
        r->e = NULL;
    }
    pthread_join(r->thread, NULL);
    r->have_thread = 0;
    rm_status st = r->werr == RM_OK ? RM_OK : writer_error(r);
    /* Keep the counts: the writer handle goes away here. */
    r->dropped = rm_session_writer_dropped(r->w);
    r->in_file = rm_session_writer_frames(r->w);
    rm_status cst = rm_session_writer_close(r->w);
    r->w = NULL;
    if (st == RM_OK && cst != RM_OK)
        st = rm_msg_set(r->msg, sizeof r->msg, cst,
                        "closing the session: %s", rm_strerror(cst));
    r->close_status = st;
    return st;
}

const rm_engine *rm_recorder_engine(const rm_recorder *r)
{
    return r ? r->e : NULL;
}

/* What the file holds plus what is queued for it, not what was pushed:
 * after a failed write (disk full) the queue is let go, and the user
 * must be told the file's count. The const is the caller's view: the
 * lock inside is not part of the recorder's state. */
uint64_t rm_recorder_frames(const rm_recorder *r)
{
    if (!r)
        return 0;
    if (!r->have_thread)
        return r->in_file;
    rm_recorder *m = (rm_recorder *)r;
    pthread_mutex_lock(&m->mu);
    uint64_t n = m->in_file + (m->werr == RM_OK ? m->count : 0);
    pthread_mutex_unlock(&m->mu);
    return n;
}

uint64_t rm_recorder_dropped(const rm_recorder *r)
{
    if (!r)
        return 0;
    if (!r->have_thread)
        return r->dropped;
    rm_recorder *m = (rm_recorder *)r;
    pthread_mutex_lock(&m->mu);
    uint64_t n = m->dropped;
    pthread_mutex_unlock(&m->mu);
    return n;
}

void rm_recorder_get_stats(const rm_recorder *r, rm_recorder_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!r)
        return;
    rm_recorder *m = (rm_recorder *)r;
    if (m->have_thread)
        pthread_mutex_lock(&m->mu);
    *out = m->stats;
    if (m->have_thread)
        pthread_mutex_unlock(&m->mu);
}

void rm_recorder_slow_writer(rm_recorder *r, unsigned delay_us)
{
    if (!r || !r->have_thread)
        return;
    pthread_mutex_lock(&r->mu);
    r->test_delay_us = delay_us;
    pthread_mutex_unlock(&r->mu);
}

const char *rm_recorder_errmsg(const rm_recorder *r)
{
    return r ? r->msg : "no recorder";
}

void rm_recorder_free(rm_recorder *r)
{
    if (!r)
        return;
    if (!r->finished)
        rm_recorder_finish(r);
    recorder_free_parts(r);
}
