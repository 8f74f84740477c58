/* rollmap ports: not built yet (see the open issues). */
#include "cli.h"

int cmd_ports(int argc, char **argv)
{
    (void)argc;
    cli_error(argv[0], "not implemented yet");
    return EXIT_RUNTIME;
}
