/* A power-cut filesystem for the run: natsexp-powerfs (common/powerfs/)
 * mounted over a backing dir. What is written there stays in the daemon's
 * cache until the file is fsynced; nx_powerfs_cut drops every unsynced byte,
 * as a power loss would. Namespace operations (create, rename, unlink,
 * mkdir) are durable at once; see common/powerfs/README.md.
 *
 * The mount is registered with the janitor (nx_janitor.h): it is unmounted
 * on every exit path of the run, Ctrl-C and SIGKILL included, and the daemon
 * unmounts itself when the run's end of its control socket closes. */
#ifndef NX_POWERFS_H
#define NX_POWERFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nx_err.h"

typedef struct nx_powerfs nx_powerfs;

typedef struct nx_powerfs_counts {
    unsigned long fsyncs;    /* fsync/fdatasync calls seen since the mount */
    unsigned long fsyncdirs; /* directory fsyncs seen */
    int dirty_files;         /* files with unsynced data (a cut: dropped) */
    size_t dirty_bytes;      /* unsynced bytes, in 4 KiB pages */
} nx_powerfs_counts;

/* 0 when power cuts can run here; otherwise -1 and one line saying what is
 * missing (/dev/fuse, fusermount3, the natsexp-powerfs binary). */
int nx_powerfs_check(nx_err *err);

/* Mounts mountpoint (an existing empty dir) over backing (an existing dir)
 * and waits until it serves (10 s at most). */
int nx_powerfs_mount(nx_powerfs **out, const char *backing, const char *mountpoint, nx_err *err);

/* Power cut: every byte not fsynced is gone. Kill the writing processes
 * (and reap them) first: the cut is ordered after every request they had
 * sent. dropped may be NULL. */
int nx_powerfs_cut(nx_powerfs *p, nx_powerfs_counts *dropped, nx_err *err);

/* Writes every unsynced byte to the disk, as the kernel's writeback does
 * after about 30 s: what the run sets up before a round (its stream) then
 * survives the round's cut. */
int nx_powerfs_flush_all(nx_powerfs *p, nx_err *err);

int nx_powerfs_counts_get(nx_powerfs *p, nx_powerfs_counts *out, nx_err *err);

/* Unmounts (lazily if busy), stops the daemon, frees p. NULL is allowed. */
void nx_powerfs_unmount(nx_powerfs *p);

const char *nx_powerfs_mountpoint(const nx_powerfs *p);
pid_t nx_powerfs_pid(const nx_powerfs *p);

#endif
