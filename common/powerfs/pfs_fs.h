/* The FUSE side of natsexp-powerfs: a pass-through of a backing directory
 * whose file contents are cached (pfs_cache.h) until fsync, and a power cut
 * that forgets every cache.
 *
 * Durability rule: file data and sizes (write, truncate, O_TRUNC) are durable
 * only once that file is fsynced or fdatasynced. Namespace operations
 * (create, mkdir, rename, unlink, link, symlink, chmod) reach the backing
 * directory at once and so survive a cut, as on ext4 after its journal
 * commit; see common/powerfs/README.md for why not the stricter rule. */
#ifndef PFS_FS_H
#define PFS_FS_H

#define FUSE_USE_VERSION 35
#include <fuse.h>

#include <stddef.h>

typedef struct pfs_counts {
    unsigned long fsyncs;    /* file fsync/fdatasync calls */
    unsigned long fsyncdirs; /* directory fsyncs */
    int dirty_files;
    size_t dirty_bytes;
} pfs_counts;

/* Opens the backing directory; -errno on failure. */
int pfs_fs_init(const char *backing);

const struct fuse_operations *pfs_fs_ops(void);

/* Power cut: forgets every unsynced byte. Returns what was dropped. Takes the
 * filesystem lock, so it is ordered against every operation. */
pfs_counts pfs_fs_cut(void);

/* Writes every cache to the disk, as the kernel's writeback does with old
 * dirty pages: a state the run wants to survive any cut (a stream created
 * long before). Returns what was written. */
pfs_counts pfs_fs_flush_all(void);

pfs_counts pfs_fs_counts(void);

#endif
