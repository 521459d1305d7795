/*
 * json.c - `-t json`: the resolved endpoint IR as stable JSON.
 *
 *   {"format": "netpolc-ir/1", "inputs": [...], "mode": "node"|"host",
 *    "podsets": {"ps1": ["ns/name", ...], ...},
 *    "rules": {"<ns>/<policy>/<direction>/<index>[.<part>]":
 *                {"action", "peers": {"all": true} | {"podset", "nets"},
 *                 "ports": "any" | {"TCP": ["80", "8000-8080"], ...},
 *                 "origin": {"policy", "direction", "rule", "file", "line", "column"}}},
 *    "endpoints": [{"pod": "ns/name", "ips": [...],
 *                   "ingress": {"isolated", "policies": [...], "rules": [keys]},
 *                   "egress": {...}}]}
 *
 * Rule keys come from the rule's origin, so a change to one policy changes
 * only its own entries; podsets are numbered in the order the sorted rules
 * first use them.  Keys are sorted, indentation fixed (jansson's layout,
 * written as it goes by jsonout.h: no value tree).
 */
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/jsonout.h"
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
static void write_origin(struct jsonout *j, const struct origin *o)
{
	jsonout_open_object(j);
	if (o->policy) {
		jsonout_key(j, "column");
		jsonout_int(j, o->loc.col);
		jsonout_key(j, "direction");
		jsonout_string(j, dir_name(o->dir));
		if (o->loc.file) {
			jsonout_key(j, "file");
			jsonout_string(j, o->loc.file);
		}
		jsonout_key(j, "line");
		jsonout_int(j, o->loc.line);
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

/* write_rule: one member of "rules"; psid numbers the rule's pod set. */
static void write_rule(struct jsonout *j, const struct ir_rule *r, const char *key,
		       const size_t *psid)
{
	jsonout_key(j, key);
	jsonout_open_object(j);
	jsonout_key(j, "action");
	jsonout_string(j, action_name(r->action));
	jsonout_key(j, "origins");
	jsonout_open_array(j);
	write_origin(j, &r->origin);
	for (size_t k = 0; k < r->nmore; k++)
		write_origin(j, &r->more[k]);
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
			jsonout_stringf(j, "ps%zu", psid[r->pods->id]);
		}
	}
	jsonout_close_object(j);
	jsonout_key(j, "ports");
	write_ports(j, &r->ports);
	jsonout_close_object(j);
}

struct psname {
	const struct podset *ps;
	char name[32];
};

static int cmp_psname(const void *a, const void *b)
{
	const struct psname *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/*
 * write_podsets: the pod sets of the used rules, numbered ps1, ps2... in
 * the order the sorted rules first use them (psid, by podset id), written
 * in the order of their names.
 */
static void write_podsets(struct jsonout *j, const struct model *m, const struct rkey *sorted,
			  size_t n, const bool *used, size_t *psid)
{
	struct psname *v = xcalloc(n + 1, sizeof(*v));
	size_t nps = 0;
	for (size_t i = 0; i < n; i++) {
		const struct ir_rule *r = sorted[i].r;
		if (!used[r->id] || r->all_peers || !r->pods || psid[r->pods->id])
			continue;
		psid[r->pods->id] = ++nps;
		v[nps - 1].ps = r->pods;
		snprintf(v[nps - 1].name, sizeof(v[nps - 1].name), "ps%zu", nps);
	}
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
			   const struct rkey *keys)
{
	jsonout_open_object(j);
	/* members in key order: egress, group, ingress, ips, pod */
	jsonout_key(j, dir_name(DIR_EGRESS));
	write_dir(j, &ep->dir[DIR_EGRESS], keys);
	jsonout_key(j, "group");
	jsonout_int(j, (long long)ep->group);
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
	size_t *psid = xcalloc(ir->npodsets + 1, sizeof(size_t));
	bool *used = xcalloc(ir->nrules + 1, sizeof(bool));
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
	for (size_t i = 0; i < ir->neps; i++)
		write_endpoint(&j, ir, &ir->eps[i], keys);
	jsonout_close_array(&j);
	jsonout_key(&j, "format");
	jsonout_string(&j, "netpolc-ir/1");
	jsonout_key(&j, "inputs");
	jsonout_open_array(&j);
	for (size_t i = 0; i < m->ninputs; i++)
		jsonout_string(&j, m->inputs[i]);
	jsonout_close_array(&j);
	jsonout_key(&j, "mode");
	jsonout_string(&j, ir->host_mode ? "host" : "node");
	jsonout_key(&j, "podsets");
	write_podsets(&j, m, sorted, ir->nrules, used, psid);
	jsonout_key(&j, "rules");
	jsonout_open_object(&j);
	for (size_t i = 0; i < ir->nrules; i++)
		if (used[sorted[i].r->id])
			write_rule(&j, sorted[i].r, sorted[i].key, psid);
	jsonout_close_object(&j);
	jsonout_close_object(&j);
	strbuf_addch(j.out, '\n');
	jsonout_release(&j);
	free(keys);
	free(sorted);
	free(psid);
	free(used);
	return 0;
}
