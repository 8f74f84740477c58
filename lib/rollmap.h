/**
 * @file rollmap.h
 * The public interface of librollmap (the one header; its version is in
 * rollmap_version.h, included below: RM_VERSION_STRING and friends).
 *
 * librollmap turns a pressure-sensing foam roller's stream (a strip of load
 * cells plus a sleeve-rotation encoder) into a calf map: it records sessions
 * losslessly to .wav files, places every sample on the calf, finds passes,
 * holds, technique, flinches and pressure peaks, and writes reports.
 *
 * Data flow:
 * @verbatim
   live:    link -> decoder -> recorder -+-> session writer (.wav)
                                         +-> engine -> callbacks
   replay:  session reader --------------> engine -> callbacks
   report:  session reader -> engine -> report writers
   @endverbatim
 *
 * Conventions (see docs/api.md):
 *  - Every fallible call returns rm_status. A constructor that fails sets
 *    *out to NULL and, if the caller passed one, fills an rm_error.
 *    Handles carry the detail of their last failure (rm_*_errmsg()).
 *  - Records the caller reads (rm_frame, rm_hold, ...) are plain structs;
 *    objects with behaviour are opaque handles with _new/_free or
 *    _open/_close pairs.
 *  - Units are in field names: _s, _cm, _mm, _n, _kpa, _hz.
 *  - The library never prints, exits or aborts on bad input.
 *
 * Thread safety: no global mutable state. Separate handles may be used on
 * separate threads at the same time; one handle must be used by one thread
 * at a time. Callbacks run on the thread that called the push/feed function
 * that triggered them and must not call back into the same handle.
 */
#ifndef ROLLMAP_H
#define ROLLMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rollmap_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Marks what the shared library exports (every rm_ function in this
 *  header, nothing else). */
#if defined(__GNUC__) && !defined(RM_STATIC_BUILD)
#define RM_API __attribute__((visibility("default")))
#else
#define RM_API
#endif

/* ------------------------------------------------------------------ */
/* Status codes and errors                                             */
/* ------------------------------------------------------------------ */

/** Result of every fallible call. Appended, never renumbered. @since 0.1 */
typedef enum rm_status {
    RM_OK              =  0,
    RM_ERR_ARG         = -1, /**< the caller broke the contract: a bug */
    RM_ERR_NOMEM       = -2,
    RM_ERR_IO          = -3, /**< the OS refused; the handle says why */
    RM_ERR_FORMAT      = -4, /**< file, frame or descriptor is not valid */
    RM_ERR_UNSUPPORTED = -5, /**< valid, but newer than this library */
    RM_ERR_TIMEOUT     = -6,
    RM_ERR_NODEV       = -7, /**< no board, or more than one */
    RM_ERR_EXISTS      = -8, /**< output exists and overwrite not asked */
} rm_status;

/** Filled by constructors that fail before a handle exists. Start it from
 * zero: `rm_error err = { 0 };` in C, `rm_error err = {};` in C++ (where
 * the 0 cannot become the enum `code`). @since 0.1 */
typedef struct rm_error {
    rm_status code; /**< the status the constructor returned */
    char msg[256]; /**< e.g. "calf.wav: no 'rmap' chunk" */
} rm_error;

/** Static text for a status code ("invalid file format"). @since 0.1 */
RM_API const char *rm_strerror(rm_status code);

/** Run-time library version, "MAJOR.MINOR.PATCH". @since 0.1 */
RM_API const char *rm_version_string(void);

/* ------------------------------------------------------------------ */
/* The board: descriptor and frames                                    */
/* ------------------------------------------------------------------ */

/** Most cells a board may have; the descriptor says how many it has. */
#define RM_MAX_CELLS 32
/** Slowest frame rate a descriptor may give, in Hz. */
#define RM_MIN_RATE_HZ 10
/** Fastest frame rate a descriptor may give, in Hz. */
#define RM_MAX_RATE_HZ 2000

/**
 * What a board says about itself. Everything downstream reads geometry,
 * rates and calibration from here; nothing knows "rev A".
 * Force of cell i in newtons = (raw - tare_counts[i]) * scale_n_per_count[i].
 * @since 0.1
 */
typedef struct rm_descriptor {
    uint32_t cells;             /**< 1..RM_MAX_CELLS */
    float pitch_mm;             /**< cell centre spacing along the roller */
    float cell_area_mm2;        /**< loaded area of one cell (pressure) */
    float radius_mm;            /**< sleeve effective rolling radius at a
                                     typical calf load (foam compression
                                     included; docs/session-format.md) */
    uint32_t encoder_cpr;       /**< encoder counts per sleeve turn */
    float rate_hz;              /**< nominal frame rate, RM_MIN..MAX_RATE_HZ */
    float scale_n_per_count[RM_MAX_CELLS]; /**< per cell, N per count */
    int32_t tare_counts[RM_MAX_CELLS];     /**< per cell, raw unloaded */
    char firmware[32];          /**< NUL-terminated, e.g. "rollmap-fw 1.0.0" */
    char serial[32];            /**< NUL-terminated board serial number */
} rm_descriptor;

/** Fill @p d with the reference rev A board (12 cells, 80 Hz). @since 0.1 */
RM_API void rm_descriptor_rev_a(rm_descriptor *d);

/**
 * Check a descriptor for absurd values (cells out of range, non-finite or
 * non-positive geometry, rate outside 10..2000 Hz, unterminated strings).
 * @return RM_OK or RM_ERR_FORMAT with a reason in @p why (may be NULL).
 * @since 0.1
 */
RM_API rm_status rm_descriptor_check(const rm_descriptor *d, char *why,
                                     size_t why_len);

/**
 * One sample frame: every cell's raw reading plus encoder and board clock.
 * Cells past descriptor.cells are zero.
 * @since 0.1
 */
typedef struct rm_frame {
    uint32_t seq;                /**< board sequence number, wraps at 2^32 */
    uint32_t time_us;            /**< board timestamp in us, wraps at 2^32 */
    int32_t encoder;             /**< encoder count, signed, wraps at 2^32 */
    int32_t cells[RM_MAX_CELLS]; /**< raw ADC counts (HX711: 24-bit signed) */
} rm_frame;

/* ------------------------------------------------------------------ */
/* Session files (.wav); see docs/session-format.md                    */
/* ------------------------------------------------------------------ */

/** Which calf a session is of. Values are stored in files: never change. */
typedef enum rm_leg {
    RM_LEG_UNKNOWN = 0,
    RM_LEG_LEFT    = 1,
    RM_LEG_RIGHT   = 2,
} rm_leg;

/** Size of rm_session_meta.notes in bytes, the terminating NUL included. */
#define RM_NOTES_MAX 1024
/** Size of rm_session_meta.person in bytes, the terminating NUL included. */
#define RM_PERSON_MAX 64

/**
 * Everything a session file holds besides the frames. A plain record:
 * new fields are only ever appended.
 * @since 0.1
 */
typedef struct rm_session_meta {
    uint32_t format_version;     /**< session format version (1) */
    rm_descriptor desc;          /**< the board that recorded the frames */
    rm_leg leg;                  /**< which calf; RM_LEG_UNKNOWN if not said */
    int64_t start_unix_us;       /**< UTC start time, us since 1970 */
    char notes[RM_NOTES_MAX];    /**< free text, UTF-8, NUL-terminated */
    /* Added in session format 1.1 (fields only ever appended): */
    char person[RM_PERSON_MAX];  /**< who was rolled (a name or an id),
                                      UTF-8, NUL-terminated; "" unknown */
    /* Added in session format 1.2 (same library 0.2, soname .1): */
    double calf_length_cm;       /**< the calf measured with a tape, ankle
                                      (malleolus) to knee crease, cm; 0 not
                                      measured, else RM_CALF_LENGTH_MIN_CM
                                      ..RM_CALF_LENGTH_MAX_CM; stored to
                                      the millimetre. The engine's calf
                                      frame uses it (docs/engine.md,
                                      "A measured calf length").
                                      @since 0.2 */
} rm_session_meta;

/** Plausible measured calf lengths (cm, ankle to knee crease), inclusive:
 *  adults' calves are 30-45 cm; the range leaves room for children and
 *  for tall people without taking a wrong unit (mm, inches) for one. */
#define RM_CALF_LENGTH_MIN_CM 15.0
/** The longest plausible measured calf length (cm); see
 *  RM_CALF_LENGTH_MIN_CM. */
#define RM_CALF_LENGTH_MAX_CM 60.0

/**
 * Parse a measured calf length in cm ("36.5"; as the CLI's --calf-length
 * takes it): a decimal number within RM_CALF_LENGTH_MIN_CM..MAX_CM,
 * rounded to the millimetre it is stored with.
 * @return RM_OK, or RM_ERR_ARG for anything else (then *out is unchanged).
 * @since 0.2
 */
RM_API rm_status rm_calf_length_parse(const char *text, double *out);
/**
 * 1 when @p cm may be stored as rm_session_meta.calf_length_cm: 0 (not
 * measured) or within RM_CALF_LENGTH_MIN_CM..MAX_CM. @since 0.2
 */
RM_API int rm_calf_length_valid(double cm);

/** Leg name "left"/"right"/"unknown" (static text). @since 0.1 */
RM_API const char *rm_leg_name(rm_leg leg);
/**
 * Parse "left"/"right" (as the CLI's --leg takes them).
 * @return RM_OK, or RM_ERR_ARG on anything else (then *out is unchanged).
 * @since 0.1
 */
RM_API rm_status rm_leg_parse(const char *name, rm_leg *out);

/**
 * Writes one session file. Opaque; rm_session_writer_new() /
 * rm_session_writer_close(). One thread at a time.
 */
typedef struct rm_session_writer rm_session_writer;
/**
 * Reads one session file. Opaque; rm_session_open() / rm_session_close().
 * One thread at a time; separate readers of the same file may run on
 * separate threads.
 */
typedef struct rm_session rm_session;

