/*
 * The board descriptor: the rev A reference values and the sanity check
 * applied to every descriptor read from a board or a file (untrusted).
 */
#include <math.h>
#include <string.h>

#include "internal.h"

/*
 * rev A: 12 HX711 cells at 20 mm pitch, 80 frames/s, 2400-count encoder,
 * 72 mm effective radius. Cell pad 20 mm x 35 mm = 700 mm^2 (the contact
 * band of a 150 mm roller pressed into a calf is a few cm wide).
 * Scale: a 20 kg (196 N) cell at 1 mV/V on 5 V gives 5 mV at full load;
 * the HX711 at gain 128 spans +-20 mV over +-2^23 counts, so full load is
 * ~2.1 M counts: ~10 700 counts/N. rev A stores the round 1e-4 N/count
 * until calibrated; a few hundred counts of noise is then ~0.03 N.
 */
void rm_descriptor_rev_a(rm_descriptor *d)
{
    memset(d, 0, sizeof *d);
    d->cells = 12;
    d->pitch_mm = 20.0f;
    d->cell_area_mm2 = 700.0f;
    d->radius_mm = 72.0f;
    d->encoder_cpr = 2400;
    d->rate_hz = 80.0f;
    for (unsigned i = 0; i < d->cells; i++) {
        d->scale_n_per_count[i] = 1e-4f;
        d->tare_counts[i] = 0;
    }
    strcpy(d->firmware, "rollmap-fw 0.1.0");
    strcpy(d->serial, "REVA-0000");
}

static int finite_positive(float x)
{
    return isfinite(x) && x > 0.0f;
}

static int terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

rm_status rm_descriptor_check(const rm_descriptor *d, char *why,
                              size_t why_len)
{
    if (!d)
        return RM_ERR_ARG;
    if (d->cells < 1 || d->cells > RM_MAX_CELLS)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "cell count %u outside 1..%d", d->cells,
                          RM_MAX_CELLS);
    if (!finite_positive(d->pitch_mm) || d->pitch_mm > 1000.0f)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "cell pitch %g mm is not plausible",
                          (double)d->pitch_mm);
    if (!finite_positive(d->cell_area_mm2) || d->cell_area_mm2 > 1e5f)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "cell area %g mm^2 is not plausible",
                          (double)d->cell_area_mm2);
    if (!finite_positive(d->radius_mm) || d->radius_mm > 1000.0f)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "roller radius %g mm is not plausible",
                          (double)d->radius_mm);
    if (d->encoder_cpr < 1 || d->encoder_cpr > 10000000u)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "encoder resolution %u counts/turn is not plausible",
                          d->encoder_cpr);
    if (!isfinite(d->rate_hz) || d->rate_hz < RM_MIN_RATE_HZ ||
        d->rate_hz > RM_MAX_RATE_HZ)
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "frame rate %g Hz outside %d..%d",
                          (double)d->rate_hz, RM_MIN_RATE_HZ, RM_MAX_RATE_HZ);
    for (unsigned i = 0; i < d->cells; i++)
        if (!isfinite(d->scale_n_per_count[i]) ||
            d->scale_n_per_count[i] == 0.0f)
            return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                              "cell %u calibration scale is not usable", i);
    if (!terminated(d->firmware, sizeof d->firmware) ||
        !terminated(d->serial, sizeof d->serial))
        return rm_msg_set(why, why_len, RM_ERR_FORMAT,
                          "firmware or serial string is not terminated");
    return RM_OK;
}
