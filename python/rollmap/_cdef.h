/* The subset of lib/rollmap.h the Python binding calls, in the form cffi's
 * ABI mode parses (no macros, no attributes). Struct layouts must match
 * rollmap.h field for field: tests/test_abi.py checks the sizes. */
typedef int rm_status;
typedef int rm_leg;
typedef int rm_line;
typedef int rm_technique;

typedef struct rm_error { rm_status code; char msg[256]; } rm_error;
const char *rm_strerror(rm_status code);
const char *rm_version_string(void);

typedef struct rm_descriptor {
    uint32_t cells;
    float pitch_mm;
    float cell_area_mm2;
    float radius_mm;
    uint32_t encoder_cpr;
    float rate_hz;
    float scale_n_per_count[32];
    int32_t tare_counts[32];
    char firmware[32];
    char serial[32];
} rm_descriptor;
rm_status rm_descriptor_check(const rm_descriptor *d, char *why, size_t why_len);

typedef struct rm_frame {
    uint32_t seq;
    uint32_t time_us;
    int32_t encoder;
    int32_t cells[32];
} rm_frame;

typedef struct rm_session_meta {
    uint32_t format_version;
    rm_descriptor desc;
    rm_leg leg;
    int64_t start_unix_us;
    char notes[1024];
    char person[64];
    double calf_length_cm;
} rm_session_meta;

const char *rm_leg_name(rm_leg leg);
int rm_calf_length_valid(double cm);
rm_status rm_leg_parse(const char *name, rm_leg *out);

typedef struct rm_session_writer rm_session_writer;
typedef struct rm_session rm_session;
rm_status rm_session_writer_new(const char *path, const rm_session_meta *meta,
                                unsigned flags, rm_session_writer **out,
                                rm_error *err);
rm_status rm_session_writer_append(rm_session_writer *w,
                                   const rm_frame *frames, size_t n);
const char *rm_session_writer_errmsg(const rm_session_writer *w);
rm_status rm_session_writer_close(rm_session_writer *w);

rm_status rm_session_open(const char *path, rm_session **out, rm_error *err);
const rm_session_meta *rm_session_get_meta(const rm_session *s);
uint64_t rm_session_frame_count(const rm_session *s);
typedef struct rm_frame_view {
    const uint32_t *seq;
    const uint32_t *time_us;
    const int32_t *encoder;
    const int32_t *cells;
    uint32_t cells_n;
    size_t stride_bytes;
    size_t n;
} rm_frame_view;
size_t rm_session_channels(const rm_session *s);
rm_status rm_session_read_view(rm_session *s, size_t cap, rm_frame_view *view);
rm_status rm_session_read_into(rm_session *s, int32_t *buf, size_t cap,
                               rm_frame_view *view);
rm_status rm_session_rewind(rm_session *s);
uint64_t rm_session_dropped(const rm_session *s);
const char *rm_session_container(const rm_session *s);
const char *rm_session_errmsg(const rm_session *s);
void rm_session_close(rm_session *s);

typedef struct rm_sim rm_sim;
typedef struct rm_sim_options {
    uint64_t seed;
    double duration_s;
    rm_leg leg;
    const char *physics;
    const char *person;
    uint32_t day;
    int measured_length;
} rm_sim_options;
const char *const *rm_sim_scenarios(void);
const char *const *rm_sim_physics_list(void);
rm_status rm_sim_new(const char *scenario, const rm_sim_options *opt,
                     rm_sim **out, rm_error *err);
const rm_session_meta *rm_sim_get_meta(const rm_sim *sim);
rm_status rm_sim_read(rm_sim *sim, rm_frame *buf, size_t cap, size_t *got);
rm_status rm_sim_write_truth(const rm_sim *sim, FILE *out);
const char *rm_sim_errmsg(const rm_sim *sim);
void rm_sim_free(rm_sim *sim);

const char *rm_line_name(rm_line line);
const char *rm_technique_name(rm_technique t);

typedef struct rm_pass {
    double start_s, end_s;
    double from_cm, to_cm;
    int direction;
    rm_line line;
    double mean_speed_cm_s, peak_speed_cm_s;
    double line_confidence;
} rm_pass;
typedef struct rm_hold {
    double start_s, end_s, duration_s;
    double position_cm, position_frac;
    rm_line line;
    double mean_force_n, peak_force_n;
    double mean_pressure_kpa, peak_pressure_kpa;
    rm_technique technique;
    uint32_t flexes;
    double confidence;
    double line_confidence;
} rm_hold;
typedef struct rm_flinch {
    double time_s;
    double position_cm, position_frac;
    rm_line line;
    double force_before_n;
} rm_flinch;
typedef struct rm_sample rm_sample;

