/*
 * Error values: how the library reports failure with the place in the input
 * that caused it. See include/iotssf/error.h.
 */
#include "iotssf/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

iotssf_status iotssf_fail(iotssf_error *err, iotssf_status status, const char *file,
                          unsigned line, unsigned column, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

void iotssf_error_clear(iotssf_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

void iotssf_error_format(const iotssf_error *err, char *buf, size_t size)
{
    if (!err->file[0])
        snprintf(buf, size, "%s", err->message);
    else if (!err->line)
        snprintf(buf, size, "%s: %s", err->file, err->message);
    else if (!err->column)
        snprintf(buf, size, "%s:%u: %s", err->file, err->line, err->message);
    else
        snprintf(buf, size, "%s:%u:%u: %s", err->file, err->line, err->column, err->message);
}

int iotssf_error_exit_code(const iotssf_error *err)
{
    switch (err->status) {
    case IOTSSF_OK:
        return 0;
    case IOTSSF_E_INPUT:
    case IOTSSF_E_IO:
        return 2;
    default:
        return 3;
    }
}
