/*
 * rollmap: the command-line front end of librollmap. A table of
 * subcommands, each in cmd_<name>.c with its own options and --help.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command {
    const char *name;
    cmd_fn run;
    const char *summary;
} commands[] = {
    { "record",    cmd_record,    "record a session from the roller (or --sim)" },
    { "replay",    cmd_replay,    "show a recorded session as the live view" },
    { "report",    cmd_report,    "report on a session: text, json, csv, svg, html" },
    { "info",      cmd_info,      "what a session file holds" },
    { "sim",       cmd_sim,       "simulate a session with known truth" },
    { "trend",     cmd_trend,     "spots over time across sessions" },
    { "tag",       cmd_tag,       "correct a session's leg, notes or person" },
    { "sessions",  cmd_sessions,  "list the sessions in a folder" },
    { "ports",     cmd_ports,     "list serial ports with their USB ids" },
    { "calibrate", cmd_calibrate, "tare and scale the cells with a known weight" },
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: rollmap COMMAND [OPTIONS]\n"
            "\n"
            "Pressure mapping for foam rolling the calf.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n"
            "'rollmap COMMAND --help' (or 'rollmap help COMMAND') shows a\n"
            "command's options.\n"
            "Example: rollmap sim basic -o calf.wav && rollmap report calf.wav\n"
            "\n"
            "Exit status: 0 success, 1 runtime failure, 2 usage error,\n"
            "3 invalid input data, 4 no board or several.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    /* 'rollmap help CMD' is 'rollmap CMD --help'. */
    char help_opt[] = "--help";
    char *help_argv[] = { argv[0], argv[argc > 2 ? 2 : 1], help_opt, NULL };
    if (!strcmp(name, "help") && argc == 3) {
        name = argv[2];
        argc = 3;
        argv = help_argv;
    } else if (!strcmp(name, "help") && argc > 3) {
        cli_error(NULL, "help: one command at a time");
        fprintf(stderr, "Try 'rollmap --help'.\n");
        return EXIT_USAGE;
    } else if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
               !strcmp(name, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
        printf("rollmap %s\n", rm_version_string());
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    cli_error(NULL, "unknown command '%s'", name);
    fprintf(stderr, "Try 'rollmap --help'.\n");
    return EXIT_USAGE;
}
