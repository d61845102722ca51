/* The SQLite baseline against the model, without a server: both queries
 * return the model's state, tombstones included, and the seek query walks
 * the index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ps_db.h"
#include "ps_model.h"

static void insert_batch(ps_db *db, ps_model *m, const ps_batch *b)
{
    nx_err err;
    uint8_t buf[64];
    assert_int_equal(ps_db_begin(db, &err), 0);
    for (uint64_t k = 0; k < ps_batch_count(m, b); k++) {
        long node, prop;
        uint32_t version;
        int64_t t;
        ps_batch_point(m, b, k, &node, &prop, &version, &t);
        size_t n = ps_model_encode(m, node, prop, version, t, false, buf, sizeof buf);
        nx_point p;
        assert_true(nx_point_decode(buf, n, &p));
        char nn[PS_NAME_MAX], pn[PS_NAME_MAX];
        ps_node_name(node, nn, sizeof nn);
        ps_prop_name(prop, pn, sizeof pn);
        assert_int_equal(ps_db_insert(db, nn, pn, &p, &err), 0);
    }
    assert_int_equal(ps_db_commit(db, &err), 0);
    ps_model_apply_batch(m, b);
}

static void check_nodes(ps_db *db, const ps_model *m)
{
    nx_err err;
    ps_state got, want;
    ps_state_init(&got);
    ps_state_init(&want);
    for (long n = 0; n < m->nodes; n++) {
        char name[PS_NAME_MAX], why[512];
        ps_node_name(n, name, sizeof name);
        assert_int_equal(ps_model_state(m, n, &want, &err), 0);
        for (int seek = 0; seek < 2; seek++) {
            assert_int_equal(ps_db_state(db, seek, name, &got, &err), 0);
            if (!ps_state_same(&want, &got, why, sizeof why))
                fail_msg("node %s (%s): %s", name, seek ? "seek" : "group_by", why);
        }
    }
    /* a node without rows has an empty state */
    assert_int_equal(ps_db_state(db, true, "nobody", &got, &err), 0);
    assert_int_equal(got.n, 0);
    assert_int_equal(ps_db_state(db, false, "nobody", &got, &err), 0);
    assert_int_equal(got.n, 0);
    ps_state_free(&got);
    ps_state_free(&want);
}

static void both_queries_return_the_model_state(void **state)
{
    (void)state;
    char tmp[] = "/tmp/ps-test-db-XXXXXX";
    assert_non_null(mkdtemp(tmp));
    setenv("TMPDIR", tmp, 1);
    nx_err err;
    ps_db db;
    assert_int_equal(ps_db_open(&db, false, &err), 0);
    ps_model m;
    assert_int_equal(ps_model_init(&m, 5, 3, 8, &err), 0);
    ps_batch b1 = {0, 1, 1000}, b2 = {1, 7, 50000};
    insert_batch(&db, &m, &b1);
    check_nodes(&db, &m);
    insert_batch(&db, &m, &b2);
    check_nodes(&db, &m);
    int64_t rows = 0;
    assert_int_equal(ps_db_rows(&db, &rows, &err), 0);
    assert_int_equal(rows, 5 * 3 * 7);

    /* a tombstone row deletes the prop for both queries */
    const ps_cell *c = ps_model_cell(&m, 2, 1);
    uint8_t buf[64];
    size_t n = ps_model_encode(&m, 2, 1, c->version + 1, c->time_ns + 1, true, buf, sizeof buf);
    nx_point p;
    assert_true(nx_point_decode(buf, n, &p));
    assert_int_equal(ps_db_insert(&db, "d2", "p1", &p, &err), 0);
    ps_model_set(&m, 2, 1, c->version + 1, c->time_ns + 1, true);
    check_nodes(&db, &m);
    ps_state got;
    ps_state_init(&got);
    assert_int_equal(ps_db_state(&db, true, "d2", &got, &err), 0);
    assert_null(ps_state_get(&got, "p1"));
    assert_int_equal(ps_state_live(&got), 2);
    ps_state_free(&got);

    char plan[2048];
    assert_int_equal(ps_db_plan(&db, true, plan, sizeof plan, &err), 0);
    assert_non_null(strstr(plan, "points_node_prop_time"));
    assert_null(strstr(plan, "SCAN points"));
    ps_model_free(&m);
    ps_db_close(&db);
    assert_int_equal(rmdir(tmp), 0); /* the database's temp dir is gone */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_queries_return_the_model_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
