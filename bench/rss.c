/* hcb-rss: memory a process gains by loading an NSS module and doing one
 * lookup.
 *   hcb-rss glibc NAME               one getpwnam(NAME) through glibc
 *   hcb-rss direct LIB PREFIX NAME   dlopen LIB, one _nss_PREFIX_getpwnam_r
 * Prints "RSS before_kb=.. after_kb=.. added_kb=.. file_added_kb=.."
 * (VmRSS and RssFile from /proc/self/status; RssFile is mostly the pages
 * of the mapped cache and libraries that were touched). */
#include <dlfcn.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

struct rss {
	long total, file;
};

static struct rss read_rss(void)
{
	struct rss r = {-1, -1};
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return r;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			sscanf(line + 6, "%ld", &r.total);
		else if (strncmp(line, "RssFile:", 8) == 0)
			sscanf(line + 8, "%ld", &r.file);
	}
	fclose(f);
	return r;
}

typedef enum nss_status (*pwnam_fn)(const char *, struct passwd *, char *,
				    size_t, int *);

static int direct(const char *lib, const char *prefix, const char *name)
{
	char sym[128], buf[4096];
	struct passwd pw;
	pwnam_fn fn;
	void *h;
	int e;

	h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "hcb-rss: %s\n", dlerror());
		return -1;
	}
	snprintf(sym, sizeof(sym), "_nss_%s_getpwnam_r", prefix);
	*(void **)&fn = dlsym(h, sym);
	if (!fn)
		return -1;
	return fn(name, &pw, buf, sizeof(buf), &e) == NSS_STATUS_SUCCESS ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct rss before, after;
	int r;

	/* touch stdio and the /proc reader once so they are not counted */
	before = read_rss();
	before = read_rss();
	if (argc == 3 && strcmp(argv[1], "glibc") == 0) {
		r = getpwnam(argv[2]) ? 0 : -1;
	} else if (argc == 5 && strcmp(argv[1], "direct") == 0) {
		r = direct(argv[2], argv[3], argv[4]);
	} else {
		fprintf(stderr, "usage: hcb-rss glibc NAME | direct LIB PREFIX NAME\n");
		return 2;
	}
	after = read_rss();
	printf("RSS found=%d before_kb=%ld after_kb=%ld added_kb=%ld "
	       "file_added_kb=%ld\n", r == 0, before.total, after.total,
	       after.total - before.total, after.file - before.file);
	return 0;
}
