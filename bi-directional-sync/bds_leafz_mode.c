#include "bds_leafz_mode.h"

#include <stdio.h>
#include <string.h>

#include "nx_monitor.h"

static void read_side(nx_server *s, char *mode, char *rtt, size_t len)
{
    nx_leafz l;
    nx_err ignored;
    snprintf(mode, len, "?");
    snprintf(rtt, len, "?");
    if (s == NULL || nx_monitor_leafz(nx_server_monitor_url(s), &l, &ignored) != 0 || l.count != 1)
        return;
    snprintf(mode, len, "%s", l.conns[0].compression);
    snprintf(rtt, len, "%s", l.conns[0].rtt);
}

void bds_leafz_mode_read(bds_topology *t, bds_leafz_mode *out)
{
    memset(out, 0, sizeof *out);
    read_side(t->hub, out->hub, out->hub_rtt, sizeof out->hub);
    read_side(t->leaf, out->leaf, out->leaf_rtt, sizeof out->leaf);
}

const char *bds_leafz_mode_text(const bds_leafz_mode *m, char *buf, size_t len)
{
    snprintf(buf, len, "negotiated: hub %s, leaf %s (rtt %s / %s)", m->hub[0] ? m->hub : "none",
             m->leaf[0] ? m->leaf : "none", m->hub_rtt, m->leaf_rtt);
    return buf;
}
