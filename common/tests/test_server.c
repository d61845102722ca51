#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "nx_conn.h"
#include "nx_janitor.h"
#include "nx_server.h"
#include "nx_stats.h"
#include "nx_stream.h"
#include "proc_util.h"

static const char *hold_server_path;
static const char *tmp;

static int fresh_tmp(void **state)
{
    (void)state;
    tmp = test_tmpdir();
    unsetenv("NATS_SERVER");
    return 0;
}

static int tmp_must_be_empty(void **state)
{
    (void)state;
    int left = dir_entries(tmp);
    int alive = proc_children_alive(5000, nx_janitor_pid());
    rm_rf(tmp);
    if (left != 0 || alive != 0) {
        fprintf(stderr, "left behind: %d temp entries, %d live child processes\n", left, alive);
        return -1;
    }
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void start_use_destroy(void **state)
{
    (void)state;
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    cfg.name = "hub-1";
    cfg.domain = "hub";
    cfg.leaf_listen = true;
    nx_server *s = NULL;
    nx_err err = {{0}};
    if (nx_server_start(&s, &cfg, &err) != 0)
        fail_msg("%s", err.msg);
    assert_true(nx_server_port(s) > 0);
    assert_true(nx_server_leaf_port(s) > 0);
    assert_int_equal(nx_server_cluster_port(s), 0);
    assert_true(strlen(nx_server_version(s)) > 0);
    pid_t pid = nx_server_pid(s);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", nx_server_dir(s));
    assert_true(is_dir(dir));
    assert_true(strncmp(dir, tmp, strlen(tmp)) == 0);

    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    assert_int_equal(nx_connect(&nc, nx_server_url(s), "test", &err), 0);
    assert_int_equal(nx_jetstream(&js, nc, "hub", 0, &err), 0);
    jsAccountInfo *ai = NULL;
    assert_int_equal(js_GetAccountInfo(&ai, js, NULL, NULL), NATS_OK);
    assert_string_equal(ai->Domain, "hub");
    jsAccountInfo_Destroy(ai);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);

    nx_server_destroy(s);
    assert_true(proc_wait_gone(pid, 100));
    assert_false(is_dir(dir));
}

