#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nx_conn.h"
#include "nx_monitor.h"
#include "nx_run.h"
#include "nx_server.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "proc_util.h"

static const char varz_full[] =
    "{\"server_id\":\"N1\",\"server_name\":\"hub\",\"version\":\"2.9.10\",\"port\":4222,"
    "\"cluster\":{\"name\":\"c\",\"addr\":\"127.0.0.1\",\"cluster_port\":6222},"
    "\"leaf\":{\"host\":\"127.0.0.1\",\"port\":7422},\"mem\":12328960,\"cpu\":2.5,\"connections\":"
    "2,"
    "\"leafnodes\":1,\"in_msgs\":10,\"out_msgs\":20,\"in_bytes\":300,\"out_bytes\":4000}";

static void varz_all_fields(void **state)
{
    (void)state;
    nx_varz v;
    nx_err err;
    assert_int_equal(nx_varz_parse(varz_full, &v, &err), 0);
    assert_string_equal(v.version, "2.9.10");
    assert_string_equal(v.server_name, "hub");
    assert_int_equal(v.leaf_port, 7422);
    assert_int_equal(v.cluster_port, 6222);
    assert_int_equal(v.in_msgs, 10);
    assert_int_equal(v.out_msgs, 20);
    assert_int_equal(v.in_bytes, 300);
    assert_int_equal(v.out_bytes, 4000);
    assert_int_equal(v.connections, 2);
    assert_int_equal(v.leafnodes, 1);
    assert_int_equal(v.mem, 12328960);
    assert_true(v.cpu > 2.49 && v.cpu < 2.51);
}

static void varz_missing_fields(void **state)
{
    (void)state;
    nx_varz v;
    nx_err err = {{0}};
    /* 2.9 without leafnodes or clustering sends empty objects */
    assert_int_equal(nx_varz_parse("{\"version\":\"2.9.10\",\"cluster\":{},\"leaf\":{}}", &v, &err),
                     0);
    assert_int_equal(v.leaf_port, 0);
    assert_int_equal(v.cluster_port, 0);
    assert_int_equal(v.in_msgs, 0);
    /* wrong types read as missing */
    assert_int_equal(
        nx_varz_parse("{\"version\":\"x\",\"in_msgs\":\"many\",\"leaf\":[]}", &v, &err), 0);
    assert_int_equal(v.in_msgs, 0);
    assert_int_equal(nx_varz_parse("{\"in_msgs\":1}", &v, &err), -1);
    assert_non_null(strstr(err.msg, "no server version"));
}

static void malformed_json_is_an_error(void **state)
{
    (void)state;
    const char *bad[] = {"", "{", "not json", "[1,2]", "\"str\"", "{\"version\":}", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        nx_varz v;
        nx_leafz l;
        nx_jsz *j = malloc(sizeof *j);
        nx_err err = {{0}};
        assert_int_equal(nx_varz_parse(bad[i], &v, &err), -1);
        assert_non_null(strstr(err.msg, "malformed"));
        assert_int_equal(nx_leafz_parse(bad[i], &l, &err), -1);
        assert_int_equal(nx_jsz_parse(bad[i], j, &err), -1);
        free(j);
    }
}

static void leafz_connections(void **state)
{
    (void)state;
    nx_leafz l;
    nx_err err;
    assert_int_equal(nx_leafz_parse("{\"leafnodes\":0,\"leafs\":null}", &l, &err), 0);
    assert_int_equal(l.count, 0);
    assert_int_equal(
        nx_leafz_parse("{\"leafs\":[{\"name\":\"leaf\",\"ip\":\"127.0.0.1\",\"port\":5000,"
                       "\"in_msgs\":4,\"out_msgs\":5,\"in_bytes\":64,\"out_bytes\":80},"
                       "{\"name\":\"other\"}]}",
                       &l, &err),
        0);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.conns[0].name, "leaf");
    assert_int_equal(l.conns[0].port, 5000);
    assert_int_equal(l.conns[0].in_bytes, 64);
    assert_int_equal(l.conns[0].out_bytes, 80);
    assert_int_equal(l.conns[1].in_bytes, 0);
}

