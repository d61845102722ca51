/* The page cache of one file of the power-cut filesystem: what was written
 * but not yet fsynced. The backing file is "the disk"; this cache is what a
 * kernel would hold in memory. Reads see the cache over the disk, an fsync
 * writes the cache to the disk, and a power cut forgets it.
 *
 * Pure data structure over a backing file descriptor (no FUSE), so the unit
 * tests exercise it directly. Not thread-safe: the daemon holds one lock. */
#ifndef PFS_CACHE_H
#define PFS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PFS_PAGE 4096

typedef struct pfs_file pfs_file;

/* A clean cache over a backing file of backing_size bytes. NULL when out of
 * memory. */
pfs_file *pfs_file_new(off_t backing_size);
void pfs_file_free(pfs_file *f);

/* 0 or -errno. Pages written only in part are first read from the disk. */
int pfs_file_write(pfs_file *f, int fd, const char *buf, size_t len, off_t off);

/* Bytes read (short at the end of the file) or -errno. */
ssize_t pfs_file_read(pfs_file *f, int fd, char *buf, size_t len, off_t off);

/* Sets the size (smaller or larger); cached, like a write. 0 or -errno. */
int pfs_file_truncate(pfs_file *f, int fd, off_t size);

/* The size a reader sees. */
off_t pfs_file_size(const pfs_file *f);

/* Whether anything is waiting for an fsync. */
bool pfs_file_dirty(const pfs_file *f);

/* Bytes of cached pages (what a cut would drop, at page granularity). */
size_t pfs_file_dirty_bytes(const pfs_file *f);

/* fsync: the disk takes the cached size and pages, and the cache is clean.
 * 0 or -errno (the cache is kept on an error). */
int pfs_file_sync(pfs_file *f, int fd);

/* Power cut: the cache forgets everything; the file is what the disk holds. */
void pfs_file_drop(pfs_file *f);

#endif
