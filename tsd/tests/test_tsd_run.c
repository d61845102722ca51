/* Runs the tsd binary (argv[1]) end to end against real spawned servers:
 * a --quick run must pass every check and write verified rows for every op,
 * including the retention case and the range edges (empty, whole series);
 * each --inject-fault must make it fail with exit 1 and one line saying
 * what differed; bad usage exits 2. After every run no server, janitor or
 * temp dir may be left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv_row.h"
#include "proc_util.h"

#define RUN_TIMEOUT_S 300

static const char *tsd_path;
static const char *server_tmp; /* TMPDIR: where servers and SQLite put their dirs */
static char out_dir[64];       /* our own files: outputs and results */

typedef struct run_result {
    int exit_code;
    char out_path[160], err_path[160];
} run_result;

/* Runs tsd with args (NULL-terminated) and checks nothing was left. */
static void run_tsd(run_result *r, const char *tag, const char *const *args)
{
    snprintf(r->out_path, sizeof r->out_path, "%s/%s.out", out_dir, tag);
    snprintf(r->err_path, sizeof r->err_path, "%s/%s.err", out_dir, tag);
    const char *argv[32] = {tsd_path};
    int n = 1;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    r->exit_code = proc_run_captured(argv, r->out_path, r->err_path, RUN_TIMEOUT_S);
    if (r->exit_code < 0)
        fail_msg("tsd %s did not finish within %d s", tag, RUN_TIMEOUT_S);
    int alive = 0, left = 0;
    if (!proc_left_nothing(server_tmp, 5000, &alive, &left))
        fail_msg("tsd %s left %d processes and %d temp entries behind", tag, alive, left);
}

typedef struct csv_rows {
    char *text;
    csv_row row[512];
    int n;
} csv_rows;

static void load_csv(csv_rows *rows, const char *path)
{
    memset(rows, 0, sizeof *rows);
    rows->text = proc_slurp(path);
    char *save = NULL;
    char *line = strtok_r(rows->text, "\n", &save);
    assert_non_null(line);
    assert_non_null(strstr(line, "run_id,utc,experiment,case,op"));
    while ((line = strtok_r(NULL, "\n", &save)) != NULL && rows->n < 512) {
        int k = csv_row_split(&rows->row[rows->n], line);
        if (k != CSV_NCOLS)
            fail_msg("CSV row with %d fields: %s", k, line);
        rows->n++;
    }
}

static int count_rows(const csv_rows *rows, const char *op, const char *store,
                      const char *case_part)
{
    int n = 0;
    for (int i = 0; i < rows->n; i++) {
        char *const *f = rows->row[i].f;
        if (strcmp(f[CSV_OP], op) == 0 && (!store || strcmp(f[CSV_STORE], store) == 0) &&
            (!case_part || strstr(f[CSV_CASE], case_part)))
            n++;
    }
    return n;
}

static char *const *find_row(const csv_rows *rows, const char *op, const char *store,
                             const char *case_part)
{
    for (int i = 0; i < rows->n; i++) {
        char *const *f = rows->row[i].f;
        if (strcmp(f[CSV_OP], op) == 0 && strcmp(f[CSV_STORE], store) == 0 &&
            strstr(f[CSV_CASE], case_part))
            return f;
    }
    fail_msg("no %s row for %s with case '%s'", store, op, case_part);
    return NULL;
}

/* The --quick run is shared by the tests that read its rows. */
static run_result quick;
static csv_rows quick_rows;
static char *quick_stdout;

static int run_quick(void **state)
{
    (void)state;
    char results[128];
    snprintf(results, sizeof results, "%s/results", out_dir);
    const char *args[] = {"--quick", "--results", results, NULL};
    run_tsd(&quick, "quick", args);
    char csv[160];
    snprintf(csv, sizeof csv, "%s/tsd.csv", results);
    quick_stdout = proc_slurp(quick.out_path);
    if (quick.exit_code == 0)
        load_csv(&quick_rows, csv);
    return 0;
}

