#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tsd_range.h"
#include "tsd_rangeset.h"

/* 4 series; point g written at time 1000 + 10 g, so series s's point i has
 * time 1000 + 10 (4 i + s). */
static const tsd_gen gen = {.seed = 5, .series = 4, .data_len = 16};

static int64_t time_of(uint64_t g)
{
    return 1000 + 10 * (int64_t)g;
}

static void write_all(tsd_probes *p, uint64_t n)
{
    for (uint64_t g = 0; g < n; g++)
        tsd_probes_offer(p, g, time_of(g));
}

static void probes_record_only_what_was_asked(void **state)
{
    (void)state;
    tsd_probes p;
    tsd_probes_init(&p);
    nx_err err;
    assert_int_equal(tsd_probes_want(&p, 30, &err), 0);
    assert_int_equal(tsd_probes_want(&p, 7, &err), 0);
    assert_int_equal(tsd_probes_want(&p, 30, &err), 0); /* asked twice: once */
    assert_int_equal(p.n, 2);
    int64_t t;
    assert_false(tsd_probes_time(&p, 7, &t)); /* not written yet */
    write_all(&p, 20);
    assert_true(tsd_probes_time(&p, 7, &t));
    assert_int_equal(t, time_of(7));
    assert_false(tsd_probes_time(&p, 30, &t));
    assert_int_equal(tsd_probes_want(&p, 3, &err), -1); /* already written */
    write_all(&p, 40);
    assert_true(tsd_probes_time(&p, 30, &t));
    for (int i = 0; i < TSD_PROBES_MAX; i++)
        tsd_probes_want(&p, 100 + (uint64_t)i, &err);
    assert_int_equal(tsd_probes_want(&p, 999, &err), -1);
}

static void plan(tsd_range *r, tsd_range_kind kind, uint64_t points, uint64_t want)
{
    tsd_probes p;
    tsd_probes_init(&p);
    nx_err err = {{0}};
    assert_int_equal(tsd_range_plan(r, kind, &gen, 2, points, want, &p, &err), 0);
    write_all(&p, points * gen.series);
    assert_int_equal(tsd_range_resolve(r, &gen, &p, &err), 0);
}

static void plans_pick_the_expected_points(void **state)
{
    (void)state;
    tsd_range r;
    plan(&r, TSD_RANGE_MIDDLE, 100, 10);
    assert_true(r.any);
    assert_int_equal(r.first, 45);
    assert_int_equal(r.last, 54);
    assert_int_equal(r.after, 55);
    assert_int_equal(tsd_range_expected(&r), 10);
    assert_int_equal(r.start_ns, time_of(tsd_global(&gen, 2, 45)));
    assert_int_equal(r.end_ns, time_of(tsd_global(&gen, 2, 54)));

    plan(&r, TSD_RANGE_MIDDLE, 10, 100); /* clamped to half the series */
    assert_int_equal(tsd_range_expected(&r), 5);

    plan(&r, TSD_RANGE_EMPTY, 100, 0);
    assert_false(r.any);
    assert_int_equal(tsd_range_expected(&r), 0);
    assert_int_equal(r.after, 50);
    assert_int_equal(r.start_ns, time_of(tsd_global(&gen, 2, 49)) + 1);
    assert_int_equal(r.end_ns, time_of(tsd_global(&gen, 2, 50)) - 1);

    plan(&r, TSD_RANGE_WHOLE, 100, 0);
    assert_int_equal(r.first, 0);
    assert_int_equal(r.last, 99);
    assert_int_equal(r.after, 100);
    assert_int_equal(tsd_range_expected(&r), 100);
}

static void plans_refuse_impossible_ranges(void **state)
{
    (void)state;
    tsd_range r;
    tsd_probes p;
    tsd_probes_init(&p);
    nx_err err;
    assert_int_equal(tsd_range_plan(&r, TSD_RANGE_WHOLE, &gen, 4, 10, 0, &p, &err), -1);
    assert_int_equal(tsd_range_plan(&r, TSD_RANGE_WHOLE, &gen, 1, 1, 0, &p, &err), -1);
    assert_int_equal(tsd_range_plan(&r, TSD_RANGE_WHOLE, &gen, 1, 10, 0, &p, &err), 0);
    assert_int_equal(tsd_range_resolve(&r, &gen, &p, &err), -1); /* nothing written */
    assert_non_null(strstr(err.msg, "not recorded"));
}

