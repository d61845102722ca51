#include "nx_monitor.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int64_t num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

static void str(const cJSON *obj, const char *key, char *out, size_t len)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    snprintf(out, len, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

/* The array under key, or NULL when it is missing or not an array (the
 * server sends "leafs": null when there are none). */
static const cJSON *array_item(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsArray(v) ? v : NULL;
}

static cJSON *parse_object(const char *json, const char *what, nx_err *err)
{
    cJSON *root = json ? cJSON_Parse(json) : NULL;
    if (root == NULL || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        nx_fail(err, "%s: the server sent JSON that is malformed or not an object", what);
        return NULL;
    }
    return root;
}

int nx_varz_parse(const char *json, nx_varz *out, nx_err *err)
{
    cJSON *root = parse_object(json, "/varz", err);
    if (root == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    str(root, "version", out->version, sizeof out->version);
    str(root, "server_name", out->server_name, sizeof out->server_name);
    out->in_msgs = num(root, "in_msgs");
    out->out_msgs = num(root, "out_msgs");
    out->in_bytes = num(root, "in_bytes");
    out->out_bytes = num(root, "out_bytes");
    out->mem = num(root, "mem");
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(root, "cpu");
    out->cpu = cJSON_IsNumber(cpu) ? cpu->valuedouble : 0;
    out->connections = (int)num(root, "connections");
    out->leafnodes = (int)num(root, "leafnodes");
    out->leaf_port = (int)num(cJSON_GetObjectItemCaseSensitive(root, "leaf"), "port");
    out->cluster_port = (int)num(cJSON_GetObjectItemCaseSensitive(root, "cluster"), "cluster_port");
    cJSON_Delete(root);
    if (out->version[0] == '\0')
        return nx_fail(err, "/varz: no server version in the reply");
    return 0;
}

int nx_leafz_parse(const char *json, nx_leafz *out, nx_err *err)
{
    cJSON *root = parse_object(json, "/leafz", err);
    if (root == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    const cJSON *leafs = array_item(root, "leafs");
    const cJSON *leaf;
    cJSON_ArrayForEach(leaf, leafs)
    {
        if (out->count == NX_LEAFZ_MAX)
            break;
        nx_leaf_conn *c = &out->conns[out->count++];
        str(leaf, "name", c->name, sizeof c->name);
        str(leaf, "ip", c->ip, sizeof c->ip);
        c->port = (int)num(leaf, "port");
        c->in_msgs = num(leaf, "in_msgs");
        c->out_msgs = num(leaf, "out_msgs");
        c->in_bytes = num(leaf, "in_bytes");
        c->out_bytes = num(leaf, "out_bytes");
        str(leaf, "compression", c->compression, sizeof c->compression);
        str(leaf, "rtt", c->rtt, sizeof c->rtt);
    }
    cJSON_Delete(root);
    return 0;
}

int nx_jsz_parse(const char *json, nx_jsz *out, nx_err *err)
{
    cJSON *root = parse_object(json, "/jsz", err);
    if (root == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    out->streams = num(root, "streams");
    out->consumers = num(root, "consumers");
    out->messages = num(root, "messages");
    out->bytes = num(root, "bytes");
    out->memory = num(root, "memory");
    out->storage = num(root, "storage");
    str(cJSON_GetObjectItemCaseSensitive(root, "meta_cluster"), "leader", out->meta_leader,
        sizeof out->meta_leader);
    const cJSON *accounts = array_item(root, "account_details");
    const cJSON *acc;
    cJSON_ArrayForEach(acc, accounts)
    {
        const cJSON *streams = array_item(acc, "stream_detail");
        const cJSON *st;
        cJSON_ArrayForEach(st, streams)
        {
            if (out->nstreams == NX_JSZ_STREAMS_MAX)
                break;
            nx_jsz_stream *s = &out->stream[out->nstreams++];
            str(st, "name", s->name, sizeof s->name);
            const cJSON *state = cJSON_GetObjectItemCaseSensitive(st, "state");
            s->messages = (uint64_t)num(state, "messages");
            s->bytes = (uint64_t)num(state, "bytes");
            s->first_seq = (uint64_t)num(state, "first_seq");
            s->last_seq = (uint64_t)num(state, "last_seq");
            s->consumers = (int)num(state, "consumer_count");
        }
    }
    cJSON_Delete(root);
    return 0;
}

typedef struct buffer {
    char *data;
    size_t len;
} buffer;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    buffer *b = userdata;
    size_t n = size * nmemb;
    char *grown = realloc(b->data, b->len + n + 1);
    if (grown == NULL)
        return 0;
    memcpy(grown + b->len, ptr, n);
    b->data = grown;
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static void init_curl(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

int nx_http_get(const char *base_url, const char *path, char **body, nx_err *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_curl);
    char url[512];
    snprintf(url, sizeof url, "%s%s", base_url, path);
    CURL *curl = curl_easy_init();
    if (curl == NULL)
        return nx_fail(err, "GET %s: cannot initialise libcurl", url);
    buffer b = {NULL, 0};
    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK || status != 200 || b.data == NULL) {
        free(b.data);
        if (rc != CURLE_OK)
            return nx_fail(err, "GET %s: %s", url, curl_err[0] ? curl_err : curl_easy_strerror(rc));
        return nx_fail(err, "GET %s: HTTP status %ld", url, status);
    }
    *body = b.data;
    return 0;
}

/* GETs path and returns the body (malloc'd) for the caller's parser. */
static char *fetch(const char *base_url, const char *path, nx_err *err)
{
    char *body = NULL;
    return nx_http_get(base_url, path, &body, err) == 0 ? body : NULL;
}

int nx_monitor_varz(const char *base_url, nx_varz *out, nx_err *err)
{
    char *body = fetch(base_url, "/varz", err);
    int rc = body ? nx_varz_parse(body, out, err) : -1;
    free(body);
    return rc;
}

int nx_monitor_leafz(const char *base_url, nx_leafz *out, nx_err *err)
{
    char *body = fetch(base_url, "/leafz", err);
    int rc = body ? nx_leafz_parse(body, out, err) : -1;
    free(body);
    return rc;
}

int nx_monitor_jsz(const char *base_url, nx_jsz *out, nx_err *err)
{
    char *body = fetch(base_url, "/jsz?accounts=true&streams=true", err);
    int rc = body ? nx_jsz_parse(body, out, err) : -1;
    free(body);
    return rc;
}

int nx_info_line_version(const char *line, char *out, size_t len, nx_err *err)
{
    if (strncmp(line, "INFO ", 5) != 0)
        return nx_fail(err, "the server did not start with an INFO line");
    cJSON *root = parse_object(line + 5, "INFO", err);
    if (root == NULL)
        return -1;
    str(root, "version", out, len);
    cJSON_Delete(root);
    if (out[0] == '\0')
        return nx_fail(err, "the server's INFO line has no version");
    return 0;
}

/* Splits nats://host:port (the first of a comma-separated list). */
static int split_url(const char *url, char *host, size_t hlen, char *port, size_t plen, nx_err *err)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *at = strchr(p, '@');
    const char *comma = strchr(p, ',');
    if (at && (!comma || at < comma))
        p = at + 1;
    size_t end = comma ? (size_t)(comma - p) : strlen(p);
    char hostport[256];
    if (end == 0 || end >= sizeof hostport)
        return nx_fail(err, "cannot read a host from URL '%s'", url);
    memcpy(hostport, p, end);
    hostport[end] = '\0';
    char *colon = strrchr(hostport, ':');
    if (colon) {
        *colon = '\0';
        snprintf(port, plen, "%s", colon + 1);
    } else {
        snprintf(port, plen, "4222");
    }
    snprintf(host, hlen, "%s", hostport);
    return 0;
}

/* A host that drops packets must not hold the run for the kernel's two
 * minutes of SYN retries: connect without blocking and wait timeout_ms. */
static int connect_within(const struct addrinfo *a, int timeout_ms, int *saved)
{
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
        *saved = errno;
        return -1;
    }
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
            *saved = errno;
            close(fd);
            return -1;
        }
        struct pollfd pfd = {fd, POLLOUT, 0};
        int soerr = 0;
        socklen_t slen = sizeof soerr;
        if (poll(&pfd, 1, timeout_ms) != 1 ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) != 0 || soerr != 0) {
            *saved = soerr ? soerr : ETIMEDOUT;
            close(fd);
            return -1;
        }
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

int nx_probe_server_version(const char *url, char *out, size_t len, nx_err *err)
{
    char host[256], port[32];
    if (split_url(url, host, sizeof host, port, sizeof port, err) != 0)
        return -1;
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0)
        return nx_fail(err, "cannot resolve %s:%s: %s", host, port, gai_strerror(gai));
    int fd = -1;
    int saved = ETIMEDOUT;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = connect_within(a, 2000, &saved);
    }
    freeaddrinfo(res);
    if (fd < 0)
        return nx_fail(err, "cannot connect to %s:%s: %s", host, port, strerror(saved));
    char line[8192];
    size_t got = 0;
    while (got < sizeof line - 1 && memchr(line, '\n', got) == NULL) {
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, 2000) <= 0)
            break;
        ssize_t n = read(fd, line + got, sizeof line - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    line[got] = '\0';
    char *nl = strpbrk(line, "\r\n");
    if (nl == NULL)
        return nx_fail(err, "%s:%s did not send a NATS INFO line within 2 s", host, port);
    *nl = '\0';
    return nx_info_line_version(line, out, len, err);
}
