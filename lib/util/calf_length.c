/*
 * The measured calf length (session format 1.2, 'rmap' extension record
 * 2): what values a session may carry and how the CLI's text becomes one.
 * Stored as whole millimetres (a tape reads to the millimetre at best), so
 * every value is rounded to 0.1 cm here, where it enters
 * (lib/session/rmap_ext.c stores it).
 */
#include <math.h>

#include "internal.h"

int rm_calf_length_valid(double cm)
{
    return cm == 0.0 || (isfinite(cm) && cm >= RM_CALF_LENGTH_MIN_CM &&
                         cm <= RM_CALF_LENGTH_MAX_CM);
}

/* A plain decimal: digits, at most one '.', digits; no sign, exponent or
 * locale's decimal comma (the reports and files use '.' everywhere). */
rm_status rm_calf_length_parse(const char *text, double *out)
{
    if (!text || !out)
        return RM_ERR_ARG;
    double v = 0.0, scale = 1.0;
    int digits = 0, dot = 0;
    for (const char *c = text; *c; c++) {
        if (*c == '.' && !dot) {
            dot = 1;
        } else if (*c >= '0' && *c <= '9' && digits < 9) {
            if (dot)
                scale /= 10.0;
            v = v * 10.0 + (*c - '0');
            digits++;
        } else {
            return RM_ERR_ARG;
        }
    }
    if (!digits)
        return RM_ERR_ARG;
    double cm = lround(v * scale * 10.0) / 10.0;
    if (cm == 0.0 || !rm_calf_length_valid(cm))
        return RM_ERR_ARG;
    *out = cm;
    return RM_OK;
}
