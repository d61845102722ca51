#include "pfs_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "pfs_cache.h"

/* One backing file (by inode, so renames keep its cache). */
typedef struct node {
    ino_t ino;
    int fd; /* the backing file, so a flush-all needs no path */
    pfs_file *cache;
    int opens;
    bool detached; /* its last name was removed: no lookup finds it */
    struct node *next;
} node;

typedef struct handle {
    int fd; /* the backing file, always read-write */
    node *n;
} handle;

static int root_fd = -1;
static node *nodes;
static unsigned long n_fsyncs, n_fsyncdirs;
/* One lock for everything: the daemon runs single-threaded, the lock orders
 * it against the control thread's cut. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int pfs_fs_init(const char *backing)
{
    root_fd = open(backing, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return root_fd < 0 ? -errno : 0;
}

/* "/a/b" -> "a/b", "/" -> "." for the *at calls on the backing dir. */
static const char *rel(const char *path)
{
    while (*path == '/')
        path++;
    return *path ? path : ".";
}

static node *find_node(ino_t ino)
{
    for (node *n = nodes; n; n = n->next)
        if (!n->detached && n->ino == ino)
            return n;
    return NULL;
}

static node *get_node(ino_t ino, int fd, off_t disk_size)
{
    node *n = find_node(ino);
    if (n)
        return n;
    n = calloc(1, sizeof *n);
    if (n == NULL)
        return NULL;
    n->cache = pfs_file_new(disk_size);
    n->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (n->cache == NULL || n->fd < 0) {
        pfs_file_free(n->cache);
        if (n->fd >= 0)
            close(n->fd);
        free(n);
        return NULL;
    }
    n->ino = ino;
    n->next = nodes;
    nodes = n;
    return n;
}

/* Frees a node nothing needs any more: no open handle, and either clean
 * (the disk says it all) or unreachable. */
static void maybe_free(node *victim)
{
    if (victim->opens > 0 || (!victim->detached && pfs_file_dirty(victim->cache)))
        return;
    for (node **p = &nodes; *p; p = &(*p)->next)
        if (*p == victim) {
            *p = victim->next;
            pfs_file_free(victim->cache);
            close(victim->fd);
            free(victim);
            return;
        }
}

/* A name of ino is about to go; the last one detaches its cache. */
static void name_going(const char *path)
{
    struct stat st;
    if (fstatat(root_fd, rel(path), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
        st.st_nlink > 1)
        return;
    node *n = find_node(st.st_ino);
    if (n) {
        n->detached = true;
        maybe_free(n);
    }
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    /* Every size and every page the kernel shows must come from us: a cut
     * changes them behind its back. Page cache contents are dropped at each
     * open (no keep_cache), and attributes are never cached. */
    conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
    cfg->use_ino = 1;
    cfg->hard_remove = 1;
    cfg->attr_timeout = 0;
    cfg->entry_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->kernel_cache = 0;
    return NULL;
}

static void apply_size(struct stat *st, node *n)
{
    if (n && S_ISREG(st->st_mode)) {
        st->st_size = pfs_file_size(n->cache);
        st->st_blocks = (st->st_size + 511) / 512;
    }
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    pthread_mutex_lock(&lock);
    int rc = 0;
    if (fi) {
        handle *h = (handle *)(uintptr_t)fi->fh;
        if (fstat(h->fd, st) != 0)
            rc = -errno;
        else
            apply_size(st, h->n);
    } else if (fstatat(root_fd, rel(path), st, AT_SYMLINK_NOFOLLOW) != 0) {
        rc = -errno;
    } else {
        apply_size(st, find_node(st->st_ino));
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int open_handle(int fd, bool truncate, struct fuse_file_info *fi)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    handle *h = malloc(sizeof *h);
    node *n = h ? get_node(st.st_ino, fd, st.st_size) : NULL;
    if (n == NULL) {
        free(h);
        close(fd);
        return -ENOMEM;
    }
    if (truncate)
        pfs_file_truncate(n->cache, fd, 0);
    n->opens++;
    h->fd = fd;
    h->n = n;
    fi->fh = (uint64_t)(uintptr_t)h;
    fi->keep_cache = 0;
    return 0;
}

/* The backing file is opened read-write whatever the caller asked, so an
 * fsync through a read-only descriptor can still write the cache out.
 * O_TRUNC and O_APPEND are ours to apply (the kernel passes the append
 * offset), never the backing file's. */
static int backing_flags(int flags)
{
    return (flags & ~(O_ACCMODE | O_TRUNC | O_APPEND | O_CREAT | O_EXCL)) | O_RDWR | O_CLOEXEC;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
    pthread_mutex_lock(&lock);
    int fd = openat(root_fd, rel(path), backing_flags(fi->flags));
    int rc = fd < 0 ? -errno : open_handle(fd, (fi->flags & O_TRUNC) != 0, fi);
    pthread_mutex_unlock(&lock);
    return rc;
}

static int fs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    pthread_mutex_lock(&lock);
    int fd =
        openat(root_fd, rel(path), backing_flags(fi->flags) | O_CREAT | (fi->flags & O_EXCL), mode);
    int rc = fd < 0 ? -errno : open_handle(fd, (fi->flags & O_TRUNC) != 0, fi);
    pthread_mutex_unlock(&lock);
    return rc;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)path;
    pthread_mutex_lock(&lock);
    handle *h = (handle *)(uintptr_t)fi->fh;
    ssize_t n = pfs_file_read(h->n->cache, h->fd, buf, size, off);
    pthread_mutex_unlock(&lock);
    return (int)n;
}

