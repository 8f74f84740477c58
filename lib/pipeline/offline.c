/*
 * The offline pipeline: session file -> engine -> summary, and the
 * one-call helpers on top of it (rm_report_file, rm_trend_add_file) that
 * hand the summary to a report writer. CSV needs a second pass over the
 * file (final positions per sample). The file is read on this thread, or
 * ahead on a helper thread when the caller asks (read_ahead.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pipeline.h"
#include "report/report_internal.h"

/* A read error and an engine error carry their own messages. */
rm_status rm_pipeline_read_failed(rm_error *err, rm_status st,
                                  const char *path, rm_session *sess)
{
    return rm_error_set(err, st, "%s: %s", path, rm_session_errmsg(sess));
}

rm_status rm_pipeline_push_failed(rm_error *err, rm_status st,
                                  const char *path, rm_engine *eng)
{
    return rm_error_set(err, st, "%s: %s", path, rm_engine_errmsg(eng));
}

/* Each block of the session in turn, on this thread, read in place. */
rm_status rm_pipeline_push_here(rm_session *sess, rm_engine *eng,
                                const char *path, rm_error *err)
{
    for (;;) {
        rm_frame_view v;
        rm_status st = rm_session_read_view(sess, RM_PIPELINE_BLOCK_FRAMES,
                                            &v);
        if (st != RM_OK)
            return rm_pipeline_read_failed(err, st, path, sess);
        if (v.n == 0)
            return RM_OK;
        st = rm_engine_push_view(eng, &v);
        if (st != RM_OK)
            return rm_pipeline_push_failed(err, st, path, eng);
    }
}

/*
 * Session file -> engine -> summary. Nobody watches a live view offline:
 * provisional positions are worked out only when the caller asks (its
 * on_sample sees them in this pass); the final results do not depend on
 * them (rm_engine_set_live_positions), and they cost about a tenth of
 * the analysis of an hour at 32 cells.
 */
rm_status rm_pipeline_analyse(const char *path, const rm_engine_config *cfg,
                              const rm_engine_callbacks *cb,
                              int live_positions, int read_ahead,
                              rm_session **sess_out, rm_engine **eng_out,
                              rm_error *err)
{
    rm_session *sess = NULL;
    rm_engine *eng = NULL;
    rm_error sub = { RM_OK, "" };
    rm_status st;

    *sess_out = NULL;
    *eng_out = NULL;
    st = rm_session_open(path, &sess, &sub);
    if (st != RM_OK) {
        /* The reader's message usually names the file already. */
        if (strncmp(sub.msg, path, strlen(path)) == 0)
            return rm_error_set(err, st, "%s", sub.msg);
        return rm_error_set(err, st, "%s: %s", path,
                            sub.msg[0] ? sub.msg : rm_strerror(st));
    }
    st = rm_engine_new(rm_session_get_meta(sess), cfg, cb, &eng, &sub);
    if (st != RM_OK) {
        rm_session_close(sess);
        return rm_error_set(err, st, "%s: %s", path,
                            sub.msg[0] ? sub.msg : rm_strerror(st));
    }
    (void)rm_engine_set_live_positions(eng, live_positions);
    st = read_ahead ? rm_pipeline_push_ahead(sess, eng, path, err)
                    : rm_pipeline_push_here(sess, eng, path, err);
    if (st != RM_OK)
        goto fail;
    st = rm_engine_finish(eng);
    if (st != RM_OK) {
        rm_error_set(err, st, "%s: %s", path, rm_engine_errmsg(eng));
        goto fail;
    }
    if (!rm_engine_summary(eng)) {
        st = rm_error_set(err, RM_ERR_FORMAT, "%s: engine gave no summary",
                          path);
        goto fail;
    }
    *sess_out = sess;
    *eng_out = eng;
    return RM_OK;
fail:
    rm_engine_free(eng);
    rm_session_close(sess);
    return st;
}

/* "calf.wav: cannot write the report: No space left on device": the
 * OS's reason (errno right after the failed write) says more than
 * RM_ERR_IO's static text. */
static rm_status write_failed(rm_error *err, rm_status st, const char *path,
                              int os_errno)
{
    char why[128];
    if (os_errno == 0 || strerror_r(os_errno, why, sizeof why) != 0)
        snprintf(why, sizeof why, "%s", rm_strerror(st));
    return rm_error_set(err, st, "%s: cannot write the report: %s", path,
                        why);
}

struct csv_sink {
    rm_csv_writer *w;
    int active;        /* rows only in the sample pass (final positions) */
};

static void csv_on_sample(const rm_sample *smp, void *user)
{
    struct csv_sink *sink = user;
    /* A failed write is remembered by the writer and reported at close. */
    if (sink->active)
        (void)rm_csv_writer_row(sink->w, smp);
}

/*
 * CSV needs every sample at its FINAL position, known only once the
 * whole session has been seen, so the file is read twice: the analysis
 * pass, then the engine's sample pass (alignment frozen) with rows
 * written from on_sample. Memory stays bounded; the cost is a second
 * read of the file.
 */
