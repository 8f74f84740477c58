/*
 * guidance_text.c - the English of the guidance: one sentence per code
 * the engine emits (lib/engine/guidance.c), its plural rules, and the one
 * safety sentence. The engine gives codes and numbers only, so every
 * report format quotes the same words and the same limits.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

const char rm_report_safety_text[] =
    "Sharp pain, swelling or redness are a reason to stop and see a "
    "professional. This report describes the session; it is not a "
    "diagnosis.";

static const char *plural(uint64_t n, const char *many)
{
    return n == 1 ? "" : many;
}

/* Formats with '.' as the decimal mark whatever the locale, like the
 * other writers: %.Nf numbers go through rm_fmt_fixed(). */
static const char *num(char *buf, size_t cap, double v, int decimals)
{
    rm_fmt_fixed(buf, cap, v, decimals, "?");
    return buf;
}

typedef struct words {
    char *buf;
    size_t cap;
    char a[32], b[32], c[32];
} words;

static size_t hold_words(const rm_guidance *g, words *w)
{
    unsigned long long n = (unsigned long long)g->count;
    const char *lo = num(w->a, sizeof w->a, g->value[0], 0);
    const char *hi = num(w->b, sizeof w->b, g->value[1], 0);
    if (!strcmp(g->code, "hold_ok"))
        return (size_t)snprintf(w->buf, w->cap,
            "%llu hold%s lasted %s-%s s, the usual advice.", n,
            plural(g->count, "s"), lo, hi);
    if (!strcmp(g->code, "hold_short"))
        return (size_t)snprintf(w->buf, w->cap,
            "%llu hold%s ended before %s s; holds of %s-%s s on a tender "
            "spot are the usual advice.", n, plural(g->count, "s"), lo, lo,
            hi);
    if (!strcmp(g->code, "hold_long"))
        return (size_t)snprintf(w->buf, w->cap,
            "%llu hold%s went past %s s; longer pressure on one spot is "
            "not advised.", n, plural(g->count, "s"), hi);
    /* hold_heavy: value[0] is the force limit */
    return (size_t)snprintf(w->buf, w->cap,
        "%llu hold%s carried more than %s N; pressure should be intense "
        "but tolerable.", n, plural(g->count, "s"), lo);
}

static size_t session_words(const rm_guidance *g, words *w)
{
    const char *min = num(w->a, sizeof w->a, g->value[0] / 60.0, 1);
    const char *lo = num(w->b, sizeof w->b, g->value[1] / 60.0, 0);
    const char *hi = num(w->c, sizeof w->c, g->value[2] / 60.0, 0);
    if (!strcmp(g->code, "session_ok"))
        return (size_t)snprintf(w->buf, w->cap,
            "%s minutes on the roller, within the common %s-%s minutes per "
            "calf.", min, lo, hi);
    return (size_t)snprintf(w->buf, w->cap,
        "%s minutes on the roller; %s-%s minutes per calf is a common "
        "routine.", min, lo, hi);
}

static size_t thin_words(const rm_guidance *g, words *w)
{
    if (!strcmp(g->code, "no_data"))
        return (size_t)snprintf(w->buf, w->cap,
                                "The session holds no samples.");
    if (!strcmp(g->code, "no_contact"))
        return (size_t)snprintf(w->buf, w->cap,
            "The leg never rested on the roller (no load above %s N), so "
            "nothing could be placed or found.",
            num(w->a, sizeof w->a, g->value[0], 0));
    if (!strcmp(g->code, "calf_not_found"))
        return (size_t)snprintf(w->buf, w->cap,
            "The ends of the calf could not be found: no roll covered "
            "enough of the calf to show its shape. Positions are left out; "
            "roll from the ankle to below the knee to get them.");
    if (!strcmp(g->code, "short_session"))
        return (size_t)snprintf(w->buf, w->cap,
            "Only %s s of data: too little to judge holds, speed or "
            "coverage.", num(w->a, sizeof w->a, g->value[0], 0));
    if (!strcmp(g->code, "dropped_frames"))
        return (size_t)snprintf(w->buf, w->cap,
            "%llu frames (%s %%) were lost on the link; findings near the "
            "gaps are less certain.", (unsigned long long)g->count,
            num(w->a, sizeof w->a, g->value[0], 1));
    /* few_passes */
    return (size_t)snprintf(w->buf, w->cap,
        "%s: peaks need the same spot on several passes to count, and none "
        "could be confirmed.",
        g->count ? "Only one pass" : "No complete pass");
}

