/*
 * rollmap sim [SCENARIO] -o FILE.wav: render a simulated session (a
 * physical model of a calf on the roller, lib/sim) through the session
 * writer, and optionally the truth of what was planted as JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "sim"
/* Frames per block handed to the writer: 4096 x 140 B = 560 kB. */
#define BLOCK_FRAMES 4096

static void help(void)
{
    printf("Usage: rollmap sim [SCENARIO] -o FILE.wav [--truth FILE.json]\n"
           "                   [--seed N] [--duration SEC] [--leg left|right]\n"
           "                   [--physics NAME[,NAME...]|random] [--force]\n"
           "                   [--person ID [--day K]] [--measured-length]\n"
           "                   [--quiet] [--json]\n"
           "       rollmap sim --list-physics\n"
           "\n"
           "Simulate a foam-rolling session on a model calf and record it as\n"
           "a rollmap session file, with the truth (holds, passes, flinches,\n"
           "trigger points...) as JSON. The same scenario, seed and options\n"
           "always give the same file.\n"
           "\n"
           "Scenarios (default basic):\n"
           "  basic   three lines, several passes each, a few holds (~3-8 min)\n"
           "  holds   every technique (static, rocking, pin-and-stretch), 3 each\n"
           "          (~6-10 min)\n"
           "  clean   rolling only: no holds, trigger points or flinches\n"
           "  noisy   like basic with lost frames, 3x noise, spikes, encoder\n"
           "          slip, 50 Hz pickup and a timestamp wrap\n"
           "  stress  32 cells at 1 kHz, 7.5 mm pitch; 60 s unless --duration\n"
           "  short   a few seconds (8 s): one pass\n"
           "\n"
           "Options:\n"
           "  -o, --output FILE.wav   session file to write (required)\n"
           "  -t, --truth FILE.json   write the truth here ('-': stdout)\n"
           "  -s, --seed N            seed (default 1; 0 means 1)\n"
           "  -d, --duration SEC      session length, 1..604800 s (default:\n"
           "                          the scenario's own; stress 60 s)\n"
           "  -l, --leg left|right    leg (default: chosen by the seed)\n"
           "  -p, --physics LIST      physics variants, comma-separated, or\n"
           "                          'random' (drawn from the seed); default:\n"
           "                          the original model\n"
           "      --list-physics      print each physics name with one line\n"
           "      --person ID         one person over days: the calf, leg and\n"
           "                          trigger points follow from ID alone (not\n"
           "                          the seed); ID goes into the session\n"
           "      --day K             that person's day K, 0..3650 (default 0):\n"
           "                          the date is K days after day 0's and each\n"
           "                          spot fades, stays or appears by a fixed\n"
           "                          rule (docs/simulator.md)\n"
           "      --measured-length   store the calf's length as a tape would\n"
           "                          measure it: the truth's plus a reading\n"
           "                          error within +-0.5 cm (from the seed),\n"
           "                          as 'record --calf-length' stores it\n"
           "  -f, --force             overwrite existing files\n"
           "  -q, --quiet             no summary line on stderr\n"
           "      --json              at the end, one JSON object on stdout:\n"
           "                          file, frames, dropped, duration_s, leg,\n"
           "                          errors\n"
           "  -h, --help              show this help and exit\n"
           "\n"
           "Example: rollmap sim holds -o calf.wav --truth calf.json --seed 7\n"
           "         rollmap sim --person ana --day 3 -o ana3.wav\n"
           "\n"
           "Exit status: 0 success, 1 write failure (or file exists without\n"
           "--force), 2 usage error.\n");
}

static int list_physics(void)
{
    for (const char *const *p = rm_sim_physics_list(); *p; p++)
        printf("%-16s %s\n", *p, rm_sim_physics_summary(*p));
    return EXIT_OK;
}

static int known_scenario(const char *name)
{
    for (const char *const *s = rm_sim_scenarios(); *s; s++)
        if (!strcmp(*s, name))
            return 1;
    return 0;
}

