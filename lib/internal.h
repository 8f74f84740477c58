/*
 * internal.h - declarations shared inside librollmap, never installed.
 * Everything here has hidden visibility (the default under
 * -fvisibility=hidden); only RM_API names in rollmap.h are exported.
 */
#ifndef ROLLMAP_INTERNAL_H
#define ROLLMAP_INTERNAL_H

#include <stdarg.h>

#include "rollmap.h"

#if defined(__GNUC__)
#define RM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define RM_PRINTF(a, b)
#endif

/*
 * Fill an optional caller-owned rm_error (err may be NULL) and return
 * code, so constructors can write: return rm_error_set(err, RM_ERR_IO, ...).
 */
rm_status rm_error_set(rm_error *err, rm_status code, const char *fmt, ...)
    RM_PRINTF(3, 4);

/* Same, into a handle's message buffer of @p cap bytes. */
rm_status rm_msg_set(char *buf, size_t cap, rm_status code,
                     const char *fmt, ...) RM_PRINTF(4, 5);

/* Allocation wrappers: one place a fault injector can hook later. */
void *rm_calloc(size_t n, size_t size);
void *rm_realloc_array(void *p, size_t n, size_t size);
void rm_free(void *p);

/* Force in newtons of cell i for raw counts, from the descriptor. */
static inline double rm_cell_force_n(const rm_descriptor *d, unsigned i,
                                     int32_t raw)
{
    return ((double)raw - (double)d->tare_counts[i]) *
           (double)d->scale_n_per_count[i];
}

#endif /* ROLLMAP_INTERNAL_H */
