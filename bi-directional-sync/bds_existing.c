#include "bds_existing.h"

#include <stdio.h>
#include <string.h>

#include "nx_conn.h"
#include "nx_monitor.h"
#include "nx_stream.h"

/* The JetStream domain a server reports for the account ("" when none). */
static int reported_domain(jsCtx *js, const char *who, char *out, size_t len, nx_err *err)
{
    jsAccountInfo *ai = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_GetAccountInfo(&ai, js, NULL, &jerr);
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "%s: JetStream account info", who);
    snprintf(out, len, "%s", ai->Domain ? ai->Domain : "");
    jsAccountInfo_Destroy(ai);
    return 0;
}

/* The domain to use for one side: the option's, which must match what the
 * server reports when it reports one, else the reported one. */
static int side_domain(jsCtx *js, const char *who, const char *opt, const char *opt_name, char *out,
                       size_t len, nx_err *err)
{
    char reported[64];
    if (reported_domain(js, who, reported, sizeof reported, err) != 0)
        return -1;
    if (opt && reported[0] && strcmp(opt, reported) != 0)
        return nx_fail(err, "%s reports JetStream domain '%s', not '%s' (%s)", who, reported, opt,
                       opt_name);
    if (opt == NULL && reported[0] == '\0')
        return nx_fail(err,
                       "%s reports no JetStream domain: hub and leaf need one each (name it with "
                       "%s when the server does not report it)",
                       who, opt_name);
    snprintf(out, len, "%s", opt ? opt : reported);
    return 0;
}

/* Whether two subject filters can match a common subject. */
static bool overlap(const char *a, const char *b)
{
    for (;;) {
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        if ((la == 1 && a[0] == '>') || (lb == 1 && b[0] == '>'))
            return true;
        bool star = (la == 1 && a[0] == '*') || (lb == 1 && b[0] == '*');
        if (!star && (la != lb || strncmp(a, b, la) != 0))
            return false;
        bool a_end = a[la] == '\0', b_end = b[lb] == '\0';
        if (a_end || b_end)
            return a_end && b_end;
        a += la + 1;
        b += lb + 1;
    }
}

/* The leafnode link joins the two servers' subject spaces: a stream of
 * either side listening on a filter that covers the run's subjects (n.>,
 * say) would store the run's points too. Such a deployment is refused
 * before anything is published. */
static int nobody_listens(jsCtx *js, const char *who, const bds_names *n, nx_err *err)
{
    jsStreamInfoList *list = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_Streams(&list, js, NULL, &jerr);
    if (s == NATS_NOT_FOUND)
        return 0;
    if (s != NATS_OK)
        return nx_nats_fail(err, s, jerr, "%s: listing its streams", who);
    int rc = 0;
    for (int i = 0; i < list->Count && rc == 0; i++) {
        const jsStreamConfig *c = list->List[i]->Config;
        for (int k = 0; c && k < c->SubjectsLen && rc == 0; k++)
            for (int side = 0; side < 2 && rc == 0; side++) {
                char mine[96];
                snprintf(mine, sizeof mine, "n.%s.>", n->token[side]);
                if (overlap(c->Subjects[k], mine))
                    rc = nx_fail(err,
                                 "%s has stream %s on '%s', which would also store this run's "
                                 "points (%s): not running here",
                                 who, c->Name, c->Subjects[k], mine);
            }
    }
    jsStreamInfoList_Destroy(list);
    return rc;
}

int bds_topology_attach(bds_topology *t, const bds_existing_config *cfg, nx_err *err)
{
    memset(t, 0, sizeof *t);
    t->existing = true;
    char hub_domain[64], leaf_domain[64];
    if (nx_probe_server_version(cfg->hub_url, t->version, sizeof t->version, err) != 0)
        return nx_fail_wrap(err, "--hub-url %s: ", cfg->hub_url);
    if (nx_connect(&t->hub_nc, cfg->hub_url, "sync-hub", err) != 0 ||
        nx_connect(&t->leaf_nc, cfg->leaf_url, "sync-leaf", err) != 0 ||
        nx_jetstream(&t->hub_js, t->hub_nc, NULL, 10000, err) != 0 ||
        nx_jetstream(&t->leaf_js, t->leaf_nc, NULL, 10000, err) != 0 ||
        side_domain(t->hub_js, "the hub", cfg->hub_domain, "--hub-domain", hub_domain,
                    sizeof hub_domain, err) != 0 ||
        side_domain(t->leaf_js, "the leaf", cfg->leaf_domain, "--leaf-domain", leaf_domain,
                    sizeof leaf_domain, err) != 0)
        return -1;
    if (strcmp(hub_domain, leaf_domain) == 0)
        return nx_fail(err, "hub and leaf are both in JetStream domain '%s': they need one each",
                       hub_domain);
    /* The leafnode connection must carry the hub's JetStream API. */
    char across[64];
    if (nx_jetstream(&t->leaf_hub_js, t->leaf_nc, hub_domain, 10000, err) != 0 ||
        reported_domain(t->leaf_hub_js, "the hub seen from the leaf", across, sizeof across, err) !=
            0)
        return nx_fail_wrap(err,
                            "the leaf does not reach the hub's JetStream through domain "
                            "'%s' (are they joined by a leafnode connection?): ",
                            hub_domain);
    if (strcmp(across, hub_domain) != 0)
        return nx_fail(err, "through domain '%s' the leaf reaches a JetStream of domain '%s'",
                       hub_domain, across);
    bds_names_scoped(&t->names, hub_domain, leaf_domain);
    if (nobody_listens(t->hub_js, "the hub", &t->names, err) != 0 ||
        nobody_listens(t->leaf_js, "the leaf", &t->names, err) != 0) {
        t->names.prefix[0] = '\0'; /* nothing of the run's to delete */
        return -1;
    }
    return 0;
}

static void delete_prefixed(jsCtx *js, const char *who, const char *prefix)
{
    jsStreamNamesList *names = NULL;
    jsErrCode jerr = 0;
    natsStatus s = js_StreamNames(&names, js, NULL, &jerr);
    if (s != NATS_OK) {
        if (s != NATS_NOT_FOUND)
            fprintf(stderr, "warning: listing the streams on %s to delete the run's: %s\n", who,
                    natsStatus_GetText(s));
        return;
    }
    size_t plen = strlen(prefix);
    for (int i = 0; i < names->Count; i++) {
        nx_err e;
        if (strncmp(names->List[i], prefix, plen) == 0 &&
            nx_stream_delete(js, names->List[i], true, &e) != 0)
            fprintf(stderr, "warning: %s\n", e.msg);
    }
    jsStreamNamesList_Destroy(names);
}

void bds_existing_cleanup(bds_topology *t)
{
    /* An empty prefix would match everything: only ever a scoped run's. */
    if (!t->existing || t->names.prefix[0] == '\0')
        return;
    if (t->leaf_js)
        delete_prefixed(t->leaf_js, "the leaf", t->names.prefix);
    if (t->hub_js)
        delete_prefixed(t->hub_js, "the hub", t->names.prefix);
}
