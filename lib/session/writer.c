/*
 * Session writer: frames from the recorder (or the simulator) go straight
 * into a WAV/RF64 PCM-32 file, one channel per cell plus encoder, board
 * time and sequence, with the 'rmap' metadata chunk ahead of the data.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "session_internal.h"

/* Frames per sf_writef_int call: libsndfile rewrites the header after
 * every write call (SFC_SET_UPDATE_HEADER_AUTO, a few us each), so large
 * appends go out in blocks. 512 frames x 35 channels x 4 B = 70 kB. */
#define BLOCK_FRAMES 512u
/* Force data to the disk at most this often (seconds, monotonic clock). */
#define SYNC_INTERVAL_S 1.0

struct rm_session_writer {
    SNDFILE *sf;
    uint32_t channels;
    uint64_t frames;
    uint64_t dropped;
    uint32_t last_seq;
    int have_seq;
    double last_sync_s;
    int failed;               /* a write failed: refuse further appends */
    int32_t *block;           /* BLOCK_FRAMES x channels interleaved */
    uint8_t *rmap;            /* must outlive sf: libsndfile keeps the pointer */
    char path[256];
    char msg[512];
};

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void writer_free(rm_session_writer *w)
{
    rm_free(w->block);
    rm_free(w->rmap);
    rm_free(w);
}

/* "<path>.tmp-XXXXXX" for mkstemp, or NULL. */
static char *temp_name(const char *path)
{
    static const char suffix[] = ".tmp-XXXXXX";
    size_t len = strlen(path);
    char *tmp = rm_calloc(1, len + sizeof suffix);
    if (tmp) {
        memcpy(tmp, path, len);
        memcpy(tmp + len, suffix, sizeof suffix);
    }
    return tmp;
}

/*
 * Give the finished-header file @p tmp its final name and drop the
 * temporary one. Without overwrite, link() fails if @p path exists, so
 * "never overwrite" holds even against a file created meanwhile; with
 * it, rename() replaces the old file in one step. Filesystems without
 * hard links (FAT, some network mounts) fall back to check-then-rename.
 * On failure the temporary file is removed.
 */
static rm_status publish(const char *tmp, const char *path, int overwrite,
                         rm_error *err)
{
    if (overwrite) {
        if (rename(tmp, path) == 0)
            return RM_OK;
    } else if (link(tmp, path) == 0) {
        unlink(tmp);
        return RM_OK;
    } else if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS) {
        struct stat sb;
        if (lstat(path, &sb) == 0)
            errno = EEXIST;
        else if (errno == ENOENT && rename(tmp, path) == 0)
            return RM_OK;
    }
    int e = errno;
    unlink(tmp);
    return rm_error_set(err, e == EEXIST ? RM_ERR_EXISTS : RM_ERR_IO,
                        "%s: %s", path,
                        e == EEXIST ? "file exists (not overwritten)"
                                    : strerror(e));
}

/* Where a session for @p path goes: *@p target stays NULL for @p path
 * itself, or is the resolved target of a symbolic link (rm_free it). */
static rm_status resolve_output(const char *path, char **target,
                                rm_error *err)
{
    struct stat lst, st;
    *target = NULL;
    if (lstat(path, &lst) != 0)
        return RM_OK; /* new name (or an unreadable one: fails later) */
    if (stat(path, &st) != 0)
        return rm_error_set(err, RM_ERR_IO, "%s: symbolic link to a "
                            "missing file (neither followed nor replaced)",
                            path);
    if (!S_ISREG(st.st_mode))
        return rm_error_set(err, RM_ERR_IO, "%s: not a regular file (a "
                            "session is written only to a regular file; "
                            "nothing was written)", path);
    if (!S_ISLNK(lst.st_mode))
        return RM_OK;
    char *real = realpath(path, NULL);
    if (!real)
        return rm_error_set(err, RM_ERR_IO, "%s: %s", path, strerror(errno));
    size_t len = strlen(real) + 1;
    *target = rm_calloc(1, len);
    if (*target)
        memcpy(*target, real, len);
    free(real);
    return *target ? RM_OK
                   : rm_error_set(err, RM_ERR_NOMEM, "%s: out of memory", path);
}

