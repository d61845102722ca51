#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nx_point.h"
#include "tsd_check.h"
#include "tsd_digest.h"
#include "tsd_point.h"
#include "tsd_series.h"

static const tsd_gen gen = {.seed = 42, .series = 7, .data_len = 37};

static void build_then_check_round_trips(void **state)
{
    (void)state;
    uint8_t buf[128];
    for (uint64_t g = 0; g < 500; g++) {
        size_t n = tsd_point_build(&gen, g, 1000 + (int64_t)g, buf, sizeof buf);
        assert_int_equal(n, tsd_point_size(&gen));
        int64_t t = 0;
        nx_err err = {{0}};
        assert_int_equal(tsd_point_check(&gen, g, buf, n, &t, &err), 0);
        assert_int_equal(t, 1000 + (int64_t)g);
        uint64_t idx = 0;
        assert_true(tsd_point_index(buf, n, &idx));
        assert_int_equal(idx, g);
        /* it is a plain nx_point */
        nx_point p;
        assert_true(nx_point_decode(buf, n, &p));
        assert_int_equal(p.data_len, gen.data_len);
        assert_int_equal(p.origin_len, 3);
        assert_memory_equal(p.origin, "tsd", 3);
    }
}

static void ring_points_equal_built_points(void **state)
{
    (void)state;
    tsd_ring ring;
    nx_err err = {{0}};
    assert_int_equal(tsd_ring_init(&ring, &gen, &err), 0);
    assert_int_equal(tsd_point_period(&gen), 1024);
    uint8_t built[128];
    for (uint64_t g = 0; g < 3000; g += 7) {
        size_t n = tsd_point_build(&gen, g, 77 + (int64_t)g, built, sizeof built);
        assert_memory_equal(tsd_ring_point(&ring, g, 77 + (int64_t)g), built, n);
    }
    tsd_ring_free(&ring);
    /* points 1024 apart share the filler, not the index */
    uint8_t a[128], b[128];
    size_t n = tsd_point_build(&gen, 5, 1, a, sizeof a);
    tsd_point_build(&gen, 5 + 1024, 1, b, sizeof b);
    assert_memory_not_equal(a + TSD_POINT_INDEX_AT, b + TSD_POINT_INDEX_AT, 8);
    assert_memory_equal(a + TSD_POINT_INDEX_AT + 8, b + TSD_POINT_INDEX_AT + 8,
                        n - TSD_POINT_INDEX_AT - 8);
    /* large points: fewer in the ring, at least one */
    tsd_gen big = {.seed = 1, .series = 1, .data_len = 4096};
    assert_int_equal(tsd_point_period(&big), 128);
    big.data_len = 1 << 20;
    assert_int_equal(tsd_point_period(&big), 1);
}

static void series_and_index_arithmetic(void **state)
{
    (void)state;
    assert_int_equal(tsd_series_of(&gen, 15), 1);
    assert_int_equal(tsd_index_of(&gen, 15), 2);
    assert_int_equal(tsd_global(&gen, 1, 2), 15);
}

static void expect_check_fails(const uint8_t *buf, size_t n, uint64_t g, const tsd_gen *as,
                               const char *needle)
{
    nx_err err = {{0}};
    assert_int_equal(tsd_point_check(as, g, buf, n, NULL, &err), -1);
    if (strstr(err.msg, needle) == NULL)
        fail_msg("expected '%s' in '%s'", needle, err.msg);
}

static void every_corruption_is_caught(void **state)
{
    (void)state;
    uint8_t good[128], bad[128];
    size_t n = tsd_point_build(&gen, 9, 5, good, sizeof good);

    memcpy(bad, good, n);
    bad[8] = 1; /* tombstone */
    expect_check_fails(bad, n, 9, &gen, "tombstone");

    memcpy(bad, good, n);
    bad[10] = 'x'; /* origin */
    expect_check_fails(bad, n, 9, &gen, "origin");

    expect_check_fails(good, n - 1, 9, &gen, "data is 36 bytes");
    expect_check_fails(good, 5, 9, &gen, "does not decode");
    expect_check_fails(good, n, 10, &gen, "holds point number 9, expected 10");

    for (size_t i = 13 + 8; i < n; i++) {
        memcpy(bad, good, n);
        bad[i] ^= 0x01;
        expect_check_fails(bad, n, 9, &gen, "differ from what was written");
    }
    tsd_gen other = gen;
    other.seed = 43;
    expect_check_fails(good, n, 9, &other, "differ from what was written");
}

