/*
 * Writes N generated device profiles as one multi-document YAML stream
 * ("---" between documents) for bench/categorize.sh. The same N and seed give
 * the same bytes on every machine.
 *
 *   gen_profiles N SEED [FEATURES_YAML] > profiles.yaml
 *
 * Every fact is drawn from its whole scale (lib/profile/facts.c), but never in
 * a combination the loader refuses as contradictory (lib/profile/profile.c,
 * check_contradictions): death is never fully reversible, a use mode with no
 * harm is always fully reversible, and fleet or botnet propagation always has
 * at least two units deployed. Overrides stay within the default policy's four
 * levels and always carry a justification. When FEATURES_YAML (the catalog's
 * data/catalog/features.yaml) is given, each profile lists a few of its
 * feature ids; without it profiles list no features.
 */
#define _POSIX_C_SOURCE 200809L /* strndup */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_FEATURES = 256, OVERRIDE_LEVELS = 4 };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The fact scales, least severe first, as in lib/profile/facts.c. */
static const char *const sectors[] = {"consumer", "healthcare", "building", "energy",
                                      "water", "manufacturing", "transport", "agriculture",
                                      "finance", "public", "other"};
static const char *const harm_people[] = {"none", "discomfort", "injury", "serious_injury",
                                          "death"};
static const char *const harm_material[] = {"none", "minor", "significant", "severe",
                                            "catastrophic"};
static const char *const harm_privacy[] = {"none", "personal", "sensitive", "mass"};
static const char *const harm_service[] = {"none", "household", "local", "regional",
                                           "national"};
static const char *const reversibility[] = {"full", "partial", "irreversible"};
static const char *const recovery_time[] = {"minutes", "hours", "days", "weeks", "months"};
static const char *const propagation[] = {"none", "lateral", "fleet", "botnet"};
static const char *const likelihood[] = {"rare", "unlikely", "possible", "likely",
                                         "almost_certain"};

static const char *const vendors[] = {"Example Optics", "Acme Controls", "Hikari Devices",
                                      "Nord Sensorik", "Sakura Home", "Tanuki Energy"};
static const char *const models[] = {"NetCam", "Gateway", "Thermostat", "Meter", "Lock",
                                     "Pump Controller", "Infusion Pump", "Router"};
static const char *const software[] = {"busybox", "dropbear", "lighttpd", "linux", "openssl",
                                       "mosquitto", "zlib", "u-boot"};
static const char *const radios[] = {"wifi", "bluetooth", "zigbee", "lte", "lora"};
static const char *const ports[] = {"usb", "uart", "jtag", "ethernet", "sd_card", "rs485"};
static const struct {
    const char *name;
    int port;
    const char *transport;
} services[] = {{"http", 80, "tcp"},  {"https", 443, "tcp"},  {"ssh", 22, "tcp"},
                {"telnet", 23, "tcp"}, {"mqtt", 8883, "tcp"}, {"modbus", 502, "tcp"},
                {"snmp", 161, "udp"}, {"coap", 5683, "udp"}, {"rtsp", 554, "tcp"}};

static uint64_t rng_state;

/* splitmix64: small, fast and the same everywhere. */
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* 0 .. n-1 */
static unsigned pick(unsigned n)
{
    return (unsigned)(rng_next() % n);
}

static int chance(unsigned percent)
{
    return pick(100) < percent;
}

/* A whole number spread evenly over the decades 10^lo .. 10^hi, so that every
 * threshold of the policy (¥1 million, 100 people, 10,000 units, ...) is
 * crossed by some profiles. */
static unsigned long long spread(int lo, int hi)
{
    int decade = lo + (int)pick((unsigned)(hi - lo + 1));
    unsigned long long base = 1;
    for (int i = 0; i < decade; i++)
        base *= 10;
    return base + (unsigned long long)pick(9) * base;
}

/* Numbers as profile authors write them: sometimes with digit groups. */
static void put_number(FILE *out, unsigned long long v)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", v);
    if (n <= 3 || chance(50)) {
        fputs(digits, out);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            fputc('_', out);
        fputc(digits[i], out);
    }
}

typedef struct feature_list {
    char *ids[MAX_FEATURES];
    size_t count;
} feature_list;

/* The `- id: X` entries of features.yaml; a line scan is enough for the
 * catalog's own file and keeps the generator free of a YAML library. */
