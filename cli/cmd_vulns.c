/* Placeholder until the vulns command lands (being written now). */
#include <stdio.h>

#include "cli.h"

int cmd_vulns(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("iotssf vulns: not available yet\n", stderr);
    return EXIT_USAGE;
}
