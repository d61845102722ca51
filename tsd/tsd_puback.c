#include "tsd_puback.h"

#include <string.h>

static const char *find(const char *data, size_t len, const char *needle)
{
    return memmem(data, len, needle, strlen(needle));
}

int tsd_puback_seq(const char *data, size_t len, uint64_t *seq, nx_err *err)
{
    if (data == NULL || len == 0)
        return nx_fail(err, "publish ack is empty (no JetStream stream took the message?)");
    const char *e = find(data, len, "\"error\"");
    if (e) {
        const char *d = find(data, len, "\"description\":\"");
        if (d) {
            d += strlen("\"description\":\"");
            const char *q = memchr(d, '"', (size_t)(data + len - d));
            int n = q ? (int)(q - d) : (int)(data + len - d);
            return nx_fail(err, "publish rejected: %.*s", n, d);
        }
        return nx_fail(err, "publish rejected: %.*s", (int)(len > 200 ? 200 : len), data);
    }
    const char *p = find(data, len, "\"seq\":");
    if (p == NULL)
        return nx_fail(err, "publish ack without a sequence: %.*s", (int)(len > 200 ? 200 : len),
                       data);
    p += strlen("\"seq\":");
    const char *end = data + len;
    while (p < end && *p == ' ')
        p++;
    uint64_t v = 0;
    int digits = 0;
    for (; p < end && *p >= '0' && *p <= '9' && digits < 20; p++, digits++)
        v = v * 10 + (uint64_t)(*p - '0');
    if (digits == 0 || digits == 20)
        return nx_fail(err, "publish ack with a malformed sequence: %.*s",
                       (int)(len > 200 ? 200 : len), data);
    *seq = v;
    return 0;
}