/* Feeds series 2's points from..to (inclusive) to rx as a consumer would. */
static int deliver(tsd_range_rx *rx, uint64_t from, uint64_t to, nx_err *err)
{
    uint8_t buf[64];
    for (uint64_t i = from; i <= to && !rx->done; i++) {
        uint64_t g = tsd_global(&gen, 2, i);
        size_t n = tsd_point_build(&gen, g, time_of(g), buf, sizeof buf);
        if (tsd_range_rx_next(rx, buf, n, err) != 0)
            return -1;
    }
    return 0;
}

static void receiver_accepts_exact_deliveries(void **state)
{
    (void)state;
    tsd_range r;
    tsd_range_rx rx;
    nx_err err = {{0}};

    /* middle: a few points before the start are skipped, stops past the end */
    plan(&r, TSD_RANGE_MIDDLE, 100, 10);
    tsd_range_rx_start(&rx, &r, &gen, false);
    assert_int_equal(deliver(&rx, 42, 99, &err), 0);
    assert_true(rx.done);
    assert_int_equal(rx.got, 10);
    assert_int_equal(rx.skipped, 3);
    assert_int_equal(tsd_range_rx_finish(&rx, &err), 0);

    /* empty: the first delivery is already past the end */
    plan(&r, TSD_RANGE_EMPTY, 100, 0);
    tsd_range_rx_start(&rx, &r, &gen, false);
    assert_int_equal(deliver(&rx, 50, 99, &err), 0);
    assert_true(rx.done);
    assert_int_equal(rx.got, 0);
    assert_int_equal(tsd_range_rx_finish(&rx, &err), 0);

    /* whole: ends when nothing is pending, not at a point past the end */
    plan(&r, TSD_RANGE_WHOLE, 100, 0);
    tsd_range_rx_start(&rx, &r, &gen, false);
    assert_int_equal(deliver(&rx, 0, 99, &err), 0);
    assert_false(rx.done);
    assert_int_equal(tsd_range_rx_finish(&rx, &err), 0);
}

static void receiver_catches_wrong_deliveries(void **state)
{
    (void)state;
    tsd_range r;
    tsd_range_rx rx;
    nx_err err = {{0}};
    plan(&r, TSD_RANGE_MIDDLE, 100, 10);

    /* a point of the range missing */
    tsd_range_rx_start(&rx, &r, &gen, false);
    assert_int_equal(deliver(&rx, 45, 47, &err), 0);
    assert_int_equal(deliver(&rx, 49, 60, &err), -1);
    assert_non_null(strstr(err.msg, "point 49 was delivered after point 47"));

    /* the delivery stops early */
    tsd_range_rx_start(&rx, &r, &gen, false);
    assert_int_equal(deliver(&rx, 45, 50, &err), 0);
    assert_int_equal(tsd_range_rx_finish(&rx, &err), -1);
    assert_non_null(strstr(err.msg, "returned 6 points, the model expects 10"));

    /* a model that expects one point more than the range holds */
    tsd_range wider = r;
    wider.last++;
    tsd_range_rx_start(&rx, &wider, &gen, false);
    assert_int_equal(deliver(&rx, 45, 99, &err), 0);
    assert_int_equal(tsd_range_rx_finish(&rx, &err), -1);
    assert_non_null(strstr(err.msg, "returned 10 points, the model expects 11"));

    /* a point of another series */
    tsd_range_rx_start(&rx, &r, &gen, false);
    uint8_t buf[64];
    size_t n = tsd_point_build(&gen, tsd_global(&gen, 1, 46), 0, buf, sizeof buf);
    assert_int_equal(tsd_range_rx_next(&rx, buf, n, &err), -1);
    assert_non_null(strstr(err.msg, "of another series"));

    /* the consumer starts too late: the first point is missing */
    tsd_range_rx_start(&rx, &r, &gen, false);
    assert_int_equal(deliver(&rx, 46, 99, &err), -1);
    assert_non_null(strstr(err.msg, "the model expects 45"));

    /* whole range without its last point */
    plan(&r, TSD_RANGE_WHOLE, 100, 0);
    tsd_range_rx_start(&rx, &r, &gen, false);
    assert_int_equal(deliver(&rx, 0, 98, &err), 0);
    assert_int_equal(tsd_range_rx_finish(&rx, &err), -1);

    /* empty range that returns a point */
    plan(&r, TSD_RANGE_EMPTY, 100, 0);
    r.start_ns -= 1;
    tsd_range_rx_start(&rx, &r, &gen, false);
    assert_int_equal(deliver(&rx, 49, 99, &err), -1);
}

