/*
 * Report entry points: format names, rm_report_write() dispatching to the
 * per-format writers, plus the small formatting helpers they share. The
 * one-call rm_report_file() is the offline pipeline's (lib/pipeline).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int rm_report_has_hold_band(const rm_summary *s)
{
    return isfinite(s->hold_advice_min_s) &&
           isfinite(s->hold_advice_max_s) && s->hold_advice_min_s >= 0 &&
           s->hold_advice_max_s > 0 &&
           s->hold_advice_max_s >= s->hold_advice_min_s;
}

void rm_report_hold_band_words(const rm_summary *s, const char *dash,
                               char *buf, size_t cap)
{
    char lo[32], hi[32];
    rm_fmt_fixed(lo, sizeof lo, s->hold_advice_min_s, 0, "?");
    rm_fmt_fixed(hi, sizeof hi, s->hold_advice_max_s, 0, "?");
    snprintf(buf, cap, "%s%s%s", lo, dash, hi);
}

const char *rm_hold_band(const rm_summary *s, double duration_s)
{
    if (!isfinite(duration_s) || !rm_report_has_hold_band(s))
        return "?";
    if (duration_s < s->hold_advice_min_s)
        return "short";
    if (duration_s > s->hold_advice_max_s)
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

