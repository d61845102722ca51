#include "nx_server.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nx_janitor.h"
#include "nx_monitor.h"
#include "nx_stats.h"
#include "nx_version.h"
#include "nx_wait.h"

#define READY_TIMEOUT_MS 10000

struct nx_server {
    char binary[PATH_MAX];
    char name[128];
    char domain[128];
    bool jetstream;
    bool leaf_listen;
    char leaf_advertise[64];
    char leaf_remote[256];
    char cluster_name[128];
    char routes[NX_ROUTES_MAX][128];
    int nroutes;
    char sync_interval[32];
    char leaf_compression[16];
    long long js_max_mem, js_max_store;
    bool keep;

    char dir[PATH_MAX];
    char store_dir[PATH_MAX + 16];
    pid_t pid; /* 0 when not running */
    int port, monitor_port, leaf_port, cluster_port;
    char url[64];
    char monitor_url[64];
    char version[32];
    double ready_ms;
};

void nx_server_config_init(nx_server_config *c)
{
    memset(c, 0, sizeof *c);
    c->jetstream = true;
}

static bool is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int nx_server_find_binary(const char *explicit_path, char *out, size_t len, nx_err *err)
{
    const char *env = getenv("NATS_SERVER");
    const char *given = explicit_path ? explicit_path : (env && *env ? env : NULL);
    const char *source = explicit_path ? "--nats-server" : "NATS_SERVER";
    if (given) {
        if (!is_executable_file(given))
            return nx_fail(err, "%s=%s: %s", source, given,
                           access(given, F_OK) != 0 ? "no such file" : "not an executable file");
        snprintf(out, len, "%s", given);
        return 0;
    }
    const char *path = getenv("PATH");
    char buf[PATH_MAX];
    for (const char *p = path ? path : ""; *p;) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        if (n > 0 && n < sizeof buf - 16) {
            snprintf(buf, sizeof buf, "%.*s/nats-server", (int)n, p);
            if (is_executable_file(buf)) {
                snprintf(out, len, "%s", buf);
                return 0;
            }
        }
        p += n + (colon ? 1 : 0);
    }
    return nx_fail(err, "nats-server not found in PATH: install it (apt-get install nats-server, "
                        "or scripts/install-deps.sh) or point --nats-server or NATS_SERVER at "
                        "the binary");
}

int nx_server_binary_version(const char *binary, char *out, size_t len, nx_err *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return nx_fail(err, "cannot ask %s its version: %s", binary, strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return nx_fail(err, "cannot ask %s its version: %s", binary, strerror(errno));
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        char *const argv[] = {"nats-server", "--version", NULL};
        execv(binary, argv);
        _exit(127);
    }
    close(fds[1]);
    char buf[256];
    size_t n = 0;
    int64_t deadline = nx_now_ns() + 5 * (int64_t)1000000000;
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    while (n < sizeof buf - 1 && nx_now_ns() < deadline) {
        ssize_t r = read(fds[0], buf + n, sizeof buf - 1 - n);
        if (r == 0)
            break;
        if (r > 0)
            n += (size_t)r;
        else if (errno == EAGAIN || errno == EINTR)
            nx_sleep_ms(2);
        else
            break;
    }
    close(fds[0]);
    buf[n] = '\0';
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    /* "nats-server: v2.10.27" */
    const char *v = strstr(buf, ": v");
    nx_version parsed;
    if (v == NULL || nx_version_parse(v + 2, &parsed) != 0)
        return nx_fail(err, "%s --version did not print a nats-server version", binary);
    size_t vl = strcspn(v + 3, " \r\n");
    snprintf(out, len, "%.*s", (int)vl, v + 3);
    return 0;
}

/* The config format takes double-quoted strings; refuse paths that would
 * need escaping rather than generate a config the server misreads. */
static int check_quotable(const char *what, const char *s, nx_err *err)
{
    for (const char *p = s; *p; p++)
        if (*p == '"' || *p == '\\' || *p == '\n' || *p == '\r')
            return nx_fail(err, "%s '%s' contains a quote, backslash or newline", what, s);
    return 0;
}

