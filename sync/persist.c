/* Following changes: RFC 4533 refreshAndPersist through libldap's
 * ldap_sync_* API, one sync session for users and one for groups on the
 * same connection. The refresh phase fills a fresh model (every entry
 * arrives as "add"); when both sessions report refreshDone it is written
 * through the removal guard. After that each add/modify/delete is applied
 * to the model (kept sorted and indexed, so applying one costs
 * microseconds) and the cache is rewritten as soon as everything the
 * server has sent so far is applied: a lone change is written at once, and
 * the changes of a burst that arrive while one write runs are applied
 * together and written once after it. So a change reaches NSS in about
 * one cache write. The sync cookie lives in memory only
 * (in ldap_sync_t); a new connection starts with a full refresh, which is
 * always correct and is checked by the guard. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ldap_conn.h"
#include "log.h"
#include "sync.h"

#define DRAIN_MAX_MS 200   /* a steady stream is written at least this often */
#define IDLE_WAIT_MS 1000  /* re-check signals at least this often */

struct persist {
	const struct hc_config *cfg;
	struct hc_ldap *c, *c2; /* users, groups */
	ldap_sync_t ls[2];      /* users, groups */
	struct hs_model model;
	bool done[2];      /* refreshDone seen */
	bool applied;      /* the refresh result has been written */
	bool dirty;        /* changes not yet written */
	int ended;         /* server ended a session: its result code */
	unsigned long events;
	int error;         /* -ENOMEM etc. from a callback */
};

static int session_of(const struct persist *p, const ldap_sync_t *ls)
{
	return ls == &p->ls[0] ? 0 : 1;
}

static void apply_entry(struct persist *p, ldap_sync_t *ls, LDAPMessage *msg,
			const char *key)
{
	enum hs_kind kind = session_of(p, ls) == 0 ? HS_USER : HS_GROUP;
	struct hs_entry *e = NULL;
	int r = hs_entry_parse(p->cfg, ls->ls_ld, msg, kind, key, &e);

	if (r == -EINVAL) {
		/* it became invalid: the old version must not stay */
		p->dirty |= hs_model_del(&p->model, kind, key);
		return;
	}
	if (r == 0)
		r = hs_model_put(&p->model, e);
	if (r < 0)
		p->error = r;
	else
		p->dirty = true;
}

static int on_entry(ldap_sync_t *ls, LDAPMessage *msg, struct berval *uuid,
		    ldap_sync_refresh_t phase)
{
	struct persist *p = ls->ls_private;
	char key[40];

	p->events++;
	if (!uuid || hs_uuid_text(uuid, key, sizeof(key)) < 0) {
		hc_warn("sync: entry without a valid entryUUID ignored");
		return 0;
	}
	switch (phase) {
	case LDAP_SYNC_CAPI_ADD:
	case LDAP_SYNC_CAPI_MODIFY:
		apply_entry(p, ls, msg, key);
		break;
	case LDAP_SYNC_CAPI_DELETE:
		if (hs_model_del(&p->model,
				 session_of(p, ls) == 0 ? HS_USER : HS_GROUP,
				 key))
			p->dirty = true;
		break;
	default: /* PRESENT: nothing changed (we send no cookie) */
		break;
	}
	return p->error ? LDAP_NO_MEMORY : 0;
}

static int on_reference(ldap_sync_t *ls, LDAPMessage *msg)
{
	(void)ls;
	(void)msg;
	return 0; /* referrals are not followed: one directory */
}

static int on_intermediate(ldap_sync_t *ls, LDAPMessage *msg,
			   BerVarray uuids, ldap_sync_refresh_t phase)
{
	struct persist *p = ls->ls_private;
	char key[40];
	size_t i;

	(void)msg;
	p->events++;
	if (phase == LDAP_SYNC_CAPI_DONE)
		p->done[session_of(p, ls)] = true;
	if (phase == LDAP_SYNC_CAPI_DELETES_IDSET && uuids) {
		for (i = 0; uuids[i].bv_val; i++)
			if (hs_uuid_text(&uuids[i], key, sizeof(key)) == 0 &&
			    hs_model_del(&p->model, session_of(p, ls) == 0
							    ? HS_USER : HS_GROUP,
					 key))
				p->dirty = true;
	}
	return 0;
}

