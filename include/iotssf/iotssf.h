/*
 * libiotssf: the IoT-SSF toolkit as a library. Include this one header, or
 * the per-stage headers it gathers.
 */
#ifndef IOTSSF_IOTSSF_H
#define IOTSSF_IOTSSF_H

#include "iotssf/assess.h"
#include "iotssf/assessment_report.h"
#include "iotssf/catalog.h"
#include "iotssf/categorize.h"
#include "iotssf/cert.h"
#include "iotssf/components.h"
#include "iotssf/error.h"
#include "iotssf/findings.h"
#include "iotssf/firmware.h"
#include "iotssf/history.h"
#include "iotssf/probe.h"
#include "iotssf/profile.h"
#include "iotssf/report.h"
#include "iotssf/vulns.h"
#include "iotssf/firmware.h"

const char *iotssf_version(void);

/* Where the shipped data (policy, catalog, baselines) lives: $IOTSSF_DATA if
 * set, else the source tree's data/ when built in place, else the installed
 * share/iotssf. */
const char *iotssf_default_data_dir(void);

#endif