static void port_or_random(char *buf, size_t len, int port)
{
    if (port > 0)
        snprintf(buf, len, "%d", port);
    else
        snprintf(buf, len, "-1");
}

static int write_config(const nx_server *s, const char *path, nx_err *err)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return nx_fail(err, "cannot write %s: %s", path, strerror(errno));
    char port[16];
    if (s->name[0])
        fprintf(f, "server_name: \"%s\"\n", s->name);
    port_or_random(port, sizeof port, s->port);
    fprintf(f, "listen: \"127.0.0.1:%s\"\n", port);
    port_or_random(port, sizeof port, s->monitor_port);
    fprintf(f, "http: \"127.0.0.1:%s\"\n", port);
    fprintf(f, "ports_file_dir: \"%s\"\n", s->dir);
    if (s->jetstream) {
        fprintf(f, "jetstream {\n  store_dir: \"%s\"\n", s->store_dir);
        if (s->domain[0])
            fprintf(f, "  domain: \"%s\"\n", s->domain);
        if (s->sync_interval[0])
            fprintf(f, "  sync_interval: %s\n", s->sync_interval);
        if (s->js_max_mem > 0)
            fprintf(f, "  max_memory_store: %lld\n", s->js_max_mem);
        if (s->js_max_store > 0)
            fprintf(f, "  max_file_store: %lld\n", s->js_max_store);
        fprintf(f, "}\n");
    }
    if (s->leaf_listen || s->leaf_remote[0]) {
        fprintf(f, "leafnodes {\n");
        if (s->leaf_listen) {
            port_or_random(port, sizeof port, s->leaf_port);
            fprintf(f, "  listen: \"127.0.0.1:%s\"\n", port);
            if (s->leaf_compression[0])
                fprintf(f, "  compression: %s\n", s->leaf_compression);
            if (s->leaf_advertise[0])
                fprintf(f, "  advertise: \"%s\"\n", s->leaf_advertise);
        }
        if (s->leaf_remote[0] && s->leaf_compression[0])
            fprintf(f, "  remotes: [ { url: \"%s\", compression: %s } ]\n", s->leaf_remote,
                    s->leaf_compression);
        else if (s->leaf_remote[0])
            fprintf(f, "  remotes: [ { url: \"%s\" } ]\n", s->leaf_remote);
        fprintf(f, "}\n");
    }
    if (s->cluster_name[0]) {
        port_or_random(port, sizeof port, s->cluster_port);
        fprintf(f, "cluster {\n  name: \"%s\"\n  listen: \"127.0.0.1:%s\"\n", s->cluster_name,
                port);
        if (s->nroutes > 0) {
            fprintf(f, "  routes: [\n");
            for (int i = 0; i < s->nroutes; i++)
                fprintf(f, "    \"%s\"\n", s->routes[i]);
            fprintf(f, "  ]\n");
        }
        fprintf(f, "}\n");
    }
    if (fclose(f) != 0)
        return nx_fail(err, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

/* The last non-empty line of the server's log, with the "[pid] date [LVL]"
 * prefix kept: it is usually the reason it stopped. */
static void last_log_line(const nx_server *s, char *out, size_t len)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/server.log", s->dir);
    snprintf(out, len, "(no log output)");
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            snprintf(out, len, "%s", line);
    }
    fclose(f);
}

static pid_t spawn(const nx_server *s, const char *conf, nx_err *err)
{
    char log[PATH_MAX + 16];
    snprintf(log, sizeof log, "%s/server.log", s->dir);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return nx_fail(err, "cannot fork nats-server: %s", strerror(errno));
    if (pid == 0) {
        /* Own process group: Ctrl-C goes to the experiment, which stops the
         * server in order instead of racing it. */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(1);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        int null = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        if (null >= 0)
            dup2(null, STDIN_FILENO);
        char *const argv[] = {"nats-server", "-c", (char *)conf, NULL};
        execv(s->binary, argv);
        static const char msg[] = "exec of nats-server failed\n";
        if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
            _exit(127);
        _exit(127);
    }
    return pid;
}

