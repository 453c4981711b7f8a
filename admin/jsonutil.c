/* Small setters and getters over json-c: commands build their facts as one
 * JSON object, printed as JSON (--json) or as text from the same object,
 * so the two outputs cannot disagree. */
#include <stdint.h>

#include "hcoopctl.h"

void ctl_jset_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

void ctl_jset_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

void ctl_jset_bool(json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

void ctl_jset_double(json_object *o, const char *k, double v)
{
	json_object_object_add(o, k, json_object_new_double(v));
}

const char *ctl_jget_str(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

int64_t ctl_jget_int(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !v)
		return 0;
	return json_object_get_int64(v);
}
