/* Every measurement becomes a CSV row (nx_results) and a line of the table
 * printed at the end of the run, so the table holds exactly what the CSV
 * holds. */
#ifndef SYNC_REPORT_H
#define SYNC_REPORT_H

#include <stdbool.h>

#include "nx_err.h"
#include "nx_results.h"

typedef struct report {
    nx_results *results;
    bool quiet;
    char (*lines)[320];
    int n, cap;
} report;

/* dir NULL: --no-csv. */
int report_open(report *r, const char *dir, bool quiet, nx_err *err);
void report_set_version(report *r, const char *server_version);

/* Appends the row (store jetstream, file storage, one replica unless set)
 * and remembers a table line; detail is the table's last column. */
int report_row(report *r, nx_row *row, const char *detail, nx_err *err);

void report_print(const report *r);
const char *report_path(const report *r);
void report_close(report *r);

#endif
