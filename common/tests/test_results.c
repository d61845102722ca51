#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "nx_results.h"

static char dir[256];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/nx-results-test-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Splits one RFC 4180 line into fields; returns the count. */
static int csv_split(const char *line, char fields[][512], int max)
{
    int n = 0;
    const char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        char *o = fields[n];
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0')
                    return -1;
                if (*p == '"' && p[1] == '"') {
                    *o++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *o++ = *p++;
                }
            }
        } else {
            while (*p && *p != ',' && *p != '\n')
                *o++ = *p++;
        }
        *o = '\0';
        n++;
        if (*p == ',') {
            p++;
            continue;
        }
        return (*p == '\n' && p[1] == '\0') || *p == '\0' ? n : -1;
    }
}

static void quoting_follows_rfc4180(void **state)
{
    (void)state;
    char buf[128];
    size_t len = 0;
    assert_true(nx_csv_field(buf, sizeof buf, &len, "plain"));
    assert_string_equal(buf, "plain");
    len = 0;
    assert_true(nx_csv_field(buf, sizeof buf, &len, "a,b"));
    assert_string_equal(buf, "\"a,b\"");
    len = 0;
    assert_true(nx_csv_field(buf, sizeof buf, &len, "say \"hi\""));
    assert_string_equal(buf, "\"say \"\"hi\"\"\"");
    len = 0;
    assert_true(nx_csv_field(buf, sizeof buf, &len, "two\nlines"));
    assert_string_equal(buf, "\"two\nlines\"");
    len = 0;
    char tiny[4];
    assert_false(nx_csv_field(tiny, sizeof tiny, &len, "toolong"));
}

static void row_has_schema_fields(void **state)
{
    (void)state;
    nx_results *r = NULL;
    nx_err err;
    assert_int_equal(nx_results_open(&r, NULL, "tsd", &err), 0);
    nx_results_set_server_version(r, "2.9.10");
    nx_row row;
    nx_row_init(&row);
    row.case_name = "insert";
    row.op = "js_publish_async";
    row.storage = "file";
    row.replicas = 1;
    row.payload_bytes = 16;
    row.count = 1000;
    row.seconds = 0.5;
    row.rate_per_s = 2000;
    row.p50_us = 12.25;
    row.verified = true;
    row.note = "window=256, \"best\"\nsecond line";
    char *line = nx_results_format(r, &row, 1700000000);
    char fields[32][512];
    int n = csv_split(line, fields, 32);
    assert_int_equal(n, 21);
    assert_string_equal(fields[1], "2023-11-14T22:13:20Z");
    assert_string_equal(fields[2], "tsd");
    assert_string_equal(fields[4], "js_publish_async");
    assert_string_equal(fields[5], "jetstream");
    assert_string_equal(fields[9], "1000");
    assert_string_equal(fields[8], "16");
    assert_string_equal(fields[10], "0.500000000");
    assert_string_equal(fields[12], "12.2"); /* %.1f rounds to even */
    assert_string_equal(fields[13], "");     /* p90 not set */
    assert_string_equal(fields[16], "");     /* bytes not set */
    row.payload_bytes = -1;
    row.seconds = 0.000004567;
    free(line);
    line = nx_results_format(r, &row, 1700000000);
    assert_int_equal(csv_split(line, fields, 32), 21);
    assert_string_equal(fields[8], "");             /* payload not applicable */
    assert_string_equal(fields[10], "0.000004567"); /* no rounding to microseconds */
    assert_string_equal(fields[17], "2.9.10");
    assert_string_equal(fields[19], "yes");
    assert_string_equal(fields[20], "window=256, \"best\"\nsecond line");
    free(line);
    row.store = "sqlite";
    row.server_version = "sqlite 3.40.1";
    row.verified = false;
    line = nx_results_format(r, &row, 1700000000);
    n = csv_split(line, fields, 32);
    assert_int_equal(n, 21);
    assert_string_equal(fields[17], "sqlite 3.40.1");
    assert_string_equal(fields[19], "no");
    free(line);
    row.verified = NX_VERIFIED_COUNT;
    line = nx_results_format(r, &row, 1700000000);
    assert_int_equal(csv_split(line, fields, 32), 21);
    assert_string_equal(fields[19], "count");
    free(line);
    nx_results_close(r);
}

