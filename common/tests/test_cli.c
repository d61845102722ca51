#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nx_cli.h"

enum { OPT_WINDOW = 1000, OPT_FLAG };

typedef struct own {
    long window[NX_LIST_MAX];
    size_t nwindow;
    bool flag;
} own;

static int handle(void *ctx, int id, const char *arg, nx_err *err)
{
    own *o = ctx;
    if (id == OPT_WINDOW)
        return nx_parse_long_list("window", arg, 1, 65536, o->window, &o->nwindow, err);
    o->flag = true;
    return 0;
}

static const nx_cli_option own_options[] = {
    {"window", "LIST", OPT_WINDOW, "async windows"},
    {"flag", NULL, OPT_FLAG, "a flag"},
};

static own ctx;

static nx_cli_spec spec(void)
{
    nx_cli_spec s = {.prog = "tsd",
                     .summary = "test",
                     .default_count = 100000,
                     .default_payload = 16,
                     .options = own_options,
                     .noptions = 2,
                     .handle = handle,
                     .ctx = &ctx};
    return s;
}

static nx_cli_result parse(nx_opts *o, nx_err *err, int argc, ...)
{
    char *argv[16];
    va_list ap;
    va_start(ap, argc);
    argv[0] = "tsd";
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    argv[argc] = NULL;
    nx_cli_spec s = spec();
    nx_opts_init(o, &s);
    memset(&ctx, 0, sizeof ctx);
    memset(err, 0, sizeof *err);
    return nx_cli_parse(argc, argv, &s, o, err);
}

