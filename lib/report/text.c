/*
 * Text report: the terminal summary of one session, laid out for 80
 * columns (session, calf, holds, peaks, passes, coverage, flinches,
 * guidance). Colour (bold headings, caution in yellow) only on a tty.
 * Everything from metadata or the engine is cleaned of control bytes so
 * a hostile note cannot drive the terminal.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_internal.h"

#define WIDTH 80

/* Human words for the engine's enums, shared by the text, HTML and SVG
 * reports (JSON and CSV keep the rm_*_name() identifiers). */
const char *rm_words_technique(rm_technique t)
{
    switch (t) {
    case RM_TECH_STATIC:          return "held still";
    case RM_TECH_ROCKING:         return "rocking side to side";
    case RM_TECH_PIN_AND_STRETCH: return "pin and stretch";
    }
    return "not known";
}

const char *rm_words_line(rm_line line)
{
    switch (line) {
    case RM_LINE_MEDIAL:  return "inner (medial)";
    case RM_LINE_MIDDLE:  return "middle";
    case RM_LINE_LATERAL: return "outer (lateral)";
    default:              return "line not known";
    }
}

const char *rm_words_line_short(rm_line line)
{
    switch (line) {
    case RM_LINE_MEDIAL:  return "inner";
    case RM_LINE_MIDDLE:  return "middle";
    case RM_LINE_LATERAL: return "outer";
    default:              return "not known";
    }
}

const char *rm_words_frame(const rm_summary *s, const rm_session_meta *meta,
                           double *measured_cm, char *buf, size_t cap)
{
    *measured_cm = meta && meta->calf_length_cm > 0.0 ? meta->calf_length_cm
                                                      : NAN;
    /* Said every time: people often turn 1-3 cm short of the heel and
     * the knee crease, and nothing in the rolling tells by how much. */
    if (s->calf_frame != RM_CALF_FRAME_MEASURED && !isfinite(*measured_cm)) {
        snprintf(buf, cap, "from where the rolling turned, often 1-3 cm "
                 "short of the ankle bone and the knee crease (no measured "
                 "length: rollmap tag FILE --calf-length CM)");
        return buf;
    }
    char cm[32];
    rm_fmt_fixed(cm, sizeof cm, *measured_cm, 1, "?");
    if (s->calf_frame != RM_CALF_FRAME_MEASURED) {
        snprintf(buf, cap, "from where the rolling turned (the measured %s "
                 "cm was not used)", cm);
        return buf;
    }
    int clamped = 0;
    for (size_t i = 0; s->guidance && i < s->n_guidance; i++)
        clamped |= !strcmp(s->guidance[i].code, "calf_length_clamped");
    snprintf(buf, cap, "from the measured calf length, %s cm%s", cm,
             clamped ? ", clamped to the rolling (see the guidance)" : "");
    return buf;
}

const char *rm_words_leg(rm_leg leg)
{
    switch (leg) {
    case RM_LEG_LEFT:  return "left";
    case RM_LEG_RIGHT: return "right";
    default:           return "not recorded";
    }
}

const char *rm_words_zone(rm_zone z)
{
    switch (z) {
    case RM_ZONE_ACHILLES:        return "Achilles tendon";
    case RM_ZONE_SOLEUS:          return "soleus (lower calf)";
    case RM_ZONE_GASTROC_MEDIAL:  return "inner calf muscle head";
    case RM_ZONE_GASTROC_LATERAL: return "outer calf muscle head";
    case RM_ZONE_BELOW_KNEE:      return "just below the knee";
    }
    return "not known";
}

const char *rm_words_band(const rm_summary *s, double duration_s)
{
    const char *band = rm_hold_band(s, duration_s);
    return !strcmp(band, "short") ? "shorter than advised"
           : !strcmp(band, "long") ? "longer than advised"
           : !strcmp(band, "ok")   ? "as advised"
                                   : "not known";
}

