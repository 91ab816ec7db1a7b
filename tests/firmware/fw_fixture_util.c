/*
 * Fixture helpers for reader tests; see fw_fixture_util.h.
 */
#include "fw_fixture_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"

/* Runs tests/tools/debian-binary.sh; its messages go to the test's log
 * unless quiet (for tests that skip when the package cannot be had). */
static bool fetch_debian(const char *package, bool quiet, char *dir, size_t size)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "%s/tests/tools/debian-binary.sh %s%s", IOTSSF_SOURCE_DIR, package,
             quiet ? " 2>/dev/null" : "");
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    bool ok = fgets(dir, (int)size, p) != NULL;
    ok = pclose(p) == 0 && ok;
    dir[strcspn(dir, "\n")] = '\0';
    return ok;
}

const char *fixture_debian_dir(const char *package)
{
    static char dir[4096];
    if (!fetch_debian(package, false, dir, sizeof dir))
        fail_msg("cannot fetch %s with tests/tools/debian-binary.sh", package);
    return dir;
}

bool try_debian_dir(const char *package, char *dir, size_t size)
{
    return fetch_debian(package, true, dir, size);
}

uint8_t *load_or_fail(const char *path, size_t *size)
{
    uint8_t *data = (uint8_t *)read_file(path, size);
    if (!data)
        fail_msg("cannot read %s", path);
    return data;
}

uint8_t *load_in(const char *dir, const char *name, size_t *size)
{
    char path[8800];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return load_or_fail(path, size);
}

bool recorded_has_warning(const recording *r, const char *needle)
{
    for (size_t i = 0; i < r->warning_count; i++)
        if (strstr(r->warnings[i], needle))
            return true;
    return false;
}

void check_clean_unpack(const recording *r, size_t entries)
{
    for (size_t i = 0; i < r->warning_count; i++)
        print_message("warning: %s\n", r->warnings[i]);
    assert_int_equal(r->status, IOTSSF_OK);
    assert_int_equal(r->warning_count, 0);
    assert_int_equal(r->entry_count, entries);
}

const recorded_entry *must_find_entry(const recording *r, const char *path)
{
    const recorded_entry *e = recorded_find(r, path);
    if (!e)
        fail_msg("missing entry %s", path);
    return e;
}

void check_link_target(const recorded_entry *e, const char *target)
{
    if (target)
        assert_string_equal(e->link_target, target);
    else
        assert_null(e->link_target);
}

void check_bytes_of(const recorded_entry *e, const char *root, const char *relative)
{
    size_t size;
    uint8_t *want = load_in(root, relative, &size);
    assert_int_equal(e->size, size);
    if (size)
        assert_memory_equal(e->data, want, size);
    free(want);
}

void check_tree_entry(const recording *r, const expected_entry *x, const char *root)
{
    const recorded_entry *e = must_find_entry(r, x->path);
    assert_int_equal(e->kind, x->kind);
    assert_int_equal(e->mode, x->mode);
    assert_int_equal(e->uid, x->uid);
    assert_int_equal(e->gid, x->gid);
    check_link_target(e, x->target);
    if (x->kind == IOTSSF_FW_SYMLINK)
        assert_int_equal(e->size, strlen(x->target));
    if (x->source)
        check_bytes_of(e, root, x->source);
}

void check_recorded_tree(const recording *r, const expected_entry *tree, size_t count,
                         const char *root)
{
    check_clean_unpack(r, count);
    for (size_t i = 0; i < count; i++)
        check_tree_entry(r, &tree[i], root);
}

const standard_file standard_files[STANDARD_FILE_COUNT] = {
    {"testfile1", "test file:\ncontent: MyTestRule 1.2.3\nVersion: Program 0.0.0.0\n"},
    {"testfile2", "This is the second test file"},
    {"generic folder/test file 3_.txt", "The third test file!"},
};

