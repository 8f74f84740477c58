/*
 * Hand-built summaries for the report tests (unit tests and the HTML
 * browser check), so they test the writers, not the engine's accuracy.
 * Values are plausible for a rev A session on a 32 cm calf.
 */
#ifndef ROLLMAP_TESTS_CHECK_REPORT_FIXTURE_H
#define ROLLMAP_TESTS_CHECK_REPORT_FIXTURE_H

#include <math.h>
#include <string.h>

#include "rollmap.h"

#define FIX_MAP_BINS 40

/* Note with markup, quotes, a control byte, an escape sequence and an
 * invalid UTF-8 byte: every writer must show it as text. */
#define FIX_HOSTILE_NOTE                                                   \
    "<script>document.title='PWNED'</script><img src=x onerror=alert(1)>"  \
    " \"quoted\" & 'single' back\\slash\x1b[31m red \x01 bad\xff end"

struct fixture {
    rm_summary s;
    rm_session_meta meta;
    rm_pass passes[4];
    rm_hold holds[3];
    rm_flinch flinches[1];
    rm_peak peaks[3];
    rm_guidance guidance[3];
    float map[3 * FIX_MAP_BINS];
};

static inline void fixture_full(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->meta.format_version = 1;
    rm_descriptor_rev_a(&f->meta.desc);
    snprintf(f->meta.desc.firmware, sizeof f->meta.desc.firmware,
             "rollmap-fw 1.0.0");
    snprintf(f->meta.desc.serial, sizeof f->meta.desc.serial, "RA-0042");
    f->meta.leg = RM_LEG_LEFT;
    f->meta.start_unix_us = INT64_C(1763703471) * 1000000; /* 2025-11-21 */
    snprintf(f->meta.notes, sizeof f->meta.notes, "after a 10 km run");

    /* Confidences: pass 2's line, hold 2's place, hold 3's line and peak
     * 3 are uncertain (< RM_CONFIDENCE_LOW). */
    const rm_pass passes[4] = {
        { 10.0, 22.5, 1.0, 31.0, +1, RM_LINE_MEDIAL, 2.4, 4.1, 0.85 },
        { 23.0, 35.0, 31.0, 1.5, -1, RM_LINE_MEDIAL, 2.5, 3.9, 0.3 },
        { 40.0, 52.0, 1.0, 30.5, +1, RM_LINE_LATERAL, 2.46, 4.4, 0.9 },
        { 60.0, 70.0, 1.0, 30.0, +1, RM_LINE_MIDDLE, 2.9, 5.0, 0.9 },
    };
    memcpy(f->passes, passes, sizeof passes);
    const rm_hold holds[3] = {
        { 80.0, 125.0, 45.0, 21.5, 0.672, RM_LINE_MEDIAL, 310.0, 355.0,
          42.0, 118.0, RM_TECH_STATIC, 0, 1.0, 0.95 },
        { 140.0, 160.0, 20.0, 8.25, 0.258, RM_LINE_LATERAL, 280.0, 300.0,
          38.0, 96.0, RM_TECH_ROCKING, 0, 0.35, 0.9 },
        { 170.0, 275.5, 105.5, 24.0, 0.75, RM_LINE_LATERAL, 330.0, 410.0,
          45.0, 131.0, RM_TECH_PIN_AND_STRETCH, 7, 1.0, 0.25 },
    };
    memcpy(f->holds, holds, sizeof holds);
    f->flinches[0] = (rm_flinch){ 150.25, NAN, NAN, RM_LINE_LATERAL, 402.0 };
    const rm_peak peaks[3] = {
        { 21.4, 0.669, RM_LINE_MEDIAL, RM_ZONE_GASTROC_MEDIAL, 137.5, 5,
          0.82, 0.73 },
        { 24.1, 0.753, RM_LINE_LATERAL, RM_ZONE_GASTROC_LATERAL, 121.0, 3,
          0.64, 0.8 },
        { 2.0, 0.0625, RM_LINE_MIDDLE, RM_ZONE_ACHILLES, 90.0, 2, 0.21,
          0.3 },
    };
    memcpy(f->peaks, peaks, sizeof peaks);
    f->guidance[0] = (rm_guidance){
        .level = RM_GUIDE_ADVICE, .code = "hold_short",
        .text = "Hold 2 lasted 20 s; common advice is 30-90 s on a spot." };
    f->guidance[1] = (rm_guidance){
        .level = RM_GUIDE_CAUTION, .code = "flinch",
        .text = "A sudden lift-off at 2:30 suggests the pressure was more "
                "than tolerable there; ease off or take weight off the "
                "roller." };
    f->guidance[2] = (rm_guidance){
        .level = RM_GUIDE_INFO, .code = "coverage",
        .text = "The middle line was rolled less than the others." };
    for (int l = 0; l < 3; l++)
        for (int i = 0; i < FIX_MAP_BINS; i++) {
            double x = (i + 0.5) / FIX_MAP_BINS;
            /* A bump over the upper calf; the middle line's knee end was
             * not rolled (NAN). */
            f->map[l * FIX_MAP_BINS + i] =
                (l == 1 && i >= 36) ? NAN
                : (float)(30.0 + 100.0 * exp(-pow((x - 0.7) / 0.1, 2.0)));
        }

    rm_summary *s = &f->s;
    s->duration_s = 312.0;
    s->rate_hz = 80.0;
    s->cells = 12;
    s->frames = 24957;
    s->dropped_frames = 3;
    s->leg = RM_LEG_LEFT;
    s->calf_found = 1;
    s->calf_length_cm = 32.0;
    s->contact_s = 280.0;
    s->passes = f->passes;       s->n_passes = 4;
    s->holds = f->holds;         s->n_holds = 3;
    s->flinches = f->flinches;   s->n_flinches = 1;
    s->peaks = f->peaks;         s->n_peaks = 3;
    s->coverage[RM_LINE_MEDIAL] = 0.95;
    s->coverage[RM_LINE_MIDDLE] = 0.4;
    s->coverage[RM_LINE_LATERAL] = 0.9;
    s->guidance = f->guidance;   s->n_guidance = 3;
    s->map_kpa = f->map;
    s->map_bins = FIX_MAP_BINS;
    s->hold_advice_min_s = 30.0;   /* the engine's default band */
    s->hold_advice_max_s = 90.0;
}

/* What a session with the leg barely on the roller gives: no calf ends,
 * no holds, no peaks, no map; NULL arrays. */
static inline void fixture_thin(struct fixture *f)
{
    memset(f, 0, sizeof *f);
    f->meta.format_version = 1;
    rm_descriptor_rev_a(&f->meta.desc);
    f->meta.leg = RM_LEG_UNKNOWN;
    rm_summary *s = &f->s;
    s->duration_s = 4.5;
    s->rate_hz = 80.0;
    s->cells = 12;
    s->frames = 360;
    s->calf_found = 0;
    s->calf_length_cm = NAN;
    s->contact_s = 0.0;
    f->guidance[0] = (rm_guidance){
        .level = RM_GUIDE_INFO, .code = "no_contact",
        .text = "The leg was never on the roller long enough to map the "
                "calf." };
    s->guidance = f->guidance;
    s->n_guidance = 1;
}

#endif
