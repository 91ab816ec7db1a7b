/*
 * CVSS base scores computed from the vector, so a record's severity never
 * depends on a number someone typed beside it. v3.0 and v3.1 share the
 * formula (FIRST's specification, section 7); the v3.1 Roundup is used for
 * both, which only differs from v3.0's in floating-point noise. v2 vectors
 * get their v2 base score; the severity bands applied to it are v3's, which
 * puts a v2 9.0-10.0 into critical: conservative, since v2 had no such band.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "vulns_internal.h"

typedef struct cvss_metric {
    const char *name;
    const char *letters;   /* allowed values */
    double weights[4];
} cvss_metric;

/* v3 base metrics; PR's weights change with Scope, see pr_weight(). */
static const cvss_metric v3_metrics[] = {
    {"AV", "NALP", {0.85, 0.62, 0.55, 0.2}},
    {"AC", "LH", {0.77, 0.44}},
    {"PR", "NLH", {0.85, 0.62, 0.27}},
    {"UI", "NR", {0.85, 0.62}},
    {"S", "UC", {0, 0}},
    {"C", "HLN", {0.56, 0.22, 0}},
    {"I", "HLN", {0.56, 0.22, 0}},
    {"A", "HLN", {0.56, 0.22, 0}},
};
enum { V3_METRICS = sizeof v3_metrics / sizeof v3_metrics[0] };

static const cvss_metric v2_metrics[] = {
    {"AV", "LAN", {0.395, 0.646, 1.0}},
    {"AC", "HML", {0.35, 0.61, 0.71}},
    {"Au", "MSN", {0.45, 0.56, 0.704}},
    {"C", "NPC", {0, 0.275, 0.660}},
    {"I", "NPC", {0, 0.275, 0.660}},
    {"A", "NPC", {0, 0.275, 0.660}},
};
enum { V2_METRICS = sizeof v2_metrics / sizeof v2_metrics[0] };

/* Reads "/"-separated NAME:VALUE pairs into `index` (the position of each
 * base metric's value letter); every base metric exactly once, other
 * (temporal, environmental) metrics allowed and ignored. */
static bool parse_metrics(const char *p, const cvss_metric *metrics, int count, int *index)
{
    for (int i = 0; i < count; i++)
        index[i] = -1;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *colon = memchr(p, ':', len);
        if (!colon || colon == p || (size_t)(colon - p) + 2 != len)
            return false;
        for (int i = 0; i < count; i++) {
            if (strlen(metrics[i].name) != (size_t)(colon - p) ||
                strncmp(metrics[i].name, p, (size_t)(colon - p)) != 0)
                continue;
            const char *at = strchr(metrics[i].letters, colon[1]);
            if (index[i] >= 0 || !at || !colon[1])
                return false;
            index[i] = (int)(at - metrics[i].letters);
        }
        p += len;
        if (*p == '/' && *++p == '\0')
            return false;
    }
    for (int i = 0; i < count; i++)
        if (index[i] < 0)
            return false;
    return true;
}

/* CVSS v3.1 Appendix A: the smallest one-decimal number >= x, computed on
 * integers so that 4.000000001 does not become 4.1. */
static double roundup(double x)
{
    long long scaled = llround(x * 100000.0);
    if (scaled % 10000 == 0)
        return (double)scaled / 100000.0;
    return (double)(scaled / 10000 + 1) / 10.0;
}

static double v3_score(const char *metrics_text)
{
    int ix[V3_METRICS];
    if (!parse_metrics(metrics_text, v3_metrics, V3_METRICS, ix))
        return -1;
    bool changed = ix[4] == 1;
    double av = v3_metrics[0].weights[ix[0]], ac = v3_metrics[1].weights[ix[1]];
    double pr = v3_metrics[2].weights[ix[2]], ui = v3_metrics[3].weights[ix[3]];
    if (changed && ix[2] == 1)
        pr = 0.68;
    else if (changed && ix[2] == 2)
        pr = 0.5;
    double c = v3_metrics[5].weights[ix[5]], i = v3_metrics[6].weights[ix[6]];
    double a = v3_metrics[7].weights[ix[7]];
    double iss = 1 - (1 - c) * (1 - i) * (1 - a);
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
    double exploitability = 8.22 * av * ac * pr * ui;
    if (impact <= 0)
        return 0;
    double base = changed ? 1.08 * (impact + exploitability) : impact + exploitability;
    return roundup(base < 10 ? base : 10);
}

static double v2_score(const char *metrics_text)
{
    int ix[V2_METRICS];
    if (!parse_metrics(metrics_text, v2_metrics, V2_METRICS, ix))
        return -1;
    double w[V2_METRICS];
    for (int k = 0; k < V2_METRICS; k++)
        w[k] = v2_metrics[k].weights[ix[k]];
    double impact = 10.41 * (1 - (1 - w[3]) * (1 - w[4]) * (1 - w[5]));
    double exploitability = 20 * w[0] * w[1] * w[2];
    double f = impact == 0 ? 0 : 1.176;
    double base = (0.6 * impact + 0.4 * exploitability - 1.5) * f;
    return round(base * 10) / 10;
}

double cvss_base_score(const char *vector)
{
    if (!vector)
        return -1;
    if (strncmp(vector, "CVSS:3.0/", 9) == 0 || strncmp(vector, "CVSS:3.1/", 9) == 0)
        return v3_score(vector + 9);
    if (strncmp(vector, "(", 1) == 0)
        return -1;
    return v2_score(vector);
}

iotssf_severity cvss_severity(double score)
{
    if (score < 0)
        return IOTSSF_SEV_MEDIUM;
    if (score == 0)
        return IOTSSF_SEV_INFO;
    if (score < 4.0)
        return IOTSSF_SEV_LOW;
    if (score < 7.0)
        return IOTSSF_SEV_MEDIUM;
    if (score < 9.0)
        return IOTSSF_SEV_HIGH;
    return IOTSSF_SEV_CRITICAL;
}
