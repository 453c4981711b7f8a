/* Logging to syslog under the program's name, with a debug switch.
 * Library code in common/ logs only at debug; programs log once per event.
 * Never pass a password to these functions. */
#ifndef HCOOP_LOG_H
#define HCOOP_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* ident: program name (a path is cut to its last component; at most 63
 * bytes kept). to_stderr: also print "ident: message" to stderr
 * (interactive use, tests). debug: emit hc_debug() messages.
 * Calls openlog(ident, LOG_PID, facility), facility LOG_DAEMON unless
 * hc_log_set_facility() chose another: so only PROGRAMS call it. Code that
 * runs inside someone else's process (the PAM and NSS modules) must not,
 * since openlog would change the host program's ident; without init,
 * messages go to syslog under the host's ident, prefixed "hcoop: ".
 * Every function here is safe to call before hc_log_init (ident "hcoop",
 * no debug, no stderr). */
void hc_log_init(const char *ident, bool debug, bool to_stderr);
/* LOG_DAEMON (default) or e.g. LOG_AUTHPRIV; call before hc_log_init. */
void hc_log_set_facility(int facility);
/* Send messages to syslog (default true). Off: stderr only, if enabled
 * (unit tests, interactive one-shot commands). */
void hc_log_set_syslog(bool on);
void hc_log_set_debug(bool debug);

/* prio is a LOG_* level; errno is preserved, so "%m" works. Control bytes
 * in the final message are replaced by '?' (no forged log lines). */
void hc_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define hc_err(...) hc_log(LOG_ERR, __VA_ARGS__)
#define hc_warn(...) hc_log(LOG_WARNING, __VA_ARGS__)
#define hc_info(...) hc_log(LOG_INFO, __VA_ARGS__)
void hc_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
