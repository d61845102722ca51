/* The rows of a results CSV as the C tests read them: the columns of
 * results/SCHEMA.md by name, and one RFC 4180 line split into fields. */
#ifndef CSV_ROW_H
#define CSV_ROW_H

/* The first 21 columns, in the order every experiment writes them. */
enum {
    CSV_RUN_ID,
    CSV_UTC,
    CSV_EXPERIMENT,
    CSV_CASE,
    CSV_OP,
    CSV_STORE,
    CSV_STORAGE,
    CSV_REPLICAS,
    CSV_PAYLOAD,
    CSV_COUNT,
    CSV_SECONDS,
    CSV_RATE,
    CSV_P50,
    CSV_P90,
    CSV_P99,
    CSV_MAX,
    CSV_BYTES,
    CSV_SERVER,
    CSV_CLIENT,
    CSV_VERIFIED,
    CSV_NOTE,
    CSV_NCOLS
};

/* Longer than any row the experiments write; a longer line is cut here. */
#define CSV_LINE_MAX 4096
/* Room for a row with more fields than the schema's, so a test sees it. */
#define CSV_FIELDS_MAX (CSV_NCOLS + 2)

typedef struct csv_row {
    char text[CSV_LINE_MAX]; /* the fields, unquoted, each ending in NUL */
    char *f[CSV_FIELDS_MAX];
    int n;
} csv_row;

/* Splits one line (quotes per RFC 4180, no newline inside a field) into
 * r->f; line itself is left whole, for messages. Returns r->n, the number
 * of fields, at most CSV_FIELDS_MAX. */
int csv_row_split(csv_row *r, const char *line);

#endif
