/*
 * pipeline.h - the two pipelines that connect the layers below
 * (docs/architecture.md). Private to lib/pipeline/ and the tests.
 *
 *   offline.c     session file -> engine -> summary (-> report writer)
 *   read_ahead.c  the same, the file read on a helper thread (an option)
 *   live.c        frames from the link -> engine + session writer
 */
#ifndef ROLLMAP_PIPELINE_PIPELINE_H
#define ROLLMAP_PIPELINE_PIPELINE_H

#include "internal.h"

/* Frames per read: one block in, one engine push. */
#define RM_PIPELINE_BLOCK_FRAMES 2048

/* Every frame of the session into the engine, on this thread. */
rm_status rm_pipeline_push_here(rm_session *sess, rm_engine *eng,
                                const char *path, rm_error *err);
/* The same, the file read ahead on a helper thread this call starts and
 * joins (falls back to rm_pipeline_push_here() without memory or a
 * thread). The engine sees the same frames in the same blocks. */
rm_status rm_pipeline_push_ahead(rm_session *sess, rm_engine *eng,
                                 const char *path, rm_error *err);

/* "PATH: reason" for a failed read or engine push. */
rm_status rm_pipeline_read_failed(rm_error *err, rm_status st,
                                  const char *path, rm_session *sess);
rm_status rm_pipeline_push_failed(rm_error *err, rm_status st,
                                  const char *path, rm_engine *eng);

/*
 * Open a session file, run the engine over every frame and finish it
 * (read_ahead: rm_pipeline_push_ahead). live_positions: work out the
 * provisional positions (only on_sample in this pass sees them). On
 * success the caller owns *sess and *eng (summary and metadata stay
 * valid until they are freed); on failure both are NULL and err says
 * why ("PATH: cause").
 */
rm_status rm_pipeline_analyse(const char *path, const rm_engine_config *cfg,
                              const rm_engine_callbacks *cb,
                              int live_positions, int read_ahead,
                              rm_session **sess, rm_engine **eng,
                              rm_error *err);

/*
 * The finished engine's summary with the session's duration and frames
 * lost from the session's one definition (board clock, lone glitches
 * ignored: lib/session/span.c), the figures `rollmap info` shows. Every
 * offline report takes its summary from here.
 */
void rm_pipeline_summary(rm_session *sess, rm_engine *eng, rm_summary *out);

#endif /* ROLLMAP_PIPELINE_PIPELINE_H */
