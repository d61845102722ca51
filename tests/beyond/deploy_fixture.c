/* An "existing deployment" for the runs that use one (--url, --hub-url and
 * --leaf-url): it spawns the servers itself, puts streams and a durable
 * consumer of its own on them (what someone else's data would be), runs the
 * command under test against them, and then checks that the deployment is
 * as it found it: the same streams and no others, the same messages byte
 * for byte, the same consumer state, the same stream and consumer counts on
 * every server's /jsz.
 *
 *   deploy_fixture single|cluster|hubleaf|hubleaf-wide -- PROGRAM [ARGS...]
 *
 * In ARGS, @URLS@ becomes the deployment's client URLs (single, cluster),
 * @HUB@ and @LEAF@ the hub's and the leaf's (hubleaf: two servers with
 * JetStream domains "cloud" and "edge", the edge one a leaf of the other;
 * hubleaf-wide gives the leaf a stream on all of n.>, which a run must
 * refuse to publish under).
 * Exit status: the command's, when the deployment is unchanged; 99 with one
 * line saying what changed otherwise; 98 when the fixture itself failed. */
#include <nats/nats.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nx_cluster.h"
#include "nx_conn.h"
#include "nx_monitor.h"
#include "nx_server.h"
#include "nx_stream.h"
#include "nx_wait.h"

#define EXIT_CHANGED 99
#define EXIT_FIXTURE 98
#define PRE_MSGS 100
#define PRE_ACKED 10
#define SIDES_MAX 2
#define SERVERS_MAX 3

#define NPRE 2
#define PRE_CONSUMER "PRECON"

typedef struct snapshot {
    nx_stream_state stream[NPRE];
    uint64_t delivered, ack_floor, pending;
    int64_t ack_pending;
    int64_t jsz_streams[SERVERS_MAX], jsz_consumers[SERVERS_MAX];
} snapshot;

/* One side of the deployment: the cluster or single server, or the hub or
 * the leaf. Its streams are PRE (the consumer's) and a second one in the
 * suite's own n.> subject space; the two sides of a hub and leaf use
 * distinct subjects, since the leafnode link joins their subject spaces. */
typedef struct side {
    const char *label;
    const char *stream[NPRE];
    char subjects[NPRE][32];
    char urls[NX_CLUSTER_MAX * 40];
    const char *monitor[SERVERS_MAX];
    int nservers;
    int replicas;
    natsConnection *nc;
    jsCtx *js;
    snapshot before;
} side;

typedef struct deployment {
    nx_cluster cluster;
    nx_server *single, *hub, *leaf;
    side sides[SIDES_MAX];
    int nsides;
} deployment;

static int fixture_fail(const char *what, const nx_err *err)
{
    fprintf(stderr, "deploy_fixture: %s%s%s\n", what, err ? ": " : "", err ? err->msg : "");
    return -1;
}

static void set_streams(side *s, const char *second, const char *first_subjects,
                        const char *second_subjects)
{
    s->stream[0] = "PRE";
    s->stream[1] = second;
    snprintf(s->subjects[0], sizeof s->subjects[0], "%s", first_subjects);
    snprintf(s->subjects[1], sizeof s->subjects[1], "%s", second_subjects);
}