static void restart_keeps_store_and_port(void **state)
{
    (void)state;
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    nx_server *s = NULL;
    nx_err err = {{0}};
    if (nx_server_start(&s, &cfg, &err) != 0)
        fail_msg("%s", err.msg);
    int port = nx_server_port(s);
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    assert_int_equal(nx_connect(&nc, nx_server_url(s), "test", &err), 0);
    assert_int_equal(nx_jetstream(&js, nc, NULL, 0, &err), 0);
    nx_stream_spec spec;
    nx_stream_spec_init(&spec, "KEEP");
    spec.subjects[spec.nsubjects++] = "keep.>";
    assert_int_equal(nx_stream_create(js, &spec, &err), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(js_Publish(NULL, js, "keep.x", "v", 1, NULL, NULL), NATS_OK);

    /* a crash, then a restart on the same dir */
    nx_server_kill(s);
    assert_false(nx_server_running(s));
    if (nx_server_restart(s, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(nx_server_port(s), port);
    /* the client reconnects to the same address by itself */
    if (nx_stream_wait_count(js, "KEEP", 3, 20, 5000, &err) != 0)
        fail_msg("%s", err.msg);
    nx_stream_state st;
    assert_int_equal(nx_stream_state_get(js, "KEEP", &st, &err), 0);
    assert_int_equal(st.msgs, 3);
    assert_true(nx_server_store_bytes(s) > 0);
    long long stream = nx_server_stream_bytes(s, "KEEP");
    assert_true(stream > 0 && stream <= nx_server_store_bytes(s));
    assert_int_equal(nx_server_stream_bytes(s, "NONE"), 0);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nx_server_destroy(s);
}

static void expect_start_failure(const char *needle, int64_t max_ms)
{
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    nx_server *s = NULL;
    nx_err err = {{0}};
    int64_t t0 = nx_now_ns();
    assert_int_equal(nx_server_start(&s, &cfg, &err), -1);
    int64_t ms = (nx_now_ns() - t0) / 1000000;
    if (strstr(err.msg, needle) == NULL)
        fail_msg("error '%s' lacks '%s'", err.msg, needle);
    assert_null(strchr(err.msg, '\n'));
    if (ms > max_ms)
        fail_msg("failing took %lld ms", (long long)ms);
}

static void server_that_exits_at_once(void **state)
{
    (void)state;
    setenv("NATS_SERVER", "/bin/false", 1);
    expect_start_failure("exited at once (exit status 1)", 2000);
}

static void missing_or_not_executable_binary(void **state)
{
    (void)state;
    setenv("NATS_SERVER", "/nonexistent/nats-server", 1);
    expect_start_failure("NATS_SERVER=/nonexistent/nats-server: no such file", 2000);
    char file[600];
    snprintf(file, sizeof file, "%s/plain-file", tmp);
    FILE *f = fopen(file, "w");
    fclose(f);
    setenv("NATS_SERVER", file, 1);
    expect_start_failure("not an executable file", 2000);
    unlink(file);
    unsetenv("NATS_SERVER");
    char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", "/nonexistent", 1);
    expect_start_failure("nats-server not found in PATH: install it", 2000);
    if (path) {
        setenv("PATH", path, 1);
        free(path);
    }
}

static void port_in_use_on_restart(void **state)
{
    (void)state;
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    nx_server *a = NULL, *b = NULL;
    nx_err err = {{0}};
    assert_int_equal(nx_server_start(&a, &cfg, &err), 0);
    assert_int_equal(nx_server_start(&b, &cfg, &err), 0);
    nx_server_stop(a, 5000);
    /* b takes a's port: restarting a on its port must fail with a clear line */
    char conf[600];
    snprintf(conf, sizeof conf, "%s", nx_server_dir(a));
    nx_server_destroy(b);
    b = NULL;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)nx_server_port(a));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(listen(fd, 1), 0);
    assert_int_equal(nx_server_restart(a, &err), -1);
    if (strstr(err.msg, "address already in use") == NULL)
        fail_msg("error '%s' does not say the port is in use", err.msg);
    close(fd);
    nx_server_destroy(a);
}

static void keep_leaves_dir(void **state)
{
    (void)state;
    nx_server_config cfg;
    nx_server_config_init(&cfg);
    cfg.keep = true;
    nx_server *s = NULL;
    nx_err err = {{0}};
    assert_int_equal(nx_server_start(&s, &cfg, &err), 0);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", nx_server_dir(s));
    pid_t pid = nx_server_pid(s);
    nx_server_destroy(s);
    assert_true(proc_wait_gone(pid, 100));
    assert_true(is_dir(dir));
    rm_rf(dir);
}

/* Runs hold_server in mode, reads the server's pid and dir, applies sig (0:
 * none), and checks the holder ended as expected and left nothing behind. */
static void holder_leaves_nothing(const char *mode, int sig, int expect_signal, int expect_exit)
{
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t holder = fork();
    assert_true(holder >= 0);
    if (holder == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        execl(hold_server_path, "hold_server", mode, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    int server_pid = 0;
    char dir[512] = "", line[600];
    if (fgets(line, sizeof line, f) == NULL || sscanf(line, "%d %511s", &server_pid, dir) != 2)
        fail_msg("hold_server %s printed no pid and dir", mode);
    assert_true(is_dir(dir));
    if (sig)
        kill(holder, sig);
    int status = 0;
    assert_int_equal(waitpid(holder, &status, 0), holder);
    if (expect_signal) {
        if (!WIFSIGNALED(status) || WTERMSIG(status) != expect_signal)
            fail_msg("holder (%s) ended with status %#x, expected signal %d", mode, status,
                     expect_signal);
    } else {
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), expect_exit);
    }
    /* the pipe reaches EOF: nothing (janitor, server) holds the holder's stdout */
    char rest[64];
    assert_null(fgets(rest, sizeof rest, f));
    fclose(f);
    if (!proc_wait_gone(server_pid, 10000))
        fail_msg("nats-server %d outlived its holder (%s)", server_pid, mode);
    if (!path_wait_gone(dir, 10000))
        fail_msg("temp dir %s outlived its holder (%s)", dir, mode);
}

static void sigint_stops_server(void **state)
{
    (void)state;
    holder_leaves_nothing("wait", SIGINT, SIGINT, 0);
}

static void sigterm_stops_server(void **state)
{
    (void)state;
    holder_leaves_nothing("wait", SIGTERM, SIGTERM, 0);
}

static void sigkill_of_parent_stops_server(void **state)
{
    (void)state;
    holder_leaves_nothing("wait", SIGKILL, SIGKILL, 0);
}

static void exit_without_destroy(void **state)
{
    (void)state;
    holder_leaves_nothing("exit", 0, 0, 3);
}

static void crash_of_parent(void **state)
{
    (void)state;
    holder_leaves_nothing("abort", 0, SIGABRT, 0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_server PATH-TO-hold_server\n");
        return 2;
    }
    hold_server_path = argv[1];
    proc_become_subreaper();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(start_use_destroy, fresh_tmp, tmp_must_be_empty),
        cmocka_unit_test_setup_teardown(restart_keeps_store_and_port, fresh_tmp, tmp_must_be_empty),
        cmocka_unit_test_setup_teardown(server_that_exits_at_once, fresh_tmp, tmp_must_be_empty),
        cmocka_unit_test_setup_teardown(missing_or_not_executable_binary, fresh_tmp,
                                        tmp_must_be_empty),
        cmocka_unit_test_setup_teardown(port_in_use_on_restart, fresh_tmp, tmp_must_be_empty),
        cmocka_unit_test_setup_teardown(keep_leaves_dir, fresh_tmp, tmp_must_be_empty),
        cmocka_unit_test_setup_teardown(sigint_stops_server, fresh_tmp, tmp_must_be_empty),
        cmocka_unit_test_setup_teardown(sigterm_stops_server, fresh_tmp, tmp_must_be_empty),
        cmocka_unit_test_setup_teardown(sigkill_of_parent_stops_server, fresh_tmp,
                                        tmp_must_be_empty),
        cmocka_unit_test_setup_teardown(exit_without_destroy, fresh_tmp, tmp_must_be_empty),
        cmocka_unit_test_setup_teardown(crash_of_parent, fresh_tmp, tmp_must_be_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
