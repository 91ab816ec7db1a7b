/* Placeholder until the history command lands (being written now). */
#include <stdio.h>

#include "cli.h"

int cmd_history(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("iotssf history: not available yet\n", stderr);
    return EXIT_USAGE;
}