static void small_buffers_and_payloads_are_refused(void **state)
{
    (void)state;
    uint8_t buf[16];
    assert_int_equal(tsd_point_build(&gen, 1, 1, buf, sizeof buf), 0);
    tsd_gen tiny = {.seed = 1, .series = 1, .data_len = 4};
    uint8_t big[64];
    assert_int_equal(tsd_point_build(&tiny, 1, 1, big, sizeof big), 0);
    uint64_t g;
    assert_false(tsd_point_index(big, 3, &g));
}

static void clock_steps_by_two_at_least(void **state)
{
    (void)state;
    tsd_clock c = {0};
    int64_t prev = tsd_clock_next(&c);
    for (int i = 0; i < 100000; i++) {
        int64_t t = tsd_clock_next(&c);
        assert_true(t >= prev + 2);
        prev = t;
    }
    /* a clock ahead of the wall clock keeps stepping from where it is */
    c.last = prev + 1000000000LL;
    assert_int_equal(tsd_clock_next(&c), prev + 1000000002LL);
}

/* A full-read check fed what a stream would deliver. */
typedef struct fake_stream {
    tsd_series series;
    tsd_load load;
    uint8_t buf[128];
} fake_stream;

static void fake_init(fake_stream *f)
{
    nx_err err;
    assert_int_equal(tsd_series_init(&f->series, gen.series, NULL, &err), 0);
    f->load = (tsd_load){
        .gen = gen, .first_g = 3, .count = 20, .seq_base = 1, .t_min = 100, .t_max = 200};
}

static int feed(tsd_check *c, fake_stream *f, uint64_t g, uint64_t seq, int64_t t, nx_err *err)
{
    size_t n = tsd_point_build(&gen, g, t, f->buf, sizeof f->buf);
    return tsd_check_next(c, seq, f->series.subject[tsd_series_of(&gen, g)], f->buf, n, err);
}

static void stream_check_accepts_the_model(void **state)
{
    (void)state;
    fake_stream f;
    fake_init(&f);
    tsd_check c;
    tsd_check_start(&c, &f.load, &f.series, false);
    nx_err err = {{0}};
    for (uint64_t k = 0; k < 20; k++)
        assert_int_equal(feed(&c, &f, 3 + k, 4 + k, 100 + 2 * (int64_t)k, &err), 0);
    assert_true(tsd_check_complete(&c));
    assert_int_equal(tsd_check_finish(&c, &err), 0);
    assert_int_equal(feed(&c, &f, 23, 24, 190, &err), -1);
    assert_non_null(strstr(err.msg, "more than the 20 points"));
    tsd_series_free(&f.series);
}

static void stream_check_catches_gaps_order_time_and_subjects(void **state)
{
    (void)state;
    fake_stream f;
    fake_init(&f);
    tsd_check c;
    nx_err err = {{0}};

    tsd_check_start(&c, &f.load, &f.series, false);
    assert_int_equal(feed(&c, &f, 4, 5, 100, &err), -1); /* point 3 missing */
    assert_non_null(strstr(err.msg, "stream sequence 5, expected 4"));

    tsd_check_start(&c, &f.load, &f.series, false);
    assert_int_equal(feed(&c, &f, 3, 4, 150, &err), 0);
    assert_int_equal(feed(&c, &f, 4, 5, 150, &err), -1);
    assert_non_null(strstr(err.msg, "does not increase"));

    tsd_check_start(&c, &f.load, &f.series, false);
    assert_int_equal(feed(&c, &f, 3, 4, 99, &err), -1);
    assert_non_null(strstr(err.msg, "outside the write window"));

    tsd_check_start(&c, &f.load, &f.series, false);
    size_t n = tsd_point_build(&gen, 3, 120, f.buf, sizeof f.buf);
    assert_int_equal(tsd_check_next(&c, 4, f.series.subject[0], f.buf, n, &err), -1);
    assert_non_null(strstr(err.msg, "has subject n.dev0.temp, expected n.dev3.temp"));

    tsd_check_start(&c, &f.load, &f.series, false);
    assert_int_equal(feed(&c, &f, 3, 4, 120, &err), 0);
    assert_int_equal(tsd_check_finish(&c, &err), -1);
    assert_string_equal(err.msg, "read 1 points, expected 20");
    tsd_series_free(&f.series);
}

