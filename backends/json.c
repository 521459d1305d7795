/*
 * json.c - `-t json`: the resolved endpoint IR as stable JSON.
 *
 *   {"format": "netpolc-ir/1", "mode": "node"|"host",
 *    "podsets": {"ps-<hash>": ["ns/name", ...], ...},
 *    "rules": {"<ns>/<policy>/<direction>/<index>[.<part>]":
 *                {"action", "peers": {"all": true} | {"podset", "nets"},
 *                 "ports": "any" | {"TCP": ["80", "8000-8080"], ...},
 *                 "origins": [{"policy", "direction", "rule"}, ...]}},
 *    "endpoints": [{"pod": "ns/name", "ips": [...], "group": "ns/name",
 *                   "ingress": {"isolated", "policies": [...], "rules": [keys]},
 *                   "egress": {...}}]}
 *
 * Names derive from content or origin, never from a position, so a change
 * to one policy changes only its own entries: rule keys come from the
 * rule's origin, a pod set is named from a hash of its members (setname),
 * an endpoint's group by its first member.  Input paths and source
 * positions are left out (a path spelt another way, or a line added above
 * a policy, would change every origin); --locations puts them back
 * ("inputs", and "file", "line", "column" in every origin).  Keys are sorted, indentation fixed
 * (jansson's layout, written as it goes by jsonout.h: no value tree).
 */
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/jsonout.h"
#include "backends/setname.h"
#include "lib/util.h"

struct rkey {
	const struct ir_rule *r;
	const char *key;
};

static int cmp_rkey(const void *a, const void *b)
{
	const struct rkey *x = a, *y = b;
	return strcmp(x->key, y->key);
}

static int cmp_rkey_id(const void *a, const void *b)
{
	const struct rkey *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->r->id > y->r->id) - (x->r->id < y->r->id);
}

/* write_origin: keys in sorted order; an origin without a policy is {}. */
static void write_origin(struct jsonout *j, const struct origin *o, bool locations)
{
	jsonout_open_object(j);
	if (o->policy) {
		if (locations) {
			jsonout_key(j, "column");
			jsonout_int(j, o->loc.col);
		}
		jsonout_key(j, "direction");
		jsonout_string(j, dir_name(o->dir));
		if (locations && o->loc.file) {
			jsonout_key(j, "file");
			jsonout_string(j, o->loc.file);
		}
		if (locations) {
			jsonout_key(j, "line");
			jsonout_int(j, o->loc.line);
		}
		jsonout_key(j, "policy");
		jsonout_stringf(j, "%s/%s", o->policy->ns, o->policy->name);
		jsonout_key(j, "rule");
		jsonout_int(j, o->rule);
	}
	jsonout_close_object(j);
}

/* write_ports: "any", or the ranges of each protocol, protocols by name. */
static void write_ports(struct jsonout *j, const struct portset *ps)
{
	int order[NPROTO];
	if (ps->any) {
		jsonout_string(j, "any");
		return;
	}
	for (int p = 0; p < NPROTO; p++) {
		int k = p;
		for (; k > 0 && strcmp(proto_name(order[k - 1]), proto_name(p)) > 0; k--)
			order[k] = order[k - 1];
		order[k] = p;
	}
	jsonout_open_object(j);
	for (int k = 0; k < NPROTO; k++) {
		int p = order[k];
		if (!ps->n[p])
			continue;
		jsonout_key(j, proto_name(p));
		jsonout_open_array(j);
		for (size_t i = 0; i < ps->n[p]; i++) {
			if (ps->r[p][i].lo == ps->r[p][i].hi)
				jsonout_stringf(j, "%u", ps->r[p][i].lo);
			else
				jsonout_stringf(j, "%u-%u", ps->r[p][i].lo, ps->r[p][i].hi);
		}
		jsonout_close_array(j);
	}
	jsonout_close_object(j);
}

static void write_nets(struct jsonout *j, const struct addrset *s)
{
	size_t n;
	struct prefix *v = addrset_prefixes(s, &n);
	jsonout_open_array(j);
	for (size_t i = 0; i < n; i++) {
		char buf[ADDR_STRLEN];
		jsonout_string(j, prefix_format(&v[i], buf));
	}
	jsonout_close_array(j);
	free(v);
}