/** Flags for rm_session_writer_new(). */
#define RM_WRITE_OVERWRITE 0x1u  /**< replace an existing file */

/**
 * Create a session file and write its header and metadata. Frames are
 * appended with rm_session_writer_append(); the file is readable (all but
 * at most the last second) even if the process is killed before close.
 * @param path   output file; refused with RM_ERR_EXISTS if it exists and
 *               RM_WRITE_OVERWRITE is not given.
 * @param meta   copied; the caller keeps ownership.
 * @param flags  0 or RM_WRITE_OVERWRITE.
 * @param out    receives the handle, or NULL on failure.
 * @param err    optional, filled on failure.
 * @return RM_OK; RM_ERR_EXISTS; RM_ERR_IO if the file cannot be created;
 *         RM_ERR_ARG for NULL arguments, unknown flags or metadata that is
 *         not valid (a descriptor failing rm_descriptor_check(), an
 *         unknown leg, notes without a NUL); RM_ERR_NOMEM.
 * @since 0.1
 */
RM_API rm_status rm_session_writer_new(const char *path,
                                       const rm_session_meta *meta,
                                       unsigned flags,
                                       rm_session_writer **out,
                                       rm_error *err);

/**
 * Append @p n frames (the caller keeps @p frames). Sequence gaps are
 * counted as dropped frames. Data reaches the disk at least once a second
 * (fsync); append in blocks rather than frame by frame.
 * @return RM_OK, or RM_ERR_IO when the disk refused (the frames written
 *         before stay readable; rm_session_writer_errmsg() says how many).
 * @since 0.1
 */
RM_API rm_status rm_session_writer_append(rm_session_writer *w,
                                          const rm_frame *frames, size_t n);

/** Frames appended so far. @since 0.1 */
RM_API uint64_t rm_session_writer_frames(const rm_session_writer *w);
/** Frames known lost (sequence gaps) so far. @since 0.1 */
RM_API uint64_t rm_session_writer_dropped(const rm_session_writer *w);

/**
 * Detail of the last failure on @p w; valid until the next call on @p w.
 * @since 0.1
 */
RM_API const char *rm_session_writer_errmsg(const rm_session_writer *w);

/**
 * Finish the file and free the handle (NULL is allowed, and is RM_OK).
 * The file stays valid even when this returns an error.
 * @return RM_OK, or RM_ERR_IO if the final header could not be written
 *         (the handle is gone: there is no message to ask for).
 * @since 0.1
 */
RM_API rm_status rm_session_writer_close(rm_session_writer *w);

/**
 * Open a session file for reading; validates the header and metadata.
 * @param path  the .wav file.
 * @param out   receives the handle, or NULL on failure.
 * @param err   optional, filled on failure.
 * @return RM_ERR_FORMAT for a file that is not a valid rollmap session
 *         (the message says what is wrong), RM_ERR_UNSUPPORTED for a newer
 *         format version, RM_ERR_IO if it cannot be opened.
 * @since 0.1
 */
RM_API rm_status rm_session_open(const char *path, rm_session **out,
                                 rm_error *err);

/**
 * Replace the metadata of the session file at @p path (leg, notes,
 * person, start time; the descriptor must stay the board's) without
 * touching its frames. Crash-safe: the new file is written beside the old
 * one under a temporary name, synced and renamed over it, so a crash or
 * kill at any moment leaves either the old or the new file, complete.
 * The file is validated first (rm_session_open()).
 * @param path  an existing session file (not a symbolic link).
 * @param meta  the new metadata; written as format 1.2.
 * @param err   optional, filled on failure (names the file).
 * @return RM_ERR_FORMAT / RM_ERR_UNSUPPORTED for a file that is not a
 *         valid session, RM_ERR_ARG if @p meta's descriptor differs from
 *         the file's, RM_ERR_IO for file system failures (the file is
 *         then unchanged).
 * @since 0.2
 */
RM_API rm_status rm_session_rewrite_meta(const char *path,
                                         const rm_session_meta *meta,
                                         rm_error *err);

/** Metadata; owned by @p s, valid until rm_session_close(). @since 0.1 */
RM_API const rm_session_meta *rm_session_get_meta(const rm_session *s);

/** Number of frames in the file. @since 0.1 */
RM_API uint64_t rm_session_frame_count(const rm_session *s);

/**
 * Read up to @p cap frames into @p buf (caller-owned) from the current
 * position. A read may return fewer than @p cap before the end; only
 * *got == 0 means the end.
 * @return RM_OK (also at the end), RM_ERR_IO when reading fails,
 *         RM_ERR_ARG for a NULL @p s or @p got.
 * @since 0.1
 */
RM_API rm_status rm_session_read(rm_session *s, rm_frame *buf, size_t cap,
                                 size_t *got);

/**
 * A block of frames read in place: frame k's sequence number is the
 * uint32_t at `(const char *)seq + k * stride_bytes`, and likewise its
 * board time, encoder count and first cell; the cells of one frame are
 * consecutive int32_t values. Both the session file's interleaved layout
 * (rm_session_read_view()) and an rm_frame array (stride sizeof(rm_frame))
 * can be described this way, so the engine reads either without a copy
 * (rm_engine_push_view()). The view does not own the memory it points to.
 * @since 0.2
 */
typedef struct rm_frame_view {
    const uint32_t *seq;      /**< frame 0's sequence number */
    const uint32_t *time_us;  /**< frame 0's board timestamp (us) */
    const int32_t *encoder;   /**< frame 0's encoder count */
    const int32_t *cells;     /**< frame 0's cell 0 raw count */
    uint32_t cells_n;         /**< cells per frame in the view */
    size_t stride_bytes;      /**< bytes from one frame to the next, a
                                   multiple of 4 */
    size_t n;                 /**< frames in the view */
} rm_frame_view;

/**
 * Read up to @p cap frames from the current position without copying
 * them: @p view points into the session's own read buffer (libsndfile's
 * interleaved block: cells, encoder, time, sequence per frame), valid
 * until the next read, rewind or close on @p s. Each call reads at most
 * one buffer (1024 frames), so a view may hold fewer than @p cap frames
 * before the end; only view->n == 0 means the end. Counts sequence gaps
 * for rm_session_dropped() as rm_session_read() does; the two calls may
 * be mixed.
 * @return RM_OK (also at the end), RM_ERR_IO when reading fails,
 *         RM_ERR_ARG for a NULL @p s or @p view (view->n is 0 on failure).
 * @since 0.2
 */
RM_API rm_status rm_session_read_view(rm_session *s, size_t cap,
                                      rm_frame_view *view);

/**
 * int32 items per frame in the file and in rm_session_read_into()'s
 * buffer: the cells, then encoder, board time and sequence (cells + 3).
 * 0 for NULL. @since 0.2
 */
RM_API size_t rm_session_channels(const rm_session *s);

/**
 * As rm_session_read_view(), but libsndfile reads straight into @p buf
 * (caller-owned, at least @p cap x rm_session_channels() int32 items),
 * any number of frames per call, and @p view points into @p buf: a reader
 * can fill one buffer while the engine reads another. Counts sequence
 * gaps for rm_session_dropped() in file order.
 * @return RM_OK (view->n == 0 at the end), RM_ERR_IO when reading fails,
 *         RM_ERR_ARG for a NULL @p s, @p view, or @p buf with @p cap > 0.
 * @since 0.2
 */
RM_API rm_status rm_session_read_into(rm_session *s, int32_t *buf, size_t cap,
                                      rm_frame_view *view);

/**
 * Go back to the first frame (to read the session again, e.g. for
 * rm_engine_sample_pass()). Resets rm_session_dropped().
 * @since 0.1
 */
RM_API rm_status rm_session_rewind(rm_session *s);

/**
 * Write @p out: the frames of @p stripped (a session whose 'rmap' chunk
 * an audio tool dropped: same channels and 32-bit samples, no metadata)
 * with the board descriptor and calibration of @p donor, another session
 * of the same board. Leg and start become unknown; the notes say the
 * metadata was restored. @p flags: RM_WRITE_OVERWRITE or 0.
 * @return RM_ERR_FORMAT when @p stripped does not look like a session or
 *         its channels and rate are not @p donor's board's.
 * @since 0.2
 */
RM_API rm_status rm_session_restore(const char *stripped, const char *donor,
                                    const char *out, unsigned flags,
                                    rm_error *err);

/** Frames lost in sequence gaps among the frames read so far; a lone
 *  outlier sequence number is a glitch, not a gap (docs/session-format.md,
 *  "Duration and start"). @since 0.1 */
RM_API uint64_t rm_session_dropped(const rm_session *s);

/**
 * Duration of the frames read so far, from the board clock (time
 * channel, wrap-safe): from the first frame to one period past the last,
 * gaps included, a lone outlier frame ignored. The one definition `info`
 * and the reports use (docs/session-format.md, "Duration and start").
 * @since 0.2
 */
RM_API double rm_session_duration_s(const rm_session *s);

/**
 * Container of the open file: "WAV" (RIFF/WAVE, under 4 GiB) or "RF64".
 * Static text. @since 0.1
 */
RM_API const char *rm_session_container(const rm_session *s);

/**
 * Detail of the last failure on @p s; valid until the next call on @p s.
 * @since 0.1
 */
RM_API const char *rm_session_errmsg(const rm_session *s);

/** Close and free (NULL is allowed). @since 0.1 */
RM_API void rm_session_close(rm_session *s);

/* ------------------------------------------------------------------ */
/* Simulator: a physical model of a calf on the roller                 */
/* ------------------------------------------------------------------ */

/** A simulated session. Opaque; rm_sim_new() / rm_sim_free(). */
typedef struct rm_sim rm_sim;

