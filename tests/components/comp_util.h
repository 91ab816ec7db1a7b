/*
 * Helpers the component tests share: fetching real Debian packages (and the
 * upstream version their own metadata states), running the identifier over
 * a folder tree as a firmware inspection would, and finding a component in
 * a result.
 */
#ifndef IOTSSF_TEST_COMP_UTIL_H
#define IOTSSF_TEST_COMP_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "iotssf/components.h"

/* Runs a shell command; fails the test when it exits non-zero. */
void comp_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The folder tests/tools/debian-binary.sh unpacked package:arch into (arch
 * NULL: the machine's), and the upstream part of the .deb's own Version
 * field ("1:1.35.0-4+deb12u1" -> "1.35.0"). False when the package cannot
 * be had (no network, no such package). */
bool comp_debian(const char *package, const char *arch, char *dir, size_t dir_size,
                 char *version, size_t version_size);

/* The signatures shipped in data/components; fails the test on error. */
iotssf_component_sigs *comp_load_shipped(void);

/* Feeds every regular file under `root` (paths relative to it) to a new
 * scan and returns the components; fails the test on error. */
void comp_scan_tree(const iotssf_component_sigs *sigs, const char *root, iotssf_components *out);

/* The component with this id (and version, unless NULL), or NULL. */
const iotssf_component *comp_find(const iotssf_components *c, const char *id,
                                  const char *version);

/* Prints the components, for a failing test's log. */
void comp_dump(const iotssf_components *c);

/* A fresh scratch folder under the build folder, named for the test. */
const char *comp_scratch(const char *name);

#endif