const char *rm_words_level(rm_guidance_level level)
{
    switch (level) {
    case RM_GUIDE_INFO:    return "Note";
    case RM_GUIDE_ADVICE:  return "Advice";
    case RM_GUIDE_CAUTION: return "Caution";
    }
    return "Note";
}

struct tw {
    FILE *f;
    int color;
};

static void heading(struct tw *w, const char *title)
{
    if (w->color)
        fprintf(w->f, "\n\033[1m%s\033[0m\n", title);
    else
        fprintf(w->f, "\n%s\n", title);
}

/* Display width of UTF-8 text: one column per character (the cleaned
 * text has no controls; wide CJK glyphs may overhang, accepted). */
static size_t utf8_cols(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n && s[i]; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            cols++;
    return cols;
}

/* Byte length of the first @p cols characters of s (at most n bytes). */
static size_t utf8_bytes_for(const char *s, size_t n, size_t cols)
{
    size_t i = 0, c = 0;
    while (i < n && s[i]) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (c == cols)
                break;
            c++;
        }
        i++;
    }
    return i;
}

/*
 * Print @p text word-wrapped to WIDTH: the first line after @p first
 * (already counted as @p first_cols wide), the rest indented by
 * @p indent spaces. Newlines in the text start new lines; words longer
 * than a line are cut.
 */
void rm_text_wrap(FILE *f, const char *first, size_t indent,
                  const char *text)
{
    size_t col = utf8_cols(first, strlen(first));
    fputs(first, f);
    const char *p = text;
    int line_empty = 1;
    while (*p) {
        if (*p == '\n') {
            fputc('\n', f);
            fprintf(f, "%*s", (int)indent, "");
            col = indent;
            line_empty = 1;
            p++;
            continue;
        }
        if (*p == ' ' || *p == '\t') {
            p++;
            continue;
        }
        size_t len = strcspn(p, " \t\n");
        size_t cols = utf8_cols(p, len);
        size_t need = cols + (line_empty ? 0 : 1);
        if (col + need > WIDTH && !line_empty) {
            fputc('\n', f);
            fprintf(f, "%*s", (int)indent, "");
            col = indent;
            line_empty = 1;
            need = cols;
        }
        if (col + need > WIDTH) {
            /* A word wider than the line: cut it where the line ends. */
            size_t room = WIDTH - col;
            size_t nb = utf8_bytes_for(p, len, room);
            fwrite(p, 1, nb, f);
            p += nb;
            fputc('\n', f);
            fprintf(f, "%*s", (int)indent, "");
            col = indent;
            line_empty = 1;
            continue;
        }
        if (!line_empty)
            fputc(' ', f);
        fwrite(p, 1, len, f);
        col += need;
        line_empty = 0;
        p += len;
    }
    fputc('\n', f);
}

static void fmt_pct(char *buf, size_t cap, double frac)
{
    if (!isfinite(frac))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%.0f%%", frac * 100.0);
}

