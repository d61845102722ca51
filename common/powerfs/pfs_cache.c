#include "pfs_cache.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Open addressing on the page index; a slot with page == NULL is empty. */
typedef struct slot {
    uint64_t index;
    char *page;
} slot;

struct pfs_file {
    off_t size; /* what readers see */
    off_t disk; /* the backing file's size */
    /* Disk bytes at or above floor are hidden (a truncate cut them off since
     * the last sync) and read as zeros. */
    off_t floor;
    slot *slots;
    size_t cap; /* power of two, or 0 */
    size_t used;
};

pfs_file *pfs_file_new(off_t backing_size)
{
    pfs_file *f = calloc(1, sizeof *f);
    if (f)
        f->size = f->disk = f->floor = backing_size;
    return f;
}

static void free_pages(pfs_file *f)
{
    for (size_t i = 0; i < f->cap; i++)
        free(f->slots[i].page);
    free(f->slots);
    f->slots = NULL;
    f->cap = f->used = 0;
}

void pfs_file_free(pfs_file *f)
{
    if (f == NULL)
        return;
    free_pages(f);
    free(f);
}

static size_t hash(uint64_t index, size_t cap)
{
    return (size_t)((index * 0x9E3779B97F4A7C15ULL) >> 17) & (cap - 1);
}

static slot *find_slot(slot *slots, size_t cap, uint64_t index)
{
    for (size_t i = hash(index, cap);; i = (i + 1) & (cap - 1))
        if (slots[i].page == NULL || slots[i].index == index)
            return &slots[i];
}

static char *lookup(const pfs_file *f, uint64_t index)
{
    if (f->cap == 0)
        return NULL;
    return find_slot(f->slots, f->cap, index)->page;
}

static int grow(pfs_file *f)
{
    size_t cap = f->cap ? f->cap * 2 : 64;
    slot *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < f->cap; i++)
        if (f->slots[i].page)
            *find_slot(slots, cap, f->slots[i].index) = f->slots[i];
    free(f->slots);
    f->slots = slots;
    f->cap = cap;
    return 0;
}

/* What the disk holds for one page, as far as it is visible (below floor),
 * zeros after that. */