/* Delivers series 2's points 42.. with one filler byte of point 46 flipped:
 * the cheap checks pass, the digest catches it, the full pass names it. */
static int deliver_corrupted(tsd_range_rx *rx, nx_err *err)
{
    uint8_t buf[64];
    int rc = 0;
    for (uint64_t i = 42; i <= 99 && !rx->done && rc == 0; i++) {
        uint64_t g = tsd_global(&gen, 2, i);
        size_t n = tsd_point_build(&gen, g, time_of(g), buf, sizeof buf);
        if (i == 46)
            buf[n - 1] ^= 0x40;
        rc = tsd_range_rx_next(rx, buf, n, err);
    }
    return rc == 0 ? tsd_range_rx_finish(rx, err) : rc;
}

static void receiver_digest_catches_content(void **state)
{
    (void)state;
    tsd_range r;
    tsd_range_rx rx;
    nx_err err = {{0}};
    plan(&r, TSD_RANGE_MIDDLE, 100, 10);
    tsd_range_rx_start(&rx, &r, &gen, false);
    assert_int_equal(deliver_corrupted(&rx, &err), -1);
    assert_true(rx.content_differs);
    assert_non_null(strstr(err.msg, "differ from the model's (digest)"));
    tsd_range_rx_start(&rx, &r, &gen, true);
    assert_int_equal(deliver_corrupted(&rx, &err), -1);
    assert_false(rx.content_differs);
    assert_non_null(strstr(err.msg, "point 2/46: data bytes"));
}

static void range_set_shares_points_between_sizes(void **state)
{
    (void)state;
    tsd_range_set rs;
    nx_err err = {{0}};
    assert_int_equal(tsd_range_set_plan(&rs, &gen, 4000, 50, &err), 0);
    assert_int_equal(rs.small_count, 400);
    assert_int_equal(rs.q[TSD_RQ_SMALL].points, 100);
    assert_int_equal(rs.q[TSD_RQ_SAME_LARGE].first, rs.q[TSD_RQ_SMALL].first);
    assert_int_equal(rs.q[TSD_RQ_SAME_LARGE].points, 1000);
    assert_int_equal(tsd_range_expected(&rs.q[TSD_RQ_MIDDLE_LARGE]), 50);
    assert_int_equal(tsd_range_expected(&rs.q[TSD_RQ_WHOLE]), 1000);
    assert_int_equal(tsd_range_expected(&rs.q[TSD_RQ_EMPTY]), 0);
    write_all(&rs.probes, 4000);
    for (int q = 0; q < TSD_RQ_COUNT; q++)
        assert_int_equal(tsd_range_resolve(&rs.q[q], &gen, &rs.probes, &err), 0);
    char name[96];
    /* more points than the small store's series can give: both ranges
     * shrink to the same length */
    tsd_range_set wide;
    assert_int_equal(tsd_range_set_plan(&wide, &gen, 4000, 80, &err), 0);
    assert_int_equal(tsd_range_expected(&wide.q[TSD_RQ_SMALL]), 50);
    assert_int_equal(tsd_range_expected(&wide.q[TSD_RQ_MIDDLE_LARGE]), 50);
    tsd_rq_case(&rs, TSD_RQ_WHOLE, name, sizeof name);
    assert_string_equal(name, "whole series (1000 points), store of 4000");
    tsd_rq_case(&rs, TSD_RQ_SAME_LARGE, name, sizeof name);
    assert_string_equal(name, "same 50 points, store of 4000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probes_record_only_what_was_asked),
        cmocka_unit_test(plans_pick_the_expected_points),
        cmocka_unit_test(plans_refuse_impossible_ranges),
        cmocka_unit_test(receiver_accepts_exact_deliveries),
        cmocka_unit_test(receiver_catches_wrong_deliveries),
        cmocka_unit_test(receiver_digest_catches_content),
        cmocka_unit_test(range_set_shares_points_between_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
