/* lookuptime: time lookups through glibc (getpwnam, getpwuid, getgrnam,
 * getgrgid: whatever nsswitch.conf says), one per key read from stdin as
 * "pw NAME", "uid N", "gr NAME" or "gid N". The first line is a warm-up,
 * not timed (glibc loads the NSS modules then). Prints "max_us N over_1ms
 * N calls N slowest KIND:KEY" and exits 0; the caller judges. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void lookup(const char *kind, const char *key)
{
	if (strcmp(kind, "pw") == 0)
		(void)getpwnam(key);
	else if (strcmp(kind, "uid") == 0)
		(void)getpwuid((uid_t)strtoul(key, NULL, 10));
	else if (strcmp(kind, "gr") == 0)
		(void)getgrnam(key);
	else if (strcmp(kind, "gid") == 0)
		(void)getgrgid((gid_t)strtoul(key, NULL, 10));
}

int main(void)
{
	char line[512], kind[16], key[256], slow[300] = "-";
	double t0, d, max = 0;
	unsigned long calls = 0, over = 0;
	int warm = 1;

	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "%15s %255s", kind, key) != 2)
			continue;
		t0 = now_us();
		lookup(kind, key);
		d = now_us() - t0;
		if (warm) {
			warm = 0;
			continue;
		}
		if (d > max) {
			max = d;
			snprintf(slow, sizeof(slow), "%s:%s", kind, key);
		}
		if (d > 1000)
			over++;
		calls++;
	}
	printf("max_us %.0f over_1ms %lu calls %lu slowest %s\n", max, over,
	       calls, slow);
	return 0;
}
