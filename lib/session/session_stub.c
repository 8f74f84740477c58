/* Placeholder until lib/session/ lands: every call reports unsupported. */
#include "internal.h"

rm_status rm_session_writer_new(const char *path, const rm_session_meta *meta,
                                unsigned flags, rm_session_writer **out,
                                rm_error *err)
{
    (void)path; (void)meta; (void)flags;
    if (out) *out = NULL;
    return rm_error_set(err, RM_ERR_UNSUPPORTED, "session writer not built");
}
rm_status rm_session_writer_append(rm_session_writer *w, const rm_frame *f,
                                   size_t n)
{ (void)w; (void)f; (void)n; return RM_ERR_UNSUPPORTED; }
uint64_t rm_session_writer_frames(const rm_session_writer *w) { (void)w; return 0; }
uint64_t rm_session_writer_dropped(const rm_session_writer *w) { (void)w; return 0; }
const char *rm_session_writer_errmsg(const rm_session_writer *w) { (void)w; return "not built"; }
rm_status rm_session_writer_close(rm_session_writer *w) { (void)w; return RM_ERR_UNSUPPORTED; }
rm_status rm_session_open(const char *path, rm_session **out, rm_error *err)
{
    (void)path;
    if (out) *out = NULL;
    return rm_error_set(err, RM_ERR_UNSUPPORTED, "session reader not built");
}
const rm_session_meta *rm_session_get_meta(const rm_session *s) { (void)s; return NULL; }
uint64_t rm_session_frame_count(const rm_session *s) { (void)s; return 0; }
rm_status rm_session_read(rm_session *s, rm_frame *b, size_t c, size_t *g)
{ (void)s; (void)b; (void)c; if (g) *g = 0; return RM_ERR_UNSUPPORTED; }
rm_status rm_session_rewind(rm_session *s) { (void)s; return RM_ERR_UNSUPPORTED; }
uint64_t rm_session_dropped(const rm_session *s) { (void)s; return 0; }
const char *rm_session_errmsg(const rm_session *s) { (void)s; return "not built"; }
void rm_session_close(rm_session *s) { (void)s; }
