/*
 * api_conventions: the promises docs/api.md makes about every part of
 * librollmap, checked from outside: built against the INSTALLED header and
 * library (tests/install/test_install.sh), as any user program is.
 * Prints one line per broken promise; exit 0 when all hold.
 */
#include <stdio.h>
#include <string.h>

#include <rollmap.h>

static int failures;

#define EXPECT(cond, ...)                                                   \
    do {                                                                    \
        if (!(cond)) {                                                      \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                     \
            printf(__VA_ARGS__);                                            \
            putchar('\n');                                                  \
            failures++;                                                     \
        }                                                                   \
    } while (0)

/* The header a program compiles against and the library it runs with
 * agree, and RM_VERSION_NUMBER orders versions as documented. */
static void versions_agree(void)
{
    EXPECT(strcmp(rm_version_string(), RM_VERSION_STRING) == 0,
           "library %s, header %s", rm_version_string(), RM_VERSION_STRING);
    EXPECT(RM_VERSION_NUMBER == ((RM_VERSION_MAJOR << 16) |
                                 (RM_VERSION_MINOR << 8) | RM_VERSION_PATCH),
           "RM_VERSION_NUMBER is not 0x00MMmmpp");
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", RM_VERSION_MAJOR,
             RM_VERSION_MINOR, RM_VERSION_PATCH);
    EXPECT(strcmp(want, RM_VERSION_STRING) == 0,
           "RM_VERSION_STRING %s is not MAJOR.MINOR.PATCH (%s)",
           RM_VERSION_STRING, want);
}

/* Every status code has its own static text; unknown codes get text too. */
static void every_status_has_text(void)
{
    const rm_status codes[] = {
        RM_OK, RM_ERR_ARG, RM_ERR_NOMEM, RM_ERR_IO, RM_ERR_FORMAT,
        RM_ERR_UNSUPPORTED, RM_ERR_TIMEOUT, RM_ERR_NODEV, RM_ERR_EXISTS,
    };
    const size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *t = rm_strerror(codes[i]);
        EXPECT(t && t[0], "rm_strerror(%d) is empty", (int)codes[i]);
        for (size_t j = 0; t && j < i; j++)
            EXPECT(strcmp(t, rm_strerror(codes[j])) != 0,
                   "codes %d and %d share the text '%s'", (int)codes[i],
                   (int)codes[j], t);
        /* Codes are numbered 0, -1, -2, ... and never renumbered. */
        EXPECT((int)codes[i] == -(int)i, "code %zu has value %d", i,
               (int)codes[i]);
    }
    const char *t = rm_strerror((rm_status)-999);
    EXPECT(t && t[0], "rm_strerror(-999) is empty");
}

/* Every release function accepts NULL (one cleanup path for all). */
static void release_functions_accept_null(void)
{
    rm_session_close(NULL);
    rm_sim_free(NULL);
    rm_engine_free(NULL);
    rm_decoder_free(NULL);
    rm_transport_close(NULL);
    rm_ports_free(NULL);
    rm_link_close(NULL);
    rm_recorder_free(NULL);
    rm_trend_free(NULL);
    /* These return a status: closing nothing is not a failure. */
    EXPECT(rm_session_writer_close(NULL) == RM_OK,
           "rm_session_writer_close(NULL) is not RM_OK");
    EXPECT(rm_csv_writer_close(NULL) == RM_OK,
           "rm_csv_writer_close(NULL) is not RM_OK");
}

/* A constructor that fails sets *out to NULL and fills the optional
 * rm_error with the same code and a message; err may be NULL. */
static void failed_constructors_clear_out_and_fill_err(void)
{
    int sentinel;
    rm_error err;

    rm_session *s = (rm_session *)&sentinel;
    memset(&err, 0, sizeof err);
    rm_status st = rm_session_open("/nonexistent-dir/calf.wav", &s, &err);
    EXPECT(st == RM_ERR_IO, "rm_session_open(missing): %d", (int)st);
    EXPECT(s == NULL, "rm_session_open failed but *out is not NULL");
    EXPECT(err.code == st, "err.code %d, returned %d", (int)err.code,
           (int)st);
    EXPECT(strstr(err.msg, "calf.wav") != NULL,
           "message does not name the file: '%s'", err.msg);
    s = (rm_session *)&sentinel;
    st = rm_session_open("/nonexistent-dir/calf.wav", &s, NULL);
    EXPECT(st == RM_ERR_IO && s == NULL, "without rm_error: %d", (int)st);

    rm_sim *sim = (rm_sim *)&sentinel;
    memset(&err, 0, sizeof err);
    st = rm_sim_new("no-such-scenario", NULL, &sim, &err);
    EXPECT(st == RM_ERR_ARG, "rm_sim_new(unknown): %d", (int)st);
    EXPECT(sim == NULL, "rm_sim_new failed but *out is not NULL");
    EXPECT(err.code == st && err.msg[0], "rm_sim_new: err not filled");

    rm_engine *e = (rm_engine *)&sentinel;
    st = rm_engine_new(NULL, NULL, NULL, &e, NULL);
    EXPECT(st == RM_ERR_ARG, "rm_engine_new(NULL meta): %d", (int)st);
    EXPECT(e == NULL, "rm_engine_new failed but *out is not NULL");

    rm_transport *t = (rm_transport *)&sentinel;
    memset(&err, 0, sizeof err);
    st = rm_transport_open_sim("no-such-scenario", NULL, &t, &err);
    EXPECT(st != RM_OK && t == NULL,
           "rm_transport_open_sim(unknown): %d, out %p", (int)st, (void *)t);
    EXPECT(err.code == st && err.msg[0],
           "rm_transport_open_sim: err not filled");
}

/* The names of the enumerations are the ones the reports use. */
static void names_are_stable(void)
{
    EXPECT(strcmp(rm_leg_name(RM_LEG_LEFT), "left") == 0, "leg name");
    EXPECT(strcmp(rm_line_name(RM_LINE_MEDIAL), "medial") == 0, "line");
    EXPECT(strcmp(rm_technique_name(RM_TECH_PIN_AND_STRETCH),
                  "pin_and_stretch") == 0, "technique name");
    rm_report_format f;
    EXPECT(rm_report_format_parse("csv", &f) == RM_OK && f == RM_REPORT_CSV,
           "format parse");
    EXPECT(rm_report_format_parse("pdf", &f) == RM_ERR_ARG,
           "unknown format accepted");
}

int main(void)
{
    versions_agree();
    every_status_has_text();
    release_functions_accept_null();
    failed_constructors_clear_out_and_fill_err();
    names_are_stable();
    if (failures)
        printf("%d broken promise%s\n", failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
