/*
 * session_to_csv: every sample of a recorded session, placed on the calf,
 * as CSV (the same bytes as `rollmap report -f csv`). Shows the engine's
 * two passes: analyse the whole session (the calf is placed only at the
 * end), then replay the frames through rm_engine_sample_pass() to get each
 * sample at its final position, with memory that does not grow.
 *
 * Build:  cc -std=c11 session_to_csv.c \
 *            $(pkg-config --cflags --libs librollmap) -o session_to_csv
 * Run:    ./session_to_csv calf.wav > calf.csv    (or -o calf.csv)
 * Exit:   0 success, 1 failure, 2 usage, 3 not a valid session file.
 * (For the same result in one call: rm_report_file(path, RM_REPORT_CSV,
 * NULL, out, &err).)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rollmap.h>

#define BLOCK_FRAMES 4096

/* What the on_sample callback needs; handed to the engine as `user`. */
struct csv_job {
    rm_csv_writer *csv;
    int writing;        /* 0 in the analysis pass: positions not final */
};

/* Runs inside rm_engine_push() on this thread; @p s lives only during
 * the call, so it is written out at once, never kept. */
static void on_sample(const rm_sample *s, void *user)
{
    struct csv_job *job = user;
    if (job->writing)
        (void)rm_csv_writer_row(job->csv, s); /* failure shows at close */
}

/* Push every frame of the session into the engine, from the start. */
static rm_status push_session(rm_session *sess, rm_engine *eng,
                              rm_frame *buf, const char **why)
{
    size_t got = 0;
    rm_status st = rm_session_rewind(sess);
    while (st == RM_OK &&
           (st = rm_session_read(sess, buf, BLOCK_FRAMES, &got)) == RM_OK &&
           got > 0) {
        st = rm_engine_push(eng, buf, got);
        if (st != RM_OK) {
            *why = rm_engine_errmsg(eng);
            return st;
        }
    }
    if (st != RM_OK) {
        *why = rm_session_errmsg(sess);
        return st;
    }
    st = rm_engine_finish(eng);
    if (st != RM_OK)
        *why = rm_engine_errmsg(eng);
    return st;
}

int main(int argc, char **argv)
{
    const char *in_path = argc >= 2 ? argv[1] : NULL;
    const char *out_path = NULL;
    if (argc == 4 && !strcmp(argv[2], "-o"))
        out_path = argv[3];
    if (!in_path || in_path[0] == '-' || (argc != 2 && !out_path)) {
        fprintf(stderr, "usage: session_to_csv SESSION.wav [-o OUT.csv]\n");
        return 2;
    }

    rm_error err = { 0 };
    rm_session *sess = NULL;
    rm_status st = rm_session_open(in_path, &sess, &err);
    if (st != RM_OK) {
        fprintf(stderr, "session_to_csv: %s\n", err.msg);
        return st == RM_ERR_FORMAT || st == RM_ERR_UNSUPPORTED ? 3 : 1;
    }
    const rm_session_meta *meta = rm_session_get_meta(sess);

    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (!out) {
        perror(out_path);
        rm_session_close(sess);
        return 1;
    }

    /* The callbacks struct is copied by rm_engine_new(); `job` must live
     * as long as the engine, since the engine hands it back. */
    struct csv_job job = { NULL, 0 };
    rm_engine_callbacks cb = { .on_sample = on_sample, .user = &job };
    rm_engine *eng = NULL;
    rm_frame *buf = malloc(BLOCK_FRAMES * sizeof *buf);
    const char *why = NULL;
    int rc = 1;

    if (!buf) {
        fprintf(stderr, "session_to_csv: out of memory\n");
        goto done;
    }
    st = rm_engine_new(meta, NULL, &cb, &eng, &err);
    if (st != RM_OK) {
        fprintf(stderr, "session_to_csv: %s: %s\n", in_path, err.msg);
        rc = st == RM_ERR_UNSUPPORTED ? 3 : 1;
        goto done;
    }
    st = rm_csv_writer_new(out, meta->desc.cells, &job.csv, &err);
    if (st != RM_OK) {
        fprintf(stderr, "session_to_csv: %s\n", err.msg);
        goto done;
    }

    /* Pass 1: find the calf, passes and holds. */
    st = push_session(sess, eng, buf, &why);
    /* Pass 2: same frames, alignment frozen, on_sample with final
     * positions. */
    if (st == RM_OK && (st = rm_engine_sample_pass(eng)) != RM_OK)
        why = rm_engine_errmsg(eng);
    if (st == RM_OK) {
        job.writing = 1;
        st = push_session(sess, eng, buf, &why);
    }
    if (st != RM_OK) {
        fprintf(stderr, "session_to_csv: %s: %s\n", in_path, why);
        rc = st == RM_ERR_FORMAT ? 3 : 1;
        goto done;
    }
    rc = 0;

done:
    /* rm_csv_writer_close() flushes and reports any failed write; it
     * leaves the FILE open for us to close. */
    if (job.csv && rm_csv_writer_close(job.csv) != RM_OK && rc == 0) {
        fprintf(stderr, "session_to_csv: writing the CSV failed\n");
        rc = 1;
    }
    if (out != stdout && fclose(out) != 0 && rc == 0) {
        perror(out_path);
        rc = 1;
    }
    if (out == stdout && fflush(stdout) != 0 && rc == 0)
        rc = 1;
    free(buf);
    rm_engine_free(eng);
    rm_session_close(sess);
    return rc;
}
