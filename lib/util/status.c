/*
 * Status codes, error messages and the small name tables every part of the
 * library shares (lines, techniques, zones, legs). Static text only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *rm_strerror(rm_status code)
{
    switch (code) {
    case RM_OK:              return "success";
    case RM_ERR_ARG:         return "invalid argument";
    case RM_ERR_NOMEM:       return "out of memory";
    case RM_ERR_IO:          return "input/output error";
    case RM_ERR_FORMAT:      return "invalid data format";
    case RM_ERR_UNSUPPORTED: return "unsupported (newer) format";
    case RM_ERR_TIMEOUT:     return "timed out";
    case RM_ERR_NODEV:       return "no device, or more than one";
    case RM_ERR_EXISTS:      return "file exists";
    }
    return "unknown error";
}

const char *rm_version_string(void)
{
    return RM_VERSION_STRING;
}

rm_status rm_msg_set(char *buf, size_t cap, rm_status code, const char *fmt,
                     ...)
{
    if (buf && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, cap, fmt, ap);
        va_end(ap);
    }
    return code;
}

rm_status rm_error_set(rm_error *err, rm_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void *rm_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

void *rm_realloc_array(void *p, size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size)
        return NULL;
    return realloc(p, n * size);
}

void rm_free(void *p)
{
    free(p);
}

const char *rm_leg_name(rm_leg leg)
{
    switch (leg) {
    case RM_LEG_LEFT:  return "left";
    case RM_LEG_RIGHT: return "right";
    default:           return "unknown";
    }
}

rm_status rm_leg_parse(const char *name, rm_leg *out)
{
    if (!name || !out)
        return RM_ERR_ARG;
    if (strcmp(name, "left") == 0)
        *out = RM_LEG_LEFT;
    else if (strcmp(name, "right") == 0)
        *out = RM_LEG_RIGHT;
    else
        return RM_ERR_ARG;
    return RM_OK;
}

const char *rm_line_name(rm_line line)
{
    switch (line) {
    case RM_LINE_MEDIAL:  return "medial";
    case RM_LINE_MIDDLE:  return "middle";
    case RM_LINE_LATERAL: return "lateral";
    default:              return "unknown";
    }
}

const char *rm_technique_name(rm_technique t)
{
    switch (t) {
    case RM_TECH_STATIC:          return "static";
    case RM_TECH_ROCKING:         return "rocking";
    case RM_TECH_PIN_AND_STRETCH: return "pin_and_stretch";
    }
    return "unknown";
}

const char *rm_zone_name(rm_zone z)
{
    switch (z) {
    case RM_ZONE_ACHILLES:        return "achilles";
    case RM_ZONE_SOLEUS:          return "soleus";
    case RM_ZONE_GASTROC_MEDIAL:  return "gastrocnemius_medial";
    case RM_ZONE_GASTROC_LATERAL: return "gastrocnemius_lateral";
    case RM_ZONE_BELOW_KNEE:      return "below_knee";
    }
    return "unknown";
}
