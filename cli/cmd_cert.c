/* Placeholder until the cert command lands (being written now). */
#include <stdio.h>

#include "cli.h"

int cmd_cert(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("iotssf cert: not available yet\n", stderr);
    return EXIT_USAGE;
}
