#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ps_cas.h"
#include "ps_opts.h"

static nx_cli_result parse(ps_opts *o, nx_err *err, int argc, ...)
{
    char *argv[16] = {"point-store"};
    va_list ap;
    va_start(ap, argc);
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    return ps_opts_parse(argc, argv, o, err);
}

static void defaults_and_quick(void **state)
{
    (void)state;
    ps_opts o;
    nx_err err;
    assert_int_equal(parse(&o, &err, 1), NX_CLI_RUN);
    assert_int_equal(o.nodes, 20);
    assert_int_equal(o.props, 10);
    assert_int_equal(o.nhistory, 4);
    assert_int_equal(o.history[3], 1000);
    assert_int_equal(o.reads, 400);
    assert_int_equal(o.cas_count, 1000);
    assert_string_equal(o.node, "123");
    assert_int_equal(o.fault, PS_FAULT_NONE);
    assert_int_equal(o.common.payload, 16);
    assert_int_equal(parse(&o, &err, 2, "--quick"), NX_CLI_RUN);
    assert_int_equal(o.nodes, 10);
    assert_int_equal(o.nhistory, 2);
    /* --quick never overrides what was given */
    assert_int_equal(parse(&o, &err, 4, "--nodes", "7", "--quick"), NX_CLI_RUN);
    assert_int_equal(o.nodes, 7);
    assert_int_equal(o.props, 4);
    assert_int_equal(parse(&o, &err, 5, "--history", "2,5", "--inject-fault", "cas"), NX_CLI_RUN);
    assert_int_equal(o.nhistory, 2);
    assert_int_equal(o.history[1], 5);
    assert_int_equal(o.fault, PS_FAULT_CAS);
    assert_string_equal(ps_fault_name(o.fault), "cas");
}

static void bad_input_is_one_line(void **state)
{
    (void)state;
    ps_opts o;
    nx_err err;
    struct {
        const char *opt, *arg, *says;
    } bad[] = {
        {"--node", "1.2", "invalid node token '1.2'"},
        {"--node", "", "invalid node token ''"},
        {"--node", "a b", "white space"},
        {"--node", ">", "contains '>'"},
        {"--history", "10,1", "must increase"},
        {"--history", "1,1", "must increase"},
        {"--history", "1,,2", "empty item"},
        {"--history", "0", "out of range"},
        {"--nodes", "12x", "not a whole number"},
        {"--props", "0", "out of range"},
        {"--reads", "-1", "out of range"},
        {"--cas-count", "", "not a whole number"},
        {"--inject-fault", "all", "allowed: seed, tombstone, cas"},
        {"--count", "5", "unknown option '--count'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err.msg[0] = '\0';
        assert_int_equal(parse(&o, &err, 3, bad[i].opt, bad[i].arg), NX_CLI_USAGE);
        if (strstr(err.msg, bad[i].says) == NULL)
            fail_msg("%s %s: '%s' does not say '%s'", bad[i].opt, bad[i].arg, err.msg, bad[i].says);
        assert_null(strchr(err.msg, '\n'));
    }
    /* too big for the model or the disks */
    assert_int_equal(parse(&o, &err, 5, "--nodes", "100000", "--props", "1000"), NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "--nodes x --props"));
    assert_int_equal(parse(&o, &err, 7, "--nodes", "1000", "--props", "1000", "--history", "1000"),
                     NX_CLI_USAGE);
    assert_non_null(strstr(err.msg, "points"));
}

static void counter_values(void **state)
{
    (void)state;
    nx_point p = {0};
    long v = -1;
    const char *good[] = {"0", "42", "2000"};
    for (size_t i = 0; i < 3; i++) {
        p.data = (const uint8_t *)good[i];
        p.data_len = strlen(good[i]);
        assert_true(ps_counter_decode(&p, &v));
    }
    assert_int_equal(v, 2000);
    const char *bad[] = {"", "-1", "1x", " 1", "+1", "99999999999999999999999"};
    for (size_t i = 0; i < 6; i++) {
        p.data = (const uint8_t *)bad[i];
        p.data_len = strlen(bad[i]);
        if (ps_counter_decode(&p, &v))
            fail_msg("'%s' was taken for a counter", bad[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_and_quick),
        cmocka_unit_test(bad_input_is_one_line),
        cmocka_unit_test(counter_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
