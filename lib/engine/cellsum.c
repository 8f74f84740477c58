/*
 * A tick's raw counts summed per cell, exactly and fast: the only loop the
 * engine runs per frame and cell. engine.c's per-frame path calls
 * rm_cellsum_add() for each block of frames and rm_cellsum_mean() once per
 * tick; the tick's features start from those mean forces.
 */
#include "cellsum.h"

/* a_hi sums x >> 16 as a floor division by 2^16: C11 leaves >> on a
 * negative value to the implementation; gcc and clang shift in sign bits,
 * and this build refuses a compiler that does not. */
_Static_assert((-65536 >> 16) == -1 && (-1 >> 16) == -1,
               "arithmetic right shift of negative int32");

/*
 * Adds the raw counts of m frames (rows `stride` bytes apart) to the two
 * accumulators of 16, 8, 4 or 1 cells, from zero when `fresh` (a tick's
 * first frames). The sums are plain scalars held across the frames so
 * that gcc and clang keep them in vector registers: per frame and 4 cells
 * one load, one shift and two int32 adds (SSE2).
 * Why two lanes: x = 2^16 hi + lo with 0 <= lo < 2^16. Over m frames
 * sum(hi) is exact in int32 and sum(lo) < m 2^16 <= 2^32, so sum(lo) =
 * (sum(x) mod 2^32) - 2^16 sum(hi) mod 2^32, and the exact sum is
 * 2^16 sum(hi) + sum(lo) (cell_sum). Example, two frames of -1: lo lane
 * 0xFFFFFFFE, hi lane -2, sum(lo) = 0xFFFFFFFE + 0x20000 mod 2^32 =
 * 0x1FFFE, sum = -131072 + 131070 = -2.
 */
#define SUM_LANE(j) l##j += (uint32_t)c[j], h##j += c[j] >> 16
#define LANE_INIT(j) l##j = fresh ? 0u : lo[j], h##j = fresh ? 0 : hi[j]
#define LANE_STORE(j) lo[j] = l##j, hi[j] = h##j
#define LANES4(M, a) M(a##0), M(a##1), M(a##2), M(a##3)

#define SUM_CELLS16_BODY                                                   \
    uint32_t l0, l1, l2, l3, l4, l5, l6, l7;                               \
    uint32_t l8, l9, l10, l11, l12, l13, l14, l15;                         \
    int32_t h0, h1, h2, h3, h4, h5, h6, h7;                                \
    int32_t h8, h9, h10, h11, h12, h13, h14, h15;                          \
    LANE_INIT(0), LANE_INIT(1), LANE_INIT(2), LANE_INIT(3);                \
    LANE_INIT(4), LANE_INIT(5), LANE_INIT(6), LANE_INIT(7);                \
    LANE_INIT(8), LANE_INIT(9), LANE_INIT(10), LANE_INIT(11);              \
    LANE_INIT(12), LANE_INIT(13), LANE_INIT(14), LANE_INIT(15);            \
    for (size_t k = 0; k < m; k++) {                                       \
        const int32_t *c = col_i32(rows, stride, k);                       \
        SUM_LANE(0), SUM_LANE(1), SUM_LANE(2), SUM_LANE(3);                \
        SUM_LANE(4), SUM_LANE(5), SUM_LANE(6), SUM_LANE(7);                \
        SUM_LANE(8), SUM_LANE(9), SUM_LANE(10), SUM_LANE(11);              \
        SUM_LANE(12), SUM_LANE(13), SUM_LANE(14), SUM_LANE(15);            \
    }                                                                      \
    LANE_STORE(0), LANE_STORE(1), LANE_STORE(2), LANE_STORE(3);            \
    LANE_STORE(4), LANE_STORE(5), LANE_STORE(6), LANE_STORE(7);            \
    LANE_STORE(8), LANE_STORE(9), LANE_STORE(10), LANE_STORE(11);          \
    LANE_STORE(12), LANE_STORE(13), LANE_STORE(14), LANE_STORE(15)

static void sum_cells16(uint32_t *restrict lo, int32_t *restrict hi,
                        const char *rows, size_t stride, size_t m, int fresh)
{
    SUM_CELLS16_BODY;
}

