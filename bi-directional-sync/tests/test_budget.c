#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "bds_budget.h"
#include "bds_pace.h"

static void per_msg_raw_and_net(void **state)
{
    (void)state;
    assert_float_equal(bds_budget_raw_per_msg(1000, 10), 100.0, 1e-9);
    assert_float_equal(bds_budget_net_per_msg(1000, 1.0, 100, 10), 90.0, 1e-9);
    assert_float_equal(bds_budget_net_per_msg(1000, 0.0, 100, 10), 100.0, 1e-9);
    /* a window that carried less than its idle chatter says so: not clamped */
    assert_float_equal(bds_budget_net_per_msg(50, 1.0, 100, 10), -5.0, 1e-9);
    assert_float_equal(bds_budget_net_per_msg(0, 0.15, 50, 2000), -7.5 / 2000, 1e-12);
    assert_true(isnan(bds_budget_net_per_msg(1000, 1.0, 0, 0)));
    assert_true(isnan(bds_budget_raw_per_msg(1000, 0)));
}

static void the_busier_way_sets_the_limit(void **state)
{
    (void)state;
    bds_link_cost c = {.msg_bytes = {[BDS_RELAY_UP] = 0.5, [BDS_RELAY_DOWN] = 130},
                       .idle_bps = {[BDS_RELAY_UP] = 104, [BDS_RELAY_DOWN] = 104}};
    bds_relay_dir limit = BDS_RELAY_UP;
    /* 20 kbit/s = 2500 B/s; down: (2500 - 104) / 130 */
    assert_float_equal(bds_budget_points_per_s(&c, 20, &limit), 2396.0 / 130.0, 1e-9);
    assert_int_equal(limit, BDS_RELAY_DOWN);
    assert_float_equal(bds_budget_points_per_s(&c, 100, &limit), (12500.0 - 104) / 130.0, 1e-9);
    /* make the acks the expensive way */
    c.msg_bytes[BDS_RELAY_UP] = 200;
    assert_float_equal(bds_budget_points_per_s(&c, 20, &limit), 2396.0 / 200.0, 1e-9);
    assert_int_equal(limit, BDS_RELAY_UP);
}

static void idle_chatter_can_fill_the_link(void **state)
{
    (void)state;
    bds_link_cost c = {.msg_bytes = {130, 130}, .idle_bps = {3120, 3120}};
    assert_float_equal(bds_budget_points_per_s(&c, 20, NULL), 0.0, 1e-9);
    assert_float_equal(bds_budget_idle_share(&c, 20), 3120.0 / 2500.0, 1e-9);
    assert_float_equal(bds_budget_idle_share(&c, 100), 3120.0 / 12500.0, 1e-9);
}

static void a_way_without_measured_cost_is_limited_by_its_chatter_only(void **state)
{
    (void)state;
    bds_link_cost c = {.msg_bytes = {-0.004, 100}, .idle_bps = {0, 0}};
    bds_relay_dir limit = BDS_RELAY_UP;
    assert_false(bds_budget_way_measured(&c, BDS_RELAY_UP));
    assert_true(bds_budget_way_measured(&c, BDS_RELAY_DOWN));
    assert_float_equal(bds_budget_points_per_s(&c, 8, &limit), 10.0, 1e-9);
    assert_int_equal(limit, BDS_RELAY_DOWN);
    /* its chatter alone filling the link still stops everything */
    c.idle_bps[BDS_RELAY_UP] = 1000;
    assert_float_equal(bds_budget_points_per_s(&c, 8, &limit), 0.0, 1e-9);
    assert_int_equal(limit, BDS_RELAY_UP);
    /* no cost measured either way: no limit to state */
    bds_link_cost none = {.msg_bytes = {0, -1}};
    assert_true(isnan(bds_budget_points_per_s(&none, 8, NULL)));
}

