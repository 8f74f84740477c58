/*
 * rm_report_pair_file(): both calves' sessions analysed as `report` does,
 * then one report of the two (lib/report/pair.c formats it).
 */
#include <string.h>

#include "pipeline.h"
#include "report/report_internal.h"

static rm_status file_leg(const char *path, rm_leg *leg, rm_error *err)
{
    rm_session *s = NULL;
    rm_status st = rm_session_open(path, &s, err);
    if (st != RM_OK)
        return st;
    *leg = rm_session_get_meta(s)->leg;
    rm_session_close(s);
    return RM_OK;
}

/* Files that name their leg go on their side (in either order); a file
 * without one (recorded without --leg) takes the side its place gives,
 * first left, second right. */
static rm_status order_sides(const char *paths[2], rm_error *err)
{
    rm_leg la, lb;
    rm_status st = file_leg(paths[0], &la, err);
    if (st == RM_OK)
        st = file_leg(paths[1], &lb, err);
    if (st != RM_OK)
        return st;
    if (la != RM_LEG_UNKNOWN && la == lb)
        return rm_error_set(err, RM_ERR_ARG, "both sessions are of the %s "
                            "calf (rollmap tag corrects a file's leg)",
                            rm_leg_name(la));
    if (la == RM_LEG_RIGHT || lb == RM_LEG_LEFT) {
        const char *t = paths[0];
        paths[0] = paths[1];
        paths[1] = t;
    }
    return RM_OK;
}

rm_status rm_report_pair_file(const char *left_path, const char *right_path,
                              rm_report_format fmt,
                              const rm_engine_config *cfg, FILE *out,
                              rm_error *err)
{
    if (!left_path || !right_path || !out)
        return rm_error_set(err, RM_ERR_ARG, "report: bad argument");
    if (fmt == RM_REPORT_CSV)
        return rm_error_set(err, RM_ERR_ARG, "CSV is per sample, one "
                            "session at a time");
    const char *paths[2] = { left_path, right_path };
    rm_status st = order_sides(paths, err);
    if (st != RM_OK)
        return st;
    rm_session *sess[2] = { NULL, NULL };
    rm_engine *eng[2] = { NULL, NULL };
    rm_summary sum[2];
    const rm_summary *sums[2] = { &sum[0], &sum[1] };
    const rm_session_meta *metas[2];
    for (int k = 0; k < 2 && st == RM_OK; k++) {
        rm_engine_config c;
        if (cfg)
            c = *cfg;
        else
            rm_engine_config_default(&c);
        c.leg = k == 0 ? RM_LEG_LEFT : RM_LEG_RIGHT;
        st = rm_pipeline_analyse(paths[k], &c, NULL, 0, 0, &sess[k], &eng[k],
                                 err);
        if (st == RM_OK) {
            rm_pipeline_summary(sess[k], eng[k], &sum[k]);
            metas[k] = rm_session_get_meta(sess[k]);
        }
    }
    if (st == RM_OK) {
        st = rm_report_pair_write(paths, sums, metas, fmt, out);
        if (st != RM_OK)
            rm_error_set(err, st, "writing the report: %s", rm_strerror(st));
    }
    for (int k = 0; k < 2; k++) {
        rm_engine_free(eng[k]);
        rm_session_close(sess[k]);
    }
    return st;
}
