/*
 * report-fixture: writes a report of a hand-built summary (the unit
 * tests' fixture) so the browser check can render the HTML without
 * depending on the engine. Usage: report-fixture FORMAT [full|hostile|thin];
 * with no arguments it checks that every writer succeeds on every fixture.
 */
#include <stdio.h>
#include <string.h>

#include "../unit/check_report_fixture.h"

/* Without arguments (as `make check` runs it): every format of every
 * fixture must write without error. */
static int self_test(void)
{
    static const rm_report_format fmts[] = { RM_REPORT_TEXT, RM_REPORT_JSON,
                                             RM_REPORT_SVG, RM_REPORT_HTML };
    struct fixture fx;
    FILE *sink = fopen("/dev/null", "w");
    int failed = 0;
    if (!sink)
        return 1;
    for (int kind = 0; kind < 3; kind++) {
        for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
            if (kind == 2)
                fixture_thin(&fx);
            else
                fixture_full(&fx);
            if (kind == 1)
                snprintf(fx.meta.notes, sizeof fx.meta.notes, "%s",
                         FIX_HOSTILE_NOTE);
            rm_status st = rm_report_write(&fx.s, kind == 2 ? NULL : &fx.meta,
                                           fmts[i], sink);
            if (st != RM_OK) {
                fprintf(stderr, "report-fixture: %s of fixture %d: %s\n",
                        rm_report_format_name(fmts[i]), kind,
                        rm_strerror(st));
                failed = 1;
            }
        }
    }
    fclose(sink);
    if (!failed)
        printf("report-fixture: every format of every fixture written\n");
    return failed;
}

int main(int argc, char **argv)
{
    struct fixture fx;
    rm_report_format fmt;
    if (argc == 1)
        return self_test();
    if (rm_report_format_parse(argv[1], &fmt) != RM_OK) {
        fprintf(stderr, "usage: report-fixture text|json|svg|html "
                        "[full|hostile|thin]\n");
        return 2;
    }
    const char *kind = argc > 2 ? argv[2] : "full";
    if (strcmp(kind, "thin") == 0) {
        fixture_thin(&fx);
    } else {
        fixture_full(&fx);
        if (strcmp(kind, "hostile") == 0) {
            snprintf(fx.meta.notes, sizeof fx.meta.notes, "%s",
                     FIX_HOSTILE_NOTE);
            snprintf(fx.meta.desc.serial, sizeof fx.meta.desc.serial,
                     "<i>RA</i>");
        }
    }
    rm_status st = rm_report_write(&fx.s, &fx.meta, fmt, stdout);
    if (st != RM_OK) {
        fprintf(stderr, "report-fixture: %s\n", rm_strerror(st));
        return 1;
    }
    return 0;
}
