/* The crash round's bookkeeping: acked points that are missing are lost,
 * present points that were never acked survived, a point read twice or
 * outside the round is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tsd_tally.h"

static void nothing_lost_when_every_acked_point_is_present(void **state)
{
    (void)state;
    tsd_tally t;
    assert_int_equal(tsd_tally_init(&t, 100, NULL), 0);
    for (uint64_t g = 0; g < 60; g++)
        tsd_tally_ack(&t, g);
    for (uint64_t g = 0; g < 70; g++) /* 10 unacked survived */
        assert_true(tsd_tally_present(&t, g));
    tsd_tally_sum s;
    tsd_tally_sum_up(&t, 90, &s);
    assert_int_equal(s.written, 90);
    assert_int_equal(s.acked, 60);
    assert_int_equal(s.present, 70);
    assert_int_equal(s.lost, 0);
    assert_int_equal(s.unacked, 30);
    assert_int_equal(s.survived, 10);
    tsd_tally_free(&t);
}

static void a_missing_acked_point_is_lost(void **state)
{
    (void)state;
    tsd_tally t;
    assert_int_equal(tsd_tally_init(&t, 64, NULL), 0);
    for (uint64_t g = 0; g < 20; g++) {
        tsd_tally_ack(&t, g);
        if (g != 7 && g != 12)
            tsd_tally_present(&t, g);
    }
    tsd_tally_sum s;
    tsd_tally_sum_up(&t, 20, &s);
    assert_int_equal(s.lost, 2);
    assert_int_equal(s.first_lost, 7);
    assert_int_equal(s.survived, 0);
    assert_true(tsd_tally_is_acked(&t, 7));
    assert_false(tsd_tally_is_acked(&t, 20));
    tsd_tally_free(&t);
}

static void duplicates_and_foreign_points_are_refused(void **state)
{
    (void)state;
    tsd_tally t;
    assert_int_equal(tsd_tally_init(&t, 10, NULL), 0);
    assert_true(tsd_tally_present(&t, 3));
    assert_false(tsd_tally_present(&t, 3));
    assert_false(tsd_tally_present(&t, 10));
    assert_int_equal(t.duplicates, 1);
    assert_int_equal(t.foreign, 1);
    tsd_tally_ack(&t, 99); /* out of range: ignored */
    tsd_tally_sum s;
    tsd_tally_sum_up(&t, 1000, &s); /* clipped to the capacity */
    assert_int_equal(s.written, 10);
    assert_int_equal(s.acked, 0);
    assert_int_equal(s.present, 1);
    tsd_tally_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_lost_when_every_acked_point_is_present),
        cmocka_unit_test(a_missing_acked_point_is_lost),
        cmocka_unit_test(duplicates_and_foreign_points_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
