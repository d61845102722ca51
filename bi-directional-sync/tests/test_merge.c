#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bds_merge.h"

static bds_prop_head head(const char *prop, const char *value, const char *origin, int64_t t,
                          bool tombstone)
{
    bds_prop_head h = {.time_ns = t, .tombstone = tombstone};
    snprintf(h.prop, sizeof h.prop, "%s", prop);
    snprintf(h.value, sizeof h.value, "%s", value);
    snprintf(h.origin, sizeof h.origin, "%s", origin);
    return h;
}

static void newest_time_wins_whatever_the_order(void **state)
{
    (void)state;
    bds_prop_head older = head("value", "40", "hub", 5, false);
    bds_prop_head newer = head("value", "41", "leaf", 10, false);
    bds_node_state a, b;
    bds_state_init(&a);
    bds_state_init(&b);
    assert_true(bds_state_offer(&a, &older));
    assert_true(bds_state_offer(&a, &newer));
    assert_true(bds_state_offer(&b, &newer));
    assert_true(bds_state_offer(&b, &older));
    bds_state_finish(&a);
    bds_state_finish(&b);
    assert_int_equal(a.n, 1);
    assert_string_equal(bds_state_get(&a, "value")->value, "41");
    assert_string_equal(bds_state_get(&b, "value")->value, "41");
    char diff[128];
    assert_true(bds_state_equal(&a, &b, diff, sizeof diff));
}

static void equal_times_go_to_the_greater_origin(void **state)
{
    (void)state;
    bds_prop_head h = head("value", "1", "hub", 7, false);
    bds_prop_head l = head("value", "2", "leaf", 7, false);
    bds_node_state a, b;
    bds_state_init(&a);
    bds_state_init(&b);
    bds_state_offer(&a, &h);
    bds_state_offer(&a, &l);
    bds_state_offer(&b, &l);
    bds_state_offer(&b, &h);
    assert_string_equal(bds_state_get(&a, "value")->origin, "leaf");
    assert_string_equal(bds_state_get(&b, "value")->origin, "leaf");
}

static void newest_tombstone_removes_the_prop(void **state)
{
    (void)state;
    bds_node_state s;
    bds_state_init(&s);
    bds_prop_head on = head("alarm", "on", "leaf", 12, false);
    bds_prop_head gone = head("alarm", "", "hub", 20, true);
    bds_prop_head desc = head("description", "pump", "hub", 1, false);
    bds_state_offer(&s, &gone);
    bds_state_offer(&s, &on);
    bds_state_offer(&s, &desc);
    bds_state_finish(&s);
    assert_int_equal(s.n, 1);
    assert_null(bds_state_get(&s, "alarm"));
    assert_non_null(bds_state_get(&s, "description"));
}

static void older_tombstone_is_ignored(void **state)
{
    (void)state;
    bds_node_state s;
    bds_state_init(&s);
    bds_prop_head gone = head("alarm", "", "hub", 5, true);
    bds_prop_head on = head("alarm", "on", "leaf", 12, false);
    bds_state_offer(&s, &on);
    bds_state_offer(&s, &gone);
    bds_state_finish(&s);
    assert_string_equal(bds_state_get(&s, "alarm")->value, "on");
}

static void finish_sorts_by_prop(void **state)
{
    (void)state;
    bds_node_state s;
    bds_state_init(&s);
    const char *props[] = {"value", "type", "location", "description"};
    for (int i = 0; i < 4; i++) {
        bds_prop_head h = head(props[i], "x", "hub", i, false);
        bds_state_offer(&s, &h);
    }
    bds_state_finish(&s);
    assert_string_equal(s.props[0].prop, "description");
    assert_string_equal(s.props[3].prop, "value");
}

static void equal_names_the_first_difference(void **state)
{
    (void)state;
    bds_node_state want, got;
    bds_state_init(&want);
    bds_state_init(&got);
    bds_prop_head w = head("value", "41", "leaf", 10, false);
    bds_prop_head g = head("value", "40", "hub", 30, false);
    bds_prop_head extra = head("colour", "red", "hub", 1, false);
    bds_state_offer(&want, &w);
    bds_state_offer(&got, &g);
    char diff[160];
    assert_false(bds_state_equal(&want, &got, diff, sizeof diff));
    assert_string_equal(diff, "value is '40' from hub, expected '41' from leaf");
    bds_state_init(&got);
    assert_false(bds_state_equal(&want, &got, diff, sizeof diff));
    assert_string_equal(diff, "value = '41' (from leaf) is missing");
    bds_state_offer(&got, &w);
    bds_state_offer(&got, &extra);
    assert_false(bds_state_equal(&want, &got, diff, sizeof diff));
    assert_string_equal(diff, "colour = 'red' (from hub) should not be there");
}

static void a_full_state_refuses_new_props(void **state)
{
    (void)state;
    bds_node_state s;
    bds_state_init(&s);
    for (int i = 0; i < BDS_MERGE_PROPS_MAX; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        bds_prop_head h = head(name, "v", "hub", 1, false);
        assert_true(bds_state_offer(&s, &h));
    }
    bds_prop_head more = head("one-more", "v", "hub", 1, false);
    assert_false(bds_state_offer(&s, &more));
    bds_prop_head again = head("p3", "w", "hub", 2, false);
    assert_true(bds_state_offer(&s, &again));
    assert_string_equal(bds_state_get(&s, "p3")->value, "w");
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