static void jsz_streams(void **state)
{
    (void)state;
    nx_jsz *j = malloc(sizeof *j);
    nx_err err;
    assert_int_equal(
        nx_jsz_parse("{\"streams\":2,\"messages\":7,\"bytes\":700,\"meta_cluster\":{\"leader\":"
                     "\"n2\"},\"account_details\":[{\"name\":\"$G\",\"stream_detail\":[{\"name\":"
                     "\"NODES\",\"state\":{\"messages\":5,\"bytes\":500,\"first_seq\":1,"
                     "\"last_seq\":5,\"consumer_count\":1}},{\"name\":\"X\"}]}]}",
                     j, &err),
        0);
    assert_int_equal(j->streams, 2);
    assert_int_equal(j->messages, 7);
    assert_string_equal(j->meta_leader, "n2");
    assert_int_equal(j->nstreams, 2);
    assert_string_equal(j->stream[0].name, "NODES");
    assert_int_equal(j->stream[0].messages, 5);
    assert_int_equal(j->stream[0].last_seq, 5);
    assert_int_equal(j->stream[0].consumers, 1);
    assert_int_equal(j->stream[1].messages, 0);
    assert_int_equal(nx_jsz_parse("{}", j, &err), 0);
    assert_int_equal(j->nstreams, 0);
    assert_string_equal(j->meta_leader, "");
    free(j);
}

static void info_line(void **state)
{
    (void)state;
    char v[32];
    nx_err err = {{0}};
    assert_int_equal(nx_info_line_version("INFO {\"server_id\":\"x\",\"version\":\"2.10.1\"}", v,
                                          sizeof v, &err),
                     0);
    assert_string_equal(v, "2.10.1");
    assert_int_equal(nx_info_line_version("-ERR 'bad'", v, sizeof v, &err), -1);
    assert_int_equal(nx_info_line_version("INFO {}", v, sizeof v, &err), -1);
}

static void live_server(void **state)
{
    (void)state;
    const char *tmp = test_tmpdir();
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    cfg.leaf_listen = true;
    nx_server *s = NULL;
    nx_err err = {{0}};
    if (nx_server_start(&s, &cfg, &err) != 0)
        fail_msg("%s", err.msg);
    nx_varz v;
    assert_int_equal(nx_monitor_varz(nx_server_monitor_url(s), &v, &err), 0);
    assert_string_equal(v.version, nx_server_version(s));
    assert_int_equal(v.leaf_port, nx_server_leaf_port(s));

    char probed[32];
    assert_int_equal(nx_probe_server_version(nx_server_url(s), probed, sizeof probed, &err), 0);
    assert_string_equal(probed, v.version);

    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    assert_int_equal(nx_connect(&nc, nx_server_url(s), "monitor-test", &err), 0);
    assert_int_equal(nx_jetstream(&js, nc, NULL, 0, &err), 0);
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, "MON");
    spec.subjects[spec.nsubjects++] = "mon.>";
    assert_int_equal(nx_stream_create(js, &spec, &err), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(js_Publish(NULL, js, "mon.a", "1234", 4, NULL, NULL), NATS_OK);

    nx_jsz *j = malloc(sizeof *j);
    assert_int_equal(nx_monitor_jsz(nx_server_monitor_url(s), j, &err), 0);
    assert_int_equal(j->streams, 1);
    assert_int_equal(j->nstreams, 1);
    assert_string_equal(j->stream[0].name, "MON");
    assert_int_equal(j->stream[0].messages, 4);
    free(j);

    nx_leafz l;
    assert_int_equal(nx_monitor_leafz(nx_server_monitor_url(s), &l, &err), 0);
    assert_int_equal(l.count, 0);
    assert_int_equal(nx_monitor_varz(nx_server_monitor_url(s), &v, &err), 0);
    assert_true(v.in_msgs >= 4);

    char *body = NULL;
    assert_int_equal(nx_http_get(nx_server_monitor_url(s), "/no-such-page", &body, &err), -1);
    assert_non_null(strstr(err.msg, "HTTP status 404"));

    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    int port = nx_server_port(s);
    char url[64];
    snprintf(url, sizeof url, "nats://127.0.0.1:%d", port);
    nx_server_destroy(s);
    assert_int_equal(nx_probe_server_version(url, probed, sizeof probed, &err), -1);
    assert_non_null(strstr(err.msg, "cannot connect"));
    assert_int_equal(nx_monitor_varz("http://127.0.0.1:1", &v, &err), -1);
    /* an address that answers nothing: the probe gives up instead of waiting
     * for the kernel's SYN retries (minutes) */
    int64_t t0 = nx_now_ns();
    assert_int_equal(nx_probe_server_version("nats://192.0.2.1:4222", probed, sizeof probed, &err),
                     -1);
    assert_true(nx_now_ns() - t0 < 10 * 1000000000LL);
    assert_int_equal(dir_entries(tmp), 0);
    rm_rf(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(varz_all_fields),
        cmocka_unit_test(varz_missing_fields),
        cmocka_unit_test(malformed_json_is_an_error),
        cmocka_unit_test(leafz_connections),
        cmocka_unit_test(jsz_streams),
        cmocka_unit_test(info_line),
        cmocka_unit_test(live_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
