/* Placeholder until the questionnaire command lands (being written now). */
#include <stdio.h>

#include "cli.h"

int cmd_questionnaire(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("iotssf questionnaire: not available yet\n", stderr);
    return EXIT_USAGE;
}
