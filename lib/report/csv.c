/*
 * CSV of aligned samples, streamed: the engine's on_sample callback feeds
 * rm_csv_writer_row() one sample at a time, so memory does not grow with
 * the session. Columns and units are in docs/report-schema.md.
 */
#include <math.h>
#include <string.h>

#include "report_internal.h"

struct rm_csv_writer {
    FILE *out;
    uint32_t cells;
    uint64_t rows;
    int failed;        /* a write failed: later rows are refused */
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

/* One numeric field with its comma; unknown values are empty fields,
 * which spreadsheets and numpy.genfromtxt read as missing. */
static void put_num(FILE *f, double v, int decimals)
{
    char buf[64];
    rm_fmt_fixed(buf, sizeof buf, v, decimals, "");
    fputc(',', f);
    fputs(buf, f);
}

rm_status rm_csv_writer_row(rm_csv_writer *w, const rm_sample *s)
{
    if (!w || !s)
        return RM_ERR_ARG;
    if (w->failed)
        return RM_ERR_IO;
    FILE *f = w->out;
    char buf[64];
    /* Decimals: time to 0.1 ms (the fastest board samples every 0.5 ms),
     * positions to 0.01 mm, forces to 0.1 mN: finer than any sensor. */
    rm_fmt_fixed(buf, sizeof buf, s->time_s, 4, "");
    fputs(buf, f);
    fprintf(f, ",%d", s->in_contact ? 1 : 0);
    put_num(f, s->position_cm, 3);
    put_num(f, s->position_frac, 5);
    fputc(',', f);
    fputs(rm_line_name(s->line), f);
    put_num(f, s->force_n, 4);
    put_num(f, s->cop_mm, 2);
    for (uint32_t i = 0; i < w->cells; i++) {
        if (i < s->cells && i < RM_MAX_CELLS)
            put_num(f, s->cell_n[i], 4);
        else
            fputc(',', f);
    }
    fputc('\n', f);
    if (ferror(f)) {
        w->failed = 1;
        return RM_ERR_IO;
    }
    w->rows++;
    return RM_OK;
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