static void latency_from_histogram(void **state)
{
    (void)state;
    nx_hist *h = nx_hist_new();
    for (int i = 1; i <= 100; i++)
        nx_hist_record(h, i * 1000);
    nx_row row;
    nx_row_init(&row);
    nx_row_set_latency(&row, h);
    assert_true(fabs(row.p50_us - 50.0) < 0.5);
    assert_true(fabs(row.p99_us - 99.0) < 1.0);
    assert_true(fabs(row.max_us - 100.0) < 1e-9);
    nx_hist_free(h);
}

static size_t count_lines(const char *path, int *bad)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    size_t n = 0;
    *bad = 0;
    char fields[32][512];
    while (fgets(line, sizeof line, f)) {
        if (n == 0)
            assert_string_equal(line, NX_CSV_HEADER "\n");
        else if (csv_split(line, fields, 32) != 21)
            (*bad)++;
        n++;
    }
    fclose(f);
    return n;
}

static void header_once_and_rows_appended(void **state)
{
    (void)state;
    for (int round = 0; round < 2; round++) {
        nx_results *r = NULL;
        nx_err err;
        assert_int_equal(nx_results_open(&r, dir, "point-store", &err), 0);
        nx_row row;
        nx_row_init(&row);
        row.case_name = "seed";
        row.op = "state_info_getlast";
        assert_int_equal(nx_results_append(r, &row, &err), 0);
        nx_results_close(r);
    }
    char path[300];
    snprintf(path, sizeof path, "%s/point-store.csv", dir);
    int bad;
    assert_int_equal(count_lines(path, &bad), 3);
    assert_int_equal(bad, 0);
}

static void two_processes_leave_whole_lines(void **state)
{
    (void)state;
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        assert_true(kids[k] >= 0);
        if (kids[k] == 0) {
            nx_results *r = NULL;
            if (nx_results_open(&r, dir, "race", NULL) != 0)
                _exit(1);
            char note[300];
            memset(note, 'x', sizeof note - 1);
            note[sizeof note - 1] = '\0';
            for (int i = 0; i < 1000; i++) {
                nx_row row;
                nx_row_init(&row);
                row.case_name = k ? "child-b" : "child-a";
                row.op = "js_publish_sync";
                row.count = (uint64_t)i;
                row.note = note;
                if (nx_results_append(r, &row, NULL) != 0)
                    _exit(1);
            }
            nx_results_close(r);
            _exit(0);
        }
    }
    for (int k = 0; k < 2; k++) {
        int status;
        assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    char path[300];
    snprintf(path, sizeof path, "%s/race.csv", dir);
    int bad;
    assert_int_equal(count_lines(path, &bad), 2001);
    assert_int_equal(bad, 0);
}

static void bad_dirs_fail_with_one_line(void **state)
{
    (void)state;
    char file[300];
    snprintf(file, sizeof file, "%s/not-a-dir", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    nx_results *r = NULL;
    nx_err err = {{0}};
    assert_int_equal(nx_results_open(&r, file, "tsd", &err), -1);
    assert_non_null(strstr(err.msg, "not-a-dir"));
    assert_null(strchr(err.msg, '\n'));
    assert_int_equal(nx_results_open(&r, "/proc/natsexp-results", "tsd", &err), -1);
    assert_non_null(strstr(err.msg, "cannot create"));
}

static void foreign_csv_is_refused(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/other.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("a,b,c\n1,2,3\n", f);
    fclose(f);
    nx_results *r = NULL;
    nx_err err = {{0}};
    assert_int_equal(nx_results_open(&r, dir, "other", &err), -1);
    assert_non_null(strstr(err.msg, "header"));
}

static void run_id_from_environment(void **state)
{
    (void)state;
    nx_results *r = NULL;
    setenv("NATSEXP_RUN_ID", "run-42", 1);
    assert_int_equal(nx_results_open(&r, NULL, "tsd", NULL), 0);
    assert_string_equal(nx_results_run_id(r), "run-42");
    nx_results_close(r);
    setenv("NATSEXP_RUN_ID", "bad,id", 1);
    assert_int_equal(nx_results_open(&r, NULL, "tsd", NULL), 0);
    assert_string_not_equal(nx_results_run_id(r), "bad,id");
    nx_results_close(r);
    unsetenv("NATSEXP_RUN_ID");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoting_follows_rfc4180),
        cmocka_unit_test(row_has_schema_fields),
        cmocka_unit_test(latency_from_histogram),
        cmocka_unit_test_setup_teardown(header_once_and_rows_appended, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(two_processes_leave_whole_lines, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(bad_dirs_fail_with_one_line, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(foreign_csv_is_refused, make_dir, remove_dir),
        cmocka_unit_test(run_id_from_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