/* Open the truth file, refusing to replace one unless forced. */
static FILE *open_truth(const char *path, int force)
{
    if (!strcmp(path, "-"))
        return stdout;
    FILE *f = fopen(path, force ? "w" : "wx");
    if (!f)
        cli_error(CMD, "%s: %s%s", path, strerror(errno),
                  errno == EEXIST ? " (use --force to overwrite)" : "");
    return f;
}

/* Close the truth file; on failure (or if @p failed) remove it, so no
 * half-written truth is left beside a session. Returns nonzero if the
 * truth is not complete on disk. */
static int close_truth(FILE *f, const char *path, int failed)
{
    if (!f)
        return 0;
    if (f == stdout)
        return fflush(f) != 0 || failed;
    failed |= fclose(f) != 0;
    if (failed)
        remove(path);
    return failed;
}

static int render(rm_sim *sim, rm_session_writer *w, const char *out_path)
{
    rm_frame *buf = calloc(BLOCK_FRAMES, sizeof *buf);
    if (!buf) {
        cli_error(CMD, "out of memory");
        return EXIT_RUNTIME;
    }
    int rc = EXIT_OK;
    for (;;) {
        size_t got = 0;
        rm_status st = rm_sim_read(sim, buf, BLOCK_FRAMES, &got);
        if (st != RM_OK) {
            cli_error(CMD, "simulator: %s", rm_sim_errmsg(sim));
            rc = EXIT_RUNTIME;
            break;
        }
        if (got == 0)
            break;
        st = rm_session_writer_append(w, buf, got);
        if (st != RM_OK) {
            cli_error(CMD, "%s: %s", out_path, rm_session_writer_errmsg(w));
            rc = cli_exit_for(st);
            break;
        }
    }
    free(buf);
    return rc;
}

