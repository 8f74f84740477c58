/*
 * Session reader: opens an untrusted .wav, checks it is a rollmap session
 * (container, PCM-32, 'rmap' chunk, CRC, channels, rate) and hands frames
 * to replay and report, counting sequence gaps as it goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session_internal.h"

/* Frames per sf_readf_int call when the caller asks for many. */
#define BLOCK_FRAMES 1024u

struct rm_session {
    SNDFILE *sf;
    rm_session_meta meta;
    uint32_t channels;
    int container;            /* SF_FORMAT_WAV, _WAVEX or _RF64 */
    uint64_t frames;
    rm_span span;             /* duration and frames lost (span.c) */
    int32_t *block;           /* BLOCK_FRAMES x channels interleaved */
    char path[256];
    char msg[512];
};

static void session_free(rm_session *s)
{
    if (s->sf)
        sf_close(s->sf);
    rm_free(s->block);
    rm_free(s);
}

/* Reads the 'rmap' chunk into meta; RM_ERR_FORMAT/UNSUPPORTED with why. */
static rm_status load_rmap(rm_session *s, char *why, size_t why_len)
{
    SF_CHUNK_INFO ci;
    memset(&ci, 0, sizeof ci);
    memcpy(ci.id, "rmap", 4);
    ci.id_size = 4;
    SF_CHUNK_ITERATOR *it = sf_get_chunk_iterator(s->sf, &ci);
    if (!it)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "no 'rmap' chunk: not a rollmap session");
    if (sf_get_chunk_size(it, &ci) != SF_ERR_NO_ERROR || ci.datalen == 0)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "'rmap' chunk unreadable");
    if (ci.datalen > RM_RMAP_MAX_LEN)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "'rmap' chunk of %u bytes is implausibly large",
                          ci.datalen);
    uint8_t *buf = rm_calloc(1, ci.datalen);
    if (!buf)
        return rm_msg_set(why, why_len, RM_ERR_NOMEM, "out of memory");
    ci.data = buf;
    rm_status st;
    if (sf_get_chunk_data(it, &ci) != SF_ERR_NO_ERROR)
        st = rm_msg_set(why, why_len, RM_ERR_FORMAT,
                        "'rmap' chunk truncated");
    else
        st = rm_rmap_decode(buf, ci.datalen, &s->meta, why, why_len);
    rm_free(buf);
    return st;
}

static rm_status validate(rm_session *s, const SF_INFO *info, char *why,
                          size_t why_len)
{
    int container = info->format & SF_FORMAT_TYPEMASK;
    if (container != SF_FORMAT_WAV && container != SF_FORMAT_WAVEX &&
        container != SF_FORMAT_RF64)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "not a WAV or RF64 file");
    if ((info->format & SF_FORMAT_SUBMASK) != SF_FORMAT_PCM_32)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "samples are not 32-bit integer PCM");
    rm_status st = load_rmap(s, why, why_len);
    if (st != RM_OK && strstr(why, "no 'rmap' chunk") &&
        rm_session_looks_stripped(s->sf, info))
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "no 'rmap' chunk, but its samples step like a "
                          "session's: metadata stripped (re-saved by sox "
                          "or an editor?); restore it: rollmap info FILE "
                          "--restore-from OTHER.wav -o NEW.wav");
    if (st != RM_OK)
        return st;
    char dwhy[200];
    if (rm_descriptor_check(&s->meta.desc, dwhy, sizeof dwhy) != RM_OK)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT, "descriptor: %s",
                          dwhy);
    uint32_t want = s->meta.desc.cells + RM_SESSION_EXTRA_CHANNELS;
    if ((uint32_t)info->channels != want)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "%d channels, expected %u (%u cells + encoder, "
                          "time, sequence)", info->channels, want,
                          s->meta.desc.cells);
    long rate = lroundf(s->meta.desc.rate_hz);
    if (info->samplerate != rate)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "WAV sample rate %d Hz disagrees with the "
                          "descriptor's %g Hz", info->samplerate,
                          (double)s->meta.desc.rate_hz);
    if (info->frames < 0)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "frame count unknown");
    return RM_OK;
}