typedef struct rm_engine_config {
    double contact_force_n;
    double hold_min_s;
    double hold_still_cm;
    double hold_advice_min_s;
    double hold_advice_max_s;
    double slow_speed_cm_s;
    double session_min_s;
    double session_max_s;
    double heavy_force_n;
    double flinch_drop_fraction;
    double flinch_window_s;
    double peak_min_passes;
    double line_skew;
    double compression_per_n;
    double pass_min_cm;
    double peak_min_rise;
    double end_margin_cm;
    rm_leg leg;
} rm_engine_config;
void rm_engine_config_default(rm_engine_config *cfg);

typedef struct rm_engine rm_engine;
typedef struct rm_engine_callbacks {
    void (*on_pass)(const rm_pass *p, void *user);
    void (*on_hold)(const rm_hold *h, void *user);
    void (*on_flinch)(const rm_flinch *f, void *user);
    void (*on_sample)(const rm_sample *s, void *user);
    void *user;
} rm_engine_callbacks;
typedef struct rm_live {
    double time_s;
    int in_contact;
    double position_cm;
    double position_frac;
    rm_line line;
    double speed_cm_s;
    double force_n;
    double hold_s;
    uint32_t cells;
    double cell_n[32];
    uint32_t provisional;
} rm_live;
rm_status rm_engine_new(const rm_session_meta *meta,
                        const rm_engine_config *cfg,
                        const rm_engine_callbacks *cb,
                        rm_engine **out, rm_error *err);
rm_status rm_engine_push(rm_engine *e, const rm_frame *frames, size_t n);
rm_status rm_engine_push_view(rm_engine *e, const rm_frame_view *view);
rm_status rm_engine_finish(rm_engine *e);
void rm_engine_live_state(const rm_engine *e, rm_live *out);
const char *rm_engine_errmsg(const rm_engine *e);
void rm_engine_free(rm_engine *e);

typedef struct rm_transport rm_transport;
typedef struct rm_vboard_options {
    rm_sim_options sim;
    double speed;
    int no_realtime;
} rm_vboard_options;
rm_status rm_transport_open_serial(const char *port, uint32_t baud,
                                   rm_transport **out, rm_error *err);
rm_status rm_transport_open_tty(const char *path, uint32_t baud,
                                rm_transport **out, rm_error *err);
rm_status rm_transport_open_sim(const char *scenario,
                                const rm_vboard_options *opt,
                                rm_transport **out, rm_error *err);
void rm_transport_close(rm_transport *t);

typedef struct rm_link rm_link;
typedef struct rm_link_options {
    unsigned boot_wait_ms;
    unsigned reply_timeout_ms;
    unsigned stall_timeout_ms;
} rm_link_options;
rm_status rm_link_open(rm_transport *t, const rm_link_options *opt,
                       rm_link **out, rm_error *err);
const rm_descriptor *rm_link_descriptor(const rm_link *l);
rm_status rm_link_start(rm_link *l);
rm_status rm_link_stop(rm_link *l);
rm_status rm_link_read(rm_link *l, rm_frame *buf, size_t cap, size_t *got,
                       unsigned timeout_ms);
int rm_link_ended(const rm_link *l);
const char *rm_link_errmsg(const rm_link *l);
void rm_link_close(rm_link *l);

typedef struct rm_recorder rm_recorder;
typedef struct rm_recorder_options {
    unsigned write_flags;
    int no_engine;
    const rm_engine_config *engine_cfg;
    const rm_engine_callbacks *engine_cb;
    size_t queue_frames;
} rm_recorder_options;
rm_status rm_recorder_new(const char *path, const rm_session_meta *meta,
                          const rm_recorder_options *opt,
                          rm_recorder **out, rm_error *err);
rm_status rm_recorder_push(rm_recorder *r, const rm_frame *frames, size_t n);
rm_status rm_recorder_finish(rm_recorder *r);
const rm_engine *rm_recorder_engine(const rm_recorder *r);
uint64_t rm_recorder_frames(const rm_recorder *r);
uint64_t rm_recorder_dropped(const rm_recorder *r);
const char *rm_recorder_errmsg(const rm_recorder *r);
void rm_recorder_free(rm_recorder *r);

typedef int rm_report_format;
rm_status rm_report_file(const char *session_path, rm_report_format fmt,
                         const rm_engine_config *cfg, FILE *out,
                         rm_error *err);
void rm_descriptor_rev_a(rm_descriptor *d);
