#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bds_points.h"

static void indexed_round_trip(void **state)
{
    (void)state;
    uint8_t buf[256];
    size_t n = bds_point_encode_indexed(buf, sizeof buf, "hub", 123456789, 4242, 16);
    assert_int_equal(n, NX_POINT_HEADER + 3 + 16);
    bds_point_record r;
    assert_true(bds_point_decode_record(buf, (int)n, &r));
    assert_true(r.has_index);
    assert_int_equal(r.index, 4242);
    assert_true(r.filler_ok);
    assert_int_equal(r.time_ns, 123456789);
    assert_string_equal(r.origin, "hub");
    assert_int_equal(r.data_len, 16);
    assert_false(r.tombstone);
}

static void a_flipped_byte_is_caught(void **state)
{
    (void)state;
    uint8_t buf[256];
    size_t n = bds_point_encode_indexed(buf, sizeof buf, "leaf", 1, 7, 32);
    bds_point_record r;
    buf[n - 1] ^= 1; /* filler */
    assert_true(bds_point_decode_record(buf, (int)n, &r));
    assert_false(r.filler_ok);
    n = bds_point_encode_indexed(buf, sizeof buf, "leaf", 1, 7, 8);
    buf[n - 8] ^= 1; /* the index itself, when there is no filler */
    assert_true(bds_point_decode_record(buf, (int)n, &r));
    assert_int_equal(r.index, 6);
}

static void sizes_out_of_range_are_refused(void **state)
{
    (void)state;
    uint8_t buf[64];
    assert_int_equal(bds_point_encode_indexed(buf, sizeof buf, "hub", 1, 1, 7), 0);
    assert_int_equal(bds_point_encode_indexed(buf, sizeof buf, "hub", 1, 1, 100), 0);
}

static void value_points_decode_as_text(void **state)
{
    (void)state;
    uint8_t buf[64];
    nx_point p = {.time_ns = 5,
                  .tombstone = 1,
                  .origin = "leaf",
                  .origin_len = 4,
                  .data = (const uint8_t *)"26",
                  .data_len = 2};
    size_t n = nx_point_encode(&p, buf, sizeof buf);
    bds_point_record r;
    assert_true(bds_point_decode_record(buf, (int)n, &r));
    assert_string_equal(r.value, "26");
    assert_false(r.has_index);
    assert_true(r.tombstone);
    assert_false(bds_point_decode_record(buf, 4, &r));
    assert_false(bds_point_decode_record(buf, -1, &r));
}

static void values_join_in_order(void **state)
{
    (void)state;
    bds_point_record items[3];
    memset(items, 0, sizeof items);
    strcpy(items[0].value, "12");
    strcpy(items[1].value, "13");
    strcpy(items[2].value, "14");
    bds_point_list l = {.items = items, .n = 3, .cap = 3};
    char buf[64];
    bds_point_list_values(&l, buf, sizeof buf);
    assert_string_equal(buf, "12 13 14");
    char small[6];
    bds_point_list_values(&l, small, sizeof small);
    assert_string_equal(small, "12 13");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(indexed_round_trip),
        cmocka_unit_test(a_flipped_byte_is_caught),
        cmocka_unit_test(sizes_out_of_range_are_refused),
        cmocka_unit_test(value_points_decode_as_text),
        cmocka_unit_test(values_join_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