void check_standard_content(const recording *r)
{
    assert_int_equal(r->status, IOTSSF_OK);
    assert_int_equal(r->warning_count, 0);
    assert_int_equal(r->entry_count, 1 + STANDARD_FILE_COUNT);
    const recorded_entry *e = recorded_find(r, "generic folder");
    assert_non_null(e);
    assert_int_equal(e->kind, IOTSSF_FW_DIR);
    for (int i = 0; i < STANDARD_FILE_COUNT; i++) {
        e = recorded_find(r, standard_files[i].path);
        assert_non_null(e);
        assert_int_equal(e->kind, IOTSSF_FW_FILE);
        assert_int_equal(e->size, strlen(standard_files[i].text));
        assert_memory_equal(e->data, standard_files[i].text, e->size);
    }
}

/* The tree that build_devtable_tree makes, as every reader must see it: a
 * hard link, symlinks, devices and a fifo from a mkfs device table, setuid
 * and sticky bits, and a sparse file. */
const expected_entry devtable_tree[] = {
    {"bin", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"bin/busybox", IOTSSF_FW_FILE, 0755, 0, 0, "bin/busybox", NULL},
    {"bin/ls", IOTSSF_FW_HARDLINK, 0755, 0, 0, NULL, "bin/busybox"},
    {"bin/sh", IOTSSF_FW_SYMLINK, 0777, 0, 0, NULL, "busybox"},
    {"dev", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"dev/console", IOTSSF_FW_CHARDEV, 0620, 0, 5, NULL, NULL},
    {"dev/mtdblock0", IOTSSF_FW_BLOCKDEV, 0640, 0, 6, NULL, NULL},
    {"dev/ttyS0", IOTSSF_FW_CHARDEV, 0660, 1000, 1000, NULL, NULL},
    {"etc", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"etc/empty", IOTSSF_FW_FILE, 0644, 0, 0, "etc/empty", NULL},
    {"etc/init.d", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"etc/init.d/rcS", IOTSSF_FW_FILE, 04755, 0, 0, "etc/init.d/rcS", NULL},
    {"etc/passwd", IOTSSF_FW_FILE, 0600, 0, 0, "etc/passwd", NULL},
    {"tmp", IOTSSF_FW_DIR, 01777, 0, 0, NULL, NULL},
    {"tmp/fifo", IOTSSF_FW_FIFO, 0644, 0, 0, NULL, NULL},
    {"usr", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"usr/lib", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"usr/lib/link", IOTSSF_FW_SYMLINK, 0777, 0, 0, NULL, "../../bin/busybox"},
    {"var", IOTSSF_FW_DIR, 0755, 0, 0, NULL, NULL},
    {"var/sparse", IOTSSF_FW_FILE, 0644, 0, 0, "var/sparse", NULL},
};
const size_t devtable_tree_size = sizeof devtable_tree / sizeof devtable_tree[0];

void build_devtable_tree(const char *name, char *work_dir, size_t work_size, char *root_dir,
                         size_t root_size)
{
    snprintf(work_dir, work_size, "%s", scratch_dir(name));
    snprintf(root_dir, root_size, "%s/root", work_dir);
    run_or_fail("cd '%s' && umask 022 && mkdir -p root/bin root/etc/init.d root/var root/usr/lib "
                "root/dev root/tmp && chmod 1777 root/tmp && cp '%s/bin/busybox' root/bin/ && "
                "chmod 755 root/bin/busybox && ln root/bin/busybox root/bin/ls && "
                "ln -s busybox root/bin/sh && ln -s ../../bin/busybox root/usr/lib/link && "
                "printf 'root:x:0:0:root:/root:/bin/sh\\n' > root/etc/passwd && "
                "chmod 600 root/etc/passwd && printf '#!/bin/sh\\necho up\\n' > root/etc/init.d/rcS && "
                "chmod 4755 root/etc/init.d/rcS && : > root/etc/empty && "
                "truncate -s 100000 root/var/sparse && printf end >> root/var/sparse && "
                "printf '%%s\\n' '/dev/console c 620 0 5 5 1 - - -' "
                "'/dev/ttyS0 c 660 1000 1000 4 64 - - -' '/dev/mtdblock0 b 640 0 6 31 0 - - -' "
                "'/tmp/fifo p 644 0 0 - - - - -' > devtable",
                work_dir, fixture_debian_dir("busybox-static"));
}
