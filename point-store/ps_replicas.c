#include "ps_replicas.h"

#include <stdio.h>
#include <string.h>

#include "nx_stream.h"
#include "ps_compare.h"
#include "ps_ctx.h"

static void lower_defaults(ps_opts *o, ps_plan *plan)
{
    if (o->common.quick)
        return;
    if (!o->history_set && o->history[o->nhistory - 1] > PS_COMPARE_DEEPEST) {
        size_t n = 0;
        while (n < o->nhistory && o->history[n] <= PS_COMPARE_DEEPEST)
            n++;
        o->nhistory = n;
        plan->lowered = true;
    }
    if (!o->reads_set && o->reads > PS_COMPARE_READS) {
        o->reads = PS_COMPARE_READS;
        plan->lowered = true;
    }
    if (!o->cas_count_set && o->cas_count > PS_COMPARE_CAS) {
        o->cas_count = PS_COMPARE_CAS;
        plan->lowered = true;
    }
}

int ps_plan_make(ps_ctx *c, ps_plan *plan, nx_err *err)
{
    memset(plan, 0, sizeof *plan);
    plan->replicas[0] = (int)c->opts.common.replicas;
    plan->npasses = 1;
    if (c->opts.common.replicas_set)
        return 0;
    if (c->run.scope && !nx_run_takes_r3(&c->run, plan->why, sizeof plan->why))
        return 0;
    if (c->run.scope == NULL && c->run.cluster.n < 3)
        return 0;
    plan->replicas[0] = 1;
    plan->replicas[1] = 3;
    plan->npasses = 2;
    lower_defaults(&c->opts, plan);
    c->compare = ps_compare_new(1, 3);
    if (c->compare == NULL)
        return nx_fail(err, "out of memory");
    return 0;
}

void ps_pass_begin(ps_ctx *c, const ps_plan *plan, int p)
{
    c->opts.common.replicas = plan->replicas[p];
    if (c->compare)
        ps_compare_set_pass(c->compare, p);
    if (c->opts.common.quiet)
        return;
    if (p == 0 && plan->why[0])
        printf("R3 not measured: %s\n\n", plan->why);
    if (plan->npasses < 2)
        return;
    printf("=== Pass %d of %d: R%d stream and bucket", p + 1, plan->npasses, plan->replicas[p]);
    if (plan->lowered)
        printf(" (R1/R3 comparison: history up to %ld, %ld reads, %ld CAS increments per writer, "
               "lowered from the single-server defaults so both passes fit in a few minutes)",
               c->opts.history[c->opts.nhistory - 1], c->opts.reads, c->opts.cas_count);
    printf(" ===\n\n");
}

int ps_pass_end(ps_ctx *c, nx_err *err)
{
    ps_ctx_drop_workload(c, true);
    c->loaded = 0;
    memset(&c->reader, 0, sizeof c->reader);
    if (c->stream[0] && nx_stream_delete(c->run.js, c->stream, true, err) != 0)
        return nx_fail_wrap(err, "between the passes: ");
    return 0;
}

void ps_compare_print(const ps_ctx *c, const ps_plan *plan)
{
    if (c->compare == NULL || c->opts.common.quiet || plan->npasses < 2)
        return;
    ps_compare_table(c->compare);
}
