/* The copy check after a leaf crash: exact copies pass; a missing point, a
 * point there twice, a reordering and a corrupt or foreign message are each
 * counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bds_copy_check.h"

#define SUBJECT "n.hub.1.value"

/* A copy holding the given indexes in that order. */
static bds_point_list copy_of(const uint64_t *idx, size_t n)
{
    bds_point_list l = {.items = calloc(n ? n : 1, sizeof(bds_point_record)), .n = n, .cap = n};
    for (size_t i = 0; i < n; i++) {
        uint8_t buf[128];
        size_t len =
            bds_point_encode_indexed(buf, sizeof buf, "hub", 1000 + (int64_t)i, idx[i], 16);
        assert_true(bds_point_decode_record(buf, (int)len, &l.items[i]));
        snprintf(l.items[i].subject, sizeof l.items[i].subject, "%s", SUBJECT);
        l.items[i].seq = i + 1;
    }
    return l;
}

static bds_copy_check check(const uint64_t *idx, size_t n, uint64_t expected)
{
    bds_point_list l = copy_of(idx, n);
    bds_copy_check k;
    bds_copy_check_run(&l, expected, "hub", SUBJECT, 16, &k);
    bds_point_list_free(&l);
    return k;
}

static void exact_copy_passes(void **state)
{
    (void)state;
    const uint64_t idx[] = {0, 1, 2, 3, 4};
    bds_copy_check k = check(idx, 5, 5);
    assert_true(bds_copy_check_ok(&k));
    assert_int_equal(k.held, 5);
    assert_string_equal(k.first_problem, "");
}

static void missing_point_is_counted(void **state)
{
    (void)state;
    const uint64_t idx[] = {0, 1, 3, 4};
    bds_copy_check k = check(idx, 4, 5);
    assert_false(bds_copy_check_ok(&k));
    assert_int_equal(k.missing, 1);
    assert_int_equal(k.first_missing, 2);
    assert_non_null(strstr(k.first_problem, "1 points missing, the first is point 2"));
    /* and the expectation of one more than was written */
    const uint64_t all[] = {0, 1, 2};
    k = check(all, 3, 4);
    assert_int_equal(k.missing, 1);
    assert_int_equal(k.first_missing, 3);
}

static void duplicate_is_counted(void **state)
{
    (void)state;
    const uint64_t idx[] = {0, 1, 2, 2, 3};
    bds_copy_check k = check(idx, 5, 4);
    assert_false(bds_copy_check_ok(&k));
    assert_int_equal(k.duplicates, 1);
    assert_int_equal(k.missing, 0);
    assert_non_null(strstr(k.first_problem, "point 2 is there twice"));
}

static void reordering_is_counted(void **state)
{
    (void)state;
    const uint64_t idx[] = {0, 2, 1, 3};
    bds_copy_check k = check(idx, 4, 4);
    assert_false(bds_copy_check_ok(&k));
    assert_int_equal(k.out_of_order, 1);
    assert_int_equal(k.missing, 0);
}

static void corrupt_and_foreign_are_counted(void **state)
{
    (void)state;
    const uint64_t idx[] = {0, 1, 2, 9};
    bds_point_list l = copy_of(idx, 4);
    l.items[1].filler_ok = false;                                  /* corrupt content */
    snprintf(l.items[2].origin, sizeof l.items[2].origin, "leaf"); /* wrong origin */
    bds_copy_check k;
    bds_copy_check_run(&l, 4, "hub", SUBJECT, 16, &k); /* 9 was never written */
    bds_point_list_free(&l);
    assert_int_equal(k.corrupt, 3);
    assert_int_equal(k.missing, 3); /* 1, 2 and 3 */
    assert_false(bds_copy_check_ok(&k));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_copy_passes),
        cmocka_unit_test(missing_point_is_counted),
        cmocka_unit_test(duplicate_is_counted),
        cmocka_unit_test(reordering_is_counted),
        cmocka_unit_test(corrupt_and_foreign_are_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
