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
 * first use them.  Keys are sorted (JSON_SORT_KEYS), indentation fixed.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
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

static json_t *origin_json(struct arena *a, const struct origin *o)
{
	json_t *j = json_object();
	if (!o->policy)
		return j;
	json_object_set_new(j, "policy",
			    json_string(arena_printf(a, "%s/%s", o->policy->ns, o->policy->name)));
	json_object_set_new(j, "direction", json_string(dir_name(o->dir)));
	json_object_set_new(j, "rule", json_integer(o->rule));
	json_object_set_new(j, "file", json_string(o->loc.file));
	json_object_set_new(j, "line", json_integer(o->loc.line));
	json_object_set_new(j, "column", json_integer(o->loc.col));
	return j;
}

static json_t *ports_json(const struct portset *ps)
{
	json_t *o;
	if (ps->any)
		return json_string("any");
	o = json_object();
	for (int p = 0; p < NPROTO; p++) {
		json_t *a;
		if (!ps->n[p])
			continue;
		a = json_array();
		for (size_t i = 0; i < ps->n[p]; i++) {
			char buf[16];
			if (ps->r[p][i].lo == ps->r[p][i].hi)
				snprintf(buf, sizeof(buf), "%u", ps->r[p][i].lo);
			else
				snprintf(buf, sizeof(buf), "%u-%u", ps->r[p][i].lo, ps->r[p][i].hi);
			json_array_append_new(a, json_string(buf));
		}
		json_object_set_new(o, proto_name(p), a);
	}
	return o;
}

static json_t *nets_json(const struct addrset *s)
{
	size_t n;
	struct prefix *v = addrset_prefixes(s, &n);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		char buf[ADDR_STRLEN];
		json_array_append_new(a, json_string(prefix_format(&v[i], buf)));
	}
	free(v);
	return a;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	strbuf_add(data, buf, size);
	return 0;
}

