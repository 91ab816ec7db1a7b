/*
 * Device profiles: one device or system, its identity, what it contains and
 * exposes, and one or more use modes. A use mode states the facts that decide
 * its place on the IoT-SSF axes (harm, recoverability, economic exposure), not
 * the place itself; the categorization policy turns facts into levels.
 *
 * The fact vocabulary is fixed here because profiles and policies must agree
 * on it; docs/profile-format.md describes every fact and its values.
 */
#ifndef IOTSSF_PROFILE_H
#define IOTSSF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "iotssf/error.h"

typedef struct iotssf_pos {
    unsigned line, column;
} iotssf_pos;

typedef enum iotssf_fact_type {
    IOTSSF_FACT_ORDINAL, /* ordered values, least severe first */
    IOTSSF_FACT_CHOICE,  /* unordered values */
    IOTSSF_FACT_NUMBER,
} iotssf_fact_type;

typedef enum iotssf_fact_id {
    IOTSSF_FACT_SECTOR,
    IOTSSF_FACT_HARM_PEOPLE,
    IOTSSF_FACT_HARM_PROPERTY,
    IOTSSF_FACT_HARM_ENVIRONMENT,
    IOTSSF_FACT_HARM_PRIVACY,
    IOTSSF_FACT_HARM_SERVICE,
    IOTSSF_FACT_RECOVERY_REVERSIBILITY,
    IOTSSF_FACT_RECOVERY_TIME,
    IOTSSF_FACT_LOSS_PER_INCIDENT,
    IOTSSF_FACT_PEOPLE_AFFECTED,
    IOTSSF_FACT_ORGANISATIONS_AFFECTED,
    IOTSSF_FACT_UNITS_DEPLOYED,
    IOTSSF_FACT_PROPAGATION,
    IOTSSF_FACT_FLEET_LOSS, /* derived */
    IOTSSF_FACT_LIKELIHOOD, /* recorded; never decides a category */
    IOTSSF_FACT_COUNT
} iotssf_fact_id;

typedef struct iotssf_fact_def {
    const char *name; /* dotted path as written in profiles and policies */
    iotssf_fact_type type;
    const char *const *values; /* ORDINAL and CHOICE */
    bool required;
    const char *default_value; /* used when absent and not required; NULL: absent */
    bool derived;              /* computed from other facts, never written */
    bool decides_category;     /* false for likelihood */
    const char *description;
} iotssf_fact_def;

const iotssf_fact_def *iotssf_fact_def_of(iotssf_fact_id id);
/* -1 when no fact has that name. */
int iotssf_fact_by_name(const char *name);
/* Index of `value` in an ORDINAL/CHOICE fact's values, or -1. */
int iotssf_fact_value_index(iotssf_fact_id id, const char *value);

typedef struct iotssf_fact {
    bool present;
    bool defaulted;   /* not written: the documented default applies */
    int index;        /* ORDINAL and CHOICE */
    double number;    /* NUMBER */
    iotssf_pos pos;   /* where it was written */
} iotssf_fact;

typedef struct iotssf_override {
    bool set;
    int level;
    const char *justification;
    iotssf_pos pos;
} iotssf_override;

typedef struct iotssf_use_mode {
    const char *id;
    const char *name;
    const char *description;
    const char *recovery_means;
    iotssf_fact facts[IOTSSF_FACT_COUNT];
    iotssf_override axis1, axis2;
    iotssf_pos pos;
} iotssf_use_mode;

typedef struct iotssf_declared_component {
    const char *name, *version, *kind, *supplier;
} iotssf_declared_component;

typedef struct iotssf_service {
    const char *name;
    const char *transport; /* tcp | udp */
    int port;
    bool authenticated;
    bool encrypted;
    bool enabled_by_default;
} iotssf_service;

typedef struct iotssf_data_item {
    const char *name;
    bool personal;
    bool sensitive;
} iotssf_data_item;

typedef struct iotssf_named {
    const char *name;
    iotssf_pos pos;
} iotssf_named;

typedef struct iotssf_profile {
    const char *file;
    unsigned document;  /* 1-based index within a multi-document file */
    iotssf_pos pos;
    const char *id, *kind, *vendor, *model, *hardware_version, *firmware_version;
    const char *firmware_image, *description;
    iotssf_declared_component *components; /* as the profile declares them */
    size_t component_count;
    iotssf_service *services;
    size_t service_count;
    iotssf_named *radios, *physical_ports, *features;
    size_t radio_count, physical_port_count, feature_count;
    iotssf_data_item *data;
    size_t data_count;
    iotssf_use_mode *use_modes;
    size_t use_mode_count;
    void *memory; /* the arena that holds all of the above */
} iotssf_profile;

/* Reads profiles one document at a time from a YAML or JSON file (several
 * documents separated by "---" make a fleet file). "-" reads stdin. */
typedef struct iotssf_profile_reader iotssf_profile_reader;

iotssf_profile_reader *iotssf_profile_reader_open(const char *path, iotssf_error *err);
/* *out is NULL at the end of the file. */
iotssf_status iotssf_profile_reader_next(iotssf_profile_reader *r, iotssf_profile **out,
                                         iotssf_error *err);
void iotssf_profile_reader_close(iotssf_profile_reader *r);

/* A profile from memory (for fuzzing and embedding); exactly one document. */
iotssf_status iotssf_profile_parse(const char *name, const void *data, size_t size,
                                   iotssf_profile **out, iotssf_error *err);

void iotssf_profile_free(iotssf_profile *p);

/* "harm.people = death" style rendering of a fact's value. */
const char *iotssf_fact_value_text(iotssf_fact_id id, const iotssf_fact *f, char *buf,
                                   size_t size);

#endif
