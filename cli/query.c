/*
 * query.c - "netpolc query": may --from open a connection to --to on
 * --port, and which rule of each side decides?  Exit status 0 allow,
 * 3 deny.  Text for people, -o json for tools.  The connection itself
 * (query.h) is shared with "netpolc test".
 */
#include "cli/query.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ir/eval.h"
#include "ir/select.h"
#include "lib/util.h"

static const char *peer_text(struct arena *a, const struct eval_peer *p)
{
	char buf[ADDR_STRLEN];
	if (p->pod && p->has_addr)
		return arena_printf(a, "%s/%s (%s)", p->pod->ns, p->pod->name,
				    addr_format(&p->addr, buf));
	if (p->pod)
		return arena_printf(a, "%s/%s", p->pod->ns, p->pod->name);
	return arena_strdup(a, addr_format(&p->addr, buf));
}

/* cluster_scoped: an admin policy or a Calico GlobalNetworkPolicy, which have no namespace. */
static bool cluster_scoped(const struct policy *p)
{
	return p->no_host_network || !p->ns || !*p->ns;
}

/*
 * origin_text: cluster-scoped policies have no namespace; they are named
 * by kind, and admin rules by the name the author gave them.
 */
static const char *origin_text(struct arena *a, const struct origin *o)
{
	const struct rule *ru;
	if (!o->policy)
		return "a synthetic rule";
	ru = o->rule >= 0 ? &o->policy->rules[o->dir][o->rule] : NULL;
	if (cluster_scoped(o->policy))
		return arena_printf(a, "%s %s %s rule %d%s%s%s (%s:%u:%u)", o->policy->kind,
				    o->policy->name, dir_name(o->dir), o->rule,
				    ru && ru->name ? " '" : "", ru && ru->name ? ru->name : "",
				    ru && ru->name ? "'" : "", o->loc.file, o->loc.line,
				    o->loc.col);
	return arena_printf(a, "%s/%s %s rule %d (%s:%u:%u)", o->policy->ns, o->policy->name,
			    dir_name(o->dir), o->rule, o->loc.file, o->loc.line, o->loc.col);
}

/* policy_name: namespace/name, or the bare name of a cluster-scoped policy. */
static const char *policy_name(struct arena *a, const struct policy *p)
{
	return p->ns && *p->ns ? arena_printf(a, "%s/%s", p->ns, p->name) : p->name;
}

static const struct loc *policy_loc(const struct policy *p)
{
	return p->name_loc.line ? &p->name_loc : &p->loc;
}

/* selected: some policy of some tier selects ep for dir, even if none isolates it. */
static bool selected(const struct ir_endpoint *ep, enum dir dir)
{
	for (size_t t = 0; t < ep->dir[dir].ntiers; t++)
		if (ep->dir[dir].tiers[t].applies)
			return true;
	return false;
}

static void explain_side(struct arena *a, const struct eval_peer *self, enum dir dir,
			 const struct eval_side *s, FILE *f)
{
	const char *who = peer_text(a, self);
	const char *after = s->passed ? arena_printf(a, " (after %s passed it on)",
						     origin_text(a, &s->passed->origin))
				      : "";
	if (!self->ep) {
		fprintf(f, "  %s of %s: allowed: %s\n", dir_name(dir), who,
			self->pod ? "not an endpoint of this inventory"
				  : "external address, never isolated");
		return;
	}
	if (s->rule) {
		fprintf(f, "  %s of %s: %s by %s%s\n", dir_name(dir), who,
			s->allowed ? "allowed" : "denied", origin_text(a, &s->rule->origin), after);
		return;
	}
	if (!s->tier && s->passed) {
		fprintf(f, "  %s of %s: allowed: %s passed it on and no later policy decides\n",
			dir_name(dir), who, origin_text(a, &s->passed->origin));
		return;
	}
	if (!s->tier) {
		if (self->pod->host_network)
			fprintf(f,
				"  %s of %s: allowed: it uses the host network, to which no policy "
				"applies (its traffic is its node's)\n",
				dir_name(dir), who);
		else if (selected(self->ep, dir))
			fprintf(f,
				"  %s of %s: allowed: no %s rule of the policies selecting it "
				"matches\n",
				dir_name(dir), who, dir_name(dir));
		else
			fprintf(f,
				"  %s of %s: allowed: not isolated (no policy selects it for %s)\n",
				dir_name(dir), who, dir_name(dir));
		return;
	}
	fprintf(f, "  %s of %s: %s: isolated for %s by", dir_name(dir), who,
		s->allowed ? "allowed" : "denied", dir_name(dir));
	for (size_t i = 0; i < s->tier->npolicies; i++) {
		const struct policy *p = s->tier->policies[i];
		const struct loc *l = policy_loc(p);
		fprintf(f, "%s %s/%s (%s:%u:%u)", i ? "," : "", p->ns, p->name, l->file, l->line,
			l->col);
	}
	fprintf(f, ", and no %s rule of %s allows it%s\n", dir_name(dir),
		s->tier->npolicies > 1 ? "these policies" : "that policy", after);
}

