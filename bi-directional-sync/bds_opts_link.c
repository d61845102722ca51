#include "bds_opts_link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const all_modes[BDS_COMPRESS_MODES] = {"off", "s2_fast", "s2_better", "s2_best",
                                                          "s2_auto"};

void bds_link_opts_defaults(bds_link_opts *o)
{
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < BDS_COMPRESS_MODES; i++)
        o->modes[i] = all_modes[i];
    o->nmodes = BDS_COMPRESS_MODES;
    o->rtt_ms[0] = 0;
    o->rtt_ms[1] = 100;
    o->rtt_ms[2] = 600;
    o->nrtt = 3;
    o->drop_down_s[0] = 2;
    o->drop_period_s[0] = 6;
    o->drop_down_s[1] = 5;
    o->drop_period_s[1] = 15;
    o->ndrop = 2;
    o->drop_cycles = 2;
}

void bds_link_opts_quick(bds_link_opts *o)
{
    /* s2_best shows what compression saves; s2_auto that it stays off on
     * loopback and comes on behind the relay's delay. */
    if (!o->modes_set) {
        o->modes[0] = "s2_best";
        o->modes[1] = "s2_auto";
        o->nmodes = 2;
    }
    if (!o->rtt_set) {
        o->rtt_ms[0] = 100;
        o->nrtt = 1;
    }
    if (!o->drop_set) {
        o->drop_down_s[0] = 1;
        o->drop_period_s[0] = 3;
        o->ndrop = 1;
    }
    if (!o->cycles_set)
        o->drop_cycles = 1;
}

const char *bds_compress_mode(const char *s, size_t len)
{
    for (size_t i = 0; i < BDS_COMPRESS_MODES; i++)
        if (strlen(all_modes[i]) == len && strncmp(s, all_modes[i], len) == 0)
            return all_modes[i];
    return NULL;
}

int bds_link_opts_compression(bds_link_opts *o, const char *arg, nx_err *err)
{
    o->modes_set = true;
    o->nmodes = 0;
    if (strcmp(arg, "none") == 0)
        return 0;
    for (const char *p = arg;; p++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *m = bds_compress_mode(p, len);
        if (m == NULL || o->nmodes == BDS_COMPRESS_MODES)
            return nx_fail(err,
                           "--compression: '%.*s' is not allowed (allowed: a list of off, "
                           "s2_fast, s2_better, s2_best, s2_auto, each once; or none)",
                           (int)len, p);
        for (size_t i = 0; i < o->nmodes; i++)
            if (o->modes[i] == m)
                return nx_fail(err, "--compression: %s is listed twice", m);
        o->modes[o->nmodes++] = m;
        if (end == NULL)
            return 0;
        p = end;
    }
}

int bds_link_opts_rtt(bds_link_opts *o, const char *arg, nx_err *err)
{
    o->rtt_set = true;
    return nx_parse_long_list("link-rtt", arg, 0, 10000, o->rtt_ms, &o->nrtt, err);
}

/* One "T/P" with 1 <= T < P <= 600. */
static int parse_pattern(const char *s, size_t len, long *t, long *p, nx_err *err)
{
    char buf[32], *slash, *end;
    if (len == 0 || len >= sizeof buf)
        return nx_fail(err, "--link-dropout: '%.*s' is not T/P (seconds down / period)", (int)len,
                       s);
    memcpy(buf, s, len);
    buf[len] = '\0';
    slash = strchr(buf, '/');
    if (slash == NULL || slash == buf || slash[1] == '\0')
        return nx_fail(err, "--link-dropout: '%s' is not T/P (seconds down / period)", buf);
    *slash = '\0';
    *t = strtol(buf, &end, 10);
    bool ok = *end == '\0';
    *p = strtol(slash + 1, &end, 10);
    ok = ok && *end == '\0' && *t >= 1 && *t < *p && *p <= 600;
    if (!ok)
        return nx_fail(err, "--link-dropout: '%s/%s' needs whole seconds 1 <= T < P <= 600", buf,
                       slash + 1);
    return 0;
}

int bds_link_opts_dropout(bds_link_opts *o, const char *arg, nx_err *err)
{
    o->drop_set = true;
    o->ndrop = 0;
    if (strcmp(arg, "0") == 0 || strcmp(arg, "none") == 0)
        return 0;
    for (const char *p = arg;; p++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (o->ndrop == NX_LIST_MAX)
            return nx_fail(err, "--link-dropout: at most %d patterns", NX_LIST_MAX);
        if (parse_pattern(p, len, &o->drop_down_s[o->ndrop], &o->drop_period_s[o->ndrop], err) != 0)
            return -1;
        o->ndrop++;
        if (end == NULL)
            return 0;
        p = end;
    }
}

int bds_link_opts_cycles(bds_link_opts *o, const char *arg, nx_err *err)
{
    o->cycles_set = true;
    return nx_parse_long("dropout-cycles", arg, 1, 100, &o->drop_cycles, err);
}
