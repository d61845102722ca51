/* The binary against real spawned servers: `--quick` must pass with every
 * row verified, each injected fault must fail with exit 1 and one line
 * naming what differed, bad usage exits 2, and no nats-server or temp dir
 * outlives any of these runs.
 *
 *   test_run <binary> quick|faults|paced|usage|fleet */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "csv_row.h"
#include "proc_util.h"

static const char *binary;
static const char *servers_tmp; /* TMPDIR of the spawned servers */

/* Longer than any run here takes (a paced run is about a minute). */
#define RUN_TIMEOUT_S 600

typedef struct outcome {
    int status;
    char *out, *err;
    char results[128];
} outcome;

/* The results dir of the run in progress: a failed check leaves its test
 * at once, and the test's teardown removes the dir instead of done(). */
static char pending_results[128];

/* Runs the binary with args plus --results <fresh dir>; captures output. */
static void run(outcome *o, const char *const *args)
{
    memset(o, 0, sizeof *o);
    snprintf(o->results, sizeof o->results, "/tmp/nx-sync-results-XXXXXX");
    assert_non_null(mkdtemp(o->results));
    snprintf(pending_results, sizeof pending_results, "%s", o->results);
    char out_path[192], err_path[192];
    snprintf(out_path, sizeof out_path, "%s/stdout", o->results);
    snprintf(err_path, sizeof err_path, "%s/stderr", o->results);
    const char *argv[32];
    int n = 0;
    argv[n++] = binary;
    for (; args[n - 1] && n < 28; n++)
        argv[n] = args[n - 1];
    argv[n++] = "--results";
    argv[n++] = o->results;
    argv[n] = NULL;
    o->status = proc_run_captured(argv, out_path, err_path, RUN_TIMEOUT_S);
    if (o->status < 0)
        fail_msg("%s did not finish within %d s", binary, RUN_TIMEOUT_S);
    o->out = proc_slurp(out_path);
    o->err = proc_slurp(err_path);
    /* The janitor of the run is reparented to us; it must finish and leave
     * no server and no server dir behind. */
    assert_int_equal(proc_children_alive(15000, 0), 0);
    assert_int_equal(dir_entries(servers_tmp), 0);
}

static void done(outcome *o)
{
    free(o->out);
    free(o->err);
    rm_rf(o->results);
    pending_results[0] = '\0';
}

static int remove_pending_results(void **state)
{
    (void)state;
    if (pending_results[0])
        rm_rf(pending_results);
    pending_results[0] = '\0';
    return 0;
}

/* Rows that only derive figures (idle link bytes, the link budget) must not
 * claim a data check; every other row must have made one. */
static void check_verified(char *const *fields, const char *line)
{
    bool derived =
        strcmp(fields[CSV_OP], "link_idle") == 0 || strcmp(fields[CSV_OP], "link_budget") == 0;
    if (strcmp(fields[CSV_VERIFIED], derived ? "no" : "yes") != 0)
        fail_msg("verified should be %s: %s", derived ? "no" : "yes", line);
    if (derived && strstr(fields[CSV_NOTE], "derived, not a data check") == NULL)
        fail_msg("a derived row's note does not say so: %s", line);
}

/* A sync row's rate is its count over its seconds, and payload_bytes is
 * --payload (16 by default), not the encoded point. */
static void check_sync_row(char *const *fields, const char *line)
{
    if (strncmp(fields[CSV_OP], "sync_", 5) != 0 || strcmp(fields[CSV_OP], "sync_setup") == 0)
        return;
    assert_string_equal(fields[CSV_PAYLOAD], "16");
    double count = strtod(fields[CSV_COUNT], NULL), secs = strtod(fields[CSV_SECONDS], NULL);
    double rate = strtod(fields[CSV_RATE], NULL);
    /* the CSV writes rates to a tenth */
    if (secs <= 0 || rate <= 0 || fabs(rate - count / secs) > 0.051)
        fail_msg("rate is not count / seconds: %s", line);
}