static int load_page(const pfs_file *f, int fd, uint64_t index, char *page)
{
    memset(page, 0, PFS_PAGE);
    off_t start = (off_t)index * PFS_PAGE;
    off_t end = start + PFS_PAGE;
    if (end > f->floor)
        end = f->floor;
    for (off_t at = start; at < end;) {
        ssize_t n = pread(fd, page + (at - start), (size_t)(end - at), at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            break; /* the disk is shorter than floor says: zeros */
        at += n;
    }
    return 0;
}

/* The cached page, made from the disk when it is not cached yet (unless
 * the caller overwrites all of it). */
static int get_page(pfs_file *f, int fd, uint64_t index, bool whole, char **out)
{
    char *page = lookup(f, index);
    if (page) {
        *out = page;
        return 0;
    }
    if ((f->used + 1) * 2 > f->cap) {
        int rc = grow(f);
        if (rc)
            return rc;
    }
    page = malloc(PFS_PAGE);
    if (page == NULL)
        return -ENOMEM;
    int rc = whole ? (memset(page, 0, PFS_PAGE), 0) : load_page(f, fd, index, page);
    if (rc) {
        free(page);
        return rc;
    }
    slot *s = find_slot(f->slots, f->cap, index);
    s->index = index;
    s->page = page;
    f->used++;
    *out = page;
    return 0;
}

/* The part of one page that a transfer at offset at of left bytes covers. */
typedef struct span {
    uint64_t index;
    size_t in; /* offset in the page */
    size_t n;
} span;

static span span_at(off_t at, size_t left)
{
    span sp = {(uint64_t)at / PFS_PAGE, (size_t)(at % PFS_PAGE), 0};
    sp.n = PFS_PAGE - sp.in;
    if (sp.n > left)
        sp.n = left;
    return sp;
}

int pfs_file_write(pfs_file *f, int fd, const char *buf, size_t len, off_t off)
{
    if (off < 0)
        return -EINVAL;
    size_t done = 0;
    for (span sp; done < len; done += sp.n) {
        sp = span_at(off + (off_t)done, len - done);
        uint64_t index = sp.index;
        size_t in = sp.in, n = sp.n;
        char *page;
        int rc = get_page(f, fd, index, in == 0 && n == PFS_PAGE, &page);
        if (rc)
            return rc;
        memcpy(page + in, buf + done, n);
    }
    if (off + (off_t)len > f->size)
        f->size = off + (off_t)len;
    return 0;
}

ssize_t pfs_file_read(pfs_file *f, int fd, char *buf, size_t len, off_t off)
{
    if (off < 0)
        return -EINVAL;
    if (off >= f->size)
        return 0;
    if ((off_t)len > f->size - off)
        len = (size_t)(f->size - off);
    char tmp[PFS_PAGE];
    size_t done = 0;
    for (span sp; done < len; done += sp.n) {
        sp = span_at(off + (off_t)done, len - done);
        uint64_t index = sp.index;
        size_t in = sp.in, n = sp.n;
        const char *page = lookup(f, index);
        if (page == NULL) {
            int rc = load_page(f, fd, index, tmp);
            if (rc)
                return rc;
            page = tmp;
        }
        memcpy(buf + done, page + in, n);
    }
    return (ssize_t)done;
}

int pfs_file_truncate(pfs_file *f, int fd, off_t size)
{
    (void)fd;
    if (size < 0)
        return -EINVAL;
    if (size < f->size) {
        /* Pages wholly past the end go; the page holding the new end keeps
         * zeros after it, so a later extension reads zeros as it must. */
        for (size_t i = 0; i < f->cap; i++) {
            slot *s = &f->slots[i];
            if (s->page == NULL)
                continue;
            off_t start = (off_t)s->index * PFS_PAGE;
            if (start >= size) {
                free(s->page);
                s->page = NULL;
                f->used--;
            } else if (start + PFS_PAGE > size) {
                memset(s->page + (size - start), 0, (size_t)(start + PFS_PAGE - size));
            }
        }
        /* Removing slots breaks probe chains: rehash what is left. */
        slot *old = f->slots;
        size_t cap = f->cap;
        f->slots = cap ? calloc(cap, sizeof *old) : NULL;
        if (cap && f->slots == NULL) {
            f->slots = old;
            return -ENOMEM;
        }
        for (size_t i = 0; i < cap; i++)
            if (old[i].page)
                *find_slot(f->slots, cap, old[i].index) = old[i];
        free(old);
        if (size < f->floor)
            f->floor = size;
    }
    f->size = size;
    return 0;
}

off_t pfs_file_size(const pfs_file *f)
{
    return f->size;
}

bool pfs_file_dirty(const pfs_file *f)
{
    return f->used > 0 || f->size != f->disk || f->floor < f->disk;
}

size_t pfs_file_dirty_bytes(const pfs_file *f)
{
    return f->used * PFS_PAGE;
}

static int write_all(int fd, const char *buf, size_t len, off_t off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, buf, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        buf += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

int pfs_file_sync(pfs_file *f, int fd)
{
    if (!pfs_file_dirty(f))
        return 0;
    /* Cut the hidden part off first, so a page written past it and a size
     * extended past it both read zeros in between. */
    if (f->floor < f->disk && ftruncate(fd, f->floor) != 0)
        return -errno;
    for (size_t i = 0; i < f->cap; i++) {
        slot *s = &f->slots[i];
        if (s->page == NULL)
            continue;
        off_t start = (off_t)s->index * PFS_PAGE;
        if (start >= f->size)
            continue;
        size_t n = PFS_PAGE;
        if (start + (off_t)n > f->size)
            n = (size_t)(f->size - start);
        int rc = write_all(fd, s->page, n, start);
        if (rc)
            return rc;
    }
    if (ftruncate(fd, f->size) != 0)
        return -errno;
    free_pages(f);
    f->disk = f->floor = f->size;
    return 0;
}

void pfs_file_drop(pfs_file *f)
{
    free_pages(f);
    f->size = f->floor = f->disk;
}
