/* postmap and the reload commands, run through common/'s one spawn helper:
 * absolute path, empty environment, no inherited descriptors, bounded
 * time. A command line is split on blanks, with no shell and no quoting
 * (hcoop.conf(5)): what an admin writes is exactly the argv. */
#include "routes.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "child.h"

#define MAX_ARGS 32
#define LINE_MAX_BYTES 4096

/* Split copy in place into argv (NULL-terminated, room for one more). */
static int split_line(char *copy, char **argv, size_t max)
{
	size_t n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (n + 2 >= max)
			return -E2BIG;
		argv[n++] = tok;
	}
	argv[n] = NULL;
	return n > 0 && argv[0][0] == '/' ? (int)n : -EINVAL;
}

/* The child's stderr as one log-safe line (newlines become "; "). */
static void flatten(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (; *s; s++)
		if (*s == '\n')
			*s = ';';
}

int rt_run(const char *what, const char *line, const char *extra,
	   unsigned timeout_s)
{
	char copy[LINE_MAX_BYTES], err[1024] = "", desc[96];
	char *argv[MAX_ARGS];
	struct hc_spawn_req req = {0};
	struct hc_spawn_res res;
	int n, r;

	if (snprintf(copy, sizeof(copy), "%s", line) >= (int)sizeof(copy)) {
		hc_err("%s: command line too long", what);
		return -E2BIG;
	}
	n = split_line(copy, argv, MAX_ARGS);
	if (n < 0) {
		hc_err("%s: '%.100s': %s", what, line,
		       n == -E2BIG ? "too many arguments"
				   : "must start with an absolute path");
		return n;
	}
	if (extra) {
		argv[n++] = (char *)(uintptr_t)extra; /* argv is never written */
		argv[n] = NULL;
	}
	req.argv = argv;
	req.envp = NULL;
	req.timeout_ms = timeout_s * 1000u;
	req.err = err;
	req.errlen = sizeof(err);
	r = hc_spawn_run(&req, &res);
	if (r < 0) {
		hc_err("%s: cannot run %s: %s", what, argv[0], strerror(-r));
		return r;
	}
	if (res.exited && res.code == 0) {
		hc_debug("%s: %s ok", what, argv[0]);
		return 0;
	}
	flatten(err);
	hc_err("%s: %s failed (%s)%s%.300s", what, argv[0],
	       hc_spawn_describe(&req, &res, desc, sizeof(desc)),
	       err[0] ? ": " : "", err);
	return -EIO;
}
