/* Small file and clock tools every program needs, written once: a write
 * loop that survives EINTR and short writes, a monotonic millisecond
 * clock, and the atomic replacement of a small file (temporary file beside
 * it, fsync, rename) with the clean-up of temporary files a crash left. */
#ifndef HCOOP_FILEIO_H
#define HCOOP_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* All of buf to fd: 0 or a negative errno. */
int hc_write_all(int fd, const void *buf, size_t len);

/* Milliseconds of CLOCK_MONOTONIC, to the microsecond (for deadlines and
 * durations only). */
double hc_now_ms(void);

/* fsync the directory holding path (after a rename into it). 0 or a
 * negative errno. */
int hc_fsync_dir_of(const char *path);

/* Replace path by a file holding data: a temp file of hc_create_tmp
 * written, fsynced, chmod'ed to mode, renamed over path, the directory
 * fsynced; readers see the old file or the new one, never a part. 0 or a
 * negative errno (the temporary file removed). */
int hc_atomic_write(const char *path, const void *data, size_t len,
		    mode_t mode);

/* Create PATH.tmp.PID.N (O_EXCL, O_NOFOLLOW, mode 0600; N from one
 * counter for the whole process, so every writer of a process, the cache
 * builder's and hcoop-sync's guard's, gets a name of its own), its name in
 * tmp. The file is flock'ed until closed: "in use" for the stale-file
 * sweeps, which remove only unlocked files of dead processes. Returns the
 * fd or a negative errno. */
int hc_create_tmp(const char *path, char *tmp, size_t tmpsize);

/* The one sweep of temp files a crash left: remove PATH.tmp.PID.N files
 * (hc_create_tmp's names, nothing else) whose process is gone and that
 * nobody holds locked, calling removed() for each; returns how many. Best
 * effort: a failure here never fails the caller's write. */
int hc_remove_stale_tmp(const char *path, void (*removed)(const char *file));

#endif
