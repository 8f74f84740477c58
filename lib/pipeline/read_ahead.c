/*
 * Read-ahead (an option of the offline pipeline, off by default: see
 * docs/performance.md). Reading the file is mostly the kernel copying it
 * out of the page cache, about as long as the engine takes over the same
 * frames, so a helper thread reads blocks into a small ring while this
 * thread runs the engine on the ones before: with a CPU free the pass
 * takes about the longer of the two instead of their sum; without one
 * the threads only take turns. libsndfile reads straight into the ring
 * (rm_session_read_into) and the engine reads it in place
 * (rm_engine_push_view): no copy.
 * Frames reach the engine in file order, in the same blocks as without
 * the thread, so the findings are identical; callbacks run on this thread.
 * The helper only reads the session, and this thread touches the session
 * again only after joining it (one thread per handle at a time).
 */
#include <pthread.h>
#include <string.h>

#include "pipeline.h"

#define RING_SLOTS 8
/* RM_PIPELINE_BLOCK_FRAMES (2048) frames a slot: 287 kB at 32 cells,
 * 2.3 MB for the ring; the threads wake each other once per half ring
 * (1.1 MB, ~470 times for an hour of 32 cells at 1 kHz). */

typedef struct ring_slot {
    int32_t *buf;
    rm_frame_view v;
    rm_status st;           /* the read's status (v.n == 0 at the end) */
} ring_slot;

typedef struct read_ring {
    rm_session *sess;
    ring_slot slot[RING_SLOTS];
    /* Under mu: slots filled (head) and consumed (tail) so far; the
     * reader fills slot head % RING_SLOTS while head - tail < SLOTS. */
    size_t head, tail;
    int stop;               /* the consumer gave up: the reader returns */
    int reader_done;        /* the reader filled its last slot */
    int reader_waits, consumer_waits;
    pthread_mutex_t mu;
    pthread_cond_t filled, freed;
} read_ring;

static void *ring_reader(void *arg)
{
    read_ring *r = arg;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        if (r->head - r->tail == RING_SLOTS) {
            /* Full: sleep until half the ring is free, not one slot, so
             * the two threads do not wake each other every block. */
            r->reader_waits = 1;
            while (r->head - r->tail > RING_SLOTS / 2 && !r->stop)
                pthread_cond_wait(&r->freed, &r->mu);
            r->reader_waits = 0;
        }
        int stop = r->stop;
        ring_slot *sl = &r->slot[r->head % RING_SLOTS];
        pthread_mutex_unlock(&r->mu);
        if (stop)
            return NULL;
        sl->st = rm_session_read_into(r->sess, sl->buf,
                                      RM_PIPELINE_BLOCK_FRAMES, &sl->v);
        int last = sl->st != RM_OK || sl->v.n == 0;
        pthread_mutex_lock(&r->mu);
        r->head++;
        r->reader_done = last;
        if (r->consumer_waits &&
            (last || r->head - r->tail >= RING_SLOTS / 2))
            pthread_cond_signal(&r->filled);
        pthread_mutex_unlock(&r->mu);
        if (last)
            return NULL;
    }
}

/* The next filled slot, in order. */
static ring_slot *ring_take(read_ring *r)
{
    pthread_mutex_lock(&r->mu);
    if (r->head == r->tail) {
        /* Empty: sleep until half the ring is filled (or the reader has
         * stopped: its last slot says why), for the same reason. */
        r->consumer_waits = 1;
        while (r->head - r->tail < RING_SLOTS / 2 && !r->reader_done)
            pthread_cond_wait(&r->filled, &r->mu);
        r->consumer_waits = 0;
    }
    ring_slot *sl = &r->slot[r->tail % RING_SLOTS];
    pthread_mutex_unlock(&r->mu);
    return sl;
}

static void ring_release(read_ring *r)
{
    pthread_mutex_lock(&r->mu);
    r->tail++;
    if (r->reader_waits && r->head - r->tail <= RING_SLOTS / 2)
        pthread_cond_signal(&r->freed);
    pthread_mutex_unlock(&r->mu);
}

/* Every frame of the session into the engine through the ring; on this
 * thread alone when the ring or the thread cannot be had. */
rm_status rm_pipeline_push_ahead(rm_session *sess, rm_engine *eng,
                                 const char *path, rm_error *err)
{
    read_ring r;
    memset(&r, 0, sizeof r);
    r.sess = sess;
    size_t items = RM_PIPELINE_BLOCK_FRAMES * rm_session_channels(sess);
    int32_t *mem = rm_calloc(RING_SLOTS * items, sizeof *mem);
    if (!mem)
        return rm_pipeline_push_here(sess, eng, path, err);
    for (size_t i = 0; i < RING_SLOTS; i++)
        r.slot[i].buf = mem + i * items;
    pthread_t th;
    if (pthread_mutex_init(&r.mu, NULL) != 0) {
        rm_free(mem);
        return rm_pipeline_push_here(sess, eng, path, err);
    }
    if (pthread_cond_init(&r.filled, NULL) != 0) {
        pthread_mutex_destroy(&r.mu);
        rm_free(mem);
        return rm_pipeline_push_here(sess, eng, path, err);
    }
    if (pthread_cond_init(&r.freed, NULL) != 0) {
        pthread_cond_destroy(&r.filled);
        pthread_mutex_destroy(&r.mu);
        rm_free(mem);
        return rm_pipeline_push_here(sess, eng, path, err);
    }
    rm_status st = RM_OK;
    if (pthread_create(&th, NULL, ring_reader, &r) != 0) {
        st = rm_pipeline_push_here(sess, eng, path, err);
    } else {
        int read_error = 0;
        for (;;) {
            ring_slot *sl = ring_take(&r);
            if (sl->st != RM_OK) {
                st = sl->st; /* the reader has stopped after this slot */
                read_error = 1;
                break;
            }
            if (sl->v.n == 0)
                break;
            st = rm_engine_push_view(eng, &sl->v);
            ring_release(&r);
            if (st != RM_OK)
                break;
        }
        pthread_mutex_lock(&r.mu);
        r.stop = 1;
        pthread_cond_signal(&r.freed);
        pthread_mutex_unlock(&r.mu);
        pthread_join(th, NULL);
        /* Messages only now: the session is this thread's again. */
        if (read_error)
            st = rm_pipeline_read_failed(err, st, path, sess);
        else if (st != RM_OK)
            st = rm_pipeline_push_failed(err, st, path, eng);
    }
    pthread_cond_destroy(&r.freed);
    pthread_cond_destroy(&r.filled);
    pthread_mutex_destroy(&r.mu);
    rm_free(mem);
    return st;
}