int cmd_sim(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output",   required_argument, NULL, 'o' },
        { "truth",    required_argument, NULL, 't' },
        { "seed",     required_argument, NULL, 's' },
        { "duration", required_argument, NULL, 'd' },
        { "leg",      required_argument, NULL, 'l' },
        { "physics",  required_argument, NULL, 'p' },
        { "list-physics", no_argument,   NULL, 'L' },
        { "person",   required_argument, NULL, 'P' },
        { "day",      required_argument, NULL, 'D' },
        { "measured-length", no_argument, NULL, 'M' },
        { "force",    no_argument,       NULL, 'f' },
        { "quiet",    no_argument,       NULL, 'q' },
        { "json",     no_argument,       NULL, 'J' },
        { "help",     no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *out_path = NULL, *truth_path = NULL, *scenario = "basic";
    rm_sim_options o = { .seed = 1 };
    int force = 0, quiet = 0, json = 0, have_day = 0, c;
    uint64_t day = 0;

    optind = 1;
    while ((c = cli_getopt(argc, argv, "o:t:s:d:l:p:fqh", opts)) != -1) {
        switch (c) {
        case 'o': out_path = optarg; break;
        case 't': truth_path = optarg; break;
        case 's':
            if (cli_parse_u64(CMD, "--seed", optarg, &o.seed))
                return EXIT_USAGE;
            break;
        case 'd':
            if (cli_parse_double(CMD, "--duration", optarg, 1.0, 604800.0,
                                 &o.duration_s))
                return EXIT_USAGE;
            break;
        case 'l':
            if (rm_leg_parse(optarg, &o.leg) != RM_OK)
                return cli_usage_error(CMD, "--leg: '%s' is not left or right",
                                       optarg);
            break;
        case 'p': o.physics = optarg; break;
        case 'L': return list_physics();
        case 'P':
            if (!optarg[0] || strlen(optarg) >= RM_PERSON_MAX)
                return cli_usage_error(CMD, "--person: an id of 1-%d bytes",
                                       RM_PERSON_MAX - 1);
            o.person = optarg;
            break;
        case 'D':
            if (cli_parse_u64(CMD, "--day", optarg, &day))
                return EXIT_USAGE;
            if (day > 3650)
                return cli_usage_error(CMD, "--day: %s is outside 0..3650",
                                       optarg);
            o.day = (uint32_t)day;
            have_day = 1;
            break;
        case 'M': o.measured_length = 1; break;
        case 'f': force = 1; break;
        case 'q': quiet = 1; break;
        case 'J': json = 1; break;
        case 'h': help(); return EXIT_OK;
        default: return cli_option_error(CMD, argv);
        }
    }
    if (optind < argc)
        scenario = argv[optind++];
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (!known_scenario(scenario))
        return cli_usage_error(CMD, "unknown scenario '%s' (basic, holds, "
                               "clean, noisy, stress, short)", scenario);
    if (!out_path)
        return cli_usage_error(CMD, "no output file (-o FILE.wav)");
    if (have_day && !o.person)
        return cli_usage_error(CMD, "--day needs --person");
    if (json && truth_path && !strcmp(truth_path, "-"))
        return cli_usage_error(CMD, "--json and --truth - both want stdout");

    if (!o.seed)
        o.seed = 1; /* the library's default too */

    rm_sim *sim = NULL;
    rm_error err;
    rm_status st = rm_sim_new(scenario, &o, &sim, &err);
    if (st != RM_OK) {
        cli_error(CMD, "%s", err.msg);
        return cli_exit_for(st);
    }
    /* Claim the truth file first, so a refusal costs no work and leaves
     * no session behind. */
    FILE *tf = NULL;
    if (truth_path && !(tf = open_truth(truth_path, force))) {
        rm_sim_free(sim);
        return EXIT_RUNTIME;
    }
    rm_session_writer *w = NULL;
    st = rm_session_writer_new(out_path, rm_sim_get_meta(sim),
                               force ? RM_WRITE_OVERWRITE : 0, &w, &err);
    if (st != RM_OK) {
        cli_error(CMD, "%s%s", err.msg,
                  st == RM_ERR_EXISTS ? " (use --force to overwrite)" : "");
        close_truth(tf, truth_path, 1);
        rm_sim_free(sim);
        return st == RM_ERR_EXISTS ? EXIT_RUNTIME : cli_exit_for(st);
    }
    int rc = render(sim, w, out_path);
    uint64_t frames = rm_session_writer_frames(w);
    uint64_t dropped = rm_session_writer_dropped(w);
    st = rm_session_writer_close(w);
    if (st != RM_OK && rc == EXIT_OK) {
        cli_error(CMD, "%s: closing failed: %s", out_path, rm_strerror(st));
        rc = EXIT_RUNTIME;
    }
    if (tf) {
        int bad = rc != EXIT_OK || rm_sim_write_truth(sim, tf) != RM_OK;
        if (close_truth(tf, truth_path, bad) && rc == EXIT_OK) {
            cli_error(CMD, "%s: writing the truth failed", truth_path);
            rc = EXIT_RUNTIME;
        }
    }
    if (rc == EXIT_OK && !quiet) {
        const rm_session_meta *m = rm_sim_get_meta(sim);
        fprintf(stderr, "rollmap sim: %s seed %llu, %s leg: %llu frame%s "
                "(%.1f s at %g Hz, %llu dropped) -> ", scenario,
                (unsigned long long)o.seed, rm_leg_name(m->leg),
                (unsigned long long)frames, cli_s(frames),
                (double)(frames + dropped) / m->desc.rate_hz,
                (double)m->desc.rate_hz, (unsigned long long)dropped);
        cli_put_safe(stderr, out_path);
        fputc('\n', stderr);
    }
    if (rc == EXIT_OK && json) {
        const rm_session_meta *m = rm_sim_get_meta(sim);
        cli_summary js = {
            .file = out_path, .frames = frames, .dropped = dropped,
            .duration_s = (double)(frames + dropped) / m->desc.rate_hz,
            .leg = m->leg,
        };
        if (cli_print_summary_json(stdout, &js)) {
            cli_error(CMD, "could not write the JSON summary");
            rc = EXIT_RUNTIME;
        }
    }
    rm_sim_free(sim);
    return rc;
}
