/*
 * print_holds: the holds (dwells) of a recorded session, one per line.
 * Shows the offline path of librollmap: session reader -> engine ->
 * summary, with caller-owned frame buffers and error handling at each step.
 *
 * Build against an installed librollmap:
 *   cc -std=c11 print_holds.c $(pkg-config --cflags --libs librollmap) \
 *      -o print_holds
 * Run:  ./print_holds calf.wav
 * Exit: 0 success, 1 failure, 2 usage, 3 not a valid session file.
 */
#include <stdio.h>
#include <stdlib.h>

#include <rollmap.h>

/* Frames read per call: 4096 frames of 32 cells are about 560 kB. Any
 * size works; the engine gives the same findings for any block size. */
#define BLOCK_FRAMES 4096

static int exit_code_for(rm_status st)
{
    return st == RM_ERR_FORMAT || st == RM_ERR_UNSUPPORTED ? 3 : 1;
}

static void print_hold(size_t i, const rm_hold *h)
{
    printf("%2zu  %7.1f s  %5.1f s  %5.1f cm (%3.0f%%)  %-8s %-16s"
           " %6.1f N  %6.1f kPa",
           i + 1, h->start_s, h->duration_s, h->position_cm,
           100.0 * h->position_frac, rm_line_name(h->line),
           rm_technique_name(h->technique), h->mean_force_n,
           h->peak_pressure_kpa);
    if (h->technique == RM_TECH_PIN_AND_STRETCH)
        printf("  %u flexes", (unsigned)h->flexes);
    putchar('\n');
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SESSION.wav\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];

    /* Constructors fill a caller-owned rm_error when they fail: there is
     * no handle yet to ask. */
    rm_error err = { 0 };
    rm_session *sess = NULL;
    rm_status st = rm_session_open(path, &sess, &err);
    if (st != RM_OK) {
        fprintf(stderr, "print_holds: %s\n", err.msg);
        return exit_code_for(st);
    }

    /* The engine learns geometry, rate and calibration from the file's
     * metadata; NULL config means the documented defaults, NULL callbacks
     * means "tell me at the end" (the summary). */
    rm_engine *eng = NULL;
    st = rm_engine_new(rm_session_get_meta(sess), NULL, NULL, &eng, &err);
    if (st != RM_OK) {
        fprintf(stderr, "print_holds: %s: %s\n", path, err.msg);
        rm_session_close(sess);
        return exit_code_for(st);
    }

    rm_frame *buf = malloc(BLOCK_FRAMES * sizeof *buf);
    if (!buf) {
        fprintf(stderr, "print_holds: out of memory\n");
        rm_engine_free(eng);
        rm_session_close(sess);
        return 1;
    }

    /* Once a handle exists, its errmsg() says what went wrong. */
    int rc = 0;
    size_t got = 0;
    while ((st = rm_session_read(sess, buf, BLOCK_FRAMES, &got)) == RM_OK &&
           got > 0) {
        st = rm_engine_push(eng, buf, got);
        if (st != RM_OK) {
            fprintf(stderr, "print_holds: %s: %s\n", path,
                    rm_engine_errmsg(eng));
            rc = exit_code_for(st);
            goto done;
        }
    }
    if (st != RM_OK) {
        fprintf(stderr, "print_holds: %s\n", rm_session_errmsg(sess));
        rc = exit_code_for(st);
        goto done;
    }
    st = rm_engine_finish(eng);
    if (st != RM_OK) {
        fprintf(stderr, "print_holds: %s: %s\n", path,
                rm_engine_errmsg(eng));
        rc = exit_code_for(st);
        goto done;
    }

    /* The summary and the arrays in it belong to the engine: read them
     * before rm_engine_free(). */
    const rm_summary *sum = rm_engine_summary(eng);
    if (!sum) {
        fprintf(stderr, "print_holds: %s: no summary\n", path);
        rc = 1;
        goto done;
    }
    printf("%s: %.1f s, %zu hold%s\n", path, sum->duration_s, sum->n_holds,
           sum->n_holds == 1 ? "" : "s");
    if (sum->n_holds > 0)
        printf(" #  %9s  %7s  %-14s  %-8s %-16s %8s  %10s\n", "start",
               "length", "position", "line", "technique", "force",
               "peak");
    for (size_t i = 0; i < sum->n_holds; i++)
        print_hold(i, &sum->holds[i]);

done:
    free(buf);
    rm_engine_free(eng);
    rm_session_close(sess);
    return rc;
}
