/* The heartbeat file's format and reader (see heartbeat.h). */
#include "heartbeat.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "numparse.h"

static const char *const state_names[] = {
	[HC_HB_CONNECTING] = "connecting", [HC_HB_REFRESHING] = "refreshing",
	[HC_HB_CONNECTED] = "connected",   [HC_HB_BACKOFF] = "backoff",
	[HC_HB_STOPPED] = "stopped",
};
#define N_STATES (sizeof(state_names) / sizeof(state_names[0]))

const char *hc_hb_state_name(enum hc_hb_state s)
{
	return (size_t)s < N_STATES ? state_names[s] : "unknown";
}

/* One line of text: a newline in a server's message must not start a
 * forged key. */
static void one_line(char *dst, size_t len, const char *src)
{
	size_t i;

	snprintf(dst, len, "%s", src ? src : "");
	for (i = 0; dst[i]; i++)
		if (dst[i] == '\n' || dst[i] == '\r')
			dst[i] = ' ';
}

int hc_heartbeat_format(const struct hc_heartbeat *hb, char *buf,
			size_t len)
{
	char server[HC_HB_TEXT_MAX], error[HC_HB_TEXT_MAX];
	int n;

	one_line(server, sizeof(server), hb->server);
	one_line(error, sizeof(error), hb->last_error);
	n = snprintf(buf, len,
		     "pid=%" PRId64 "\nstate=%s\nserver=%s\nsince=%" PRId64
		     "\nlast_contact=%" PRId64 "\nlast_full_refresh=%" PRId64
		     "\nchanges_applied=%" PRIu64 "\ngeneration=%" PRIu64
		     "\nupdated=%" PRId64 "\nlast_error=%s\n",
		     hb->pid, hc_hb_state_name(hb->state), server, hb->since,
		     hb->last_contact, hb->last_full_refresh,
		     hb->changes_applied, hb->generation, hb->updated, error);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

enum { SEEN_PID = 1, SEEN_STATE = 2, SEEN_UPDATED = 4 };

static int parse_state(const char *v, enum hc_hb_state *out)
{
	size_t i;

	for (i = 0; i < N_STATES; i++)
		if (strcmp(v, state_names[i]) == 0) {
			*out = (enum hc_hb_state)i;
			return 0;
		}
	return -EINVAL;
}

/* One "key=value"; unknown keys are fine (a newer daemon). */
static int parse_kv(struct hc_heartbeat *hb, const char *k, const char *v,
		    unsigned *seen)
{
	int64_t *times[] = { &hb->since, &hb->last_contact,
			     &hb->last_full_refresh, &hb->updated };
	static const char *const tnames[] = { "since", "last_contact",
					      "last_full_refresh", "updated" };
	size_t i;

	if (strcmp(k, "pid") == 0) {
		*seen |= SEEN_PID;
		return hc_parse_i64(v, 1, INT32_MAX, &hb->pid);
	}
	if (strcmp(k, "state") == 0) {
		*seen |= SEEN_STATE;
		return parse_state(v, &hb->state);
	}
	if (strcmp(k, "server") == 0) {
		snprintf(hb->server, sizeof(hb->server), "%s", v);
		return 0;
	}
	if (strcmp(k, "last_error") == 0) {
		snprintf(hb->last_error, sizeof(hb->last_error), "%s", v);
		return 0;
	}
	if (strcmp(k, "changes_applied") == 0)
		return hc_parse_u64(v, 0, UINT64_MAX, &hb->changes_applied);
	if (strcmp(k, "generation") == 0)
		return hc_parse_u64(v, 0, UINT64_MAX, &hb->generation);
	for (i = 0; i < 4; i++)
		if (strcmp(k, tnames[i]) == 0) {
			if (i == 3)
				*seen |= SEEN_UPDATED;
			return hc_parse_i64(v, 0, INT64_MAX, times[i]);
		}
	return 0;
}

static int parse_text(const char *path, char *text, struct hc_heartbeat *hb,
		      char *err, size_t errlen)
{
	unsigned seen = 0, line = 0;
	char *save = NULL, *l, *eq;

	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		line++;
		eq = strchr(l, '=');
		if (!eq) {
			hc_set_err(err, errlen, "%s:%u: not key=value", path, line);
			return -EBADMSG;
		}
		*eq = '\0';
		if (parse_kv(hb, l, eq + 1, &seen) < 0) {
			hc_set_err(err, errlen, "%s:%u: %s: bad value '%.60s'",
				   path, line, l, eq + 1);
			return -EBADMSG;
		}
	}
	if ((seen & (SEEN_PID | SEEN_STATE | SEEN_UPDATED)) !=
	    (SEEN_PID | SEEN_STATE | SEEN_UPDATED)) {
		hc_set_err(err, errlen, "%s: pid, state or updated missing", path);
		return -EBADMSG;
	}
	return 0;
}

int hc_heartbeat_read(const char *path, struct hc_heartbeat *hb, char *err,
		      size_t errlen)
{
	char text[HC_HB_FILE_MAX + 1];
	ssize_t n;
	size_t got = 0;
	int fd, r;

	memset(hb, 0, sizeof(*hb));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		r = -errno;
		hc_set_err(err, errlen, "%s: %s", path, strerror(errno));
		return r;
	}
	while (got < HC_HB_FILE_MAX &&
	       (n = read(fd, text + got, HC_HB_FILE_MAX - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			hc_set_err(err, errlen, "%s: %s", path, strerror(errno));
			close(fd);
			return r;
		}
		got += (size_t)n;
	}
	close(fd);
	text[got] = '\0';
	if (memchr(text, '\0', got)) {
		hc_set_err(err, errlen, "%s: binary data", path);
		return -EBADMSG;
	}
	return parse_text(path, text, hb, err, errlen);
}

int64_t hc_hb_refreshed_at(const struct hc_heartbeat *hb, uint64_t generation,
			   int64_t refreshed_at)
{
	if (hb && hb->generation == generation &&
	    hb->last_full_refresh > refreshed_at)
		return hb->last_full_refresh;
	return refreshed_at;
}