int json_emit(const struct emit_ctx *ctx, struct emit_out *parts, struct diag *d)
{
	struct strbuf *out = emit_main(parts);
	const struct ir *ir = ctx->ir;
	const struct model *m = ctx->model;
	struct rkey *keys = xcalloc(ir->nrules + 1, sizeof(*keys));
	size_t *psid = xcalloc(ir->npodsets + 1, sizeof(size_t));
	size_t nps = 0;
	json_t *root = json_object(), *inputs = json_array(), *podsets = json_object();
	json_t *rules = json_object(), *eps = json_array();
	(void)d;

	for (size_t i = 0; i < m->ninputs; i++)
		json_array_append_new(inputs, json_string(m->inputs[i]));
	/* rule keys from origins; rules sharing an origin numbered .1, .2 in id order */
	for (size_t i = 0; i < ir->nrules; i++) {
		const struct origin *o = &ir->rules[i]->origin;
		keys[i].r = ir->rules[i];
		keys[i].key = o->policy ? arena_printf(ir->arena, "%s/%s/%s/%d", o->policy->ns,
						       o->policy->name, dir_name(o->dir), o->rule)
					: "~synthetic";
	}
	{
		struct rkey *byname = xcalloc(ir->nrules + 1, sizeof(*byname));
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
	{
		/* sorted copy for podset numbering; keys[] stays in id order for lookups */
		struct rkey *sorted = xcalloc(ir->nrules + 1, sizeof(*sorted));
		memcpy(sorted, keys, ir->nrules * sizeof(*keys));
		xqsort(sorted, ir->nrules, sizeof(*sorted), cmp_rkey);
		bool *used = xcalloc(ir->nrules + 1, sizeof(bool));
		for (size_t i = 0; i < ir->neps; i++)
			for (int dir = 0; dir < NDIR; dir++)
				for (size_t t = 0; t < ir->eps[i].dir[dir].ntiers; t++) {
					const struct ir_tier *tier = &ir->eps[i].dir[dir].tiers[t];
					for (size_t k = 0; k < tier->nrules; k++)
						used[tier->rules[k]->id] = true;
				}
		for (size_t i = 0; i < ir->nrules; i++) {
			const struct ir_rule *r = sorted[i].r;
			json_t *jr, *peers, *origin;
			if (!used[r->id])
				continue;
			jr = json_object();
			peers = json_object();
			origin = json_object();
			json_object_set_new(jr, "action", json_string(action_name(r->action)));
			if (r->all_peers) {
				json_object_set_new(peers, "all", json_true());
			} else {
				if (r->pods) {
					char buf[32];
					if (!psid[r->pods->id]) {
						json_t *pa = json_array();
						psid[r->pods->id] = ++nps;
						for (size_t k = 0; k < r->pods->n; k++) {
							const struct pod *p =
								m->pods[r->pods->v[k]];
							json_array_append_new(
								pa, json_string(arena_printf(
									    ir->arena, "%s/%s",
									    p->ns, p->name)));
						}
						snprintf(buf, sizeof(buf), "ps%zu", nps);
						json_object_set_new(podsets, buf, pa);
					}
					snprintf(buf, sizeof(buf), "ps%zu", psid[r->pods->id]);
					json_object_set_new(peers, "podset", json_string(buf));
				}
				json_object_set_new(peers, "nets", nets_json(&r->nets));
			}
			json_object_set_new(jr, "peers", peers);
			json_object_set_new(jr, "ports", ports_json(&r->ports));
			json_decref(origin);
			origin = json_array();
			json_array_append_new(origin, origin_json(ir->arena, &r->origin));
			for (size_t k = 0; k < r->nmore; k++)
				json_array_append_new(origin, origin_json(ir->arena, &r->more[k]));
			json_object_set_new(jr, "origins", origin);
			json_object_set_new(rules, sorted[i].key, jr);
		}
		free(sorted);
		free(used);
	}
	for (size_t i = 0; i < ir->neps; i++) {
		const struct ir_endpoint *ep = &ir->eps[i];
		json_t *je = json_object(), *ips = json_array();
		json_object_set_new(je, "pod", json_string(ir_endpoint_name(ir, ep)));
		for (size_t k = 0; k < ep->pod->nips; k++) {
			char buf[ADDR_STRLEN];
			json_array_append_new(ips, json_string(addr_format(&ep->pod->ips[k], buf)));
		}
		json_object_set_new(je, "ips", ips);
		json_object_set_new(je, "group", json_integer((json_int_t)ep->group));
		for (int dir = 0; dir < NDIR; dir++) {
			const struct ir_dir *dd = &ep->dir[dir];
			json_t *jd = json_object(), *pols = json_array(), *rl = json_array();
			json_object_set_new(jd, "isolated", json_boolean(dd->isolated));
			for (size_t t = 0; t < dd->ntiers; t++) {
				const struct ir_tier *tier = &dd->tiers[t];
				for (size_t k = 0; k < tier->npolicies; k++)
					json_array_append_new(
						pols,
						json_string(arena_printf(ir->arena, "%s/%s",
									 tier->policies[k]->ns,
									 tier->policies[k]->name)));
				for (size_t k = 0; k < tier->nrules; k++)
					json_array_append_new(
						rl, json_string(keys[tier->rules[k]->id].key));
			}
			json_object_set_new(jd, "policies", pols);
			json_object_set_new(jd, "rules", rl);
			json_object_set_new(je, dir_name(dir), jd);
		}
		json_array_append_new(eps, je);
	}
	json_object_set_new(root, "format", json_string("netpolc-ir/1"));
	json_object_set_new(root, "inputs", inputs);
	json_object_set_new(root, "mode", json_string(ir->host_mode ? "host" : "node"));
	json_object_set_new(root, "podsets", podsets);
	json_object_set_new(root, "rules", rules);
	json_object_set_new(root, "endpoints", eps);
	json_dump_callback(root, dump_cb, out, JSON_SORT_KEYS | JSON_INDENT(2));
	strbuf_addch(out, '\n');
	json_decref(root);
	free(keys);
	free(psid);
	return 0;
}