static void quick_run_passes_every_check(void **state)
{
    (void)state;
    if (quick.exit_code != 0) {
        char *err = proc_slurp(quick.err_path);
        fail_msg("tsd --quick exited %d: %s", quick.exit_code, err);
    }
    assert_non_null(strstr(quick_stdout, "Targets"));
    assert_non_null(strstr(quick_stdout, "js_publish_sync / bare js_Publish loop"));
    assert_non_null(strstr(quick_stdout, "async / ceiling by window"));
    assert_non_null(strstr(quick_stdout, "JetStream / SQLite"));
    assert_non_null(strstr(quick_stdout, "Peak RSS"));
    assert_true(quick_rows.n > 20);
    for (int i = 0; i < quick_rows.n; i++) {
        char *const *f = quick_rows.row[i].f;
        if (strcmp(f[CSV_VERIFIED], "yes") != 0)
            fail_msg("row %s / %s is not verified", f[CSV_OP], f[CSV_CASE]);
        if (strcmp(f[CSV_STORE], "sqlite") == 0)
            assert_true(strncmp(f[CSV_SERVER], "sqlite ", 7) == 0);
        else
            assert_true(strncmp(f[CSV_SERVER], "sqlite", 6) != 0);
    }
}

static void quick_run_writes_every_op(void **state)
{
    (void)state;
    assert_int_equal(quick.exit_code, 0);
    const csv_rows *r = &quick_rows;
    assert_int_equal(count_rows(r, "core_publish_stored", "jetstream", NULL), 1);
    assert_int_equal(count_rows(r, "js_publish_plain", "jetstream", NULL), 1);
    assert_int_equal(count_rows(r, "js_publish_sync", "jetstream", NULL), 1);
    /* four windows plus four variants */
    assert_int_equal(count_rows(r, "js_publish_async", "jetstream", NULL), 8);
    assert_int_equal(count_rows(r, "js_publish_async", "jetstream", "w=16384"), 1);
    assert_int_equal(count_rows(r, "read_pull_ack_none", "jetstream", NULL), 1);
    assert_int_equal(count_rows(r, "read_pull_ack_all", "jetstream", NULL), 1);
    assert_int_equal(count_rows(r, "read_ordered", "jetstream", NULL), 1);
    assert_int_equal(count_rows(r, "read_range", "jetstream", NULL), 5);
    assert_int_equal(count_rows(r, "read_range", "sqlite", NULL), 5);
    assert_int_equal(count_rows(r, "sqlite_insert", "sqlite", NULL), 4);
    assert_int_equal(count_rows(r, "read_all", "sqlite", NULL), 1);
    char *const *core = find_row(r, "core_publish_stored", "jetstream", "core");
    assert_string_equal(core[CSV_COUNT], "2000");
    assert_true(atof(core[CSV_RATE]) > 0);
}

static void retention_keeps_exactly_the_newest(void **state)
{
    (void)state;
    assert_int_equal(quick.exit_code, 0);
    /* --quick: L = 20, 10 series x 200 points written */
    char *const *f =
        find_row(&quick_rows, "retention_per_subject", "jetstream", "max 20 per subject");
    assert_string_equal(f[CSV_COUNT], "2000");
    assert_string_equal(f[CSV_VERIFIED], "yes");
}

static void range_edges_empty_and_whole(void **state)
{
    (void)state;
    assert_int_equal(quick.exit_code, 0);
    const char *stores[] = {"jetstream", "sqlite"};
    for (int s = 0; s < 2; s++) {
        char *const *empty = find_row(&quick_rows, "read_range", stores[s], "empty range");
        assert_string_equal(empty[CSV_COUNT], "0");
        assert_string_equal(empty[CSV_VERIFIED], "yes");
        /* --quick: 2000 points over 10 series */
        char *const *whole = find_row(&quick_rows, "read_range", stores[s], "whole series");
        assert_string_equal(whole[CSV_COUNT], "200");
        assert_string_equal(whole[CSV_VERIFIED], "yes");
        char *const *small = find_row(&quick_rows, "read_range", stores[s], "store of 200");
        assert_string_equal(small[CSV_COUNT], "10");
    }
}

static void expect_fault(const char *kind, const char *needle, bool with_sqlite)
{
    run_result r;
    char tag[64];
    snprintf(tag, sizeof tag, "fault-%s", kind);
    const char *args[] = {"--quick",
                          "--no-csv",
                          "--window",
                          "256",
                          "--inject-fault",
                          kind,
                          with_sqlite ? NULL : "--no-sqlite",
                          NULL};
    run_tsd(&r, tag, args);
    char *err = proc_slurp(r.err_path);
    char *out = proc_slurp(r.out_path);
    if (r.exit_code != 1 || strstr(err, needle) == NULL)
        fail_msg("--inject-fault %s: exit %d, stderr '%s' (expected exit 1 and '%s')", kind,
                 r.exit_code, err, needle);
    /* one line, and no table: nothing unverified is reported */
    char *nl = strchr(err, '\n');
    assert_true(nl != NULL && nl[1] == '\0');
    assert_null(strstr(out, "Targets"));
    free(err);
    free(out);
}

