/*
 * Rewriting a session's metadata ('rmap' chunk) without touching its
 * frames, crash-safe: the whole file is copied to "PATH.tag-XXXXXX" in
 * the same directory with the new chunk in place of the old one, synced,
 * checked by reading it back, and renamed over PATH (rename() within one
 * file system is atomic: PATH names the old file or the new one, never a
 * mix). A kill leaves at worst the temporary file beside an intact PATH.
 *
 * The chunk may change size (notes, person), so the container's total
 * length changes by the same amount: the RIFF size field, or for RF64 the
 * riffSize of its 'ds64' chunk. Every other byte is copied as it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session_internal.h"

#define COPY_BLOCK (1u << 16)

/*
 * Test hook: ROLLMAP_TEST_KILL_AT=N makes the process SIGKILL itself at
 * the Nth step (temporary file created, each block written, synced,
 * renamed, directory synced), so tests/cli/test_tag.sh can show that a
 * kill at every point leaves the old or the new file. Unset: no effect.
 */
struct killer {
    long at, step;
};

static void step(struct killer *k)
{
    if (k->at > 0 && ++k->step == k->at)
        raise(SIGKILL);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int read_at(int fd, void *buf, size_t n, off_t at)
{
    uint8_t *p = buf;
    while (n) {
        ssize_t got = pread(fd, p, n, at);
        if (got <= 0)
            return -1;
        p += got;
        n -= (size_t)got;
        at += got;
    }
    return 0;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    while (n) {
        ssize_t put = write(fd, p, n);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return -1;
        p += put;
        n -= (size_t)put;
    }
    return 0;
}

/* Where the pieces are in the old file. */
struct layout {
    int rf64;
    off_t rmap_at;        /* offset of the 'rmap' chunk header */
    uint32_t rmap_len;    /* its data length (even: a multiple of 4) */
    off_t ds64_at;        /* RF64: offset of the 'ds64' chunk header */
};

/* Walks the chunk list up to 'rmap' (the writer puts it before 'data'). */
static rm_status find_rmap(int fd, off_t size, struct layout *l, char *why,
                           size_t why_len)
{
    uint8_t h[12];
    memset(l, 0, sizeof *l);
    l->ds64_at = -1;
    if (size < 12 || read_at(fd, h, 12, 0) || memcmp(h + 8, "WAVE", 4))
        return rm_msg_set(why, why_len, RM_ERR_FORMAT, "not a WAV file");
    if (!memcmp(h, "RF64", 4))
        l->rf64 = 1;
    else if (memcmp(h, "RIFF", 4))
        return rm_msg_set(why, why_len, RM_ERR_FORMAT, "not a WAV file");
    off_t at = 12;
    while (at + 8 <= size) {
        uint8_t c[8];
        if (read_at(fd, c, 8, at))
            break;
        uint32_t len = rd32(c + 4);
        if (!memcmp(c, "ds64", 4))
            l->ds64_at = at;
        if (!memcmp(c, "rmap", 4)) {
            if (len % 4 || at + 8 + (off_t)len > size)
                break;
            l->rmap_at = at;
            l->rmap_len = len;
            if (l->rf64 && l->ds64_at < 0)
                break;
            return RM_OK;
        }
        if (!memcmp(c, "data", 4))
            break; /* frames follow; 'rmap' is never after them */
        at += 8 + (off_t)len + (len & 1u);
    }
    return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                      "no 'rmap' chunk ahead of the frames");
}

/* The container's total length, adjusted by @p delta bytes, in @p hdr
 * (the first bytes of the file as they will be written). */
static rm_status adjust_size(uint8_t *hdr, const struct layout *l,
                             int64_t delta, char *why, size_t why_len)
{
    if (l->rf64) {
        uint8_t *p = hdr + l->ds64_at + 8; /* riffSize, u64 */
        uint64_t v = (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
        v += (uint64_t)delta;
        wr32(p, (uint32_t)v);
        wr32(p + 4, (uint32_t)(v >> 32));
        return RM_OK;
    }
    int64_t v = (int64_t)rd32(hdr + 4) + delta;
    if (v < 4 || v > (int64_t)UINT32_MAX)
        return rm_msg_set(why, why_len, RM_ERR_UNSUPPORTED,
                          "the new metadata would push the file past the "
                          "4 GiB a RIFF file can hold");
    wr32(hdr + 4, (uint32_t)v);
    return RM_OK;
}

static int copy_range(int in, int out, off_t from, off_t to, uint8_t *buf,
                      struct killer *k)
{
    while (from < to) {
        size_t n = (size_t)(to - from) < COPY_BLOCK ? (size_t)(to - from)
                                                    : COPY_BLOCK;
        if (read_at(in, buf, n, from) || write_all(out, buf, n))
            return -1;
        from += (off_t)n;
        step(k);
    }
    return 0;
}

/* Reads @p tmp back as a session: the metadata must be @p want's. */
static rm_status verify(const char *tmp, const rm_session_meta *want,
                        uint64_t frames, char *why, size_t why_len)
{
    rm_session *s = NULL;
    rm_error e = { RM_OK, "" };
    rm_status st = rm_session_open(tmp, &s, &e);
    if (st != RM_OK)
        return rm_msg_set(why, why_len, RM_ERR_IO,
                          "the rewritten copy does not read back: %s", e.msg);
    const rm_session_meta *m = rm_session_get_meta(s);
    int same = m->leg == want->leg &&
               m->start_unix_us == want->start_unix_us &&
               strcmp(m->notes, want->notes) == 0 &&
               strcmp(m->person, want->person) == 0 &&
               rm_calf_length_mm(m->calf_length_cm) ==
                   rm_calf_length_mm(want->calf_length_cm) &&
               rm_session_frame_count(s) == frames;
    rm_session_close(s);
    return same ? RM_OK
                : rm_msg_set(why, why_len, RM_ERR_IO,
                             "the rewritten copy reads back different "
                             "metadata or frames");
}

/* The directory holding @p path, for the temporary file and its fsync. */
static void dir_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, cap, ".");
    else if (slash == path)
        snprintf(dir, cap, "/");
    else
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

