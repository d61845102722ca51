#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ps_model.h"

static void names(void **state)
{
    (void)state;
    char buf[PS_NAME_MAX];
    ps_node_name(42, buf, sizeof buf);
    assert_string_equal(buf, "d42");
    ps_prop_name(7, buf, sizeof buf);
    assert_string_equal(buf, "p7");
}

static void data_is_printable_and_tells_versions_apart(void **state)
{
    (void)state;
    uint8_t a[32], b[32], c[32], d[32], again[32];
    ps_model_data(1, 2, 3, a, sizeof a);
    ps_model_data(1, 2, 4, b, sizeof b);
    ps_model_data(1, 3, 3, c, sizeof c);
    ps_model_data(2, 2, 3, d, sizeof d);
    ps_model_data(1, 2, 3, again, sizeof again);
    assert_memory_equal(a, again, sizeof a);
    assert_memory_not_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
    assert_memory_not_equal(a, d, sizeof a);
    for (size_t i = 0; i < sizeof a; i++)
        assert_true((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= '0' && a[i] <= '9'));
}

static void points_encode_and_decode(void **state)
{
    (void)state;
    ps_model m;
    nx_err err;
    assert_int_equal(ps_model_init(&m, 3, 2, 16, &err), 0);
    uint8_t buf[64];
    size_t cap = ps_model_point_cap(&m);
    assert_int_equal(cap, NX_POINT_HEADER + 3 + 16);
    size_t n = ps_model_encode(&m, 2, 1, 5, 1234, false, buf, sizeof buf);
    assert_int_equal(n, cap);
    nx_point p;
    assert_true(nx_point_decode(buf, n, &p));
    assert_int_equal(p.time_ns, 1234);
    assert_int_equal(p.tombstone, 0);
    assert_int_equal(p.origin_len, 3);
    assert_memory_equal(p.origin, PS_ORIGIN, 3);
    uint8_t want[16];
    ps_model_data(2, 1, 5, want, sizeof want);
    assert_int_equal(p.data_len, 16);
    assert_memory_equal(p.data, want, 16);
    n = ps_model_encode(&m, 2, 1, 6, 99, true, buf, sizeof buf);
    assert_true(nx_point_decode(buf, n, &p));
    assert_true(nx_point_is_deleted(&p));
    assert_int_equal(p.data_len, 0);
    assert_int_equal(ps_model_encode(&m, 2, 1, 5, 1, false, buf, cap - 1), 0);
    ps_model_free(&m);
    assert_int_equal(ps_model_init(&m, 0, 2, 16, &err), -1);
}

static void batches_cover_every_subject_once_per_update(void **state)
{
    (void)state;
    ps_model m;
    nx_err err;
    assert_int_equal(ps_model_init(&m, 3, 4, 8, &err), 0);
    ps_batch b = {.from = 2, .to = 5, .t0 = 1000};
    assert_int_equal(ps_batch_count(&m, &b), 3 * 3 * 4);
    int seen[3][4][6] = {{{0}}};
    int64_t last_time = 0;
    for (uint64_t k = 0; k < ps_batch_count(&m, &b); k++) {
        long node, prop;
        uint32_t version;
        int64_t t;
        ps_batch_point(&m, &b, k, &node, &prop, &version, &t);
        assert_in_range(node, 0, 2);
        assert_in_range(prop, 0, 3);
        assert_in_range(version, 3, 5);
        assert_true(t > last_time);
        last_time = t;
        seen[node][prop][version]++;
    }
    for (int n = 0; n < 3; n++)
        for (int p = 0; p < 4; p++)
            for (int v = 3; v <= 5; v++)
                assert_int_equal(seen[n][p][v], 1);
    /* updates outermost: the first 12 points are version 3 of every subject */
    long node, prop;
    uint32_t version;
    int64_t t;
    ps_batch_point(&m, &b, 11, &node, &prop, &version, &t);
    assert_int_equal(version, 3);
    ps_batch_point(&m, &b, 12, &node, &prop, &version, &t);
    assert_int_equal(version, 4);
    assert_int_equal(node, 0);
    assert_int_equal(prop, 0);
    ps_model_free(&m);
}

/* The model's state of a node equals merging every point the node ever got,
 * the way a store's history would be merged. */
