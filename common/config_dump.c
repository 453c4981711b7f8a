/* hc_config_dump: the configuration in effect as a valid config file,
 * every keyword of the table in its order, defaults included. */
#include "config_internal.h"

#include <stdio.h>

static void dump_one(const struct hc_config *cfg, const struct keyword *kw,
		     size_t i, FILE *out)
{
	const void *f = cfield(cfg, kw);
	const char *s;

	switch (kw->type) {
	case KT_BOOL:
		fprintf(out, "%s %s\n", kw->name, *(const bool *)f ? "yes" : "no");
		return;
	case KT_UINT:
		fprintf(out, "%s %u\n", kw->name, *(const uint32_t *)f);
		return;
	case KT_MODE:
		fprintf(out, "%s %04o\n", kw->name, *(const uint32_t *)f);
		return;
	case KT_SSL:
		fprintf(out, "%s %s\n", kw->name,
			hc_config_enum_name(&hc_config_ssl_words, *(const enum hc_ssl *)f));
		return;
	case KT_REQCERT:
		fprintf(out, "%s %s\n", kw->name,
			hc_config_enum_name(&hc_config_reqcert_words,
					    *(const enum hc_reqcert *)f));
		return;
	default:
		s = ((char *const *)f)[i];
		if (s)
			fprintf(out, "%s %s\n", kw->name, s);
		else if (kw->flags & KF_NONE)
			fprintf(out, "%s none\n", kw->name);
		else
			fprintf(out, "# %s (not set)\n", kw->name);
	}
}

void hc_config_dump(const struct hc_config *cfg, FILE *out)
{
	size_t i, j, n;

	fprintf(out, "# hcoop configuration in effect (from %s)\n",
		cfg->path ? cfg->path : "defaults");
	for (i = 0; i < hc_config_n_keywords; i++) {
		n = ccount_of(cfg, &hc_config_keywords[i]);
		if (n == 0)
			fprintf(out, "# %s (not set)\n", hc_config_keywords[i].name);
		for (j = 0; j < n; j++)
			dump_one(cfg, &hc_config_keywords[i], j, out);
	}
}
