/*
 * cellsum.h - a tick's raw cell counts summed exactly, fast (cellsum.c),
 * and turned into mean forces. The per-frame path (engine.c) adds each
 * frame's counts here; the tick's features start from the mean forces.
 */
#ifndef ROLLMAP_ENGINE_CELLSUM_H
#define ROLLMAP_ENGINE_CELLSUM_H

#include <stddef.h>
#include <stdint.h>

#include "rollmap.h"

/* x86-64 with gcc or clang: the raw-count sums also come compiled for
 * AVX2 and the engine picks them when the CPU has it (cellsum.c). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RM_ENGINE_AVX2 1
#else
#define RM_ENGINE_AVX2 0
#endif

/* The n-th uint32/int32 of a strided column (rm_frame_view). */
static inline uint32_t col_u32(const void *col, size_t stride, size_t k)
{
    return *(const uint32_t *)(const void *)((const char *)col + k * stride);
}

static inline const int32_t *col_i32(const void *col, size_t stride, size_t k)
{
    return (const int32_t *)(const void *)((const char *)col + k * stride);
}

/*
 * Adds the raw counts of m frames (rows `stride` bytes apart, cell 0 of
 * each at rows + k * stride) to the per-cell accumulators lo (sum modulo
 * 2^32) and hi (sum of x >> 16), from zero when `fresh` (a tick's first
 * frames). avx2: use the AVX2 build (only when rm_cellsum_avx2() said so).
 */
void rm_cellsum_add(uint32_t *lo, int32_t *hi, const char *rows,
                    size_t stride, size_t m, unsigned cells, int fresh,
                    int avx2);

/* 1 when this CPU runs the AVX2 build of the sums. */
int rm_cellsum_avx2(void);

/*
 * Mean force (N) of each cell over n frames: (sum / n - tare) x scale,
 * from the two accumulators; cells up to 16 or up to RM_MAX_CELLS are
 * computed (the arrays hold RM_MAX_CELLS, zero past the strip's cells).
 */
void rm_cellsum_mean(const uint32_t *lo, const int32_t *hi,
                     const double *tare, const double *scale, double n,
                     unsigned cells, double *cell_n);

#endif /* ROLLMAP_ENGINE_CELLSUM_H */
