#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bds_opts.h"

static nx_cli_result parse(bds_opts *o, nx_err *err, int argc, char **argv)
{
    memset(err, 0, sizeof *err);
    return bds_opts_parse(argc, argv, o, err);
}

#define PARSE(o, err, ...)                                                                         \
    parse(o, err, (int)(sizeof((char *[]){"bi-directional-sync", __VA_ARGS__}) / sizeof(char *)),  \
          (char *[]){"bi-directional-sync", __VA_ARGS__, NULL})

static void defaults(void **state)
{
    (void)state;
    bds_opts o;
    nx_err err;
    char *argv[] = {"bi-directional-sync", NULL};
    assert_int_equal(parse(&o, &err, 1, argv), NX_CLI_RUN);
    assert_int_equal(o.base.count, 20000);
    assert_int_equal(o.base.payload, 16);
    assert_int_equal(o.idle_seconds, 10);
    assert_int_equal(o.outage_count, 10000);
    assert_int_equal(o.nstreams, 2);
    assert_int_equal(o.streams[0], 2);
    assert_int_equal(o.streams[1], 60);
    assert_int_equal(o.nlink_rates, 2);
    assert_int_equal(o.link_rates[0], 20);
    assert_int_equal(o.link_rates[1], 100);
    assert_int_equal(o.paced_count, 200);
    assert_int_equal(o.fault, BDS_FAULT_NONE);
}

static void quick_lowers_only_unset_defaults(void **state)
{
    (void)state;
    bds_opts o;
    nx_err err;
    assert_int_equal(PARSE(&o, &err, "--quick"), NX_CLI_RUN);
    assert_int_equal(o.base.count, 2000);
    assert_int_equal(o.idle_seconds, 2);
    assert_int_equal(o.outage_count, 500);
    assert_int_equal(o.streams[1], 6);
    assert_int_equal(o.nlink_rates, 0);
    assert_int_equal(o.paced_count, 40);
    assert_int_equal(PARSE(&o, &err, "--quick", "--link-rate", "300"), NX_CLI_RUN);
    assert_int_equal(o.nlink_rates, 1);
    assert_int_equal(o.link_rates[0], 300);
    assert_int_equal(PARSE(&o, &err, "--link-rate", "0"), NX_CLI_RUN);
    assert_int_equal(o.nlink_rates, 0);
    assert_int_equal(PARSE(&o, &err, "--quick", "--count", "77", "--idle-seconds", "5", "--streams",
                           "4", "--outage-count", "9"),
                     NX_CLI_RUN);
    assert_int_equal(o.base.count, 77);
    assert_int_equal(o.idle_seconds, 5);
    assert_int_equal(o.outage_count, 9);
    assert_int_equal(o.nstreams, 1);
    assert_int_equal(o.streams[0], 4);
}

static void own_options(void **state)
{
    (void)state;
    bds_opts o;
    nx_err err;
    assert_int_equal(PARSE(&o, &err, "--link-rate", "20,100", "--paced-count", "50",
                           "--inject-fault", "state-merge"),
                     NX_CLI_RUN);
    assert_int_equal(o.nlink_rates, 2);
    assert_int_equal(o.link_rates[1], 100);
    assert_int_equal(o.paced_count, 50);
    assert_int_equal(o.fault, BDS_FAULT_STATE_MERGE);
    assert_string_equal(bds_fault_name(o.fault), "state-merge");
    assert_int_equal(PARSE(&o, &err, "--inject-fault", "outage-content"), NX_CLI_RUN);
    assert_int_equal(o.fault, BDS_FAULT_OUTAGE_CONTENT);
    assert_string_equal(bds_fault_name(o.fault), "outage-content");
}

