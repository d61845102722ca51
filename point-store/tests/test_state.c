#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ps_state.h"

static size_t point(uint8_t *buf, int64_t t, int tomb, const char *origin, const char *data)
{
    nx_point p = {.time_ns = t,
                  .tombstone = (uint8_t)tomb,
                  .origin = origin,
                  .origin_len = (uint8_t)strlen(origin),
                  .data = (const uint8_t *)data,
                  .data_len = strlen(data)};
    return nx_point_encode(&p, buf, 256);
}

static void merge(ps_state *s, const char *prop, int64_t t, int tomb, const char *origin,
                  const char *data)
{
    uint8_t buf[256];
    size_t n = point(buf, t, tomb, origin, data);
    nx_err err;
    assert_int_equal(ps_state_merge(s, prop, buf, n, &err), 0);
}

static const char *value_of(const ps_state *s, const char *prop)
{
    static char text[64];
    const ps_head *h = ps_state_get(s, prop);
    if (h == NULL)
        return NULL;
    snprintf(text, sizeof text, "%.*s", (int)h->point.data_len, (const char *)h->point.data);
    return text;
}

static void newest_time_wins_in_any_order(void **state)
{
    (void)state;
    ps_state s;
    ps_state_init(&s);
    merge(&s, "value", 20, 0, "a", "13");
    merge(&s, "value", 10, 0, "a", "12");
    merge(&s, "value", 30, 0, "a", "14");
    assert_string_equal(value_of(&s, "value"), "14");
    assert_int_equal(s.n, 1);
    ps_state_free(&s);
}

static void ties_are_broken_the_same_way_in_any_order(void **state)
{
    (void)state;
    ps_state a, b;
    ps_state_init(&a);
    ps_state_init(&b);
    /* equal time: tombstone beats live */
    merge(&a, "x", 5, 0, "hub", "1");
    merge(&a, "x", 5, 1, "hub", "");
    merge(&b, "x", 5, 1, "hub", "");
    merge(&b, "x", 5, 0, "hub", "1");
    assert_null(ps_state_get(&a, "x"));
    assert_null(ps_state_get(&b, "x"));
    /* then the greater origin, then the greater data */
    merge(&a, "y", 5, 0, "hub", "1");
    merge(&a, "y", 5, 0, "leaf", "0");
    merge(&b, "y", 5, 0, "leaf", "0");
    merge(&b, "y", 5, 0, "hub", "1");
    assert_string_equal(value_of(&a, "y"), "0");
    assert_string_equal(value_of(&b, "y"), "0");
    merge(&a, "z", 5, 0, "hub", "ab");
    merge(&a, "z", 5, 0, "hub", "abc");
    merge(&b, "z", 5, 0, "hub", "abc");
    merge(&b, "z", 5, 0, "hub", "ab");
    assert_string_equal(value_of(&a, "z"), "abc");
    assert_string_equal(value_of(&b, "z"), "abc");
    char why[256];
    assert_true(ps_state_same(&a, &b, why, sizeof why));
    ps_state_free(&a);
    ps_state_free(&b);
}

static void a_tombstone_hides_the_prop_and_older_points_do_not_revive_it(void **state)
{
    (void)state;
    ps_state s;
    ps_state_init(&s);
    merge(&s, "a", 1, 0, "o", "1");
    merge(&s, "b", 1, 0, "o", "2");
    merge(&s, "a", 2, 3, "o", ""); /* any odd tombstone deletes */
    assert_null(ps_state_get(&s, "a"));
    assert_int_equal(ps_state_live(&s), 1);
    merge(&s, "a", 1, 0, "o", "1");
    assert_null(ps_state_get(&s, "a"));
    merge(&s, "b", 3, 2, "o", "x"); /* even: a live point */
    assert_string_equal(value_of(&s, "b"), "x");
    merge(&s, "a", 4, 0, "o", "back");
    assert_string_equal(value_of(&s, "a"), "back");
    ps_state_free(&s);
}

static void heads_are_sorted_by_prop(void **state)
{
    (void)state;
    ps_state s;
    ps_state_init(&s);
    const char *props[] = {"value", "type", "location", "description", "zz", "a"};
    for (size_t i = 0; i < 6; i++)
        merge(&s, props[i], 1, 0, "o", "v");
    for (size_t i = 1; i < s.n; i++)
        assert_true(strcmp(s.heads[i - 1].prop, s.heads[i].prop) < 0);
    ps_state_clear(&s);
    assert_int_equal(s.n, 0);
    merge(&s, "again", 1, 0, "o", "v");
    assert_int_equal(s.n, 1);
    ps_state_free(&s);
}