static int fs_write(const char *path, const char *buf, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    (void)path;
    pthread_mutex_lock(&lock);
    handle *h = (handle *)(uintptr_t)fi->fh;
    int rc = pfs_file_write(h->n->cache, h->fd, buf, size, off);
    pthread_mutex_unlock(&lock);
    return rc ? rc : (int)size;
}

static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    pthread_mutex_lock(&lock);
    int rc = 0;
    if (fi) {
        handle *h = (handle *)(uintptr_t)fi->fh;
        rc = pfs_file_truncate(h->n->cache, h->fd, size);
    } else {
        struct stat st;
        int fd = openat(root_fd, rel(path), O_RDWR | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) != 0) {
            rc = -errno;
        } else {
            node *n = get_node(st.st_ino, fd, st.st_size);
            rc = n ? pfs_file_truncate(n->cache, fd, size) : -ENOMEM;
            if (n)
                maybe_free(n);
        }
        if (fd >= 0)
            close(fd);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int fs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)path;
    (void)datasync; /* both write data and size: the size is the data here */
    pthread_mutex_lock(&lock);
    handle *h = (handle *)(uintptr_t)fi->fh;
    n_fsyncs++;
    int rc = pfs_file_sync(h->n->cache, h->fd);
    /* A real flush of the backing file, so what an fsync costs on this
     * machine's disk is in the rates measured on the mount. */
    if (rc == 0 && fdatasync(h->fd) != 0)
        rc = -errno;
    pthread_mutex_unlock(&lock);
    return rc;
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    pthread_mutex_lock(&lock);
    handle *h = (handle *)(uintptr_t)fi->fh;
    close(h->fd);
    h->n->opens--;
    maybe_free(h->n);
    free(h);
    pthread_mutex_unlock(&lock);
    return 0;
}

static int fs_unlink(const char *path)
{
    pthread_mutex_lock(&lock);
    name_going(path);
    int rc = unlinkat(root_fd, rel(path), 0) != 0 ? -errno : 0;
    pthread_mutex_unlock(&lock);
    return rc;
}

static int fs_rename(const char *from, const char *to, unsigned int flags)
{
    pthread_mutex_lock(&lock);
    if (!(flags & RENAME_EXCHANGE))
        name_going(to);
    int rc = renameat2(root_fd, rel(from), root_fd, rel(to), flags) != 0 ? -errno : 0;
    pthread_mutex_unlock(&lock);
    return rc;
}

static int fs_link(const char *from, const char *to)
{
    return linkat(root_fd, rel(from), root_fd, rel(to), 0) != 0 ? -errno : 0;
}

static int fs_symlink(const char *target, const char *path)
{
    return symlinkat(target, root_fd, rel(path)) != 0 ? -errno : 0;
}

static int fs_readlink(const char *path, char *buf, size_t size)
{
    if (size == 0)
        return -EINVAL;
    ssize_t n = readlinkat(root_fd, rel(path), buf, size - 1);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return 0;
}

static int fs_mkdir(const char *path, mode_t mode)
{
    return mkdirat(root_fd, rel(path), mode) != 0 ? -errno : 0;
}

