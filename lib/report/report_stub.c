/* Placeholder until lib/report/ lands: every call reports unsupported. */
#include "internal.h"

rm_status rm_report_format_parse(const char *name, rm_report_format *out)
{ (void)name; (void)out; return RM_ERR_UNSUPPORTED; }
rm_status rm_report_file(const char *path, rm_report_format fmt,
                         const rm_engine_config *cfg, FILE *out, rm_error *err)
{
    (void)path; (void)fmt; (void)cfg; (void)out;
    return rm_error_set(err, RM_ERR_UNSUPPORTED, "reports not built");
}
