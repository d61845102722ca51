/* Every measurement becomes a CSV row (nx_results) and a line of the table
 * printed at the end of the run, so the table holds exactly what the CSV
 * holds. */
#ifndef BDS_REPORT_H
#define BDS_REPORT_H

#include <stdbool.h>

#include "nx_err.h"
#include "nx_results.h"

typedef struct bds_report {
    nx_results *results;
    bool quiet;
    char (*lines)[320];
    int n, cap;
    /* Appended to the note of every row while set (the compression section:
     * which mode each end negotiated); NULL for none. */
    const char *note_suffix;
} bds_report;

/* dir NULL: --no-csv. */
int bds_report_open(bds_report *r, const char *dir, bool quiet, nx_err *err);
void bds_report_set_version(bds_report *r, const char *server_version);

/* Appends the row (store jetstream, file storage, one replica unless set)
 * and remembers a table line; detail is the table's last column. */
int bds_report_row(bds_report *r, nx_row *row, const char *detail, nx_err *err);

void bds_report_print(const bds_report *r);
const char *bds_report_path(const bds_report *r);
void bds_report_close(bds_report *r);

#endif
