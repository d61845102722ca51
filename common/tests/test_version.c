/* The version table: which server release has which feature, and which
 * config keys a server of each version is given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nx_server.h"
#include "nx_version.h"

static void parse(void **state)
{
    (void)state;
    nx_version v;
    assert_int_equal(nx_version_parse("2.10.27", &v), 0);
    assert_int_equal(v.major, 2);
    assert_int_equal(v.minor, 10);
    assert_int_equal(v.patch, 27);
    assert_int_equal(nx_version_parse("v2.15.1-beta", &v), 0);
    assert_int_equal(v.patch, 1);
    assert_int_equal(nx_version_parse("3.0", &v), 0);
    assert_int_equal(v.patch, 0);
    assert_int_equal(nx_version_parse("garbage", &v), -1);
    assert_int_equal(nx_version_parse("2.x", &v), -1);
    assert_int_equal(nx_version_parse(NULL, &v), -1);
    assert_true(nx_version_at_least("2.10.1", 2, 10, 0));
    assert_true(nx_version_at_least("2.9.10", 2, 9, 10));
    assert_false(nx_version_at_least("2.9.10", 2, 10, 0));
    assert_false(nx_version_at_least("garbage", 2, 0, 0));
    assert_true(nx_version_at_least("3.0", 2, 10, 0));
}

static void features_per_version(void **state)
{
    (void)state;
    /* The three servers the suite measures. */
    for (int f = 0; f < NX_FEAT_COUNT; f++)
        assert_false(nx_version_has("2.9.10", (nx_feature)f));
    assert_true(nx_version_has("2.10.27", NX_FEAT_SYNC_INTERVAL));
    assert_true(nx_version_has("2.10.27", NX_FEAT_LEAF_COMPRESSION));
    assert_true(nx_version_has("2.10.27", NX_FEAT_CAS_R3_SAFE));
    assert_false(nx_version_has("2.10.27", NX_FEAT_MULTI_GET));
    assert_false(nx_version_has("2.10.27", NX_FEAT_SOURCE_RETRY_NOW));
    for (int f = 0; f < NX_FEAT_COUNT; f++)
        assert_true(nx_version_has("2.15.1", (nx_feature)f));
    /* Thresholds exactly. */
    assert_true(nx_version_has("2.9.21", NX_FEAT_CAS_R3_SAFE));
    assert_false(nx_version_has("2.9.20", NX_FEAT_CAS_R3_SAFE));
    assert_false(nx_version_has("2.13.9", NX_FEAT_FAST_BATCH));
    assert_true(nx_version_has("2.14.0", NX_FEAT_FAST_BATCH));
    assert_false(nx_version_has("2.11.9", NX_FEAT_ATOMIC_BATCH));
    assert_true(nx_version_has("2.12.0", NX_FEAT_PERSIST_ASYNC));
    /* Backports on their own minor line only. */
    assert_false(nx_version_has("2.11.9", NX_FEAT_TIME_START_BSEARCH));
    assert_true(nx_version_has("2.11.10", NX_FEAT_TIME_START_BSEARCH));
    assert_false(nx_version_has("2.12.0", NX_FEAT_TIME_START_BSEARCH));
    assert_true(nx_version_has("2.12.1", NX_FEAT_TIME_START_BSEARCH));
    assert_false(nx_version_has("2.11.4", NX_FEAT_SOURCE_RETRY_NOW));
    assert_true(nx_version_has("2.11.5", NX_FEAT_SOURCE_RETRY_NOW));
    assert_false(nx_version_has("garbage", NX_FEAT_MSG_TTL));
    assert_false(nx_version_has("2.15.1", NX_FEAT_COUNT));
}

static void missing_line(void **state)
{
    (void)state;
    char buf[160];
    assert_string_equal(nx_feature_missing_line(NX_FEAT_ATOMIC_BATCH, "2.9.10", buf, sizeof buf),
                        "atomic batch publish needs nats-server >= 2.12; this is 2.9.10");
    assert_string_equal(
        nx_feature_missing_line(NX_FEAT_TIME_START_BSEARCH, "2.10.27", buf, sizeof buf),
        "binary search for a start time needs nats-server >= 2.11.10 / 2.12.1; this is 2.10.27");
    assert_string_equal(nx_feature_missing_line(NX_FEAT_FAST_BATCH, NULL, buf, sizeof buf),
                        "fast-ingest batch publish needs nats-server >= 2.14; this is an unknown "
                        "version");
}

static void config_keys_per_version(void **state)
{
    (void)state;
    nx_server_config c;
    nx_server_config_init(&c);
    nx_err err = {{0}};
    /* No version-specific key: every version takes it. */
    assert_int_equal(nx_server_config_check(&c, "2.9.10", &err), 0);

    c.sync_interval = "always";
    assert_int_equal(nx_server_config_check(&c, "2.9.10", &err), -1);
    assert_string_equal(err.msg, "sync_interval needs nats-server >= 2.10; this is 2.9.10");
    assert_int_equal(nx_server_config_check(&c, "2.10.27", &err), 0);
    c.sync_interval = "1s";
    assert_int_equal(nx_server_config_check(&c, "2.15.1", &err), 0);
    c.sync_interval = "soon";
    assert_int_equal(nx_server_config_check(&c, "2.15.1", &err), -1);
    assert_non_null(strstr(err.msg, "expected always or a duration"));
    c.sync_interval = "0s";
    assert_int_equal(nx_server_config_check(&c, "2.15.1", &err), -1);

    c.sync_interval = NULL;
    c.leaf_compression = "s2_auto";
    assert_int_equal(nx_server_config_check(&c, "2.9.10", &err), -1);
    assert_string_equal(err.msg, "leafnode compression needs nats-server >= 2.10; this is 2.9.10");
    assert_int_equal(nx_server_config_check(&c, "2.10.27", &err), 0);
    c.leaf_compression = "zstd";
    assert_int_equal(nx_server_config_check(&c, "2.15.1", &err), -1);
    assert_non_null(strstr(err.msg, "expected off, s2_fast"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse),
        cmocka_unit_test(features_per_version),
        cmocka_unit_test(missing_line),
        cmocka_unit_test(config_keys_per_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
