/*
 * Technique inside a hold (static, rocking, pin-and-stretch) from spectra
 * of two derived signals kept at 10 Hz by holds.c: the centre of pressure
 * across the strip and the total force. kissfft real FFT, once per hold.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <kiss_fftr.h>

#include "engine_internal.h"

/* Rocking the leg side to side swings the CoP at ~0.4-1 Hz (brief); the
 * band is widened by one octave-ish margin each side. */
#define ROCK_LO_HZ 0.25
#define ROCK_HI_HZ 1.6
/* Foot flexes modulate the load at ~0.2-0.5 Hz. */
#define FLEX_LO_HZ 0.12
#define FLEX_HI_HZ 0.8
/* Slower than this is posture drift, not technique. */
#define DRIFT_HZ 0.08
/* A band "owns" a signal when it holds this share of its power above
 * DRIFT_HZ: a tone, not broadband sway that happens to reach the band.
 * Rocking is a near-pure swing of the CoP (shares 0.85-1 in the
 * simulator, still legs 0.15-0.35). Flexing is a tone in the
 * load, but breathing and posture sway (1-5 % at 0.07-0.5 Hz) also put
 * power in its band (shares up to ~0.65 on still legs, 0.9-1 flexing),
 * so it needs the larger share. */
#define ROCK_SHARE 0.6
#define FLEX_SHARE 0.78
/* Minimum swings, so sensor noise on a still leg never reads as a
 * technique: 0.5 mm RMS of CoP is ten times a still leg's (< 0.06 mm
 * from 250-count noise) and a quarter of the gentlest rocking seen on
 * 20 mm cells over the narrow lower calf. 6 % load RMS: deep breathing
 * during a still hold moves the load by up to +-7.5 % (RMS 5.3 %), the
 * gentlest flex adds 20 % at its peak (a raised cosine: RMS 7.1 % while
 * flexing, ~6.5 % over a hold with its settling before and after). */
#define ROCK_MIN_MM 0.5
#define FLEX_MIN_REL 0.06
#define FLEX_STILL_REL 0.04
/* The flexing's share of the hold is taken as at least this (a still
 * leg's random sway may gather in a short span: at most x1.6). */
#define MIN_ACTIVE 0.4
/* Shortest hold worth a spectrum: two cycles of the slowest flex. */
#define MIN_SECONDS 8.0

static size_t next_pow2(size_t n)
{
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

/* Detrended (least-squares line removed) copy into dst; returns the mean. */
static double detrend(const float *src, size_t n, double *dst)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        double x = (double)i, y = src[i];
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    double dn = (double)n, den = dn * sxx - sx * sx;
    double b = den != 0.0 ? (dn * sxy - sx * sy) / den : 0.0;
    double a = (sy - b * sx) / dn;
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i] - (a + b * (double)i);
    return sy / dn;
}

typedef struct band_stats {
    double share;    /* band power / power above DRIFT_HZ */
    double rms;      /* time-domain RMS carried by the band */
    double peak_hz;  /* strongest bin in the band */
} band_stats;

/*
 * Power spectrum of a detrended, Hann-windowed signal; share of the power
 * above DRIFT_HZ that falls in [lo, hi], scaled to an RMS with the
 * signal's own variance (Parseval: shares survive the window).
 */
static void band(kiss_fftr_cfg cfg, size_t nfft, const double *x, size_t n,
                 double rate_hz, double lo, double hi, kiss_fft_scalar *buf,
                 kiss_fft_cpx *spec, band_stats *out)
{
    double var = 0.0;
    for (size_t i = 0; i < n; i++)
        var += x[i] * x[i];
    var /= (double)n;
    for (size_t i = 0; i < nfft; i++) {
        double w = 0.0;
        if (i < n)
            w = 0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)(n - 1));
        buf[i] = (kiss_fft_scalar)(i < n ? x[i] * w : 0.0);
    }
    kiss_fftr(cfg, buf, spec);
    double p_all = 0.0, p_band = 0.0, p_max = -1.0, f_max = 0.0;
    for (size_t k = 1; k <= nfft / 2; k++) {
        double f = (double)k * rate_hz / (double)nfft;
        double p = (double)spec[k].r * spec[k].r + (double)spec[k].i * spec[k].i;
        if (f < DRIFT_HZ)
            continue;
        p_all += p;
        if (f >= lo && f <= hi) {
            p_band += p;
            if (p > p_max) {
                p_max = p;
                f_max = f;
            }
        }
    }
    out->share = p_all > 0.0 ? p_band / p_all : 0.0;
    out->rms = sqrt(var * out->share);
    out->peak_hz = f_max;
}

