/* Placeholder until lib/sim/ lands: every call reports unsupported. */
#include "internal.h"

const char *const *rm_sim_scenarios(void)
{
    static const char *const none[] = { NULL };
    return none;
}
rm_status rm_sim_new(const char *scenario, const rm_sim_options *opt,
                     rm_sim **out, rm_error *err)
{
    (void)scenario; (void)opt;
    if (out) *out = NULL;
    return rm_error_set(err, RM_ERR_UNSUPPORTED, "simulator not built");
}
const rm_session_meta *rm_sim_get_meta(const rm_sim *sim) { (void)sim; return NULL; }
rm_status rm_sim_read(rm_sim *sim, rm_frame *b, size_t c, size_t *g)
{ (void)sim; (void)b; (void)c; if (g) *g = 0; return RM_ERR_UNSUPPORTED; }
rm_status rm_sim_write_truth(const rm_sim *sim, FILE *out) { (void)sim; (void)out; return RM_ERR_UNSUPPORTED; }
const char *rm_sim_errmsg(const rm_sim *sim) { (void)sim; return "not built"; }
void rm_sim_free(rm_sim *sim) { (void)sim; }