static void quick_run_verifies_every_step(void **state)
{
    (void)state;
    outcome o;
    const char *args[] = {"--quick", NULL};
    run(&o, args);
    if (o.status != 0)
        fail_msg("exit %d: %s", o.status, o.err);
    const char *steps[] = {"Step 1:",
                           "Step 2:",
                           "Step 3:",
                           "Step 4:",
                           "Step 5:",
                           "Node 789",
                           "Catch-up after an outage",
                           "Sync with 2 sourced",
                           "Sync with 6 sourced",
                           "Leaf SIGKILLed in the middle of a sync, round 1 of 1",
                           "Link round trip +100 ms",
                           "Link cut for 1 s every 3 s, 1 times, a point each way every 25 ms",
                           "Measurements (this run)",
                           "all checks passed",
                           "leaf NODES-HUB holds                                     12  [12 13 14 "
                           "15 16 17 18 19 20 21 22 23]",
                           "hub NODES-LEAF holds                                     10  [22 23 24 "
                           "25 26 27 28 29 30 31]"};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (strstr(o.out, steps[i]) == NULL)
            fail_msg("stdout lacks '%s':\n%s", steps[i], o.out);
    /* 2.9 prints one line for the compression section and writes no row;
     * 2.10+ measures s2_best and s2_auto (also behind the delay). */
    bool compression = strstr(o.out, "leafnode compression needs nats-server >= 2.10") == NULL;
    if (compression &&
        strstr(o.out, "Leafnode compression s2_auto, link round trip 100 ms") == NULL)
        fail_msg("stdout has neither the compression section nor its one line:\n%s", o.out);

    char path[192];
    snprintf(path, sizeof path, "%s/bi-directional-sync.csv", o.results);
    char *csv = proc_slurp(path);
    const char *ops[] = {"seed_scenario",    "state_merge",        "catchup_after_outage",
                         "sync_setup",       "link_idle",          "sync_hub_to_leaf",
                         "sync_leaf_to_hub", "link_bytes_per_msg", "link_budget",
                         "crash_recovery",   "link_dropout"};
    int seen[sizeof ops / sizeof *ops] = {0};
    int rows = 0;
    static csv_row row;
    char *const *fields = row.f;
    for (char *line = strtok(csv, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "run_id,", 7) == 0)
            continue;
        int n = csv_row_split(&row, line);
        if (n != CSV_NCOLS)
            fail_msg("a row with %d fields: %s", n, line);
        rows++;
        check_verified(fields, line);
        check_sync_row(fields, line);
        if (strcmp(fields[CSV_OP], "sync_setup") == 0)
            assert_string_equal(fields[CSV_RATE], "");
        for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
            seen[i] += strcmp(fields[CSV_OP], ops[i]) == 0;
        if (strcmp(fields[CSV_OP], "link_bytes_per_msg") == 0 ||
            strcmp(fields[CSV_OP], "link_idle") == 0)
            assert_non_null(strstr(fields[CSV_NOTE], "relay"));
        /* the delayed link's one-by-one run is shorter */
        if (strcmp(fields[CSV_OP], "sync_hub_to_leaf") == 0)
            assert_string_equal(fields[CSV_COUNT], !strstr(fields[CSV_CASE], "one_by_one") ? "2000"
                                                   : strstr(fields[CSV_CASE], "rtt=")      ? "200"
                                                                                           : "500");
        /* every dropout copy read back exact */
        if (strcmp(fields[CSV_OP], "link_dropout") == 0 &&
            strncmp(fields[CSV_CASE], "all ", 4) == 0)
            assert_non_null(strstr(fields[CSV_NOTE], "0 missing, 0 twice, 0 out of order"));
        if (strstr(fields[CSV_CASE], "compression=")) {
            if (!compression)
                fail_msg("a compression row on a server without it: %s", line);
            assert_non_null(strstr(fields[CSV_NOTE], "negotiated: hub "));
            if (strstr(fields[CSV_CASE], "compression=s2_best"))
                assert_non_null(strstr(fields[CSV_NOTE], "hub s2_best, leaf s2_best"));
        }
        /* --quick: one round of 1000 points each way, none missing or twice */
        if (strcmp(fields[CSV_OP], "crash_recovery") == 0) {
            assert_string_equal(fields[CSV_COUNT], "1000");
            assert_non_null(strstr(fields[CSV_NOTE], "missing 0, duplicates 0"));
        }
    }
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (seen[i] == 0)
            fail_msg("no %s row in %s", ops[i], path);
    /* seed 3, state 2, outage 3, and per stream count: setup 1, idle 2, sync 2,
     * link bytes 4, budget 4, one-by-one sync 2; then the leaf crash, 1 per
     * way; the delay: setup 1, sync 2, link bytes 4, one by one 2; the
     * dropout: reconnect 1, resume 2, catch-up 2, all 2; compression (2.10+) per mode
     * run 13 (setup, idle 2, sync 2, link bytes 4, budget 4) for s2_best,
     * s2_auto and s2_auto behind the delay, and s2_best's 6 streams 5
     * (setup, idle 2, budget 2) */
    assert_int_equal(rows, 3 + 2 + 3 + 2 * 15 + 2 + 9 + 7 + (compression ? 3 * 13 + 5 : 0));
    free(csv);
    done(&o);
}

