/*
 * Sessions stripped of their metadata: an audio tool (sox, an editor)
 * that re-saves a session keeps its 32-bit samples but drops the 'rmap'
 * chunk it does not know. Such a file is recognised by its last two
 * channels (board time stepping by one period, sequence by one), and
 * its metadata can be put back from another session of the same board
 * (docs/session-format.md, "Stripped sessions").
 */
#include <math.h>
#include <sndfile.h>
#include <string.h>

#include "session_internal.h"

/* Frames looked at to recognise a session. */
#define PROBE_FRAMES 64

int rm_session_looks_stripped(SNDFILE *sf, const SF_INFO *info)
{
    if ((info->format & SF_FORMAT_SUBMASK) != SF_FORMAT_PCM_32 ||
        info->channels < 1 + (int)RM_SESSION_EXTRA_CHANNELS ||
        info->channels > RM_MAX_CELLS + (int)RM_SESSION_EXTRA_CHANNELS ||
        info->samplerate < RM_MIN_RATE_HZ || info->samplerate > RM_MAX_RATE_HZ)
        return 0;
    int32_t buf[PROBE_FRAMES * (RM_MAX_CELLS + RM_SESSION_EXTRA_CHANNELS)];
    sf_count_t n = sf_readf_int(sf, buf, PROBE_FRAMES);
    sf_seek(sf, 0, SEEK_SET);
    if (n < 3)
        return 0;
    const size_t ch = (size_t)info->channels;
    const double period = 1e6 / info->samplerate;
    sf_count_t good = 0;
    for (sf_count_t k = 1; k < n; k++) {
        const int32_t *a = buf + (size_t)(k - 1) * ch, *b = a + ch;
        uint32_t ds = (uint32_t)b[ch - 1] - (uint32_t)a[ch - 1];
        uint32_t dt = (uint32_t)b[ch - 2] - (uint32_t)a[ch - 2];
        if (ds == 1 && fabs((double)dt - period) <= period / 2)
            good++;
    }
    /* Nearly every step: a few lost frames are allowed, audio is not. */
    return good * 10 >= (n - 1) * 9;
}

rm_status rm_session_restore(const char *stripped, const char *donor,
                             const char *out, unsigned flags, rm_error *err)
{
    if (!stripped || !donor || !out || (flags & ~RM_WRITE_OVERWRITE))
        return rm_error_set(err, RM_ERR_ARG, "restore: bad argument");
    rm_session *d = NULL;
    rm_status st = rm_session_open(donor, &d, err);
    if (st != RM_OK)
        return st;
    rm_session_meta meta = *rm_session_get_meta(d);
    rm_session_close(d);

    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(stripped, SFM_READ, &info);
    if (!sf)
        return rm_error_set(err, RM_ERR_FORMAT, "%s: not a WAV file (%s)",
                            stripped, sf_strerror(NULL));
    uint32_t want = meta.desc.cells + RM_SESSION_EXTRA_CHANNELS;
    if (!rm_session_looks_stripped(sf, &info)) {
        sf_close(sf);
        return rm_error_set(err, RM_ERR_FORMAT, "%s: does not look like a "
                            "rollmap session (32-bit PCM, a time and a "
                            "sequence channel)", stripped);
    }
    if ((uint32_t)info.channels != want ||
        info.samplerate != (int)lroundf(meta.desc.rate_hz)) {
        sf_close(sf);
        return rm_error_set(err, RM_ERR_FORMAT, "%s: %d channels at %d Hz, "
                            "but %s is from a board with %u cells at %g Hz "
                            "(%u channels): not the same board", stripped,
                            info.channels, info.samplerate, donor,
                            meta.desc.cells, (double)meta.desc.rate_hz, want);
    }
    /* The board's descriptor and calibration carry over; what belongs
     * to the other session does not: leg and start become unknown, and
     * the notes say where the metadata came from (plus any comment the
     * audio tool kept). */
    meta.leg = RM_LEG_UNKNOWN;
    meta.start_unix_us = 0;
    /* The donor's calf was measured, not this session's (it may be
     * another person's): a wrong length would move every place. */
    meta.calf_length_cm = 0.0;
    const char *kept = sf_get_string(sf, SF_STR_COMMENT);
    snprintf(meta.notes, sizeof meta.notes,
             "board metadata restored from another session of serial %s%s%s",
             meta.desc.serial, kept && kept[0] ? "; " : "",
             kept ? kept : "");

    rm_session_writer *w = NULL;
    st = rm_session_writer_new(out, &meta, flags, &w, err);
    if (st != RM_OK) {
        sf_close(sf);
        return st;
    }
    enum { BLOCK = 256 };
    int32_t raw[BLOCK * (RM_MAX_CELLS + RM_SESSION_EXTRA_CHANNELS)];
    rm_frame fr[BLOCK];
    sf_count_t n;
    while (st == RM_OK && (n = sf_readf_int(sf, raw, BLOCK)) > 0) {
        for (sf_count_t k = 0; k < n; k++) {
            const int32_t *p = raw + (size_t)k * want;
            memset(&fr[k], 0, sizeof fr[k]);
            memcpy(fr[k].cells, p, meta.desc.cells * sizeof *p);
            fr[k].encoder = p[meta.desc.cells];
            fr[k].time_us = (uint32_t)p[meta.desc.cells + 1];
            fr[k].seq = (uint32_t)p[meta.desc.cells + 2];
        }
        st = rm_session_writer_append(w, fr, (size_t)n);
        if (st != RM_OK)
            rm_error_set(err, st, "%s", rm_session_writer_errmsg(w));
    }
    if (st == RM_OK && sf_error(sf) != SF_ERR_NO_ERROR)
        st = rm_error_set(err, RM_ERR_IO, "%s: read failed: %s", stripped,
                          sf_strerror(sf));
    sf_close(sf);
    rm_status cst = rm_session_writer_close(w);
    if (st == RM_OK && cst != RM_OK)
        st = rm_error_set(err, cst, "%s: closing failed", out);
    return st;
}
