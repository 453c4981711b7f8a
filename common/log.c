/* Logging to syslog under the program's name (see log.h).
 *
 * Facility: LOG_DAEMON. Our programs (hcoop-sync, hcoop-mkhome) are system
 * services, not authentication front ends; the PAM module, which is, logs
 * through pam_syslog (LOG_AUTHPRIV) in its host's name instead of this.
 * State is a few process-wide variables: programs set them once at start. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define IDENT_MAX 64
#define MSG_MAX 1024

static char log_ident[IDENT_MAX] = "hcoop";
static bool log_opened;
static bool log_debug;
static bool log_stderr;
static int log_facility = LOG_DAEMON;
static bool log_syslog = true;

void hc_log_set_facility(int facility)
{
	log_facility = facility;
}

void hc_log_set_syslog(bool on)
{
	log_syslog = on;
}

void hc_log_init(const char *ident, bool debug, bool to_stderr)
{
	if (ident && *ident) {
		const char *slash = strrchr(ident, '/');

		if (slash && slash[1])
			ident = slash + 1;
		snprintf(log_ident, sizeof(log_ident), "%s", ident);
	}
	log_debug = debug;
	log_stderr = to_stderr;
	/* openlog keeps the pointer: log_ident is static and lives forever */
	openlog(log_ident, LOG_PID, log_facility);
	log_opened = true;
}

void hc_log_set_debug(bool debug)
{
	log_debug = debug;
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void hc_vlog(int prio, const char *fmt, va_list ap)
{
	char msg[MSG_MAX];
	int saved = errno; /* so that %m names the caller's error */

	vsnprintf(msg, sizeof(msg), fmt, ap);
	sanitize(msg);
	if (log_syslog && log_opened)
		syslog(LOG_PRI(prio), "%s", msg);
	else if (log_syslog) /* in someone else's process: their ident */
		syslog(log_facility | LOG_PRI(prio), "%s: %s", log_ident, msg);
	if (log_stderr)
		fprintf(stderr, "%s: %s\n", log_ident, msg);
	errno = saved;
}

void hc_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hc_vlog(prio, fmt, ap);
	va_end(ap);
}

void hc_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug)
		return;
	va_start(ap, fmt);
	hc_vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}
