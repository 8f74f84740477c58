/*
 * Test helper: check that a recorded session holds exactly the frames the
 * simulator produces for a scenario and seed, bit for bit, in order, none
 * missing: the frame source compared with what arrived over the link.
 *
 *   simcmp FILE.wav SCENARIO SEED [--duration S] [--expect N] [--within S]
 *          [--firmware]
 *
 * Exit 0 when every frame in the file equals the simulator's frame at the
 * same position, and there are N of them (--expect) or as many as the
 * simulator makes within S seconds of board time from its first frame
 * (--within: what `record --duration S` keeps); 1 otherwise.
 *
 * --firmware: the frames came from the real firmware in simavr, whose
 * virtual HX711s and encoder replay the simulator's frames but which
 * numbers and timestamps frames itself and converted some before START.
 * Then the first recorded frame is located in the source by its content,
 * and from there every frame must carry the next source frame's cells and
 * encoder, with sequence numbers rising by exactly one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollmap.h"

#define BLOCK 512

static int same(const rm_frame *a, const rm_frame *b, uint32_t cells)
{
    if (a->seq != b->seq || a->time_us != b->time_us ||
        a->encoder != b->encoder)
        return 0;
    return memcmp(a->cells, b->cells, cells * sizeof a->cells[0]) == 0;
}

/* Next frame of the source, one at a time; 0 at its end. */
static int sim_next(rm_sim *sim, rm_frame *f)
{
    size_t k = 0;
    return rm_sim_read(sim, f, 1, &k) == RM_OK && k == 1;
}

static int firmware_compare(rm_session *s, rm_sim *sim, uint32_t cells,
                            long long expect)
{
    static rm_frame got[BLOCK];
    rm_frame src;
    unsigned long long n = 0, skipped = 0;
    uint32_t prev_seq = 0;
    size_t g = 0;
    while (rm_session_read(s, got, BLOCK, &g) == RM_OK && g) {
        for (size_t i = 0; i < g; i++, n++) {
            if (n == 0) {
                /* Conversions made before START were not sent: find the
                 * first frame's content in the source (within 60 s). */
                int found = 0;
                while (skipped < 4800 && sim_next(sim, &src)) {
                    if (!memcmp(src.cells, got[0].cells,
                                cells * sizeof src.cells[0])) {
                        found = 1;
                        break;
                    }
                    skipped++;
                }
                if (!found) {
                    fprintf(stderr, "simcmp: first frame not in the source\n");
                    return 1;
                }
            } else if (!sim_next(sim, &src)) {
                fprintf(stderr, "simcmp: more frames than the source\n");
                return 1;
            }
            if (memcmp(src.cells, got[i].cells, cells * sizeof src.cells[0]) ||
                src.encoder != got[i].encoder) {
                fprintf(stderr, "simcmp: frame %llu (seq %u) differs from "
                                "source frame %llu (encoder %d vs %d)\n",
                        n, got[i].seq, n + skipped, got[i].encoder,
                        src.encoder);
                return 1;
            }
            if (n && got[i].seq != prev_seq + 1u) {
                fprintf(stderr, "simcmp: sequence jumps %u -> %u at frame "
                                "%llu\n", prev_seq, got[i].seq, n);
                return 1;
            }
            prev_seq = got[i].seq;
        }
    }
    printf("simcmp: %llu firmware frames carry source frames %llu..%llu "
           "exactly, sequence unbroken\n", n, skipped, skipped + n - 1);
    if (expect >= 0 && (long long)n != expect) {
        fprintf(stderr, "simcmp: %llu frames, expected %lld\n", n, expect);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: simcmp FILE.wav SCENARIO SEED "
                        "[--duration S] [--expect N]\n");
        return 2;
    }
    rm_sim_options o = { .seed = strtoull(argv[3], NULL, 0) };
    long long expect = -1;
    double within_s = -1.0;
    int firmware = 0;
    for (int i = 4; i < argc; i++)
        if (!strcmp(argv[i], "--firmware"))
            firmware = 1;
    for (int i = 4; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--firmware")) {
            i--;
            continue;
        }
        if (!strcmp(argv[i], "--duration"))
            o.duration_s = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--expect"))
            expect = atoll(argv[i + 1]);
        else if (!strcmp(argv[i], "--within"))
            within_s = atof(argv[i + 1]);
    }
    rm_error err = { 0 };
    rm_session *s = NULL;
    rm_sim *sim = NULL;
    if (rm_session_open(argv[1], &s, &err) != RM_OK ||
        rm_sim_new(argv[2], &o, &sim, &err) != RM_OK) {
        fprintf(stderr, "simcmp: %s\n", err.msg);
        return 1;
    }
    uint32_t cells = rm_session_get_meta(s)->desc.cells;
    static rm_frame got[BLOCK], want[BLOCK];
    if (firmware) {
        int rc = firmware_compare(s, sim, cells, expect);
        rm_sim_free(sim);
        rm_session_close(s);
        return rc;
    }
    unsigned long long n = 0;
    int bad = 0;
    for (;;) {
        size_t g = 0, w = 0;
        if (rm_session_read(s, got, BLOCK, &g) != RM_OK) {
            fprintf(stderr, "simcmp: %s\n", rm_session_errmsg(s));
            return 1;
        }
        if (!g)
            break;
        /* Ask the simulator for exactly as many frames. */
        while (w < g) {
            size_t k = 0;
            if (rm_sim_read(sim, want + w, g - w, &k) != RM_OK || !k)
                break;
            w += k;
        }
        if (w < g) {
            fprintf(stderr, "simcmp: file has more frames than the "
                            "simulator (%llu+)\n", n + w);
            return 1;
        }
        for (size_t i = 0; i < g; i++, n++)
            if (!same(&got[i], &want[i], cells)) {
                fprintf(stderr, "simcmp: frame %llu differs (seq %u vs %u, "
                                "time %u vs %u)\n", n, got[i].seq,
                        want[i].seq, got[i].time_us, want[i].time_us);
                bad = 1;
                break;
            }
        if (bad)
            break;
    }
    if (!bad && within_s >= 0.0) {
        /* Count the source's frames inside the window, from the start. */
        rm_sim *again = NULL;
        if (rm_sim_new(argv[2], &o, &again, &err) != RM_OK) {
            fprintf(stderr, "simcmp: %s\n", err.msg);
            return 1;
        }
        uint32_t first = 0;
        int have_first = 0, done = 0;
        expect = 0;
        while (!done) {
            size_t k = 0;
            if (rm_sim_read(again, want, BLOCK, &k) != RM_OK || !k)
                break;
            for (size_t i = 0; i < k; i++) {
                if (!have_first) {
                    first = want[i].time_us;
                    have_first = 1;
                }
                if ((uint32_t)(want[i].time_us - first) >= within_s * 1e6) {
                    done = 1;
                    break;
                }
                expect++;
            }
        }
        rm_sim_free(again);
    }
    printf("simcmp: %llu frames identical to %s seed %s\n", n, argv[2],
           argv[3]);
    if (!bad && expect >= 0 && (long long)n != expect) {
        fprintf(stderr, "simcmp: %llu frames, expected %lld\n", n, expect);
        bad = 1;
    }
    rm_sim_free(sim);
    rm_session_close(s);
    return bad;
}
