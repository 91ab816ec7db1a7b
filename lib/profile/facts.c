/*
 * The fact vocabulary shared by profiles and categorization policies. A fact
 * is something a profile author can know about a use mode without deciding
 * its category: how badly people could be hurt, how long recovery takes, how
 * many units are deployed. Policies refer to facts by these names.
 * docs/profile-format.md explains each scale.
 */
#include <stdio.h>
#include <string.h>

#include "iotssf/profile.h"

static const char *const sectors[] = {
    "consumer", "healthcare", "building", "energy", "water", "manufacturing", "transport",
    "agriculture", "finance", "public", "other", NULL};
static const char *const harm_people[] = {"none", "discomfort", "injury", "serious_injury",
                                          "death", NULL};
static const char *const harm_material[] = {"none", "minor", "significant", "severe",
                                            "catastrophic", NULL};
static const char *const harm_privacy[] = {"none", "personal", "sensitive", "mass", NULL};
static const char *const harm_service[] = {"none", "household", "local", "regional", "national",
                                           NULL};
static const char *const reversibility[] = {"full", "partial", "irreversible", NULL};
static const char *const recovery_time[] = {"minutes", "hours", "days", "weeks", "months", NULL};
static const char *const propagation[] = {"none", "lateral", "fleet", "botnet", NULL};
static const char *const likelihood[] = {"rare", "unlikely", "possible", "likely",
                                         "almost_certain", NULL};

static const iotssf_fact_def fact_defs[IOTSSF_FACT_COUNT] = {
    [IOTSSF_FACT_SECTOR] = {"sector", IOTSSF_FACT_CHOICE, sectors, true, NULL, false, true,
                            "the sector the device serves in this use mode"},
    [IOTSSF_FACT_HARM_PEOPLE] = {"harm.people", IOTSSF_FACT_ORDINAL, harm_people, true, NULL,
                                 false, true, "worst credible harm to people"},
    [IOTSSF_FACT_HARM_PROPERTY] = {"harm.property", IOTSSF_FACT_ORDINAL, harm_material, true,
                                   NULL, false, true, "worst credible damage to property"},
    [IOTSSF_FACT_HARM_ENVIRONMENT] = {"harm.environment", IOTSSF_FACT_ORDINAL, harm_material,
                                      false, "none", false, true,
                                      "worst credible damage to the environment"},
    [IOTSSF_FACT_HARM_PRIVACY] = {"harm.privacy", IOTSSF_FACT_ORDINAL, harm_privacy, false,
                                  "none", false, true,
                                  "worst credible disclosure of personal data"},
    [IOTSSF_FACT_HARM_SERVICE] = {"harm.service", IOTSSF_FACT_ORDINAL, harm_service, false,
                                  "none", false, true,
                                  "widest loss of a service that others rely on"},
    [IOTSSF_FACT_RECOVERY_REVERSIBILITY] = {"recovery.reversibility", IOTSSF_FACT_ORDINAL,
                                            reversibility, true, NULL, false, true,
                                            "whether the worst harm can be undone"},
    [IOTSSF_FACT_RECOVERY_TIME] = {"recovery.time", IOTSSF_FACT_ORDINAL, recovery_time, true,
                                   NULL, false, true,
                                   "time to restore the device and what it serves"},
    [IOTSSF_FACT_LOSS_PER_INCIDENT] = {"economic.loss_per_incident_jpy", IOTSSF_FACT_NUMBER,
                                       NULL, true, NULL, false, true,
                                       "worst credible direct loss of one incident at one site, "
                                       "in yen"},
    [IOTSSF_FACT_PEOPLE_AFFECTED] = {"economic.people_affected", IOTSSF_FACT_NUMBER, NULL,
                                     false, "1", false, true,
                                     "people affected by one incident"},
    [IOTSSF_FACT_ORGANISATIONS_AFFECTED] = {"economic.organisations_affected",
                                            IOTSSF_FACT_NUMBER, NULL, false, "0", false, true,
                                            "organisations affected by one incident"},
    [IOTSSF_FACT_UNITS_DEPLOYED] = {"economic.units_deployed", IOTSSF_FACT_NUMBER, NULL, true,
                                    NULL, false, true, "units in the field in this use mode"},
    [IOTSSF_FACT_PROPAGATION] = {"economic.propagation", IOTSSF_FACT_ORDINAL, propagation, true,
                                 NULL, false, true,
                                 "how far one compromise spreads: none, lateral (to the site's "
                                 "other systems), fleet (one flaw reaches every unit), botnet "
                                 "(units are turned against third parties)"},
    [IOTSSF_FACT_FLEET_LOSS] = {"economic.fleet_loss_jpy", IOTSSF_FACT_NUMBER, NULL, false, NULL,
                                true, true,
                                "derived: loss per incident times units deployed when "
                                "propagation is fleet or botnet, else the loss per incident"},
    [IOTSSF_FACT_LIKELIHOOD] = {"likelihood", IOTSSF_FACT_ORDINAL, likelihood, false, NULL,
                                false, false,
                                "recorded for ranking measures; never changes the category"},
};

const iotssf_fact_def *iotssf_fact_def_of(iotssf_fact_id id)
{
    return id < IOTSSF_FACT_COUNT ? &fact_defs[id] : NULL;
}

int iotssf_fact_by_name(const char *name)
{
    for (int i = 0; i < IOTSSF_FACT_COUNT; i++)
        if (strcmp(fact_defs[i].name, name) == 0)
            return i;
    return -1;
}

int iotssf_fact_value_index(iotssf_fact_id id, const char *value)
{
    const char *const *values = fact_defs[id].values;
    for (int i = 0; values && values[i]; i++)
        if (strcmp(values[i], value) == 0)
            return i;
    return -1;
}

const char *iotssf_fact_value_text(iotssf_fact_id id, const iotssf_fact *f, char *buf,
                                   size_t size)
{
    if (!f->present)
        snprintf(buf, size, "(not given)");
    else if (fact_defs[id].type == IOTSSF_FACT_NUMBER)
        snprintf(buf, size, "%.15g", f->number);
    else
        snprintf(buf, size, "%s", fact_defs[id].values[f->index]);
    return buf;
}
