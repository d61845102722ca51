#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nx_point.h"

static void round_trip_simple(void **state)
{
    (void)state;
    const char data[] = "15";
    nx_point p = {.time_ns = 1700000000123456789LL,
                  .tombstone = 0,
                  .origin = "hub",
                  .origin_len = 3,
                  .data = (const uint8_t *)data,
                  .data_len = 2};
    uint8_t buf[64];
    size_t n = nx_point_encode(&p, buf, sizeof buf);
    assert_int_equal(n, 10 + 3 + 2);
    /* little-endian time: lowest byte first */
    assert_int_equal(buf[0], (uint8_t)(1700000000123456789ULL & 0xff));
    assert_int_equal(buf[9], 3);
    nx_point q;
    assert_true(nx_point_decode(buf, n, &q));
    assert_true(nx_point_equal(&p, &q));
    assert_memory_equal(q.origin, "hub", 3);
    assert_memory_equal(q.data, "15", 2);
}

static void negative_time_survives(void **state)
{
    (void)state;
    nx_point p = {.time_ns = -5};
    uint8_t buf[16];
    size_t n = nx_point_encode(&p, buf, sizeof buf);
    nx_point q;
    assert_true(nx_point_decode(buf, n, &q));
    assert_int_equal(q.time_ns, -5);
}

static void truncated_buffers_are_rejected(void **state)
{
    (void)state;
    uint8_t buf[10] = {0};
    nx_point q;
    for (size_t len = 0; len < NX_POINT_HEADER; len++)
        assert_false(nx_point_decode(buf, len, &q));
    assert_false(nx_point_decode(NULL, 0, &q));
    assert_true(nx_point_decode(buf, NX_POINT_HEADER, &q));
}

static void origin_past_end_is_rejected(void **state)
{
    (void)state;
    uint8_t buf[16] = {0};
    buf[9] = 7; /* claims 7 origin bytes */
    nx_point q;
    assert_false(nx_point_decode(buf, NX_POINT_HEADER + 6, &q));
    assert_true(nx_point_decode(buf, NX_POINT_HEADER + 7, &q));
    assert_int_equal(q.data_len, 0);
    buf[9] = 255;
    assert_false(nx_point_decode(buf, sizeof buf, &q));
}

static void empty_data_and_origin(void **state)
{
    (void)state;
    nx_point p = {.time_ns = 42, .tombstone = 1};
    uint8_t buf[NX_POINT_HEADER];
    assert_int_equal(nx_point_encode(&p, buf, sizeof buf), NX_POINT_HEADER);
    nx_point q;
    assert_true(nx_point_decode(buf, sizeof buf, &q));
    assert_int_equal(q.origin_len, 0);
    assert_int_equal(q.data_len, 0);
    assert_true(nx_point_is_deleted(&q));
    assert_true(nx_point_equal(&p, &q));
}

static void encode_refuses_small_buffer(void **state)
{
    (void)state;
    nx_point p = {.origin = "abc", .origin_len = 3};
    uint8_t buf[12];
    assert_int_equal(nx_point_encode(&p, buf, sizeof buf), 0);
}

static void tombstone_parity(void **state)
{
    (void)state;
    for (int t = 0; t < 256; t++) {
        nx_point p = {.tombstone = (uint8_t)t};
        assert_int_equal(nx_point_is_deleted(&p), t % 2 == 1);
    }
}

static void random_round_trips(void **state)
{
    (void)state;
    srand(20261123);
    uint8_t origin[255], data[600], buf[1024];
    for (int i = 0; i < 100000; i++) {
        nx_point p = {0};
        /* any 64-bit pattern, negative times included */
        p.time_ns = (int64_t)(((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 2) ^
                              (uint64_t)rand() ^ ((uint64_t)(rand() % 2) << 63));
        p.tombstone = (uint8_t)rand();
        p.origin_len = (uint8_t)(rand() % 256);
        p.data_len = (size_t)(rand() % (int)sizeof data);
        for (size_t k = 0; k < p.origin_len; k++)
            origin[k] = (uint8_t)rand();
        for (size_t k = 0; k < p.data_len; k++)
            data[k] = (uint8_t)rand();
        p.origin = (const char *)origin;
        p.data = data;
        size_t n = nx_point_encode(&p, buf, sizeof buf);
        assert_int_equal(n, nx_point_size(&p));
        nx_point q;
        assert_true(nx_point_decode(buf, n, &q));
        assert_true(nx_point_equal(&p, &q));
        /* any shorter buffer either fails or decodes to a different point */
        if (n > 0) {
            size_t cut = (size_t)rand() % n;
            nx_point r;
            if (nx_point_decode(buf, cut, &r))
                assert_false(nx_point_equal(&p, &r));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_simple),
        cmocka_unit_test(negative_time_survives),
        cmocka_unit_test(truncated_buffers_are_rejected),
        cmocka_unit_test(origin_past_end_is_rejected),
        cmocka_unit_test(empty_data_and_origin),
        cmocka_unit_test(encode_refuses_small_buffer),
        cmocka_unit_test(tombstone_parity),
        cmocka_unit_test(random_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