static void session_section(struct tw *w, const rm_summary *s,
                            const rm_session_meta *meta)
{
    char a[64], b[64], utc[32];
    char clean[3 * RM_NOTES_MAX + 1];
    FILE *f = w->f;

    heading(w, "Session");
    rm_fmt_utc(utc, sizeof utc, meta ? meta->start_unix_us : 0);
    if (utc[0]) {
        utc[10] = ' ';              /* "2026-11-21 05:37:51Z" */
        utc[19] = '\0';
        fprintf(f, "  Started     %s UTC\n", utc);
    } else {
        fprintf(f, "  Started     unknown\n");
    }
    fprintf(f, "  Leg         %s\n", rm_leg_name(s->leg));
    rm_fmt_clock(a, sizeof a, s->duration_s);
    rm_fmt_fixed(b, sizeof b, s->duration_s, 1, "-");
    fprintf(f, "  Duration    %s (%s s)", a, b);
    if (isfinite(s->contact_s)) {
        rm_fmt_clock(a, sizeof a, s->contact_s);
        fprintf(f, ", leg on the roller %s", a);
    }
    fputc('\n', f);
    rm_fmt_fixed(a, sizeof a, s->rate_hz, 0, "?");
    fprintf(f, "  Frames      %llu at %s Hz, %u cells; %llu dropped",
            (unsigned long long)s->frames, a, (unsigned)s->cells,
            (unsigned long long)s->dropped_frames);
    if (s->frames + s->dropped_frames > 0 && s->dropped_frames > 0)
        fprintf(f, " (%.2f%%)",
                100.0 * (double)s->dropped_frames /
                    (double)(s->frames + s->dropped_frames));
    fputc('\n', f);
    if (meta && (meta->desc.firmware[0] || meta->desc.serial[0])) {
        char fw[3 * 32 + 1], sn[3 * 32 + 1], line[256];
        rm_utf8_clean(meta->desc.firmware, sizeof meta->desc.firmware, fw,
                      sizeof fw);
        rm_utf8_clean(meta->desc.serial, sizeof meta->desc.serial, sn,
                      sizeof sn);
        snprintf(line, sizeof line, "%s%s%s", fw[0] ? fw : "",
                 fw[0] && sn[0] ? ", serial " : (sn[0] ? "serial " : ""),
                 sn);
        rm_text_wrap(f, "  Board       ", 14, line);
    }
    if (meta && meta->notes[0]) {
        rm_utf8_clean(meta->notes, sizeof meta->notes, clean, sizeof clean);
        rm_text_wrap(f, "  Notes       ", 14, clean);
    }

    heading(w, "Calf");
    if (s->calf_found && isfinite(s->calf_length_cm)) {
        rm_fmt_fixed(a, sizeof a, s->calf_length_cm, 1, "-");
        fprintf(f, "  Length      %s cm, ankle to knee\n", a);
        double m;
        char line[200];
        if (rm_words_frame(s, meta, &m, line, sizeof line))
            rm_text_wrap(f, "  Frame       ", 14, line);
    } else {
        rm_text_wrap(f, "  ", 2,
                     "The ends of the calf (ankle and knee) were not found, "
                     "so positions along the calf are unknown and shown as "
                     "'-'. Rolling the whole calf from ankle to knee a few "
                     "times lets rollmap place them.");
    }
}