static int start(deployment *d, const char *kind, nx_err *err)
{
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    if (strcmp(kind, "cluster") == 0) {
        if (nx_cluster_start(&d->cluster, 3, "existing", &cfg, err) != 0)
            return -1;
        side *s = &d->sides[d->nsides++];
        *s = (side){.label = "the cluster", .nservers = 3, .replicas = 3};
        set_streams(s, "PREN", "pre.>", "n.pre.>");
        snprintf(s->urls, sizeof s->urls, "%s", d->cluster.urls);
        for (int i = 0; i < 3; i++)
            s->monitor[i] = nx_server_monitor_url(d->cluster.node[i]);
        return 0;
    }
    if (strcmp(kind, "single") == 0) {
        if (nx_server_start(&d->single, &cfg, err) != 0)
            return -1;
        side *s = &d->sides[d->nsides++];
        *s = (side){.label = "the server", .nservers = 1, .replicas = 1};
        set_streams(s, "PREN", "pre.>", "n.pre.>");
        snprintf(s->urls, sizeof s->urls, "%s", nx_server_url(d->single));
        s->monitor[0] = nx_server_monitor_url(d->single);
        return 0;
    }
    cfg.name = "cloud";
    cfg.domain = "cloud";
    cfg.leaf_listen = true;
    if (nx_server_start(&d->hub, &cfg, err) != 0)
        return -1;
    char remote[64];
    snprintf(remote, sizeof remote, "nats-leaf://127.0.0.1:%d", nx_server_leaf_port(d->hub));
    nx_server_config_init(&cfg);
    cfg.name = "edge";
    cfg.domain = "edge";
    cfg.leaf_remote = remote;
    if (nx_server_start(&d->leaf, &cfg, err) != 0)
        return -1;
    nx_server *both[2] = {d->hub, d->leaf};
    const char *labels[2] = {"the hub", "the leaf"};
    for (int i = 0; i < 2; i++) {
        side *s = &d->sides[d->nsides++];
        *s = (side){.label = labels[i], .nservers = 1, .replicas = 1};
        if (i == 0)
            set_streams(s, "PREN", "pre.hub.>", "n.prehub.>");
        else if (strcmp(kind, "hubleaf-wide") == 0)
            /* A leaf stream over all of n.>: the run must refuse to publish. */
            set_streams(s, "WIDE", "pre.leaf.>", "n.>");
        else
            set_streams(s, "PREN", "pre.leaf.>", "n.preleaf.>");
        snprintf(s->urls, sizeof s->urls, "%s", nx_server_url(both[i]));
        s->monitor[0] = nx_server_monitor_url(both[i]);
    }
    /* The leafnode connection is part of the deployment being handed over. */
    for (int waited = 0; waited < 10000; waited += 20) {
        nx_leafz l;
        if (nx_monitor_leafz(nx_server_monitor_url(d->hub), &l, err) == 0 && l.count == 1)
            return 0;
        nx_sleep_ms(20);
    }
    return nx_fail(err, "the leaf did not join the hub within 10 s");
}

static int seed_side(side *s, nx_err *err)
{
    if (nx_connect(&s->nc, s->urls, "deploy-fixture", err) != 0 ||
        nx_jetstream(&s->js, s->nc, NULL, 10000, err) != 0)
        return -1;
    for (int k = 0; k < NPRE; k++) {
        nx_stream_spec spec;
        nx_stream_spec_init(&spec, s->stream[k]);
        spec.subjects[spec.nsubjects++] = s->subjects[k];
        spec.replicas = s->replicas;
        if (nx_stream_create(s->js, &spec, err) != 0)
            return -1;
        for (int i = 0; i < PRE_MSGS; i++) {
            char subject[40], data[32];
            snprintf(subject, sizeof subject, "%.*s.%d", (int)strlen(s->subjects[k]) - 2,
                     s->subjects[k], i % 7);
            snprintf(data, sizeof data, "pre-%d-%d", k, i);
            jsErrCode jerr = 0;
            natsStatus st = js_Publish(NULL, s->js, subject, data, (int)strlen(data), NULL, &jerr);
            if (st != NATS_OK)
                return nx_nats_fail(err, st, jerr, "publishing to %s", s->stream[k]);
        }
    }
    /* A durable consumer part way through, as someone's reader would be. */
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = PRE_CONSUMER;
    cc.AckPolicy = js_AckExplicit;
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = "PRE";
    so.Config = cc;
    natsSubscription *sub = NULL;
    jsErrCode jerr = 0;
    natsStatus st = js_PullSubscribe(&sub, s->js, s->subjects[0], PRE_CONSUMER, NULL, &so, &jerr);
    natsMsgList list = {0};
    if (st == NATS_OK)
        st = natsSubscription_Fetch(&list, sub, PRE_ACKED, 5000, &jerr);
    for (int i = 0; st == NATS_OK && i < list.Count; i++)
        st = natsMsg_AckSync(list.Msgs[i], NULL, &jerr);
    natsMsgList_Destroy(&list);
    /* Unbinding keeps the durable (Unsubscribe would delete it). */
    if (sub)
        natsSubscription_Destroy(sub);
    if (st != NATS_OK)
        return nx_nats_fail(err, st, jerr, "consumer %s on PRE", PRE_CONSUMER);
    return 0;
}

