/*
 * report-fixture: writes a report of a hand-built summary (the unit
 * tests' fixture) so the browser check can render the HTML without
 * depending on the engine. Usage: report-fixture FORMAT [full|hostile|thin]
 */
#include <stdio.h>
#include <string.h>

#include "../unit/check_report_fixture.h"

int main(int argc, char **argv)
{
    struct fixture fx;
    rm_report_format fmt;
    if (argc < 2 || rm_report_format_parse(argv[1], &fmt) != RM_OK) {
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