static json_t *json_loc(struct arena *a, const struct loc *l)
{
	return json_string(arena_printf(a, "%s:%u:%u", l->file, l->line, l->col));
}

/*
 * side_json: {"allowed", "isolated", "endpoint", "reason", then for a rule
 * "policy", "rule", "action", "location"; for a default verdict "policies";
 * and "passed" {"policy", "rule", "location"} when a Pass rule sent the
 * decision to a later tier}.  reason is "external", "not-isolated", "rule",
 * "default" or "passed" (every tier that applied passed it on: allowed).
 */
static json_t *side_json(struct arena *a, const struct eval_peer *self, const struct eval_side *s)
{
	json_t *o = json_object();
	const char *reason = !self->ep	 ? "external"
			     : s->rule	 ? "rule"
			     : s->tier	 ? "default"
			     : s->passed ? "passed"
					 : "not-isolated";
	json_object_set_new(o, "allowed", json_boolean(s->allowed));
	json_object_set_new(o, "isolated", json_boolean(self->ep && s->isolated));
	json_object_set_new(o, "endpoint", json_boolean(self->ep != NULL));
	json_object_set_new(o, "reason", json_string(reason));
	if (self->ep && s->rule) {
		const struct origin * or = &s->rule->origin;
		json_object_set_new(o, "policy", or->policy
							 ? json_string(policy_name(a, or->policy))
							 : json_null());
		json_object_set_new(o, "rule", or->policy ? json_integer(or->rule) : json_null());
		json_object_set_new(o, "action", json_string(action_name(s->rule->action)));
		json_object_set_new(o, "location",
				    or->policy ? json_loc(a, & or->loc) : json_null());
	} else if (self->ep && s->tier) {
		json_t *v = json_array();
		for (size_t i = 0; s->tier && i < s->tier->npolicies; i++) {
			const struct policy *p = s->tier->policies[i];
			json_t *e = json_object();
			json_object_set_new(e, "policy", json_string(policy_name(a, p)));
			json_object_set_new(e, "location", json_loc(a, policy_loc(p)));
			json_array_append_new(v, e);
		}
		json_object_set_new(o, "policies", v);
	}
	if (self->ep && s->passed) {
		const struct origin *po = &s->passed->origin;
		json_t *e = json_object();
		json_object_set_new(e, "policy", json_string(policy_name(a, po->policy)));
		json_object_set_new(e, "rule", json_integer(po->rule));
		json_object_set_new(e, "location", json_loc(a, &po->loc));
		json_object_set_new(o, "passed", e);
	}
	return o;
}

const char *query_headline(struct arena *a, const struct query *q)
{
	const char *port = q->port_name ? arena_printf(a, "%s (%u)", q->port_name, q->port)
					: arena_printf(a, "%u", q->port);
	return arena_printf(a, "%s/%s from %s to %s", proto_name(q->proto), port,
			    peer_text(a, &q->src), peer_text(a, &q->dst));
}

void query_explain(struct arena *a, const struct query *q, FILE *f)
{
	explain_side(a, &q->src, DIR_EGRESS, &q->res.side[DIR_EGRESS], f);
	explain_side(a, &q->dst, DIR_INGRESS, &q->res.side[DIR_INGRESS], f);
}

