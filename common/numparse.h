/* Checked number parsing: the whole string must be a number in range, no
 * sign, no leading space, no trailing junk, no overflow. Never atoi(). */
#ifndef HCOOP_NUMPARSE_H
#define HCOOP_NUMPARSE_H

#include <stdint.h>

/* Decimal unsigned in [min, max]. 0 or -EINVAL (not a number) / -ERANGE. */
int hc_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int hc_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Decimal, optional leading '-', in [min, max]. */
int hc_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Octal mode like "0750" or "750", at most 07777. */
int hc_parse_mode(const char *s, uint32_t *out);

#endif
