/* The one-round-trip reads against a real server: pipelined direct gets
 * (every version) and multi get (2.11+, skipped on older servers), on a
 * stream and on a KV bucket; a missing prop, a deleted key, a node without
 * subjects, and the answers that must fail a read (one for another subject,
 * one left over from an earlier read). Runs on the server NATS_SERVER names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "live_server.h"
#include "nx_stream.h"
#include "nx_version.h"
#include "ps_fast.h"
#include "ps_onetrip.h"

#define STREAM "NODES"
#define BUCKET "POINTS"

typedef struct fixture {
    live_server *live;
    ps_fast *fast;
    kvStore *kv;
    ps_reader r;
    const char *props[3];
    bool multi;
} fixture;

static void put(fixture *f, const char *subject, const char *data)
{
    uint8_t buf[64];
    nx_point p = {.time_ns = nx_wall_ns(),
                  .origin = "t",
                  .origin_len = 1,
                  .data = (const uint8_t *)data,
                  .data_len = strlen(data)};
    size_t n = nx_point_encode(&p, buf, sizeof buf);
    assert_true(n > 0);
    jsErrCode jerr = 0;
    assert_int_equal(js_Publish(NULL, f->live->js, subject, buf, (int)n, NULL, &jerr), NATS_OK);
}

static int up(void **state)
{
    static fixture f;
    memset(&f, 0, sizeof f);
    f.live = live_server_up("onetrip-test");
    if (f.live == NULL)
        return -1;
    nx_err err = {{0}};
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, STREAM);
    spec.subjects[spec.nsubjects++] = "n.>";
    spec.allow_direct = true;
    kvConfig kc;
    kvConfig_Init(&kc);
    kc.Bucket = BUCKET;
    if (nx_stream_create(f.live->js, &spec, &err) != 0 ||
        js_CreateKeyValue(&f.kv, f.live->js, &kc) != NATS_OK ||
        ps_fast_open(&f.fast, nx_server_url(f.live->s), &err) != 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    f.props[0] = "a";
    f.props[1] = "b";
    f.props[2] = "never";
    f.r = (ps_reader){.nc = f.live->nc,
                      .js = f.live->js,
                      .stream = STREAM,
                      .kv = f.kv,
                      .props = f.props,
                      .nprops = 3,
                      .bucket = BUCKET,
                      .fast = f.fast};
    f.multi = nx_version_has(nx_server_version(f.live->s), NX_FEAT_MULTI_GET);
    put(&f, "n.x.a", "old");
    put(&f, "n.x.a", "new");
    put(&f, "n.x.b", "bee");
    put(&f, "n.y.a", "other node");
    put(&f, "$KV." BUCKET ".x.a", "kv a");
    put(&f, "$KV." BUCKET ".x.b", "kv b");
    if (kvStore_Delete(f.kv, "x.b") != NATS_OK)
        return -1;
    *state = &f;
    return 0;
}

static int down(void **state)
{
    fixture *f = *state;
    ps_fast_close(f->fast);
    kvStore_Destroy(f->kv);
    return live_server_down(f->live);
}

static void expect_prop(const ps_state *s, const char *prop, const char *data)
{
    const ps_head *h = ps_state_get(s, prop);
    assert_non_null(h);
    assert_int_equal(h->point.data_len, strlen(data));
    assert_memory_equal(h->point.data, data, strlen(data));
}

typedef int (*read_fn)(const ps_reader *, bool, const char *, ps_state *, nx_err *);

static void read_ok(fixture *f, read_fn fn, bool kv, const char *node, ps_state *s)
{
    nx_err err = {{0}};
    ps_state_clear(s);
    int rc = fn(&f->r, kv, node, s, &err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
}

static void stream_heads(fixture *f, read_fn fn)
{
    ps_state s;
    ps_state_init(&s);
    read_ok(f, fn, false, "x", &s);
    assert_int_equal(ps_state_live(&s), 2); /* "never" was never written */
    expect_prop(&s, "a", "new");
    expect_prop(&s, "b", "bee");
    read_ok(f, fn, false, "nobody", &s); /* no subject at all */
    assert_int_equal(ps_state_live(&s), 0);
    read_ok(f, fn, false, "x", &s); /* nothing left over from the empty read */
    assert_int_equal(ps_state_live(&s), 2);
    ps_state_free(&s);
}

