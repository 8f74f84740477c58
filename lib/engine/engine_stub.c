/* Placeholder until lib/engine/ lands: every call reports unsupported. */
#include <string.h>

#include "internal.h"

void rm_engine_config_default(rm_engine_config *cfg) { memset(cfg, 0, sizeof *cfg); }
rm_status rm_engine_new(const rm_session_meta *meta, const rm_engine_config *cfg,
                        const rm_engine_callbacks *cb, rm_engine **out,
                        rm_error *err)
{
    (void)meta; (void)cfg; (void)cb;
    if (out) *out = NULL;
    return rm_error_set(err, RM_ERR_UNSUPPORTED, "engine not built");
}
rm_status rm_engine_push(rm_engine *e, const rm_frame *f, size_t n)
{ (void)e; (void)f; (void)n; return RM_ERR_UNSUPPORTED; }
rm_status rm_engine_finish(rm_engine *e) { (void)e; return RM_ERR_UNSUPPORTED; }
const rm_summary *rm_engine_summary(const rm_engine *e) { (void)e; return NULL; }
void rm_engine_live_state(const rm_engine *e, rm_live *out) { (void)e; memset(out, 0, sizeof *out); }
const char *rm_engine_errmsg(const rm_engine *e) { (void)e; return "not built"; }
void rm_engine_free(rm_engine *e) { (void)e; }
