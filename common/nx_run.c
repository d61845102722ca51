#include "nx_run.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nx_conn.h"
#include "nx_monitor.h"
#include "nx_stream.h"
#include "nx_subject.h"

static int start_deployment(nx_run *run, const char *experiment, nx_err *err)
{
    const nx_opts *o = &run->opts;
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    cfg.binary = o->nats_server;
    cfg.keep = o->keep;
    if (o->url) {
        snprintf(run->urls, sizeof run->urls, "%s", o->url);
        if (nx_probe_server_version(o->url, run->server_version, sizeof run->server_version, err) !=
            0)
            return nx_fail_wrap(err, "--url %s: ", o->url);
        /* Unique per run, so streams and subjects never collide with what
         * the deployment already holds. */
        snprintf(run->scope_buf, sizeof run->scope_buf, "r%ld%ld", (long)getpid(),
                 (long)(time(NULL) % 100000));
        run->scope = run->scope_buf;
        return 0;
    }
    if (o->cluster == 3) {
        if (nx_cluster_start(&run->cluster, 3, experiment, &cfg, err) != 0)
            return -1;
        snprintf(run->urls, sizeof run->urls, "%s", run->cluster.urls);
        snprintf(run->server_version, sizeof run->server_version, "%s",
                 nx_server_version(run->cluster.node[0]));
        return 0;
    }
    if (nx_server_start(&run->server, &cfg, err) != 0)
        return -1;
    snprintf(run->urls, sizeof run->urls, "%s", nx_server_url(run->server));
    snprintf(run->server_version, sizeof run->server_version, "%s", nx_server_version(run->server));
    return 0;
}

int nx_run_open(nx_run *run, const char *experiment, const nx_opts *opts, nx_err *err)
{
    memset(run, 0, sizeof *run);
    run->opts = *opts;
    if (opts->replicas > 1 && opts->cluster < opts->replicas && opts->url == NULL)
        return nx_fail(err, "--replicas %ld needs a cluster: add --cluster 3 or --url to one",
                       opts->replicas);
    if (opts->url && opts->cluster)
        return nx_fail(err, "--url and --cluster exclude each other");
    if (nx_results_open(&run->results, opts->no_csv ? NULL : opts->results_dir, experiment, err) !=
        0)
        return -1;
    if (start_deployment(run, experiment, err) != 0 ||
        nx_connect(&run->nc, run->urls, experiment, err) != 0 ||
        nx_jetstream(&run->js, run->nc, NULL, 10000, err) != 0) {
        nx_run_close(run);
        return -1;
    }
    nx_results_set_server_version(run->results, run->server_version);
    return 0;
}

void nx_run_close(nx_run *run)
{
    for (int i = 0; i < run->ncreated && run->js; i++) {
        nx_err err;
        if (nx_stream_delete(run->js, run->created[i], true, &err) != 0)
            fprintf(stderr, "warning: %s\n", err.msg);
    }
    run->ncreated = 0;
    if (run->js)
        jsCtx_Destroy(run->js);
    if (run->nc)
        natsConnection_Destroy(run->nc);
    run->js = NULL;
    run->nc = NULL;
    nx_cluster_destroy(&run->cluster);
    nx_server_destroy(run->server);
    run->server = NULL;
    nx_results_close(run->results);
    run->results = NULL;
}

const char *nx_run_stream_name(nx_run *run, const char *base, char *buf, size_t len)
{
    if (run->scope == NULL) {
        snprintf(buf, len, "%s", base);
        return buf;
    }
    snprintf(buf, len, "%s_%s", run->scope, base);
    bool known = false;
    for (int i = 0; i < run->ncreated; i++)
        known |= strcmp(run->created[i], buf) == 0;
    if (!known && run->ncreated < NX_RUN_STREAMS_MAX)
        snprintf(run->created[run->ncreated++], sizeof run->created[0], "%s", buf);
    return buf;
}

const char *nx_run_subjects(const nx_run *run, char *buf, size_t len)
{
    if (run->scope)
        snprintf(buf, len, "n.%s.>", run->scope);
    else
        snprintf(buf, len, "n.>");
    return buf;
}

int nx_run_subject(const nx_run *run, const char *node, const char *prop, char *buf, size_t len,
                   nx_err *err)
{
    return nx_subject_build(buf, len, run->scope, node, prop, err);
}

bool nx_run_takes_r3(nx_run *run, char *why, size_t len)
{
    char name[64], subject[96];
    nx_run_stream_name(run, "R3PROBE", name, sizeof name);
    snprintf(subject, sizeof subject, "n.%s.r3probe", run->scope);
    const char *subjects[1] = {subject};
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = name;
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_MemoryStorage;
    cfg.Replicas = 3;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_AddStream(&si, run->js, &cfg, NULL, &jerr);
    jsStreamInfo_Destroy(si);
    if (s != NATS_OK) {
        nx_err e;
        nx_nats_fail(&e, s, jerr, "the deployment refused an R3 stream");
        snprintf(why, len, "%s", e.msg);
        return false;
    }
    nx_err ignore;
    nx_stream_delete(run->js, name, true, &ignore);
    return true;
}
