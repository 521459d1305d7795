/*
 * test_flat.c - the flat programs (ir/flat.c, ir/dispatch.c) as data:
 * disjoint elements, stages and their ends, sharing by content, node-mode
 * dispatch and its diagnostics, and a property test: on random tiers of
 * allow/deny/pass rules, the flat program gives the evaluator's verdict on
 * every point of a small universe, and the elements of a kind in a run
 * never overlap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir/eval.h"
#include "ir/flat.h"
#include "lib/util.h"
#include "tests/unit/irfx.h"

static int setup(void **state)
{
	struct irfx *x = xcalloc(1, sizeof(*x));
	irfx_init(x);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	irfx_release(*state);
	free(*state);
	return 0;
}

static struct addr A(const char *s) {
	struct addr a;
	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

/* verdict: program p's for traffic with peer address addr. */
static bool
verdict(const struct flat_prog *p, const char *addr, int proto, uint16_t port)
{
	struct addr a = A(addr);
	return flat_eval(p, &a, proto, port);
}

static bool diag_says(const struct diag *d, enum diag_level lvl, const char *what)
{
	for (size_t i = 0; i < d->nr; i++)
		if (d->v[i]->level == lvl && strstr(d->v[i]->msg, what))
			return true;
	return false;
}

/* ---- small cases ---- */