/* write_rule: one member of "rules"; psname names the rule's pod set (by podset id). */
static void write_rule(struct jsonout *j, const struct ir_rule *r, const char *key,
		       const char *const *psname, bool locations)
{
	jsonout_key(j, key);
	jsonout_open_object(j);
	jsonout_key(j, "action");
	jsonout_string(j, action_name(r->action));
	jsonout_key(j, "origins");
	jsonout_open_array(j);
	write_origin(j, &r->origin, locations);
	for (size_t k = 0; k < r->nmore; k++)
		write_origin(j, &r->more[k], locations);
	jsonout_close_array(j);
	jsonout_key(j, "peers");
	jsonout_open_object(j);
	if (r->all_peers) {
		jsonout_key(j, "all");
		jsonout_bool(j, true);
	} else {
		jsonout_key(j, "nets");
		write_nets(j, &r->nets);
		if (r->pods) {
			jsonout_key(j, "podset");
			jsonout_string(j, psname[r->pods->id]);
		}
	}
	jsonout_close_object(j);
	jsonout_key(j, "ports");
	write_ports(j, &r->ports);
	jsonout_close_object(j);
}

struct psname {
	const struct podset *ps;
	const char *name;
};

static int cmp_psname(const void *a, const void *b)
{
	const struct psname *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/*
 * write_podsets: the pod sets of the used rules, each named from its
 * members (psname, by podset id), written in the order of their names.
 */
static void write_podsets(struct jsonout *j, const struct model *m, const struct ir *ir,
			  const bool *used, const char **psname, struct arena *a)
{
	struct psname *v = xcalloc(ir->nrules + 1, sizeof(*v));
	struct setnames names;
	struct strbuf key = STRBUF_INIT;
	size_t nps = 0;

	setnames_init(&names, a);
	for (size_t i = 0; i < ir->nrules; i++) {
		const struct ir_rule *r = ir->rules[i];
		bool fresh;
		if (!used[r->id] || r->all_peers || !r->pods || psname[r->pods->id])
			continue;
		strbuf_reset(&key);
		for (size_t k = 0; k < r->pods->n; k++) {
			const struct pod *p = m->pods[r->pods->v[k]];
			strbuf_addf(&key, "%s/%s\n", p->ns, p->name);
		}
		psname[r->pods->id] =
			setname(&names, "ps-", key.buf ? key.buf : "", key.len, &fresh);
		if (!fresh)
			continue; /* the same members as a pod set listed already */
		v[nps].ps = r->pods;
		v[nps++].name = psname[r->pods->id];
	}
	if (nps)
		xqsort(v, nps, sizeof(*v), cmp_psname);
	jsonout_open_object(j);
	for (size_t i = 0; i < nps; i++) {
		jsonout_key(j, v[i].name);
		jsonout_open_array(j);
		for (size_t k = 0; k < v[i].ps->n; k++) {
			const struct pod *p = m->pods[v[i].ps->v[k]];
			jsonout_stringf(j, "%s/%s", p->ns, p->name);
		}
		jsonout_close_array(j);
	}
	jsonout_close_object(j);
	strbuf_release(&key);
	setnames_release(&names);
	free(v);
}

static void write_dir(struct jsonout *j, const struct ir_dir *dd, const struct rkey *keys)
{
	jsonout_open_object(j);
	jsonout_key(j, "isolated");
	jsonout_bool(j, dd->isolated);
	jsonout_key(j, "policies");
	jsonout_open_array(j);
	for (size_t t = 0; t < dd->ntiers; t++)
		for (size_t k = 0; k < dd->tiers[t].npolicies; k++)
			jsonout_stringf(j, "%s/%s", dd->tiers[t].policies[k]->ns,
					dd->tiers[t].policies[k]->name);
	jsonout_close_array(j);
	jsonout_key(j, "rules");
	jsonout_open_array(j);
	for (size_t t = 0; t < dd->ntiers; t++)
		for (size_t k = 0; k < dd->tiers[t].nrules; k++)
			jsonout_string(j, keys[dd->tiers[t].rules[k]->id].key);
	jsonout_close_array(j);
	jsonout_close_object(j);
}

static void write_endpoint(struct jsonout *j, const struct ir *ir, const struct ir_endpoint *ep,
			   const struct rkey *keys, const char *group)
{
	jsonout_open_object(j);
	/* members in key order: egress, group, ingress, ips, pod */
	jsonout_key(j, dir_name(DIR_EGRESS));
	write_dir(j, &ep->dir[DIR_EGRESS], keys);
	jsonout_key(j, "group");
	jsonout_string(j, group);
	jsonout_key(j, dir_name(DIR_INGRESS));
	write_dir(j, &ep->dir[DIR_INGRESS], keys);
	jsonout_key(j, "ips");
	jsonout_open_array(j);
	for (size_t k = 0; k < ep->pod->nips; k++) {
		char buf[ADDR_STRLEN];
		jsonout_string(j, addr_format(&ep->pod->ips[k], buf));
	}
	jsonout_close_array(j);
	jsonout_key(j, "pod");
	jsonout_string(j, ir_endpoint_name(ir, ep));
	jsonout_close_object(j);
}

/* rule_keys: keys[i] for ir->rules[i], from its origin; shared ones numbered .1, .2 in id order. */
static void rule_keys(const struct ir *ir, struct rkey *keys)
{
	struct rkey *byname = xcalloc(ir->nrules + 1, sizeof(*byname));
	for (size_t i = 0; i < ir->nrules; i++) {
		const struct origin *o = &ir->rules[i]->origin;
		keys[i].r = ir->rules[i];
		keys[i].key = o->policy ? arena_printf(ir->arena, "%s/%s/%s/%d", o->policy->ns,
						       o->policy->name, dir_name(o->dir), o->rule)
					: "~synthetic";
	}
	memcpy(byname, keys, ir->nrules * sizeof(*keys));
	xqsort(byname, ir->nrules, sizeof(*byname), cmp_rkey_id);
	for (size_t i = 0, part = 0; i < ir->nrules; i++) {
		part = i && !strcmp(byname[i].key, byname[i - 1].key) ? part + 1 : 0;
		if (part)
			keys[byname[i].r->id].key =
				arena_printf(ir->arena, "%s.%zu", byname[i].key, part);
	}
	free(byname);
}

int json_emit(const struct emit_ctx *ctx, struct emit_out *parts, struct diag *d)
{
	const struct ir *ir = ctx->ir;
	const struct model *m = ctx->model;
	struct rkey *keys = xcalloc(ir->nrules + 1, sizeof(*keys));
	struct rkey *sorted = xcalloc(ir->nrules + 1, sizeof(*sorted));
	const char **psname = xcalloc(ir->npodsets + 1, sizeof(*psname));
	/* a group by the name of its first endpoint: the endpoints are in name order */
	const char **group = xcalloc(ir->ngroups + ir->neps + 1, sizeof(*group));
	bool *used = xcalloc(ir->nrules + 1, sizeof(bool));
	bool locations = emit_opt(ctx, "locations") != NULL;
	struct arena a = ARENA_INIT;
	struct jsonout j;
	(void)d;

	rule_keys(ir, keys);
	/* sorted copy for the output order; keys[] stays in id order for lookups */
	memcpy(sorted, keys, ir->nrules * sizeof(*keys));
	xqsort(sorted, ir->nrules, sizeof(*sorted), cmp_rkey);
	for (size_t i = 0; i < ir->neps; i++)
		for (int dir = 0; dir < NDIR; dir++)
			for (size_t t = 0; t < ir->eps[i].dir[dir].ntiers; t++) {
				const struct ir_tier *tier = &ir->eps[i].dir[dir].tiers[t];
				for (size_t k = 0; k < tier->nrules; k++)
					used[tier->rules[k]->id] = true;
			}

	/* the root's members in key order */
	jsonout_init(&j, emit_main(parts));
	jsonout_open_object(&j);
	jsonout_key(&j, "endpoints");
	jsonout_open_array(&j);
	for (size_t i = 0; i < ir->neps; i++) {
		const struct ir_endpoint *ep = &ir->eps[i];
		if (!group[ep->group])
			group[ep->group] = ir_endpoint_name(ir, ep);
		/* group 0: not grouped (--stop-after before the grouping pass) */
		write_endpoint(&j, ir, ep, keys,
			       ep->group ? group[ep->group] : ir_endpoint_name(ir, ep));
	}
	jsonout_close_array(&j);
	jsonout_key(&j, "format");
	jsonout_string(&j, "netpolc-ir/1");
	if (locations) {
		jsonout_key(&j, "inputs");
		jsonout_open_array(&j);
		for (size_t i = 0; i < m->ninputs; i++)
			jsonout_string(&j, m->inputs[i]);
		jsonout_close_array(&j);
	}
	jsonout_key(&j, "mode");
	jsonout_string(&j, ir->host_mode ? "host" : "node");
	jsonout_key(&j, "podsets");
	write_podsets(&j, m, ir, used, psname, &a);
	jsonout_key(&j, "rules");
	jsonout_open_object(&j);
	for (size_t i = 0; i < ir->nrules; i++)
		if (used[sorted[i].r->id])
			write_rule(&j, sorted[i].r, sorted[i].key, psname, locations);
	jsonout_close_object(&j);
	jsonout_close_object(&j);
	strbuf_addch(j.out, '\n');
	jsonout_release(&j);
	free(keys);
	free(sorted);
	free(psname);
	free(group);
	free(used);
	arena_release(&a);
	return 0;
}