static int on_result(ldap_sync_t *ls, LDAPMessage *msg, int refreshDeletes)
{
	struct persist *p = ls->ls_private;
	int code = LDAP_OTHER;

	(void)refreshDeletes;
	p->events++;
	if (ldap_parse_result(ls->ls_ld, msg, &code, NULL, NULL, NULL, NULL,
			      0) != LDAP_SUCCESS)
		code = LDAP_OTHER;
	/* in refreshAndPersist the server ends the search only on error */
	p->ended = code ? code : LDAP_OTHER;
	return 0;
}

static char user_filter[] = "(objectClass=posixAccount)";
static char group_filter[] = "(objectClass=posixGroup)";

static int start_session(struct persist *p, int i, LDAP *ld)
{
	ldap_sync_t *ls = &p->ls[i];
	const struct hc_config *cfg = p->cfg;
	char *base = i == 0 ? cfg->user_base : cfg->group_base;

	ldap_sync_initialize(ls);
	ls->ls_base = base ? base : cfg->base;
	ls->ls_scope = LDAP_SCOPE_SUBTREE;
	ls->ls_filter = i == 0 ? user_filter : group_filter;
	ls->ls_attrs = i == 0 ? hs_user_attrs : hs_group_attrs;
	ls->ls_timeout = 0; /* we wait in poll(2) ourselves */
	ls->ls_search_entry = on_entry;
	ls->ls_search_reference = on_reference;
	ls->ls_intermediate = on_intermediate;
	ls->ls_search_result = on_result;
	ls->ls_private = p;
	ls->ls_ld = ld;
	return ldap_sync_init_refresh_and_persist(ls);
}

static void end_session(ldap_sync_t *ls)
{
	/* ldap_sync_destroy frees base/filter/attrs and unbinds ls_ld: none
	 * of them is its to free, so detach them and let it free the cookie */
	ls->ls_base = NULL;
	ls->ls_filter = NULL;
	ls->ls_attrs = NULL;
	ls->ls_ld = NULL;
	ldap_sync_destroy(ls, 0);
}

