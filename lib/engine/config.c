/*
 * The engine's configuration: the defaults every front end starts from
 * and the ranges rm_engine_new() accepts (docs/engine.md explains each).
 */
#include <math.h>
#include <string.h>

#include "engine_internal.h"

void rm_engine_config_default(rm_engine_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->contact_force_n = 20.0;
    cfg->hold_min_s = 6.5;
    cfg->hold_still_cm = 1.0;
    cfg->hold_advice_min_s = 30.0;
    cfg->hold_advice_max_s = 90.0;
    cfg->slow_speed_cm_s = 2.5;
    cfg->session_min_s = 300.0;
    cfg->session_max_s = 600.0;
    cfg->heavy_force_n = 400.0;
    cfg->flinch_drop_fraction = 0.7;
    cfg->flinch_window_s = 0.2;
    cfg->peak_min_passes = 2;
    cfg->line_skew = 0.14;
    cfg->compression_per_n = 1.3e-4;
    cfg->pass_min_cm = 4.0;
    cfg->peak_min_rise = 0.06;
    cfg->end_margin_cm = 0.0;
}

int rm_engine_config_ok(const rm_engine_config *c)
{
    return isfinite(c->contact_force_n) && c->contact_force_n > 0 &&
           isfinite(c->hold_min_s) && c->hold_min_s > 0 &&
           isfinite(c->hold_still_cm) && c->hold_still_cm > 0 &&
           isfinite(c->flinch_drop_fraction) && c->flinch_drop_fraction > 0 &&
           c->flinch_drop_fraction < 1 && isfinite(c->flinch_window_s) &&
           c->flinch_window_s > 0 && c->flinch_window_s < 2.0 &&
           isfinite(c->line_skew) && c->line_skew >= 0 &&
           isfinite(c->compression_per_n) && c->compression_per_n >= 0 &&
           c->compression_per_n < 1e-2 && isfinite(c->pass_min_cm) &&
           c->pass_min_cm > 0 && isfinite(c->peak_min_rise) &&
           c->peak_min_rise >= 0 && isfinite(c->peak_min_passes) &&
           isfinite(c->end_margin_cm) && c->end_margin_cm >= 0 &&
           c->end_margin_cm < 10 && (unsigned)c->leg <= RM_LEG_RIGHT;
}