static void differences_are_named(void **state)
{
    (void)state;
    ps_state want, got;
    ps_state_init(&want);
    ps_state_init(&got);
    char why[512];
    assert_true(ps_state_same(&want, &got, why, sizeof why));
    merge(&want, "value", 1000000000, 0, "seed", "16");
    merge(&got, "value", 1000000000, 0, "seed", "15");
    assert_false(ps_state_same(&want, &got, why, sizeof why));
    assert_string_equal(why, "prop value: the model has \"16\" at 1970-01-01 00:00:01.000000000 "
                             "from origin 'seed', the store has \"15\" at 1970-01-01 "
                             "00:00:01.000000000 from origin 'seed'");
    ps_state_clear(&got);
    assert_false(ps_state_same(&want, &got, why, sizeof why));
    assert_non_null(strstr(why, "the store has nothing"));
    merge(&got, "value", 1000000000, 0, "seed", "16");
    assert_true(ps_state_same(&want, &got, why, sizeof why));
    merge(&got, "extra", 1, 0, "seed", "x");
    assert_false(ps_state_same(&want, &got, why, sizeof why));
    assert_non_null(strstr(why, "prop extra: the model has nothing"));
    /* a prop deleted in both, or deleted in one and unknown in the other, is
     * the same state */
    merge(&got, "extra", 2, 1, "seed", "");
    merge(&want, "gone", 2, 1, "seed", "");
    assert_true(ps_state_same(&want, &got, why, sizeof why));
    /* time and origin count too */
    merge(&got, "value", 1000000001, 0, "seed", "16");
    assert_false(ps_state_same(&want, &got, why, sizeof why));
    ps_state_free(&want);
    ps_state_free(&got);
}

static void subjects_must_belong_to_the_node(void **state)
{
    (void)state;
    ps_state s;
    ps_state_init(&s);
    uint8_t buf[256];
    size_t n = point(buf, 1, 0, "o", "v");
    nx_err err;
    assert_int_equal(ps_state_merge_subject(&s, "n.123.value", NULL, "123", buf, n, &err), 0);
    assert_int_equal(ps_state_merge_subject(&s, "n.r1.123.type", "r1", "123", buf, n, &err), 0);
    assert_int_equal(ps_state_live(&s), 2);
    assert_int_equal(ps_state_merge_subject(&s, "n.456.value", NULL, "123", buf, n, &err), -1);
    assert_non_null(strstr(err.msg, "belongs to another node"));
    assert_int_equal(ps_state_merge_subject(&s, "n.r2.123.value", "r1", "123", buf, n, &err), -1);
    assert_int_equal(ps_state_merge_subject(&s, "n.123.value", "r1", "123", buf, n, &err), -1);
    assert_int_equal(ps_state_merge_subject(&s, "x.123.value", NULL, "123", buf, n, &err), -1);
    assert_int_equal(ps_state_merge_subject(&s, "n.123", NULL, "123", buf, n, &err), -1);
    /* a payload shorter than the point header, or an origin past the end */
    assert_int_equal(ps_state_merge_subject(&s, "n.123.value", NULL, "123", buf, 5, &err), -1);
    assert_non_null(strstr(err.msg, "not a valid point"));
    buf[9] = 200;
    assert_int_equal(ps_state_merge(&s, "value", buf, n, &err), -1);
    assert_int_equal(ps_state_live(&s), 2);
    ps_state_free(&s);
}

static void data_and_time_are_printed_readably(void **state)
{
    (void)state;
    char buf[64];
    nx_point p = {.data = (const uint8_t *)"building A", .data_len = 10};
    ps_format_data(&p, buf, sizeof buf);
    assert_string_equal(buf, "\"building A\"");
    const uint8_t bin[] = {0x00, 0xff, 0x10};
    p.data = bin;
    p.data_len = 3;
    ps_format_data(&p, buf, sizeof buf);
    assert_string_equal(buf, "0x00ff10");
    char tiny[6];
    ps_format_data(&p, tiny, sizeof tiny);
    assert_string_equal(tiny, "0x00");
    ps_format_time(1700000000123456789LL, buf, sizeof buf);
    assert_string_equal(buf, "2023-11-14 22:13:20.123456789");
    ps_format_time(-1, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31 23:59:59.999999999");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(newest_time_wins_in_any_order),
        cmocka_unit_test(ties_are_broken_the_same_way_in_any_order),
        cmocka_unit_test(a_tombstone_hides_the_prop_and_older_points_do_not_revive_it),
        cmocka_unit_test(heads_are_sorted_by_prop),
        cmocka_unit_test(differences_are_named),
        cmocka_unit_test(subjects_must_belong_to_the_node),
        cmocka_unit_test(data_and_time_are_printed_readably),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