/* The ports file is named after the server's pid; remove stale ones before a
 * restart so only the new server's is found. */
static void remove_ports_files(const nx_server *s)
{
    DIR *d = opendir(s->dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 6 && strcmp(e->d_name + n - 6, ".ports") == 0)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

static int port_of(const cJSON *list)
{
    const cJSON *first = cJSON_IsArray(list) ? cJSON_GetArrayItem(list, 0) : NULL;
    if (!cJSON_IsString(first))
        return 0;
    const char *colon = strrchr(first->valuestring, ':');
    return colon ? atoi(colon + 1) : 0;
}

/* Returns true once the ports file exists and names both ports (it may be
 * read while half written: a parse failure means "not yet"). */
static bool read_ports_file(nx_server *s)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/nats-server_%d.ports", s->dir, (int)s->pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cJSON *root = cJSON_Parse(buf);
    if (root == NULL)
        return false;
    int client = port_of(cJSON_GetObjectItemCaseSensitive(root, "nats"));
    int monitor = port_of(cJSON_GetObjectItemCaseSensitive(root, "monitoring"));
    cJSON_Delete(root);
    if (client <= 0 || monitor <= 0)
        return false;
    s->port = client;
    s->monitor_port = monitor;
    return true;
}

static bool reap(nx_server *s, int *status)
{
    pid_t r = waitpid(s->pid, status, WNOHANG);
    if (r == s->pid || (r < 0 && errno == ECHILD)) {
        nx_janitor_set_pid(s->dir, 0);
        s->pid = 0;
        return true;
    }
    return false;
}

static void describe_exit(int status, char *buf, size_t len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, len, "status %d", status);
}

static int launch(nx_server *s, nx_err *err)
{
    char conf[PATH_MAX + 16];
    snprintf(conf, sizeof conf, "%s/server.conf", s->dir);
    if (write_config(s, conf, err) != 0)
        return -1;
    remove_ports_files(s);
    int64_t t0 = nx_now_ns();
    pid_t pid = spawn(s, conf, err);
    if (pid < 0)
        return -1;
    s->pid = pid;
    nx_janitor_set_pid(s->dir, pid);

    for (;;) {
        int status = 0;
        if (reap(s, &status)) {
            char how[64], line[600];
            describe_exit(status, how, sizeof how);
            last_log_line(s, line, sizeof line);
            return nx_fail(err, "nats-server %s exited at once (%s): %s", s->binary, how, line);
        }
        if (read_ports_file(s))
            break;
        if (nx_now_ns() - t0 > (int64_t)READY_TIMEOUT_MS * 1000000) {
            nx_server_stop(s, 1000);
            return nx_fail(err, "nats-server was not ready within %d s (log: %s/server.log)",
                           READY_TIMEOUT_MS / 1000, s->dir);
        }
        nx_sleep_ms(1);
    }
    snprintf(s->url, sizeof s->url, "nats://127.0.0.1:%d", s->port);
    snprintf(s->monitor_url, sizeof s->monitor_url, "http://127.0.0.1:%d", s->monitor_port);
    s->ready_ms = (double)(nx_now_ns() - t0) / 1e6;

    /* 2.9 lists only client and monitoring URLs in the ports file; the
     * leafnode and route ports are in /varz. */
    nx_varz v;
    if (nx_monitor_varz(s->monitor_url, &v, err) != 0) {
        nx_server_stop(s, 1000);
        return nx_fail_wrap(err, "nats-server started but its monitor did not answer: ");
    }
    snprintf(s->version, sizeof s->version, "%s", v.version);
    if (s->leaf_listen)
        s->leaf_port = v.leaf_port;
    if (s->cluster_name[0])
        s->cluster_port = v.cluster_port;
    return 0;
}

static bool is_duration(const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);
    return end != v && n > 0 &&
           (strcmp(end, "ms") == 0 || strcmp(end, "s") == 0 || strcmp(end, "m") == 0 ||
            strcmp(end, "h") == 0);
}

