#include "ps_compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One row of the first pass, and what the second pass measured for it. */
typedef struct remembered {
    char op[40], case_name[96], store[16];
    double rate[PS_PASSES_MAX], p50[PS_PASSES_MAX];
    double bytes_per_point[PS_PASSES_MAX];
    bool matched;
} remembered;

struct ps_compare {
    int pass;
    int replicas[PS_PASSES_MAX];
    remembered *rows;
    size_t n, cap;
    char note[1024];
};

ps_compare *ps_compare_new(int first_replicas, int second_replicas)
{
    ps_compare *cmp = calloc(1, sizeof *cmp);
    if (cmp == NULL)
        return NULL;
    cmp->replicas[0] = first_replicas;
    cmp->replicas[1] = second_replicas;
    return cmp;
}

void ps_compare_set_pass(ps_compare *cmp, int pass)
{
    cmp->pass = pass;
}

static remembered *find(ps_compare *cmp, const nx_row *row)
{
    for (size_t i = 0; i < cmp->n; i++) {
        remembered *r = &cmp->rows[i];
        if (strcmp(r->op, row->op) == 0 && strcmp(r->case_name, row->case_name) == 0 &&
            strcmp(r->store, row->store) == 0)
            return r;
    }
    return NULL;
}

static void take(remembered *r, int pass, const nx_row *row)
{
    r->rate[pass] = row->rate_per_s;
    r->p50[pass] = row->p50_us;
    r->bytes_per_point[pass] =
        row->bytes > 0 && row->count > 0 ? (double)row->bytes / (double)row->count : NAN;
}

static bool usable(double v)
{
    return !isnan(v) && v > 0;
}

static void remember(ps_compare *cmp, const nx_row *row)
{
    if (cmp->n == cmp->cap) {
        size_t cap = cmp->cap ? 2 * cmp->cap : 64;
        remembered *grown = realloc(cmp->rows, cap * sizeof *grown);
        if (grown == NULL)
            return; /* that row goes without a ratio */
        cmp->rows = grown;
        cmp->cap = cap;
    }
    remembered *r = &cmp->rows[cmp->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->op, sizeof r->op, "%s", row->op);
    snprintf(r->case_name, sizeof r->case_name, "%s", row->case_name);
    snprintf(r->store, sizeof r->store, "%s", row->store);
    take(r, 0, row);
}

const nx_row *ps_compare_row(ps_compare *cmp, const nx_row *row, nx_row *scratch)
{
    if (cmp == NULL)
        return row;
    if (cmp->pass == 0) {
        remember(cmp, row);
        return row;
    }
    *scratch = *row;
    const char *note = row->note ? row->note : "";
    if (strcmp(row->store, "jetstream") != 0) {
        snprintf(cmp->note, sizeof cmp->note, "%s%smeasured again beside the R%d pass", note,
                 note[0] ? "; " : "", cmp->replicas[cmp->pass]);
        scratch->note = cmp->note;
        return scratch;
    }
    remembered *r = find(cmp, row);
    if (r == NULL)
        return row;
    r->matched = true;
    take(r, cmp->pass, row);
    char add[200] = "", part[64];
    const char *sep = "";
    if (usable(r->rate[0]) && usable(r->rate[1])) {
        snprintf(part, sizeof part, "%srate %.3f", sep, r->rate[1] / r->rate[0]);
        strncat(add, part, sizeof add - strlen(add) - 1);
        sep = ", ";
    }
    if (usable(r->p50[0]) && usable(r->p50[1])) {
        snprintf(part, sizeof part, "%sp50 %.2f", sep, r->p50[1] / r->p50[0]);
        strncat(add, part, sizeof add - strlen(add) - 1);
        sep = ", ";
    }
    if (usable(r->bytes_per_point[0]) && usable(r->bytes_per_point[1])) {
        snprintf(part, sizeof part, "%sbytes %.2f", sep,
                 r->bytes_per_point[1] / r->bytes_per_point[0]);
        strncat(add, part, sizeof add - strlen(add) - 1);
    }
    if (add[0] == '\0')
        return row;
    snprintf(cmp->note, sizeof cmp->note, "%s%sR%d/R%d %s (R%d pass of this run)", note,
             note[0] ? "; " : "", cmp->replicas[1], cmp->replicas[0], add, cmp->replicas[0]);
    scratch->note = cmp->note;
    return scratch;
}

static void cell(char *buf, size_t len, double v, const char *fmt)
{
    if (usable(v))
        snprintf(buf, len, fmt, v);
    else
        snprintf(buf, len, "-");
}

void ps_compare_table(const ps_compare *cmp)
{
    printf("R3 against R1 (JetStream rows of both passes in this run; ratio = R3 / R1)\n");
    printf("  %-22s %-30s %11s %11s %6s %11s %11s %6s\n", "op", "case", "R1 rate/s", "R3 rate/s",
           "ratio", "R1 p50 us", "R3 p50 us", "ratio");
    size_t shown = 0;
    for (size_t i = 0; i < cmp->n; i++) {
        const remembered *r = &cmp->rows[i];
        if (!r->matched)
            continue;
        char r1[24], r3[24], rr[16], p1[24], p3[24], pr[16];
        cell(r1, sizeof r1, r->rate[0], "%.0f");
        cell(r3, sizeof r3, r->rate[1], "%.0f");
        cell(rr, sizeof rr, usable(r->rate[0]) ? r->rate[1] / r->rate[0] : NAN, "%.3f");
        cell(p1, sizeof p1, r->p50[0], "%.1f");
        cell(p3, sizeof p3, r->p50[1], "%.1f");
        cell(pr, sizeof pr, usable(r->p50[0]) ? r->p50[1] / r->p50[0] : NAN, "%.2f");
        printf("  %-22s %-30.30s %11s %11s %6s %11s %11s %6s\n", r->op, r->case_name, r1, r3, rr,
               p1, p3, pr);
        if (usable(r->bytes_per_point[0]) && usable(r->bytes_per_point[1]))
            printf("  %-22s %-30.30s bytes/point on disk, all copies: R1 %.1f, R3 %.1f (%.2fx)\n",
                   "", "", r->bytes_per_point[0], r->bytes_per_point[1],
                   r->bytes_per_point[1] / r->bytes_per_point[0]);
        shown++;
    }
    if (shown == 0)
        printf("  (the R3 pass ended before its first row)\n");
    printf("\n");
}

void ps_compare_free(ps_compare *cmp)
{
    if (cmp == NULL)
        return;
    free(cmp->rows);
    free(cmp);
}