rm_status rm_session_open(const char *path, rm_session **out, rm_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return rm_error_set(err, RM_ERR_ARG, "session open: bad argument");
    /* O_NONBLOCK: opening a FIFO with no writer, or a serial device
     * waiting for carrier, would otherwise block for ever before the
     * regular-file check below could refuse it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return rm_error_set(err, RM_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat stb;
    if (fstat(fd, &stb) != 0 || !S_ISREG(stb.st_mode)) {
        close(fd);
        return rm_error_set(err, RM_ERR_IO, "%s: not a regular file", path);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        return rm_error_set(err, RM_ERR_IO, "%s: %s", path, strerror(e));
    }
    char bad[200];
    if (rm_riff_check(fd, bad, sizeof bad) != RM_OK) {
        close(fd);
        return rm_error_set(err, RM_ERR_FORMAT, "%s: not a WAV file (%s)",
                            path, bad);
    }
    rm_session *s = rm_calloc(1, sizeof *s);
    if (!s) {
        close(fd);
        return rm_error_set(err, RM_ERR_NOMEM, "%s: out of memory", path);
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    s->sf = sf_open_fd(fd, SFM_READ, &info, SF_TRUE);
    if (!s->sf) {
        rm_status st = rm_error_set(err, RM_ERR_FORMAT,
                                    "%s: not a WAV file (%s)", path,
                                    sf_strerror(NULL));
        /* sf_open_fd(..., SF_TRUE) already closed fd on failure (checked
         * with libsndfile 1.2.0): closing it again could hit a descriptor
         * another thread has just opened. */
        session_free(s);
        return st;
    }
    char why[300];
    rm_status st = validate(s, &info, why, sizeof why);
    if (st != RM_OK) {
        rm_error_set(err, st, "%s: %s", path, why);
        session_free(s);
        return st;
    }
    s->channels = (uint32_t)info.channels;
    s->container = info.format & SF_FORMAT_TYPEMASK;
    s->frames = (uint64_t)info.frames;
    rm_span_init(&s->span, s->meta.desc.rate_hz);
    s->block = rm_calloc((size_t)BLOCK_FRAMES * s->channels, sizeof *s->block);
    if (!s->block) {
        session_free(s);
        return rm_error_set(err, RM_ERR_NOMEM, "%s: out of memory", path);
    }
    *out = s;
    return RM_OK;
}

const rm_session_meta *rm_session_get_meta(const rm_session *s)
{
    return s ? &s->meta : NULL;
}

uint64_t rm_session_frame_count(const rm_session *s)
{
    return s ? s->frames : 0;
}

/* The n frames in buf (sequence and board time are a frame's last two
 * channels) into the session's span, continuing from the previous read:
 * rm_session_dropped() and rm_session_duration_s() come from it. */
static void count_gaps(rm_session *s, const int32_t *buf, size_t n)
{
    const size_t ch = s->channels;
    for (const int32_t *row = buf; n--; row += ch)
        rm_span_add(&s->span, (uint32_t)row[ch - 1], (uint32_t)row[ch - 2]);
}

static void unpack(rm_session *s, rm_frame *f, size_t n)
{
    uint32_t cells = s->channels - RM_SESSION_EXTRA_CHANNELS;
    const int32_t *p = s->block;
    count_gaps(s, s->block, n);
    for (size_t k = 0; k < n; k++, f++) {
        memset(f, 0, sizeof *f); /* cells past desc.cells are zero */
        memcpy(f->cells, p, cells * sizeof *p);
        p += cells;
        f->encoder = *p++;
        f->time_us = (uint32_t)*p++;
        f->seq = (uint32_t)*p++;
    }
}

/* Up to `want` frames into buf. @return frames read (0 at the end), or
 * -1 with s->msg set when libsndfile fails. */
