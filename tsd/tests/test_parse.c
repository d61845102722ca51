/* The small parsers and formatters tsd relies on: its options, publish
 * acks, consumer reply subjects and nanosecond start times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tsd_jsmeta.h"
#include "tsd_opts.h"
#include "tsd_puback.h"
#include "tsd_rfc3339.h"

static nx_cli_result parse(tsd_opts *o, nx_err *err, const char *a1, const char *a2, const char *a3)
{
    char *argv[] = {"tsd", (char *)a1, (char *)a2, (char *)a3, NULL};
    int argc = 1 + (a1 != NULL) + (a2 != NULL) + (a3 != NULL);
    return tsd_opts_parse(o, argc, argv, err);
}

static void defaults_and_quick(void **state)
{
    (void)state;
    tsd_opts o;
    nx_err err = {{0}};
    assert_int_equal(parse(&o, &err, NULL, NULL, NULL), NX_CLI_RUN);
    assert_int_equal(o.base.count, 100000);
    assert_int_equal(o.base.payload, 16);
    assert_int_equal(o.nwindows, 4);
    assert_int_equal(o.windows[3], 16384);
    assert_int_equal(o.series, 100);
    assert_int_equal(tsd_opts_sync_count(&o), 10000);
    assert_int_equal(o.fault, TSD_FAULT_NONE);

    assert_int_equal(parse(&o, &err, "--quick", NULL, NULL), NX_CLI_RUN);
    assert_int_equal(o.base.count, 2000);
    assert_int_equal(o.series, 10);
    assert_int_equal(o.retention, 20);
    assert_int_equal(tsd_opts_sync_count(&o), 2000); /* at most --count */

    /* --quick never overrides what was given */
    assert_int_equal(parse(&o, &err, "--quick", "--series", "20"), NX_CLI_RUN);
    assert_int_equal(o.series, 20);
    assert_int_equal(o.base.count, 2000);
}

static void own_options(void **state)
{
    (void)state;
    tsd_opts o;
    nx_err err = {{0}};
    assert_int_equal(parse(&o, &err, "--window", "1,8,64", NULL), NX_CLI_RUN);
    assert_int_equal(o.nwindows, 3);
    assert_int_equal(o.windows[2], 64);
    assert_int_equal(parse(&o, &err, "--sync-count", "500", NULL), NX_CLI_RUN);
    assert_int_equal(tsd_opts_sync_count(&o), 500);
    assert_int_equal(parse(&o, &err, "--sync-count", "5000000", NULL), NX_CLI_RUN);
    assert_int_equal(tsd_opts_sync_count(&o), 100000); /* at most --count */
    assert_int_equal(parse(&o, &err, "--inject-fault", "range", NULL), NX_CLI_RUN);
    assert_int_equal(o.fault, TSD_FAULT_RANGE);
    assert_string_equal(tsd_fault_name(o.fault), "range");
    assert_int_equal(parse(&o, &err, "--seed", "7", "--no-sqlite"), NX_CLI_RUN);
    assert_true(o.seed_set);
    assert_int_equal(o.seed, 7);
    assert_true(o.no_sqlite);
}

static void expect_usage(const char *a1, const char *a2, const char *a3, const char *needle)
{
    tsd_opts o;
    nx_err err = {{0}};
    assert_int_equal(parse(&o, &err, a1, a2, a3), NX_CLI_USAGE);
    if (strstr(err.msg, needle) == NULL)
        fail_msg("expected '%s' in '%s'", needle, err.msg);
}

static void bad_usage_names_the_option(void **state)
{
    (void)state;
    expect_usage("--window", "0", NULL, "--window");
    expect_usage("--window", "8,,16", NULL, "empty item");
    expect_usage("--series", "x", NULL, "--series");
    expect_usage("--fetch-batch", "100000", NULL, "--fetch-batch");
    expect_usage("--inject-fault", "disk", NULL, "allowed: payload, count, range");
    expect_usage("--payload", "4", NULL, "--payload: 4 is too small");
    expect_usage("--count", "100", NULL, "--count 100 is too small for --series 100");
    expect_usage("--quick", "--series", "100", "--count 2000 is too small for --series 100");
    expect_usage("--seed", "-1", NULL, "--seed");
    expect_usage("--payload", "100000", NULL, "would keep 1562 MiB in flight");
    expect_usage("--payload=5000", "--fetch-batch=65536", NULL,
                 "--fetch-batch 65536 of 5000-byte points");
}

