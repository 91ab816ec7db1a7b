/*
 * JSON strings from untrusted text. Names, paths and version strings in a
 * firmware image are whatever bytes the image holds, and jansson refuses
 * strings that are not UTF-8; these helpers repair the text instead, so one
 * odd file name never drops a component from a report or an SBOM.
 */
#ifndef IOTSSF_REPORT_JSON_TEXT_H
#define IOTSSF_REPORT_JSON_TEXT_H

#include <jansson.h>
#include <stdbool.h>

/* A JSON string of `s` with invalid UTF-8 replaced by U+FFFD; NULL for NULL
 * (or out of memory). */
json_t *json_text(const char *s);

/* `s` with invalid UTF-8 replaced by U+FFFD, malloc'd; NULL when out of
 * memory. What json_text would write, for comparing before writing. */
char *utf8_repaired(const char *s);

/* Sets o[key] to `s` only when `s` is a non-empty string: reports omit what
 * is unknown rather than writing "" (the SBOM schema and its readers treat an
 * empty value as a claim). Returns whether it was set. */
bool json_set_text(json_t *o, const char *key, const char *s);

#endif
