/*
 * libFuzzer target for the ELF reader and the hardening checks
 * (lib/firmware/elf.c, elf_hardening.c): one input is one file. It is
 * inspected with fw_elf_inspect(), described, and run through the analysis
 * as a firmware entry with the real rules, so every answer the reader lets
 * through also reaches the findings.
 *
 * Seeds (fuzz/corpus/elf/, each < 64 KiB, stripped): tiny PIEs for eight
 * machines built with clang and lld against a stand-in libc, e.g.
 *   clang --target=mips-linux-gnu -O2 -fPIC -nostdlib -shared -fuse-ld=lld \
 *         -Wl,-soname,libc.so.6 stub.c -o libstub.so
 *   clang --target=mips-linux-gnu -O2 -fPIE -pie -nostdlib -fuse-ld=lld \
 *         -fstack-protector-strong tiny.c libstub.so \
 *         -Wl,--dynamic-linker=/lib/ld.so.1 -Wl,-z,relro,-z,now,-z,noexecstack
 * (also powerpc, powerpc64, arm, aarch64, i386, x86_64 and mipsel), plus
 * gcc-built x86-64 programs with every protection off, a lazy-binding one
 * with an RPATH, a shared library with an executable stack, a static
 * freestanding one and one with its section headers removed.
 */
#include <stddef.h>
#include <stdint.h>

#include "firmware/analysis.h"
#include "firmware/elf.h"
#include "fuzz_common.h"

typedef struct fuzz_rules {
    iotssf_catalog *catalog;
    iotssf_rule_set *rules;
} fuzz_rules;

static const fuzz_rules *rules(void)
{
    static fuzz_rules loaded;
    if (!loaded.rules) {
        iotssf_error err;
        iotssf_error_clear(&err);
        if (iotssf_catalog_load(fuzz_data_dir(), &loaded.catalog, &err) ||
            iotssf_rules_load(fuzz_data_dir(), loaded.catalog, &loaded.rules, &err))
            fuzz_fail("cannot load the catalog and rules (set IOTSSF_DATA)", &err);
    }
    return &loaded;
}

static void check_report(const fw_elf_report *r, iotssf_status st)
{
    char line[640];
    if ((st == IOTSSF_OK) != r->analysable)
        fuzz_fail("status and analysable disagree", NULL);
    if (!r->analysable && !r->problem[0])
        fuzz_fail("a file not analysable without a reason", NULL);
    if (r->analysable && r->bits != 32 && r->bits != 64)
        fuzz_fail("an analysed file is neither ELF32 nor ELF64", NULL);
    if (r->relro == FW_ELF_RELRO_FULL && !r->bind_now)
        fuzz_fail("full RELRO without BIND_NOW", NULL);
    if (r->fortify == FW_ELF_YES && r->fortified == 0)
        fuzz_fail("fortified without a _chk function", NULL);
    fw_elf_describe(r, line, sizeof line);
    if (strlen(line) >= sizeof line)
        fuzz_fail("the description overflowed", NULL);
}

static void run_analysis(const uint8_t *data, size_t size)
{
    iotssf_findings findings;
    iotssf_error err;
    iotssf_findings_init(&findings);
    iotssf_error_clear(&err);
    fw_analysis_ctx ctx = {&findings, rules()->rules, "fuzz", fuzz_data_dir()};
    const fw_analysis *a = &fw_analysis_elf_hardening;
    void *state = a->create(&ctx, &err);
    if (!state)
        fuzz_fail("the analysis could not start", &err);
    iotssf_fw_entry e = {.path = "usr/sbin/fuzzed", .kind = IOTSSF_FW_FILE, .mode = 0755,
                         .size = size, .data = size ? data : NULL};
    if (a->entry(state, &ctx, &e, &err) || a->finish(state, &ctx, &err))
        fuzz_fail("the analysis failed on a file", &err);
    if (findings.count > 8)
        fuzz_fail("more than one finding per rule for one file", NULL);
    a->destroy(state);
    iotssf_findings_free(&findings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fw_elf_report r;
    check_report(&r, fw_elf_inspect(data, size, &r));
    run_analysis(data, size);
    return 0;
}