static size_t other_words(const rm_guidance *g, words *w)
{
    if (!strcmp(g->code, "speed_fast"))
        return (size_t)snprintf(w->buf, w->cap,
            "Rolling speed was about %s cm/s; slower than %s cm/s (about an "
            "inch a second) is the usual advice.",
            num(w->a, sizeof w->a, g->value[0], 1),
            num(w->b, sizeof w->b, g->value[1], 1));
    if (!strcmp(g->code, "speed_ok"))
        return (size_t)snprintf(w->buf, w->cap,
            "Rolling speed was about %s cm/s, slow as advised.",
            num(w->a, sizeof w->a, g->value[0], 1));
    if (!strncmp(g->code, "coverage_", 9))
        return (size_t)snprintf(w->buf, w->cap,
            "The %s line was rolled over %s %% of the calf; ankle to below "
            "the knee on all three lines is the usual routine.",
            rm_line_name(g->line),
            num(w->a, sizeof w->a, 100.0 * g->value[0], 0));
    if (!strcmp(g->code, "flinch")) {
        unsigned long long n = (unsigned long long)g->count;
        if (isfinite(g->value[0]))
            return (size_t)snprintf(w->buf, w->cap,
                "%llu sudden lift-off%s (flinch), the first at %s cm from "
                "the ankle on the %s line: the pressure there may have been "
                "too much. Ease off on that spot.", n, plural(g->count, "s"),
                num(w->a, sizeof w->a, g->value[0], 1),
                rm_line_name(g->line));
        return (size_t)snprintf(w->buf, w->cap,
            "%llu sudden lift-off%s (flinch): the pressure may have been too "
            "much. Ease off on that spot.", n, plural(g->count, "s"));
    }
    if (!strcmp(g->code, "calf_length_clamped")) {
        const char *m = num(w->a, sizeof w->a, g->value[0], 1);
        const char *used = num(w->b, sizeof w->b, g->value[1], 1);
        if (g->value[2] < 0.0)
            return (size_t)snprintf(w->buf, w->cap,
                "The measured calf length (%s cm) is shorter than the "
                "rolling spanned, so the calf is taken as %s cm with its ends "
                "where the rolling turned. Check the measurement (ankle bone "
                "to knee crease).", m, used);
        return (size_t)snprintf(w->buf, w->cap,
            "The measured calf length (%s cm) is much longer than the "
            "rolling spanned, so the calf is taken as %s cm. Roll from just "
            "above the heel to just below the knee, or check the "
            "measurement.", m, used);
    }
    if (!strcmp(g->code, "calf_length_unused"))
        return (size_t)snprintf(w->buf, w->cap,
            "The measured calf length (%s cm) was not used: no roll along "
            "the calf to set it on.",
            num(w->a, sizeof w->a, g->value[0], 1));
    if (!strcmp(g->code, "safety"))
        return (size_t)snprintf(w->buf, w->cap, "%s", rm_report_safety_text);
    return (size_t)snprintf(w->buf, w->cap, "%s", "");
}

/* Codes by family; the families' functions word each code. */
static int is_code(const rm_guidance *g, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(g->code, *list))
            return 1;
    return 0;
}

size_t rm_guidance_text(const rm_guidance *g, char *buf, size_t cap)
{
    static const char *const holds[] = { "hold_ok", "hold_short",
        "hold_long", "hold_heavy", NULL };
    static const char *const sessions[] = { "session_ok", "session_short",
        "session_long", NULL };
    static const char *const thin[] = { "no_data", "no_contact",
        "calf_not_found", "short_session", "dropped_frames", "few_passes",
        NULL };
    char scratch[1];
    words w = { buf, cap, "", "", "" };
    if (!buf || cap == 0) {
        w.buf = scratch;
        w.cap = sizeof scratch;
    }
    w.buf[0] = '\0';
    if (!g)
        return 0;
    if (g->text[0]) {           /* the entry's own wording wins */
        size_t n = strnlen(g->text, sizeof g->text);
        snprintf(w.buf, w.cap, "%.*s", (int)n, g->text);
        return n;
    }
    /* A hand-built code may fill its array without a NUL: no known code
     * is that long, so it words nothing. */
    if (!memchr(g->code, '\0', sizeof g->code))
        return 0;
    if (is_code(g, holds))
        return hold_words(g, &w);
    if (is_code(g, sessions))
        return session_words(g, &w);
    if (is_code(g, thin))
        return thin_words(g, &w);
    return other_words(g, &w);
}