/** Options for rm_sim_new(); zero means "scenario default". @since 0.1 */
typedef struct rm_sim_options {
    uint64_t seed;         /**< 0 means 1 (the CLI's default seed) */
    double duration_s;     /**< session length, 0..604800 s; 0: the
                                scenario's own (stress 60 s, short 8 s,
                                others as their routine takes, 2-10 min) */
    rm_leg leg;            /**< RM_LEG_UNKNOWN: chosen from the seed */
    const char *physics;   /**< NULL or "": the original model; else
                                "name[,name...]" of rm_sim_physics_list(),
                                or "random" (drawn from the seed). @since 0.2 */
    const char *person;    /**< NULL or "": a new person from the seed; else
                                one person (any id, at most RM_PERSON_MAX - 1
                                bytes) whose calf and trigger points follow
                                from the id alone, seen on day @c day: spots
                                fade, stay or appear by the rule of
                                docs/simulator.md ("One person over days").
                                @since 0.2 */
    uint32_t day;          /**< with @c person: days since the person's
                                first session, 0..3650. @since 0.2 */
    int measured_length;   /**< non-zero: the session carries the calf's
                                length as a tape measures it
                                (rm_session_meta.calf_length_cm): the
                                truth's ankle-to-knee-crease length plus a
                                reading error uniform in +-0.5 cm, drawn on
                                a stream of its own (nothing else draws
                                differently), to the mm. @since 0.2 */
} rm_sim_options;

/** Names of the built-in scenarios, NULL-terminated. @since 0.1 */
RM_API const char *const *rm_sim_scenarios(void);

/** Names of the physics variants (plus "original" and "random"),
 *  NULL-terminated; docs/simulator.md. @since 0.2 */
RM_API const char *const *rm_sim_physics_list(void);
/** One line describing a physics name, or NULL if unknown. @since 0.2 */
RM_API const char *rm_sim_physics_summary(const char *name);

/**
 * Build a simulated session: plans the calf, the person and a small event
 * script up front; frames are rendered on demand by rm_sim_read(), so
 * memory does not grow with duration. Deterministic for a scenario,
 * options and library version. Model and truth format: docs/simulator.md.
 * @param scenario  one of rm_sim_scenarios(), e.g. "basic".
 * @param opt  NULL for all defaults; copied.
 * @param out  receives the handle, or NULL on failure.
 * @param err  optional, filled on failure.
 * @return RM_ERR_ARG for an unknown scenario name or an option out of
 *         range, RM_ERR_NOMEM.
 * @since 0.1
 */
RM_API rm_status rm_sim_new(const char *scenario, const rm_sim_options *opt,
                            rm_sim **out, rm_error *err);

/**
 * Metadata of the simulated session (descriptor, leg, notes); owned by
 * @p sim, valid until rm_sim_free(). @since 0.1
 */
RM_API const rm_session_meta *rm_sim_get_meta(const rm_sim *sim);

/** Produce the next frames as the board would send them (dropped frames
 *  are skipped, leaving sequence gaps); *got = 0 at the end. @since 0.1 */
RM_API rm_status rm_sim_read(rm_sim *sim, rm_frame *buf, size_t cap,
                             size_t *got);

/**
 * Write the truth (what was planted) as JSON to @p out (not closed); see
 * docs/simulator.md.
 * @return RM_OK, RM_ERR_ARG for NULL arguments, RM_ERR_IO if writing fails.
 * @since 0.1
 */
RM_API rm_status rm_sim_write_truth(const rm_sim *sim, FILE *out);

/** Detail of the last failure on @p sim, valid until the next call on
 *  it. @since 0.1 */
RM_API const char *rm_sim_errmsg(const rm_sim *sim);
/** Free (NULL is allowed). @since 0.1 */
RM_API void rm_sim_free(rm_sim *sim);

/* ------------------------------------------------------------------ */
/* Engine: frames in, findings out (bounded memory)                    */
/* ------------------------------------------------------------------ */

/** The line along the calf a finding is on. @since 0.1 */
typedef enum rm_line {
    RM_LINE_UNKNOWN = 0,
    RM_LINE_MEDIAL  = 1,
    RM_LINE_MIDDLE  = 2,
    RM_LINE_LATERAL = 3,
} rm_line;

/** How a hold was done. @since 0.1 */
typedef enum rm_technique {
    RM_TECH_STATIC          = 0,
    RM_TECH_ROCKING         = 1,
    RM_TECH_PIN_AND_STRETCH = 2,
} rm_technique;

/** Muscle zone of the calf a peak lies in (from position_frac). @since 0.1 */
typedef enum rm_zone {
    RM_ZONE_ACHILLES          = 0, /**< tendon end, reads tender */
    RM_ZONE_SOLEUS            = 1, /**< lower calf below the bellies */
    RM_ZONE_GASTROC_MEDIAL    = 2, /**< medial head, upper calf */
    RM_ZONE_GASTROC_LATERAL   = 3, /**< lateral head, upper calf */
    RM_ZONE_BELOW_KNEE        = 4, /**< tendon end, reads tender */
} rm_zone;

/** Names used in JSON, CSV and truth files ("medial", "rocking",...);
 *  static text, "unknown" for values out of range. @since 0.1 */
RM_API const char *rm_line_name(rm_line line);
/** Technique name ("static", "rocking", "pin_and_stretch"). @since 0.1 */
RM_API const char *rm_technique_name(rm_technique t);
/** Zone name ("achilles", "soleus", ...). @since 0.1 */
RM_API const char *rm_zone_name(rm_zone z);

/** One roll ankle->knee (direction +1) or knee->ankle (-1). @since 0.1 */
typedef struct rm_pass {
    double start_s, end_s;        /**< session time, s from the first frame */
    double from_cm, to_cm;        /**< calf positions, cm from the ankle */
    int direction;                /**< +1 towards the knee, -1 towards ankle */
    rm_line line;                 /**< line the pass was on */
    double mean_speed_cm_s, peak_speed_cm_s; /**< along the calf */
    /* Added in 0.2 (soname librollmap.so.1): */
    double line_confidence;       /**< 0..1, how clearly the cues put the
                                       pass on @c line (docs/engine.md,
                                       "Confidence"); 0 until
                                       rm_engine_finish() */
} rm_pass;

/** Confidence below this is reported as uncertain (text "(uncertain)",
 *  lighter rows in HTML). @since 0.2 */
#define RM_CONFIDENCE_LOW 0.5

/** A hold (dwell) on one spot. @since 0.1 */
typedef struct rm_hold {
    double start_s, end_s, duration_s; /**< session time, s */
    double position_cm, position_frac; /**< cm from the ankle; 0..1 of
                                            ankle->knee; NAN if not placed */
    rm_line line;                      /**< line held on */
    double mean_force_n, peak_force_n; /**< total over all cells */
    double mean_pressure_kpa, peak_pressure_kpa; /**< peak-cell pressure */
    rm_technique technique;       /**< static, rocking, pin-and-stretch */
    uint32_t flexes;              /**< pin-and-stretch foot flexes, else 0 */
    /* Added in 0.2 (soname librollmap.so.1): */
    double confidence;            /**< 0..1, that this hold lies
                                       within 2 cm of position_cm (the
                                       measured share of such holds;
                                       docs/report-schema.md); 0 when
                                       not placed */
    double line_confidence;       /**< 0..1, how clearly the cues put the
                                       hold on @c line; both 0 until
                                       rm_engine_finish() */
} rm_hold;

/** A sudden protective lift-off while in contact. @since 0.1 */
typedef struct rm_flinch {
    double time_s;                /**< session time of the lift-off, s */
    double position_cm, position_frac; /**< where, as in rm_hold */
    rm_line line;                 /**< line it happened on */
    double force_before_n;        /**< load just before the lift-off */
} rm_flinch;

/** A pressure peak recurring across passes: a candidate trigger point. */
typedef struct rm_peak {
    double position_cm, position_frac; /**< cm from the ankle; 0..1 */
    rm_line line;                 /**< line the peak recurs on */
    rm_zone zone;                 /**< muscle zone at that position */
    double pressure_kpa;          /**< typical peak-cell pressure there */
    uint32_t passes;              /**< passes over the spot showing it */
    double score;                 /**< 0..1, zone-weighted */
    /* Added in 0.2 (soname librollmap.so.1): */
    double confidence;            /**< 0..1, the measured share of such
                                       peaks on a real spot, from its score
                                       against the session's strongest and
                                       whether every pass over it showed it
                                       (docs/engine.md, "Peak confidence") */
} rm_peak;

/** How much a guidance line asks of the reader. @since 0.1 */
typedef enum rm_guidance_level {
    RM_GUIDE_INFO    = 0,
    RM_GUIDE_ADVICE  = 1,
    RM_GUIDE_CAUTION = 2,
} rm_guidance_level;

/**
 * One finding comparing the session with common advice: a code and the
 * numbers behind it. The engine writes no words; rm_guidance_text() (the
 * reports) words it. What @c count, @c value and @c line hold for each
 * code: docs/report-schema.md, guidance.
 */
typedef struct rm_guidance {
    rm_guidance_level level;      /**< info, advice or caution */
    char code[32];                /**< stable key, e.g. "hold_short" */
    char text[256];               /**< own wording, used by the reports in
                                       place of theirs when not empty; the
                                       engine leaves it empty (since 0.2) */
    /* Appended in 0.2 (librollmap.so.1): the finding as numbers. */
    uint64_t count;               /**< how many (holds, frames, flinches,
                                       passes); 0 where the code counts
                                       nothing. @since 0.2 */
    double value[3];              /**< the quantities the wording quotes,
                                       per code; NAN where unused.
                                       @since 0.2 */
    rm_line line;                 /**< line concerned (coverage_*,
                                       flinch), else RM_LINE_UNKNOWN.
                                       @since 0.2 */
} rm_guidance;

/** One aligned sample, as written to CSV. @since 0.1 */
typedef struct rm_sample {
    double time_s;                      /**< session time, s */
    int in_contact;                     /**< non-zero: leg on the roller */
    double position_cm, position_frac;  /**< NAN when not known */
    rm_line line;                       /**< line the sample is on */
    double force_n;                     /**< total over all cells */
    double cop_mm;                      /**< centre of pressure from cell 0 */
    uint32_t cells;                     /**< entries used in cell_n */
    double cell_n[RM_MAX_CELLS];        /**< force per cell, N */
} rm_sample;

