/* The round-trip yardstick against a real server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "live_server.h"
#include "nx_ping.h"

static int up(void **state)
{
    *state = live_server_up("ping-test");
    return *state ? 0 : -1;
}

static int down(void **state)
{
    return live_server_down(*state);
}

static void every_round_trip_recorded(void **state)
{
    live_server *f = *state;
    nx_hist *h = nx_hist_new();
    int64_t elapsed = 0;
    nx_err err = {{0}};
    assert_int_equal(nx_ping_rtt(f->nc, 200, h, &elapsed, &err), 0);
    assert_int_equal(nx_hist_count(h), 200);
    /* Each sample is part of the whole: their sum cannot exceed it. */
    assert_true(nx_hist_mean(h) * 200 <= (double)elapsed);
    assert_true(nx_hist_min(h) > 0);
    nx_hist_free(h);
}

static void closed_connection_fails(void **state)
{
    live_server *f = *state;
    natsConnection *nc = NULL;
    assert_int_equal(natsConnection_ConnectTo(&nc, nx_server_url(f->s)), NATS_OK);
    natsConnection_Close(nc);
    nx_hist *h = nx_hist_new();
    nx_err err = {{0}};
    assert_int_equal(nx_ping_rtt(nc, 5, h, NULL, &err), -1);
    assert_non_null(err.msg[0] ? err.msg : NULL);
    assert_int_equal(nx_hist_count(h), 0);
    nx_hist_free(h);
    natsConnection_Destroy(nc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_round_trip_recorded),
        cmocka_unit_test(closed_connection_fails),
    };
    return cmocka_run_group_tests(tests, up, down);
}
