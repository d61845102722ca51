#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nx_subject.h"

static void builds_plain_and_scoped(void **state)
{
    (void)state;
    char buf[NX_SUBJECT_MAX];
    nx_err err;
    assert_int_equal(nx_subject_build(buf, sizeof buf, NULL, "123", "value", &err), 0);
    assert_string_equal(buf, "n.123.value");
    assert_int_equal(nx_subject_build(buf, sizeof buf, "hub", "123", "value", &err), 0);
    assert_string_equal(buf, "n.hub.123.value");
}

static void rejects_bad_tokens(void **state)
{
    (void)state;
    const char *bad[] = {"", "a.b", "*", "a*", ">", "x>", "a b", "tab\there", "nl\n", "\x7f"};
    char buf[NX_SUBJECT_MAX];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        nx_err err = {{0}};
        assert_false(nx_subject_token_ok(bad[i]));
        assert_int_equal(nx_subject_build(buf, sizeof buf, NULL, bad[i], "value", &err), -1);
        assert_non_null(strstr(err.msg, "invalid node token"));
        assert_int_equal(nx_subject_build(buf, sizeof buf, NULL, "1", bad[i], &err), -1);
        assert_non_null(strstr(err.msg, "invalid prop token"));
        assert_int_equal(nx_subject_build(buf, sizeof buf, bad[i], "1", "v", &err), -1);
    }
    assert_false(nx_subject_token_ok(NULL));
}

static void accepts_ordinary_tokens(void **state)
{
    (void)state;
    const char *good[] = {"123", "value", "Injector-temp_1", "ü" /* UTF-8 bytes */};
    for (size_t i = 0; i < 3; i++)
        assert_true(nx_subject_token_ok(good[i]));
    /* non-ASCII bytes are refused: subjects stay printable ASCII */
    assert_false(nx_subject_token_ok(good[3]));
}

static void build_reports_small_buffer(void **state)
{
    (void)state;
    char buf[8];
    nx_err err;
    assert_int_equal(nx_subject_build(buf, sizeof buf, NULL, "1234", "value", &err), -1);
    assert_non_null(strstr(err.msg, "does not fit"));
}

static void parses_both_shapes(void **state)
{
    (void)state;
    nx_subject_parts p;
    nx_err err;
    assert_int_equal(nx_subject_parse("n.123.value", &p, &err), 0);
    assert_string_equal(p.scope, "");
    assert_string_equal(p.node, "123");
    assert_string_equal(p.prop, "value");
    assert_int_equal(nx_subject_parse("n.leaf.456.type", &p, &err), 0);
    assert_string_equal(p.scope, "leaf");
    assert_string_equal(p.node, "456");
    assert_string_equal(p.prop, "type");
}

static void parse_rejects_malformed(void **state)
{
    (void)state;
    const char *bad[] = {"",          "n",         "n.1",   "x.1.v",  "n..v",   "n.1.",
                         "n.1.v.w.z", "n.*.value", "n.1.>", ".n.1.v", "n.a b.v"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        nx_subject_parts p;
        nx_err err = {{0}};
        assert_int_equal(nx_subject_parse(bad[i], &p, &err), -1);
        assert_true(strlen(err.msg) > 0);
    }
}

static void round_trip(void **state)
{
    (void)state;
    char buf[NX_SUBJECT_MAX];
    nx_subject_parts p;
    assert_int_equal(nx_subject_build(buf, sizeof buf, "hub", "node7", "location", NULL), 0);
    assert_int_equal(nx_subject_parse(buf, &p, NULL), 0);
    assert_string_equal(p.scope, "hub");
    assert_string_equal(p.node, "node7");
    assert_string_equal(p.prop, "location");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_plain_and_scoped),
        cmocka_unit_test(rejects_bad_tokens),
        cmocka_unit_test(accepts_ordinary_tokens),
        cmocka_unit_test(build_reports_small_buffer),
        cmocka_unit_test(parses_both_shapes),
        cmocka_unit_test(parse_rejects_malformed),
        cmocka_unit_test(round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
