/*
 * Fixture helpers the reader tests share: fetching a Debian package's files,
 * loading a fixture or corpus file, and checking what a reader recorded (see
 * fw_sink_util.h) against a tree the test built on disk, or against the
 * shared corpus' standard test set. One copy here, so every reader is held
 * to the same checks.
 */
#ifndef IOTSSF_TEST_FW_FIXTURE_UTIL_H
#define IOTSSF_TEST_FW_FIXTURE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fw_sink_util.h"

/* The folder tests/tools/debian-binary.sh unpacked `package` into (a static
 * buffer, one at a time); fails the test when the script fails. */
const char *fixture_debian_dir(const char *package);
/* The same into dir, quietly; false when the package cannot be had. */
bool try_debian_dir(const char *package, char *dir, size_t size);

/* The whole file, malloc'd; fails the test when it cannot be read. */
uint8_t *load_or_fail(const char *path, size_t *size);
/* The same for dir/name. */
uint8_t *load_in(const char *dir, const char *name, size_t *size);

/* Whether any recorded warning contains needle. */
bool recorded_has_warning(const recording *r, const char *needle);

/* One entry a reader must report for a fixture tree built on disk. */
typedef struct expected_entry {
    const char *path;
    iotssf_fw_kind kind;
    uint32_t mode, uid, gid;
    const char *source; /* file in the tree whose bytes the entry must hold */
    const char *target; /* symlink or hard link target */
} expected_entry;

/* Prints the warnings (for a failing test's log), then asserts a clean
 * unpack of exactly `entries` entries. */
void check_clean_unpack(const recording *r, size_t entries);
/* The entry at path; fails the test when it is missing. */
const recorded_entry *must_find_entry(const recording *r, const char *path);
/* The entry's link target is `target` (none when NULL). */
void check_link_target(const recorded_entry *e, const char *target);
/* The entry holds exactly the bytes of root/relative. */
void check_bytes_of(const recorded_entry *e, const char *root, const char *relative);
/* The entry at x->path is as x says: kind, mode, owner, link target (and a
 * symlink's size is its target's length), and the bytes of x->source. */
void check_tree_entry(const recording *r, const expected_entry *x, const char *root);

/* A small root tree of Debian's busybox with a hard link, symlinks, a setuid
 * script, a sparse file, and (through `devtable` beside it, in mkfs.jffs2 /
 * mkfs.ubifs device-table syntax) devices and a fifo: built under
 * scratch_dir(name)/root; devtable_tree is what readers must report. */
extern const expected_entry devtable_tree[];
extern const size_t devtable_tree_size;
void build_devtable_tree(const char *name, char *work_dir, size_t work_size, char *root_dir,
                         size_t root_size);
/* A clean unpack of exactly the `count` entries of tree, as check_tree_entry. */
void check_recorded_tree(const recording *r, const expected_entry *tree, size_t count,
                         const char *root);

/* The files of the shared corpus' standard test set (the fact_extractor
 * generic_fs images): path and exact text. */
typedef struct standard_file {
    const char *path, *text;
} standard_file;
enum { STANDARD_FILE_COUNT = 3 };
extern const standard_file standard_files[STANDARD_FILE_COUNT];

/* A clean unpack of exactly the standard set: the folder "generic folder"
 * and the three files with their text. Modes and owners differ between
 * formats, so the caller checks those. */
void check_standard_content(const recording *r);

#endif