static sf_count_t fill(rm_session *s, int32_t *buf, size_t want)
{
    sf_count_t n = sf_readf_int(s->sf, buf, (sf_count_t)want);
    if (n > 0)
        return n;
    if (sf_error(s->sf) != SF_ERR_NO_ERROR) {
        rm_msg_set(s->msg, sizeof s->msg, RM_ERR_IO, "%s: read failed: %s",
                   s->path, sf_strerror(s->sf));
        return -1;
    }
    return 0;
}

rm_status rm_session_read(rm_session *s, rm_frame *buf, size_t cap,
                          size_t *got)
{
    if (got)
        *got = 0;
    if (!s || !got || (cap && !buf))
        return RM_ERR_ARG;
    size_t done = 0;
    while (done < cap) {
        size_t want = cap - done < BLOCK_FRAMES ? cap - done : BLOCK_FRAMES;
        sf_count_t n = fill(s, s->block, want);
        if (n <= 0) {
            if (n < 0 && done == 0)
                return RM_ERR_IO;
            break;
        }
        unpack(s, buf + done, (size_t)n);
        done += (size_t)n;
        if ((size_t)n < want)
            break; /* end of data (a crashed recording may stop short) */
    }
    *got = done;
    return RM_OK;
}

size_t rm_session_channels(const rm_session *s)
{
    return s ? s->channels : 0;
}

rm_status rm_session_read_into(rm_session *s, int32_t *buf, size_t cap,
                               rm_frame_view *view)
{
    if (view)
        memset(view, 0, sizeof *view);
    if (!s || !view || (cap && !buf))
        return RM_ERR_ARG;
    if (cap == 0)
        return RM_OK;
    sf_count_t n = fill(s, buf, cap);
    if (n < 0)
        return RM_ERR_IO;
    count_gaps(s, buf, (size_t)n);
    /* The file's frame: cells, then encoder, board time, sequence. */
    const uint32_t cells = s->channels - RM_SESSION_EXTRA_CHANNELS;
    view->cells = buf;
    view->encoder = buf + cells;
    view->time_us = (const uint32_t *)(buf + cells + 1);
    view->seq = (const uint32_t *)(buf + cells + 2);
    view->cells_n = cells;
    view->stride_bytes = s->channels * sizeof *buf;
    view->n = (size_t)n;
    return RM_OK;
}

rm_status rm_session_read_view(rm_session *s, size_t cap, rm_frame_view *view)
{
    if (!s) {
        if (view)
            memset(view, 0, sizeof *view);
        return RM_ERR_ARG;
    }
    return rm_session_read_into(s, s->block,
                                cap < BLOCK_FRAMES ? cap : BLOCK_FRAMES, view);
}

rm_status rm_session_rewind(rm_session *s)
{
    if (!s)
        return RM_ERR_ARG;
    if (sf_seek(s->sf, 0, SEEK_SET) < 0)
        return rm_msg_set(s->msg, sizeof s->msg, RM_ERR_IO,
                          "%s: cannot rewind: %s", s->path,
                          sf_strerror(s->sf));
    rm_span_init(&s->span, s->meta.desc.rate_hz);
    return RM_OK;
}

uint64_t rm_session_dropped(const rm_session *s)
{
    return s ? s->span.lost : 0;
}

double rm_session_duration_s(const rm_session *s)
{
    return s ? rm_span_duration_s(&s->span) : 0.0;
}

const char *rm_session_container(const rm_session *s)
{
    /* An RF64 file under 4 GiB was downgraded to RIFF/WAVE on close; its
     * WAVE_FORMAT_EXTENSIBLE 'fmt ' makes libsndfile call it WAVEX. */
    if (!s)
        return "";
    return s->container == SF_FORMAT_RF64 ? "RF64" : "WAV";
}

const char *rm_session_errmsg(const rm_session *s)
{
    return s ? s->msg : "no session";
}

void rm_session_close(rm_session *s)
{
    if (s)
        session_free(s);
}