/*
 * Flexes: cycles of the force around its own running mean. The force is
 * smoothed over a quarter of the flex period (noise) and the mean over one
 * period is taken off (posture sway, and the load not returning to its
 * base between quick flexes). A flex is a whole cycle: an excursion above
 * +30 % of the typical swing followed by one below -30 %. Counting rises
 * alone adds one on full-sine flexes: the sine's last trough drags the
 * running mean down over the still load after it, which then reads as
 * one more rise, never followed by a fall.
 * A hold that begins with a flinch (the load falling by half or more,
 * then recovering) is counted from where the load is back: the dip and
 * its recovery are one more fall and rise otherwise.
 * Example: 7 load bumps of 40 N on a 300 N hold -> 7.
 */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Centred moving average of x over 2 * half + 1 samples into out. */
static void moving_mean(const double *x, size_t n, size_t half, double *out)
{
    for (size_t i = 0; i < n; i++) {
        size_t a = i >= half ? i - half : 0;
        size_t b = i + half < n ? i + half : n - 1;
        double s = 0.0;
        for (size_t j = a; j <= b; j++)
            s += x[j];
        out[i] = s / (double)(b - a + 1);
    }
}

/* A flinch at the hold's start: the load below DIP_SHARE of the hold's
 * mean (a flex never takes it that low: a sine of +-40 % reaches 0.6);
 * counting starts once it is back to BACK_SHARE of the mean. */
#define SPAN_SHARE 0.7
#define DIP_SHARE 0.5
#define BACK_SHARE 0.9

static size_t after_dip(const double *x, size_t n, double mean_f)
{
    size_t last = n;
    for (size_t i = 0; i < n / 2; i++)
        if (x[i] < -(1.0 - DIP_SHARE) * mean_f)
            last = i;
    if (last == n)
        return 0;
    for (size_t i = last; i < n; i++)
        if (x[i] >= -(1.0 - BACK_SHARE) * mean_f)
            return i;
    return n;
}

static uint32_t count_flexes(const double *x, size_t n, double rate_hz,
                             double peak_hz, double mean_f, double *tmp,
                             double *active)
{
    const size_t n_all = n;
    *active = 1.0;
    size_t skip = after_dip(x, n, mean_f);
    x += skip;
    n -= skip;
    if (peak_hz <= 0.0 || n < 4)
        return 0;
    double period = rate_hz / peak_hz; /* samples */
    size_t q = (size_t)(0.125 * period), h = (size_t)(0.5 * period);
    double *sm = tmp, *base = tmp + n, *mag = tmp + 2 * n;
    moving_mean(x, n, q, sm);
    moving_mean(sm, n, h > 0 ? h : 1, base);
    for (size_t i = 0; i < n; i++) {
        sm[i] -= base[i];
        mag[i] = fabs(sm[i]);
    }
    qsort(mag, n, sizeof *mag, cmp_double);
    double amp = mag[(n * 9) / 10];
    if (amp <= 0.0)
        return 0;
    double up = 0.3 * amp, down = -0.3 * amp;
    /* The flexing: from half a period before the first swing reaching
     * SPAN_SHARE of the typical one to half a period after the last;
     * breathing before and after (+-7.5 % at most) stays outside. */
    size_t i0 = 0, i1 = n;
    while (i0 < n && fabs(sm[i0]) < SPAN_SHARE * amp)
        i0++;
    while (i1 > i0 && fabs(sm[i1 - 1]) < SPAN_SHARE * amp)
        i1--;
    i0 = i0 > h ? i0 - h : 0;
    i1 = i1 + h < n ? i1 + h : n;
    *active = (double)(i1 - i0) / (double)n_all;
    uint32_t count = 0;
    int rose = 0;
    for (size_t i = i0; i < i1; i++) {
        if (!rose && sm[i] > up) {
            rose = 1;
        } else if (rose && sm[i] < down) {
            count++; /* a rise and the fall after it: one flex */
            rose = 0;
        }
    }
    return count;
}