static void segments_are_at_least_the_reads_and_the_bytes_over_the_mss(void **state)
{
    (void)state;
    assert_int_equal(bds_budget_min_segments(0, 0), 0);
    assert_int_equal(bds_budget_min_segments(104, 1), 1);
    assert_int_equal(bds_budget_min_segments(1448, 0), 1);
    assert_int_equal(bds_budget_min_segments(1449, 1), 2);
    /* 262 KB read in 22 chunks of up to 16 KB still took 182 segments */
    assert_int_equal(bds_budget_min_segments(262588, 22), 182);
    assert_int_equal(bds_budget_min_segments(500, 9), 9);
}

static void paced_timeouts_never_overflow(void **state)
{
    (void)state;
    /* 200 points at 20 kbit/s: 200 * 400 B * 8 / 20000 bit/s = 32 s, three times, plus 60 s */
    assert_int_equal(bds_budget_paced_timeout_ms(200, 20), 60000 + 96000);
    /* --paced-count 1000000 --link-rate 1 would be ~9.6e9 ms: capped, positive */
    int64_t big = bds_budget_paced_timeout_ms(1000000, 1);
    assert_true(big > 0);
    assert_true(big == 30LL * 24 * 3600 * 1000);
    assert_true(bds_budget_paced_timeout_ms(UINT64_MAX, 1) == big);
}

static void pace_unlimited_allows_everything(void **state)
{
    (void)state;
    bds_pace p;
    bds_pace_init(&p, 0, 0);
    assert_int_equal(bds_pace_allowed(&p, 0, 16384), 16384);
    bds_pace_consume(&p, 16384);
    assert_int_equal(bds_pace_allowed(&p, 0, 16384), 16384);
    assert_int_equal(bds_pace_wait_ns(&p, 0, 1000000), 0);
}

static void pace_refills_at_the_rate_up_to_the_burst(void **state)
{
    (void)state;
    bds_pace p;
    const int64_t s = 1000000000LL;
    bds_pace_init(&p, 8000, 10 * s); /* 1000 B/s, burst 256 B (the floor) */
    assert_int_equal(bds_pace_allowed(&p, 10 * s, 16384), 256);
    assert_int_equal(bds_pace_allowed(&p, 10 * s, 100), 100);
    bds_pace_consume(&p, 256);
    assert_int_equal(bds_pace_allowed(&p, 10 * s, 16384), 0);
    /* 100 bytes take 0.1 s */
    int64_t w = bds_pace_wait_ns(&p, 10 * s, 100);
    assert_true(w >= 100000000 && w <= 100000002);
    assert_int_equal(bds_pace_allowed(&p, 10 * s + s / 10, 16384), 100);
    /* never more than the burst, however long the link was idle */
    assert_int_equal(bds_pace_allowed(&p, 100 * s, 16384), 256);
    /* asking for more than the burst waits for the burst only */
    bds_pace_consume(&p, 256);
    w = bds_pace_wait_ns(&p, 100 * s, 100000);
    assert_true(w >= 256000000 && w <= 256000002);
}

static void pace_burst_grows_with_the_rate(void **state)
{
    (void)state;
    bds_pace p;
    bds_pace_init(&p, 1000000, 0); /* 125000 B/s: a tenth of a second is 12500 B */
    assert_int_equal(bds_pace_allowed(&p, 0, 1 << 20), 12500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(per_msg_raw_and_net),
        cmocka_unit_test(the_busier_way_sets_the_limit),
        cmocka_unit_test(idle_chatter_can_fill_the_link),
        cmocka_unit_test(a_way_without_measured_cost_is_limited_by_its_chatter_only),
        cmocka_unit_test(segments_are_at_least_the_reads_and_the_bytes_over_the_mss),
        cmocka_unit_test(paced_timeouts_never_overflow),
        cmocka_unit_test(pace_unlimited_allows_everything),
        cmocka_unit_test(pace_refills_at_the_rate_up_to_the_burst),
        cmocka_unit_test(pace_burst_grows_with_the_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