static rm_status check_meta(const char *path, const rm_session_meta *meta,
                            rm_error *err)
{
    char why[200];
    if (rm_descriptor_check(&meta->desc, why, sizeof why) != RM_OK)
        return rm_error_set(err, RM_ERR_ARG, "%s: descriptor: %s", path, why);
    if ((unsigned)meta->leg > RM_LEG_RIGHT)
        return rm_error_set(err, RM_ERR_ARG, "%s: leg code %d is not valid",
                            path, (int)meta->leg);
    if (!memchr(meta->notes, '\0', sizeof meta->notes))
        return rm_error_set(err, RM_ERR_ARG, "%s: notes not NUL-terminated",
                            path);
    if (!rm_calf_length_valid(meta->calf_length_cm))
        return rm_error_set(err, RM_ERR_ARG,
                            "%s: calf length %g cm is outside %g..%g cm",
                            path, meta->calf_length_cm,
                            RM_CALF_LENGTH_MIN_CM, RM_CALF_LENGTH_MAX_CM);
    return RM_OK;
}

rm_status rm_session_writer_new(const char *path, const rm_session_meta *meta,
                                unsigned flags, rm_session_writer **out,
                                rm_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !meta || !out || (flags & ~RM_WRITE_OVERWRITE))
        return rm_error_set(err, RM_ERR_ARG, "session writer: bad argument");
    rm_status st = check_meta(path, meta, err);
    if (st != RM_OK)
        return st;

    rm_session_writer *w = rm_calloc(1, sizeof *w);
    if (!w)
        return rm_error_set(err, RM_ERR_NOMEM, "%s: out of memory", path);
    snprintf(w->path, sizeof w->path, "%s", path);
    w->channels = meta->desc.cells + RM_SESSION_EXTRA_CHANNELS;
    size_t rmap_len = rm_rmap_encoded_len(meta);
    w->block = rm_calloc((size_t)BLOCK_FRAMES * w->channels, sizeof *w->block);
    w->rmap = rm_calloc(1, rmap_len);
    if (!w->block || !w->rmap) {
        writer_free(w);
        return rm_error_set(err, RM_ERR_NOMEM, "%s: out of memory", path);
    }
    rm_rmap_encode(meta, w->rmap, rmap_len);

    /* A session grows and its header is rewritten in place, so it goes
     * only to a regular file. An existing node of another kind (FIFO,
     * device) is refused, never renamed over (as root that would replace
     * /dev/null itself); a symbolic link is followed and its target is
     * replaced, never the link; a link to nothing is refused. */
    char *target = NULL;
    st = resolve_output(path, &target, err);
    if (st != RM_OK) {
        writer_free(w);
        return st;
    }
    if (target)
        path = target;

    /* The file is built under a temporary name beside @p path and only
     * linked to @p path once its header and 'rmap' chunk are on disk, so
     * a crash at any moment never leaves a headless file under the final
     * name (and an overwritten session survives until then). */
    char *tmp = temp_name(path);
    int fd = tmp ? mkstemp(tmp) : -1;
    if (fd < 0) {
        int e = errno;
        rm_free(tmp);
        writer_free(w);
        st = rm_error_set(err, tmp ? RM_ERR_IO : RM_ERR_NOMEM, "%s: %s",
                          path, tmp ? strerror(e) : "out of memory");
        rm_free(target);
        return st;
    }
    /* mkstemp makes the file 0600; a session is an ordinary document. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);

    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = (int)lroundf(meta->desc.rate_hz);
    info.channels = (int)w->channels;
    info.format = SF_FORMAT_RF64 | SF_FORMAT_PCM_32;
    w->sf = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
    if (!w->sf) {
        st = rm_error_set(err, RM_ERR_IO, "%s: cannot start WAV file: %s",
                          path, sf_strerror(NULL));
        /* sf_open_fd(..., SF_TRUE) already closed fd on failure. */
        unlink(tmp);
        rm_free(tmp);
        rm_free(target);
        writer_free(w);
        return st;
    }
    /* Order matters: all of this must precede the first frame. */
    sf_command(w->sf, SFC_RF64_AUTO_DOWNGRADE, NULL, SF_TRUE);
    sf_set_string(w->sf, SF_STR_SOFTWARE, "rollmap " RM_VERSION_STRING);
    if (meta->notes[0])
        sf_set_string(w->sf, SF_STR_COMMENT, meta->notes);
    SF_CHUNK_INFO chunk;
    memset(&chunk, 0, sizeof chunk);
    memcpy(chunk.id, "rmap", 4);
    chunk.id_size = 4;
    chunk.datalen = (unsigned)rmap_len;
    chunk.data = w->rmap;
    int sferr = sf_set_chunk(w->sf, &chunk);
    if (sferr != SF_ERR_NO_ERROR) {
        st = rm_error_set(err, RM_ERR_IO, "%s: cannot add 'rmap' chunk: %s",
                          path, sf_error_number(sferr));
        sf_close(w->sf);
        unlink(tmp);
        rm_free(tmp);
        rm_free(target);
        writer_free(w);
        return st;
    }
    /* Rewrite the header lengths after each write so a killed recorder
     * leaves a file that opens with every frame written. */
    sf_command(w->sf, SFC_SET_UPDATE_HEADER_AUTO, NULL, SF_TRUE);
    /* Header and 'rmap' to disk now, then publish under the final name. */
    sf_command(w->sf, SFC_UPDATE_HEADER_NOW, NULL, 0);
    sf_write_sync(w->sf);
    st = publish(tmp, path, flags & RM_WRITE_OVERWRITE, err);
    rm_free(tmp);
    rm_free(target);
    if (st != RM_OK) {
        sf_close(w->sf);
        writer_free(w);
        return st;
    }
    w->last_sync_s = monotonic_s();
    *out = w;
    return RM_OK;
}