rm_status rm_technique_classify(const float *cop_mm, const float *force_n,
                                size_t n, double rate_hz,
                                rm_tech_result *out)
{
    memset(out, 0, sizeof *out);
    out->technique = RM_TECH_STATIC;
    if (!cop_mm || !force_n || rate_hz <= 0.0)
        return RM_ERR_ARG;
    if ((double)n < MIN_SECONDS * rate_hz)
        return RM_OK;

    /* 0.04 Hz resolution at least: 256 points at 10 Hz. */
    size_t nfft = next_pow2(n);
    if (nfft < 256)
        nfft = 256;
    kiss_fftr_cfg cfg = kiss_fftr_alloc((int)nfft, 0, NULL, NULL);
    double *x = rm_calloc(4 * n, sizeof *x);
    kiss_fft_scalar *buf = rm_calloc(nfft, sizeof *buf);
    kiss_fft_cpx *spec = rm_calloc(nfft / 2 + 1, sizeof *spec);
    if (!cfg || !x || !buf || !spec) {
        kiss_fftr_free(cfg);
        rm_free(x);
        rm_free(buf);
        rm_free(spec);
        return RM_ERR_NOMEM;
    }

    band_stats rock, flex;
    detrend(cop_mm, n, x);
    band(cfg, nfft, x, n, rate_hz, ROCK_LO_HZ, ROCK_HI_HZ, buf, spec, &rock);
    double mean_f = detrend(force_n, n, x);
    band(cfg, nfft, x, n, rate_hz, FLEX_LO_HZ, FLEX_HI_HZ, buf, spec, &flex);

    out->cop_band_mm = rock.rms;
    out->cop_share = rock.share;
    out->force_share = flex.share;
    out->force_band_rel = mean_f > 0.0 ? flex.rms / mean_f : 0.0;
    /* How far each candidate's swing is above a still leg's, in
     * multiples (FLEX_STILL_REL: sway without breathing): the larger
     * decides when both clear their floors (rocking also moves the load
     * a little; flexing also nudges the CoP). */
    int rock_ok = rock.share >= ROCK_SHARE && out->cop_band_mm >= ROCK_MIN_MM;
    /* The flex floor applies to the load's swing while flexing: a few
     * flexes and then a long still stretch spread it over the hold.
     * Breathing lasts the whole hold (active ~1). */
    double active = 1.0;
    uint32_t flexes = 0;
    if (flex.share >= FLEX_SHARE)
        flexes = count_flexes(x, n, rate_hz, flex.peak_hz, mean_f, x + n,
                              &active);
    if (active < MIN_ACTIVE)
        active = MIN_ACTIVE;
    int flex_ok = flex.share >= FLEX_SHARE &&
                  out->force_band_rel / sqrt(active) >= FLEX_MIN_REL;
    double rock_score = rock_ok ? out->cop_band_mm / ROCK_MIN_MM : 0.0;
    double flex_score = flex_ok ? out->force_band_rel / FLEX_STILL_REL : 0.0;
    if (rock_ok && rock_score >= flex_score) {
        out->technique = RM_TECH_ROCKING;
    } else if (flex_ok) {
        out->technique = RM_TECH_PIN_AND_STRETCH;
        out->flexes = flexes;
    }
    kiss_fftr_free(cfg);
    rm_free(x);
    rm_free(buf);
    rm_free(spec);
    return RM_OK;
}
