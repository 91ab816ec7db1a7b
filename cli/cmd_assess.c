/* Placeholder until the assess command lands (being written now). */
#include <stdio.h>

#include "cli.h"

int cmd_assess(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("iotssf assess: not available yet\n", stderr);
    return EXIT_USAGE;
}
