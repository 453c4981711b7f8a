/* Shared between the files of the config parser (common/config*.c and
 * common/secret.c); not part of the public interface (config.h). */
#ifndef HCOOP_CONFIG_INTERNAL_H
#define HCOOP_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

/* root, or the caller's euid (tests and tools run by a user) */
bool hc_config_trusted_uid(uid_t uid);

/* fd is path, just opened: 0 if it is a regular file that only a trusted
 * user can have written (owner, mode, every directory on the way to it
 * and to a symlink naming it); else -EPERM (or -errno) with err set to
 * "PATH: why". */
int hc_config_check_trust(int fd, const char *path, char *err, size_t errlen);

/* The checks of check_secret_stat on the name path (lstat): 0, or -EPERM
 * / -errno with err set to "PATH: why". A file the caller may not stat
 * (EACCES) passes: ownership and mode are judged by whoever can see them,
 * and the reader checks the opened file again. */
int hc_config_check_bindpw_file(const char *path, char *err, size_t errlen);

#endif