static bool unsupported(int code)
{
	return code == LDAP_UNAVAILABLE_CRITICAL_EXTENSION ||
	       code == LDAP_NOT_SUPPORTED;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read everything libldap has for both sessions. A zero-timeout
 * ldap_result() may read a message from the socket and still report a
 * timeout, leaving it queued inside libldap where poll(2) cannot see it;
 * the next call returns it. So a session is drained only after two calls
 * in a row bring nothing. Once the refresh is applied a drain stops after
 * DRAIN_MAX_MS, so a steady stream of changes still reaches the cache
 * (the rest is read after the write). 0; 1 when cut short; or
 * -ECONNRESET. */
static int drain(struct persist *p)
{
	unsigned long before;
	long t0 = now_ms();
	int i, rc, idle;

	for (i = 0; i < 2; i++) {
		for (idle = 0; idle < 2;) {
			if (p->applied && p->dirty &&
			    now_ms() - t0 >= DRAIN_MAX_MS)
				return 1;
			before = p->events;
			rc = ldap_sync_poll(&p->ls[i]);
			if (rc < 0)
				return -ECONNRESET;
			if (p->error)
				return p->error;
			if (p->ended)
				return 0;
			idle = p->events == before ? idle + 1 : 0;
		}
	}
	return 0;
}

static int wait_input(struct persist *p, int ms)
{
	struct pollfd pf[2];
	int i;

	for (i = 0; i < 2; i++) {
		pf[i].events = POLLIN;
		if (ldap_get_option(p->ls[i].ls_ld, LDAP_OPT_DESC, &pf[i].fd) !=
			    LDAP_OPT_SUCCESS ||
		    pf[i].fd < 0)
			return -ECONNRESET;
	}
	if (poll(pf, 2, ms) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

/* After a drain: apply the refresh once both sessions finished it, and
 * write the changes read so far. 0, -EPERM (guard), or a write error. */
static int settle(struct persist *p, bool force)
{
	const char *server = hc_ldap_uri(p->c);
	int r;

	if (!p->applied) {
		if (!p->done[0] || !p->done[1])
			return 0;
		r = hs_write(p->cfg, &p->model, server,
			     force ? 0 : HS_WRITE_GUARDED);
		if (r < 0)
			return r;
		p->applied = true;
		p->dirty = false;
		hc_info("refresh applied; following changes on %s", server);
		return 0;
	}
	if (!p->dirty && hs_local_changed()) {
		hc_info("local account files changed: rewriting the cache");
		p->dirty = true;
	}
	if (!p->dirty)
		return 0;
	r = hs_write(p->cfg, &p->model, server, 0);
	if (r < 0)
		return r;
	p->dirty = false;
	return 0;
}

static int ended(struct persist *p)
{
	if (unsupported(p->ended)) {
		hc_warn("%s does not offer the sync control (%s)",
			hc_ldap_uri(p->c), ldap_err2string(p->ended));
		return -EOPNOTSUPP;
	}
	hc_warn("%s ended the sync search: %s", hc_ldap_uri(p->c),
		ldap_err2string(p->ended));
	return -ECONNRESET;
}

static int follow(struct persist *p, bool force)
{
	int r = 0, more;

	while (!hs_stop && !hs_hup) {
		if ((r = more = drain(p)) < 0)
			break;
		if (p->ended) {
			r = ended(p);
			break;
		}
		if ((r = settle(p, force)) < 0)
			break;
		/* cut short: more may wait inside libldap, unseen by poll */
		r = wait_input(p, more ? 0 : IDLE_WAIT_MS);
		if (r < 0)
			break;
	}
	if (r == -ECONNRESET)
		hc_warn("lost the connection to %s", hc_ldap_uri(p->c));
	return r;
}

static int second_connection(struct persist *p)
{
	char err[512];
	int r = hc_ldap_connect(p->cfg, HC_BIND_CONFIG, NULL, NULL, &p->c2,
				err, sizeof(err));

	if (r < 0)
		hc_warn("second connection failed: %s", err);
	return r < 0 ? -ECONNRESET : 0;
}

int hs_persist(const struct hc_config *cfg, struct hc_ldap *c, bool force)
{
	struct persist p = { .cfg = cfg, .c = c };
	int r, rc, i, started = 0;

	hs_model_init(&p.model);
	r = second_connection(&p);
	for (i = 0; i < 2 && r == 0; i++) {
		rc = start_session(&p, i, hc_ldap_handle(i ? p.c2 : c));
		started++;
		/* a server that ignores the control ends the search before
		 * any refreshDone: libldap reports LDAP_OTHER */
		if (rc == LDAP_OTHER && !p.done[i] && !p.ended)
			rc = LDAP_UNAVAILABLE_CRITICAL_EXTENSION;
		if (p.ended || unsupported(rc)) {
			if (!p.ended || (p.ended == LDAP_OTHER && !p.done[i]))
				p.ended = rc;
			r = ended(&p);
		} else if (rc != LDAP_SUCCESS) {
			hc_warn("sync search on %s failed: %s", hc_ldap_uri(c),
				ldap_err2string(rc));
			r = rc == LDAP_SERVER_DOWN || rc < 0 ? -ECONNRESET
							     : -EPROTO;
		}
	}
	if (r == 0)
		r = follow(&p, force);
	for (i = 0; i < started; i++)
		end_session(&p.ls[i]);
	if (p.c2)
		hc_ldap_close(p.c2);
	hs_model_free(&p.model);
	return r;
}