static void holds_section(struct tw *w, const rm_summary *s)
{
    FILE *f = w->f;
    char title[160], band[80];
    size_t n = s->holds ? s->n_holds : 0;
    /* The band the guidance judged the holds by (the summary's). */
    rm_report_hold_band_words(s, "-", band, sizeof band);
    if (rm_report_has_hold_band(s))
        snprintf(title, sizeof title, "Holds: %zu (common advice: %s s on "
                 "a spot)", n, band);
    else
        snprintf(title, sizeof title, "Holds: %zu", n);
    heading(w, title);
    if (n == 0) {
        fprintf(f, "  No holds found: the roller did not stay on one spot "
                   "long enough.\n");
        return;
    }
    /* One format for header and rows keeps the columns aligned; widths
     * add up to 77 columns with a 15-column technique. */
    const char *row = "  %4s %6s %5s %-5s %5s %4s %-8s %5s %5s/%-5s %s\n";
    fprintf(f, row, "#", "start", "dur s",
            rm_report_has_hold_band(s) ? band : "band", "at cm", "%", "line",
            "N avg", "kPa", "peak", "technique");
    int unsure = 0;
    for (size_t i = 0; i < n; i++) {
        const rm_hold *h = &s->holds[i];
        char idx[24], start[32], dur[32], cm[32], pct[16], force[32],
            kpa[32], kpk[32], tech[48], line[24];
        /* "?" marks what the engine is unsure of (RM_CONFIDENCE_LOW):
         * after the place, that the hold lies within 2 cm of it (a hold
         * found is a hold; its place is what may be off); after the
         * line, the line. */
        int low = isfinite(h->position_cm) &&
                  h->confidence < RM_CONFIDENCE_LOW,
            low_line = h->line != RM_LINE_UNKNOWN &&
                       h->line_confidence < RM_CONFIDENCE_LOW;
        unsure |= low || low_line;
        snprintf(idx, sizeof idx, "H%zu", i + 1);
        snprintf(line, sizeof line, "%s%s", rm_line_name(h->line),
                 low_line ? "?" : "");
        rm_fmt_clock(start, sizeof start, h->start_s);
        rm_fmt_fixed(dur, sizeof dur, h->duration_s, 1, "-");
        char at[24];
        rm_fmt_fixed(at, sizeof at, h->position_cm, 1, "-");
        snprintf(cm, sizeof cm, "%s%s", at, low ? "?" : "");
        fmt_pct(pct, sizeof pct, h->position_frac);
        rm_fmt_fixed(force, sizeof force, h->mean_force_n, 0, "-");
        rm_fmt_fixed(kpa, sizeof kpa, h->mean_pressure_kpa, 0, "-");
        rm_fmt_fixed(kpk, sizeof kpk, h->peak_pressure_kpa, 0, "-");
        switch (h->technique) {
        case RM_TECH_PIN_AND_STRETCH:
            snprintf(tech, sizeof tech, "pin&stretch x%u",
                     (unsigned)h->flexes);
            break;
        default:
            snprintf(tech, sizeof tech, "%s",
                     h->technique == RM_TECH_STATIC ? "still" :
                     h->technique == RM_TECH_ROCKING ? "rocking" : "-");
        }
        fprintf(f, row, idx, start, dur, rm_hold_band(s, h->duration_s), cm,
                pct, line, force, kpa, kpk, tech);
    }
    if (unsure)
        rm_text_wrap(f, "  ", 2,
                     "? uncertain: after the place, the hold may have been "
                     "more than 2 cm from it (few or scattered turns at "
                     "the calf's ends to place it by); after the line, the "
                     "evidence lay near the engine's threshold and the "
                     "roller may have been on another line.");
}

/* Display order for peaks: by zone from ankle to knee, then by score. */
static int peak_order(const void *a, const void *b)
{
    const rm_peak *p = *(const rm_peak *const *)a;
    const rm_peak *q = *(const rm_peak *const *)b;
    if (p->zone != q->zone)
        return p->zone < q->zone ? -1 : 1;
    if (p->score != q->score)
        return p->score > q->score ? -1 : 1;
    return 0;
}

static void peaks_section(struct tw *w, const rm_summary *s)
{
    FILE *f = w->f;
    size_t n = s->peaks ? s->n_peaks : 0;
    char title[96];
    snprintf(title, sizeof title,
             "Peaks: %zu candidate tender spots, by zone", n);
    heading(w, title);
    if (n == 0) {
        fprintf(f, "  No pressure peak recurred across passes.\n");
        return;
    }
    const rm_peak **order = rm_calloc(n, sizeof *order);
    if (order) {
        for (size_t i = 0; i < n; i++)
            order[i] = &s->peaks[i];
        qsort(order, n, sizeof *order, peak_order);
    }
    const char *row = "  %4s %-17s %5s %4s %-7s %6s %6s %5s%s\n";
    fprintf(f, row, "#", "zone", "at cm", "%", "line", "kPa", "passes",
            "score", "");
    int unsure = 0;
    for (size_t i = 0; i < n; i++) {
        const rm_peak *p = order ? order[i] : &s->peaks[i];
        char idx[24], cm[32], pct[16], kpa[32], passes[16], score[32];
        /* Numbered as in the SVG and HTML (engine order), not as shown. */
        snprintf(idx, sizeof idx, "P%zu", (size_t)(p - s->peaks) + 1);
        int low = p->confidence < RM_CONFIDENCE_LOW;
        unsure |= low;
        rm_fmt_fixed(cm, sizeof cm, p->position_cm, 1, "-");
        fmt_pct(pct, sizeof pct, p->position_frac);
        rm_fmt_fixed(kpa, sizeof kpa, p->pressure_kpa, 0, "-");
        snprintf(passes, sizeof passes, "%u", (unsigned)p->passes);
        rm_fmt_fixed(score, sizeof score, p->score, 2, "-");
        fprintf(f, row, idx, rm_zone_label(p->zone), cm, pct,
                rm_line_name(p->line), kpa, passes, score,
                low ? " (uncertain)" : "");
    }
    rm_free(order);
    if (unsure)
        rm_text_wrap(f, "  ", 2,
                     "(uncertain): it stood out little, or on few of the "
                     "passes over it.");
    rm_text_wrap(f, "  ", 2,
                 "Scores weigh the Achilles and below-knee zones down: "
                 "tissue near tendon ends reads tender without being a "
                 "knot.");
}

