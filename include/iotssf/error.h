/*
 * Errors are values. Every fallible libiotssf call fills an iotssf_error and
 * returns a non-zero code; nothing in the library prints or exits. An error on
 * outside input carries the file, line and column of the offending text and a
 * message that says what was expected, so the CLI can print it as
 * "file:line:column: message".
 */
#ifndef IOTSSF_ERROR_H
#define IOTSSF_ERROR_H

#include <stddef.h>

typedef enum iotssf_status {
    IOTSSF_OK = 0,
    IOTSSF_E_INPUT = 2,    /* bad input: a profile, policy, catalog or argument */
    IOTSSF_E_IO = 4,       /* a file could not be read or written */
    IOTSSF_E_NOMEM = 5,
    IOTSSF_E_INTERNAL = 3, /* a bug: an invariant of our own did not hold */
} iotssf_status;

typedef struct iotssf_error {
    iotssf_status status;
    char file[512];     /* empty when the error is not about a file */
    unsigned line;      /* 1-based; 0 when unknown */
    unsigned column;    /* 1-based; 0 when unknown */
    char message[1024];
} iotssf_error;

/* Records an error and returns its status, so callers can write
 * `return iotssf_fail(err, IOTSSF_E_INPUT, file, line, col, "...")`. */
iotssf_status iotssf_fail(iotssf_error *err, iotssf_status status, const char *file,
                          unsigned line, unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

void iotssf_error_clear(iotssf_error *err);

/* "file:line:column: message" (the parts that are known). */
void iotssf_error_format(const iotssf_error *err, char *buf, size_t size);

/* The process exit status the CLI documents for this error. */
int iotssf_error_exit_code(const iotssf_error *err);

#endif