static int fs_mknod(const char *path, mode_t mode, dev_t dev)
{
    return mknodat(root_fd, rel(path), mode, dev) != 0 ? -errno : 0;
}

static int fs_rmdir(const char *path)
{
    return unlinkat(root_fd, rel(path), AT_REMOVEDIR) != 0 ? -errno : 0;
}

static int fs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)fi;
    return fchmodat(root_fd, rel(path), mode, 0) != 0 ? -errno : 0;
}

static int fs_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
    (void)fi;
    return fchownat(root_fd, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW) != 0 ? -errno : 0;
}

static int fs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
    (void)fi;
    return utimensat(root_fd, rel(path), tv, AT_SYMLINK_NOFOLLOW) != 0 ? -errno : 0;
}

static int fs_statfs(const char *path, struct statvfs *st)
{
    (void)path;
    return fstatvfs(root_fd, st) != 0 ? -errno : 0;
}

static int fs_opendir(const char *path, struct fuse_file_info *fi)
{
    int fd = openat(root_fd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    fi->fh = (uint64_t)(uintptr_t)d;
    return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    (void)path;
    (void)off;
    (void)flags;
    DIR *d = (DIR *)(uintptr_t)fi->fh;
    rewinddir(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (fill(buf, e->d_name, NULL, 0, 0) != 0)
            break;
    return 0;
}

static int fs_releasedir(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    closedir((DIR *)(uintptr_t)fi->fh);
    return 0;
}

static int fs_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)path;
    (void)datasync;
    (void)fi;
    /* Namespace changes are already on the disk; counted so the run can say
     * whether the store ever asks for the stricter rule. */
    pthread_mutex_lock(&lock);
    n_fsyncdirs++;
    pthread_mutex_unlock(&lock);
    return 0;
}

static int fs_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi)
{
    (void)path;
    (void)mode;
    (void)off;
    (void)len;
    (void)fi;
    return -EOPNOTSUPP; /* callers fall back to writes, which we cache */
}

static const struct fuse_operations ops = {
    .init = fs_init,
    .getattr = fs_getattr,
    .readlink = fs_readlink,
    .mknod = fs_mknod,
    .mkdir = fs_mkdir,
    .unlink = fs_unlink,
    .rmdir = fs_rmdir,
    .symlink = fs_symlink,
    .rename = fs_rename,
    .link = fs_link,
    .chmod = fs_chmod,
    .chown = fs_chown,
    .truncate = fs_truncate,
    .open = fs_open,
    .read = fs_read,
    .write = fs_write,
    .statfs = fs_statfs,
    .release = fs_release,
    .fsync = fs_fsync,
    .opendir = fs_opendir,
    .readdir = fs_readdir,
    .releasedir = fs_releasedir,
    .fsyncdir = fs_fsyncdir,
    .create = fs_create,
    .utimens = fs_utimens,
    .fallocate = fs_fallocate,
};

const struct fuse_operations *pfs_fs_ops(void)
{
    return &ops;
}

static pfs_counts count_locked(void)
{
    pfs_counts c = {n_fsyncs, n_fsyncdirs, 0, 0};
    for (node *n = nodes; n; n = n->next)
        if (pfs_file_dirty(n->cache)) {
            c.dirty_files++;
            c.dirty_bytes += pfs_file_dirty_bytes(n->cache);
        }
    return c;
}

pfs_counts pfs_fs_cut(void)
{
    pthread_mutex_lock(&lock);
    pfs_counts c = count_locked();
    for (node *n = nodes, *next; n; n = next) {
        next = n->next;
        pfs_file_drop(n->cache);
        maybe_free(n);
    }
    pthread_mutex_unlock(&lock);
    return c;
}

pfs_counts pfs_fs_flush_all(void)
{
    pthread_mutex_lock(&lock);
    pfs_counts c = count_locked();
    for (node *n = nodes, *next; n; n = next) {
        next = n->next;
        if (pfs_file_sync(n->cache, n->fd) == 0)
            fdatasync(n->fd);
        maybe_free(n);
    }
    pthread_mutex_unlock(&lock);
    return c;
}

pfs_counts pfs_fs_counts(void)
{
    pthread_mutex_lock(&lock);
    pfs_counts c = count_locked();
    pthread_mutex_unlock(&lock);
    return c;
}
