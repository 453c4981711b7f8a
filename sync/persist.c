/* Following changes: RFC 4533 refreshAndPersist, driven here rather than
 * by libldap's ldap_sync_* API, because ldap_sync_init() waits for the
 * whole refresh in a loop with no deadline and no look at a stop flag (a
 * server that froze mid-refresh hung the daemon, SIGTERM included).
 *
 * Two sync searches, users and groups, run on ONE connection, so both
 * always follow the same server (the one the cache records). Every wait is
 * a 100 ms slice of ldap_result(), so SIGTERM/SIGINT/SIGHUP are seen within
 * that. The followed server's liveness is checked on the same connection:
 * after `probe` seconds with no message a "Who am I?" request goes out,
 * which the server's worker threads must answer (TCP keepalive is answered
 * by the kernel of a stopped or wedged server and proves nothing); with no
 * message at all for `liveness` seconds (default 3 x timeout) the server
 * counts as lost and the daemon fails over to the next uri.
 *
 * The refresh phase (no cookie is sent: every entry arrives as "add")
 * streams into a new cache file as --once does (stream.c), and the ledger
 * records each entry (ledger.c); when both sessions report refreshDone
 * the file is written through the removal guard. That makes a failover
 * converge to the new server's content exactly, deletes included,
 * whatever the two providers disagreed about. A change that arrives for
 * an entry already streamed, or after its session's refreshDone, waits
 * in the batch for the first delta. After that each add/modify/delete
 * goes into the batch, and the batch is written as a delta (delta.c) as
 * soon as everything the server sent so far is in it (a burst arriving
 * during one write is written once after it); a batch that is not simple
 * (a contested, rejected or refused entry, changed local account files)
 * restarts the sessions: a refresh decides it. Every refresh_interval the
 * sessions are restarted on the same connection: a periodic full refresh
 * that heals a missed change. No model of the directory is kept: only the
 * ledger, the few entries that are not simply served, and the batch. */
#include <errno.h>
#include <lber.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "ldap_conn.h"
#include "log.h"
#include "sync.h"

#define SLICE_MS 100      /* longest single wait: signals are seen this fast */
#define DRAIN_MAX_MS 200  /* a steady stream is written at least this often */

struct session {
	int msgid; /* -1: not running */
	bool done; /* refreshDone seen */
};

struct persist {
	const struct hc_config *cfg;
	struct hc_ldap *c;
	LDAP *ld;
	struct session s[2]; /* [HS_USER], [HS_GROUP] */
	struct hs_follow fol;      /* ledger, unusual entries, member filter */
	struct hs_stream *st;      /* the refresh under way, or NULL */
	bool force;          /* --force: the first refresh skips the guard */
	bool applied;        /* the refresh result has been written */
	bool dirty;          /* changes not yet written */
	struct hs_changes changes; /* the batch: their newest versions */
	int ended;           /* a session's final result code, 0: none */
	int error;           /* -ENOMEM etc. from applying a message */
	unsigned long pending; /* changes applied, not yet written */
	long last_change;    /* ms: the last change put in the batch */
	long last_rx;        /* ms: last message from the server */
	int probe;           /* msgid of the liveness probe, -1: none */
	long probe_ms, live_ms;
	long refresh_due;    /* ms: next periodic full refresh */
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void follow_init(struct hs_follow *f)
{
	hs_ledger_init(&f->ledger);
	hs_model_init(&f->set);
	f->mf.c = NULL;
	f->mf.mask = 0;
	f->delta_entries = 0;
}

static void follow_free(struct hs_follow *f)
{
	hs_ledger_free(&f->ledger);
	hs_model_free(&f->set);
	hs_mfilter_free(&f->mf);
	f->delta_entries = 0; /* the refresh that follows writes a main file */
}

/* Is the entry with this key still part of session sess's refresh (it
 * streams into the new file), or a change (into the batch)? */
static bool streaming(const struct persist *p, int sess, enum hs_kind kind,
		      const char *key)
{
	return p->st && !p->s[sess].done &&
	       !hs_ledger_known(&p->fol.ledger, kind, key);
}

/* Does the daemon know the entry (served or not, or changed in the
 * batch)? Otherwise its deletion changes nothing. */
static bool known(const struct persist *p, enum hs_kind kind, const char *key)
{
	char k[HS_KEY_MAX];

	if (hs_ledger_known(&p->fol.ledger, kind, key))
		return true;
	return hs_entry_key(kind, key, k, sizeof(k)) == 0 &&
	       hs_changes_has(&p->changes, k);
}

static void batch(struct persist *p, enum hs_kind kind, const char *key,
		  struct hs_entry *e)
{
	int r = hs_changes_put(&p->changes, kind, key, e);

