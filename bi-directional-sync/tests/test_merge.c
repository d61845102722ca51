#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bds_merge.h"

static prop_head head(const char *prop, const char *value, const char *origin, int64_t t,
                      bool tombstone)
{
    prop_head h = {.time_ns = t, .tombstone = tombstone};
    snprintf(h.prop, sizeof h.prop, "%s", prop);
    snprintf(h.value, sizeof h.value, "%s", value);
    snprintf(h.origin, sizeof h.origin, "%s", origin);
    return h;
}

static void newest_time_wins_whatever_the_order(void **state)
{
    (void)state;
    prop_head older = head("value", "40", "hub", 5, false);
    prop_head newer = head("value", "41", "leaf", 10, false);
    node_state a, b;
    state_init(&a);
    state_init(&b);
    assert_true(state_offer(&a, &older));
    assert_true(state_offer(&a, &newer));
    assert_true(state_offer(&b, &newer));
    assert_true(state_offer(&b, &older));
    state_finish(&a);
    state_finish(&b);
    assert_int_equal(a.n, 1);
    assert_string_equal(state_get(&a, "value")->value, "41");
    assert_string_equal(state_get(&b, "value")->value, "41");
    char diff[128];
    assert_true(state_equal(&a, &b, diff, sizeof diff));
}

static void equal_times_go_to_the_greater_origin(void **state)
{
    (void)state;
    prop_head h = head("value", "1", "hub", 7, false);
    prop_head l = head("value", "2", "leaf", 7, false);
    node_state a, b;
    state_init(&a);
    state_init(&b);
    state_offer(&a, &h);
    state_offer(&a, &l);
    state_offer(&b, &l);
    state_offer(&b, &h);
    assert_string_equal(state_get(&a, "value")->origin, "leaf");
    assert_string_equal(state_get(&b, "value")->origin, "leaf");
}

static void newest_tombstone_removes_the_prop(void **state)
{
    (void)state;
    node_state s;
    state_init(&s);
    prop_head on = head("alarm", "on", "leaf", 12, false);
    prop_head gone = head("alarm", "", "hub", 20, true);
    prop_head desc = head("description", "pump", "hub", 1, false);
    state_offer(&s, &gone);
    state_offer(&s, &on);
    state_offer(&s, &desc);
    state_finish(&s);
    assert_int_equal(s.n, 1);
    assert_null(state_get(&s, "alarm"));
    assert_non_null(state_get(&s, "description"));
}

static void older_tombstone_is_ignored(void **state)
{
    (void)state;
    node_state s;
    state_init(&s);
    prop_head gone = head("alarm", "", "hub", 5, true);
    prop_head on = head("alarm", "on", "leaf", 12, false);
    state_offer(&s, &on);
    state_offer(&s, &gone);
    state_finish(&s);
    assert_string_equal(state_get(&s, "alarm")->value, "on");
}

static void finish_sorts_by_prop(void **state)
{
    (void)state;
    node_state s;
    state_init(&s);
    const char *props[] = {"value", "type", "location", "description"};
    for (int i = 0; i < 4; i++) {
        prop_head h = head(props[i], "x", "hub", i, false);
        state_offer(&s, &h);
    }
    state_finish(&s);
    assert_string_equal(s.props[0].prop, "description");
    assert_string_equal(s.props[3].prop, "value");
}

static void equal_names_the_first_difference(void **state)
{
    (void)state;
    node_state want, got;
    state_init(&want);
    state_init(&got);
    prop_head w = head("value", "41", "leaf", 10, false);
    prop_head g = head("value", "40", "hub", 30, false);
    prop_head extra = head("colour", "red", "hub", 1, false);
    state_offer(&want, &w);
    state_offer(&got, &g);
    char diff[160];
    assert_false(state_equal(&want, &got, diff, sizeof diff));
    assert_string_equal(diff, "value is '40' from hub, expected '41' from leaf");
    state_init(&got);
    assert_false(state_equal(&want, &got, diff, sizeof diff));
    assert_string_equal(diff, "value = '41' (from leaf) is missing");
    state_offer(&got, &w);
    state_offer(&got, &extra);
    assert_false(state_equal(&want, &got, diff, sizeof diff));
    assert_string_equal(diff, "colour = 'red' (from hub) should not be there");
}

static void a_full_state_refuses_new_props(void **state)
{
    (void)state;
    node_state s;
    state_init(&s);
    for (int i = 0; i < MERGE_PROPS_MAX; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        prop_head h = head(name, "v", "hub", 1, false);
        assert_true(state_offer(&s, &h));
    }
    prop_head more = head("one-more", "v", "hub", 1, false);
    assert_false(state_offer(&s, &more));
    prop_head again = head("p3", "w", "hub", 2, false);
    assert_true(state_offer(&s, &again));
    assert_string_equal(state_get(&s, "p3")->value, "w");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(newest_time_wins_whatever_the_order),
        cmocka_unit_test(equal_times_go_to_the_greater_origin),
        cmocka_unit_test(newest_tombstone_removes_the_prop),
        cmocka_unit_test(older_tombstone_is_ignored),
        cmocka_unit_test(finish_sorts_by_prop),
        cmocka_unit_test(equal_names_the_first_difference),
        cmocka_unit_test(a_full_state_refuses_new_props),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