/* "3 up, 2 down"; passes placed on no calf (its ends never found) have
 * no direction along it either, and are counted as such. */
static void pass_directions(char *buf, size_t size, const rm_line_passes *lp)
{
    size_t undirected = lp->count - lp->up - lp->down;
    if (undirected == lp->count)
        snprintf(buf, size, "direction unknown");
    else if (undirected)
        snprintf(buf, size, "%zu up, %zu down, %zu unknown", lp->up,
                 lp->down, undirected);
    else
        snprintf(buf, size, "%zu up, %zu down", lp->up, lp->down);
}

static void passes_section(struct tw *w, const rm_summary *s)
{
    FILE *f = w->f;
    size_t n = s->passes ? s->n_passes : 0;
    char title[64];
    snprintf(title, sizeof title, "Passes: %zu", n);
    heading(w, title);
    if (n == 0) {
        fprintf(f, "  No passes found (no rolling along the calf).\n");
        return;
    }
    for (int l = RM_LINE_UNKNOWN; l <= RM_LINE_LATERAL; l++) {
        rm_line_passes lp;
        rm_report_line_passes(s, (rm_line)l, &lp);
        if (lp.count == 0)
            continue;
        char mean[32], pk[32];
        rm_fmt_fixed(mean, sizeof mean, lp.mean_speed_cm_s, 1, "-");
        rm_fmt_fixed(pk, sizeof pk, lp.peak_speed_cm_s, 1, "-");
        /* Passes put on this line with little confidence. */
        size_t unsure = 0;
        for (size_t i = 0; l != RM_LINE_UNKNOWN && i < n; i++)
            unsure += s->passes[i].line == (rm_line)l &&
                      s->passes[i].line_confidence < RM_CONFIDENCE_LOW;
        char tail[48] = "";
        if (unsure)
            snprintf(tail, sizeof tail, ", %zu uncertain", unsure);
        char dir[64];
        pass_directions(dir, sizeof dir, &lp);
        fprintf(f, "  %-8s %3zu (%s%s)  mean %s cm/s, fastest %s cm/s\n",
                l == RM_LINE_UNKNOWN ? "no line" : rm_line_name((rm_line)l),
                lp.count, dir, tail, mean, pk);
    }
    rm_text_wrap(f, "  ", 2,
                 "Common advice is slow rolling, about 2.5 cm (an inch) per "
                 "second.");
}

