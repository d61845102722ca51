#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "live_server.h"
#include "nx_conn.h"
#include "nx_monitor.h"
#include "nx_server.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "proc_util.h"

typedef live_server fixture;

static int up(void **state)
{
    *state = live_server_up("stream-test");
    return *state ? 0 : -1;
}

static int down(void **state)
{
    return live_server_down(*state);
}

static void create_publish_state(void **state)
{
    fixture *f = *state;
    nx_err err = {{0}};
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, "NODES");
    spec.subjects[spec.nsubjects++] = "n.>";
    spec.allow_direct = true;
    assert_int_equal(nx_stream_create(f->js, &spec, &err), 0);
    /* same config again is accepted; a conflicting one is a clear error */
    assert_int_equal(nx_stream_create(f->js, &spec, &err), 0);
    spec.storage = js_MemoryStorage;
    assert_int_equal(nx_stream_create(f->js, &spec, &err), -1);
    assert_non_null(strstr(err.msg, "creating stream NODES"));
    for (int i = 0; i < 5; i++)
        assert_int_equal(js_Publish(NULL, f->js, "n.1.value", "x", 1, NULL, NULL), NATS_OK);
    nx_stream_state st;
    assert_int_equal(nx_stream_state_get(f->js, "NODES", &st, &err), 0);
    assert_int_equal(st.msgs, 5);
    assert_int_equal(st.first_seq, 1);
    assert_int_equal(st.last_seq, 5);
    assert_int_equal(nx_stream_wait_count(f->js, "NODES", 5, 5, 1000, &err), 0);
}

static void wait_times_out_with_count(void **state)
{
    fixture *f = *state;
    nx_err err = {{0}};
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, "FEW");
    spec.subjects[spec.nsubjects++] = "few.>";
    assert_int_equal(nx_stream_create(f->js, &spec, &err), 0);
    assert_int_equal(js_Publish(NULL, f->js, "few.a", "x", 1, NULL, NULL), NATS_OK);
    int64_t t0 = nx_now_ns();
    assert_int_equal(nx_stream_wait_count(f->js, "FEW", 3, 10, 300, &err), -1);
    assert_true(nx_now_ns() - t0 < 2000000000LL);
    assert_string_equal(err.msg, "stream FEW holds 1 of 3 messages after 0.3 s");
    assert_int_equal(nx_stream_wait_count(f->js, "MISSING", 1, 10, 100, &err), -1);
    assert_non_null(strstr(err.msg, "MISSING"));
}

static void per_subject_limit_keeps_newest(void **state)
{
    fixture *f = *state;
    nx_err err = {{0}};
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, "LIMITED");
    spec.subjects[spec.nsubjects++] = "lim.>";
    spec.max_msgs_per_subject = 3;
    assert_int_equal(nx_stream_create(f->js, &spec, &err), 0);
    for (int i = 0; i < 10; i++) {
        char v[4];
        snprintf(v, sizeof v, "%d", i);
        assert_int_equal(js_Publish(NULL, f->js, "lim.a", v, (int)strlen(v), NULL, NULL), NATS_OK);
    }
    nx_stream_state st;
    assert_int_equal(nx_stream_state_get(f->js, "LIMITED", &st, &err), 0);
    assert_int_equal(st.msgs, 3);
    assert_int_equal(st.first_seq, 8);
    /* update: raise the limit, add a subject */
    spec.max_msgs_per_subject = 5;
    spec.subjects[spec.nsubjects++] = "lim2.>";
    assert_int_equal(nx_stream_update(f->js, &spec, &err), 0);
    assert_int_equal(js_Publish(NULL, f->js, "lim2.a", "y", 1, NULL, NULL), NATS_OK);
    assert_int_equal(nx_stream_delete(f->js, "LIMITED", false, &err), 0);
    assert_int_equal(nx_stream_delete(f->js, "LIMITED", true, &err), 0);
    assert_int_equal(nx_stream_delete(f->js, "LIMITED", false, &err), -1);
    assert_non_null(strstr(err.msg, "deleting stream LIMITED"));
}

static void source_from_other_domain(void **state)
{
    fixture *f = *state;
    (void)f;
    nx_err err = {{0}};
    nx_server_config hub_cfg, leaf_cfg;
    nx_server_config_init(&hub_cfg);
    hub_cfg.name = "hub";
    hub_cfg.domain = "hub";
    hub_cfg.leaf_listen = true;
    nx_server *hub = NULL, *leaf = NULL;
    assert_int_equal(nx_server_start(&hub, &hub_cfg, &err), 0);
    char remote[64];
    snprintf(remote, sizeof remote, "nats-leaf://127.0.0.1:%d", nx_server_leaf_port(hub));
    nx_server_config_init(&leaf_cfg);
    leaf_cfg.name = "leaf";
    leaf_cfg.domain = "leaf";
    leaf_cfg.leaf_remote = remote;
    assert_int_equal(nx_server_start(&leaf, &leaf_cfg, &err), 0);

    /* the hub sees the leaf connection */
    nx_leafz l = {0};
    for (int i = 0; i < 500 && l.count == 0; i++) {
        assert_int_equal(nx_monitor_leafz(nx_server_monitor_url(hub), &l, &err), 0);
        if (l.count == 0)
            nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    assert_int_equal(l.count, 1);

    natsConnection *hnc = NULL, *lnc = NULL;
    jsCtx *hjs = NULL, *ljs = NULL;
    assert_int_equal(nx_connect(&hnc, nx_server_url(hub), "hub", &err), 0);
    assert_int_equal(nx_jetstream(&hjs, hnc, NULL, 0, &err), 0);
    assert_int_equal(nx_connect(&lnc, nx_server_url(leaf), "leaf", &err), 0);
    assert_int_equal(nx_jetstream(&ljs, lnc, NULL, 0, &err), 0);

    nx_stream_spec spec;
    nx_stream_spec_init(&spec, "NODES-HUB");
    spec.subjects[spec.nsubjects++] = "n.hub.>";
    assert_int_equal(nx_stream_create(hjs, &spec, &err), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(js_Publish(NULL, hjs, "n.hub.123.value", "v", 1, NULL, NULL), NATS_OK);

    nx_stream_spec_init(&spec, "NODES-HUB");
    spec.sources[spec.nsources++] = (nx_source){.name = "NODES-HUB", .domain = "hub"};
    if (nx_stream_create(ljs, &spec, &err) != 0)
        fail_msg("%s", err.msg);
    if (nx_stream_wait_count(ljs, "NODES-HUB", 4, 10, 10000, &err) != 0)
        fail_msg("%s", err.msg);

    jsCtx_Destroy(hjs);
    jsCtx_Destroy(ljs);
    natsConnection_Destroy(hnc);
    natsConnection_Destroy(lnc);
    nx_server_destroy(leaf);
    nx_server_destroy(hub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(create_publish_state, up, down),
        cmocka_unit_test_setup_teardown(wait_times_out_with_count, up, down),
        cmocka_unit_test_setup_teardown(per_subject_limit_keeps_newest, up, down),
        cmocka_unit_test_setup_teardown(source_from_other_domain, up, down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
