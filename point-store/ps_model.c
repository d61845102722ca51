#include "ps_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ps_model_init(ps_model *m, long nodes, long props, size_t payload, nx_err *err)
{
    memset(m, 0, sizeof *m);
    if (nodes < 1 || props < 1)
        return nx_fail(err, "the model needs at least one node and one prop");
    m->cells = calloc((size_t)nodes * (size_t)props, sizeof *m->cells);
    if (m->cells == NULL)
        return nx_fail(err, "out of memory for a model of %ld nodes x %ld props", nodes, props);
    m->nodes = nodes;
    m->props = props;
    m->payload = payload;
    return 0;
}

void ps_model_free(ps_model *m)
{
    free(m->cells);
    memset(m, 0, sizeof *m);
}

void ps_node_name(long node, char *buf, size_t len)
{
    snprintf(buf, len, "d%ld", node);
}

void ps_prop_name(long prop, char *buf, size_t len)
{
    snprintf(buf, len, "p%ld", prop);
}

uint64_t ps_rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void ps_model_data(long node, long prop, uint32_t version, uint8_t *buf, size_t len)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t seed = ((uint64_t)node << 40) ^ ((uint64_t)prop << 20) ^ version;
    uint64_t bits = 0;
    for (size_t i = 0; i < len; i++) {
        if (i % 8 == 0)
            bits = ps_rng_next(&seed);
        buf[i] = (uint8_t)alphabet[(bits & 0xff) % (sizeof alphabet - 1)];
        bits >>= 8;
    }
}

size_t ps_model_point_cap(const ps_model *m)
{
    return NX_POINT_HEADER + sizeof PS_ORIGIN - 1 + m->payload;
}

size_t ps_model_encode(const ps_model *m, long node, long prop, uint32_t version, int64_t time_ns,
                       bool tombstone, uint8_t *buf, size_t cap)
{
    size_t data_len = tombstone ? 0 : m->payload;
    size_t need = NX_POINT_HEADER + sizeof PS_ORIGIN - 1 + data_len;
    if (need > cap)
        return 0;
    uint8_t *data = buf + NX_POINT_HEADER + sizeof PS_ORIGIN - 1;
    /* The data is generated in place, where nx_point_encode would copy it
     * to (memcpy onto itself is avoided by passing no data). */
    nx_point p = {.time_ns = time_ns,
                  .tombstone = tombstone ? 1 : 0,
                  .origin = PS_ORIGIN,
                  .origin_len = sizeof PS_ORIGIN - 1};
    size_t n = nx_point_encode(&p, buf, cap);
    if (n == 0)
        return 0;
    ps_model_data(node, prop, version, data, data_len);
    return n + data_len;
}

static ps_cell *cell(const ps_model *m, long node, long prop)
{
    return &m->cells[(size_t)node * (size_t)m->props + (size_t)prop];
}

void ps_model_set(ps_model *m, long node, long prop, uint32_t version, int64_t time_ns,
                  bool tombstone)
{
    ps_cell *c = cell(m, node, prop);
    c->version = version;
    c->time_ns = time_ns;
    c->tombstone = tombstone ? 1 : 0;
}

const ps_cell *ps_model_cell(const ps_model *m, long node, long prop)
{
    return cell(m, node, prop);
}

int ps_model_state(const ps_model *m, long node, ps_state *out, nx_err *err)
{
    ps_state_clear(out);
    uint8_t stack[512];
    size_t cap = ps_model_point_cap(m);
    uint8_t *buf = cap <= sizeof stack ? stack : malloc(cap);
    if (buf == NULL)
        return nx_fail(err, "out of memory building the model state");
    int rc = 0;
    for (long p = 0; p < m->props && rc == 0; p++) {
        const ps_cell *c = cell(m, node, p);
        if (c->version == 0)
            continue;
        char prop[PS_NAME_MAX];
        ps_prop_name(p, prop, sizeof prop);
        size_t n = ps_model_encode(m, node, p, c->version, c->time_ns, c->tombstone, buf, cap);
        rc = ps_state_merge(out, prop, buf, n, err);
    }
    if (buf != stack)
        free(buf);
    return rc;
}

uint64_t ps_batch_count(const ps_model *m, const ps_batch *b)
{
    return (uint64_t)(b->to - b->from) * (uint64_t)m->nodes * (uint64_t)m->props;
}

void ps_batch_point(const ps_model *m, const ps_batch *b, uint64_t k, long *node, long *prop,
                    uint32_t *version, int64_t *time_ns)
{
    uint64_t per_update = (uint64_t)m->nodes * (uint64_t)m->props;
    uint64_t rem = k % per_update;
    *version = (uint32_t)(b->from + (long)(k / per_update) + 1);
    *node = (long)(rem / (uint64_t)m->props);
    *prop = (long)(rem % (uint64_t)m->props);
    *time_ns = b->t0 + (int64_t)k;
}

void ps_model_apply_batch(ps_model *m, const ps_batch *b)
{
    if (b->to <= b->from)
        return;
    uint64_t per_update = (uint64_t)m->nodes * (uint64_t)m->props;
    uint64_t last_round = (uint64_t)(b->to - b->from - 1) * per_update;
    for (long n = 0; n < m->nodes; n++)
        for (long p = 0; p < m->props; p++) {
            uint64_t k = last_round + (uint64_t)n * (uint64_t)m->props + (uint64_t)p;
            ps_model_set(m, n, p, (uint32_t)b->to, b->t0 + (int64_t)k, false);
        }
}
