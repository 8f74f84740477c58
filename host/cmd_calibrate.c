/*
 * rollmap calibrate: tare the cells with the roller unloaded, then find
 * each cell's scale (N per count) from a known weight placed on it, and
 * store both on the board (SET_CAL per cell, then STORE_CAL to EEPROM).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "cli.h"

#define CMD "calibrate"
#define G_M_S2 9.80665        /* standard gravity: kg -> N */
#define MIN_DELTA_COUNTS 1000 /* well above the HX711's few hundred counts
                                 of noise: less means no weight on the cell */

static void help(void)
{
    printf("Usage: rollmap calibrate [-p PORT | --sim[=SCENARIO]] --weight KG\n"
           "                         [--cell N|all] [--seconds S] [--yes]\n"
           "\n"
           "Calibrate the load cells and store the result on the board:\n"
           "1. with the roller unloaded, tare every cell;\n"
           "2. put the known weight on a cell (one cell at a time for\n"
           "   --cell all), and its scale in N/count is measured.\n"
           "\n"
           "Options:\n"
           "  -p, --port PORT    serial port (default: found by USB id)\n"
           "      --sim[=SCEN]   the virtual board (for trying it out): by\n"
           "                     default a bench that puts the weight on\n"
           "                     every cell after the unloaded step\n"
           "  -w, --weight KG    the known weight, kg (required)\n"
           "  -c, --cell N|all   which cell, 0-based, or all (default all)\n"
           "      --seconds S    averaging time per step (default 2)\n"
           "  -y, --yes          do not wait for Enter between steps\n"
           "      --baud N       serial speed (default %u)\n"
           "  -h, --help         show this help\n"
           "\n"
           "Example: rollmap calibrate --weight 5 --cell all\n"
           "Exit status: 0 stored; 1 failure (nothing stored); 2 usage\n"
           "error; 3 the board sent unusable data; 4 no board, or several.\n",
           RM_DEFAULT_BAUD);
}

static void step(const char *text, int yes)
{
    fprintf(stderr, "rollmap calibrate: %s%s\n", text,
            yes ? "" : " Then press Enter.");
    if (yes)
        return;
    int ch;
    while ((ch = getchar()) != EOF && ch != '\n')
        ;
}

/* Mean raw counts per cell over @p seconds of streaming. */
static int measure(rm_link *l, double seconds, double *mean, uint64_t *n_out)
{
    const rm_descriptor *d = rm_link_descriptor(l);
    double sum[RM_MAX_CELLS] = { 0 };
    uint64_t n = 0, want = (uint64_t)ceil(seconds * d->rate_hz);
    rm_frame buf[64];
    if (rm_link_start(l) != RM_OK) {
        cli_error(CMD, "%s", rm_link_errmsg(l));
        return -1;
    }
    while (n < want) {
        size_t got = 0;
        rm_status st = rm_link_read(l, buf, 64, &got, 200);
        if (st != RM_OK || (!got && rm_link_ended(l))) {
            cli_error(CMD, "%s", st != RM_OK ? rm_link_errmsg(l)
                                             : "the board stopped sending");
            return -1;
        }
        for (size_t i = 0; i < got && n < want; i++, n++)
            for (uint32_t c = 0; c < d->cells; c++)
                sum[c] += buf[i].cells[c];
    }
    rm_link_stop(l);
    for (uint32_t c = 0; c < d->cells; c++)
        mean[c] = sum[c] / (double)n;
    *n_out = n;
    return 0;
}

