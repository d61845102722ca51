#include "bds_copy_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void note_problem(bds_copy_check *c, const char *fmt, unsigned long long a,
                         unsigned long long b)
{
    if (c->first_problem[0] == '\0')
        snprintf(c->first_problem, sizeof c->first_problem, fmt, a, b);
}

void bds_copy_check_run(const bds_point_list *l, uint64_t expected, const char *origin,
                        const char *subject, size_t data_len, bds_copy_check *out)
{
    memset(out, 0, sizeof *out);
    out->expected = expected;
    out->held = l->n;
    uint8_t *seen = calloc((size_t)expected + 1, 1);
    uint64_t prev = 0;
    for (size_t i = 0; i < l->n; i++) {
        const bds_point_record *r = &l->items[i];
        if (!r->has_index || !r->filler_ok || r->data_len != data_len ||
            strcmp(r->origin, origin) != 0 || strcmp(r->subject, subject) != 0 ||
            r->index >= expected) {
            out->corrupt++;
            note_problem(out, "message %llu (stream sequence %llu) is not an expected point",
                         (unsigned long long)i + 1, (unsigned long long)r->seq);
            continue;
        }
        if (seen && seen[r->index]) {
            out->duplicates++;
            note_problem(out, "point %llu is there twice (again at stream sequence %llu)",
                         (unsigned long long)r->index, (unsigned long long)r->seq);
            continue;
        }
        if (i > 0 && r->index < prev) {
            out->out_of_order++;
            note_problem(out, "point %llu comes after point %llu", (unsigned long long)r->index,
                         (unsigned long long)prev);
        }
        prev = r->index;
        if (seen)
            seen[r->index] = 1;
    }
    for (uint64_t g = 0; g < expected; g++) {
        if (seen == NULL || !seen[g]) {
            if (out->missing++ == 0)
                out->first_missing = g;
        }
    }
    if (out->missing)
        note_problem(out, "%llu points missing, the first is point %llu",
                     (unsigned long long)out->missing, (unsigned long long)out->first_missing);
    free(seen);
}
