#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nx_cluster.h"
#include "nx_conn.h"
#include "nx_stream.h"
#include "proc_util.h"

static void r3_stream_survives_a_member(void **state)
{
    (void)state;
    const char *tmp = test_tmpdir();
    nx_server_config base;
    nx_server_config_init(&base);
    nx_cluster c;
    nx_err err = {{0}};
    if (nx_cluster_start(&c, 3, "nxc", &base, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(c.n, 3);
    assert_non_null(nx_cluster_member(&c, "nxc-2"));
    assert_null(nx_cluster_member(&c, "nxc-9"));

    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    assert_int_equal(nx_connect(&nc, c.urls, "cluster-test", &err), 0);
    assert_int_equal(nx_jetstream(&js, nc, NULL, 10000, &err), 0);
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, "R3");
    spec.subjects[spec.nsubjects++] = "r3.>";
    spec.replicas = 3;
    if (nx_stream_create(js, &spec, &err) != 0)
        fail_msg("%s", err.msg);
    for (int i = 0; i < 10; i++)
        assert_int_equal(js_Publish(NULL, js, "r3.a", "x", 1, NULL, NULL), NATS_OK);

    /* A follower dies: the stream keeps answering with every message. (The
     * leader is spared: that is failover, measured by tsd, and a new leader
     * may still be applying its last entries when asked.) */
    jsStreamInfo *si = NULL;
    assert_int_equal(js_GetStreamInfo(&si, js, "R3", NULL, NULL), NATS_OK);
    assert_non_null(si->Cluster);
    nx_server *victim = NULL;
    for (int i = 0; i < c.n && victim == NULL; i++)
        if (strcmp(nx_server_name(c.node[i]), si->Cluster->Leader) != 0)
            victim = c.node[i];
    assert_non_null(nx_cluster_member(&c, si->Cluster->Leader));
    jsStreamInfo_Destroy(si);
    assert_non_null(victim);
    nx_server_kill(victim);
    if (nx_stream_wait_count(js, "R3", 10, 50, 15000, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(nx_server_restart(victim, &err), 0);
    if (nx_cluster_wait_leader(&c, 20000, &err) != 0)
        fail_msg("%s", err.msg);

    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nx_cluster_destroy(&c);
    assert_int_equal(dir_entries(tmp), 0);
    rm_rf(tmp);
}

static void too_small_cluster_is_refused(void **state)
{
    (void)state;
    nx_server_config base;
    nx_server_config_init(&base);
    nx_cluster c;
    nx_err err = {{0}};
    assert_int_equal(nx_cluster_start(&c, 2, "x", &base, &err), -1);
    assert_non_null(strstr(err.msg, "3 to"));
}

int main(void)
{
    proc_become_subreaper();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(r3_stream_survives_a_member),
        cmocka_unit_test(too_small_cluster_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