int cmd_calibrate(int argc, char **argv)
{
    enum { OPT_SIM = 256, OPT_SECONDS, OPT_BAUD };
    static const struct option opts[] = {
        { "port", required_argument, NULL, 'p' },
        { "sim", optional_argument, NULL, OPT_SIM },
        { "weight", required_argument, NULL, 'w' },
        { "cell", required_argument, NULL, 'c' },
        { "seconds", required_argument, NULL, OPT_SECONDS },
        { "yes", no_argument, NULL, 'y' },
        { "baud", required_argument, NULL, OPT_BAUD },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    board_args b = { 0 };
    double weight_kg = 0.0, seconds = 2.0;
    const char *cell_arg = "all";
    int yes = 0, c;
    uint64_t baud = 0;
    optind = 1;
    while ((c = cli_getopt(argc, argv, "p:w:c:yh", opts)) != -1) {
        switch (c) {
        case 'p': b.port = optarg; break;
        case OPT_SIM:
            b.sim = 1;
            b.scenario = optarg; /* NULL: the bench, once --weight is known */
            b.vboard.no_realtime = 1; /* nothing to wait for */
            break;
        case 'w':
            if (cli_parse_double(CMD, "--weight", optarg, 0.001, 1000.0,
                                 &weight_kg))
                return EXIT_USAGE;
            break;
        case 'c': cell_arg = optarg; break;
        case OPT_SECONDS:
            if (cli_parse_double(CMD, "--seconds", optarg, 0.1, 600.0,
                                 &seconds))
                return EXIT_USAGE;
            break;
        case 'y': yes = 1; break;
        case OPT_BAUD:
            if (cli_parse_u64(CMD, "--baud", optarg, &baud))
                return EXIT_USAGE;
            if (baud < 1200 || baud > 12000000)
                return cli_usage_error(CMD, "--baud: %s is not a serial speed",
                                       optarg);
            b.baud = (uint32_t)baud;
            break;
        case 'h': help(); return EXIT_OK;
        default: return cli_option_error(CMD, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (weight_kg <= 0.0)
        return cli_usage_error(CMD, "--weight KG is required");
    if (b.sim && b.port)
        return cli_usage_error(CMD, "-p and --sim exclude each other");
    uint64_t one_cell = 0;
    int all = !strcmp(cell_arg, "all");
    if (!all && cli_parse_u64(CMD, "--cell", cell_arg, &one_cell))
        return EXIT_USAGE;

    /* The virtual board as a calibration bench that puts the weight on
     * every cell after the unloaded step (docs/live.md). */
    char bench[48];
    if (b.sim && !b.scenario) {
        snprintf(bench, sizeof bench, "bench:%.17g", weight_kg);
        b.scenario = bench;
    }
    rm_link *l = NULL;
    int rc = board_open(CMD, &b, &l);
    if (rc)
        return rc;
    const rm_descriptor *d = rm_link_descriptor(l);
    uint32_t cells = d->cells;
    if (!all && one_cell >= cells) {
        rm_link_close(l);
        return cli_usage_error(CMD, "--cell: the board has cells 0..%u",
                               cells - 1);
    }

    step("take all load off the roller.", yes);
    if (rm_link_tare(l, 0) != RM_OK) {
        cli_error(CMD, "tare failed: %s", rm_link_errmsg(l));
        rm_link_close(l);
        return EXIT_RUNTIME;
    }
    double base[RM_MAX_CELLS], loaded[RM_MAX_CELLS];
    float scale[RM_MAX_CELLS];
    int32_t tare[RM_MAX_CELLS];
    uint64_t n = 0;
    /* The board's tare, then our own unloaded mean as the zero the scale
     * is measured from (the same samples the weight is compared with). */
    if (measure(l, seconds, base, &n)) {
        rm_link_close(l);
        return EXIT_RUNTIME;
    }
    d = rm_link_descriptor(l);
    for (uint32_t i = 0; i < cells; i++) {
        scale[i] = d->scale_n_per_count[i];
        tare[i] = d->tare_counts[i];
    }
    uint32_t from = all ? 0 : (uint32_t)one_cell;
    uint32_t to = all ? cells : from + 1;
    double force_n = weight_kg * G_M_S2;
    for (uint32_t i = from; i < to; i++) {
        char text[128];
        snprintf(text, sizeof text, "put %.3g kg on cell %u (only there).",
                 weight_kg, i);
        step(text, yes);
        if (measure(l, seconds, loaded, &n)) {
            rm_link_close(l);
            return EXIT_RUNTIME;
        }
        double delta = loaded[i] - base[i];
        /* A weight raises the reading: a fall means a cell wired the
         * other way round or a load during the tare, and a negative
         * scale would turn every later force upside down. */
        if (delta <= -MIN_DELTA_COUNTS) {
            cli_error(CMD, "cell %u: the reading fell by %.0f counts under "
                           "the weight (was something on the roller during "
                           "the tare, or is the cell wired reversed?); "
                           "nothing stored", i, -delta);
            rm_link_close(l);
            return EXIT_RUNTIME;
        }
        if (delta < MIN_DELTA_COUNTS) {
            cli_error(CMD, "cell %u: the weight moved it only %.0f counts "
                           "(is the weight on cell %u?); nothing stored",
                      i, delta, i);
            rm_link_close(l);
            return EXIT_RUNTIME;
        }
        /* Worked example: 5 kg = 49.03 N over a 490 300-count rise gives
         * 1.0e-4 N/count. */
        scale[i] = (float)(force_n / delta);
        /* With '-p -' stdout carries the commands to the board. */
        fprintf(b.port && !strcmp(b.port, "-") ? stderr : stdout,
                "cell %2u  tare %9d counts  scale %.6g N/count  (%llu "
                "sample%s)\n", i, (int)tare[i], (double)scale[i],
                (unsigned long long)n, cli_s(n));
    }
    for (uint32_t i = from; i < to; i++)
        if (rm_link_set_calibration(l, i, scale[i], tare[i]) != RM_OK) {
            cli_error(CMD, "cell %u: %s; nothing stored", i,
                      rm_link_errmsg(l));
            rm_link_close(l);
            return EXIT_RUNTIME;
        }
    if (rm_link_store_calibration(l) != RM_OK) {
        cli_error(CMD, "storing on the board failed: %s", rm_link_errmsg(l));
        rm_link_close(l);
        return EXIT_RUNTIME;
    }
    fprintf(stderr, "rollmap calibrate: stored on the board (%u cell%s)\n",
            to - from, to - from == 1 ? "" : "s");
    rm_link_close(l);
    return EXIT_OK;
}