static void paced_link_runs_verify(void **state)
{
    (void)state;
    outcome o;
    const char *args[] = {"--quick", "--streams",   "2",   "--idle-seconds",
                          "1",       "--link-rate", "400", "--paced-count",
                          "30",      NULL};
    run(&o, args);
    if (o.status != 0)
        fail_msg("exit %d: %s", o.status, o.err);
    assert_non_null(strstr(o.out, "Link paced to 400 kbit/s each way"));
    char path[192];
    snprintf(path, sizeof path, "%s/bi-directional-sync.csv", o.results);
    char *csv = proc_slurp(path);
    const char *want[] = {"sync_setup", "sync_hub_to_leaf", "sync_leaf_to_hub",
                          "link_bytes_per_msg", "catchup_after_outage"};
    static csv_row row;
    char *const *fields = row.f;
    int seen[5] = {0};
    for (char *line = strtok(csv, "\n"); line; line = strtok(NULL, "\n")) {
        if (csv_row_split(&row, line) != CSV_NCOLS ||
            strstr(fields[CSV_CASE], "link=400kbit") == NULL)
            continue;
        check_verified(fields, line);
        for (int i = 0; i < 5; i++)
            seen[i] += strcmp(fields[CSV_OP], want[i]) == 0;
    }
    for (int i = 0; i < 5; i++)
        if (seen[i] == 0)
            fail_msg("no paced %s row", want[i]);
    free(csv);
    done(&o);
}

static void expect_failure(const char *fault, const char *says, const char *also)
{
    outcome o;
    const char *args[] = {"--quick", "--inject-fault", fault, NULL};
    run(&o, args);
    if (o.status != 1)
        fail_msg("--inject-fault %s: exit %d, expected 1: %s", fault, o.status, o.err);
    if (strstr(o.err, says) == NULL)
        fail_msg("--inject-fault %s: stderr lacks '%s':\n%s", fault, says, o.err);
    if (also && strstr(o.err, also) == NULL)
        fail_msg("--inject-fault %s: stderr lacks '%s':\n%s", fault, also, o.err);
    assert_null(strstr(o.out, "all checks passed"));
    /* The failed check leaves its row: verified=no, saying what differed. */
    char path[192];
    snprintf(path, sizeof path, "%s/bi-directional-sync.csv", o.results);
    char *csv = proc_slurp(path);
    if (csv == NULL)
        fail_msg("--inject-fault %s: no CSV at %s", fault, path);
    const char *row = strstr(csv, ",check_failed,");
    if (row == NULL)
        fail_msg("--inject-fault %s: no check_failed row in:\n%s", fault, csv);
    const char *end = strchr(row, '\n');
    size_t len = end ? (size_t)(end - row) : strlen(row);
    char line[1024];
    snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), row);
    if (strstr(line, ",no,") == NULL || strstr(line, says) == NULL)
        fail_msg("--inject-fault %s: the check_failed row is not verified=no with '%s': %s", fault,
                 says, line);
    free(csv);
    done(&o);
}

static void seed_order_fault_fails_and_dumps_both_copies(void **state)
{
    (void)state;
    expect_failure("seed-order",
                   "seed step 1: the hub's NODES-HUB: point 2 is n.hub.123.value = '14'",
                   "NODES-HUB on the hub: 4 messages");
}

/* The live sync receiver's own check, not the outage read-back before it. */
static void sync_content_fault_fails_in_the_live_sync(void **state)
{
    (void)state;
    expect_failure("sync-content",
                   "hub_to_leaf: n.hub.1.value: point 1000 arrived with corrupt content", NULL);
}

static void outage_content_fault_fails_in_the_catch_up_read_back(void **state)
{
    (void)state;
    expect_failure("outage-content",
                   "catch-up: the leaf's NODES-HUB point 251 is index 250 (corrupt)", NULL);
}

static void state_merge_fault_fails(void **state)
{
    (void)state;
    expect_failure("state-merge",
                   "node 789 merged on the hub: value is '40' from hub, expected '41' from leaf",
                   NULL);
}