static int take_snapshot(side *s, snapshot *out, nx_err *err)
{
    memset(out, 0, sizeof *out);
    for (int k = 0; k < NPRE; k++)
        if (nx_stream_state_get(s->js, s->stream[k], &out->stream[k], err) != 0)
            return -1;
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    natsStatus st = js_GetConsumerInfo(&ci, s->js, "PRE", PRE_CONSUMER, NULL, &jerr);
    if (st != NATS_OK)
        return nx_nats_fail(err, st, jerr, "consumer %s", PRE_CONSUMER);
    out->delivered = ci->Delivered.Stream;
    out->ack_floor = ci->AckFloor.Stream;
    out->pending = ci->NumPending;
    out->ack_pending = ci->NumAckPending;
    jsConsumerInfo_Destroy(ci);
    nx_jsz *jsz = malloc(sizeof *jsz);
    if (jsz == NULL)
        return nx_fail(err, "out of memory");
    int rc = 0;
    for (int i = 0; i < s->nservers && rc == 0; i++) {
        rc = nx_monitor_jsz(s->monitor[i], jsz, err);
        out->jsz_streams[i] = jsz->streams;
        out->jsz_consumers[i] = jsz->consumers;
    }
    free(jsz);
    return rc;
}

/* What differs between two snapshots, or "" when nothing does. */
static void compare(const side *s, const snapshot *a, const snapshot *b, char *why, size_t len)
{
    why[0] = '\0';
    for (int k = 0; k < NPRE && !why[0]; k++)
        if (memcmp(&a->stream[k], &b->stream[k], sizeof a->stream[k]) != 0)
            snprintf(why, len,
                     "%s: stream %s went from %llu msgs (seq %llu..%llu, %lld consumers) to %llu "
                     "(seq %llu..%llu, %lld consumers)",
                     s->label, s->stream[k], (unsigned long long)a->stream[k].msgs,
                     (unsigned long long)a->stream[k].first_seq,
                     (unsigned long long)a->stream[k].last_seq, (long long)a->stream[k].consumers,
                     (unsigned long long)b->stream[k].msgs,
                     (unsigned long long)b->stream[k].first_seq,
                     (unsigned long long)b->stream[k].last_seq, (long long)b->stream[k].consumers);
    if (!why[0] && (a->delivered != b->delivered || a->ack_floor != b->ack_floor ||
                    a->pending != b->pending || a->ack_pending != b->ack_pending))
        snprintf(why, len, "%s: consumer %s moved (delivered %llu -> %llu, ack floor %llu -> %llu)",
                 s->label, PRE_CONSUMER, (unsigned long long)a->delivered,
                 (unsigned long long)b->delivered, (unsigned long long)a->ack_floor,
                 (unsigned long long)b->ack_floor);
    for (int i = 0; i < s->nservers && !why[0]; i++)
        if (a->jsz_streams[i] != b->jsz_streams[i] || a->jsz_consumers[i] != b->jsz_consumers[i])
            snprintf(why, len,
                     "%s: %s/jsz counts %lld streams and %lld consumers, %lld and %lld before",
                     s->label, s->monitor[i], (long long)b->jsz_streams[i],
                     (long long)b->jsz_consumers[i], (long long)a->jsz_streams[i],
                     (long long)a->jsz_consumers[i]);
}

/* The streams the side holds must be exactly the fixture's. */
static void only_ours(const side *s, char *why, size_t len)
{
    jsStreamNamesList *names = NULL;
    jsErrCode jerr = 0;
    natsStatus st = js_StreamNames(&names, s->js, NULL, &jerr);
    if (st != NATS_OK && st != NATS_NOT_FOUND) {
        snprintf(why, len, "%s: listing streams: %s", s->label, natsStatus_GetText(st));
        return;
    }
    int count = names ? names->Count : 0;
    for (int i = 0; i < count && !why[0]; i++) {
        bool ours = false;
        for (int k = 0; k < NPRE; k++)
            ours |= strcmp(names->List[i], s->stream[k]) == 0;
        if (!ours)
            snprintf(why, len, "%s: stream %s was left behind", s->label, names->List[i]);
    }
    if (!why[0] && count != NPRE)
        snprintf(why, len, "%s holds %d streams, the fixture made %d", s->label, count, NPRE);
    jsStreamNamesList_Destroy(names);
}

/* Every message of the fixture's streams, byte for byte. */
static void same_messages(const side *s, char *why, size_t len)
{
    for (int k = 0; k < NPRE && !why[0]; k++)
        for (int i = 0; i < PRE_MSGS && !why[0]; i++) {
            natsMsg *m = NULL;
            jsErrCode jerr = 0;
            natsStatus st = js_GetMsg(&m, s->js, s->stream[k], (uint64_t)i + 1, NULL, &jerr);
            char want[32];
            snprintf(want, sizeof want, "pre-%d-%d", k, i);
            if (st != NATS_OK)
                snprintf(why, len, "%s: %s message %d: %s", s->label, s->stream[k], i + 1,
                         natsStatus_GetText(st));
            else if ((size_t)natsMsg_GetDataLength(m) != strlen(want) ||
                     memcmp(natsMsg_GetData(m), want, strlen(want)) != 0)
                snprintf(why, len, "%s: %s message %d changed", s->label, s->stream[k], i + 1);
            natsMsg_Destroy(m);
        }
}

