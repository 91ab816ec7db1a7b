/* Placeholder until the report command lands (being written now). */
#include <stdio.h>

#include "cli.h"

int cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("iotssf report: not available yet\n", stderr);
    return EXIT_USAGE;
}
