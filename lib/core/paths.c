/*
 * Finding the shipped data folder, so the CLI works both from a build tree
 * and installed.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "iotssf/iotssf.h"

const char *iotssf_version(void)
{
    return IOTSSF_VERSION;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *iotssf_default_data_dir(void)
{
    const char *env = getenv("IOTSSF_DATA");
    if (env && *env)
        return env;
    if (is_dir(IOTSSF_SOURCE_DATADIR))
        return IOTSSF_SOURCE_DATADIR;
    return IOTSSF_INSTALL_DATADIR;
}