int nx_server_config_check(const nx_server_config *c, const char *version, nx_err *err)
{
    char line[160];
    if (c->sync_interval) {
        if (strcmp(c->sync_interval, "always") != 0 && !is_duration(c->sync_interval))
            return nx_fail(err, "sync_interval '%s': expected always or a duration like 1s",
                           c->sync_interval);
        if (!nx_version_has(version, NX_FEAT_SYNC_INTERVAL))
            return nx_fail(
                err, "%s",
                nx_feature_missing_line(NX_FEAT_SYNC_INTERVAL, version, line, sizeof line));
    }
    if (c->leaf_compression) {
        static const char *const modes[] = {"off", "s2_fast", "s2_better", "s2_best", "s2_auto"};
        bool known = false;
        for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
            known = known || strcmp(c->leaf_compression, modes[i]) == 0;
        if (!known)
            return nx_fail(err,
                           "leafnode compression '%s': expected off, s2_fast, s2_better, "
                           "s2_best or s2_auto",
                           c->leaf_compression);
        if (!nx_version_has(version, NX_FEAT_LEAF_COMPRESSION))
            return nx_fail(
                err, "%s",
                nx_feature_missing_line(NX_FEAT_LEAF_COMPRESSION, version, line, sizeof line));
    }
    return 0;
}

static int copy_config(nx_server *s, const nx_server_config *c, nx_err *err)
{
    if (nx_server_find_binary(c->binary, s->binary, sizeof s->binary, err) != 0)
        return -1;
    if (c->sync_interval || c->leaf_compression) {
        char version[32];
        if (nx_server_binary_version(s->binary, version, sizeof version, err) != 0 ||
            nx_server_config_check(c, version, err) != 0)
            return -1;
        snprintf(s->sync_interval, sizeof s->sync_interval, "%s",
                 c->sync_interval ? c->sync_interval : "");
        snprintf(s->leaf_compression, sizeof s->leaf_compression, "%s",
                 c->leaf_compression ? c->leaf_compression : "");
    }
    if (c->nroutes < 0 || c->nroutes > NX_ROUTES_MAX)
        return nx_fail(err, "too many routes (%d, at most %d)", c->nroutes, NX_ROUTES_MAX);
    const char *strings[] = {c->name, c->domain, c->leaf_remote, c->cluster_name};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
        if (strings[i] == NULL)
            continue;
        if (strlen(strings[i]) >= 128)
            return nx_fail(err, "server setting '%s' is too long", strings[i]);
        if (check_quotable("server setting", strings[i], err) != 0)
            return -1;
    }
    snprintf(s->name, sizeof s->name, "%s", c->name ? c->name : "");
    snprintf(s->domain, sizeof s->domain, "%s", c->domain ? c->domain : "");
    snprintf(s->leaf_remote, sizeof s->leaf_remote, "%s", c->leaf_remote ? c->leaf_remote : "");
    snprintf(s->cluster_name, sizeof s->cluster_name, "%s", c->cluster_name ? c->cluster_name : "");
    for (int i = 0; i < c->nroutes; i++) {
        if (check_quotable("route", c->routes[i], err) != 0)
            return -1;
        snprintf(s->routes[i], sizeof s->routes[i], "%s", c->routes[i]);
    }
    s->nroutes = c->nroutes;
    s->cluster_port = c->cluster_port;
    s->jetstream = c->jetstream;
    s->leaf_listen = c->leaf_listen;
    if (c->leaf_advertise && check_quotable("leafnode advertise", c->leaf_advertise, err) != 0)
        return -1;
    snprintf(s->leaf_advertise, sizeof s->leaf_advertise, "%s",
             c->leaf_advertise ? c->leaf_advertise : "");
    s->keep = c->keep;
    s->js_max_mem = c->js_max_mem;
    s->js_max_store = c->js_max_store;
    if (c->store_dir) {
        if (check_quotable("store_dir", c->store_dir, err) != 0)
            return -1;
        snprintf(s->store_dir, sizeof s->store_dir, "%s", c->store_dir);
    }
    return 0;
}