	if (r < 0) {
		p->error = r;
		return;
	}
	p->dirty = true;
	p->pending++;
	p->last_change = now_ms();
}

static void apply_delete(struct persist *p, enum hs_kind kind,
			 const char *key)
{
	if (known(p, kind, key))
		batch(p, kind, key, NULL);
}

static void apply_entry(struct persist *p, int sess, enum hs_kind kind,
			LDAPMessage *msg, const char *key)
{
	struct hs_entry *e = NULL;
	int r;

	if (streaming(p, sess, kind, key)) {
		if ((r = hs_stream_entry(p->st, p->ld, msg, kind, key)) < 0)
			p->error = r;
		return;
	}
	r = hs_entry_parse(p->cfg, p->ld, msg, kind, key, &e);
	if (r == -EINVAL) {
		/* it became invalid: the old version must not stay */
		apply_delete(p, kind, key);
		return;
	}
	if (r < 0) {
		p->error = r;
		return;
	}
	batch(p, kind, key, e);
}

/* The Sync State control of an entry: state and entryUUID text. */
static int entry_state(struct persist *p, LDAPMessage *msg, int *state,
		       char *key, size_t keylen)
{
	LDAPControl **ctrls = NULL, *ctl;
	struct berval uuid = { 0, NULL };
	BerElement *ber = NULL;
	int r = -EBADMSG;

	if (ldap_get_entry_controls(p->ld, msg, &ctrls) != LDAP_SUCCESS)
		return -EBADMSG;
	ctl = ldap_control_find(LDAP_CONTROL_SYNC_STATE, ctrls, NULL);
	if (ctl && (ber = ber_init(&ctl->ldctl_value)) &&
	    ber_scanf(ber, "{em", state, &uuid) != LBER_ERROR &&
	    hs_uuid_text(&uuid, key, keylen) == 0)
		r = 0;
	if (ber)
		ber_free(ber, 1);
	ldap_controls_free(ctrls);
	return r;
}

static void on_entry(struct persist *p, int sess, LDAPMessage *msg)
{
	enum hs_kind kind = sess == 0 ? HS_USER : HS_GROUP;
	char key[40];
	int state = -1;

	if (entry_state(p, msg, &state, key, sizeof(key)) < 0) {
		hc_warn("sync: entry without a valid Sync State control ignored");
		return;
	}
	switch (state) {
	case LDAP_SYNC_ADD:
	case LDAP_SYNC_MODIFY:
		apply_entry(p, sess, kind, msg, key);
		break;
	case LDAP_SYNC_DELETE:
		apply_delete(p, kind, key);
		break;
	default: /* PRESENT: nothing changed (we send no cookie) */
		break;
	}
}

/* syncIdSet with refreshDeletes: those entries are gone. */
static void idset_deletes(struct persist *p, enum hs_kind kind, BerElement *ber)
{
	BerVarray uuids = NULL;
	ber_int_t deletes = 0;
	ber_len_t len;
	char key[40];
	size_t i;

	if (ber_scanf(ber, "{") == LBER_ERROR)
		return;
	if (ber_peek_tag(ber, &len) == LDAP_TAG_SYNC_COOKIE &&
	    ber_scanf(ber, "x") == LBER_ERROR)
		return;
	if (ber_peek_tag(ber, &len) == LDAP_TAG_REFRESHDELETES &&
	    ber_scanf(ber, "b", &deletes) == LBER_ERROR)
		return;
	if (ber_scanf(ber, "[W]}", &uuids) == LBER_ERROR || !uuids)
		return;
	for (i = 0; deletes && uuids[i].bv_val; i++) {
		if (hs_uuid_text(&uuids[i], key, sizeof(key)) != 0)
			continue;
		apply_delete(p, kind, key);
	}
	ber_bvarray_free(uuids);
}

/* refreshDelete / refreshPresent: { cookie?, refreshDone BOOLEAN DEFAULT
 * TRUE }. */
static bool refresh_done(BerElement *ber)
{
	ber_int_t done = 1;
	ber_len_t len;

	if (ber_scanf(ber, "{") == LBER_ERROR)
		return false;
	if (ber_peek_tag(ber, &len) == LDAP_TAG_SYNC_COOKIE &&
	    ber_scanf(ber, "x") == LBER_ERROR)
		return false;
	if (ber_peek_tag(ber, &len) == LDAP_TAG_REFRESHDONE &&
	    ber_scanf(ber, "b", &done) == LBER_ERROR)
		return false;
	return done != 0;
}

static void on_intermediate(struct persist *p, struct session *s,
			    LDAPMessage *msg)
{
	struct berval *data = NULL;
	BerElement *ber = NULL;
	char *oid = NULL;
	ber_len_t len;
	ber_tag_t tag;

	if (ldap_parse_intermediate(p->ld, msg, &oid, &data, NULL, 0) !=
		    LDAP_SUCCESS ||
	    !oid || strcmp(oid, LDAP_SYNC_INFO) != 0 || !data ||
	    !(ber = ber_init(data)))
		goto out;
	tag = ber_peek_tag(ber, &len);
	if (tag == LDAP_TAG_SYNC_REFRESH_DELETE ||
	    tag == LDAP_TAG_SYNC_REFRESH_PRESENT) {
		if (refresh_done(ber))
			s->done = true;
	} else if (tag == LDAP_TAG_SYNC_ID_SET) {
		idset_deletes(p, (enum hs_kind)(s - p->s), ber);
	} /* newCookie: we keep no cookie */
out:
	if (ber)
		ber_free(ber, 1);
	ldap_memfree(oid);
	ber_bvfree(data);
}

static void on_result(struct persist *p, LDAPMessage *msg)
{
	int code = LDAP_OTHER;

	if (ldap_parse_result(p->ld, msg, &code, NULL, NULL, NULL, NULL, 0) !=
	    LDAP_SUCCESS)
		code = LDAP_OTHER;
	/* in refreshAndPersist the server ends the search only on error; a
	 * server that ignored the control ends it with success */
	p->ended = code ? code : LDAP_UNAVAILABLE_CRITICAL_EXTENSION;
}

/* One message from the server; frees it. */
static void dispatch(struct persist *p, LDAPMessage *msg)
{
	int id = ldap_msgid(msg), i;

	p->last_rx = now_ms();
	hs_hb_contact();
	if (id == p->probe) {
		p->probe = -1; /* answered: the server's threads are alive */
		ldap_msgfree(msg);
		return;
	}
	for (i = 0; i < 2 && p->s[i].msgid != id; i++)
		;
	if (i < 2) {
		switch (ldap_msgtype(msg)) {
		case LDAP_RES_SEARCH_ENTRY:
			on_entry(p, i, msg);
			break;
		case LDAP_RES_INTERMEDIATE:
			on_intermediate(p, &p->s[i], msg);
			break;
		case LDAP_RES_SEARCH_RESULT:
			on_result(p, msg);
			break;
		default: /* references: referrals are off */
			break;
		}
	}
	ldap_msgfree(msg);
}

static char sync_oid[] = LDAP_CONTROL_SYNC;
static char user_filter[] = "(objectClass=posixAccount)";
static char group_filter[] = "(objectClass=posixGroup)";

/* Send one sync search (refreshAndPersist, no cookie, critical). */
static int start_session(struct persist *p, int i)
{
	const struct hc_config *cfg = p->cfg;
	const char *base = i == 0 ? cfg->user_base : cfg->group_base;
	LDAPControl ctl = { .ldctl_oid = sync_oid,
			    .ldctl_iscritical = 1 };
	LDAPControl *ctrls[2] = { &ctl, NULL };
	BerElement *ber = ber_alloc_t(LBER_USE_DER);
	int rc = LDAP_NO_MEMORY;

	p->s[i].msgid = -1;
	p->s[i].done = false;
	if (!ber)
		return rc;
	if (ber_printf(ber, "{eb}", (ber_int_t)LDAP_SYNC_REFRESH_AND_PERSIST,
		       (ber_int_t)0) >= 0 &&
	    ber_flatten2(ber, &ctl.ldctl_value, 0) == 0)
		rc = ldap_search_ext(p->ld, base ? base : cfg->base,
				     LDAP_SCOPE_SUBTREE,
				     i == 0 ? user_filter : group_filter,
				     i == 0 ? hs_user_attrs : hs_group_attrs, 0,
				     ctrls, NULL, NULL, LDAP_NO_LIMIT,
				     &p->s[i].msgid);
	ber_free(ber, 1);
	return rc;
}

static void stop_sessions(struct persist *p)
{
	int i;

	for (i = 0; i < 2; i++)
		if (p->s[i].msgid >= 0) {
			ldap_abandon_ext(p->ld, p->s[i].msgid, NULL, NULL);
			p->s[i].msgid = -1;
		}
}

/* Forget the previous refresh: ledger, set, batch. */
static void reset(struct persist *p)
{
	stop_sessions(p);
	hs_stream_free(p->st);
	p->st = NULL;
	follow_free(&p->fol);
	hs_changes_reset(&p->changes);
	p->applied = p->dirty = false;
	p->pending = 0;
	/* the previous ledger was the biggest allocation: back to the
	 * system, so the new one does not add to it */
	malloc_trim(0);
}

/* About how many entries the refresh brings: as many as the cache holds
 * (a first refresh: a guess; the ledger copes with more). */
static size_t expected(const struct persist *p)
{
	struct hc_cache *c = NULL;
	struct hc_cache_info info;
	size_t n = 65536;

	if (hc_cache_open(p->cfg->cache, &c) == 0 &&
	    hc_cache_info(c, &info) == 0)
		n += (size_t)info.n_users + info.n_groups;
	hc_cache_close(c);
	return n;
}

/* (Re)start both sessions into a new streamed file: a full refresh. 0,
 * HS_PERSIST_WRITE_FAILED (logged) or a negative errno. */
static int begin_refresh(struct persist *p)
{
	char err[512];
	int i, rc;

	reset(p);
	if (hs_ledger_load(&p->fol.ledger, p->cfg->cache, expected(p)) < 0 ||
	    hs_stream_begin(p->cfg, &p->fol.ledger, &p->st, err,
			    sizeof(err)) < 0) {
		hc_err("%s; the cache is not written",
		       p->st ? err : "out of memory");
		return HS_PERSIST_WRITE_FAILED;
	}
	p->refresh_due = now_ms() + p->cfg->refresh_interval * 1000L;
	hs_hb_state(HC_HB_REFRESHING, hc_ldap_uri(p->c), NULL);
	for (i = 0; i < 2; i++) {
		rc = start_session(p, i);
		if (rc != LDAP_SUCCESS) {
			hc_warn("sync search on %s failed: %s", hc_ldap_uri(p->c),
				ldap_err2string(rc));
			return rc == LDAP_SERVER_DOWN ? -ECONNRESET : -EPROTO;
		}
	}
	return 0;
}

static bool unsupported(int code)
{
	return code == LDAP_UNAVAILABLE_CRITICAL_EXTENSION ||
	       code == LDAP_NOT_SUPPORTED;
}

static int ended(struct persist *p)
{
	if (unsupported(p->ended) && !p->applied) {
		hc_warn("%s does not offer the sync control (%s)",
			hc_ldap_uri(p->c), ldap_err2string(p->ended));
		return -EOPNOTSUPP;
	}
	hc_warn("%s ended the sync search: %s", hc_ldap_uri(p->c),
		ldap_err2string(p->ended));
	return -ECONNRESET;
}

/* Liveness: probe a silent server, give up on one silent too long. */
static int check_alive(struct persist *p)
{
	long silent = now_ms() - p->last_rx;
	int rc;

	if (silent >= p->live_ms) {
		hc_warn("%s did not answer for %ld ms (liveness %ld ms): "
			"failing over", hc_ldap_uri(p->c), silent, p->live_ms);
		return -ETIMEDOUT;
	}
	if (silent >= p->probe_ms && p->probe < 0) {
		rc = ldap_whoami(p->ld, NULL, NULL, &p->probe);
		if (rc != LDAP_SUCCESS) {
			hc_warn("liveness probe to %s failed: %s",
				hc_ldap_uri(p->c), ldap_err2string(rc));
			return -ECONNRESET;
		}
	}
	return 0;
}

/* Read what the server sent, for at most one slice when nothing comes and
 * at most DRAIN_MAX_MS while changes wait to be written. */
static int receive(struct persist *p)
{
	long t0 = now_ms();
	struct timeval tv = { 0, SLICE_MS * 1000L };
	LDAPMessage *msg;
	int rc;

	for (;;) {
		msg = NULL;
		rc = ldap_result(p->ld, LDAP_RES_ANY, LDAP_MSG_ONE, &tv, &msg);
		if (rc < 0) {
			hc_warn("lost the connection to %s", hc_ldap_uri(p->c));
			return -ECONNRESET;
		}
		if (rc == 0)
			return 0;
		dispatch(p, msg);
		if (p->error || p->ended || hs_stop || hs_hup)
			return p->error;
		if (p->dirty && p->applied && now_ms() - t0 >= DRAIN_MAX_MS)
			return 0;
		tv.tv_usec = 0; /* then take only what is already there */
	}
}

/* Both sessions finished the refresh: write the streamed file. 0, -EPERM
 * (guard) or HS_PERSIST_WRITE_FAILED. */
static int apply_refresh(struct persist *p, const char *server)
{
	int r = hs_stream_finish(p->st, server,
				 p->force ? 0 : HS_WRITE_GUARDED, &p->fol.set);

	hs_stream_free(p->st);
	p->st = NULL;
	malloc_trim(0); /* the builder's memory back to the system */
	if (r == -EPERM)
		return r;
	if (r < 0)
		return HS_PERSIST_WRITE_FAILED;
	/* the builder is gone: the ledger's tables take its room */
	if ((r = hs_ledger_index(&p->fol.ledger)) < 0) {
		hc_err("cannot index the entries of the refresh: %s",
		       strerror(-r));
		return HS_PERSIST_WRITE_FAILED;
	}
	p->applied = true;
	p->force = false; /* the periodic refreshes are guarded */
	hs_hb_full_refresh();
	hs_hb_state(HC_HB_CONNECTED, server, "");
	hc_info("refresh applied; following changes on %s", server);
	/* changes that arrived meanwhile: the first delta */
	p->dirty = p->changes.n > 0;
	return 0;
}

/* Apply the refresh once both sessions finished it, else write the changes
 * read so far. 0, -EPERM (guard), or HS_PERSIST_WRITE_FAILED. */
static int settle(struct persist *p)
{
	const char *server = hc_ldap_uri(p->c);
	long t0 = now_ms();
	int r;

	if (!p->applied && (!p->s[0].done || !p->s[1].done))
		return 0;
	if (p->applied && !p->dirty && hs_local_changed()) {
		/* a local account added or removed: the cache must follow
		 * without waiting for an LDAP change */
		hc_info("local account files changed: refreshing from %s",
			server);
		return begin_refresh(p);
	}
	if (p->applied && !p->dirty)
		return 0;
	if (!p->applied) {
		r = apply_refresh(p, server);
	} else {
		/* a followed change: the delta file if the batch is simple */
		r = hs_write_delta(p->cfg, &p->fol, &p->changes, server);
		hs_changes_reset(&p->changes);
		if (r == HS_DELTA_REFRESH)
			r = begin_refresh(p);
		else if (r < 0)
			r = HS_PERSIST_WRITE_FAILED;
		else
			p->dirty = false;
		if (r == 0 && !p->dirty) {
			hs_hb_changes(p->pending);
			p->pending = 0;
		}
	}
	/* our own busy time is not the server's silence */
	p->last_rx += now_ms() - t0;
	return r;
}

/* Once the changes pause, a delta past delta_max is merged (hs_merge_delta
 * decides), so that the next stream of changes finds a small delta (a
 * merge is a full write; hs_write_delta lets a stream take the delta past
 * delta_max rather than stop it for one). 0, or as settle. */
static int merge_when_idle(struct persist *p)
{
	long t0 = now_ms();
	int r;

	if (!p->applied || p->dirty || t0 - p->last_change < HS_MERGE_IDLE_MS)
		return 0;
	r = hs_merge_delta(p->cfg, &p->fol, hc_ldap_uri(p->c));
	if (r == HS_DELTA_REFRESH)
		r = begin_refresh(p);
	else if (r < 0)
		r = HS_PERSIST_WRITE_FAILED;
	p->last_rx += now_ms() - t0; /* our own busy time */
	return r;
}

static int follow(struct persist *p)
{
	int r = 0;

	while (!hs_stop && !hs_hup) {
		if ((r = receive(p)) < 0)
			break;
		if (p->ended) {
			r = ended(p);
			break;
		}
		if ((r = settle(p)) != 0 || (r = merge_when_idle(p)) != 0)
			break;
		if ((r = check_alive(p)) < 0)
			break;
		hs_hb_tick();
		if (p->applied && now_ms() >= p->refresh_due) {
			hc_info("periodic full refresh from %s (refresh_interval "
				"%u s)", hc_ldap_uri(p->c),
				p->cfg->refresh_interval);
			if ((r = begin_refresh(p)) != 0)
				break;
		}
	}
	return r;
}

int hs_persist(const struct hc_config *cfg, struct hc_ldap *c, bool force)
{
	unsigned live = cfg->liveness ? cfg->liveness
				      : 3 * (cfg->timeout ? cfg->timeout : 3);
	struct persist p = {
		.cfg = cfg, .c = c, .ld = hc_ldap_handle(c), .probe = -1,
		.force = force,
		.live_ms = live * 1000L,
		.s = { { -1, false }, { -1, false } },
	};
	int r;

	/* probe after a third of the bound: two more thirds for the answer */
	p.probe_ms = p.live_ms / 3 > 0 ? p.live_ms / 3 : 1;
	p.last_rx = now_ms();
	follow_init(&p.fol);
	r = begin_refresh(&p);
	if (r == 0)
		r = follow(&p);
	reset(&p);
	return r;
}