static void usage_errors_exit_2_without_servers(void **state)
{
    (void)state;
    const char *cases[][4] = {
        {"--url", "nats://127.0.0.1:4222", NULL, "--url is not supported"},
        {"--hub-url", "nats://127.0.0.1:4222", NULL, "--hub-url needs --leaf-url too"},
        {"--streams", "5", NULL, "5 is odd"},
        {"--count", "many", NULL, "--count"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        outcome o;
        run(&o, cases[i]);
        assert_int_equal(o.status, 2);
        if (strstr(o.err, cases[i][3]) == NULL)
            fail_msg("stderr lacks '%s': %s", cases[i][3], o.err);
        assert_string_equal(o.out, "");
        done(&o);
    }
}

/* --fleet: rows per size and layout, each verified or saying it is
 * derived, a storm with nothing missing or twice; run() checks that none of
 * the hub's and leaves' servers outlives it. */
static void fleet_run_rows(void **state)
{
    (void)state;
    outcome o;
    const char *args[] = {"--quick", "--fleet", "1,3", "--fleet-seconds", "1", NULL};
    run(&o, args);
    if (o.status != 0)
        fail_msg("exit %d: %s", o.status, o.err);
    const char *lines[] = {"Fleet of 3 leaves, layout per_leaf",
                           "Fleet of 3 leaves, layout one_stream", "Fleet extrapolation",
                           "trustworthy up to N=3", "all checks passed"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        if (strstr(o.out, lines[i]) == NULL)
            fail_msg("stdout lacks '%s':\n%s", lines[i], o.out);
    char path[192];
    snprintf(path, sizeof path, "%s/bi-directional-sync.csv", o.results);
    char *csv = proc_slurp(path);
    static const char *const checked[] = {"fleet_setup", "fleet_sync_up", "fleet_sync_down",
                                          "fleet_storm"};
    static csv_row row;
    char *const *fields = row.f;
    int rows = 0, storms = 0;
    for (char *line = strtok(csv, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "run_id,", 7) == 0)
            continue;
        if (csv_row_split(&row, line) != CSV_NCOLS)
            fail_msg("a row without %d fields: %s", CSV_NCOLS, line);
        rows++;
        assert_int_equal(strncmp(fields[CSV_OP], "fleet_", 6), 0);
        bool data = false;
        for (size_t i = 0; i < sizeof checked / sizeof *checked; i++)
            data |= strcmp(fields[CSV_OP], checked[i]) == 0;
        if (strcmp(fields[CSV_VERIFIED], data ? "yes" : "no") != 0)
            fail_msg("verified should be %s: %s", data ? "yes" : "no", line);
        if (!data && strstr(fields[CSV_NOTE], "derived, not a data check") == NULL)
            fail_msg("a derived row's note does not say so: %s", line);
        if (strcmp(fields[CSV_OP], "fleet_storm") == 0) {
            storms++;
            assert_non_null(strstr(fields[CSV_NOTE], "missing 0, twice 0"));
        }
    }
    /* per size and layout: spawn, setup, 2 hub costs, idle bytes, 2 syncs,
     * 3 storm rows; then 3 extrapolation rows per layout */
    assert_int_equal(rows, 4 * 10 + 2 * 3);
    assert_int_equal(storms, 12);
    free(csv);
    done(&o);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_run <binary> quick|faults|paced|usage|fleet\n");
        return 2;
    }
    binary = argv[1];
    proc_become_subreaper();
    servers_tmp = test_tmpdir();
#define TEST(f) cmocka_unit_test_teardown(f, remove_pending_results)
    const struct CMUnitTest quick[] = {TEST(quick_run_verifies_every_step)};
    const struct CMUnitTest faults[] = {
        TEST(seed_order_fault_fails_and_dumps_both_copies),
        TEST(state_merge_fault_fails),
        TEST(sync_content_fault_fails_in_the_live_sync),
        TEST(outage_content_fault_fails_in_the_catch_up_read_back),
    };
    const struct CMUnitTest paced[] = {TEST(paced_link_runs_verify)};
    const struct CMUnitTest usage[] = {TEST(usage_errors_exit_2_without_servers)};
    const struct CMUnitTest fleet[] = {TEST(fleet_run_rows)};
    int rc;
    if (strcmp(argv[2], "quick") == 0)
        rc = cmocka_run_group_tests(quick, NULL, NULL);
    else if (strcmp(argv[2], "faults") == 0)
        rc = cmocka_run_group_tests(faults, NULL, NULL);
    else if (strcmp(argv[2], "paced") == 0)
        rc = cmocka_run_group_tests(paced, NULL, NULL);
    else if (strcmp(argv[2], "fleet") == 0)
        rc = cmocka_run_group_tests(fleet, NULL, NULL);
    else
        rc = cmocka_run_group_tests(usage, NULL, NULL);
    int left = dir_entries(servers_tmp);
    rm_rf(servers_tmp);
    return rc != 0 || left != 0;
}