static void puback_sequence_or_error(void **state)
{
    (void)state;
    uint64_t seq = 0;
    nx_err err = {{0}};
    const char *ok = "{\"stream\":\"NODES\",\"seq\":123456}";
    assert_int_equal(tsd_puback_seq(ok, strlen(ok), &seq, &err), 0);
    assert_int_equal(seq, 123456);
    const char *dom = "{\"stream\":\"NODES\", \"domain\":\"hub\", \"seq\": 7}";
    assert_int_equal(tsd_puback_seq(dom, strlen(dom), &seq, &err), 0);
    assert_int_equal(seq, 7);
    const char *bad = "{\"error\":{\"code\":503,\"err_code\":10077,\"description\":\"maximum "
                      "messages exceeded\"},\"stream\":\"NODES\",\"seq\":0}";
    assert_int_equal(tsd_puback_seq(bad, strlen(bad), &seq, &err), -1);
    assert_string_equal(err.msg, "publish rejected: maximum messages exceeded");
    assert_int_equal(tsd_puback_seq("", 0, &seq, &err), -1);
    assert_int_equal(tsd_puback_seq("{\"seq\":x}", 9, &seq, &err), -1);
    /* the length bounds the scan: the digits past it do not count */
    assert_int_equal(tsd_puback_seq("{\"seq\":12345}", 9, &seq, &err), 0);
    assert_int_equal(seq, 12);
    const char *huge = "{\"seq\":123456789012345678901}";
    assert_int_equal(tsd_puback_seq(huge, strlen(huge), &seq, &err), -1);
}

static void reply_subject_metadata(void **state)
{
    (void)state;
    uint64_t seq = 0, pending = 0;
    assert_true(
        tsd_jsmeta_parse("$JS.ACK.NODES.c1.1.4021.17.1700000000000000000.99", &seq, &pending));
    assert_int_equal(seq, 4021);
    assert_int_equal(pending, 99);
    assert_true(tsd_jsmeta_parse("$JS.ACK.hub.ACCHASH.NODES.c1.1.55.17.1700000000000000000.0.xyz",
                                 &seq, &pending));
    assert_int_equal(seq, 55);
    assert_int_equal(pending, 0);
    assert_false(tsd_jsmeta_parse(NULL, &seq, &pending));
    assert_false(tsd_jsmeta_parse("_INBOX.abc", &seq, &pending));
    assert_false(tsd_jsmeta_parse("$JS.ACK.NODES.c1.1.x.17.1.0", &seq, &pending));
    assert_false(tsd_jsmeta_parse("$JS.ACK.NODES.c1.1.2", &seq, &pending));
}

static void start_times_keep_every_nanosecond(void **state)
{
    (void)state;
    char buf[48];
    /* nats.c 3.4.1 would send this one as .12345678 */
    assert_int_equal(tsd_rfc3339_ns(1700000000012345678LL, buf, sizeof buf), 30);
    assert_string_equal(buf, "2023-11-14T22:13:20.012345678Z");
    tsd_rfc3339_ns(1700000000000000001LL, buf, sizeof buf);
    assert_string_equal(buf, "2023-11-14T22:13:20.000000001Z");
    tsd_rfc3339_ns(1700000000000000000LL, buf, sizeof buf);
    assert_string_equal(buf, "2023-11-14T22:13:20.000000000Z");
    assert_int_equal(tsd_rfc3339_ns(1700000000000000000LL, buf, 10), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_and_quick),
        cmocka_unit_test(own_options),
        cmocka_unit_test(bad_usage_names_the_option),
        cmocka_unit_test(puback_sequence_or_error),
        cmocka_unit_test(reply_subject_metadata),
        cmocka_unit_test(start_times_keep_every_nanosecond),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
