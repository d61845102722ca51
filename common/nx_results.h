/* Appends measurement rows to results/<experiment>.csv (RFC 4180).
 *
 * Readers (summarize, plot, a spreadsheet) must never see a torn file: the
 * header is in place before the file gets its name, and each row reaches the
 * file in a single O_APPEND write, so an interrupted run or two runs at once
 * leave only whole rows. */
#ifndef NX_RESULTS_H
#define NX_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nx_err.h"
#include "nx_stats.h"

#define NX_CSV_HEADER                                                                              \
    "run_id,utc,experiment,case,op,store,storage,replicas,payload_bytes,count,seconds,"            \
    "rate_per_s,p50_us,p90_us,p99_us,max_us,bytes,server_version,client_version,verified,note"

/* One measurement. Doubles set to NAN, and bytes or payload_bytes < 0, are
 * written as empty fields; nx_row_init starts every optional field empty.
 * payload_bytes is the point's data bytes (--payload): the stored message
 * adds the codec's 10-byte header and the origin. */
/* What a row's check covered: its data (values, order) or only how much of
 * it there was. A failed check is NO, and its row is still written. */
typedef enum nx_verified {
    NX_VERIFIED_NO = 0,
    NX_VERIFIED_YES = 1,   /* content checked: "yes" */
    NX_VERIFIED_COUNT = 2, /* counts only: "count" */
} nx_verified;

typedef struct nx_row {
    const char *case_name;
    const char *op;
    const char *store;   /* "jetstream" or "sqlite" */
    const char *storage; /* "file", "memory", or NULL */
    int replicas;        /* 0 = not applicable */
    int64_t payload_bytes;
    uint64_t count;
    double seconds;
    double rate_per_s;
    double p50_us, p90_us, p99_us, max_us;
    int64_t bytes;
    nx_verified verified; /* true/false convert to YES/NO */
    const char *note;
    const char *server_version; /* NULL = the run's server; SQLite rows name SQLite's */
} nx_row;

void nx_row_init(nx_row *row);

/* Fills p50/p90/p99/max from a histogram of nanosecond samples. */
void nx_row_set_latency(nx_row *row, const nx_hist *h);

typedef struct nx_results nx_results;

/* Opens (creating when needed) <dir>/<experiment>.csv. dir NULL means
 * --no-csv: rows are accepted and dropped. Fails with one line when the
 * directory cannot be created or written, or when an existing file does not
 * start with this schema's header. */
int nx_results_open(nx_results **out, const char *dir, const char *experiment, nx_err *err);
void nx_results_close(nx_results *r);

/* The run id shared by every row of this process: NATSEXP_RUN_ID when set
 * and valid, else UTC time plus pid. */
const char *nx_results_run_id(const nx_results *r);
const char *nx_results_path(const nx_results *r);

void nx_results_set_server_version(nx_results *r, const char *version);

int nx_results_append(nx_results *r, const nx_row *row, nx_err *err);

/* Formats one CSV line (with its trailing CRLF-free "\n") into a malloc'd
 * string; exposed for tests. */
char *nx_results_format(const nx_results *r, const nx_row *row, int64_t utc_s);

/* Appends field to buf (of capacity cap, at *len) with RFC 4180 quoting when
 * it holds a comma, quote, CR or LF. Returns false when it does not fit. */
bool nx_csv_field(char *buf, size_t cap, size_t *len, const char *field);

#endif
