#include "csv_row.h"

#include <stdio.h>

int csv_row_split(csv_row *r, const char *line)
{
    snprintf(r->text, sizeof r->text, "%s", line);
    r->n = 0;
    char *p = r->text;
    while (r->n < CSV_FIELDS_MAX) {
        /* Unquoting only shortens a field, so it is written in place. */
        char *w = p;
        r->f[r->n++] = w;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else if (*p == '\0') {
                    break;
                } else {
                    *w++ = *p++;
                }
            }
        } else {
            while (*p && *p != ',' && *p != '\n')
                *w++ = *p++;
        }
        char sep = *p;
        *w = '\0';
        if (sep != ',')
            break;
        p++;
    }
    return r->n;
}
