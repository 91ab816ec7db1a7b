/*
 * Extraction never leaves its folder: hostile names are cleaned, symlinks
 * planted by an image are written but never followed, special files are not
 * created, and a non-empty folder is refused.
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "firmware/extract.h"
#include "firmware/path.h"
#include "fw_sink_util.h"
#include "util.h"

static void test_path_clean(void **state)
{
    (void)state;
    char out[64];
    bool bad;
    assert_true(fw_path_clean("/etc//passwd", out, sizeof out, &bad));
    assert_string_equal(out, "etc/passwd");
    assert_true(bad);
    assert_true(fw_path_clean("./a/./b/", out, sizeof out, &bad));
    assert_string_equal(out, "a/b");
    assert_false(bad);
    assert_true(fw_path_clean("../../etc/shadow", out, sizeof out, &bad));
    assert_string_equal(out, "etc/shadow");
    assert_true(bad);
    assert_true(fw_path_clean("a/../../b", out, sizeof out, &bad));
    assert_string_equal(out, "a/b");
    assert_true(bad);
    assert_false(fw_path_clean("/", out, sizeof out, &bad));
    assert_false(fw_path_clean("..", out, sizeof out, &bad));
    assert_false(fw_path_clean("a-very-long-name-that-does-not-fit-in-eight", out, 8, &bad));
}

static iotssf_fw_entry file_entry(const char *path, const char *text)
{
    return (iotssf_fw_entry){.path = path, .kind = IOTSSF_FW_FILE, .mode = 04755,
                             .size = strlen(text), .data = (const uint8_t *)text};
}

static void test_symlinks_are_never_followed(void **state)
{
    (void)state;
    const char *base = scratch_dir("extract-symlink");
    char out[2048], outside[2048], probe[2300];
    snprintf(out, sizeof out, "%s/out", base);
    snprintf(outside, sizeof outside, "%s/outside", base);
    assert_int_equal(mkdir(outside, 0755), 0);
    fw_extractor *x;
    iotssf_error err;
    assert_int_equal(fw_extract_open(out, &x, &err), IOTSSF_OK);
    char why[256];
    /* The image plants a link to a folder outside, then writes through it. */
    iotssf_fw_entry link = {.path = "etc", .kind = IOTSSF_FW_SYMLINK, .link_target = outside};
    assert_true(fw_extract_entry(x, "fs", &link, why, sizeof why));
    iotssf_fw_entry through = file_entry("etc/passwd", "root::0:0::/:/bin/sh\n");
    assert_false(fw_extract_entry(x, "fs", &through, why, sizeof why));
    assert_non_null(strstr(why, "not followed"));
    snprintf(probe, sizeof probe, "%s/passwd", outside);
    assert_int_not_equal(access(probe, F_OK), 0);
    /* A link as the file itself: replaced by the file, the target untouched. */
    snprintf(probe, sizeof probe, "%s/target", outside);
    FILE *f = fopen(probe, "w");
    fputs("keep", f);
    fclose(f);
    iotssf_fw_entry leaf = {.path = "leaf", .kind = IOTSSF_FW_SYMLINK, .link_target = probe};
    assert_true(fw_extract_entry(x, "fs", &leaf, why, sizeof why));
    iotssf_fw_entry over = file_entry("leaf", "overwrite");
    assert_true(fw_extract_entry(x, "fs", &over, why, sizeof why));
    size_t n;
    char *kept = read_file(probe, &n);
    assert_string_equal(kept, "keep");
    free(kept);
    fw_extract_close(x);
}

static void test_files_modes_and_specials(void **state)
{
    (void)state;
    const char *base = scratch_dir("extract-files");
    char out[2048], path[2300];
    snprintf(out, sizeof out, "%s/out", base);
    fw_extractor *x;
    iotssf_error err;
    assert_int_equal(fw_extract_open(out, &x, &err), IOTSSF_OK);
    char why[256];
    iotssf_fw_entry f = file_entry("usr/bin/tool", "#!/bin/sh\n");
    assert_true(fw_extract_entry(x, "squashfs@0x40", &f, why, sizeof why));
    snprintf(path, sizeof path, "%s/squashfs@0x40/usr/bin/tool", out);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07000, 0); /* no setuid written */
    assert_int_equal(st.st_mode & 0755, 0755);
    iotssf_fw_entry dev = {.path = "dev/console", .kind = IOTSSF_FW_CHARDEV};
    assert_false(fw_extract_entry(x, "squashfs@0x40", &dev, why, sizeof why));
    assert_non_null(strstr(why, "special file"));
    fw_extract_close(x);
    /* The folder now holds files: a second extraction into it is refused. */
    assert_int_equal(fw_extract_open(out, &x, &err), IOTSSF_E_INPUT);
    assert_non_null(strstr(err.message, "not empty"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_clean),
        cmocka_unit_test(test_symlinks_are_never_followed),
        cmocka_unit_test(test_files_modes_and_specials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
