/*
 * sink.h - one stream, opened once per process, that throws away what is
 * written to it: the fuzz targets run report writers without opening a
 * device node, and without a syscall per input. Needs _GNU_SOURCE
 * (fopencookie) defined before the first include.
 */
#ifndef ROLLMAP_FUZZ_SINK_H
#define ROLLMAP_FUZZ_SINK_H

#include <stdio.h>
#include <stdlib.h>

static ssize_t sink_write(void *cookie, const char *buf, size_t size)
{
    (void)cookie, (void)buf;
    return (ssize_t)size;
}

static FILE *fuzz_sink(void)
{
    static FILE *f;
    if (!f) {
        cookie_io_functions_t io = { .write = sink_write };
        f = fopencookie(NULL, "w", io);
        if (!f)
            abort();
    }
    return f;
}

#endif /* ROLLMAP_FUZZ_SINK_H */
