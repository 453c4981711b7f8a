/* The valid-name rule and host-name comparison, shared by sync (which
 * refuses bad names before they reach the cache), the NSS module (invalid
 * key -> NOTFOUND without a lookup), PAM and mkhome. */
#ifndef HCOOP_NAMES_H
#define HCOOP_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define HC_NAME_MAX 32

/* User and group names: 1..32 bytes, first [a-z_], then [a-z0-9_.-],
 * optionally ending in '$' (Samba machine accounts). Lower case only, so a
 * name differing from a member's only in case is never theirs. */
bool hc_valid_name(const char *name);

/* The same rule, and the name's length (its terminating NUL found on the
 * way), 0 when it is not a valid name: the NSS module's key check also
 * measures the key it then hashes. */
size_t hc_valid_name_len(const char *name);

/* Host assignment names compare case-insensitively, one trailing dot
 * ignored on either side. No DNS, ever. */
bool hc_host_equal(const char *a, const char *b);

/* A passwd/group field value: no ':' and no newline (or other control
 * byte). */
bool hc_valid_field(const char *s);

#endif
