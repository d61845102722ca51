#include "tsd_jsmeta.h"

#include <string.h>

#define TOKENS_MAX 16

static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
    if (len == 0 || len > 19)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

bool tsd_jsmeta_parse(const char *reply, uint64_t *stream_seq, uint64_t *pending)
{
    if (reply == NULL || strncmp(reply, "$JS.ACK.", 8) != 0)
        return false;
    const char *tok[TOKENS_MAX];
    size_t len[TOKENS_MAX];
    int n = 0;
    const char *p = reply;
    while (n < TOKENS_MAX) {
        const char *dot = strchr(p, '.');
        tok[n] = p;
        len[n] = dot ? (size_t)(dot - p) : strlen(p);
        n++;
        if (!dot)
            break;
        p = dot + 1;
    }
    /* $JS.ACK + 7 tokens; the newer form adds domain and account hash after
     * ACK and may end with a random token. */
    int base;
    if (n == 9)
        base = 2;
    else if (n == 11 || n == 12)
        base = 4;
    else
        return false;
    return parse_u64(tok[base + 3], len[base + 3], stream_seq) &&
           parse_u64(tok[base + 6], len[base + 6], pending);
}