static void refusals(void **state)
{
    (void)state;
    bds_opts o;
    nx_err err;
    assert_int_equal(PARSE(&o, &err, "--url", "nats://127.0.0.1:4222"), NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "--url is not supported"));
    assert_int_equal(PARSE(&o, &err, "--hub-url", "nats://h:4222"), NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "--hub-url needs --leaf-url too"));
    assert_int_equal(PARSE(&o, &err, "--leaf-url", "nats://l:4222"), NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "--leaf-url needs --hub-url too"));
    assert_int_equal(PARSE(&o, &err, "--hub-domain", "cloud"), NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "--hub-domain is for an existing hub and leaf"));
    assert_int_equal(PARSE(&o, &err, "--hub-url", "nats://h:4222", "--leaf-url", "nats://l:4222",
                           "--leaf-domain", "a.b"),
                     NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "--leaf-domain: "));
    assert_int_equal(PARSE(&o, &err, "--hub-url", "nats://h:4222", "--leaf-url", "nats://l:4222",
                           "--hub-domain", "cloud"),
                     NX_CLI_RUN);
    assert_string_equal(o.hub_domain, "cloud");
    assert_null(o.leaf_domain);
    assert_int_equal(PARSE(&o, &err, "--cluster", "3"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--replicas", "3"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--storage", "memory"), NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "--storage memory is not supported"));
    assert_int_equal(PARSE(&o, &err, "--payload", "7"), NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "allowed: 8 to 4096"));
    assert_int_equal(PARSE(&o, &err, "--payload", "4097"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--streams", "2,3"), NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "3 is odd"));
    assert_int_equal(PARSE(&o, &err, "--streams", "0"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--streams", "122"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--streams", "2,,4"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--idle-seconds", "0"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--idle-seconds", "1.5"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--outage-count", "x"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--link-rate", "0,20"), NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "must stand alone"));
    assert_int_equal(PARSE(&o, &err, "--link-rate", "-5"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--inject-fault", "everything"), NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "seed-order, sync-content, state-merge"));
    assert_int_equal(PARSE(&o, &err, "--hub-url", ""), NX_CLI_USAGE);
}

static void fleet_options(void **state)
{
    (void)state;
    bds_opts o;
    nx_err err;
    assert_int_equal(PARSE(&o, &err, "--count", "5"), NX_CLI_RUN);
    assert_int_equal(o.nfleet, 0);
    assert_int_equal(o.fleet_seconds, 5);
    assert_int_equal(PARSE(&o, &err, "--quick", "--fleet", "1,10,50"), NX_CLI_RUN);
    assert_int_equal(o.nfleet, 3);
    assert_int_equal(o.fleet[2], 50);
    assert_int_equal(o.fleet_seconds, 2);
    assert_int_equal(PARSE(&o, &err, "--quick", "--fleet-seconds", "7"), NX_CLI_RUN);
    assert_int_equal(o.fleet_seconds, 7);
    assert_int_equal(PARSE(&o, &err, "--fleet", "0"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--fleet", "121"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--fleet-seconds", "0"), NX_CLI_USAGE);
    assert_int_equal(PARSE(&o, &err, "--fleet", "3", "--hub-url", "nats://h:4222", "--leaf-url",
                           "nats://l:4222"),
                     NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "--fleet spawns its own hub"));
}

/* --compression, --link-rtt, --link-dropout, --dropout-cycles: defaults,
 * --quick, explicit values and each refusal. */
static void link_options(void **state)
{
    (void)state;
    bds_opts o;
    nx_err err;
    char *argv[] = {"bi-directional-sync", NULL};
    assert_int_equal(parse(&o, &err, 1, argv), NX_CLI_RUN);
    assert_int_equal(o.link.nmodes, 5);
    assert_string_equal(o.link.modes[4], "s2_auto");
    assert_int_equal(o.link.nrtt, 3);
    assert_int_equal(o.link.rtt_ms[2], 600);
    assert_int_equal(o.link.ndrop, 2);
    assert_int_equal(o.link.drop_down_s[1], 5);
    assert_int_equal(o.link.drop_period_s[1], 15);
    assert_int_equal(o.link.drop_cycles, 2);
    assert_int_equal(PARSE(&o, &err, "--quick"), NX_CLI_RUN);
    assert_int_equal(o.link.nmodes, 2);
    assert_string_equal(o.link.modes[0], "s2_best");
    assert_int_equal(o.link.nrtt, 1);
    assert_int_equal(o.link.rtt_ms[0], 100);
    assert_int_equal(o.link.ndrop, 1);
    assert_int_equal(o.link.drop_cycles, 1);
    assert_int_equal(PARSE(&o, &err, "--quick", "--compression", "off,s2_fast", "--link-rtt",
                           "0,50", "--link-dropout", "3/10,1/2", "--dropout-cycles", "4"),
                     NX_CLI_RUN);
    assert_int_equal(o.link.nmodes, 2);
    assert_string_equal(o.link.modes[1], "s2_fast");
    assert_int_equal(o.link.nrtt, 2);
    assert_int_equal(o.link.ndrop, 2);
    assert_int_equal(o.link.drop_down_s[0], 3);
    assert_int_equal(o.link.drop_period_s[1], 2);
    assert_int_equal(o.link.drop_cycles, 4);
    assert_int_equal(PARSE(&o, &err, "--compression", "none", "--link-dropout", "0"), NX_CLI_RUN);
    assert_int_equal(o.link.nmodes, 0);
    assert_int_equal(o.link.ndrop, 0);
    const char *bad[][2] = {
        {"--compression", "s2_max"}, {"--compression", "off,off"}, {"--compression", "off,"},
        {"--link-rtt", "-1"},        {"--link-rtt", "20000"},      {"--link-dropout", "3/3"},
        {"--link-dropout", "3"},     {"--link-dropout", "0/5"},    {"--link-dropout", "1/700"},
        {"--link-dropout", "1/x"},   {"--dropout-cycles", "0"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err.msg[0] = '\0';
        assert_int_equal(PARSE(&o, &err, (char *)bad[i][0], (char *)bad[i][1]), NX_CLI_USAGE);
        assert_non_null(strstr(err.msg, bad[i][0] + 2));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),      cmocka_unit_test(quick_lowers_only_unset_defaults),
        cmocka_unit_test(own_options),   cmocka_unit_test(refusals),
        cmocka_unit_test(fleet_options), cmocka_unit_test(link_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