static rm_status report_csv_file(const char *path,
                                 const rm_engine_config *cfg, int read_ahead,
                                 FILE *out, rm_error *err)
{
    rm_session *sess = NULL;
    rm_engine *eng = NULL;
    struct csv_sink sink = { NULL, 0 };
    rm_engine_callbacks cb = { .on_sample = csv_on_sample, .user = &sink };
    rm_error sub = { RM_OK, "" };

    /* The analysis pass's samples are dropped (sink inactive): no
     * provisional positions for them. */
    rm_status st = rm_pipeline_analyse(path, cfg, &cb, 0, read_ahead, &sess,
                                       &eng, err);
    if (st != RM_OK)
        return st;
    st = rm_csv_writer_new(out, rm_session_get_meta(sess)->desc.cells,
                           &sink.w, &sub);
    if (st != RM_OK) {
        rm_error_set(err, st, "%s: %s", path, sub.msg);
        goto done;
    }
    st = rm_engine_sample_pass(eng);
    if (st == RM_OK)
        st = rm_session_rewind(sess);
    if (st != RM_OK) {
        rm_error_set(err, st, "%s: %s", path, rm_engine_errmsg(eng));
        goto done;
    }
    sink.active = 1;
    st = read_ahead ? rm_pipeline_push_ahead(sess, eng, path, err)
                    : rm_pipeline_push_here(sess, eng, path, err);
    if (st == RM_OK) {
        st = rm_engine_finish(eng);
        if (st != RM_OK)
            rm_error_set(err, st, "%s: %s", path, rm_engine_errmsg(eng));
    }
done:
    rm_engine_free(eng);
    rm_session_close(sess);
    if (sink.w) {
        int first_errno = rm_csv_writer_os_errno(sink.w);
        errno = 0;
        rm_status cst = rm_csv_writer_close(sink.w);
        if (st == RM_OK && cst != RM_OK)
            st = write_failed(err, cst, path,
                              first_errno ? first_errno : errno);
    }
    return st;
}

void rm_report_options_default(rm_report_options *opt)
{
    if (opt)
        memset(opt, 0, sizeof *opt);
}

void rm_pipeline_summary(rm_session *sess, rm_engine *eng, rm_summary *out)
{
    *out = *rm_engine_summary(eng);
    out->duration_s = rm_session_duration_s(sess);
    out->dropped_frames = rm_session_dropped(sess);
}

rm_status rm_report_file_opts(const char *session_path, rm_report_format fmt,
                              const rm_engine_config *cfg,
                              const rm_report_options *opt, FILE *out,
                              rm_error *err)
{
    rm_report_options defaults;
    if (!opt) {
        rm_report_options_default(&defaults);
        opt = &defaults;
    }
    if (!session_path || !out || (unsigned)fmt > (unsigned)RM_REPORT_HTML)
        return rm_error_set(err, RM_ERR_ARG, "invalid argument");
    int ahead = opt->read_ahead != 0;
    if (fmt == RM_REPORT_CSV)
        return report_csv_file(session_path, cfg, ahead, out, err);

    rm_session *sess = NULL;
    rm_engine *eng = NULL;
    rm_status st = rm_pipeline_analyse(session_path, cfg, NULL, 0, ahead,
                                       &sess, &eng, err);
    if (st != RM_OK)
        return st;
    rm_summary sum;
    rm_pipeline_summary(sess, eng, &sum);
    errno = 0;
    st = rm_report_write(&sum, rm_session_get_meta(sess), fmt, out);
    int write_errno = errno;
    rm_engine_free(eng);
    rm_session_close(sess);
    if (st != RM_OK)
        return write_failed(err, st, session_path, write_errno);
    return RM_OK;
}

rm_status rm_report_file(const char *session_path, rm_report_format fmt,
                         const rm_engine_config *cfg, FILE *out,
                         rm_error *err)
{
    return rm_report_file_opts(session_path, fmt, cfg, NULL, out, err);
}

rm_status rm_trend_add_file(rm_trend *t, const char *session_path,
                            const rm_engine_config *cfg, rm_error *err)
{
    if (!t || !session_path)
        return rm_error_set(err, RM_ERR_ARG, "trend: invalid argument");
    rm_session *sess = NULL;
    rm_engine *eng = NULL;
    rm_status st = rm_pipeline_analyse(session_path, cfg, NULL, 0, 0, &sess,
                                       &eng, err);
    if (st != RM_OK)
        return st;
    rm_summary sum;
    rm_pipeline_summary(sess, eng, &sum);
    st = rm_trend_add(t, session_path, rm_session_get_meta(sess), &sum);
    rm_engine_free(eng);
    rm_session_close(sess);
    if (st != RM_OK)
        return rm_error_set(err, st, "%s: %s", session_path,
                            rm_strerror(st));
    return RM_OK;
}
