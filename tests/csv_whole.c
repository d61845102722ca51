/* csv_whole FILE: exits 0 when FILE holds the results header and then only
 * whole RFC 4180 records of the schema's 21 fields, each ending in a
 * newline; otherwise prints one line saying where it breaks and exits 1.
 * Used after a run was interrupted, to show the CSV holds no torn row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_results.h"

#define FIELDS 21

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: csv_whole FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        fprintf(stderr, "csv_whole: cannot open %s\n", argv[1]);
        return 1;
    }
    static const char header[] = NX_CSV_HEADER "\n";
    char head[sizeof header];
    size_t n = fread(head, 1, sizeof header - 1, f);
    head[n] = '\0';
    if (strcmp(head, header) != 0) {
        fprintf(stderr, "csv_whole: %s does not start with the results header\n", argv[1]);
        fclose(f);
        return 1;
    }
    long record = 0;
    int fields = 1, c, prev = '\n';
    int quoted = 0;
    while ((c = fgetc(f)) != EOF) {
        if (quoted) {
            if (c == '"') {
                int next = fgetc(f);
                if (next != '"') {
                    quoted = 0;
                    if (next != EOF)
                        ungetc(next, f);
                }
            }
        } else if (c == '"') {
            quoted = 1;
        } else if (c == ',') {
            fields++;
        } else if (c == '\n') {
            record++;
            if (fields != FIELDS) {
                fprintf(stderr, "csv_whole: record %ld has %d fields, not %d\n", record, fields,
                        FIELDS);
                fclose(f);
                return 1;
            }
            fields = 1;
        }
        prev = c;
    }
    fclose(f);
    if (quoted || prev != '\n') {
        fprintf(stderr, "csv_whole: the last record (%ld) is cut off\n", record + 1);
        return 1;
    }
    printf("%ld whole records\n", record);
    return 0;
}
