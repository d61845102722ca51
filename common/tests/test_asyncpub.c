#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "live_server.h"
#include "nx_asyncpub.h"
#include "nx_conn.h"
#include "nx_server.h"
#include "nx_stream.h"
#include "nx_sub.h"
#include "nx_wait.h"
#include "proc_util.h"

typedef live_server fixture;

static int up(void **state)
{
    fixture *f = live_server_up("asyncpub-test");
    if (f == NULL)
        return -1;
    nx_err err;
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, "ASYNC");
    spec.subjects[spec.nsubjects++] = "a.>";
    if (nx_stream_create(f->js, &spec, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        live_server_down(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int down(void **state)
{
    return live_server_down(*state);
}

static void every_publish_acked(void **state)
{
    fixture *f = *state;
    nx_asyncpub *p = NULL;
    nx_err err = {{0}};
    assert_int_equal(nx_asyncpub_open(&p, f->nc, NULL, 64, &err), 0);
    for (int i = 0; i < 5000; i++)
        assert_int_equal(nx_asyncpub_send(p, "a.x", "12345678", 8, &err), 0);
    if (nx_asyncpub_wait(p, 10000, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(nx_asyncpub_failures(p), 0);
    nx_asyncpub_close(p);
    nx_stream_state st;
    assert_int_equal(nx_stream_state_get(f->js, "ASYNC", &st, &err), 0);
    assert_int_equal(st.msgs, 5000);
}

static void rejected_publishes_are_counted(void **state)
{
    fixture *f = *state;
    nx_asyncpub *p = NULL;
    nx_err err = {{0}};
    assert_int_equal(nx_asyncpub_open(&p, f->nc, NULL, 16, &err), 0);
    /* Without a stream behind the subject the server has no one to ack:
     * "no responders" fails each publish at once. */
    for (int i = 0; i < 20; i++)
        assert_int_equal(nx_asyncpub_send(p, "nostream.x", "x", 1, &err), 0);
    assert_int_equal(nx_asyncpub_wait(p, 10000, &err), -1);
    assert_non_null(strstr(err.msg, "20 async publishes failed"));
    assert_int_equal(nx_asyncpub_failures(p), 20);
    nx_asyncpub_close(p);
}

static void close_with_acks_outstanding(void **state)
{
    fixture *f = *state;
    nx_asyncpub *p = NULL;
    nx_err err = {{0}};
    assert_int_equal(nx_asyncpub_open(&p, f->nc, NULL, 4096, &err), 0);
    for (int i = 0; i < 2000; i++)
        assert_int_equal(nx_asyncpub_send(p, "a.y", "x", 1, &err), 0);
    /* no wait: the acks still arriving must find nothing to call */
    nx_asyncpub_close(p);
    nx_sleep_ms(200);
    assert_int_equal(natsConnection_Flush(f->nc), NATS_OK);
}

static void sub_close_after_traffic(void **state)
{
    fixture *f = *state;
    natsSubscription *sub = NULL;
    assert_int_equal(natsConnection_SubscribeSync(&sub, f->nc, "plain.>"), NATS_OK);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(natsConnection_PublishString(f->nc, "plain.a", "x"), NATS_OK);
    nx_sub_close(f->nc, sub);
    nx_sub_close(f->nc, NULL);
    assert_int_equal(natsConnection_Flush(f->nc), NATS_OK);
}

/* A publisher whose server died before its first publish is closed on the
 * way out: nothing is pending, and closing must not touch what nats.c
 * never made. */
static void close_before_any_publish(void **state)
{
    fixture *f = *state;
    nx_asyncpub *p = NULL;
    nx_err err = {{0}};
    assert_int_equal(nx_asyncpub_open(&p, f->nc, NULL, 64, &err), 0);
    nx_asyncpub_close(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(close_before_any_publish, up, down),
        cmocka_unit_test_setup_teardown(every_publish_acked, up, down),
        cmocka_unit_test_setup_teardown(rejected_publishes_are_counted, up, down),
        cmocka_unit_test_setup_teardown(close_with_acks_outstanding, up, down),
        cmocka_unit_test_setup_teardown(sub_close_after_traffic, up, down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