/**
 * Tunable numbers (documented defaults in docs/engine.md). Fill with
 * rm_engine_config_default() and change what you need.
 * @since 0.1
 */
typedef struct rm_engine_config {
    double contact_force_n;       /**< total force meaning "leg on roller" */
    double hold_min_s;            /**< stillness this long is a hold */
    double hold_still_cm;         /**< position wander allowed in a hold */
    double hold_advice_min_s;     /**< guidance: 30 s */
    double hold_advice_max_s;     /**< guidance: 90 s */
    double slow_speed_cm_s;       /**< guidance: rolling slower is "slow" */
    double session_min_s;         /**< guidance: 5 min per calf */
    double session_max_s;         /**< guidance: 10 min per calf */
    double heavy_force_n;         /**< caution above this hold force */
    double flinch_drop_fraction;  /**< fraction of load lost ... */
    double flinch_window_s;       /**< ... within this time */
    double peak_min_passes;       /**< a peak must recur on this many */
    /* Added after 0.1's first draft (fields only ever appended): */
    double line_skew;             /**< CoP off the footprint centre, in
                                       half-widths, that means "medial" or
                                       "lateral" rather than "middle" */
    double compression_per_n;     /**< foam: fraction of the rolling radius
                                       lost per N of load beyond the
                                       session's typical load (roller
                                       property) */
    double pass_min_cm;           /**< shortest roll counted as a pass */
    double peak_min_rise;         /**< a peak stands this far (fraction)
                                       above the pressure around it */
    double end_margin_cm;         /**< calf beyond the farthest rolled
                                       point at each end (people start
                                       above the heel, stop below the
                                       knee crease) */
    rm_leg leg;                   /**< the calf to assume, overriding the
                                       session's metadata (e.g. a session
                                       recorded without --leg);
                                       RM_LEG_UNKNOWN: the session's own */
} rm_engine_config;

/** Fill @p cfg with the documented defaults (all fields). @since 0.1 */
RM_API void rm_engine_config_default(rm_engine_config *cfg);

/**
 * Where the calf frame's ends come from (rm_summary.calf_frame;
 * docs/engine.md, "A measured calf length").
 * @since 0.2
 */
typedef enum rm_calf_frame {
    /** From the rolling: half a turning band beyond where it usually
     *  turned (or its reach, when no turns were found). */
    RM_CALF_FRAME_TURNS    = 0,
    /** From the session's measured calf length
     *  (rm_session_meta.calf_length_cm): its difference to the turning
     *  points' spacing (or to the reach) split equally beyond them; a
     *  guidance line says when it had to be clamped. */
    RM_CALF_FRAME_MEASURED = 1,
} rm_calf_frame;

/** Everything found in a session; owned by the engine. @since 0.1 */
typedef struct rm_summary {
    double duration_s;            /**< session length, s */
    double rate_hz;               /**< frame rate of the board */
    uint32_t cells;               /**< cells per frame */
    uint64_t frames;              /**< frames analysed */
    uint64_t dropped_frames;      /**< frames lost in sequence gaps */
    rm_leg leg;                   /**< from the session metadata */
    int calf_found;               /**< 0: ends of the calf not found */
    double calf_length_cm;        /**< ankle to knee; NAN if not found */
    double contact_s;             /**< time with the leg on the roller */
    const rm_pass *passes;       size_t n_passes;   /**< in time order */
    const rm_hold *holds;        size_t n_holds;    /**< in time order */
    const rm_flinch *flinches;   size_t n_flinches; /**< in time order */
    const rm_peak *peaks;        size_t n_peaks;    /**< candidate trigger
                                                         points */
    double coverage[4];           /**< indexed by rm_line; [0] unused, 0..1 */
    const rm_guidance *guidance; size_t n_guidance; /**< guidance lines */
    /**
     * Calf map for the report picture (added for lib/report; the engine
     * fills it when it can). RM_LINE_LATERAL rows of @c map_bins values:
     * row (line - 1), bin i covers position_frac [i, i+1) / map_bins from
     * ankle to knee; each value is the typical peak-cell pressure in kPa
     * seen there, NAN where that line was not rolled. NULL / 0: no map.
     */
    const float *map_kpa;
    size_t map_bins;              /**< bins per line in map_kpa */
    /* Appended in 0.2 (librollmap.so.1). */
    double hold_advice_min_s;     /**< the hold band the guidance judged
                                       holds by (rm_engine_config's); the
                                       reports' tables use the same. 0/0:
                                       none given, no band shown.
                                       @since 0.2 */
    double hold_advice_max_s;     /**< upper end of that band. @since 0.2 */
    rm_calf_frame calf_frame;     /**< where the calf's ends (and so every
                                       position's origin) come from.
                                       @since 0.2 */
} rm_summary;

/**
 * The streaming analysis: frames in, findings out, memory bounded
 * whatever the session length. Opaque; rm_engine_new() /
 * rm_engine_free(). One thread at a time; callbacks run on it.
 */
typedef struct rm_engine rm_engine;

/**
 * Callbacks; any may be NULL. Pointers passed live only during the call.
 * Findings reported while streaming use the alignment known at that time;
 * rm_engine_summary() after rm_engine_finish() is authoritative.
 */
typedef struct rm_engine_callbacks {
    void (*on_pass)(const rm_pass *p, void *user);     /**< a pass ended */
    void (*on_hold)(const rm_hold *h, void *user);     /**< a hold ended */
    void (*on_flinch)(const rm_flinch *f, void *user); /**< a sudden drop */
    void (*on_sample)(const rm_sample *s, void *user); /**< every frame */
    void *user;  /**< handed to every callback; not copied, yours */
} rm_engine_callbacks;

/**
 * Which parts of rm_live are provisional (rm_live.provisional, bits).
 * The final report (rm_engine_summary()) may still differ from any live
 * value; a clear bit says the value rests on what the report's will.
 * @since 0.2
 */
typedef enum rm_live_provisional {
    /** The calf is not found yet or this stretch not placed on it yet:
     *  position_cm and position_frac are NAN, or a first guess. */
    RM_LIVE_PROV_PLACE = 1,
    /** The line may still change: too little rolling yet to tell how
     *  this session shows its lines (the lean or the sideways shift),
     *  one line rolled so far (where its middle line is: a guess), the
     *  lean still able to take the lines from the CoP, or a hold named
     *  by its own lean, or by its stretch's lean so far near the line
     *  boundary, while the report will use its stretch's whole rolling
     *  (docs/engine.md). */
    RM_LIVE_PROV_LINE = 2,
} rm_live_provisional;

/**
 * What the live view shows, as of the last frame pushed. During a hold
 * the place and line are the hold's as the report will give them, from
 * what has been seen so far: the hold's mean place by the alignment so
 * far (within 0..length), and its line by the report's rule (the lean
 * while the session leans, else its own centre-of-pressure groups,
 * docs/engine.md) on the passes so far.
 */
typedef struct rm_live {
    double time_s;                /**< session time of the last frame, s */
    int in_contact;               /**< non-zero: leg on the roller */
    double position_cm;           /**< NAN until the calf is placed */
    double position_frac;         /**< 0..1 of ankle->knee, or NAN */
    rm_line line;                 /**< current line, or unknown */
    double speed_cm_s;            /**< rolling speed along the calf */
    double force_n;               /**< total over all cells */
    double hold_s;                /**< length of the current hold, else 0 */
    uint32_t cells;               /**< entries used in cell_n */
    double cell_n[RM_MAX_CELLS];  /**< force per cell, N */
    /* Added in 0.2 (soname librollmap.so.1): */
    uint32_t provisional;         /**< rm_live_provisional bits; 0 when
                                       place and line are established */
} rm_live;

/**
 * A new engine for frames from the board that @p meta describes.
 * @param meta  the session's metadata (descriptor, leg); copied.
 * @param cfg   NULL for rm_engine_config_default(); copied.
 * @param cb    callbacks, NULL for none; copied (cb->user is not).
 * @param out   receives the handle, or NULL on failure.
 * @param err   optional, filled on failure.
 * @return RM_ERR_ARG for NULL @p meta / @p out or a configuration value
 *         out of range, RM_ERR_FORMAT for a descriptor that fails
 *         rm_descriptor_check(), RM_ERR_NOMEM.
 * @since 0.1
 */
RM_API rm_status rm_engine_new(const rm_session_meta *meta,
                               const rm_engine_config *cfg,
                               const rm_engine_callbacks *cb,
                               rm_engine **out, rm_error *err);
/**
 * Feed @p n frames in order (any block size; the caller keeps @p frames).
 * Callbacks for findings that end in these frames run inside this call,
 * on this thread.
 * @return RM_OK; RM_ERR_ARG after rm_engine_finish() (unless a sample
 *         pass was started) or for NULL; RM_ERR_NOMEM.
 * @since 0.1
 */
RM_API rm_status rm_engine_push(rm_engine *e, const rm_frame *frames,
                                size_t n);
/**
 * Feed the frames of @p view in order, read in place (no copy): the
 * offline path hands over rm_session_read_view()'s block as it is.
 * rm_engine_push() is this call on a view of its rm_frame array; both
 * run the same per-frame code and give the same results. The view must
 * hold at least the descriptor's cell count per frame; the engine reads
 * only the view's frames during the call.
 * @return RM_OK; RM_ERR_ARG after rm_engine_finish() (unless a sample
 *         pass was started), for NULL, for fewer cells than the
 *         descriptor's or a stride that is not a multiple of 4;
 *         RM_ERR_NOMEM.
 * @since 0.2
 */
RM_API rm_status rm_engine_push_view(rm_engine *e, const rm_frame_view *view);
/**
 * Flush what is still open and compute the summary. After a sample pass
 * (rm_engine_sample_pass()), ends that pass instead: flushes the last
 * samples; the summary is unchanged.
 * @since 0.1
 */