static void stream_check_digest_catches_content(void **state)
{
    (void)state;
    fake_stream f;
    fake_init(&f);
    for (int full = 0; full < 2; full++) {
        tsd_check c;
        tsd_check_start(&c, &f.load, &f.series, full);
        nx_err err = {{0}};
        int rc = 0;
        for (uint64_t k = 0; k < 20 && rc == 0; k++) {
            uint64_t g = 3 + k;
            size_t n = tsd_point_build(&gen, g, 100 + 2 * (int64_t)k, f.buf, sizeof f.buf);
            if (k == 7)
                f.buf[n - 3] ^= 1; /* a filler byte: past every cheap check */
            rc =
                tsd_check_next(&c, 4 + k, f.series.subject[tsd_series_of(&gen, g)], f.buf, n, &err);
        }
        if (!full) {
            assert_int_equal(rc, 0);
            assert_int_equal(tsd_check_finish(&c, &err), -1);
            assert_true(c.content_differs);
            assert_non_null(strstr(err.msg, "differ from the model's (digest"));
        } else {
            assert_int_equal(rc, -1);
            assert_non_null(strstr(err.msg, "stream sequence 11: point 3/1: data bytes"));
        }
    }
    tsd_series_free(&f.series);
}

static void hash_depends_on_every_byte_and_its_place(void **state)
{
    (void)state;
    uint8_t a[200], b[200];
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = (uint8_t)(i * 31 + 7);
    for (size_t n = 0; n <= sizeof a; n += 13) {
        uint64_t h = tsd_hash_bytes(a, n);
        for (size_t i = 0; i < n; i++) {
            memcpy(b, a, n);
            b[i] ^= 0x80;
            assert_true(tsd_hash_bytes(b, n) != h);
        }
        if (n >= 2) {
            memcpy(b, a, n);
            b[0] = a[1];
            b[1] = a[0];
            if (a[0] != a[1])
                assert_true(tsd_hash_bytes(b, n) != h);
        }
    }
    /* the digest depends on the order of the points */
    for (size_t i = 0; i < sizeof b; i++)
        b[i] = (uint8_t)(i * 17 + 3);
    uint64_t x = tsd_digest_add(tsd_digest_add(TSD_DIGEST_EMPTY, a, 40), b, 40);
    uint64_t y = tsd_digest_add(tsd_digest_add(TSD_DIGEST_EMPTY, b, 40), a, 40);
    assert_true(x != y);
}

static void series_subjects_take_a_scope(void **state)
{
    (void)state;
    tsd_series s;
    nx_err err;
    assert_int_equal(tsd_series_init(&s, 12, "r77", &err), 0);
    assert_string_equal(s.subject[0], "n.r77.dev0.temp");
    assert_string_equal(s.subject[11], "n.r77.dev11.temp");
    tsd_series_free(&s);
    assert_int_equal(tsd_series_init(&s, 100000, NULL, &err), 0);
    assert_string_equal(s.subject[99999], "n.dev99999.temp");
    tsd_series_free(&s);
    assert_int_equal(tsd_series_init(&s, 2, "bad.scope", &err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(build_then_check_round_trips),
        cmocka_unit_test(ring_points_equal_built_points),
        cmocka_unit_test(series_and_index_arithmetic),
        cmocka_unit_test(every_corruption_is_caught),
        cmocka_unit_test(small_buffers_and_payloads_are_refused),
        cmocka_unit_test(clock_steps_by_two_at_least),
        cmocka_unit_test(stream_check_accepts_the_model),
        cmocka_unit_test(stream_check_catches_gaps_order_time_and_subjects),
        cmocka_unit_test(stream_check_digest_catches_content),
        cmocka_unit_test(hash_depends_on_every_byte_and_its_place),
        cmocka_unit_test(series_subjects_take_a_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
