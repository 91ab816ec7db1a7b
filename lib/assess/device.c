/*
 * One assessment is about one device: its firmware, its probe and its
 * answers belong to it alone. A profile file with several devices (a fleet
 * file) is therefore refused by questionnaire and assess with a message that
 * says how to go on, rather than guessing which device the evidence is for.
 */
#include <stddef.h>

#include "assess_internal.h"

iotssf_status iotssf_assess_read_profile(const char *path, iotssf_profile **out,
                                         iotssf_error *err)
{
    *out = NULL;
    iotssf_profile_reader *r = iotssf_profile_reader_open(path, err);
    if (!r)
        return err->status;
    iotssf_profile *first = NULL, *second = NULL;
    iotssf_status st = iotssf_profile_reader_next(r, &first, err);
    if (!st && !first)
        st = iotssf_fail(err, IOTSSF_E_INPUT, path, 0, 0, "the file holds no profile");
    if (!st)
        st = iotssf_profile_reader_next(r, &second, err);
    if (!st && second)
        st = iotssf_fail(err, IOTSSF_E_INPUT, path, second->pos.line, second->pos.column,
                         "the file describes several devices ('%s', '%s', ...); an assessment "
                         "is about one device: put each device in a file of its own",
                         first->id, second->id);
    iotssf_profile_free(second);
    iotssf_profile_reader_close(r);
    if (st) {
        iotssf_profile_free(first);
        return st;
    }
    *out = first;
    return IOTSSF_OK;
}