RM_API rm_status rm_engine_finish(rm_engine *e);
/**
 * Start a second pass over the same frames, after rm_engine_finish():
 * push the session's frames again (same order, any block sizes), then call
 * rm_engine_finish(). The pass runs the same per-frame code with the
 * alignment frozen and fires on_sample for every frame with FINAL
 * positions (the first pass fires on_sample with PROVISIONAL positions:
 * NAN until a stretch long enough to show the calf's shape has been
 * rolled, then placed by the alignment known so far; see docs/engine.md).
 * Other callbacks are not fired again.
 * @return RM_ERR_ARG before rm_engine_finish().
 * @since 0.1
 */
RM_API rm_status rm_engine_sample_pass(rm_engine *e);
/**
 * Everything found: owned by @p e, with the arrays in it. NULL before
 * rm_engine_finish(); valid after it until rm_engine_free().
 * @since 0.1
 */
RM_API const rm_summary *rm_engine_summary(const rm_engine *e);
/** Copy what a live view shows, as of the last frame pushed, into
 *  @p out (caller-owned). @since 0.1 */
RM_API void rm_engine_live_state(const rm_engine *e, rm_live *out);
/**
 * Whether the engine works out provisional calf positions while frames
 * stream in: the position in rm_engine_live_state() and in the first
 * pass's on_sample samples. On (non-zero) by default. An offline caller
 * that reads neither can turn it off: the streaming refits of the
 * alignment are then skipped (about a tenth of an hour's analysis),
 * those positions stay NAN, and everything after rm_engine_finish()
 * (summary, sample pass) is exactly the same. May be changed between
 * pushes; turned back on, positions return once the current stretch
 * has rolled far enough.
 * @return RM_ERR_ARG for NULL.
 * @since 0.2
 */
RM_API rm_status rm_engine_set_live_positions(rm_engine *e, int on);
/** Detail of the last failure on @p e, valid until the next call on
 *  it. @since 0.1 */
RM_API const char *rm_engine_errmsg(const rm_engine *e);
/** Free, with the summary (NULL is allowed). @since 0.1 */
RM_API void rm_engine_free(rm_engine *e);

/* ------------------------------------------------------------------ */
/* Wire protocol decoder (docs/protocol.md)                            */
/* ------------------------------------------------------------------ */

/*
 * The byte stream between host and board: COBS-framed, CRC-16 checked
 * frames (docs/protocol.md). The decoder takes chunks of any size, from
 * any source (trusted or not), and reports what it found through
 * callbacks; it resynchronises at the next 0x00 after any corruption and
 * counts every byte it had to throw away. The encoders produce complete
 * wire frames (COBS-encoded, 0x00-terminated) for both directions, so a
 * host, a virtual board and the firmware speak the same bytes.
 */

/** Protocol version this library speaks (descriptor and ack field). */
#define RM_WIRE_VERSION 1
/** Longest encoded frame including its 0x00 delimiter, in bytes. */
#define RM_WIRE_MAX_FRAME 352

/** Frame types: commands (host -> board) and board messages. @since 0.1 */
typedef enum rm_wire_type {
    RM_CMD_PING       = 0x01, /**< are you there? ack only */
    RM_CMD_IDENTIFY   = 0x02, /**< reply: descriptor, then ack */
    RM_CMD_START      = 0x03, /**< start streaming; sequence restarts at 0 */
    RM_CMD_STOP       = 0x04, /**< stop streaming; reply: status, then ack */
    RM_CMD_TARE       = 0x05, /**< zero every cell from the next samples */
    RM_CMD_SET_RATE   = 0x06, /**< frame rate in Hz (not while streaming) */
    RM_CMD_SET_CAL    = 0x07, /**< one cell's scale and tare, in RAM */
    RM_CMD_STORE_CAL  = 0x08, /**< write calibration to EEPROM */
    RM_CMD_GET_STATUS = 0x09, /**< reply: status, then ack */
    RM_MSG_ACK        = 0x80, /**< answer to every command */
    RM_MSG_SAMPLE     = 0x81, /**< one sample frame (rm_frame) */
    RM_MSG_DESCRIPTOR = 0x82, /**< the board's rm_descriptor */
    RM_MSG_STATUS     = 0x83, /**< counters and state (rm_board_status) */
} rm_wire_type;

/** Result byte of an ack. @since 0.1 */
typedef enum rm_ack_result {
    RM_ACK_OK          = 0,
    RM_ACK_UNKNOWN     = 1, /**< command type not known to the board */
    RM_ACK_BAD_ARG     = 2, /**< wrong length or value out of range */
    RM_ACK_BUSY        = 3, /**< not allowed in the current state */
    RM_ACK_STORAGE     = 4, /**< EEPROM write or verify failed */
    RM_ACK_NO_SIGNAL   = 5, /**< ADC did not answer (tare) */
} rm_ack_result;

/** A host -> board command. Fields a command does not use are ignored. */
typedef struct rm_command {
    rm_wire_type type;        /**< one of RM_CMD_* */
    uint8_t request_id;       /**< echoed in the ack; host picks, any value */
    uint16_t rate_hz;         /**< SET_RATE */
    uint8_t tare_samples;     /**< TARE: conversions averaged, 0 = board default */
    uint8_t cell;             /**< SET_CAL: cell index */
    float scale_n_per_count;  /**< SET_CAL */
    int32_t tare_counts;      /**< SET_CAL */
} rm_command;

/** Board -> host answer to a command. @since 0.1 */
typedef struct rm_ack {
    uint8_t request_id;       /**< as sent in the command */
    uint8_t command;          /**< the command's rm_wire_type */
    uint8_t result;           /**< rm_ack_result */
    uint8_t version;          /**< the board's protocol version */
} rm_ack;

/** Board state in a status frame. */
#define RM_BOARD_IDLE      0 /**< not streaming */
#define RM_BOARD_STREAMING 1 /**< sending sample frames */

/** Board health counters, all since power-up, wrapping at 2^32. */
typedef struct rm_board_status {
    uint8_t state;            /**< RM_BOARD_IDLE or RM_BOARD_STREAMING */
    uint8_t flags;            /**< bit 0: calibration loaded from EEPROM */
    uint32_t uptime_ms;       /**< board clock since power-up, ms */
    uint32_t frames_sent;     /**< sample frames queued for the UART */
    uint32_t frames_dropped;  /**< sample frames not sent (no room) */
    uint32_t adc_overruns;    /**< conversions missed (read too late) */
    uint32_t uart_overflows;  /**< bytes refused by the transmit ring */
    uint32_t encoder_errors;  /**< impossible quadrature transitions */
    uint32_t rx_errors;       /**< corrupt or unusable command frames */
} rm_board_status;

/**
 * What the decoder has seen. Every byte fed is in exactly one of
 * bytes_ok, bytes_discarded and bytes_pending, so
 * bytes_in == bytes_ok + bytes_discarded + bytes_pending at all times.
 */
typedef struct rm_decoder_stats {
    uint64_t bytes_in;        /**< every byte fed */
    uint64_t bytes_ok;        /**< bytes of delivered frames (with their
                                   delimiter) and lone 0x00 fill bytes */
    uint64_t bytes_discarded; /**< bytes of frames thrown away, delimiter
                                   included */
    uint64_t bytes_pending;   /**< bytes of the frame still open */
    uint64_t frames_ok;       /**< valid frames, passed to their callback
                                   when one is set */
    uint64_t crc_errors;      /**< checksum did not match */
    uint64_t cobs_errors;     /**< COBS block ran past the delimiter */
    uint64_t oversize;        /**< longer than RM_WIRE_MAX_FRAME */
    uint64_t malformed;       /**< checksum good, contents invalid */
    uint64_t unknown_type;    /**< checksum good, type not known (skipped) */
    uint64_t frames_lost;     /**< sample frames missing: sequence gaps */
    uint64_t seq_restarts;    /**< sequence went backwards (board restart) */
} rm_decoder_stats;

/**
 * Callbacks; any may be NULL (that frame type is then counted and
 * dropped). Pointers are valid only during the call.
 */
typedef struct rm_decoder_callbacks {
    void (*on_frame)(const rm_frame *f, void *user);      /**< sample */
    void (*on_descriptor)(const rm_descriptor *d, void *user); /**< checked */
    void (*on_status)(const rm_board_status *s, void *user); /**< status */
    void (*on_ack)(const rm_ack *a, void *user);          /**< ack */
    void (*on_command)(const rm_command *c, void *user); /**< board side */
    void *user;  /**< handed to every callback; not copied, yours */
} rm_decoder_callbacks;

/** Byte stream in, frames out. Opaque; rm_decoder_new() /
 *  rm_decoder_free(). Pure: no I/O. One thread at a time. */
typedef struct rm_decoder rm_decoder;

/**
 * New decoder, at a frame boundary, no descriptor known.
 * @param cb   copied; may be NULL (only counts).
 * @param out  receives the handle, or NULL on failure (RM_ERR_NOMEM).
 * @param err  optional, filled on failure.
 * @since 0.1
 */
RM_API rm_status rm_decoder_new(const rm_decoder_callbacks *cb,
                                rm_decoder **out, rm_error *err);

/**
 * Feed @p len bytes; callbacks fire for each complete frame, in order.
 * Any bytes are accepted; splitting the stream differently never changes
 * what is delivered or counted. A sample frame whose cell count differs
 * from the last descriptor delivered is malformed.
 * @return RM_OK, or RM_ERR_ARG if dec is NULL or bytes is NULL with len > 0.
 * @since 0.1
 */
RM_API rm_status rm_decoder_feed(rm_decoder *dec, const void *bytes,
                                 size_t len);

/** Counters so far (getters are named rm_OBJECT_get_WHAT).
 *  @since 0.2 */
RM_API void rm_decoder_get_stats(const rm_decoder *dec,
                                 rm_decoder_stats *out);
/** The same as rm_decoder_get_stats().
 *  @deprecated the 0.1 name; kept through 0.x. @since 0.1 */
