/* natsexp-powerfs mounted for real (through nx_powerfs): what survives a
 * cut, the rule for renames, unlinks and truncates, many and large files,
 * and no mount left behind by a run that ends normally, by SIGINT or by
 * SIGKILL. Skipped, with one line, where FUSE cannot run. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "nx_janitor.h"
#include "nx_powerfs.h"
#include "proc_util.h"

static char tmp[256];
static char backing[300], mnt[300];
static nx_powerfs *fs;

/* /proc/self/mounts reports size 0, so it is read line by line. */
static bool mounted_under(const char *prefix)
{
    FILE *f = fopen("/proc/self/mounts", "r");
    assert_non_null(f);
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, prefix) != NULL;
    fclose(f);
    return found;
}

static bool wait_unmounted(const char *prefix, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 20) {
        if (!mounted_under(prefix))
            return true;
        struct timespec ts = {0, 20000000L};
        nanosleep(&ts, NULL);
    }
    return false;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "%s", test_tmpdir());
    snprintf(backing, sizeof backing, "%s/disk", tmp);
    snprintf(mnt, sizeof mnt, "%s/mnt", tmp);
    if (mkdir(backing, 0700) != 0 || mkdir(mnt, 0700) != 0)
        return -1;
    nx_err err = {{0}};
    if (nx_powerfs_mount(&fs, backing, mnt, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nx_powerfs_unmount(fs);
    fs = NULL;
    bool left = !wait_unmounted(tmp, 5000);
    rm_rf(tmp);
    if (left) {
        fprintf(stderr, "a mount was left under %s\n", tmp);
        return -1;
    }
    return 0;
}

static void cut(void)
{
    nx_err err = {{0}};
    if (nx_powerfs_cut(fs, NULL, &err) != 0)
        fail_msg("%s", err.msg);
}

static void put(const char *name, const void *data, size_t len, bool sync)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", mnt, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    if (sync)
        assert_int_equal(fsync(fd), 0);
    close(fd);
}

/* The file's size, -1 when it does not exist; its start into buf. */
static off_t get(const char *name, char *buf, size_t len)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", mnt, name);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    memset(buf, 0, len);
    if (len > 0)
        assert_true(read(fd, buf, len - 1) >= 0);
    close(fd);
    return st.st_size;
}

static void unsynced_gone_synced_survives(void **state)
{
    (void)state;
    char buf[64];
    put("synced", "kept", 4, true);
    put("unsynced", "lost", 4, false);
    /* Before the cut every reader sees both, as through a page cache. */
    assert_int_equal(get("unsynced", buf, sizeof buf), 4);
    assert_string_equal(buf, "lost");
    nx_powerfs_counts c;
    nx_err err = {{0}};
    assert_int_equal(nx_powerfs_counts_get(fs, &c, &err), 0);
    assert_int_equal(c.dirty_files, 1);
    assert_true(c.fsyncs >= 1);
    cut();
    assert_int_equal(get("synced", buf, sizeof buf), 4);
    assert_string_equal(buf, "kept");
    /* The create was durable at once, its data was not. */
    assert_int_equal(get("unsynced", buf, sizeof buf), 0);
}

static void flush_all_survives_a_cut(void **state)
{
    (void)state;
    char buf[64];
    put("setup", "old data", 8, false);
    nx_err err = {{0}};
    assert_int_equal(nx_powerfs_flush_all(fs, &err), 0);
    put("round", "new data", 8, false);
    cut();
    assert_int_equal(get("setup", buf, sizeof buf), 8);
    assert_string_equal(buf, "old data");
    assert_int_equal(get("round", buf, sizeof buf), 0);
}

static void append_after_sync_is_cut_back(void **state)
{
    (void)state;
    char path[400], buf[64];
    snprintf(path, sizeof path, "%s/log", mnt);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "one,", 4), 4);
    assert_int_equal(fdatasync(fd), 0);
    assert_int_equal(write(fd, "two,", 4), 4);
    close(fd);
    assert_int_equal(get("log", buf, sizeof buf), 8);
    assert_string_equal(buf, "one,two,");
    cut();
    assert_int_equal(get("log", buf, sizeof buf), 4);
    assert_string_equal(buf, "one,");
}

static void rename_and_unlink_are_durable_at_once(void **state)
{
    (void)state;
    char from[400], to[400], buf[64];
    put("a", "AAAA", 4, true);
    put("tmp", "new!", 4, false);
    put("old", "old.", 4, true);
    snprintf(from, sizeof from, "%s/a", mnt);
    snprintf(to, sizeof to, "%s/b", mnt);
    assert_int_equal(rename(from, to), 0);
    /* Replace "old" by an unsynced file: the name moves at once, the new
     * data is not on the disk (no ext4-style auto_da_alloc flush). */
    snprintf(from, sizeof from, "%s/tmp", mnt);
    snprintf(to, sizeof to, "%s/old", mnt);
    assert_int_equal(rename(from, to), 0);
    put("gone", "xx", 2, true);
    snprintf(to, sizeof to, "%s/gone", mnt);
    assert_int_equal(unlink(to), 0);
    cut();
    assert_int_equal(get("a", buf, sizeof buf), -1);
    assert_int_equal(get("b", buf, sizeof buf), 4);
    assert_string_equal(buf, "AAAA");
    assert_int_equal(get("tmp", buf, sizeof buf), -1);
    assert_int_equal(get("old", buf, sizeof buf), 0);
    assert_int_equal(get("gone", buf, sizeof buf), -1);
}