static void kv_keys(fixture *f, read_fn fn)
{
    ps_state s;
    ps_state_init(&s);
    read_ok(f, fn, true, "x", &s);
    assert_int_equal(ps_state_live(&s), 1); /* x.b was deleted */
    expect_prop(&s, "a", "kv a");
    ps_state_free(&s);
}

static void pipelined_stream(void **state)
{
    stream_heads(*state, ps_read_pipelined);
}

static void pipelined_kv(void **state)
{
    kv_keys(*state, ps_read_pipelined);
}

static void multi_stream(void **state)
{
    fixture *f = *state;
    if (!f->multi)
        skip();
    stream_heads(f, ps_read_multi);
}

static void multi_kv(void **state)
{
    fixture *f = *state;
    if (!f->multi)
        skip();
    kv_keys(f, ps_read_multi);
}

/* A direct get for subject answered to reply, sent before a read. */
static void plant(fixture *f, const char *subject, uint64_t gen, long index)
{
    char reply[256], body[128];
    nx_err err = {{0}};
    assert_int_equal(ps_fast_reply(f->fast, gen, index, reply, sizeof reply, &err), 0);
    snprintf(body, sizeof body, "{\"last_by_subj\":\"%s\"}", subject);
    assert_int_equal(
        natsConnection_PublishRequestString(f->fast->nc, "$JS.API.DIRECT.GET." STREAM, reply, body),
        NATS_OK);
    assert_int_equal(natsConnection_Flush(f->fast->nc), NATS_OK);
    usleep(50000); /* the planted answer is queued before the read starts */
}

static void read_fails(fixture *f, read_fn fn, const char *want)
{
    ps_state s;
    ps_state_init(&s);
    nx_err err = {{0}};
    assert_int_equal(fn(&f->r, false, "x", &s, &err), -1);
    if (strstr(err.msg, want) == NULL)
        fprintf(stderr, "error: %s\nwanted: %s\n", err.msg, want);
    assert_non_null(strstr(err.msg, want));
    ps_state_free(&s);
    usleep(100000); /* let the read's own answers arrive, then drop them */
    natsMsg *m = NULL;
    while (natsSubscription_NextMsg(&m, f->fast->sub, 10) == NATS_OK)
        natsMsg_Destroy(m);
}

static void answer_for_another_subject_fails(void **state)
{
    fixture *f = *state;
    /* The next read is generation gen + 1; its request 0 asks for n.x.a. */
    plant(f, "n.x.b", f->fast->gen + 1, 0);
    read_fails(f, ps_read_pipelined, "the answer to the request for n.x.a is for n.x.b");
}

static void answer_of_an_earlier_read_fails(void **state)
{
    fixture *f = *state;
    plant(f, "n.x.a", f->fast->gen, 0);
    read_fails(f, ps_read_pipelined, "an extra answer");
    if (f->multi) {
        plant(f, "n.x.a", f->fast->gen, 0);
        read_fails(f, ps_read_multi, "an extra answer");
    }
}

static void second_answer_fails(void **state)
{
    fixture *f = *state;
    plant(f, "n.x.a", f->fast->gen + 1, 0);
    read_fails(f, ps_read_pipelined, "a second answer to the request for n.x.a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipelined_stream),
        cmocka_unit_test(pipelined_kv),
        cmocka_unit_test(multi_stream),
        cmocka_unit_test(multi_kv),
        cmocka_unit_test(answer_for_another_subject_fails),
        cmocka_unit_test(answer_of_an_earlier_read_fails),
        cmocka_unit_test(second_answer_fails),
    };
    return cmocka_run_group_tests(tests, up, down);
}