RM_API void rm_decoder_stats_get(const rm_decoder *dec,
                                 rm_decoder_stats *out);

/**
 * Cell count sample frames must have (from the last descriptor), or 0
 * when no descriptor has been seen. @since 0.1
 */
RM_API uint32_t rm_decoder_cells(const rm_decoder *dec);

/**
 * Forget the open frame (its bytes count as discarded) and the sequence
 * history, e.g. after reopening a port. Keeps the descriptor and counters.
 * @since 0.1
 */
RM_API void rm_decoder_reset(rm_decoder *dec);

/** Free (NULL is allowed). @since 0.1 */
RM_API void rm_decoder_free(rm_decoder *dec);

/*
 * Encoders: each writes one complete wire frame (COBS, 0x00-terminated)
 * into out[0..cap) and its length to *len. RM_WIRE_MAX_FRAME bytes are
 * always enough. Return RM_ERR_ARG for a NULL pointer, a buffer too small
 * or a value the protocol cannot carry (cells outside 1..RM_MAX_CELLS,
 * a cell reading outside 24-bit signed, an unknown command type).
 */

/** A sample frame carrying cells[0..cells). @since 0.1 */
RM_API rm_status rm_wire_encode_frame(const rm_frame *f, uint32_t cells,
                                      uint8_t *out, size_t cap, size_t *len);
/** A descriptor frame; @p d must pass rm_descriptor_check(). @since 0.1 */
RM_API rm_status rm_wire_encode_descriptor(const rm_descriptor *d,
                                           uint8_t *out, size_t cap,
                                           size_t *len);
/** A status frame. @since 0.1 */
RM_API rm_status rm_wire_encode_status(const rm_board_status *s,
                                       uint8_t *out, size_t cap, size_t *len);
/** An ack frame. @since 0.1 */
RM_API rm_status rm_wire_encode_ack(const rm_ack *a, uint8_t *out,
                                    size_t cap, size_t *len);
/** A command frame. @since 0.1 */
RM_API rm_status rm_wire_encode_command(const rm_command *c, uint8_t *out,
                                        size_t cap, size_t *len);

/** Name of a frame type ("sample", "ping", ...), "unknown" otherwise.
 *  @since 0.1 */
RM_API const char *rm_wire_type_name(int type);
/** Name of an ack result ("ok", "busy", ...), "unknown" otherwise.
 *  @since 0.1 */
RM_API const char *rm_ack_result_name(int result);

/* ------------------------------------------------------------------ */
/* Link to a board: transports, handshake, recorder                    */
/* ------------------------------------------------------------------ */

/*
 * Transports move bytes to and from a board and know nothing of frames.
 * One ops table per kind (libserialport port, plain file descriptor for
 * pipes and pseudo-terminals, the virtual board, or one you supply) is
 * chosen when the transport opens. Thread safety: one thread per handle.
 */
/** Moves bytes to and from a board. Opaque; rm_transport_open_*() or
 *  rm_transport_new(), then rm_transport_close() or rm_link_open(). */
typedef struct rm_transport rm_transport;

/**
 * Operations of a transport. Supply your own with rm_transport_new() (a
 * phone bridge, a socket, a fault injector); the built-in ones are opened
 * by rm_transport_open_*().
 *
 * read():  wait at most @p timeout_ms for the first byte, then return what
 *          is there (up to @p cap). RM_OK with *got > 0: bytes. RM_OK with
 *          *got == 0: the other end closed (end of stream). RM_ERR_TIMEOUT:
 *          nothing arrived in time. RM_ERR_IO: the device failed or went
 *          away (errmsg() says why).
 * write(): write all @p len bytes within @p timeout_ms or fail.
 * close(): release everything; called once, by rm_transport_close().
 * errmsg(): detail of the last failure; may be NULL.
 * @since 0.1
 */
typedef struct rm_transport_ops {
    const char *name; /**< "serial", "fd", "sim", ... */
    /** See above: bytes, end of stream, timeout or failure. */
    rm_status (*read)(void *impl, uint8_t *buf, size_t cap, size_t *got,
                      unsigned timeout_ms);
    /** All @p len bytes within @p timeout_ms, or a failure. */
    rm_status (*write)(void *impl, const uint8_t *buf, size_t len,
                       unsigned timeout_ms);
    /** Release @p impl; called once. */
    void (*close)(void *impl);
    /** Detail of the last failure; may be NULL. */
    const char *(*errmsg)(void *impl);
} rm_transport_ops;

/**
 * Wrap caller-supplied operations. @p ops must outlive the transport;
 * @p impl is handed to every op and released by ops->close when the
 * transport closes. On failure the transport does not exist and @p impl
 * stays the caller's.
 * @param ops    the operations; not copied, must outlive the transport.
 * @param impl   the caller's state, handed to every op.
 * @param label  what the transport talks to (messages); NULL: ops->name.
 * @param out    receives the handle, or NULL on failure.
 * @param err    optional, filled on failure.
 * @since 0.1
 */
RM_API rm_status rm_transport_new(const rm_transport_ops *ops, void *impl,
                                  const char *label, rm_transport **out,
                                  rm_error *err);

/** Default serial speed; rev A runs 115200 baud (~4 kB/s of frames). */
#define RM_DEFAULT_BAUD 115200u

/**
 * Open a serial port through libserialport, 8N1, no flow control, with
 * DTR and RTS asserted (which resets an Uno-class board: rm_link_open()
 * waits for it). @p port NULL picks the one port whose USB VID:PID is a
 * known board (rm_ports_pick_board()); none or several is RM_ERR_NODEV
 * with the candidates named in @p err.
 * @since 0.1
 */
RM_API rm_status rm_transport_open_serial(const char *port, uint32_t baud,
                                          rm_transport **out, rm_error *err);

/**
 * Use open file descriptors (pipes, sockets, a pty) as a transport.
 * @param read_fd   bytes from the board.
 * @param write_fd  bytes to the board (may equal @p read_fd).
 * @param own  non-zero: close the descriptors with the transport (also
 *             when this call fails).
 * @param label  shown by rm_transport_label(); copied.
 * @param out  receives the handle, or NULL on failure.
 * @param err  optional, filled on failure.
 * @since 0.1
 */
RM_API rm_status rm_transport_open_fd(int read_fd, int write_fd, int own,
                                      const char *label, rm_transport **out,
                                      rm_error *err);

/**
 * Open a terminal device by path without libserialport (a pseudo-terminal
 * has no sysfs entry and no modem lines, which libserialport needs): raw
 * mode, 8N1, @p baud where the device honours it.
 * @since 0.1
 */
RM_API rm_status rm_transport_open_tty(const char *path, uint32_t baud,
                                       rm_transport **out, rm_error *err);

/** Options of the virtual board; zero means default. @since 0.1 */
typedef struct rm_vboard_options {
    rm_sim_options sim;   /**< seed, duration, leg of the simulated session */
    double speed;         /**< 1 = real time (default), 2 = twice as fast */
    int no_realtime;      /**< non-zero: send frames as fast as read */
} rm_vboard_options;

/**
 * A virtual board: the simulator (rm_sim_new() with @p scenario) behind
 * the wire protocol, answering commands as the firmware does. When the
 * scenario is over, reads return end of stream.
 * @since 0.1
 */
RM_API rm_status rm_transport_open_sim(const char *scenario,
                                       const rm_vboard_options *opt,
                                       rm_transport **out, rm_error *err);

/** Bytes moved through one transport. See rm_transport_ops for results.
 *  @since 0.1 */
RM_API rm_status rm_transport_read(rm_transport *t, uint8_t *buf, size_t cap,
                                   size_t *got, unsigned timeout_ms);
/** Write all @p len bytes within @p timeout_ms (see rm_transport_ops).
 *  @since 0.1 */
RM_API rm_status rm_transport_write(rm_transport *t, const uint8_t *buf,
                                    size_t len, unsigned timeout_ms);
/** What the transport talks to, e.g. "/dev/ttyACM0" or "sim:basic".
 *  @since 0.1 */
RM_API const char *rm_transport_label(const rm_transport *t);
/** Detail of the last failure on @p t. @since 0.1 */
RM_API const char *rm_transport_errmsg(const rm_transport *t);
/** Close and free (NULL is allowed). @since 0.1 */
RM_API void rm_transport_close(rm_transport *t);

/** A serial port as the OS lists it. @since 0.1 */
typedef struct rm_port_info {
    char name[128];          /**< "/dev/ttyACM0" */
    char description[128];   /**< from the OS or USB descriptor */
    int usb;                 /**< non-zero for a USB port (vid/pid valid) */
    int usb_vid, usb_pid;    /**< USB vendor and product id */
    const char *board;       /**< static text from rm_usb_board_kind() or NULL */
} rm_port_info;

/**
 * List serial ports. Free the array with rm_ports_free().
 * @since 0.1
 */
RM_API rm_status rm_ports_list(rm_port_info **out, size_t *n, rm_error *err);
/** Free an array from rm_ports_list() (NULL is allowed). @since 0.1 */
RM_API void rm_ports_free(rm_port_info *ports);

/**
 * What a USB VID:PID looks like, from the documented list in docs/live.md
 * ("Arduino Uno R3", "CH340 USB-serial (Arduino clone)"), or NULL.
 * @since 0.1
 */
RM_API const char *rm_usb_board_kind(int vid, int pid);

/**
 * Pick the one port that looks like a board. RM_ERR_NODEV with the reason
 * (none, or the several candidates by name) in @p why.
 * @since 0.1
 */
RM_API rm_status rm_ports_pick_board(const rm_port_info *ports, size_t n,
                                     size_t *index, char *why,
                                     size_t why_len);

/*
 * The link: a transport plus the wire decoder, with the handshake and the
 * commands of docs/protocol.md. Thread safety: one thread per handle.
 */
/** A transport plus the decoder and the protocol's commands. Opaque;
 *  rm_link_open() / rm_link_close(). One thread at a time. */
