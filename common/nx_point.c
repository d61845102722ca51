#include "nx_point.h"

#include <string.h>

size_t nx_point_size(const nx_point *p)
{
    return NX_POINT_HEADER + p->origin_len + p->data_len;
}

size_t nx_point_encode(const nx_point *p, uint8_t *buf, size_t cap)
{
    size_t need = nx_point_size(p);
    if (need > cap)
        return 0;
    uint64_t t = (uint64_t)p->time_ns;
    for (int i = 0; i < 8; i++)
        buf[i] = (uint8_t)(t >> (8 * i));
    buf[8] = p->tombstone;
    buf[9] = p->origin_len;
    if (p->origin_len)
        memcpy(buf + NX_POINT_HEADER, p->origin, p->origin_len);
    if (p->data_len)
        memcpy(buf + NX_POINT_HEADER + p->origin_len, p->data, p->data_len);
    return need;
}

bool nx_point_decode(const uint8_t *buf, size_t len, nx_point *p)
{
    if (buf == NULL || len < NX_POINT_HEADER)
        return false;
    uint64_t t = 0;
    for (int i = 0; i < 8; i++)
        t |= (uint64_t)buf[i] << (8 * i);
    uint8_t origin_len = buf[9];
    if ((size_t)origin_len > len - NX_POINT_HEADER)
        return false;
    p->time_ns = (int64_t)t;
    p->tombstone = buf[8];
    p->origin_len = origin_len;
    p->origin = (const char *)buf + NX_POINT_HEADER;
    p->data = buf + NX_POINT_HEADER + origin_len;
    p->data_len = len - NX_POINT_HEADER - origin_len;
    return true;
}

bool nx_point_equal(const nx_point *a, const nx_point *b)
{
    return a->time_ns == b->time_ns && a->tombstone == b->tombstone &&
           a->origin_len == b->origin_len && a->data_len == b->data_len &&
           (a->origin_len == 0 || memcmp(a->origin, b->origin, a->origin_len) == 0) &&
           (a->data_len == 0 || memcmp(a->data, b->data, a->data_len) == 0);
}