static void truncate_is_data_durable_on_fsync(void **state)
{
    (void)state;
    char path[400], buf[64];
    put("t1", "0123456789", 10, true);
    put("t2", "0123456789", 10, true);
    snprintf(path, sizeof path, "%s/t1", mnt);
    assert_int_equal(truncate(path, 3), 0);
    snprintf(path, sizeof path, "%s/t2", mnt);
    int fd = open(path, O_RDWR);
    assert_int_equal(ftruncate(fd, 3), 0);
    assert_int_equal(fsync(fd), 0);
    close(fd);
    assert_int_equal(get("t1", buf, sizeof buf), 3);
    cut();
    assert_int_equal(get("t1", buf, sizeof buf), 10);
    assert_string_equal(buf, "0123456789");
    assert_int_equal(get("t2", buf, sizeof buf), 3);
    assert_string_equal(buf, "012");
}

static void many_files(void **state)
{
    (void)state;
    char name[32], data[32], buf[64];
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "f%03d", i);
        int len = snprintf(data, sizeof data, "file %d", i);
        put(name, data, (size_t)len, i % 2 == 0);
    }
    cut();
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "f%03d", i);
        off_t size = get(name, buf, sizeof buf);
        if (i % 2 == 0) {
            snprintf(data, sizeof data, "file %d", i);
            assert_int_equal(size, (off_t)strlen(data));
            assert_string_equal(buf, data);
        } else {
            assert_int_equal(size, 0);
        }
    }
}

static void large_file(void **state)
{
    (void)state;
    enum { HALF = 32 << 20, CHUNK = 1 << 20 };
    char path[400];
    snprintf(path, sizeof path, "%s/big", mnt);
    char *chunk = malloc(CHUNK);
    assert_non_null(chunk);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    assert_true(fd >= 0);
    for (int part = 0; part < 2; part++) {
        for (int off = 0; off < HALF; off += CHUNK) {
            memset(chunk, 'a' + part + off / CHUNK % 7, CHUNK);
            assert_int_equal(write(fd, chunk, CHUNK), CHUNK);
        }
        if (part == 0)
            assert_int_equal(fsync(fd), 0);
    }
    close(fd);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 2 * (off_t)HALF);
    cut();
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, (off_t)HALF);
    fd = open(path, O_RDONLY);
    for (int off = 0; off < HALF; off += CHUNK) {
        assert_int_equal(read(fd, chunk, CHUNK), CHUNK);
        assert_int_equal(chunk[0], 'a' + off / CHUNK % 7);
        assert_int_equal(chunk[CHUNK - 1], 'a' + off / CHUNK % 7);
    }
    close(fd);
    free(chunk);
}

/* A run that mounts and is then ended by sig: the mount must go. */
static void owner_ends_by(int sig)
{
    char sub[400], b[420], m[420];
    snprintf(sub, sizeof sub, "%s/owner", tmp);
    snprintf(b, sizeof b, "%s/disk", sub);
    snprintf(m, sizeof m, "%s/mnt", sub);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(mkdir(b, 0700), 0);
    assert_int_equal(mkdir(m, 0700), 0);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t child = fork();
    if (child == 0) {
        close(ready[0]);
        nx_powerfs *p = NULL;
        nx_err err = {{0}};
        if (nx_powerfs_mount(&p, b, m, &err) != 0) {
            fprintf(stderr, "%s\n", err.msg);
            _exit(1);
        }
        char path[440];
        snprintf(path, sizeof path, "%s/busy", m);
        int fd = open(path, O_RDWR | O_CREAT, 0600); /* held open: a busy mount */
        (void)fd;
        pid_t pids[2] = {nx_powerfs_pid(p), nx_janitor_pid()};
        assert_int_equal(write(ready[1], pids, sizeof pids), sizeof pids);
        pause();
        _exit(0);
    }
    close(ready[1]);
    pid_t pids[2];
    ssize_t got = read(ready[0], pids, sizeof pids);
    close(ready[0]);
    bool was_mounted = mounted_under(m);
    kill(child, was_mounted ? sig : SIGKILL);
    assert_int_equal(got, sizeof pids);
    assert_true(was_mounted);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == sig);
    assert_true(wait_unmounted(m, 10000));
    /* Its daemon and its janitor are gone too (reparented to us). */
    assert_true(proc_wait_gone(pids[0], 10000));
    assert_true(proc_wait_gone(pids[1], 10000));
}

static void sigkill_of_the_run_unmounts(void **state)
{
    (void)state;
    owner_ends_by(SIGKILL);
}

static void sigint_of_the_run_unmounts(void **state)
{
    (void)state;
    owner_ends_by(SIGINT);
}

int main(void)
{
    nx_err err = {{0}};
    if (nx_powerfs_check(&err) != 0) {
        printf("powerfs tests skipped: %s\n", err.msg);
        return 77; /* meson: skipped */
    }
    proc_become_subreaper();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(unsynced_gone_synced_survives, setup, teardown),
        cmocka_unit_test_setup_teardown(flush_all_survives_a_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(append_after_sync_is_cut_back, setup, teardown),
        cmocka_unit_test_setup_teardown(rename_and_unlink_are_durable_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(truncate_is_data_durable_on_fsync, setup, teardown),
        cmocka_unit_test_setup_teardown(many_files, setup, teardown),
        cmocka_unit_test_setup_teardown(large_file, setup, teardown),
        cmocka_unit_test_setup_teardown(sigkill_of_the_run_unmounts, setup, teardown),
        cmocka_unit_test_setup_teardown(sigint_of_the_run_unmounts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