static void test_flat_stage_runs_and_ends(void **state)
{
	struct irfx *x = *state;
	struct pod *web = irfx_pod(x, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(x, web);
	struct ir_rule *deny = irfx_rule(x, ACT_DENY, 1, DIR_INGRESS, 0);
	struct ir_rule *pass = irfx_rule(x, ACT_PASS, 1, DIR_INGRESS, 1);
	struct ir_rule *allow = irfx_rule(x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct flat f;
	const struct flat_prog *p;

	irfx_rule_net(deny, "10.9.0.0/16");
	portset_set_any(&deny->ports);
	irfx_rule_net(pass, "10.8.0.0/16");
	portset_set_any(&pass->ports);
	irfx_rule_net(allow, "10.8.1.0/24");
	portset_add(&allow->ports, PROTO_TCP, 22, 22);
	irfx_tier(x, ep, DIR_INGRESS, ACT_DENY, true, deny, pass, NULL);
	irfx_tier(x, ep, DIR_INGRESS, ACT_PASS, false, allow, NULL); /* does not apply */
	irfx_tier(x, ep, DIR_INGRESS, ACT_DENY, true, allow, NULL);
	x->ir.host_mode = true;
	assert_int_equal(flat_build(&f, &x->ir, &x->d), 0);

	assert_int_equal(f.nprogs[DIR_INGRESS], 1);
	assert_int_equal(f.nprogs[DIR_EGRESS], 0);
	assert_null(flat_prog_of(&f, 0, DIR_EGRESS));
	p = flat_prog_of(&f, 0, DIR_INGRESS);
	assert_non_null(p);
	assert_int_equal(p->nstages, 2); /* the tier that does not apply is no stage */
	assert_int_equal(p->stages[0].nruns, 2);
	assert_int_equal(p->stages[0].runs[0].action, ACT_DENY);
	assert_int_equal(p->stages[0].runs[0].nel[FK_ADDR4], 1);
	assert_int_equal(p->stages[0].runs[1].action, ACT_PASS);
	assert_false(p->stages[0].closed);
	assert_int_equal(p->stages[0].end, ACT_DENY);
	assert_int_equal(p->stages[1].runs[0].nel[FK_AP4], 1);
	assert_int_equal(p->stages[1].runs[0].el[FK_AP4][0].lo, 22);

	assert_false(verdict(p, "10.9.1.1", PROTO_TCP, 22));
	assert_true(verdict(p, "10.8.1.1", PROTO_TCP, 22));
	assert_false(verdict(p, "10.8.2.1", PROTO_TCP, 22));
	assert_false(verdict(p, "10.7.0.1", PROTO_TCP, 22));
	flat_release(&f);
}

static void test_flat_match_all_closes_stage(void **state)
{
	struct irfx *x = *state;
	struct pod *web = irfx_pod(x, "default", "web", "10.1.0.1", NULL);
	struct ir_endpoint *ep = irfx_ep(x, web);
	struct ir_rule *all = irfx_rule(x, ACT_ALLOW, 0, DIR_EGRESS, 0);
	struct ir_rule *later = irfx_rule(x, ACT_DENY, 0, DIR_EGRESS, 1);
	struct flat f;
	const struct flat_prog *p;

	all->all_peers = true;
	portset_set_any(&all->ports);
	later->all_peers = true;
	portset_set_any(&later->ports);
	irfx_tier(x, ep, DIR_EGRESS, ACT_DENY, true, all, later, NULL);
	x->ir.host_mode = true;
	assert_int_equal(flat_build(&f, &x->ir, &x->d), 0);
	p = flat_prog_of(&f, 0, DIR_EGRESS);
	assert_int_equal(p->stages[0].nruns, 1); /* the deny after it is unreachable */
	assert_true(p->stages[0].closed);
	assert_true(p->stages[0].runs[0].all[0] && p->stages[0].runs[0].all[1]);
	assert_true(verdict(p, "fd00::1", -1, 0));
	flat_release(&f);
}

/* two policies with the same meaning for two endpoints: one program, both origins */
static void test_flat_programs_shared_by_content(void **state)
{
	struct irfx *x = *state;
	struct pod *a = irfx_pod(x, "default", "a", "10.1.0.1", NULL);
	struct pod *b = irfx_pod(x, "default", "b", "10.1.0.2", NULL);
	struct pod *c = irfx_pod(x, "default", "c", "10.1.0.3", NULL);
	struct ir_endpoint *ea = irfx_ep(x, a), *eb = irfx_ep(x, b), *ec = irfx_ep(x, c);
	struct ir_rule *r0 = irfx_rule(x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct ir_rule *r3 = irfx_rule(x, ACT_ALLOW, 3, DIR_INGRESS, 0);
	struct ir_rule *other = irfx_rule(x, ACT_ALLOW, 2, DIR_INGRESS, 0);
	struct flat f;
	const struct flat_prog *p;

	irfx_rule_net(r0, "10.2.0.0/16");
	irfx_rule_net(r3, "10.2.0.0/16");
	irfx_rule_net(other, "10.3.0.0/16");
	portset_add(&r0->ports, PROTO_UDP, 53, 53);
	portset_add(&r3->ports, PROTO_UDP, 53, 53);
	portset_add(&other->ports, PROTO_UDP, 53, 53);
	irfx_tier(x, ea, DIR_INGRESS, ACT_DENY, true, r0, NULL);
	irfx_tier(x, eb, DIR_INGRESS, ACT_DENY, true, r3, NULL);
	irfx_tier(x, ec, DIR_INGRESS, ACT_DENY, true, other, NULL);
	assert_int_equal(flat_build(&f, &x->ir, &x->d), 0);

	assert_int_equal(f.nprogs[DIR_INGRESS], 2);
	assert_ptr_equal(flat_prog_of(&f, 0, DIR_INGRESS), flat_prog_of(&f, 1, DIR_INGRESS));
	p = flat_prog_of(&f, 0, DIR_INGRESS);
	assert_ptr_equal(p, &f.progs[DIR_INGRESS][p->index]);
	assert_int_equal(p->nusers, 2);
	assert_ptr_equal(p->users[0], ea);
	assert_ptr_equal(p->users[1], eb);
	assert_int_equal(p->stages[0].runs[0].norigins, 2);
	assert_ptr_equal(p->stages[0].runs[0].origins[0]->policy, &x->pol[0]);
	assert_ptr_equal(p->stages[0].runs[0].origins[1]->policy, &x->pol[3]);
	assert_int_equal(flat_prog_of(&f, 2, DIR_INGRESS)->index, 1 - p->index);
	assert_int_equal(flat_prog_of(&f, 2, DIR_INGRESS)->nusers, 1);
	/* named and ordered by content */
	assert_int_equal(strlen(p->id), 12);
	assert_true(strcmp(f.progs[DIR_INGRESS][0].id, f.progs[DIR_INGRESS][1].id) < 0);
	flat_release(&f);
}

/* a rule standing for many identical rules lists each origin once */
static void test_flat_origins_distinct(void **state)
{
	struct irfx *x = *state;
	struct pod *a = irfx_pod(x, "default", "a", "10.1.0.1", NULL);
	struct ir_endpoint *ea = irfx_ep(x, a);
	struct ir_rule *r = irfx_rule(x, ACT_ALLOW, 2, DIR_INGRESS, 0);
	struct origin *more = arena_array(&x->a, 5, sizeof(*more));
	struct flat f;
	const struct flat_run *run;
	static const int pols[5] = { 0, 2, 0, 3, 3 };

	for (int i = 0; i < 5; i++)
		more[i] = (struct origin){ &x->pol[pols[i]], DIR_INGRESS, 0, r->origin.loc };
	r->more = more;
	r->nmore = 5;
	r->all_peers = true;
	portset_add(&r->ports, PROTO_TCP, 80, 80);
	irfx_tier(x, ea, DIR_INGRESS, ACT_DENY, true, r, NULL);
	x->ir.host_mode = true;
	assert_int_equal(flat_build(&f, &x->ir, &x->d), 0);
	run = &flat_prog_of(&f, 0, DIR_INGRESS)->stages[0].runs[0];
	/* first appearance order: pol2 (the rule's own), pol0, pol3 */
	assert_int_equal(run->norigins, 3);
	assert_ptr_equal(run->origins[0]->policy, &x->pol[2]);
	assert_ptr_equal(run->origins[1]->policy, &x->pol[0]);
	assert_ptr_equal(run->origins[2]->policy, &x->pol[3]);
	assert_int_equal(run->nel[FK_PORT], 1);
	flat_release(&f);
}

/* a program's name depends on its content only, not on what else is compiled */
static void test_flat_names_from_content(void **state)
{
	struct irfx *x = *state;
	struct pod *a = irfx_pod(x, "default", "a", "10.1.0.1", NULL);
	struct pod *b = irfx_pod(x, "default", "b", "10.1.0.2", NULL);
	struct ir_endpoint *ea = irfx_ep(x, a), *eb;
	struct ir_rule *r = irfx_rule(x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct flat f;
	char id[40];

	irfx_rule_net(r, "10.2.0.0/16");
	portset_set_any(&r->ports);
	irfx_tier(x, ea, DIR_INGRESS, ACT_DENY, true, r, NULL);
	assert_int_equal(flat_build(&f, &x->ir, &x->d), 0);
	strcpy(id, flat_prog_of(&f, 0, DIR_INGRESS)->id);
	flat_release(&f);

	/* another endpoint with another program joins: a's program keeps its name */
	eb = irfx_ep(x, b);
	irfx_tier(x, eb, DIR_INGRESS, ACT_DENY, true, NULL);
	assert_int_equal(flat_build(&f, &x->ir, &x->d), 0);
	assert_int_equal(f.nprogs[DIR_INGRESS], 2);
	assert_string_equal(flat_prog_of(&f, 0, DIR_INGRESS)->id, id);
	assert_string_not_equal(flat_prog_of(&f, 1, DIR_INGRESS)->id, id);
	flat_release(&f);
}

static void test_flat_dispatch(void **state)
{
	struct irfx *x = *state;
	struct pod *a = irfx_pod(x, "default", "a", "10.1.0.2", "fd00::2");
	struct pod *b = irfx_pod(x, "default", "b", "10.1.0.1", NULL);
	struct pod *h = irfx_pod(x, "default", "h", "10.0.0.1", NULL);
	struct pod *n = irfx_pod(x, "default", "n", NULL, NULL);
	struct pod *q = irfx_pod(x, "default", "q", "10.1.0.9", NULL);
	struct ir_endpoint *ea = irfx_ep(x, a), *eb = irfx_ep(x, b), *eh = irfx_ep(x, h),
			   *en = irfx_ep(x, n);
	struct ir_rule *r = irfx_rule(x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	struct flat f;

	(void)irfx_ep(x, q); /* selected by nothing: dispatched, no program */
	h->host_network = true;
	irfx_tier(x, ea, DIR_INGRESS, ACT_DENY, true, r, NULL);
	irfx_tier(x, eb, DIR_EGRESS, ACT_DENY, true, NULL);
	irfx_tier(x, eh, DIR_INGRESS, ACT_DENY, true, NULL);
	irfx_tier(x, en, DIR_INGRESS, ACT_DENY, true, NULL);
	assert_int_equal(flat_build(&f, &x->ir, &x->d), 0);
	assert_true(f.skip[2] && f.skip[3]);
	assert_false(f.skip[0] || f.skip[1] || f.skip[4]);
	/* no policy applies to a host-network pod (the resolver gives it no tier): skipped */
	assert_false(diag_says(&x->d, DIAG_WARNING, "default/h"));
	assert_true(diag_says(&x->d, DIAG_WARNING, "default/n has no IP address"));
	assert_int_equal(f.ndisp, 4); /* sorted by address */
	assert_int_equal(addr_cmp(&f.disp[0].a, &b->ips[0]), 0);
	assert_int_equal(f.disp[0].ep, 1);
	assert_int_equal(f.disp[1].ep, 0);
	assert_int_equal(f.disp[2].ep, 4);
	assert_int_equal(f.disp[3].a.family, AF6);
	assert_non_null(flat_prog_of(&f, 0, DIR_INGRESS));
	assert_null(flat_prog_of(&f, 0, DIR_EGRESS));
	assert_non_null(flat_prog_of(&f, 1, DIR_EGRESS));
	assert_null(flat_prog_of(&f, 4, DIR_INGRESS));
	flat_release(&f);
}

static void test_flat_peer_without_ip(void **state)
{
	struct irfx *x = *state;
	struct pod *a = irfx_pod(x, "default", "a", "10.1.0.1", NULL);
	struct pod *b = irfx_pod(x, "default", "b", NULL, NULL);
	struct pod *c = irfx_pod(x, "default", "c", "10.1.0.3", NULL);
	struct ir_endpoint *ea = irfx_ep(x, a);
	struct ir_rule *r = irfx_rule(x, ACT_ALLOW, 0, DIR_INGRESS, 0);
	static const uint32_t pods[] = { 1, 2 };
	struct flat f;
	const struct flat_run *run;

	(void)b;
	(void)c;
	irfx_rule_pods(x, r, 2, pods);
	portset_set_any(&r->ports);
	irfx_tier(x, ea, DIR_INGRESS, ACT_DENY, true, r, NULL);
	x->ir.host_mode = true;
	assert_int_equal(flat_build(&f, &x->ir, &x->d), 0);
	assert_true(diag_says(&x->d, DIAG_WARNING, "peer default/b has no IP address"));
	run = &flat_prog_of(&f, 0, DIR_INGRESS)->stages[0].runs[0];
	assert_int_equal(run->nel[FK_ADDR4], 1);
	assert_int_equal(run->el[FK_ADDR4][0].px.len, 32);
	assert_false(run->all[0] || run->all[1]);
	flat_release(&f);
}

/* ---- property: the flat program means what the tiers of rules mean ---- */

/*
 * A tiny universe: addresses 10.0.0.0 .. 10.0.0.17 and fd00::0 .. fd00::3,
 * ports 0 .. 17 of TCP/UDP/SCTP and a protocol without ports.  Rules take
 * prefixes inside 10.0.0.0/28, all peers, or the pod at 10.0.0.5.
 */

static bool overlap(enum flat_kind k, const struct flat_elem *a, const struct flat_elem *b)
{
	if (flat_kind_family(k) && !prefix_within(&a->px, &b->px) && !prefix_within(&b->px, &a->px))
		return false;
	if (flat_kind_has_port(k))
		return a->proto == b->proto && a->lo <= b->hi && b->lo <= a->hi;
	return true;
}

static void assert_disjoint(const struct flat_prog *p)
{
	for (size_t s = 0; s < p->nstages; s++)
		for (size_t r = 0; r < p->stages[s].nruns; r++)
			for (int k = 0; k < NFK; k++) {
				const struct flat_run *run = &p->stages[s].runs[r];
				for (size_t i = 0; i < run->nel[k]; i++)
					for (size_t j = 0; j < i; j++)
						assert_false(overlap((enum flat_kind)k,
								     &run->el[k][i],
								     &run->el[k][j]));
			}
}

static void check_universe(const struct irfx *x, const struct ir_endpoint *ep,
			   const struct flat_prog *p, int iter)
{
	struct addr v6 = A("fd00::");
	for (uint32_t ai = 0; ai < IRFX_U_ADDRS + 2 + 4; ai++) {
		struct eval_peer peer = { 0 };
		peer.has_addr = true;
		peer.addr = (struct addr){ AF4, (u128)(0x0a000000u + ai) };
		if (ai >= IRFX_U_ADDRS + 2) {
			peer.addr = v6;
			peer.addr.v += ai - (IRFX_U_ADDRS + 2);
		}
		if (!addr_cmp(&peer.addr, &x->m.pods[1]->ips[0]))
			peer.pod = x->m.pods[1];
		for (int proto = -1; proto < NPROTO; proto++) {
			for (uint32_t port = 0; port < (proto < 0 ? 1 : IRFX_U_PORTS + 2); port++) {
				struct eval_side want;
				bool got;
				eval_dir(ep, DIR_INGRESS, &peer, proto, (uint16_t)port, &want);
				got = flat_eval(p, &peer.addr, proto, (uint16_t)port);
				if (want.allowed != got) {
					char buf[ADDR_STRLEN];
					fprintf(stderr, "iter %d: %s proto %d port %u: want %d\n",
						iter, addr_format(&peer.addr, buf), proto, port,
						want.allowed);
				}
				assert_int_equal(want.allowed, got);
			}
		}
	}
}

static void test_flat_property_random_tiers(void **state)
{
	uint64_t seed = 20261205;
	(void)state;
	for (int iter = 0; iter < 400; iter++) {
		struct irfx x;
		struct ir_endpoint *ep = irfx_random_endpoint(&x, &seed);
		struct flat f;

		assert_int_equal(flat_build(&f, &x.ir, &x.d), 0);
		if (flat_prog_of(&f, 0, DIR_INGRESS)) {
			assert_disjoint(flat_prog_of(&f, 0, DIR_INGRESS));
			check_universe(&x, ep, flat_prog_of(&f, 0, DIR_INGRESS), iter);
		}
		flat_release(&f);
		irfx_release(&x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flat_stage_runs_and_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flat_match_all_closes_stage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flat_programs_shared_by_content, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_flat_origins_distinct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flat_names_from_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flat_dispatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flat_peer_without_ip, setup, teardown),
		cmocka_unit_test(test_flat_property_random_tiers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
