/*
 * Helpers shared by the tests of tests/vulns: the fixture data folder,
 * temporary folders with files written into them, and lookups reduced to
 * the list of ids they found.
 */
#ifndef IOTSSF_TEST_VULNS_UTIL_H
#define IOTSSF_TEST_VULNS_UTIL_H

#include <stddef.h>

#include "iotssf/vulns.h"

/* tests/vulns/fixtures/data (static buffer). */
const char *fixture_data_dir(void);
/* A fresh folder under /tmp (malloc'd); remove it with remove_tree. */
char *make_temp_dir(void);
void remove_tree(const char *path);
/* Writes `text` to dir/relative, creating the folders between. */
void write_text(const char *dir, const char *relative, const char *text);
/* Copies the fixture signatures into dir/components. */
void copy_fixture_signatures(const char *dir);
/* "CVE-1 CVE-2" for a lookup, in result order ("" for none; static buffer). */
const char *lookup_ids(const iotssf_vulndb *db, const char *component, const char *version);
/* The one result with `id`, from a lookup into `out` (which the caller frees). */
const iotssf_vuln *lookup_one(const iotssf_vulndb *db, const char *component,
                              const char *version, const char *id, iotssf_vulns *out);

#endif