static void load_features(const char *path, feature_list *f)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        perror(path);
        exit(2);
    }
    char line[1024];
    while (fgets(line, sizeof line, in) && f->count < MAX_FEATURES) {
        char *p = line;
        while (*p == ' ')
            p++;
        if (strncmp(p, "- id:", 5) != 0)
            continue;
        p += 5;
        while (*p == ' ' || *p == '"' || *p == '\'')
            p++;
        size_t len = strcspn(p, "\"' \t\r\n#");
        if (len == 0)
            continue;
        f->ids[f->count] = strndup(p, len);
        if (!f->ids[f->count]) {
            perror("strndup");
            exit(2);
        }
        f->count++;
    }
    fclose(in);
}

/* k distinct indices below n, in increasing order, as a bit set. */
static uint64_t pick_subset(unsigned n, unsigned k)
{
    uint64_t set = 0;
    if (n > 64)
        n = 64;
    if (k > n)
        k = n;
    for (unsigned chosen = 0; chosen < k;) {
        unsigned i = pick(n);
        if (!(set & (1ull << i))) {
            set |= 1ull << i;
            chosen++;
        }
    }
    return set;
}

static void write_names(FILE *out, const char *key, const char *const *names, unsigned n,
                        unsigned k)
{
    uint64_t set = pick_subset(n, k);
    fprintf(out, "%s: [", key);
    const char *sep = "";
    for (unsigned i = 0; i < n && i < 64; i++)
        if (set & (1ull << i)) {
            fprintf(out, "%s%s", sep, names[i]);
            sep = ", ";
        }
    fputs("]\n", out);
}

static void write_device(FILE *out, unsigned long idx)
{
    fprintf(out, "schema_version: 1\n");
    fprintf(out, "device:\n  id: GEN-%07lu\n", idx);
    if (chance(20))
        fputs("  kind: system\n", out);
    fprintf(out, "  vendor: %s\n  model: %s %u\n", vendors[pick(COUNT(vendors))],
            models[pick(COUNT(models))], 100 + pick(900));
    if (chance(70))
        fprintf(out, "  firmware_version: \"%u.%u.%u\"\n", 1 + pick(9), pick(20), pick(50));
    uint64_t comps = pick_subset(COUNT(software), pick(5));
    if (comps) {
        fputs("components:\n", out);
        for (unsigned i = 0; i < COUNT(software); i++)
            if (comps & (1ull << i))
                fprintf(out, "  - {name: %s, version: \"%u.%u\", kind: software}\n",
                        software[i], 1 + pick(5), pick(40));
    }
    fputs("interfaces:\n  services:\n", out);
    /* Distinct services, so no port/transport pair is used twice. */
    uint64_t svcs = pick_subset(COUNT(services), 1 + pick(4));
    for (unsigned i = 0; i < COUNT(services); i++)
        if (svcs & (1ull << i))
            fprintf(out,
                    "    - {name: %s, port: %d, transport: %s, authenticated: %s, "
                    "encrypted: %s}\n",
                    services[i].name, services[i].port, services[i].transport,
                    chance(80) ? "true" : "false", chance(50) ? "true" : "false");
    fputs("  ", out);
    write_names(out, "radios", radios, COUNT(radios), pick(3));
    fputs("  ", out);
    write_names(out, "physical_ports", ports, COUNT(ports), pick(3));
    if (chance(70)) {
        /* sensitive data is personal data: never "sensitive, not personal" */
        fputs("data:\n", out);
        fputs("  - {name: device settings}\n", out);
        if (chance(60))
            fprintf(out, "  - {name: user data, personal: true, sensitive: %s}\n",
                    chance(40) ? "true" : "false");
    }
}

static void write_features(FILE *out, const feature_list *f)
{
    if (f->count == 0)
        return;
    unsigned k = pick((unsigned)(f->count < 8 ? f->count : 8) + 1);
    write_names(out, "features", (const char *const *)f->ids, (unsigned)f->count, k);
}

typedef struct harm {
    unsigned people, property, environment, privacy, service;
} harm;

