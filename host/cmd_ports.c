/*
 * rollmap ports: the serial ports the OS lists, with description and USB
 * VID:PID, marking the ones that look like a rollmap board (the list in
 * docs/live.md). Data on stdout, messages on stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("Usage: rollmap ports [--boards]\n"
           "\n"
           "List serial ports with their USB ids. Ports whose VID:PID is a\n"
           "known board (Arduino Uno, CH340/FTDI clones, ...) are marked '*';\n"
           "'rollmap record' without -p uses the one marked port.\n"
           "\n"
           "Options:\n"
           "  -b, --boards   list only the marked ports (default: all)\n"
           "  -h, --help     show this help\n"
           "\n"
           "Example: rollmap ports\n"
           "Exit status: 0 ports listed (even none), 1 listing failed,\n"
           "2 usage error.\n");
}

int cmd_ports(int argc, char **argv)
{
    static const struct option opts[] = {
        { "boards", no_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int boards_only = 0, c;
    optind = 1;
    while ((c = cli_getopt(argc, argv, "bh", opts)) != -1) {
        switch (c) {
        case 'b': boards_only = 1; break;
        case 'h': help(); return EXIT_OK;
        default:  return cli_option_error(argv[0], argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'",
                               argv[optind]);

    rm_port_info *ports = NULL;
    size_t n = 0;
    rm_error err = { 0 };
    rm_status st = rm_ports_list(&ports, &n, &err);
    if (st != RM_OK) {
        cli_error(argv[0], "%s", err.msg);
        return EXIT_RUNTIME;
    }
    size_t shown = 0, marked = 0;
    for (size_t i = 0; i < n; i++) {
        const rm_port_info *p = &ports[i];
        if (boards_only && !p->board)
            continue;
        if (!shown++)
            printf("  %-20s %-9s %s\n", "PORT", "USB ID", "DESCRIPTION");
        char id[16] = "-";
        if (p->usb)
            snprintf(id, sizeof id, "%04x:%04x", (unsigned)p->usb_vid & 0xffff,
                     (unsigned)p->usb_pid & 0xffff);
        printf("%c %-20s %-9s ", p->board ? '*' : ' ', p->name, id);
        cli_put_safe(stdout, p->description);
        if (p->board) {
            printf(" [");
            cli_put_safe(stdout, p->board);
            printf("]");
            marked++;
        }
        putchar('\n');
    }
    rm_ports_free(ports);
    if (!shown)
        fprintf(stderr, "rollmap ports: no %sserial ports found\n",
                boards_only ? "board-like " : "");
    else if (!marked)
        fprintf(stderr, "rollmap ports: no port has a known board USB id; "
                        "use 'rollmap record -p PORT'\n");
    return EXIT_OK;
}