json_t *query_json(struct arena *a, const struct query *q)
{
	json_t *o = json_object();
	json_object_set_new(o, "allowed", json_boolean(q->res.allowed));
	json_object_set_new(o, "protocol", json_string(proto_name(q->proto)));
	json_object_set_new(o, "port", json_integer(q->port));
	if (q->port_name)
		json_object_set_new(o, "named_port", json_string(q->port_name));
	json_object_set_new(o, "from", json_string(peer_text(a, &q->src)));
	json_object_set_new(o, "to", json_string(peer_text(a, &q->dst)));
	json_object_set_new(o, "egress", side_json(a, &q->src, &q->res.side[DIR_EGRESS]));
	json_object_set_new(o, "ingress", side_json(a, &q->dst, &q->res.side[DIR_INGRESS]));
	return o;
}

/* pick_family: the first family in which both sides have an address (default IPv4). */
static int pick_family(const struct eval_peer *a, const struct eval_peer *b)
{
	if (a->has_addr)
		return a->addr.family;
	if (b->has_addr)
		return b->addr.family;
	if (a->pod && b->pod && !(pod_addr(a->pod, AF4) && pod_addr(b->pod, AF4)) &&
	    pod_addr(a->pod, AF6) && pod_addr(b->pod, AF6))
		return AF6;
	return AF4;
}

/* named_port: q->port from the destination pod's container port called q->port_name. */
static int named_port(struct compilation *comp, struct query *q)
{
	struct loc l = q->at[2] ? *q->at[2] : loc_none(NULL);
	const struct pod *p = q->dst.pod;
	const struct named_port *np;

	if (!p) {
		diag_error(&comp->diag, &l,
			   "%s %s: a named port needs an inventory pod as the destination, not an "
			   "external address",
			   q->what[2], q->port_name);
		return 1;
	}
	np = pod_named_port(p, q->port_name, (enum proto)q->proto);
	if (!np) {
		diag_error(&comp->diag, &l, "%s %s: %s/%s has no %s container port named '%s'",
			   q->what[2], q->port_name, p->ns, p->name, proto_name(q->proto),
			   q->port_name);
		return 1;
	}
	q->port = np->port;
	return 0;
}

int query_run(struct compilation *comp, struct query *q)
{
	struct eval_peer *p[] = { &q->src, &q->dst };
	int family;

	for (int i = 0; i < 2; i++) {
		int rc = select_peer(&comp->model, &comp->ir, q->spec[i], q->what[i], q->at[i],
				     p[i], &comp->diag);
		if (rc)
			return rc < 0 ? -1 - i : rc;
	}
	if (q->port_name && named_port(comp, q))
		return 1;
	family = q->family ? q->family : pick_family(&q->src, &q->dst);
	for (int i = 0; i < 2; i++)
		if (p[i]->pod && !p[i]->has_addr)
			eval_peer_pod(p[i], p[i]->pod, p[i]->ep, family);
	eval_conn(&q->src, &q->dst, q->proto, q->port, &q->res);
	return 0;
}

int cmd_query(struct cli *c)
{
	struct compilation comp;
	struct query q = { .spec = { c->from, c->to },
			   .what = { "--from", "--to", "--port" },
			   .family = c->family };
	bool json = false;
	int rc;

	if (!c->from || !c->to)
		return cli_usage_error(c, "query needs --from, --to and --port");
	rc = cli_port_format(c, &q.proto, &q.port, &q.port_name, &json);
	if (rc)
		return rc;
	compilation_init(&comp, &c->wopts);
	rc = cli_node(c, &comp);
	if (!rc && (rc = query_run(&comp, &q)) < 0)
		rc = cli_usage_error(c, "%s takes NAMESPACE/NAME or an IP address, not '%s'",
				     q.what[-1 - rc], q.spec[-1 - rc]);
	rc = compilation_finish(&comp, rc);
	if (!rc && json) {
		json_t *o = query_json(&comp.arena, &q);
		char *text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
		json_decref(o);
		if (!text)
			oom();
		rc = printf("%s\n", text) < 0 ? 1 : 0;
		free(text);
	} else if (!rc) {
		printf("%s: %s\n", q.res.allowed ? "allow" : "deny",
		       query_headline(&comp.arena, &q));
		query_explain(&comp.arena, &q, stdout);
	}
	if (!rc && !q.res.allowed)
		rc = 3;
	compilation_release(&comp);
	return rc;
}
