/*
 * CVSS base scores computed from vectors, checked against the scores NVD
 * publishes for well-known CVEs and against FIRST's severity bands; vectors
 * that are not base vectors are refused rather than guessed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "vulns/vulns_internal.h"

static void assert_score(const char *vector, double want)
{
    double got = cvss_base_score(vector);
    if (got < want - 0.001 || got > want + 0.001)
        fail_msg("%s: %.2f, expected %.1f", vector, got, want);
}

static void test_v3(void **state)
{
    (void)state;
    /* CVE-2017-14491 (dnsmasq), CVE-2023-38408 (OpenSSH). */
    assert_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8);
    /* CVE-2014-0160 (Heartbleed). */
    assert_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5);
    /* CVE-2020-25681 (DNSpooq). */
    assert_score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1);
    /* CVE-2018-15473 (OpenSSH user enumeration). */
    assert_score("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3);
    /* Scope changed: a typical reflected XSS, and the maximum. */
    assert_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1);
    assert_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0);
    /* PR weights change with scope. */
    assert_score("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9);
    assert_score("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 9.1);
    assert_score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8);
    assert_score("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6);
    assert_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0);
    /* Temporal and environmental metrics are allowed and ignored. */
    assert_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C", 9.8);
}

static void test_v2(void **state)
{
    (void)state;
    assert_score("AV:N/AC:L/Au:N/C:P/I:N/A:N", 5.0); /* Heartbleed */
    assert_score("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5);
    assert_score("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0);
    assert_score("AV:N/AC:M/Au:N/C:P/I:N/A:N", 4.3);
    assert_score("AV:L/AC:L/Au:N/C:N/I:N/A:N", 0.0);
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "CVSS:3.1/", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",        /* A missing */
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",                 /* twice */
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",                      /* bad value */
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",                     /* trailing / */
        "CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:NN/AC:L",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "AV:N/AC:L/Au:N/C:P/I:N", "(AV:N/AC:L/Au:N/C:P/I:N/A:N)", NULL};
    for (int i = 0; bad[i]; i++)
        if (cvss_base_score(bad[i]) >= 0)
            fail_msg("'%s' was scored", bad[i]);
    assert_true(cvss_base_score(NULL) < 0);
}

static void test_bands(void **state)
{
    (void)state;
    assert_int_equal(cvss_severity(-1), IOTSSF_SEV_MEDIUM);
    assert_int_equal(cvss_severity(0.0), IOTSSF_SEV_INFO);
    assert_int_equal(cvss_severity(0.1), IOTSSF_SEV_LOW);
    assert_int_equal(cvss_severity(3.9), IOTSSF_SEV_LOW);
    assert_int_equal(cvss_severity(4.0), IOTSSF_SEV_MEDIUM);
    assert_int_equal(cvss_severity(6.9), IOTSSF_SEV_MEDIUM);
    assert_int_equal(cvss_severity(7.0), IOTSSF_SEV_HIGH);
    assert_int_equal(cvss_severity(8.9), IOTSSF_SEV_HIGH);
    assert_int_equal(cvss_severity(9.0), IOTSSF_SEV_CRITICAL);
    assert_int_equal(cvss_severity(10.0), IOTSSF_SEV_CRITICAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v3),
        cmocka_unit_test(test_v2),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_bands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
