/*
 * The recorder: one stream of frames from the link into the session
 * writer and the engine. The engine gets each frame at once (the live
 * view's latency); the writer gets them in blocks, so libsndfile's header
 * update and the once-a-second sync are paid per block, not per frame.
 */
#include <stdio.h>
#include <string.h>

#include "link/transport.h"

/* Frames per block handed to the writer, and the longest a frame waits in
 * the block (ms). 100 ms keeps a crash's loss well under the writer's own
 * one-second sync; 256 frames is a quarter second at 1 kHz. */
#define BLOCK_FRAMES 256
#define BLOCK_AGE_MS 100

struct rm_recorder {
    rm_session_writer *w;
    rm_engine *e;
    rm_frame block[BLOCK_FRAMES];
    size_t n_block;
    uint64_t block_since_ms;    /* when the oldest buffered frame came */
    uint64_t in_file;           /* the writer's count, kept at close */
    int write_failed;           /* a block write failed: the file is final */
    uint64_t dropped;           /* the writer's count, kept at close */
    int finished;
    rm_status close_status;
    char msg[256];
};

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
    rm_status st = rm_session_writer_new(path, meta, o.write_flags, &r->w,
                                         err);
    if (st != RM_OK) {
        rm_free(r);
        return st;
    }
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

rm_status rm_recorder_flush(rm_recorder *r)
{
    if (!r)
        return RM_ERR_ARG;
    if (!r->n_block || !r->w)
        return RM_OK;
    rm_status st = rm_session_writer_append(r->w, r->block, r->n_block);
    if (st != RM_OK) {
        r->write_failed = 1;
        return rm_msg_set(r->msg, sizeof r->msg, st, "writing the session: %s",
                          rm_session_writer_errmsg(r->w));
    }
    r->n_block = 0;
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
    uint64_t now = rm_mono_ms();
    for (size_t i = 0; i < n; i++) {
        if (r->n_block == BLOCK_FRAMES) {
            rm_status st = rm_recorder_flush(r);
            if (st != RM_OK)
                return st;
        }
        if (!r->n_block)
            r->block_since_ms = now;
        r->block[r->n_block++] = frames[i];
    }
    if (r->n_block && now - r->block_since_ms >= BLOCK_AGE_MS)
        return rm_recorder_flush(r);
    return RM_OK;
}

rm_status rm_recorder_finish(rm_recorder *r)
{
    if (!r)
        return RM_ERR_ARG;
    if (r->finished)
        return r->close_status;
    r->finished = 1;
    rm_status st = rm_recorder_flush(r);
    if (r->e && rm_engine_finish(r->e) != RM_OK) {
        snprintf(r->msg, sizeof r->msg, "analysis failed: %s",
                 rm_engine_errmsg(r->e));
        rm_engine_free(r->e);
        r->e = NULL;
    }
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

/* What the file holds, not what was pushed: after a failed write (disk
 * full) the two differ, and the user must be told the file's count. */
uint64_t rm_recorder_frames(const rm_recorder *r)
{
    if (!r)
        return 0;
    if (!r->w)
        return r->in_file;
    return rm_session_writer_frames(r->w) +
           (r->write_failed ? 0 : (uint64_t)r->n_block);
}

uint64_t rm_recorder_dropped(const rm_recorder *r)
{
    if (!r)
        return 0;
    return r->w ? rm_session_writer_dropped(r->w) : r->dropped;
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
    rm_engine_free(r->e);
    rm_free(r);
}
