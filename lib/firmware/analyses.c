/*
 * The registry of firmware analyses; each sees every entry once.
 */
#include "analysis.h"

extern const fw_analysis fw_analysis_elf_hardening, fw_analysis_accounts, fw_analysis_secrets,
    fw_analysis_keys, fw_analysis_boot, fw_analysis_components;

const fw_analysis *const fw_analyses[] = {
    &fw_analysis_accounts,
    &fw_analysis_secrets,
    &fw_analysis_keys,
    &fw_analysis_boot,
    &fw_analysis_elf_hardening,
    &fw_analysis_components,
    NULL,
};

const size_t fw_analysis_count = sizeof fw_analyses / sizeof fw_analyses[0] - 1;