static void expect_usage(nx_cli_result r, const nx_err *err, const char *needle)
{
    assert_int_equal(r, NX_CLI_USAGE);
    if (strstr(err->msg, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", err->msg, needle);
    assert_null(strchr(err->msg, '\n'));
    assert_int_equal(strncmp(err->msg, "tsd: ", 5), 0);
}

static void defaults(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err;
    assert_int_equal(parse(&o, &err, 1), NX_CLI_RUN);
    assert_int_equal(o.count, 100000);
    assert_int_equal(o.payload, 16);
    assert_string_equal(o.storage, "file");
    assert_int_equal(o.replicas, 1);
    assert_string_equal(o.results_dir, "results");
    assert_false(o.count_set);
}

static void accepts_good_values(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err;
    assert_int_equal(parse(&o, &err, 10, "--count", "5000", "--payload=0", "--storage", "memory",
                           "--quick", "--window", "256,1024", "--flag"),
                     NX_CLI_RUN);
    assert_int_equal(o.count, 5000);
    assert_true(o.count_set);
    assert_int_equal(o.payload, 0);
    assert_string_equal(o.storage, "memory");
    assert_true(o.quick);
    assert_int_equal(ctx.nwindow, 2);
    assert_int_equal(ctx.window[1], 1024);
    assert_true(ctx.flag);
}

static void rejects_non_number(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err;
    expect_usage(parse(&o, &err, 3, "--count", "abc"), &err,
                 "--count: 'abc' is not a whole number");
    expect_usage(parse(&o, &err, 3, "--count", "12abc"), &err, "--count");
    expect_usage(parse(&o, &err, 3, "--count", ""), &err, "--count");
    expect_usage(parse(&o, &err, 3, "--count", "1.5"), &err, "--count");
    expect_usage(parse(&o, &err, 3, "--count", " "), &err, "--count");
}

static void rejects_negative_and_zero(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err;
    expect_usage(parse(&o, &err, 3, "--count", "-5"), &err, "out of range (allowed: 1 to");
    expect_usage(parse(&o, &err, 3, "--count", "0"), &err, "out of range");
    expect_usage(parse(&o, &err, 3, "--payload", "-1"), &err, "--payload");
    expect_usage(parse(&o, &err, 3, "--repeat", "0"), &err, "--repeat");
}

static void rejects_overflow(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err;
    expect_usage(parse(&o, &err, 3, "--count", "99999999999999999999999"), &err, "out of range");
    expect_usage(parse(&o, &err, 3, "--payload", "1048577"), &err, "allowed: 0 to 1048576");
}

static void rejects_missing_value(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err;
    expect_usage(parse(&o, &err, 2, "--count"), &err, "--count needs a value");
    expect_usage(parse(&o, &err, 2, "--window"), &err, "--window needs a value");
}

static void rejects_unknown_option(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err;
    expect_usage(parse(&o, &err, 2, "--bogus"), &err, "unknown option '--bogus'");
    expect_usage(parse(&o, &err, 2, "-x"), &err, "unknown option '-x'");
    expect_usage(parse(&o, &err, 2, "--quick=yes"), &err, "--quick does not take a value");
    expect_usage(parse(&o, &err, 2, "stray"), &err, "unexpected argument 'stray'");
    /* a newline in an echoed argument must not split the message */
    expect_usage(parse(&o, &err, 3, "--count", "1\n2"), &err, "'1?2' is not a whole number");
}

static void rejects_bad_choices(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err;
    expect_usage(parse(&o, &err, 3, "--storage", "disk"), &err, "allowed: file, memory");
    expect_usage(parse(&o, &err, 3, "--replicas", "2"), &err, "allowed: 1, 3");
    expect_usage(parse(&o, &err, 3, "--replicas", "5"), &err, "--replicas");
    expect_usage(parse(&o, &err, 3, "--cluster", "2"), &err, "allowed: 0, 3");
    expect_usage(parse(&o, &err, 3, "--results", ""), &err, "--results");
}

static void rejects_bad_lists(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err;
    expect_usage(parse(&o, &err, 3, "--window", "256,,1024"), &err, "empty item");
    expect_usage(parse(&o, &err, 3, "--window", "256,"), &err, "empty item");
    expect_usage(parse(&o, &err, 3, "--window", "256,x"), &err, "'x' is not a whole number");
    expect_usage(parse(&o, &err, 3, "--window", "0"), &err, "out of range");
    expect_usage(parse(&o, &err, 3, "--window", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"), &err,
                 "more than 16");
}

static void help_and_version_stop(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err;
    FILE *saved = stdout;
    stdout = fopen("/dev/null", "w");
    nx_cli_result h = parse(&o, &err, 2, "--help");
    nx_cli_result v = parse(&o, &err, 2, "--version");
    nx_cli_result short_h = parse(&o, &err, 2, "-h");
    fclose(stdout);
    stdout = saved;
    assert_int_equal(h, NX_CLI_DONE);
    assert_int_equal(v, NX_CLI_DONE);
    assert_int_equal(short_h, NX_CLI_DONE);
}

static void hidden_shared_option(void **state)
{
    (void)state;
    static const char *const hidden[] = {"count", NULL};
    nx_cli_spec s = spec();
    s.hidden = hidden;
    nx_opts o;
    nx_opts_init(&o, &s);
    nx_err err = {{0}};
    char *argv[] = {"tsd", "--count", "5", NULL};
    nx_cli_result r = nx_cli_parse(3, argv, &s, &o, &err);
    expect_usage(r, &err, "unknown option '--count'");
    char *ok[] = {"tsd", "--payload", "5", NULL};
    assert_int_equal(nx_cli_parse(3, ok, &s, &o, &err), NX_CLI_RUN);
}

static void double_parser(void **state)
{
    (void)state;
    double d;
    nx_err err;
    assert_int_equal(nx_parse_double("rate", "20.5", 1, 1000, &d, &err), 0);
    assert_true(d == 20.5);
    assert_int_equal(nx_parse_double("rate", "nan", 1, 1000, &d, &err), -1);
    assert_int_equal(nx_parse_double("rate", "1e9", 1, 1000, &d, &err), -1);
    assert_non_null(strstr(err.msg, "out of range"));
    assert_int_equal(nx_parse_double("rate", "x", 1, 1000, &d, &err), -1);
}

static void choice_and_text_parsers(void **state)
{
    (void)state;
    static const char *const names[] = {"none", "seed", "tombstone", "cas"};
    int i = -1;
    nx_err err = {{0}};
    assert_int_equal(nx_parse_choice("inject-fault", "cas", names, 1, 3, &i, &err), 0);
    assert_int_equal(i, 3);
    /* names before first are not offered */
    assert_int_equal(nx_parse_choice("inject-fault", "none", names, 1, 3, &i, &err), -1);
    assert_string_equal(err.msg,
                        "--inject-fault: 'none' is not allowed (allowed: seed, tombstone, cas)");
    const char *v = NULL;
    assert_int_equal(nx_parse_text("url", "URL", "nats://x", &v, &err), 0);
    assert_string_equal(v, "nats://x");
    assert_int_equal(nx_parse_text("url", "URL", "", &v, &err), -1);
    assert_string_equal(err.msg, "--url: the URL is empty");
}

static int finish_calls;
static int refuse_flag(void *arg, nx_err *err)
{
    own *o = arg;
    finish_calls++;
    return o->flag ? nx_fail(err, "--flag is refused here") : 0;
}

static void finish_hook_reports_like_an_option(void **state)
{
    (void)state;
    nx_cli_spec s = spec();
    s.finish = refuse_flag;
    nx_opts o;
    nx_err err = {{0}};
    char *ok[] = {"tsd", "--quick", NULL};
    char *bad[] = {"tsd", "--flag", NULL};
    char *help[] = {"tsd", "--version", NULL};
    finish_calls = 0;
    memset(&ctx, 0, sizeof ctx);
    nx_opts_init(&o, &s);
    assert_int_equal(nx_cli_parse(2, ok, &s, &o, &err), NX_CLI_RUN);
    assert_int_equal(finish_calls, 1);
    nx_opts_init(&o, &s);
    assert_int_equal(nx_cli_parse(2, bad, &s, &o, &err), NX_CLI_USAGE);
    assert_string_equal(err.msg, "tsd: --flag is refused here (see tsd --help)");
    nx_opts_init(&o, &s);
    assert_int_equal(nx_cli_parse(2, help, &s, &o, &err), NX_CLI_DONE);
    assert_int_equal(finish_calls, 2); /* not after --version */
}

static void deployment_combinations(void **state)
{
    (void)state;
    nx_opts o;
    nx_err err = {{0}};
    nx_cli_spec s = spec();
    nx_opts_init(&o, &s);
    assert_int_equal(nx_cli_check_deployment(&o, &err), 0);
    o.replicas = 3;
    assert_int_equal(nx_cli_check_deployment(&o, &err), -1);
    assert_string_equal(err.msg, "--replicas 3 needs a cluster: add --cluster 3 or --url to one");
    o.cluster = 3;
    assert_int_equal(nx_cli_check_deployment(&o, &err), 0);
    o.url = "nats://x";
    assert_int_equal(nx_cli_check_deployment(&o, &err), -1);
    assert_string_equal(err.msg, "--url and --cluster exclude each other");
}

static void exit_status_of_a_parse(void **state)
{
    (void)state;
    nx_err err = {{0}};
    int status = -1;
    assert_false(nx_cli_exits(NX_CLI_RUN, &err, &status));
    assert_int_equal(status, -1);
    assert_true(nx_cli_exits(NX_CLI_DONE, &err, &status));
    assert_int_equal(status, 0);
    nx_fail(&err, "tsd: bad (see tsd --help)");
    assert_true(nx_cli_exits(NX_CLI_USAGE, &err, &status));
    assert_int_equal(status, NX_EXIT_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(accepts_good_values),
        cmocka_unit_test(rejects_non_number),
        cmocka_unit_test(rejects_negative_and_zero),
        cmocka_unit_test(rejects_overflow),
        cmocka_unit_test(rejects_missing_value),
        cmocka_unit_test(rejects_unknown_option),
        cmocka_unit_test(rejects_bad_choices),
        cmocka_unit_test(rejects_bad_lists),
        cmocka_unit_test(help_and_version_stop),
        cmocka_unit_test(hidden_shared_option),
        cmocka_unit_test(double_parser),
        cmocka_unit_test(choice_and_text_parsers),
        cmocka_unit_test(finish_hook_reports_like_an_option),
        cmocka_unit_test(deployment_combinations),
        cmocka_unit_test(exit_status_of_a_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
