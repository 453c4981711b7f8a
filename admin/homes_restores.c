/* hcoopctl homes restores: the restores restore_command runs on this host
 * (hcoop-mkhome --restore, started by hcoop-sync's precreate_homes for each
 * newly assigned member, e.g. on the spare after a failover): one line per
 * member, from the state files DIR/restores/USER next to the cache, and
 * the count of each state (pending, running, done, failed, skipped). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ldapw.h"

static const char *const states[] = { "pending", "running", "done", "failed",
				      "skipped" };
#define N_STATES (sizeof(states) / sizeof(states[0]))

static void one(const char *dir, const char *name, json_object *list,
		int64_t *count, bool text)
{
	char path[4400], line[1200], state[16] = "?", when[32] = "";
	long t = 0;
	int off = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	sscanf(line, "%15s %ld %n", state, &t, &off);
	for (size_t i = 0; i < N_STATES; i++)
		if (strcmp(state, states[i]) == 0)
			count[i]++;
	json_object *o = json_object_new_object();
	ctl_jset_str(o, "user", name);
	ctl_jset_str(o, "state", state);
	ctl_jset_int(o, "time", t);
	ctl_jset_str(o, "detail", line + off);
	json_object_array_add(list, o);
	if (text) {
		time_t tt = (time_t)t;
		struct tm tm;

		gmtime_r(&tt, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%-20s %-8s %s  %s\n", name, state, when, line + off);
	}
}

/* Every state file into list (and, with text, one line each); counts. */
static int scan(const struct ctl *ctl, json_object *list, int64_t *count, bool text)
{
	const char *slash = strrchr(ctl->cfg.cache, '/');
	char dir[4096];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%.*s/restores", slash ? (int)(slash - ctl->cfg.cache) : 1,
		 slash ? ctl->cfg.cache : ".");
	d = opendir(dir);
	if (!d && errno != ENOENT) {
		ctl_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			one(dir, de->d_name, list, count, text);
	if (d)
		closedir(d);
	return 0;
}

void ctl_restores_add(struct ctl *ctl)
{
	json_object *list = json_object_new_array();
	int64_t count[N_STATES] = { 0 };
	char key[32];

	if (scan(ctl, list, count, false) == 0)
		for (size_t i = 0; i < N_STATES; i++) {
			snprintf(key, sizeof(key), "restores_%s", states[i]);
			ctl_jset_int(ctl->out, key, count[i]);
		}
	json_object_put(list);
}

int ctl_homes_restores(struct ctl *ctl)
{
	json_object *list = json_object_new_array();
	int64_t count[N_STATES] = { 0 };

	json_object_object_add(ctl->out, "restores", list);
	if (scan(ctl, list, count, !ctl->json) < 0)
		return CTL_EXIT_USAGE;
	for (size_t i = 0; i < N_STATES; i++)
		ctl_jset_int(ctl->out, states[i], count[i]);
	if (ctl->json) {
		ctl_print_json(ctl);
	} else {
		printf("restores: %lld pending, %lld running, %lld done, %lld failed, "
		       "%lld skipped\n", (long long)count[0], (long long)count[1],
		       (long long)count[2], (long long)count[3], (long long)count[4]);
	}
	return count[3] ? CTL_EXIT_REFUSED : CTL_EXIT_OK;
}
