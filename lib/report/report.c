/*
 * Report entry points: format names, rm_report_write() dispatching to the
 * per-format writers, and rm_report_file() (session reader -> engine ->
 * writer in one call), plus the small formatting helpers they share.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report_internal.h"

static const char *const format_names[] = {
    [RM_REPORT_TEXT] = "text", [RM_REPORT_JSON] = "json",
    [RM_REPORT_CSV] = "csv",   [RM_REPORT_SVG] = "svg",
    [RM_REPORT_HTML] = "html",
};
#define N_FORMATS (sizeof format_names / sizeof format_names[0])

rm_status rm_report_format_parse(const char *name, rm_report_format *out)
{
    if (!name || !out)
        return RM_ERR_ARG;
    for (size_t i = 0; i < N_FORMATS; i++) {
        if (strcmp(name, format_names[i]) == 0) {
            *out = (rm_report_format)i;
            return RM_OK;
        }
    }
    return RM_ERR_ARG;
}

const char *rm_report_format_name(rm_report_format fmt)
{
    if ((unsigned)fmt < N_FORMATS)
        return format_names[fmt];
    return "unknown";
}

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */
/* ------------------------------------------------------------------ */

void rm_fmt_fixed(char *buf, size_t cap, double v, int decimals,
                  const char *nan_text)
{
    if (!cap)
        return;
    if (!isfinite(v)) {
        snprintf(buf, cap, "%s", nan_text ? nan_text : "");
        return;
    }
    /* "-0.0" reads oddly in a report; a value that rounds to zero is 0. */
    double scale = pow(10.0, decimals);
    if (fabs(v) * scale < 0.5)
        v = 0.0;
    if (fabs(v) >= 1e15)
        /* Absurd magnitudes (a broken calibration) keep every significant
         * digit in exponent form instead of hundreds of digits that a
         * small buffer would cut into a wrong number. */
        snprintf(buf, cap, "%.17g", v);
    else
        snprintf(buf, cap, "%.*f", decimals, v);
    /* A locale with a decimal comma (set by a program linking us) must
     * not leak into JSON, CSV or SVG: the only characters %f and %g
     * produce besides digits, signs and the exponent's 'e' are the
     * decimal mark. */
    for (char *p = buf; *p; p++)
        if (*p != '-' && *p != '+' && *p != 'e' && (*p < '0' || *p > '9'))
            *p = '.';
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if none.
 * Rejects overlongs, surrogates and code points past U+10FFFF. */
static size_t utf8_seq_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; min = 0x800; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; cp = c & 0x07; }
    else return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void rm_utf8_clean(const char *in, size_t max_in, char *out, size_t cap)
{
    static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
    size_t o = 0;
    if (!cap)
        return;
    if (!in) {
        out[0] = '\0';
        return;
    }
    size_t n = strnlen(in, max_in);
    const unsigned char *p = (const unsigned char *)in;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_seq_len(p + i, n - i);
        const char *src = (const char *)p + i;
        size_t take = len;
        /* C0 controls but newline and tab, DEL, and the C1 controls
         * U+0080..U+009F (UTF-8 C2 80..C2 9F; U+009B is CSI to VTE and
         * xterm) would drive a terminal. */
        if (len == 0 || (len == 1 && ((p[i] < 0x20 && p[i] != '\n' &&
                                       p[i] != '\t') || p[i] == 0x7f)) ||
            (len == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)) {
            src = replacement;
            take = 3;
            len = 1;
        }
        if (o + take >= cap)
            break;
        memcpy(out + o, src, take);
        o += take;
        i += len;
    }
    out[o] = '\0';
}

void rm_xml_put(FILE *f, const char *s, size_t max_in)
{
    /* Notes are at most RM_NOTES_MAX bytes; a cleaned byte grows to at
     * most 3 bytes (U+FFFD). Longer inputs are cut, never overrun. */
    char clean[3 * RM_NOTES_MAX + 1];
    rm_utf8_clean(s, max_in, clean, sizeof clean);
    for (const char *p = clean; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*p, f); break;
        }
    }
}

