/*
 * selexpr.c - matching Calico selector expressions.
 */
#include "ir/selexpr.h"

#include <string.h>

static const char *lookup(const struct labelset *ls, const char *key, const char *name,
			  enum selexpr_target t)
{
	const char *v = labelset_get(ls, key);
	if (v)
		return v;
	if (t == SELX_POD && !strcmp(key, "projectcalico.org/orchestrator"))
		return "k8s";
	if (t == SELX_POD && !strcmp(key, "projectcalico.org/namespace"))
		return name;
	if (t == SELX_NAMESPACE && !strcmp(key, "projectcalico.org/name"))
		return name;
	return NULL;
}

static bool in_values(const struct sel_expr *e, const char *v)
{
	for (size_t i = 0; i < e->nvalues; i++)
		if (!strcmp(e->values[i], v))
			return true;
	return false;
}

bool selexpr_match(const struct sel_expr *e, const struct labelset *ls, const char *name,
		   enum selexpr_target t)
{
	const char *v;
	size_t n, m;
	switch (e->op) {
	case SX_ALL:
		return true;
	case SX_GLOBAL:
		return t == SELX_HOST;
	case SX_AND:
		return selexpr_match(e->a, ls, name, t) && selexpr_match(e->b, ls, name, t);
	case SX_OR:
		return selexpr_match(e->a, ls, name, t) || selexpr_match(e->b, ls, name, t);
	case SX_NOT:
		return !selexpr_match(e->a, ls, name, t);
	default:
		break;
	}
	v = lookup(ls, e->key, name, t);
	switch (e->op) {
	case SX_HAS:
		return v != NULL;
	case SX_EQ:
		return v && !strcmp(v, e->value);
	case SX_NE:
		return !v || strcmp(v, e->value);
	case SX_IN:
		return v && in_values(e, v);
	case SX_NOT_IN:
		return !v || !in_values(e, v);
	case SX_CONTAINS:
		return v && strstr(v, e->value);
	case SX_STARTS:
		return v && !strncmp(v, e->value, strlen(e->value));
	case SX_ENDS:
		if (!v)
			return false;
		n = strlen(v);
		m = strlen(e->value);
		return n >= m && !strcmp(v + n - m, e->value);
	default:
		return false;
	}
}
