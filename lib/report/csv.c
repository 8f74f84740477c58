/*
 * CSV of aligned samples, streamed: the engine's on_sample callback feeds
 * rm_csv_writer_row() one sample at a time, so memory does not grow with
 * the session. Columns and units are in docs/report-schema.md.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "report_internal.h"

struct rm_csv_writer {
    FILE *out;
    uint32_t cells;
    uint64_t rows;
    int failed;        /* a write failed: later rows are refused */
    int os_errno;      /* errno of the first failed write */
};

rm_status rm_csv_writer_new(FILE *out, uint32_t cells, rm_csv_writer **w,
                            rm_error *err)
{
    if (w)
        *w = NULL;
    if (!out || !w || cells < 1 || cells > RM_MAX_CELLS)
        return rm_error_set(err, RM_ERR_ARG,
                            "CSV writer: need a stream and 1..%d cells",
                            RM_MAX_CELLS);
    rm_csv_writer *cw = rm_calloc(1, sizeof *cw);
    if (!cw)
        return rm_error_set(err, RM_ERR_NOMEM, "CSV writer: out of memory");
    cw->out = out;
    cw->cells = cells;
    fputs("time_s,in_contact,position_cm,position_frac,line,force_n,cop_mm",
          out);
    for (uint32_t i = 0; i < cells; i++)
        fprintf(out, ",cell%u_n", (unsigned)i);
    fputc('\n', out);
    if (ferror(out))
        cw->failed = 1;
    *w = cw;
    return RM_OK;
}

/* Powers of ten for the decimals used here (at most 5). */
static const double pow10_tab[] = { 1.0, 10.0, 100.0, 1e3, 1e4, 1e5 };

/*
 * Fixed-point text of v with @p decimals digits into buf (at least 32
 * bytes, not NUL-terminated; returns the length), without printf: a 1-hour 32-cell 1 kHz session is 140 million
 * numbers, and snprintf("%.4f") made CSV output 20x slower than the
 * analysis. Rounds half away from zero on v * 10^decimals (printf rounds
 * the exact binary value, so a true tie like 8.25 -> "8.3" here, "8.2"
 * there; both are within half a unit of the last digit). Values too big
 * for the integer path are written as %.17g. Callers pass finite v.
 * Example: -12.34567, 3 -> "-12.346"; 0.00004, 4 -> "0.0000".
 */
static size_t fmt_fast(char *buf, double v, int decimals)
{
    double scaled = v * pow10_tab[decimals];
    if (!(fabs(scaled) < 9e15)) {
        /* Absurdly large (a broken calibration, say): keep every
         * significant digit in exponent form rather than 300 digits. */
        snprintf(buf, 32, "%.17g", v);
        for (char *p = buf; *p; p++)
            if (*p == ',')
                *p = '.';   /* a decimal-comma locale */
        return strlen(buf);
    }
    long long n = llround(scaled);
    int neg = n < 0;
    unsigned long long u = neg ? (unsigned long long)(-n) : (unsigned long long)n;
    /* Digits right to left into the end of tmp, the point after
     * @p decimals of them, at least one digit before it. */
    char tmp[32];
    char *p = tmp + sizeof tmp;
    int digits = 0;
    do {
        if (digits == decimals && decimals > 0)
            *--p = '.';
        *--p = (char)('0' + u % 10);
        u /= 10;
        digits++;
    } while (u || digits <= decimals);
    if (neg)
        *--p = '-';
    size_t len = (size_t)(tmp + sizeof tmp - p);
    memcpy(buf, p, len);
    return len;
}

/* One numeric field with its comma, appended at *pos in the row buffer;
 * unknown values are empty fields, which spreadsheets and
 * numpy.genfromtxt read as missing. */
static void put_num(char *row, size_t *pos, double v, int decimals)
{
    row[(*pos)++] = ',';
    if (isfinite(v))
        *pos += fmt_fast(row + *pos, v, decimals);
}

/* Longest row: 7 + 32 fields of at most 64 bytes each, plus names. */
#define ROW_MAX ((7 + RM_MAX_CELLS) * 66 + 64)

rm_status rm_csv_writer_row(rm_csv_writer *w, const rm_sample *s)
{
    if (!w || !s)
        return RM_ERR_ARG;
    if (w->failed)
        return RM_ERR_IO;
    /* The row is built in memory and written with one call: per-field
     * stdio calls (each taking the stream lock) cost more than the
     * formatting. */
    char row[ROW_MAX];
    size_t pos = 0;
    /* Decimals: time to 0.1 ms (the fastest board samples every 0.5 ms),
     * positions to 0.01 mm, forces to 0.1 mN: finer than any sensor. */
    if (isfinite(s->time_s))
        pos = fmt_fast(row, s->time_s, 4);
    row[pos++] = ',';
    row[pos++] = s->in_contact ? '1' : '0';
    put_num(row, &pos, s->position_cm, 3);
    put_num(row, &pos, s->position_frac, 5);
    pos += (size_t)snprintf(row + pos, 16, ",%s", rm_line_name(s->line));
    put_num(row, &pos, s->force_n, 4);
    put_num(row, &pos, s->cop_mm, 2);
    for (uint32_t i = 0; i < w->cells; i++) {
        if (i < s->cells && i < RM_MAX_CELLS)
            put_num(row, &pos, s->cell_n[i], 4);
        else
            row[pos++] = ',';
    }
    row[pos++] = '\n';
    if (fwrite(row, 1, pos, w->out) != pos || ferror(w->out)) {
        w->failed = 1;
        w->os_errno = errno;
        return RM_ERR_IO;
    }
    w->rows++;
    return RM_OK;
}

int rm_csv_writer_os_errno(const rm_csv_writer *w)
{
    return w ? w->os_errno : 0;
}

uint64_t rm_csv_writer_rows(const rm_csv_writer *w)
{
    return w ? w->rows : 0;
}

rm_status rm_csv_writer_close(rm_csv_writer *w)
{
    if (!w)
        return RM_OK;
    rm_status st = w->failed ? RM_ERR_IO : rm_report_stream_status(w->out);
    rm_free(w);
    return st;
}
