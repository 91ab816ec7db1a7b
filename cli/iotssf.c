/*
 * The iotssf command: dispatches to one subcommand per file (cmd_*.c). It
 * holds no logic a library user would need; see include/iotssf/.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: iotssf <command> [options] [files]\n"
    "\n"
    "Commands:\n"
    "  categorize PROFILE...     place each use mode on the IoT-SSF axes, with the trace\n"
    "  requirements PROFILE...   what each use mode's tier calls for, by perspective and\n"
    "                            stakeholder; --scheme SCHEME shows it as that baseline's items\n"
    "                            (en303645, en303645v3, nistir8259a, c2, iec62443-4-2,\n"
    "                            jcstar1, siotp)\n"
    "  map PROFILE... -o map.svg the IoT-SSF risk map of every device x use mode\n"
    "  catalog check             validate the catalog and policy; coverage per baseline\n"
    "  firmware IMAGE            unpack a firmware image in memory and report what makes it\n"
    "                            insecure, its components and their known vulnerabilities\n"
    "                            (--extract DIR writes the tree; --fail-on SEVERITY;\n"
    "                            --sbom cyclonedx writes a CycloneDX 1.5 SBOM instead;\n"
    "                            --vulns-db FILE adds an imported vulnerability database)\n"
    "  probe TARGET              inspect a running device over the network: ports, services,\n"
    "                            telnet and backdoors, default credentials, anonymous access,\n"
    "                            TLS (only the targets given; see 'iotssf probe --help')\n"
    "  vulns lookup COMPONENT VERSION   known vulnerabilities of one component version\n"
    "  vulns update --osv DIR|ZIP | --nvd FILE   import a fuller database (atomic)\n"
    "  vulns list                the components the database knows\n"
    "  questionnaire PROFILE     the questions no machine can answer, as an answers file\n"
    "  assess PROFILE            verdicts per requirement, scheme conformity and grade from\n"
    "                            --firmware IMAGE, --probe HOST and --answers FILE; -o DIR\n"
    "  report ASSESSMENT.json    --format html|md|json|sarif|oscal\n"
    "  cert keygen|issue|verify  Ed25519 certificate of an assessment (see 'iotssf cert --help')\n"
    "  history [DEVICE]          past assessments of a device and what changed between them\n"
    "  version                   print the version\n"
    "\n"
    "Options (where they apply):\n"
    "  --format text|json|md     output format (map: also svg; firmware: text, json, sarif)\n"
    "  -o, --output FILE         write here, whole or not at all (default: stdout)\n"
    "  --policy FILE             categorization policy (default: data/policy/default.yaml)\n"
    "  --data DIR                data folder (default: $IOTSSF_DATA or the shipped data)\n"
    "  --scheme SCHEME           requirements: view as a baseline's items\n"
    "  --extract DIR             firmware: write the unpacked tree (never outside DIR)\n"
    "  --fail-on SEVERITY        firmware, probe: exit 1 when findings at or above it exist\n"
    "  probe: --ports LIST|all, --targets FILE, --creds FILE, --allow-range, --timeout S,\n"
    "         --rate LOGINS/S, --budget S, --parallel N, --scan-only, --no-logins\n"
    "  assess: --firmware IMAGE | --firmware-report JSON, --probe HOST | --probe-report JSON,\n"
    "         --answers FILE, --scheme S[,S...]|all, --level N, --grading FILE, --db FILE\n"
    "  -q, --quiet               no progress on the terminal\n"
    "\n"
    "Exit status: 0 ok, 1 findings (catalog check: uncovered items; firmware and probe:\n"
    "at or above --fail-on), 2 usage or input error, 3 internal error, 130 probe\n"
    "interrupted (partial report written). Profiles may be YAML or JSON.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    /* cert, history and vulns have subcommands and their own help. */
    bool own_help = strcmp(cmd, "cert") == 0 || strcmp(cmd, "history") == 0 ||
                    strcmp(cmd, "vulns") == 0;
    for (int i = 2; i < argc && !own_help; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return EXIT_OK;
        }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("iotssf %s\n", iotssf_version());
        return EXIT_OK;
    }
    if (strcmp(cmd, "categorize") == 0)
        return cmd_categorize(argc - 1, argv + 1);
    if (strcmp(cmd, "requirements") == 0)
        return cmd_requirements(argc - 1, argv + 1);
    if (strcmp(cmd, "map") == 0)
        return cmd_map(argc - 1, argv + 1);
    if (strcmp(cmd, "catalog") == 0)
        return cmd_catalog(argc - 1, argv + 1);
    if (strcmp(cmd, "firmware") == 0)
        return cmd_firmware(argc - 1, argv + 1);
    if (strcmp(cmd, "probe") == 0)
        return cmd_probe(argc - 1, argv + 1);
    if (strcmp(cmd, "vulns") == 0)
        return cmd_vulns(argc - 1, argv + 1);
    if (strcmp(cmd, "questionnaire") == 0)
        return cmd_questionnaire(argc - 1, argv + 1);
    if (strcmp(cmd, "assess") == 0)
        return cmd_assess(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "cert") == 0)
        return cmd_cert(argc - 1, argv + 1);
    if (strcmp(cmd, "history") == 0)
        return cmd_history(argc - 1, argv + 1);
    fprintf(stderr, "iotssf: unknown command '%s'\n\n%s", cmd, usage);
    return EXIT_USAGE;
}
