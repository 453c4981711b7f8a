/* Logging to syslog under the program's name, with a debug switch.
 * Library code in common/ logs only at debug; programs log once per event.
 * Never pass a password to these functions. */
#ifndef HCOOP_LOG_H
#define HCOOP_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* ident: program name. to_stderr: also print to stderr (interactive use,
 * tests). debug: emit hc_debug() messages. */
void hc_log_init(const char *ident, bool debug, bool to_stderr);
void hc_log_set_debug(bool debug);
bool hc_log_debug_enabled(void);

void hc_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define hc_err(...) hc_log(LOG_ERR, __VA_ARGS__)
#define hc_warn(...) hc_log(LOG_WARNING, __VA_ARGS__)
#define hc_info(...) hc_log(LOG_INFO, __VA_ARGS__)
void hc_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