typedef struct rm_link rm_link;

/** Link timing; zero means the default in brackets. @since 0.1 */
typedef struct rm_link_options {
    /** Keep pinging this long after opening: an Uno-class board resets
     *  when the port opens and boots for 1-2 s [5000 ms]. */
    unsigned boot_wait_ms;
    /** How long to wait for an ack to a command [1000 ms]. */
    unsigned reply_timeout_ms;
    /** While streaming, no byte for this long means the board stalled
     *  [2000 ms, or 20 frame periods if longer]. */
    unsigned stall_timeout_ms;
} rm_link_options;

/**
 * Handshake over @p t: ping until the board answers (within boot_wait_ms),
 * then ask for its descriptor and check it. The link owns @p t from this
 * call on, even when it fails.
 * @return RM_ERR_TIMEOUT if the board never answered, RM_ERR_FORMAT for an
 *         unusable descriptor, RM_ERR_UNSUPPORTED for a newer protocol.
 * @since 0.1
 */
RM_API rm_status rm_link_open(rm_transport *t, const rm_link_options *opt,
                              rm_link **out, rm_error *err);

/** The board's descriptor as of the last IDENTIFY. @since 0.1 */
RM_API const rm_descriptor *rm_link_descriptor(const rm_link *l);

/** The transport under the link (for its label). @since 0.1 */
RM_API rm_transport *rm_link_transport(const rm_link *l);

/**
 * Send one command and wait for its ack (a descriptor or status sent
 * before the ack is taken in; sample frames arriving meanwhile are kept
 * for rm_link_read()). The request id is chosen by the link; a command
 * whose ack does not come within reply_timeout_ms is sent again with the
 * same id, four times in all (commands are safe to repeat).
 * @param l    the link.
 * @param cmd  the command; its request_id is replaced.
 * @param ack  optional copy of the board's answer.
 * @return RM_ERR_IO with the board's reason ("refused TARE: busy") when
 *         the ack is not OK, RM_ERR_TIMEOUT when none came.
 * @since 0.1
 */
RM_API rm_status rm_link_command(rm_link *l, const rm_command *cmd,
                                 rm_ack *ack);

/** START, STOP (each waits for the ack). @since 0.1 */
RM_API rm_status rm_link_start(rm_link *l);
/** STOP: the board stops streaming (waits for the ack). @since 0.1 */
RM_API rm_status rm_link_stop(rm_link *l);

/**
 * Tare on the board (roller unloaded), then IDENTIFY again so
 * rm_link_descriptor() holds the new tare. @p samples 0: board default.
 * @since 0.1
 */
RM_API rm_status rm_link_tare(rm_link *l, unsigned samples);

/**
 * Set one cell's scale and tare on the board (RAM) and re-read the
 * descriptor; rm_link_store_calibration() writes all cells to EEPROM.
 * @since 0.1
 */
RM_API rm_status rm_link_set_calibration(rm_link *l, unsigned cell,
                                         float scale_n_per_count,
                                         int32_t tare_counts);
/** Write every cell's calibration to the board's EEPROM. @since 0.1 */
RM_API rm_status rm_link_store_calibration(rm_link *l);

/**
 * Sample frames received, in order. Waits at most @p timeout_ms when none
 * are queued. RM_OK with *got == 0 means nothing yet, or, when
 * rm_link_ended() is true, that the board closed the stream. RM_ERR_IO:
 * the device failed or went away; RM_ERR_TIMEOUT: streaming stalled for
 * stall_timeout_ms. Frames received before an error are all returned
 * first (the error comes on the next call).
 * @since 0.1
 */
RM_API rm_status rm_link_read(rm_link *l, rm_frame *buf, size_t cap,
                              size_t *got, unsigned timeout_ms);

/**
 * rm_link_read(), and for each frame the moment its last byte came out of
 * the transport: CLOCK_MONOTONIC in ns, taken when the transport read
 * whose bytes completed the frame returned (before decoding). For
 * measuring the live path's latency (`rollmap record --latency-log`).
 * @param l           the link.
 * @param buf         filled with up to @p cap frames.
 * @param rx_ns       filled with one time per frame; may be NULL.
 * @param cap         room in @p buf and @p rx_ns.
 * @param got         frames returned.
 * @param timeout_ms  longest wait when no frame is queued.
 * @return as rm_link_read().
 * @since 0.1
 */
RM_API rm_status rm_link_read_stamped(rm_link *l, rm_frame *buf,
                                      int64_t *rx_ns, size_t cap,
                                      size_t *got, unsigned timeout_ms);

/** Non-zero once the transport reported end of stream. @since 0.1 */
RM_API int rm_link_ended(const rm_link *l);

/** Decoder counters (bytes, CRC errors, frames lost...). @since 0.2 */
RM_API void rm_link_get_stats(const rm_link *l, rm_decoder_stats *out);
/** The same as rm_link_get_stats().
 *  @deprecated the 0.1 name; kept through 0.x. @since 0.1 */
RM_API void rm_link_stats(const rm_link *l, rm_decoder_stats *out);

/** Last status frame from the board; 0 if none came yet. @since 0.1 */
RM_API int rm_link_board_status(const rm_link *l, rm_board_status *out);

/** Detail of the last failure on @p l. @since 0.1 */
RM_API const char *rm_link_errmsg(const rm_link *l);

/** Close the link and its transport (NULL is allowed). @since 0.1 */
RM_API void rm_link_close(rm_link *l);

/*
 * The recorder: one stream of frames into the session writer AND the
 * engine (the same rm_engine_push the offline report uses). Frames reach
 * the engine at once, on the caller's thread; the file is written by a
 * thread the recorder starts, fed through a bounded queue, in blocks (at
 * most 100 ms after a frame was pushed) and synced to disk once a second,
 * so a slow disk never holds up the thread that reads the board.
 */
/** Session writer plus engine on one stream of frames. Opaque;
 *  rm_recorder_new() / rm_recorder_free(). One thread at a time (the
 *  recorder's own writer thread is internal: it calls no callback). */
typedef struct rm_recorder rm_recorder;

/** Options for rm_recorder_new(); NULL or zero: defaults. @since 0.1 */
typedef struct rm_recorder_options {
    unsigned write_flags;              /**< RM_WRITE_OVERWRITE */
    int no_engine;                     /**< record only */
    const rm_engine_config *engine_cfg;      /**< NULL: defaults */
    const rm_engine_callbacks *engine_cb;    /**< NULL: none */
    /** Frames the queue to the writer thread holds; 0: 4 s at the
     *  board's rate, at least 1024. When it is full, rm_recorder_push()
     *  waits for the writer (nothing is dropped). @since 0.1 */
    size_t queue_frames;
} rm_recorder_options;

/**
 * Create the session file and the engine. If the engine cannot be built
 * (RM_ERR_UNSUPPORTED, say) the recorder still records; see
 * rm_recorder_engine().
 * @since 0.1
 */
RM_API rm_status rm_recorder_new(const char *path,
                                 const rm_session_meta *meta,
                                 const rm_recorder_options *opt,
                                 rm_recorder **out, rm_error *err);

/**
 * Record @p n frames: the engine consumes them before this returns; they
 * are copied into the writer thread's queue. When the queue is full this
 * waits until the writer has taken frames out: nothing is dropped (frames
 * the board sends meanwhile wait in the OS and the board; what the board
 * cannot keep it counts, and the file marks the gap). A failing engine is
 * dropped (the message is kept) and recording goes on; a failed write on
 * the writer thread is returned here, by the next push after it happened,
 * with rm_recorder_errmsg() naming the file and the cause; the file stays
 * valid up to its last whole frame.
 * @since 0.1
 */
RM_API rm_status rm_recorder_push(rm_recorder *r, const rm_frame *frames,
                                  size_t n);

/** Write every queued frame now and wait until the writer thread has
 *  (the once-a-second sync is not forced). Returns the writer's failure,
 *  if any. @since 0.1 */
RM_API rm_status rm_recorder_flush(rm_recorder *r);

/**
 * Write out the queue, end the writer thread, finish the engine and close
 * the file. Returns a write failure even when it came after the last
 * push. The engine's summary stays readable until rm_recorder_free().
 * The file is valid even on error.
 * @since 0.1
 */
RM_API rm_status rm_recorder_finish(rm_recorder *r);

/** The engine, or NULL when recording without one. @since 0.1 */
RM_API const rm_engine *rm_recorder_engine(const rm_recorder *r);

/** Frames in the session file (those buffered for the next block write
 *  included until a write fails), and frames known lost (sequence gaps).
 *  @since 0.1 */
RM_API uint64_t rm_recorder_frames(const rm_recorder *r);
/** Frames known lost (sequence gaps). @since 0.1 */
RM_API uint64_t rm_recorder_dropped(const rm_recorder *r);

/** What the writer thread's queue went through (rm_recorder_get_stats()).
 *  @since 0.1 */
typedef struct rm_recorder_stats {
    uint64_t queue_cap_frames;  /**< frames the queue holds */
    uint64_t queue_max_frames;  /**< most frames ever waiting in it */
    uint64_t full_waits;        /**< pushes that found it full and waited */
    uint64_t full_wait_us;      /**< time those pushes waited, in total */
    uint64_t writes;            /**< block writes by the writer thread */
    uint64_t write_max_us;      /**< longest block write (with its sync) */
} rm_recorder_stats;

/**
 * Copy the queue's counters into @p out (zeros when @p r is NULL).
 * @param r    the recorder.
 * @param out  filled; must not be NULL.
 * @since 0.1
 */
RM_API void rm_recorder_get_stats(const rm_recorder *r,
                                  rm_recorder_stats *out);

/** Why the engine was dropped or the last failure; "" if none.
 *  @since 0.1 */
RM_API const char *rm_recorder_errmsg(const rm_recorder *r);

/** Finish if not done, then free (NULL is allowed). @since 0.1 */
RM_API void rm_recorder_free(rm_recorder *r);

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

/** Report formats (rm_report_format_name() gives their names).
 *  @since 0.1 */