static void model_state_equals_the_merged_history(void **state)
{
    (void)state;
    ps_model m;
    nx_err err;
    assert_int_equal(ps_model_init(&m, 4, 3, 5, &err), 0);
    ps_state history[4], modeled;
    for (int n = 0; n < 4; n++)
        ps_state_init(&history[n]);
    ps_state_init(&modeled);
    ps_batch batches[] = {{0, 1, 100}, {1, 10, 5000}, {10, 12, 90000}};
    uint8_t buf[64];
    for (size_t i = 0; i < 3; i++) {
        for (uint64_t k = 0; k < ps_batch_count(&m, &batches[i]); k++) {
            long node, prop;
            uint32_t version;
            int64_t t;
            ps_batch_point(&m, &batches[i], k, &node, &prop, &version, &t);
            size_t n = ps_model_encode(&m, node, prop, version, t, false, buf, sizeof buf);
            char name[PS_NAME_MAX];
            ps_prop_name(prop, name, sizeof name);
            assert_int_equal(ps_state_merge(&history[node], name, buf, n, &err), 0);
        }
        ps_model_apply_batch(&m, &batches[i]);
        for (int n = 0; n < 4; n++) {
            char why[512];
            assert_int_equal(ps_model_state(&m, n, &modeled, &err), 0);
            if (!ps_state_same(&modeled, &history[n], why, sizeof why))
                fail_msg("node %d after batch %zu: %s", n, i, why);
            assert_int_equal(ps_state_live(&modeled), 3);
        }
    }
    assert_int_equal(ps_model_cell(&m, 3, 2)->version, 12);
    /* a tombstone in the model deletes the prop from the modeled state */
    const ps_cell *cell = ps_model_cell(&m, 1, 1);
    ps_model_set(&m, 1, 1, cell->version + 1, cell->time_ns + 1, true);
    assert_int_equal(ps_model_state(&m, 1, &modeled, &err), 0);
    assert_null(ps_state_get(&modeled, "p1"));
    assert_int_equal(ps_state_live(&modeled), 2);
    for (int n = 0; n < 4; n++)
        ps_state_free(&history[n]);
    ps_state_free(&modeled);
    ps_model_free(&m);
}

static void unwritten_cells_are_absent(void **state)
{
    (void)state;
    ps_model m;
    nx_err err;
    assert_int_equal(ps_model_init(&m, 2, 2, 4, &err), 0);
    ps_state s;
    ps_state_init(&s);
    assert_int_equal(ps_model_state(&m, 0, &s, &err), 0);
    assert_int_equal(s.n, 0);
    ps_model_set(&m, 0, 1, 1, 10, false);
    assert_int_equal(ps_model_state(&m, 0, &s, &err), 0);
    assert_int_equal(ps_state_live(&s), 1);
    assert_non_null(ps_state_get(&s, "p1"));
    ps_state_free(&s);
    ps_model_free(&m);
}

static void big_payloads_use_the_heap(void **state)
{
    (void)state;
    ps_model m;
    nx_err err;
    assert_int_equal(ps_model_init(&m, 1, 1, 4096, &err), 0);
    ps_model_set(&m, 0, 0, 1, 10, false);
    ps_state s;
    ps_state_init(&s);
    assert_int_equal(ps_model_state(&m, 0, &s, &err), 0);
    assert_int_equal(ps_state_get(&s, "p0")->point.data_len, 4096);
    ps_state_free(&s);
    ps_model_free(&m);
}

static void rng_is_deterministic(void **state)
{
    (void)state;
    uint64_t a = 7, b = 7;
    for (int i = 0; i < 100; i++)
        assert_true(ps_rng_next(&a) == ps_rng_next(&b));
    uint64_t c = 8;
    assert_false(ps_rng_next(&a) == ps_rng_next(&c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(data_is_printable_and_tells_versions_apart),
        cmocka_unit_test(points_encode_and_decode),
        cmocka_unit_test(batches_cover_every_subject_once_per_update),
        cmocka_unit_test(model_state_equals_the_merged_history),
        cmocka_unit_test(unwritten_cells_are_absent),
        cmocka_unit_test(big_payloads_use_the_heap),
        cmocka_unit_test(rng_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
