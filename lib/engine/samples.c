/*
 * Per-frame samples (rm_sample) for the on_sample callback: the frames of
 * each tick are kept by the per-frame path (engine.c) and handed out when
 * the tick is done, placed on the calf provisionally in the first pass
 * and finally in the sample pass after rm_engine_finish().
 */
#include <math.h>

#include "engine_priv.h"

void rm_samples_emit(rm_engine *e, const rm_tick *t)
{
    rm_line line = RM_LINE_UNKNOWN;
    /* Place the tick's last frame and move the others by their encoder
     * difference at the same scale (one search per tick, not per frame):
     * finally after finish, else as the live view places it (its frame,
     * its clamp), so a first-pass sample and rm_live agree. */
    double x_ref = NAN, enc_ref = t->enc_cm, len = e->al.length_cm;
    if (t->contact && e->finished)
        x_ref = rm_engine_place(e, t->stretch, enc_ref, t->t_s, t->t_s);
    else if (t->contact)
        x_ref = rm_live_place_at(e, t, enc_ref, &len);
    /* The direction must be the one x_ref came from (al.dir is 0 until
     * finish). */
    int dir = e->finished ? e->al.dir : e->prov.dir;
    for (size_t i = 0; i < e->n_buf; i++) {
        rm_sample *smp = &e->buf[i];
        smp->in_contact = t->contact;
        smp->position_cm = smp->position_frac = NAN;
        smp->line = RM_LINE_UNKNOWN;
        if (t->contact) {
            double x = x_ref + dir * (e->buf_dist[i] - enc_ref);
            if (!e->finished && isfinite(x))
                x = x < 0.0 ? 0.0 : x > len ? len : x;
            if (isfinite(x)) {
                smp->position_cm = x;
                smp->position_frac = x / len;
            }
            line = rm_line_from_skew(e->buf_skew[i], e->meta.leg,
                                     e->cfg.line_skew);
            smp->line = line;
        }
        if (e->cb.on_sample)
            e->cb.on_sample(smp, e->cb.user);
    }
    e->n_buf = 0;
}

rm_status rm_engine_sample_pass(rm_engine *e)
{
    if (!e)
        return RM_ERR_ARG;
    if (!e->finished)
        return rm_msg_set(e->errmsg, sizeof e->errmsg, RM_ERR_ARG, "%s",
                          "engine: sample pass before rm_engine_finish()");
    rm_engine_reset_stream(e);
    e->sampling = 1;
    return RM_OK;
}

