/* placeholder */
#include "trend_internal.h"
rm_status rm_trend_svg(const rm_trend *t, const struct matched *m,
                       int standalone, FILE *out)
{ (void)t; (void)m; (void)standalone; (void)out; return RM_ERR_ARG; }
rm_status rm_trend_html(const rm_trend *t, const struct matched *m, FILE *out)
{ (void)t; (void)m; (void)out; return RM_ERR_ARG; }
