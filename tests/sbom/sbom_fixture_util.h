/*
 * A firmware result filled by hand for the SBOM and report tests, so every
 * field of components and vulnerabilities is exercised whatever the
 * identification and matching code finds in real images: missing and partial
 * versions, a component with several files, a repeated component, names that
 * need escaping, bytes that are not UTF-8, a vulnerability without a score
 * and one whose component is absent.
 */
#ifndef IOTSSF_TEST_SBOM_FIXTURE_H
#define IOTSSF_TEST_SBOM_FIXTURE_H

#include "iotssf/iotssf.h"

#define FIXTURE_IMAGE_SHA256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define FIXTURE_OPENSSL_NAME "Open\"SSL <\\lib> \xe6\x97\xa5"

/* Fills `r` (zeroed first) with static data; nothing to free. */
void sbom_fixture_fill(iotssf_fw_result *r);

/* Writes `r` with `write` into a fresh temporary file and returns its
 * path (malloc'd), or NULL when writing failed. */
typedef iotssf_status (*sbom_writer)(FILE *out, const iotssf_fw_result *r, iotssf_error *err);
char *sbom_write_temp(sbom_writer write, const iotssf_fw_result *r);

/* Runs tests/sbom/validate_cyclonedx.sh on `path`: 0 valid, 77 cannot
 * validate here, anything else invalid. */
int sbom_validate(const char *path);

#endif