static rm_status rewrite(const char *path, int in, off_t size,
                         const struct stat *sb, const rm_session_meta *meta,
                         uint64_t frames, struct killer *k, char *why,
                         size_t why_len)
{
    struct layout l;
    rm_status st = find_rmap(in, size, &l, why, why_len);
    if (st != RM_OK)
        return st;
    size_t new_len = rm_rmap_encoded_len(meta);
    off_t head_len = l.rmap_at + 8;
    uint8_t *head = rm_calloc(1, (size_t)head_len + new_len);
    uint8_t *buf = rm_calloc(1, COPY_BLOCK);
    size_t plen = strlen(path);
    char *tmp = rm_calloc(1, plen + sizeof ".tag-XXXXXX");
    if (!head || !buf || !tmp) {
        st = rm_msg_set(why, why_len, RM_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (read_at(in, head, (size_t)head_len, 0)) {
        st = rm_msg_set(why, why_len, RM_ERR_IO, "read: %s", strerror(errno));
        goto out;
    }
    rm_rmap_encode(meta, head + head_len, new_len);
    wr32(head + l.rmap_at + 4, (uint32_t)new_len);
    st = adjust_size(head, &l, (int64_t)new_len - (int64_t)l.rmap_len, why,
                     why_len);
    if (st != RM_OK)
        goto out;

    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tag-XXXXXX", sizeof ".tag-XXXXXX");
    int out = mkstemp(tmp);
    if (out < 0) {
        st = rm_msg_set(why, why_len, RM_ERR_IO, "cannot create a file "
                        "beside it: %s", strerror(errno));
        goto out;
    }
    step(k);
    off_t tail = l.rmap_at + 8 + (off_t)l.rmap_len;
    int ok = fchmod(out, sb->st_mode & 07777) == 0 &&
             write_all(out, head, (size_t)head_len + new_len) == 0 &&
             copy_range(in, out, tail, size, buf, k) == 0 &&
             fsync(out) == 0;
    int saved = errno;
    if (close(out) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        unlink(tmp);
        st = rm_msg_set(why, why_len, RM_ERR_IO, "writing the new copy: %s",
                        strerror(saved));
        goto out;
    }
    step(k);
    st = verify(tmp, meta, frames, why, why_len);
    if (st == RM_OK && rename(tmp, path) != 0)
        st = rm_msg_set(why, why_len, RM_ERR_IO, "rename: %s",
                        strerror(errno));
    if (st != RM_OK) {
        unlink(tmp);
        goto out;
    }
    step(k);
    /* The rename itself is durable only once the directory is synced. */
    char dir[4096];
    dir_of(path, dir, sizeof dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    step(k);
out:
    rm_free(head);
    rm_free(buf);
    rm_free(tmp);
    return st;
}

rm_status rm_session_rewrite_meta(const char *path,
                                  const rm_session_meta *meta, rm_error *err)
{
    if (!path || !meta)
        return rm_error_set(err, RM_ERR_ARG, "rewrite metadata: bad argument");
    if (!rm_calf_length_valid(meta->calf_length_cm))
        return rm_error_set(err, RM_ERR_ARG,
                            "%s: calf length %g cm is outside %g..%g cm",
                            path, meta->calf_length_cm,
                            RM_CALF_LENGTH_MIN_CM, RM_CALF_LENGTH_MAX_CM);
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return rm_error_set(err, RM_ERR_IO, "%s: %s", path, strerror(errno));
    /* Renaming over a link would replace the link, not the session. */
    if (S_ISLNK(sb.st_mode))
        return rm_error_set(err, RM_ERR_ARG, "%s: a symbolic link; give the "
                            "session file itself", path);

    rm_session *s = NULL;
    rm_status st = rm_session_open(path, &s, err);
    if (st != RM_OK)
        return st;
    const rm_session_meta *old = rm_session_get_meta(s);
    int same_board = memcmp(&old->desc, &meta->desc, sizeof old->desc) == 0;
    uint64_t frames = rm_session_frame_count(s);
    rm_session_close(s);
    if (!same_board)
        return rm_error_set(err, RM_ERR_ARG, "%s: the new metadata describes "
                            "another board (calibration and descriptor must "
                            "stay the file's)", path);

    struct killer k = { 0, 0 };
    const char *kill_at = getenv("ROLLMAP_TEST_KILL_AT");
    if (kill_at)
        k.at = strtol(kill_at, NULL, 10);

    int in = open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return rm_error_set(err, RM_ERR_IO, "%s: %s", path, strerror(errno));
    char why[400];
    if (fstat(in, &sb) != 0)
        st = rm_msg_set(why, sizeof why, RM_ERR_IO, "%s", strerror(errno));
    else
        st = rewrite(path, in, sb.st_size, &sb, meta, frames, &k, why,
                     sizeof why);
    close(in);
    if (st != RM_OK)
        return rm_error_set(err, st, "%s: %s", path, why);
    return RM_OK;
}
