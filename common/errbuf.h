/* The one way common/ fills a caller's (err, errlen) message buffer. */
#ifndef HCOOP_ERRBUF_H
#define HCOOP_ERRBUF_H

#include <stddef.h>

/* vsnprintf into err (truncated, always NUL-terminated); a NULL or
 * zero-sized buffer is ignored. */
void hc_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
