/* RFC 4515 escaping of a value placed inside an LDAP search filter.
 * Every filter value goes through this one function. */
#ifndef HCOOP_ESCAPE_H
#define HCOOP_ESCAPE_H

#include <stddef.h>

/* Worst case output size for an input of n bytes (each byte -> "\XX"). */
#define HC_ESCAPED_SIZE(n) ((n) * 3 + 1)

/* '*' '(' ')' '\\' and NUL -> \2a \28 \29 \5c \00; bytes >= 0x80 and other
 * control bytes are also hex-escaped. Returns 0, or -ERANGE if out (size
 * outlen, including the NUL) is too small; out is then an empty string. */
int hc_ldap_escape_filter(const char *in, char *out, size_t outlen);

#endif
