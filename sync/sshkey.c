/* Members' SSH public keys (the openssh-lpk sshPublicKey attribute): each
 * LDAP value is checked to be one OpenSSH authorized_keys line before it
 * may reach the cache, and from there sshd through hcoop-authorized-keys.
 *
 * A value is accepted when it is, after at most one trailing line end
 * (what "ldapmodify ... sshPublicKey:< file://id.pub" stores):
 *   [options SP] keytype SP base64 [SP comment]
 * with keytype one OpenSSH knows, base64 that decodes (GnuTLS) to a key
 * blob whose embedded type string is keytype, no control byte anywhere
 * (a smuggled newline would be a second authorized_keys line) and at most
 * HC_SSH_KEY_MAX bytes. A member keeps at most HC_SSH_KEYS_MAX keys (the
 * first ones in LDAP order). Each refused value is logged with the DN and
 * why, never with its text; the entry itself is kept. */
#include <errno.h>
#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "log.h"
#include "sync.h"

_Static_assert(HC_SSH_KEYS_MAX == 32 && HC_SSH_KEY_MAX == 8192,
	       "the warnings below and hcoop-sync(8) name these limits");

static const char *const key_types[] = {
	"ssh-ed25519",
	"ssh-rsa",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
};

/* Length of the known key type that starts s and ends at a space, or 0. */
static size_t key_type_at(const char *s)
{
	size_t i, n;

	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++) {
		n = strlen(key_types[i]);
		if (strncmp(s, key_types[i], n) == 0 && s[n] == ' ')
			return n;
	}
	return 0;
}

/* End of an options field (sshd(8) AUTHORIZED_KEYS FILE FORMAT): up to
 * the first space outside double quotes, \" inside them. NULL when a
 * quote is left open. */
static const char *skip_options(const char *s)
{
	bool quoted = false;

	for (; *s && (quoted || *s != ' '); s++) {
		if (*s == '\\' && quoted && s[1] == '"')
			s++;
		else if (*s == '"')
			quoted = !quoted;
	}
	return quoted ? NULL : s;
}

/* The blob must start with the SSH string (u32 big-endian length, bytes)
 * naming the same type as the text, and hold more than that. */
static const char *check_blob(const char *type, size_t tlen, const char *b64,
			      size_t blen)
{
	gnutls_datum_t in = { (unsigned char *)(uintptr_t)b64, (unsigned)blen };
	gnutls_datum_t out = { NULL, 0 };
	const char *why = NULL;
	uint32_t n;

	if (gnutls_base64_decode2(&in, &out) < 0)
		return "its base64 does not decode";
	if (out.size < 4)
		why = "its key blob is truncated";
	else if ((n = (uint32_t)out.data[0] << 24 | (uint32_t)out.data[1] << 16 |
		      (uint32_t)out.data[2] << 8 | out.data[3]) != tlen ||
		 out.size <= 4 + tlen || memcmp(out.data + 4, type, tlen) != 0)
		why = "its key blob is not of the type it names";
	gnutls_free(out.data);
	return why;
}

/* NULL if v (len bytes, trailing line end already cut) is a valid key
 * line, else why not. */
static const char *check_line(const char *v, size_t len)
{
	const char *p = v, *type, *b64;
	size_t i, tlen, blen;

	if (len == 0)
		return "it is empty";
	if (len > HC_SSH_KEY_MAX)
		return "it is longer than 8192 bytes";
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return "it contains a control character (newline, NUL, ...)";
	tlen = key_type_at(p);
	if (tlen == 0) {
		p = skip_options(p);
		if (!p || *p != ' ')
			return "it has no known key type";
		while (*p == ' ')
			p++;
		tlen = key_type_at(p);
		if (tlen == 0)
			return "it has no known key type";
	}
	type = p;
	for (b64 = type + tlen; *b64 == ' '; b64++)
		;
	blen = strcspn(b64, " ");
	if (blen == 0)
		return "it has no key data";
	return check_blob(type, tlen, b64, blen);
}

/* Append value i of dn (len bytes, no NUL checked by the caller) to the
 * newline-joined *acc, or log why not. */
static int take_value(const char *dn, size_t i, const struct berval *bv,
		      char **acc, size_t *acclen, size_t *count)
{
	size_t len = bv->bv_len;
	const char *why = NULL;
	char *n;

	if (len > 0 && bv->bv_val[len - 1] == '\n')
		len--;
	if (len > 0 && bv->bv_val[len - 1] == '\r')
		len--;
	if (memchr(bv->bv_val, '\0', bv->bv_len))
		why = "it contains a NUL byte";
	else if (*count == HC_SSH_KEYS_MAX)
		why = "the member already has 32 keys";
	else
		why = check_line(bv->bv_val, len);
	if (why) {
		hc_warn("%.300s: ignoring sshPublicKey value %zu: %s", dn, i + 1,
			why);
		return 0;
	}
	n = realloc(*acc, *acclen + len + 2);
	if (!n)
		return -ENOMEM;
	if (*acclen)
		n[(*acclen)++] = '\n';
	memcpy(n + *acclen, bv->bv_val, len);
	*acclen += len;
	n[*acclen] = '\0';
	*acc = n;
	(*count)++;
	return 0;
}

int hs_sshkeys_parse(const char *dn, const struct hs_attrs *a, char **out)
{
	size_t i, n, acclen = 0, count = 0;
	const struct berval *vals = hs_attrs_get(a, "sshPublicKey", &n);
	int r;

	*out = NULL;
	for (i = 0; i < n; i++) {
		r = take_value(dn, i, &vals[i], out, &acclen, &count);
		if (r < 0) {
			free(*out);
			*out = NULL;
			return r;
		}
	}
	return 0;
}

int hs_sshkeys_store(struct hc_cache_builder *b, const struct hs_entry *e)
{
	char *copy, *save = NULL, *line;
	const char *keys[HC_SSH_KEYS_MAX];
	size_t n = 0;
	int r;

	if (!e->sshkeys)
		return 0;
	copy = strdup(e->sshkeys);
	if (!copy)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line && n < HC_SSH_KEYS_MAX;
	     line = strtok_r(NULL, "\n", &save))
		keys[n++] = line;
	r = hc_cache_builder_set_keys(b, e->name, keys, n);
	free(copy);
	return r;
}
