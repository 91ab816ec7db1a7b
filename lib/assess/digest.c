/*
 * Fingerprints that tie an assessment to its inputs: the SHA-256 of a file
 * (profile, answers, policy) and of the catalog as a whole, so a
 * questionnaire or an assessment can say which catalog it was made against.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sha256.h"
#include "assess_internal.h"

static iotssf_status hash_file_into(EVP_MD_CTX *ctx, const char *path, iotssf_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "cannot read: %s", strerror(errno));
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        EVP_DigestUpdate(ctx, buf, n);
    int bad = ferror(f);
    fclose(f);
    return bad ? iotssf_fail(err, IOTSSF_E_IO, path, 0, 0, "read error") : IOTSSF_OK;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .yaml files of one folder, sorted; *names malloc'd. */
static iotssf_status yaml_files(const char *dir, char ***names, size_t *count, iotssf_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return iotssf_fail(err, IOTSSF_E_IO, dir, 0, 0, "cannot read the folder: %s",
                           strerror(errno));
    size_t cap = 0;
    *names = NULL;
    *count = 0;
    struct dirent *ent;
    iotssf_status st = IOTSSF_OK;
    while (!st && (ent = readdir(d)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (len < 6 || strcmp(ent->d_name + len - 5, ".yaml") != 0 || ent->d_name[0] == '.')
            continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = realloc(*names, cap * sizeof *grown);
            if (!grown) {
                st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            *names = grown;
        }
        if (!((*names)[*count] = strdup(ent->d_name)))
            st = iotssf_fail(err, IOTSSF_E_NOMEM, NULL, 0, 0, "out of memory");
        else
            (*count)++;
    }
    closedir(d);
    if (*count)
        qsort(*names, *count, sizeof **names, compare_names);
    return st;
}

static iotssf_status hash_folder(EVP_MD_CTX *ctx, const char *data_dir, const char *sub,
                                 iotssf_error *err)
{
    char dir[4096], path[4096 + 256], rel[512];
    snprintf(dir, sizeof dir, "%s/%s", data_dir, sub);
    char **names = NULL;
    size_t count = 0;
    iotssf_status st = yaml_files(dir, &names, &count, err);
    for (size_t i = 0; i < count && !st; i++) {
        int n = snprintf(rel, sizeof rel, "%s/%s", sub, names[i]);
        EVP_DigestUpdate(ctx, rel, (size_t)n + 1);
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        st = hash_file_into(ctx, path, err);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return st;
}

iotssf_status iotssf_catalog_digest(const char *data_dir, char out[65], iotssf_error *err)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(ctx);
        return iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "SHA-256 is not available");
    }
    iotssf_status st = hash_folder(ctx, data_dir, "baselines", err);
    if (!st)
        st = hash_folder(ctx, data_dir, "catalog", err);
    unsigned char digest[32];
    if (!st && !EVP_DigestFinal_ex(ctx, digest, NULL))
        st = iotssf_fail(err, IOTSSF_E_INTERNAL, NULL, 0, 0, "SHA-256 failed");
    EVP_MD_CTX_free(ctx);
    if (!st)
        sha256_digest_hex(digest, out);
    return st;
}
