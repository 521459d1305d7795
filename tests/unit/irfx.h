/*
 * irfx.h - a hand-built endpoint IR for the unit tests of the lowering and
 * the firewall backends: pods, endpoints, rules and tiers made directly,
 * without a frontend or the resolver.
 *
 *     struct irfx x;
 *     irfx_init(&x);
 *     struct pod *web = irfx_pod(&x, "default", "web", "10.1.0.1", NULL);
 *     struct ir_endpoint *ep = irfx_ep(&x, web);
 *     struct ir_rule *r = irfx_rule(&x, ACT_ALLOW, 0, DIR_INGRESS, 0);
 *     irfx_rule_net(r, "10.0.0.0/8");
 *     irfx_tier(&x, ep, DIR_INGRESS, ACT_DENY, true, r, NULL);
 *     ...
 *     irfx_release(&x);
 *
 * Policies pol[0..3] are default/allow-web, default/deny-all, a hostile
 * name and default/pol3; every tier is made to apply by pol[1].
 */
#ifndef NETPOLC_IRFX_H
#define NETPOLC_IRFX_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"
#include "ir/model.h"
#include "lib/arena.h"
#include "lib/diag.h"

#define IRFX_MAXEP 16

struct irfx {
	struct arena a;
	struct model m;
	struct ir ir;
	struct diag d;
	struct policy pol[4];
};

void irfx_init(struct irfx *x);
void irfx_release(struct irfx *x);
/* irfx_pod: pods must be added in ns/name order (the model's order). */
struct pod *irfx_pod(struct irfx *x, const char *ns, const char *name, const char *ip4,
		     const char *ip6);
struct ir_endpoint *irfx_ep(struct irfx *x, const struct pod *p);
/* irfx_rule: a rule of policy pol[pol], direction dir, index idx (no peers, no ports). */
struct ir_rule *irfx_rule(struct irfx *x, enum action act, int pol, enum dir dir, int idx);
void irfx_rule_pods(struct irfx *x, struct ir_rule *r, size_t n, const uint32_t *v);
void irfx_rule_net(struct ir_rule *r, const char *cidr);
/* irfx_tier: append a tier to ep's direction; the rules are NULL-terminated. */
void irfx_tier(struct irfx *x, struct ir_endpoint *ep, enum dir dir, enum action end, bool applies,
	       ...);

/* irfx_rng: a linear congruential generator, state in *s. */
uint32_t irfx_rng(uint64_t *s);
/*
 * irfx_random_rule: a random ingress rule of an action, peers (all, the pod
 * pods[1], prefixes inside 10.0.0.0/28, sometimes fd00::/126) and ports
 * (any, or ranges within 0..IRFX_U_PORTS - 1).
 */
#define IRFX_U_ADDRS 16
#define IRFX_U_PORTS 16
struct ir_rule *irfx_random_rule(struct irfx *x, uint64_t *seed, int idx);
/*
 * irfx_random_endpoint: initialises x with the pods default/a-web
 * (10.1.0.1, the endpoint returned) and default/b-peer (10.0.0.5, pods[1])
 * and gives a-web 1 to 3 ingress tiers of 0 to 5 random rules each
 * (irfx_random_rule), each tier ending in deny or pass and applying or not;
 * host mode.  The caller releases x.
 */
struct ir_endpoint *irfx_random_endpoint(struct irfx *x, uint64_t *seed);

#endif