static void fault_payload_fails(void **state)
{
    (void)state;
    expect_fault("payload", "differ from what was written", false);
}

static void fault_count_fails(void **state)
{
    (void)state;
    expect_fault("count", "the model expects 2001", false);
}

static void fault_range_fails(void **state)
{
    (void)state;
    expect_fault("range", "range query on series 5", false);
}

static void fault_retention_fails(void **state)
{
    (void)state;
    expect_fault("retention", "retention (max 20 per subject)", false);
}

static void fault_sqlite_fails(void **state)
{
    (void)state;
    expect_fault("sqlite", "SQLite read-back", true);
}

/* A check that fails after its case was measured leaves that case's row
 * with verified=no (the run still exits 1): the verified column is the
 * check's outcome, not a constant. */
static void failed_check_writes_an_unverified_row(void **state)
{
    (void)state;
    char results[128], csv[160];
    snprintf(results, sizeof results, "%s/fault-results", out_dir);
    snprintf(csv, sizeof csv, "%s/tsd.csv", results);
    const char *args[] = {
        "--quick", "--results",   results,          "--window", "256", "--inject-fault",
        "payload", "--no-sqlite", "--crash-rounds", "0",        NULL};
    run_result r;
    run_tsd(&r, "fault-verified", args);
    assert_int_equal(r.exit_code, 1);
    csv_rows *rows = calloc(1, sizeof *rows);
    load_csv(rows, csv);
    assert_int_equal(rows->n, 1);
    char *const *f = find_row(rows, "core_publish_stored", "jetstream", "core");
    assert_string_equal(f[CSV_VERIFIED], "no");
    free(rows->text);
    free(rows);
}

static void bad_usage_exits_2(void **state)
{
    (void)state;
    run_result r;
    const char *args[] = {"--window", "0", NULL};
    run_tsd(&r, "usage", args);
    assert_int_equal(r.exit_code, 2);
    char *err = proc_slurp(r.err_path);
    assert_non_null(strstr(err, "--window"));
    free(err);
    /* Larger than the server takes: refused once connected, also as usage. */
    const char *big[] = {"--payload", "1048576",       "--window", "64",       "--variant-window",
                         "64",        "--fetch-batch", "64",       "--no-csv", NULL};
    run_tsd(&r, "max-payload", big);
    assert_int_equal(r.exit_code, 2);
    err = proc_slurp(r.err_path);
    assert_non_null(strstr(err, "more than the server's max_payload of 1048576 bytes"));
    assert_true(strchr(err, '\n') == err + strlen(err) - 1);
    free(err);
    const char *help[] = {"--help", NULL};
    run_tsd(&r, "help", help);
    assert_int_equal(r.exit_code, 0);
    char *out = proc_slurp(r.out_path);
    assert_non_null(strstr(out, "--inject-fault"));
    assert_non_null(strstr(out, "--window"));
    free(out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH-TO-TSD\n", argv[0]);
        return 2;
    }
    tsd_path = argv[1];
    proc_become_subreaper();
    snprintf(out_dir, sizeof out_dir, "/tmp/tsd-test-XXXXXX");
    if (mkdtemp(out_dir) == NULL)
        return 1;
    server_tmp = test_tmpdir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quick_run_passes_every_check),
        cmocka_unit_test(quick_run_writes_every_op),
        cmocka_unit_test(retention_keeps_exactly_the_newest),
        cmocka_unit_test(range_edges_empty_and_whole),
        cmocka_unit_test(fault_payload_fails),
        cmocka_unit_test(fault_count_fails),
        cmocka_unit_test(fault_range_fails),
        cmocka_unit_test(fault_retention_fails),
        cmocka_unit_test(fault_sqlite_fails),
        cmocka_unit_test(failed_check_writes_an_unverified_row),
        cmocka_unit_test(bad_usage_exits_2),
    };
    int rc = cmocka_run_group_tests(tests, run_quick, NULL);
    rm_rf(server_tmp);
    rm_rf(out_dir);
    return rc;
}
