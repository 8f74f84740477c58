/*
 * libFuzzer target for the engine and the report writers on arbitrary
 * frames, without going through a file (fuzz_session does that, far more
 * slowly): the input gives a descriptor (kept only if rm_descriptor_check
 * accepts it, as every path into the engine checks it), block sizes, and
 * frames. The engine must finish, its summary must hold finite, in-range
 * numbers, and the sample pass and the reports must run.
 * Input: [cells-1][rate byte][scale byte][chunk seed] then per frame
 * 4 bytes (seq delta, encoder step, step multiplier, wild flag) and 3
 * bytes per cell. A wild flag of 0xff puts a wild encoder reading in that
 * frame, 0xfe a wild sequence jump (issue 19: cost must not follow them).
 * Speed (docs/robustness.md): the provisional live placement (a calf fit
 * per stretch) runs for one input in eight and one report (of one format)
 * for one in two, both chosen by the chunk seed; at most MAX_FRAMES frames.
 */
#define _GNU_SOURCE /* fopencookie (sink.h) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollmap.h"
#include "sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 4 KB inputs of one cell: 585 frames, a minute at 10 Hz. */
#define MAX_FRAMES 1024

static void on_sample(const rm_sample *s, void *user)
{
    (void)user;
    if (s->cells > RM_MAX_CELLS || !isfinite(s->force_n) ||
        !isfinite(s->time_s))
        abort();
}

static void check_summary(const rm_summary *s, uint64_t frames)
{
    if (!s || s->frames != frames || !isfinite(s->duration_s) ||
        s->duration_s < 0.0)
        abort();
    for (size_t i = 0; i < s->n_holds; i++) {
        const rm_hold *h = &s->holds[i];
        if (!(h->duration_s >= 0.0) || !isfinite(h->start_s) ||
            (unsigned)h->line > RM_LINE_LATERAL ||
            (unsigned)h->technique > RM_TECH_PIN_AND_STRETCH)
            abort();
    }
    for (size_t i = 0; i < s->n_peaks; i++)
        if (!(s->peaks[i].score >= 0.0 && s->peaks[i].score <= 1.0) ||
            (unsigned)s->peaks[i].zone > RM_ZONE_BELOW_KNEE)
            abort();
    for (int l = 1; l <= 3; l++)
        if (!(s->coverage[l] >= 0.0 && s->coverage[l] <= 1.0))
            abort();
}

static int32_t i24(const uint8_t *p)
{
    int32_t v = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                          (uint32_t)p[2] << 16);
    return v >= 0x800000 ? v - 0x1000000 : v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    rm_session_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.format_version = 1;
    rm_descriptor_rev_a(&meta.desc);
    meta.desc.cells = 1u + data[0] % RM_MAX_CELLS;
    static const float rates[] = { 10, 40, 80, 100, 250, 1000, 2000 };
    meta.desc.rate_hz = rates[data[1] % 7];
    for (uint32_t i = 0; i < meta.desc.cells; i++) {
        meta.desc.scale_n_per_count[i] = 1e-5f * (float)(1 + data[2] % 64);
        meta.desc.tare_counts[i] = (int32_t)(data[2] >> 6) * 1000;
    }
    meta.leg = (rm_leg)(data[2] % 3);
    if (rm_descriptor_check(&meta.desc, NULL, 0) != RM_OK)
        return 0;
    unsigned seed = data[3];
    data += 4, size -= 4;

    size_t per = 4 + 3 * (size_t)meta.desc.cells;
    size_t n = size / per;
    if (n == 0)
        return 0;
    if (n > MAX_FRAMES)
        n = MAX_FRAMES;
    rm_frame *f = calloc(n, sizeof *f);
    if (!f)
        return 0;
    uint32_t seq = 0, t = 0;
    int32_t enc = 0;
    uint32_t period = (uint32_t)(1e6f / meta.desc.rate_hz);
    for (size_t k = 0; k < n; k++) {
        const uint8_t *p = data + k * per;
        seq += 1u + (p[0] >> 6);             /* now and then a gap */
        t += period * (1u + (p[0] >> 6));
        enc += (int8_t)p[1] * (1 + (p[2] & 7)); /* rolling, sometimes fast */
        f[k].seq = seq;
        f[k].time_us = t;
        f[k].encoder = enc;
        uint32_t wild = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                        (uint32_t)p[2] << 8 | p[0];
        if (p[3] == 0xff)
            f[k].encoder = (int32_t)wild;
        else if (p[3] == 0xfe)
            seq += wild, t += wild;
        for (uint32_t c = 0; c < meta.desc.cells; c++)
            f[k].cells[c] = i24(p + 4 + 3 * c);
    }
    rm_engine_callbacks cb = { .on_sample = on_sample };
    rm_engine *e = NULL;
    if (rm_engine_new(&meta, NULL, &cb, &e, NULL) != RM_OK)
        abort(); /* a checked descriptor must be accepted */
    rm_engine_set_live_positions(e, (seed & 7) == 0);
    /* Half the inputs write one report (text, JSON, HTML or SVG). */
    int fmt = (int)((seed >> 2) % 8);
    if (fmt == RM_REPORT_CSV)
        fmt = RM_REPORT_HTML;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < n;) {
            seed = seed * 1103515245u + 12345u;
            size_t m = 1 + (seed >> 16) % 97;
            if (m > n - k)
                m = n - k;
            if (rm_engine_push(e, f + k, m) != RM_OK)
                abort();
            k += m;
        }
        if (rm_engine_finish(e) != RM_OK)
            abort();
        if (pass == 0) {
            check_summary(rm_engine_summary(e), n);
            if (fmt <= RM_REPORT_SVG &&
                rm_report_write(rm_engine_summary(e), &meta,
                                (rm_report_format)fmt, fuzz_sink()) != RM_OK)
                abort();
            if (rm_engine_sample_pass(e) != RM_OK)
                abort();
        }
    }
    rm_engine_free(e);
    free(f);
    return 0;
}