typedef enum rm_report_format {
    RM_REPORT_TEXT = 0,
    RM_REPORT_JSON = 1,
    RM_REPORT_CSV  = 2,
    RM_REPORT_SVG  = 3,
    RM_REPORT_HTML = 4,
} rm_report_format;

/** Parse "text", "json", "csv", "svg", "html". @since 0.1 */
RM_API rm_status rm_report_format_parse(const char *name,
                                        rm_report_format *out);

/** Format name ("text", ...), or "unknown". @since 0.1 */
RM_API const char *rm_report_format_name(rm_report_format fmt);

/** Newest version of the JSON report schema this library writes
 *  (docs/report-schema.md). A report states the oldest version that has
 *  all of its fields: "1.2" only where the calf frame fields are (a
 *  session with a measured calf length), "1.1" otherwise. */
#define RM_REPORT_SCHEMA_VERSION "1.2"
/** The schema of reports without 1.2's fields. @since 0.2 */
#define RM_REPORT_SCHEMA_VERSION_1_1 "1.1"

/**
 * Write the report of a finished session (text, JSON, SVG or HTML; the
 * schema and layouts are in docs/report-schema.md). Works on thin input:
 * calf_found = 0, no holds or NULL arrays give a report saying what could
 * not be found. Strings from @p meta are escaped for the format.
 * @param s     the summary (rm_engine_summary() after rm_engine_finish()).
 * @param meta  session metadata; NULL means unknown (fields become null).
 * @param fmt   RM_REPORT_TEXT, _JSON, _SVG or _HTML.
 * @param out   where to write; not closed.
 * @return RM_ERR_ARG for NULL @p s / @p out or for RM_REPORT_CSV (CSV is
 *         per sample: use rm_csv_writer), RM_ERR_NOMEM, RM_ERR_IO when
 *         writing to @p out fails.
 * @since 0.1
 */
RM_API rm_status rm_report_write(const rm_summary *s,
                                 const rm_session_meta *meta,
                                 rm_report_format fmt, FILE *out);

/**
 * The English wording of one guidance finding, as the text, JSON and HTML
 * reports give it: its own @c text when that is not empty, else the
 * sentence for its @c code built from @c count, @c value and @c line
 * (plural rules included; the code "safety" gives the one safety
 * sentence). An unknown code with no text gives "".
 * @param g    the finding; NULL gives "".
 * @param buf  receives the NUL-terminated sentence (UTF-8), cut to fit.
 * @param cap  size of @p buf; sizeof g->text + 1 always suffices.
 * @return the length of the full sentence (snprintf-style).
 * @since 0.2
 */
RM_API size_t rm_guidance_text(const rm_guidance *g, char *buf, size_t cap);

/**
 * Streaming CSV of aligned samples: one header row, then one row per
 * rm_sample (feed it from rm_engine_callbacks.on_sample). Columns:
 * time_s,in_contact,position_cm,position_frac,line,force_n,cop_mm,
 * cell0_n..cell<cells-1>_n; unknown numbers are empty fields.
 */
typedef struct rm_csv_writer rm_csv_writer;

/**
 * Start a CSV on @p out and write its header row.
 * @param out    where to write; not closed, even by
 *               rm_csv_writer_close().
 * @param cells  number of cell columns (1..RM_MAX_CELLS); every row has
 *               exactly this many (missing cells are empty fields).
 * @param w      receives the handle, or NULL on failure.
 * @param err    optional, filled on failure.
 * @since 0.1
 */
RM_API rm_status rm_csv_writer_new(FILE *out, uint32_t cells,
                                   rm_csv_writer **w, rm_error *err);
/** Append one sample row. RM_ERR_IO once a write has failed. @since 0.1 */
RM_API rm_status rm_csv_writer_row(rm_csv_writer *w, const rm_sample *s);
/** Rows written so far (header excluded). @since 0.1 */
RM_API uint64_t rm_csv_writer_rows(const rm_csv_writer *w);
/**
 * Flush and free (NULL is allowed). Does not close the FILE.
 * @return RM_ERR_IO if any write failed, else RM_OK.
 * @since 0.1
 */
RM_API rm_status rm_csv_writer_close(rm_csv_writer *w);

/**
 * One call: read a session file, run the engine, write a report to @p out.
 * For CSV the file is read twice: once to analyse it, then through
 * rm_engine_sample_pass() so every row carries its final position.
 * Memory stays bounded whatever the session length. The file is read on
 * the calling thread; rm_report_file_opts() can read it ahead on a
 * helper thread.
 * @param session_path  the .wav session file.
 * @param fmt  any rm_report_format.
 * @param cfg  NULL for defaults.
 * @param out  where to write; not closed.
 * @param err  optional, filled on failure (names the file).
 * @return RM_ERR_FORMAT / RM_ERR_UNSUPPORTED for an invalid or newer
 *         session (err says why), RM_ERR_IO for read or write failures.
 * @since 0.1
 */
RM_API rm_status rm_report_file(const char *session_path,
                                rm_report_format fmt,
                                const rm_engine_config *cfg, FILE *out,
                                rm_error *err);

/**
 * Options of rm_report_file_opts(). Zeroed (rm_report_options_default())
 * is what rm_report_file() does. New fields go at the end.
 * @since 0.2
 */
typedef struct rm_report_options {
    /** 1: a helper thread, started and joined by the call, reads the
     *  file ahead while the engine runs on the calling thread (which
     *  keeps every callback and all output). Faster only with an idle
     *  CPU for it; slower on a busy machine or one allowed CPU, and
     *  ~2 MB more (docs/performance.md). The report is the same either
     *  way. Default 0: one thread. */
    int read_ahead;
} rm_report_options;

/** Fill @p opt with the defaults (all zero). @since 0.2 */
RM_API void rm_report_options_default(rm_report_options *opt);

/**
 * rm_report_file() with options.
 * @param session_path  the .wav session file.
 * @param fmt  any rm_report_format.
 * @param cfg  NULL for defaults.
 * @param opt  NULL for the defaults; read only during the call.
 * @param out  where to write; not closed.
 * @param err  optional, filled on failure (names the file).
 * @return as rm_report_file().
 * @since 0.2
 */
RM_API rm_status rm_report_file_opts(const char *session_path,
                                     rm_report_format fmt,
                                     const rm_engine_config *cfg,
                                     const rm_report_options *opt,
                                     FILE *out, rm_error *err);

/**
 * Both calves in one report: the left calf's session and the right's,
 * analysed as rm_report_file() does (the first as the left calf, the
 * second as the right, whatever their files say), and per anatomical
 * zone the left-right asymmetry of tenderness, pressure, coverage and
 * hold time. Text, JSON, SVG (both maps side by side) or HTML; layout in
 * docs/report-schema.md.
 * @param left_path   the left calf's session file.
 * @param right_path  the right calf's session file.
 * @param fmt   RM_REPORT_TEXT, _JSON, _SVG or _HTML (CSV: RM_ERR_ARG).
 * @param cfg   NULL for defaults (its leg is ignored).
 * @param out   where to write; not closed.
 * @param err   optional, filled on failure (names the file).
 * @return as rm_report_file().
 * @since 0.2
 */
RM_API rm_status rm_report_pair_file(const char *left_path,
                                     const char *right_path,
                                     rm_report_format fmt,
                                     const rm_engine_config *cfg, FILE *out,
                                     rm_error *err);

/* Trend: the same spots across sessions ("is the knot fading?"). */

/** Peaks of two sessions are one spot when on the same line and at most
 *  this far apart along the calf (cm from the ankle). */
#define RM_TREND_MATCH_CM 1.5

/** Spots across sessions. Opaque; rm_trend_new() / rm_trend_free().
 *  One thread at a time. */
typedef struct rm_trend rm_trend;

/** An empty trend. @since 0.1 */
RM_API rm_status rm_trend_new(rm_trend **out, rm_error *err);

/**
 * Add one analysed session; what the trend needs is copied, so @p s and
 * @p meta may be freed afterwards. Sessions may come in any order: they
 * are sorted by start time (then by order added) when written.
 * @param t      the trend.
 * @param label  shown for the session (e.g. its file name); copied.
 * @param meta   the session's metadata (start time, leg); copied from.
 * @param s      its summary; copied from.
 * @since 0.1
 */
RM_API rm_status rm_trend_add(rm_trend *t, const char *label,
                              const rm_session_meta *meta,
                              const rm_summary *s);

/**
 * Read a session file, run the engine on it and add it (label = path).
 * @return as rm_report_file(); on failure the trend is unchanged.
 * @since 0.1
 */
RM_API rm_status rm_trend_add_file(rm_trend *t, const char *session_path,
                                   const rm_engine_config *cfg,
                                   rm_error *err);

/** Sessions added so far. @since 0.1 */
RM_API size_t rm_trend_session_count(const rm_trend *t);
/** Spots found across the sessions (after matching). @since 0.1 */
RM_API size_t rm_trend_spot_count(const rm_trend *t);

/**
 * Write the trend: per spot, its tenderness (peak score) in each session
 * (oldest first), a line fitted over the dates of all of them and the
 * verdict it gives (fading, steady, growing, uncertain, not enough
 * sessions) with its confidence; holds per session. Rule and JSON:
 * docs/report-schema.md, "Trend JSON".
 * @param t    the trend.
 * @param fmt  RM_REPORT_TEXT, RM_REPORT_JSON, RM_REPORT_SVG (each spot
 *             over the dates, a calf map per session) or RM_REPORT_HTML
 *             (since 0.2; RM_REPORT_CSV: RM_ERR_ARG).
 * @param out  where to write; not closed.
 * @since 0.1
 */
RM_API rm_status rm_trend_write(const rm_trend *t, rm_report_format fmt,
                                FILE *out);

/** Free (NULL is allowed). @since 0.1 */
RM_API void rm_trend_free(rm_trend *t);

#ifdef __cplusplus
}
#endif

#endif /* ROLLMAP_H */