static void pack(rm_session_writer *w, const rm_frame *f, size_t n)
{
    uint32_t cells = w->channels - RM_SESSION_EXTRA_CHANNELS;
    int32_t *p = w->block;
    for (size_t k = 0; k < n; k++, f++) {
        memcpy(p, f->cells, cells * sizeof *p);
        p += cells;
        /* uint32 fields travel as their int32 bit pattern (PCM_32 int
         * I/O is a straight copy, so nothing is scaled or clipped). */
        *p++ = f->encoder;
        *p++ = (int32_t)f->time_us;
        *p++ = (int32_t)f->seq;
        if (w->have_seq)
            w->dropped += rm_seq_lost(w->last_seq, f->seq);
        w->last_seq = f->seq;
        w->have_seq = 1;
    }
}

rm_status rm_session_writer_append(rm_session_writer *w,
                                   const rm_frame *frames, size_t n)
{
    if (!w)
        return RM_ERR_ARG;
    if (n && !frames)
        return rm_msg_set(w->msg, sizeof w->msg, RM_ERR_ARG,
                          "%s: append of %zu frames from NULL", w->path, n);
    /* After a failed write the file may end in part of a frame, and the
     * caller may retry the same frames: appending anything more could
     * misalign or repeat frames, so the file stays as it was, valid up to
     * its last whole frame, and every later append fails the same way. */
    if (w->failed)
        return RM_ERR_IO;
    while (n) {
        size_t chunk = n < BLOCK_FRAMES ? n : BLOCK_FRAMES;
        pack(w, frames, chunk);
        sf_count_t put = sf_writef_int(w->sf, w->block, (sf_count_t)chunk);
        if (put > 0)
            w->frames += (uint64_t)put;
        if (put != (sf_count_t)chunk) {
            w->failed = 1;
            /* libsndfile words an OS error "System error : <strerror>." */
            const char *why = sf_strerror(w->sf);
            if (!strncmp(why, "System error : ", 15))
                why += 15;
            return rm_msg_set(w->msg, sizeof w->msg, RM_ERR_IO,
                              "%s: write failed after %llu frames (the "
                              "file keeps those): %s", w->path,
                              (unsigned long long)w->frames, why);
        }
        frames += chunk;
        n -= chunk;
    }
    double now = monotonic_s();
    if (now - w->last_sync_s >= SYNC_INTERVAL_S) {
        sf_write_sync(w->sf); /* fsync: bounds what a power cut takes */
        w->last_sync_s = now;
    }
    return RM_OK;
}

uint64_t rm_session_writer_frames(const rm_session_writer *w)
{
    return w ? w->frames : 0;
}

uint64_t rm_session_writer_dropped(const rm_session_writer *w)
{
    return w ? w->dropped : 0;
}

const char *rm_session_writer_errmsg(const rm_session_writer *w)
{
    return w ? w->msg : "no session writer";
}

rm_status rm_session_writer_close(rm_session_writer *w)
{
    if (!w)
        return RM_OK;
    sf_write_sync(w->sf);
    int e = sf_close(w->sf);
    writer_free(w);
    return e == 0 ? RM_OK : RM_ERR_IO;
}
