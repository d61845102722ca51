#include "bds_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bds_report_open(bds_report *r, const char *dir, bool quiet, nx_err *err)
{
    memset(r, 0, sizeof *r);
    r->quiet = quiet;
    return nx_results_open(&r->results, dir, "bi-directional-sync", err);
}

void bds_report_set_version(bds_report *r, const char *server_version)
{
    nx_results_set_server_version(r->results, server_version);
}

static void fmt_num(char *buf, size_t len, double v, const char *fmt)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, fmt, v);
}

int bds_report_row(bds_report *r, nx_row *row, const char *detail, nx_err *err)
{
    if (row->store == NULL)
        row->store = "jetstream";
    if (row->storage == NULL)
        row->storage = "file";
    if (row->replicas == 0)
        row->replicas = 1;
    char note[1400];
    if (r->note_suffix) {
        snprintf(note, sizeof note, "%s%s%s", row->note ? row->note : "", row->note ? "; " : "",
                 r->note_suffix);
        row->note = note;
    }
    if (nx_results_append(r->results, row, err) != 0)
        return -1;
    if (r->n == r->cap) {
        int cap = r->cap ? r->cap * 2 : 32;
        char(*lines)[320] = realloc(r->lines, (size_t)cap * sizeof *lines);
        if (lines == NULL)
            return nx_fail(err, "out of memory");
        r->lines = lines;
        r->cap = cap;
    }
    char secs[16], rate[16], p50[16], p99[16];
    fmt_num(secs, sizeof secs, row->seconds, "%.3f");
    fmt_num(rate, sizeof rate, row->rate_per_s, "%.0f");
    fmt_num(p50, sizeof p50, row->p50_us / 1e3, "%.2f");
    fmt_num(p99, sizeof p99, row->p99_us / 1e3, "%.2f");
    snprintf(r->lines[r->n++], sizeof r->lines[0], "%-21s %-40s %7llu %8s %9s %8s %8s  %s", row->op,
             row->case_name, (unsigned long long)row->count, secs, rate, p50, p99,
             detail ? detail : "");
    return 0;
}

void bds_report_print(const bds_report *r)
{
    if (r->quiet || r->n == 0)
        return;
    printf("\nMeasurements (this run)\n");
    printf("%-21s %-40s %7s %8s %9s %8s %8s  %s\n", "op", "case", "count", "seconds", "rate/s",
           "p50 ms", "p99 ms", "detail");
    for (int i = 0; i < r->n; i++)
        printf("%s\n", r->lines[i]);
    fflush(stdout);
}

const char *bds_report_path(const bds_report *r)
{
    return r->results ? nx_results_path(r->results) : NULL;
}

void bds_report_close(bds_report *r)
{
    nx_results_close(r->results);
    free(r->lines);
    memset(r, 0, sizeof *r);
}