#if RM_ENGINE_AVX2
/* The same C compiled for AVX2 (8 lanes a register: per frame and 16
 * cells two loads, two shifts and four adds instead of twice that);
 * chosen at rm_engine_new() when the CPU has it. Integer sums: the
 * results are the same bits either way. */
__attribute__((target("avx2"))) static void
sum_cells16_avx2(uint32_t *restrict lo, int32_t *restrict hi,
                 const char *rows, size_t stride, size_t m, int fresh)
{
    SUM_CELLS16_BODY;
}
#endif

static void sum_cells4(uint32_t *restrict lo, int32_t *restrict hi,
                       const char *rows, size_t stride, size_t m, int fresh)
{
    uint32_t l0, l1, l2, l3;
    int32_t h0, h1, h2, h3;
    LANE_INIT(0), LANE_INIT(1), LANE_INIT(2), LANE_INIT(3);
    for (size_t k = 0; k < m; k++) {
        const int32_t *c = col_i32(rows, stride, k);
        SUM_LANE(0), SUM_LANE(1), SUM_LANE(2), SUM_LANE(3);
    }
    LANE_STORE(0), LANE_STORE(1), LANE_STORE(2), LANE_STORE(3);
}

static void sum_cells1(uint32_t *restrict lo, int32_t *restrict hi,
                       const char *rows, size_t stride, size_t m, int fresh)
{
    uint32_t l0;
    int32_t h0;
    LANE_INIT(0);
    for (size_t k = 0; k < m; k++) {
        const int32_t *c = col_i32(rows, stride, k);
        SUM_LANE(0);
    }
    LANE_STORE(0);
}

/*
 * Mean force of each cell over the tick: (sum / n - tare) x scale, for
 * cells [0, width) where width is 16 or 32 (a constant where this is
 * inlined, so the loop vectorises: lanes past the descriptor's cells hold
 * zero sums, tare and scale, and give 0). The exact sum of the two lanes
 * (see sum_cells16) is built in doubles: 2^16 hi is exact (|hi| < 2^22),
 * the low part is in [0, 2^32) and converted through int32 with a bias
 * (SSE2 has no unsigned conversion), and their sum (< 2^53) is exact, so
 * every cell gets the same double as (double)(int64 sum) would give.
 */
static inline void calibrate(const uint32_t *restrict lo,
                             const int32_t *restrict hi,
                             const double *restrict tare,
                             const double *restrict scale, double n,
                             double *restrict cell_n, unsigned width)
{
    for (unsigned i = 0; i < width; i++) {
        uint32_t low = lo[i] - ((uint32_t)hi[i] << 16);
        double sum = (double)hi[i] * 65536.0 +
                     ((double)(int32_t)(low ^ 0x80000000u) + 2147483648.0);
        cell_n[i] = (sum / n - tare[i]) * scale[i];
    }
}

void rm_cellsum_mean(const uint32_t *lo, const int32_t *hi,
                     const double *tare, const double *scale, double n,
                     unsigned cells, double *cell_n)
{
    if (cells <= 16)
        calibrate(lo, hi, tare, scale, n, cell_n, 16);
    else
        calibrate(lo, hi, tare, scale, n, cell_n, RM_MAX_CELLS);
}

int rm_cellsum_avx2(void)
{
#if RM_ENGINE_AVX2
    return __builtin_cpu_supports("avx2") != 0;
#else
    return 0;
#endif
}

void rm_cellsum_add(uint32_t *lo, int32_t *hi, const char *rows,
                    size_t stride, size_t m, unsigned cells, int fresh,
                    int avx2)
{
    unsigned i = 0;
    (void)avx2;
    for (; i + 16 <= cells; i += 16) {
#if RM_ENGINE_AVX2
        if (avx2) {
            sum_cells16_avx2(lo + i, hi + i, rows + i * sizeof(int32_t),
                             stride, m, fresh);
            continue;
        }
#endif
        sum_cells16(lo + i, hi + i, rows + i * sizeof(int32_t), stride, m,
                    fresh);
    }
    for (; i + 4 <= cells; i += 4)
        sum_cells4(lo + i, hi + i, rows + i * sizeof(int32_t), stride, m,
                   fresh);
    for (; i < cells; i++)
        sum_cells1(lo + i, hi + i, rows + i * sizeof(int32_t), stride, m,
                   fresh);
}