void rm_fmt_utc(char *buf, size_t cap, int64_t start_unix_us)
{
    struct tm tm;
    if (!cap)
        return;
    buf[0] = '\0';
    /* 0 is "unknown"; beyond year 9999 the ISO form breaks. */
    if (start_unix_us <= 0 || start_unix_us > INT64_C(253402300799000000))
        return;
    time_t t = (time_t)(start_unix_us / 1000000);
    if (!gmtime_r(&t, &tm))
        return;
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void rm_fmt_clock(char *buf, size_t cap, double t_s)
{
    if (!isfinite(t_s) || t_s < 0 || t_s > 1e9) {
        snprintf(buf, cap, "-");
        return;
    }
    unsigned long total = (unsigned long)(t_s + 0.5);
    unsigned long h = total / 3600, m = (total / 60) % 60, s = total % 60;
    if (h)
        snprintf(buf, cap, "%lu:%02lu:%02lu", h, m, s);
    else
        snprintf(buf, cap, "%lu:%02lu", m, s);
}

const char *rm_zone_label(rm_zone z)
{
    switch (z) {
    case RM_ZONE_ACHILLES:        return "Achilles (tendon)";
    case RM_ZONE_SOLEUS:          return "soleus";
    case RM_ZONE_GASTROC_MEDIAL:  return "gastroc. medial";
    case RM_ZONE_GASTROC_LATERAL: return "gastroc. lateral";
    case RM_ZONE_BELOW_KNEE:      return "below knee";
    }
    return "unknown";
}

const char *rm_guidance_level_name(rm_guidance_level level)
{
    switch (level) {
    case RM_GUIDE_INFO:    return "info";
    case RM_GUIDE_ADVICE:  return "advice";
    case RM_GUIDE_CAUTION: return "caution";
    }
    return "unknown";
}

const rm_guidance *rm_report_safety_entry(const rm_summary *s)
{
    for (size_t i = 0; s->guidance && i < s->n_guidance; i++)
        if (strncmp(s->guidance[i].code, "safety",
                    sizeof s->guidance[i].code) == 0)
            return &s->guidance[i];
    return NULL;
}

const char *rm_hold_band(double duration_s)
{
    if (!isfinite(duration_s))
        return "?";
    if (duration_s < RM_REPORT_HOLD_MIN_S)
        return "short";
    if (duration_s > RM_REPORT_HOLD_MAX_S)
        return "long";
    return "ok";
}

void rm_report_line_passes(const rm_summary *s, rm_line line,
                           rm_line_passes *out)
{
    size_t n = s->passes ? s->n_passes : 0, nspeed = 0;
    double sum = 0.0;
    *out = (rm_line_passes){ 0, 0, 0, NAN, NAN };
    for (size_t i = 0; i < n; i++) {
        const rm_pass *p = &s->passes[i];
        if (p->line != line)
            continue;
        out->count++;
        out->up += p->direction > 0;
        out->down += p->direction < 0;
        if (isfinite(p->mean_speed_cm_s)) {
            sum += p->mean_speed_cm_s;
            nspeed++;
        }
        if (isfinite(p->peak_speed_cm_s) &&
            (!isfinite(out->peak_speed_cm_s) ||
             p->peak_speed_cm_s > out->peak_speed_cm_s))
            out->peak_speed_cm_s = p->peak_speed_cm_s;
    }
    if (nspeed)
        out->mean_speed_cm_s = sum / (double)nspeed;
}

double rm_report_scale_max_kpa(const rm_summary *s)
{
    double m = 0.0;
    if (s->map_kpa)
        for (size_t i = 0; i < 3 * s->map_bins; i++)
            if (isfinite(s->map_kpa[i]) && s->map_kpa[i] > m)
                m = s->map_kpa[i];
    if (s->peaks)
        for (size_t i = 0; i < s->n_peaks; i++)
            if (isfinite(s->peaks[i].pressure_kpa) &&
                s->peaks[i].pressure_kpa > m)
                m = s->peaks[i].pressure_kpa;
    /* Round up to 1, 2 or 5 times a power of ten so the scale's ticks
     * are round numbers: 137 kPa -> 200, 43 -> 50. */
    if (m < 10.0)
        return 10.0;
    double p = pow(10.0, floor(log10(m)));
    const double steps[] = { 1.0, 2.0, 5.0, 10.0 };
    for (size_t i = 0; i < 4; i++)
        if (m <= steps[i] * p)
            return steps[i] * p;
    return 10.0 * p;
}

rm_status rm_report_stream_status(FILE *out)
{
    if (fflush(out) != 0 || ferror(out))
        return RM_ERR_IO;
    return RM_OK;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

rm_status rm_report_write(const rm_summary *s, const rm_session_meta *meta,
                          rm_report_format fmt, FILE *out)
{
    if (!s || !out)
        return RM_ERR_ARG;
    switch (fmt) {
    case RM_REPORT_TEXT: return rm_report_text(s, meta, out);
    case RM_REPORT_JSON: return rm_report_json(s, meta, out);
    case RM_REPORT_SVG:  return rm_report_svg(s, meta, 1, out);
    case RM_REPORT_HTML: return rm_report_html(s, meta, out);
    case RM_REPORT_CSV:  break; /* per sample: rm_csv_writer */
    }
    return RM_ERR_ARG;
}

/*
 * Read-ahead. Reading the file is mostly the kernel copying it out of the
 * page cache (the benchmark's floor: ~20 ns a frame at 32 cells), about
 * as long as the engine takes over the same frames, so a helper thread
 * reads blocks into a small ring while this thread runs the engine on the
 * ones before: the pass then takes about the longer of the two instead of
 * their sum. libsndfile reads straight into the ring (rm_session_read_into)
 * and the engine reads it in place (rm_engine_push_view): no copy.
 * Frames reach the engine in file order, in the same blocks as without
 * the thread, so the findings are identical; callbacks run on this thread.
 * The helper only reads the session, and this thread touches the session
 * again only after joining it (one thread per handle at a time).
 */
#define RING_SLOTS 8
/* 2048 frames: 287 kB a slot at 32 cells, 2.3 MB for the ring; the
 * threads wake each other once per half ring (1.1 MB, ~470 times for an
 * hour of 32 cells at 1 kHz). */
#define RING_BLOCK_FRAMES 2048

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
        sl->st = rm_session_read_into(r->sess, sl->buf, RING_BLOCK_FRAMES,
                                      &sl->v);
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

/* A read error and an engine error carry their own messages. */
static rm_status read_failed(rm_error *err, rm_status st, const char *path,
                             rm_session *sess)
{
    return rm_error_set(err, st, "%s: %s", path, rm_session_errmsg(sess));
}

static rm_status push_failed(rm_error *err, rm_status st, const char *path,
                             rm_engine *eng)
{
    return rm_error_set(err, st, "%s: %s", path, rm_engine_errmsg(eng));
}

/* Without a second CPU (or a thread): the reader's own block, in place. */
static rm_status push_all_here(rm_session *sess, rm_engine *eng,
                               const char *path, rm_error *err)
{
    for (;;) {
        rm_frame_view v;
        rm_status st = rm_session_read_view(sess, RING_BLOCK_FRAMES, &v);
        if (st != RM_OK)
            return read_failed(err, st, path, sess);
        if (v.n == 0)
            return RM_OK;
        st = rm_engine_push_view(eng, &v);
        if (st != RM_OK)
            return push_failed(err, st, path, eng);
    }
}

/*
 * Read ahead only with a CPU to spare: two or more online and a one-minute
 * load average at most their number less one. On a busy machine the two
 * threads only take turns, and then the hand-over costs more than it
 * saves (measured on 2 shared CPUs at load 3: report 0.149 s on one
 * thread, 0.169-0.29 s with the ring; at load 2.3 with a CPU free, 0.157
 * s against 0.117 s).
 * Why this rule is good enough: the findings never depend on it (both
 * paths push the same frames in the same order), and a wrong guess costs
 * at most the ~13 % hand-over or the ~25 % the ring would have saved.
 * Its blind spots, all on the cautious side except the last: the average
 * lags by about a minute (a report lasts a fraction of a second, and no
 * cheaper forecast exists); Linux counts tasks waiting on disk as load;
 * and online CPUs are not the CPUs this process may use (taskset, a
 * container's cpuset): with one allowed CPU the ring only adds its
 * hand-over. Counting the allowed CPUs (sched_getaffinity) needs
 * _GNU_SOURCE, which would change strerror_r() below.
 */
static int cpu_to_spare(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    double load;
    if (cpus < 2)
        return 0;
    if (getloadavg(&load, 1) != 1)
        return 1; /* unknown: the ring is right for an idle machine */
    return load <= (double)cpus - 1.0;
}

/* Every frame of the session into the engine, read ahead on a helper
 * thread (when `ahead`), else on this thread. */
static rm_status push_all_mode(rm_session *sess, rm_engine *eng,
                               const char *path, rm_error *err, int ahead)
{
    if (!ahead)
        return push_all_here(sess, eng, path, err);
    read_ring r;
    memset(&r, 0, sizeof r);
    r.sess = sess;
    size_t items = RING_BLOCK_FRAMES * rm_session_channels(sess);
    int32_t *mem = rm_calloc(RING_SLOTS * items, sizeof *mem);
    if (!mem)
        return push_all_here(sess, eng, path, err);
    for (size_t i = 0; i < RING_SLOTS; i++)
        r.slot[i].buf = mem + i * items;
    pthread_t th;
    if (pthread_mutex_init(&r.mu, NULL) != 0) {
        rm_free(mem);
        return push_all_here(sess, eng, path, err);
    }
    if (pthread_cond_init(&r.filled, NULL) != 0) {
        pthread_mutex_destroy(&r.mu);
        rm_free(mem);
        return push_all_here(sess, eng, path, err);
    }
    if (pthread_cond_init(&r.freed, NULL) != 0) {
        pthread_cond_destroy(&r.filled);
        pthread_mutex_destroy(&r.mu);
        rm_free(mem);
        return push_all_here(sess, eng, path, err);
    }
    rm_status st = RM_OK;
    if (pthread_create(&th, NULL, ring_reader, &r) != 0) {
        st = push_all_here(sess, eng, path, err);
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
            st = read_failed(err, st, path, sess);
        else if (st != RM_OK)
            st = push_failed(err, st, path, eng);
    }
    pthread_cond_destroy(&r.freed);
    pthread_cond_destroy(&r.filled);
    pthread_mutex_destroy(&r.mu);
    rm_free(mem);
    return st;
}

static rm_status push_all(rm_session *sess, rm_engine *eng, const char *path,
                          rm_error *err)
{
    return push_all_mode(sess, eng, path, err, cpu_to_spare());
}

static rm_status analyse(const char *path, const rm_engine_config *cfg,
                         const rm_engine_callbacks *cb, int live_positions,
                         rm_session **sess_out, rm_engine **eng_out,
                         rm_error *err, rm_read_mode mode);

rm_status rm_report_analyse(const char *path, const rm_engine_config *cfg,
                            const rm_engine_callbacks *cb,
                            rm_session **sess_out, rm_engine **eng_out,
                            rm_error *err)
{
    return rm_report_analyse_mode(path, cfg, cb, sess_out, eng_out, err,
                                  RM_READ_AUTO);
}

/* Nobody watches a live view offline: provisional positions are worked
 * out only when the caller's on_sample will see them in this pass. */
rm_status rm_report_analyse_mode(const char *path, const rm_engine_config *cfg,
                                 const rm_engine_callbacks *cb,
                                 rm_session **sess_out, rm_engine **eng_out,
                                 rm_error *err, rm_read_mode mode)
{
    return analyse(path, cfg, cb, cb && cb->on_sample, sess_out, eng_out, err,
                   mode);
}

static rm_status analyse(const char *path, const rm_engine_config *cfg,
                         const rm_engine_callbacks *cb, int live_positions,
                         rm_session **sess_out, rm_engine **eng_out,
                         rm_error *err, rm_read_mode mode)
{
    rm_session *sess = NULL;
    rm_engine *eng = NULL;
    rm_engine_config defaults;
    rm_error sub = { RM_OK, "" };
    rm_status st;

    *sess_out = NULL;
    *eng_out = NULL;
    if (!cfg) {
        rm_engine_config_default(&defaults);
        cfg = &defaults;
    }
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
    /* The final results do not depend on it (rm_engine_set_live_positions);
     * it costs about a tenth of the analysis of an hour at 32 cells. */
    (void)rm_engine_set_live_positions(eng, live_positions);
    st = push_all_mode(sess, eng, path, err,
                       mode == RM_READ_AUTO ? cpu_to_spare()
                                            : mode == RM_READ_AHEAD);
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
                                 const rm_engine_config *cfg, FILE *out,
                                 rm_error *err)
{
    rm_session *sess = NULL;
    rm_engine *eng = NULL;
    struct csv_sink sink = { NULL, 0 };
    rm_engine_callbacks cb = { .on_sample = csv_on_sample, .user = &sink };
    rm_error sub = { RM_OK, "" };

    /* The analysis pass's samples are dropped (sink inactive): no
     * provisional positions for them. */
    rm_status st = analyse(path, cfg, &cb, 0, &sess, &eng, err, RM_READ_AUTO);
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
    st = push_all(sess, eng, path, err);
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

rm_status rm_report_file(const char *session_path, rm_report_format fmt,
                         const rm_engine_config *cfg, FILE *out,
                         rm_error *err)
{
    if (!session_path || !out || (unsigned)fmt >= N_FORMATS)
        return rm_error_set(err, RM_ERR_ARG, "invalid argument");
    if (fmt == RM_REPORT_CSV)
        return report_csv_file(session_path, cfg, out, err);

    rm_session *sess = NULL;
    rm_engine *eng = NULL;
    rm_status st = rm_report_analyse(session_path, cfg, NULL, &sess, &eng,
                                     err);
    if (st != RM_OK)
        return st;
    /* Duration and frames lost: the session's one definition (board
     * clock, lone glitches ignored), the same `rollmap info` shows. */
    rm_summary sum = *rm_engine_summary(eng);
    sum.duration_s = rm_session_duration_s(sess);
    sum.dropped_frames = rm_session_dropped(sess);
    errno = 0;
    st = rm_report_write(&sum, rm_session_get_meta(sess), fmt, out);
    int write_errno = errno;
    rm_engine_free(eng);
    rm_session_close(sess);
    if (st != RM_OK)
        return write_failed(err, st, session_path, write_errno);
    return RM_OK;
}