static int make_temp_dir(nx_server *s, nx_err *err)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || *tmp == '\0')
        tmp = "/tmp";
    if (snprintf(s->dir, sizeof s->dir, "%s/natsexp-XXXXXX", tmp) >= (int)sizeof s->dir)
        return nx_fail(err, "TMPDIR is too long");
    if (check_quotable("TMPDIR", tmp, err) != 0)
        return -1;
    if (mkdtemp(s->dir) == NULL)
        return nx_fail(err, "cannot create a temp dir under %s: %s", tmp, strerror(errno));
    if (s->store_dir[0] == '\0') /* not given in the config */
        snprintf(s->store_dir, sizeof s->store_dir, "%s/store", s->dir);
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_dir(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int nx_server_start(nx_server **out, const nx_server_config *cfg, nx_err *err)
{
    nx_server *s = calloc(1, sizeof *s);
    if (s == NULL)
        return nx_fail(err, "out of memory");
    if (copy_config(s, cfg, err) != 0 || make_temp_dir(s, err) != 0) {
        free(s);
        return -1;
    }
    if (nx_janitor_track(s->dir, s->keep, err) != 0) {
        remove_dir(s->dir);
        free(s);
        return -1;
    }
    if (launch(s, err) != 0) {
        nx_server_destroy(s);
        return -1;
    }
    *out = s;
    return 0;
}

bool nx_server_running(nx_server *s)
{
    int status;
    return s->pid > 0 && !reap(s, &status);
}

int nx_server_stop(nx_server *s, int timeout_ms)
{
    if (s->pid <= 0)
        return 0;
    kill(s->pid, SIGTERM);
    int status = 0;
    for (int waited = 0; waited < timeout_ms; waited += 5) {
        if (reap(s, &status))
            return 0;
        nx_sleep_ms(5);
    }
    nx_server_kill(s);
    return -1;
}

void nx_server_kill(nx_server *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGKILL);
    while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    nx_janitor_set_pid(s->dir, 0);
    s->pid = 0;
}

int nx_server_restart(nx_server *s, nx_err *err)
{
    nx_server_stop(s, 10000);
    return launch(s, err);
}

void nx_server_destroy(nx_server *s)
{
    if (s == NULL)
        return;
    nx_server_stop(s, 10000);
    if (s->keep) {
        fprintf(stderr, "kept nats-server dir: %s\n", s->dir);
    } else {
        remove_dir(s->dir);
        nx_janitor_untrack(s->dir);
    }
    free(s);
}

pid_t nx_server_pid(const nx_server *s)
{
    return s->pid;
}

const char *nx_server_name(const nx_server *s)
{
    return s->name;
}

const char *nx_server_url(const nx_server *s)
{
    return s->url;
}

const char *nx_server_monitor_url(const nx_server *s)
{
    return s->monitor_url;
}

const char *nx_server_dir(const nx_server *s)
{
    return s->dir;
}

const char *nx_server_store_dir(const nx_server *s)
{
    return s->store_dir;
}

const char *nx_server_version(const nx_server *s)
{
    return s->version;
}

int nx_server_port(const nx_server *s)
{
    return s->port;
}

int nx_server_leaf_port(const nx_server *s)
{
    return s->leaf_port;
}

int nx_server_cluster_port(const nx_server *s)
{
    return s->cluster_port;
}

double nx_server_ready_ms(const nx_server *s)
{
    return s->ready_ms;
}

int nx_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

static long long tree_bytes(int dirfd_)
{
    DIR *d = fdopendir(dirfd_);
    if (d == NULL) {
        close(dirfd_);
        return 0;
    }
    long long total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISREG(st.st_mode))
            total += (long long)st.st_size;
        else if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub >= 0)
                total += tree_bytes(sub);
        }
    }
    closedir(d);
    return total;
}

long long nx_server_store_bytes(const nx_server *s)
{
    int fd = open(s->store_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? 0 : tree_bytes(fd);
}

long long nx_server_stream_bytes(const nx_server *s, const char *stream)
{
    char path[PATH_MAX + 512];
    snprintf(path, sizeof path, "%s/jetstream/$G/streams/%s", s->store_dir, stream);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? 0 : tree_bytes(fd);
}
