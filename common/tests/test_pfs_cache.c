/* The power-cut cache against a model: random writes, truncates, syncs and
 * cuts on a real backing file, each read compared with what a page cache
 * over a disk must show (live) and each cut with what the disk must hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pfs_cache.h"

#define MAX_SIZE (64 * 1024)

typedef struct model {
    char live[MAX_SIZE];
    size_t live_size;
    char disk[MAX_SIZE];
    size_t disk_size;
} model;

static int backing(void)
{
    char path[] = "/tmp/pfs_cache_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    return fd;
}

static void check_read(pfs_file *f, int fd, const model *m)
{
    static char buf[MAX_SIZE + 100];
    assert_int_equal(pfs_file_size(f), (off_t)m->live_size);
    ssize_t n = pfs_file_read(f, fd, buf, sizeof buf, 0);
    assert_int_equal(n, (ssize_t)m->live_size);
    assert_memory_equal(buf, m->live, m->live_size);
}

static void check_disk(int fd, const model *m)
{
    static char buf[MAX_SIZE + 100];
    off_t size = lseek(fd, 0, SEEK_END);
    assert_int_equal(size, (off_t)m->disk_size);
    assert_int_equal(pread(fd, buf, sizeof buf, 0), (ssize_t)m->disk_size);
    assert_memory_equal(buf, m->disk, m->disk_size);
}

static void random_ops(void **state)
{
    (void)state;
    static model m;
    memset(&m, 0, sizeof m);
    int fd = backing();
    pfs_file *f = pfs_file_new(0);
    assert_non_null(f);
    srand(18);
    char buf[3 * PFS_PAGE];
    for (int step = 0; step < 20000; step++) {
        int op = rand() % 100;
        if (op < 60) {
            size_t len = (size_t)rand() % sizeof buf + 1;
            size_t off = (size_t)rand() % (MAX_SIZE - len);
            for (size_t i = 0; i < len; i++)
                buf[i] = (char)(rand() & 0xff);
            assert_int_equal(pfs_file_write(f, fd, buf, len, (off_t)off), 0);
            if (off > m.live_size)
                memset(m.live + m.live_size, 0, off - m.live_size);
            memcpy(m.live + off, buf, len);
            if (off + len > m.live_size)
                m.live_size = off + len;
        } else if (op < 75) {
            size_t size = (size_t)rand() % MAX_SIZE;
            assert_int_equal(pfs_file_truncate(f, fd, (off_t)size), 0);
            if (size > m.live_size)
                memset(m.live + m.live_size, 0, size - m.live_size);
            m.live_size = size;
        } else if (op < 85) {
            assert_int_equal(pfs_file_sync(f, fd), 0);
            memcpy(m.disk, m.live, m.live_size);
            m.disk_size = m.live_size;
            assert_false(pfs_file_dirty(f));
            check_disk(fd, &m);
        } else if (op < 90) {
            pfs_file_drop(f);
            memcpy(m.live, m.disk, m.disk_size);
            m.live_size = m.disk_size;
            assert_false(pfs_file_dirty(f));
        } else {
            /* The disk never moves without a sync. */
            check_disk(fd, &m);
        }
        check_read(f, fd, &m);
    }
    pfs_file_free(f);
    close(fd);
}

static void unsynced_write_is_gone_synced_stays(void **state)
{
    (void)state;
    int fd = backing();
    pfs_file *f = pfs_file_new(0);
    assert_int_equal(pfs_file_write(f, fd, "durable", 7, 0), 0);
    assert_int_equal(pfs_file_sync(f, fd), 0);
    assert_int_equal(pfs_file_write(f, fd, "+lost", 5, 7), 0);
    char buf[32] = {0};
    assert_int_equal(pfs_file_read(f, fd, buf, sizeof buf, 0), 12);
    assert_string_equal(buf, "durable+lost");
    assert_true(pfs_file_dirty_bytes(f) > 0);
    pfs_file_drop(f);
    memset(buf, 0, sizeof buf);
    assert_int_equal(pfs_file_read(f, fd, buf, sizeof buf, 0), 7);
    assert_string_equal(buf, "durable");
    pfs_file_free(f);
    close(fd);
}

static void truncate_then_extend_reads_zeros(void **state)
{
    (void)state;
    int fd = backing();
    assert_int_equal(pwrite(fd, "abcdefgh", 8, 0), 8);
    pfs_file *f = pfs_file_new(8);
    assert_int_equal(pfs_file_truncate(f, fd, 2), 0);
    assert_int_equal(pfs_file_write(f, fd, "Z", 1, 6), 0);
    char buf[8];
    assert_int_equal(pfs_file_read(f, fd, buf, sizeof buf, 0), 7);
    assert_memory_equal(buf, "ab\0\0\0\0Z", 7);
    /* Not synced: a cut brings all eight bytes back. */
    pfs_file_drop(f);
    assert_int_equal(pfs_file_read(f, fd, buf, sizeof buf, 0), 8);
    assert_memory_equal(buf, "abcdefgh", 8);
    pfs_file_free(f);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unsynced_write_is_gone_synced_stays),
        cmocka_unit_test(truncate_then_extend_reads_zeros),
        cmocka_unit_test(random_ops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