static void write_use_mode(FILE *out, unsigned m)
{
    harm h = {pick(COUNT(harm_people)), pick(COUNT(harm_material)),
              pick(COUNT(harm_material)), pick(COUNT(harm_privacy)),
              pick(COUNT(harm_service))};
    /* A third of use modes leave out the optional harms (their default is
     * none); then a quarter of those state no harm at all. */
    int optional_harms = !chance(33);
    if (!optional_harms) {
        h.environment = h.privacy = h.service = 0;
        if (chance(25))
            h.people = h.property = 0;
    }
    int no_harm = !h.people && !h.property && !h.environment && !h.privacy && !h.service;
    unsigned rev = pick(COUNT(reversibility));
    if (no_harm)
        rev = 0; /* nothing to recover from: fully reversible */
    else if (h.people == 4 && rev == 0)
        rev = 1 + pick(2); /* death cannot be undone */

    unsigned prop = pick(COUNT(propagation));
    unsigned long long units = spread(0, 7);
    if (prop >= 2 && units < 2)
        units = 2 + pick(1000); /* fleet and botnet need a fleet */

    fprintf(out, "  - id: mode-%u\n", m + 1);
    if (chance(50))
        fprintf(out, "    name: Use mode %u\n", m + 1);
    fprintf(out, "    sector: %s\n", sectors[pick(COUNT(sectors))]);
    fprintf(out, "    harm:\n      people: %s\n      property: %s\n", harm_people[h.people],
            harm_material[h.property]);
    if (optional_harms)
        fprintf(out, "      environment: %s\n      privacy: %s\n      service: %s\n",
                harm_material[h.environment], harm_privacy[h.privacy],
                harm_service[h.service]);
    fprintf(out, "    recovery:\n      reversibility: %s\n      time: %s\n", reversibility[rev],
            recovery_time[pick(COUNT(recovery_time))]);
    fputs("      means: Reset, reflash and restore from the operator's records.\n", out);
    fputs("    economic:\n      loss_per_incident_jpy: ", out);
    put_number(out, chance(3) ? 0 : spread(3, 12));
    if (chance(70)) {
        fputs("\n      people_affected: ", out);
        put_number(out, spread(0, 6));
    }
    if (chance(60)) {
        fputs("\n      organisations_affected: ", out);
        put_number(out, chance(30) ? 0 : spread(0, 2));
    }
    fputs("\n      units_deployed: ", out);
    put_number(out, units);
    fprintf(out, "\n      propagation: %s\n", propagation[prop]);
    if (chance(60))
        fprintf(out, "    likelihood: %s\n", likelihood[pick(COUNT(likelihood))]);
    if (chance(10)) {
        unsigned axes = 1 + pick(3); /* bit 0: axis1, bit 1: axis2 */
        fputs("    overrides:\n", out);
        if (axes & 1)
            fprintf(out,
                    "      axis1:\n        level: %u\n        justification: The maker's "
                    "hazard analysis places this use mode differently.\n",
                    1 + pick(OVERRIDE_LEVELS));
        if (axes & 2)
            fprintf(out,
                    "      axis2: {level: %u, justification: \"Insured and contractually "
                    "capped loss.\"}\n",
                    1 + pick(OVERRIDE_LEVELS));
    }
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s N SEED [FEATURES_YAML] > profiles.yaml\n", argv[0]);
        return 2;
    }
    char *end;
    unsigned long n = strtoul(argv[1], &end, 10);
    if (*end || n == 0) {
        fprintf(stderr, "%s: N must be a positive whole number\n", argv[0]);
        return 2;
    }
    rng_state = strtoull(argv[2], &end, 10);
    if (*end) {
        fprintf(stderr, "%s: SEED must be a whole number\n", argv[0]);
        return 2;
    }
    feature_list features = {{NULL}, 0};
    if (argc == 4)
        load_features(argv[3], &features);

    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    fprintf(stdout, "# %lu profiles generated by bench/gen_profiles (seed %s)\n", n, argv[2]);
    for (unsigned long i = 0; i < n; i++) {
        fputs("---\n", stdout);
        write_device(stdout, i + 1);
        write_features(stdout, &features);
        fputs("use_modes:\n", stdout);
        unsigned modes = 1 + pick(3);
        for (unsigned m = 0; m < modes; m++)
            write_use_mode(stdout, m);
    }
    for (size_t i = 0; i < features.count; i++)
        free(features.ids[i]);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("writing profiles");
        return 1;
    }
    return 0;
}
