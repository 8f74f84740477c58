#include "cli.h"
int cmd_sessions(int argc, char **argv) { (void)argc; (void)argv; return EXIT_RUNTIME; }