static char *substitute(const char *arg, const deployment *d)
{
    const char *keys[3] = {"@URLS@", "@HUB@", "@LEAF@"};
    const char *vals[3] = {d->sides[0].urls, d->sides[0].urls,
                           d->nsides > 1 ? d->sides[1].urls : ""};
    for (int i = 0; i < 3; i++) {
        const char *at = strstr(arg, keys[i]);
        if (at == NULL)
            continue;
        size_t n = strlen(arg) - strlen(keys[i]) + strlen(vals[i]) + 1;
        char *out = malloc(n);
        if (out)
            snprintf(out, n, "%.*s%s%s", (int)(at - arg), arg, vals[i], at + strlen(keys[i]));
        return out;
    }
    return strdup(arg);
}

static int run_child(char **argv, const deployment *d)
{
    int n = 0;
    while (argv[n])
        n++;
    char **args = calloc((size_t)n + 1, sizeof *args);
    if (args == NULL)
        return -1;
    for (int i = 0; i < n; i++)
        args[i] = substitute(argv[i], d);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execv(args[0], args);
        fprintf(stderr, "deploy_fixture: cannot run %s\n", args[0]);
        _exit(127);
    }
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0)
        ;
    for (int i = 0; i < n; i++)
        free(args[i]);
    free(args);
    if (pid < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void teardown(deployment *d)
{
    for (int i = 0; i < d->nsides; i++) {
        if (d->sides[i].js)
            jsCtx_Destroy(d->sides[i].js);
        if (d->sides[i].nc)
            natsConnection_Destroy(d->sides[i].nc);
    }
    nx_cluster_destroy(&d->cluster);
    nx_server_destroy(d->leaf);
    nx_server_destroy(d->hub);
    nx_server_destroy(d->single);
}

int main(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[2], "--") != 0 ||
        (strcmp(argv[1], "single") && strcmp(argv[1], "cluster") && strcmp(argv[1], "hubleaf") &&
         strcmp(argv[1], "hubleaf-wide"))) {
        fprintf(stderr,
                "usage: deploy_fixture single|cluster|hubleaf|hubleaf-wide -- PROGRAM [ARGS...]\n");
        return 2;
    }
    deployment d;
    memset(&d, 0, sizeof d);
    nx_err err = {{0}};
    int rc = start(&d, argv[1], &err) == 0 ? 0 : fixture_fail("starting the deployment", &err);
    /* Every side seeded before any snapshot: across a leafnode link one
     * side's publishes can reach the other's streams. */
    for (int i = 0; rc == 0 && i < d.nsides; i++)
        if (seed_side(&d.sides[i], &err) != 0)
            rc = fixture_fail(d.sides[i].label, &err);
    for (int i = 0; rc == 0 && i < d.nsides; i++)
        if (take_snapshot(&d.sides[i], &d.sides[i].before, &err) != 0)
            rc = fixture_fail(d.sides[i].label, &err);
    int child = rc == 0 ? run_child(argv + 3, &d) : -1;
    if (rc == 0 && child < 0)
        rc = fixture_fail("cannot start the command", NULL);
    char why[512] = "";
    for (int i = 0; rc == 0 && i < d.nsides && !why[0]; i++) {
        side *s = &d.sides[i];
        snapshot after;
        if (take_snapshot(s, &after, &err) != 0) {
            snprintf(why, sizeof why, "%s: %s", s->label, err.msg);
            break;
        }
        only_ours(s, why, sizeof why);
        if (!why[0])
            compare(s, &s->before, &after, why, sizeof why);
        if (!why[0])
            same_messages(s, why, sizeof why);
    }
    teardown(&d);
    nats_Close();
    if (rc != 0)
        return EXIT_FIXTURE;
    if (why[0]) {
        fprintf(stderr, "deploy_fixture: the deployment changed: %s\n", why);
        return EXIT_CHANGED;
    }
    printf("deploy_fixture: %s unchanged (%d streams, consumer %s, %d messages each checked)\n",
           argv[1], NPRE * d.nsides, PRE_CONSUMER, PRE_MSGS);
    return child;
}
