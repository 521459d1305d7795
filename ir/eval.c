/*
 * eval.c - the evaluator over the endpoint IR.
 */
#include "ir/eval.h"

#include <string.h>

bool eval_rule_matches(const struct ir_rule *r, const struct eval_peer *peer, int proto,
		       uint16_t port)
{
	if (proto < 0) {
		if (!r->ports.any)
			return false;
	} else if (!portset_contains(&r->ports, (enum proto)proto, port)) {
		return false;
	}
	return eval_rule_peer_matches(r, peer);
}

bool eval_rule_peer_matches(const struct ir_rule *r, const struct eval_peer *peer)
{
	bool peer_ok = r->all_peers;
	if (!peer_ok && r->pods && peer->pod && peer->pod->index < UINT32_MAX)
		peer_ok = podset_contains(r->pods, (uint32_t)peer->pod->index);
	if (!peer_ok && peer->has_addr)
		peer_ok = addrset_contains(&r->nets, &peer->addr);
	return peer_ok;
}

void eval_dir(const struct ir_endpoint *ep, enum dir dir, const struct eval_peer *peer, int proto,
	      uint16_t port, struct eval_side *out)
{
	const struct ir_dir *d = &ep->dir[dir];
	memset(out, 0, sizeof(*out));
	out->isolated = d->isolated;
	for (size_t t = 0; t < d->ntiers; t++) {
		const struct ir_tier *tier = &d->tiers[t];
		bool passed = false;
		if (!tier->applies)
			continue;
		for (size_t i = 0; i < tier->nrules; i++) {
			const struct ir_rule *r = tier->rules[i];
			if (!eval_rule_matches(r, peer, proto, port))
				continue;
			if (r->action == ACT_PASS) {
				passed = true;
				out->passed = r;
				break;
			}
			out->allowed = r->action == ACT_ALLOW;
			out->rule = r;
			out->tier = tier;
			return;
		}
		if (!passed && tier->end_action == ACT_DENY) {
			out->allowed = false;
			out->tier = tier;
			return;
		}
	}
	out->allowed = true;
}

bool eval_conn(const struct eval_peer *src, const struct eval_peer *dst, int proto, uint16_t port,
	       struct eval_result *out)
{
	memset(out, 0, sizeof(*out));
	out->side[DIR_EGRESS].allowed = true;
	out->side[DIR_INGRESS].allowed = true;
	if (src->ep)
		eval_dir(src->ep, DIR_EGRESS, dst, proto, port, &out->side[DIR_EGRESS]);
	if (dst->ep)
		eval_dir(dst->ep, DIR_INGRESS, src, proto, port, &out->side[DIR_INGRESS]);
	out->allowed = out->side[DIR_EGRESS].allowed && out->side[DIR_INGRESS].allowed;
	return out->allowed;
}

void eval_peer_pod(struct eval_peer *p, const struct pod *pod, const struct ir_endpoint *ep,
		   int family)
{
	const struct addr *a = pod_addr(pod, family);
	memset(p, 0, sizeof(*p));
	p->pod = pod;
	p->ep = ep;
	if (a) {
		p->has_addr = true;
		p->addr = *a;
	}
}
