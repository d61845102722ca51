#include "ps_avail.h"

#include <stdio.h>

#include "nx_version.h"

bool ps_method_runs(const ps_ctx *c, ps_method m)
{
    return !ps_method_describe(m)->multi_get ||
           nx_version_has(c->run.server_version, NX_FEAT_MULTI_GET);
}

void ps_print_missing_methods(const ps_ctx *c)
{
    if (ps_quiet(c))
        return;
    for (int m = 0; m < PS_NMETHODS; m++) {
        if (ps_method_runs(c, (ps_method)m))
            continue;
        char line[160];
        printf(
            "  %-22s not measured: %s\n", ps_method_describe((ps_method)m)->label,
            nx_feature_missing_line(NX_FEAT_MULTI_GET, c->run.server_version, line, sizeof line));
    }
}
