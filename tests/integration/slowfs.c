// SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause
/* A slow disk for the tests: a FUSE file system that passes everything
 * through to a directory and sleeps in every fsync, of files and of
 * directories. One thread serves every request, as one busy disk queue does:
 * while an fsync sleeps, nothing else on it gets done.
 *
 *   slowfs DIR MOUNTPOINT DELAY_MS
 *
 * Runs in the foreground until MOUNTPOINT is unmounted. Inode numbers are
 * DIR's own (use_ino), so a file's identity survives its rename as on a disk.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static int base = -1;
static struct timespec delay;

/* FUSE paths start with '/'; DIR's own entries are relative to it. */
static const char *rel(const char *path)
{
	return path[1] ? path + 1 : ".";
}

static int result(int rc)
{
	return rc < 0 ? -errno : rc;
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->use_ino = 1;
	cfg->nullpath_ok = 1;
	/* Attributes straight from DIR each time: no cached identity. */
	cfg->entry_timeout = cfg->attr_timeout = cfg->negative_timeout = 0;
	return NULL;
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	if (fi)
		return result(fstat((int)fi->fh, st));
	return result(fstatat(base, rel(path), st, AT_SYMLINK_NOFOLLOW));
}

static int fs_readlink(const char *path, char *buf, size_t size)
{
	ssize_t n = readlinkat(base, rel(path), buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int fs_mkdir(const char *path, mode_t mode)
{
	return result(mkdirat(base, rel(path), mode));
}

static int fs_unlink(const char *path)
{
	return result(unlinkat(base, rel(path), 0));
}

static int fs_rmdir(const char *path)
{
	return result(unlinkat(base, rel(path), AT_REMOVEDIR));
}

static int fs_rename(const char *from, const char *to, unsigned int flags)
{
	return result(renameat2(base, rel(from), base, rel(to), flags));
}

static int fs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	if (fi)
		return result(fchmod((int)fi->fh, mode));
	return result(fchmodat(base, rel(path), mode, 0));
}

static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	if (fi)
		return result(ftruncate((int)fi->fh, size));
	int fd = openat(base, rel(path), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = result(ftruncate(fd, size));
	close(fd);
	return rc;
}

static int fs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	if (fi)
		return result(futimens((int)fi->fh, tv));
	return result(utimensat(base, rel(path), tv, AT_SYMLINK_NOFOLLOW));
}

static int fs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	int fd = openat(base, rel(path), fi->flags | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	fi->fh = (uint64_t)fd;
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	return fs_create(path, 0, fi);
}

static int fs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	return result((int)pread((int)fi->fh, buf, size, off));
}

static int fs_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	return result((int)pwrite((int)fi->fh, buf, size, off));
}

static int fs_statfs(const char *path, struct statvfs *st)
{
	(void)path;
	return result(fstatvfs(base, st));
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	close((int)fi->fh);
	return 0;
}

static int fs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	nanosleep(&delay, NULL);
	return result(datasync ? fdatasync((int)fi->fh) : fsync((int)fi->fh));
}

static int fs_opendir(const char *path, struct fuse_file_info *fi)
{
	int fd = openat(base, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fi->fh = (uint64_t)fd;
	return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	(void)path;
	(void)off;
	(void)flags;
	int fd = dup((int)fi->fh);
	if (fd < 0)
		return -errno;
	DIR *dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	rewinddir(dir);
	for (struct dirent *e; (e = readdir(dir));) {
		struct stat st = {.st_ino = e->d_ino, .st_mode = (mode_t)DTTOIF(e->d_type)};
		if (fill(buf, e->d_name, &st, 0, 0))
			break;
	}
	closedir(dir);
	return 0;
}

static int fs_releasedir(const char *path, struct fuse_file_info *fi)
{
	return fs_release(path, fi);
}

static int fs_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi)
{
	return fs_fsync(path, datasync, fi);
}

static const struct fuse_operations ops = {
	.init = fs_init,
	.getattr = fs_getattr,
	.readlink = fs_readlink,
	.mkdir = fs_mkdir,
	.unlink = fs_unlink,
	.rmdir = fs_rmdir,
	.rename = fs_rename,
	.chmod = fs_chmod,
	.truncate = fs_truncate,
	.utimens = fs_utimens,
	.create = fs_create,
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
};

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: slowfs DIR MOUNTPOINT DELAY_MS\n");
		return 2;
	}
	base = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (base < 0) {
		fprintf(stderr, "slowfs: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	long ms = strtol(argv[3], NULL, 10);
	delay.tv_sec = ms / 1000;
	delay.tv_nsec = (ms % 1000) * 1000000L;
	/* Foreground, one thread; the kernel checks permissions as on a disk. */
	char *fuse_argv[] = {argv[0], "-f", "-s", "-o", "default_permissions", argv[2], NULL};
	return fuse_main(6, fuse_argv, &ops, NULL);
}
