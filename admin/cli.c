/* The options every hcoopctl command shares, spelled as in ldap-utils:
 * -H URI, -D DN with -W (prompt) or -y FILE, -Y EXTERNAL; by default the
 * identity of /etc/hcoop.conf (the host account), which may read but not
 * change members. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hcoopctl.h"
#include "ldap_conn.h"

void ctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("hcoopctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The password for -D: the first line of -y FILE, or typed at -W. */
static int read_password(const struct ctl *ctl, char *buf, size_t len)
{
	struct termios old, noecho;
	FILE *f;
	bool tty = false;
	int r = 0;

	if (ctl->pwfile) {
		f = fopen(ctl->pwfile, "re");
		if (!f) {
			ctl_err("%s: %s", ctl->pwfile, strerror(errno));
			return -errno;
		}
	} else {
		f = fopen("/dev/tty", "r+e");
		if (!f) {
			ctl_err("-W: no terminal to ask for the password");
			return -ENOTTY;
		}
		fputs("Enter LDAP Password: ", f);
		fflush(f);
		if (tcgetattr(fileno(f), &old) == 0) {
			noecho = old;
			noecho.c_lflag &= ~(tcflag_t)ECHO;
			tty = tcsetattr(fileno(f), TCSAFLUSH, &noecho) == 0;
		}
	}
	if (!fgets(buf, (int)len, f))
		r = -EINVAL;
	if (tty) {
		tcsetattr(fileno(f), TCSAFLUSH, &old);
		fputc('\n', f);
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (r == 0 && !buf[0])
		r = -EINVAL;
	if (r < 0)
		ctl_err("no password given");
	return r;
}

int ctl_connect(struct ctl *ctl, struct hc_ldap **out)
{
	char err[512], pw[512] = "";
	char *saved = ctl->cfg.uri[0];
	size_t saved_n = ctl->cfg.n_uri;
	enum hc_bind how = HC_BIND_CONFIG;
	int r;

	if (ctl->binddn) {
		how = HC_BIND_SIMPLE;
		r = read_password(ctl, pw, sizeof(pw));
		if (r < 0)
			return r;
	} else if (ctl->sasl_external) {
		how = HC_BIND_SASL_EXTERNAL;
	}
	if (ctl->uri) {
		ctl->cfg.uri[0] = (char *)(uintptr_t)ctl->uri;
		ctl->cfg.n_uri = 1;
	}
	r = hc_ldap_connect(&ctl->cfg, how, ctl->binddn, pw, out, err,
			    sizeof(err));
	ctl->cfg.uri[0] = saved;
	ctl->cfg.n_uri = saved_n;
	explicit_bzero(pw, sizeof(pw));
	if (r < 0)
		ctl_err("%s", err);
	return r;
}

void ctl_print_json(const struct ctl *ctl)
{
	puts(json_object_to_json_string_ext(ctl->out, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
}