static void coverage_section(struct tw *w, const rm_summary *s)
{
    FILE *f = w->f;
    heading(w, "Coverage of each line, ankle to knee");
    for (int l = RM_LINE_MEDIAL; l <= RM_LINE_LATERAL; l++) {
        double c = s->coverage[l];
        char bar[41];
        int filled = 0;
        if (isfinite(c))
            filled = (int)lround((c < 0 ? 0 : c > 1 ? 1 : c) * 40.0);
        for (int i = 0; i < 40; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[40] = '\0';
        char pct[16];
        fmt_pct(pct, sizeof pct, c);
        fprintf(f, "  %-8s [%s] %5s\n", rm_line_name((rm_line)l), bar, pct);
    }
}

static void flinches_section(struct tw *w, const rm_summary *s)
{
    FILE *f = w->f;
    size_t n = s->flinches ? s->n_flinches : 0;
    char title[64];
    snprintf(title, sizeof title, "Flinches: %zu", n);
    heading(w, title);
    if (n == 0) {
        fprintf(f, "  No sudden lift-offs.\n");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const rm_flinch *fl = &s->flinches[i];
        char t[32], cm[32], pct[16], force[32];
        rm_fmt_clock(t, sizeof t, fl->time_s);
        rm_fmt_fixed(cm, sizeof cm, fl->position_cm, 1, "-");
        fmt_pct(pct, sizeof pct, fl->position_frac);
        rm_fmt_fixed(force, sizeof force, fl->force_before_n, 0, "-");
        fprintf(f, "  %2zu at %6s  %5s cm %4s  %-7s  %s N before\n", i + 1,
                t, cm, pct, rm_line_name(fl->line), force);
    }
}

static void guidance_section(struct tw *w, const rm_summary *s)
{
    FILE *f = w->f;
    size_t n = s->guidance ? s->n_guidance : 0;
    const rm_guidance *safety = rm_report_safety_entry(s);
    size_t shown = 0;
    heading(w, "Guidance");
    for (size_t i = 0; i < n; i++) {
        const rm_guidance *g = &s->guidance[i];
        if (g == safety)
            continue;           /* set apart below */
        shown++;
        char said[sizeof g->text + 1], text[3 * sizeof said + 1];
        char first[32];
        rm_guidance_text(g, said, sizeof said);
        rm_utf8_clean(said, sizeof said, text, sizeof text);
        snprintf(first, sizeof first, "  %-9s ",
                 g->level == RM_GUIDE_CAUTION  ? "caution:"
                 : g->level == RM_GUIDE_ADVICE ? "advice:"
                                               : "info:");
        if (w->color && g->level == RM_GUIDE_CAUTION)
            fputs("\033[33m", f);
        rm_text_wrap(f, first, 12, text);
        if (w->color && g->level == RM_GUIDE_CAUTION)
            fputs("\033[0m", f);
    }
    if (shown == 0)
        fprintf(f, "  No guidance for this session.\n");
    fputc('\n', f);
    if (safety) {
        char said[sizeof safety->text + 1], text[3 * sizeof said + 1];
        rm_guidance_text(safety, said, sizeof said);
        rm_utf8_clean(said, sizeof said, text, sizeof text);
        rm_text_wrap(f, "  ", 2, text);
    } else {
        rm_text_wrap(f, "  ", 2, RM_REPORT_SAFETY_TEXT);
    }
}

static int want_color(FILE *out)
{
    const char *term = getenv("TERM");
    if (getenv("NO_COLOR"))
        return 0;
    if (!term || strcmp(term, "dumb") == 0)
        return 0;
    int fd = fileno(out);
    return fd >= 0 && isatty(fd);
}

rm_status rm_report_text(const rm_summary *s, const rm_session_meta *meta,
                         FILE *out)
{
    struct tw w = { out, want_color(out) };
    char title[128];
    if (s->leg == RM_LEG_UNKNOWN)
        snprintf(title, sizeof title, "rollmap report: calf, leg unknown "
                 "(rollmap %s)", rm_version_string());
    else
        snprintf(title, sizeof title, "rollmap report: %s calf (rollmap %s)",
                 rm_leg_name(s->leg), rm_version_string());
    if (w.color)
        fprintf(out, "\033[1m%s\033[0m\n", title);
    else
        fprintf(out, "%s\n", title);
    session_section(&w, s, meta);
    holds_section(&w, s);
    peaks_section(&w, s);
    passes_section(&w, s);
    coverage_section(&w, s);
    flinches_section(&w, s);
    guidance_section(&w, s);
    return rm_report_stream_status(out);
}
