/*
 * test_select.c - ports, label lists, peers and the synthetic host endpoint
 * as the command line names them (ir/select.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ir/select.h"
#include "tests/unit/testlib.h"

static void test_select_port(void **state)
{
	static const char *const bad[] = { "0",	  "65536", "tcp/", "/80",    "x/80",	   "+80",
					   " 80", "80x",   "",	   "tcp/-1", "protocol/80" };
	int proto;
	uint16_t port;
	(void)state;
	assert_int_equal(select_port("80", &proto, &port), 0);
	assert_int_equal(proto, PROTO_TCP);
	assert_int_equal(port, 80);
	assert_int_equal(select_port("udp/53", &proto, &port), 0);
	assert_int_equal(proto, PROTO_UDP);
	assert_int_equal(port, 53);
	assert_int_equal(select_port("SCTP/65535", &proto, &port), 0);
	assert_int_equal(proto, PROTO_SCTP);
	assert_int_equal(port, 65535);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(select_port(bad[i], &proto, &port), -1);
}

static void test_select_ports(void **state)
{
	static const char *const bad[] = { "80-79", "80-",	"-80",	    "80--90", "80-90x",
					   "0-80",  "80-65536", "tcp/80-0", "80 - 90" };
	int proto;
	uint16_t lo, hi, port;
	(void)state;
	assert_int_equal(select_ports("udp/1000-2000", &proto, &lo, &hi), 0);
	assert_int_equal(proto, PROTO_UDP);
	assert_int_equal(lo, 1000);
	assert_int_equal(hi, 2000);
	assert_int_equal(select_ports("22", &proto, &lo, &hi), 0);
	assert_int_equal(proto, PROTO_TCP);
	assert_int_equal(lo, 22);
	assert_int_equal(hi, 22);
	assert_int_equal(select_ports("tcp/80-80", &proto, &lo, &hi), 0);
	assert_int_equal(lo, 80);
	assert_int_equal(hi, 80);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(select_ports(bad[i], &proto, &lo, &hi), -1);
	/* a range is not a port */
	assert_int_equal(select_port("80-90", &proto, &port), -1);
}

static void test_select_port_named(void **state)
{
	static const char *const bad[] = { "-http", "http-", "a--b",   "HTTP",
					   "0",	    "tcp/",  "x/http", "abcdefghijklmnop" };
	const char *name;
	int proto;
	uint16_t port;
	(void)state;
	assert_int_equal(select_port_named("http", &proto, &port, &name), 0);
	assert_int_equal(proto, PROTO_TCP);
	assert_string_equal(name, "http");
	assert_int_equal(select_port_named("udp/dns-1", &proto, &port, &name), 0);
	assert_int_equal(proto, PROTO_UDP);
	assert_string_equal(name, "dns-1");
	assert_int_equal(select_port_named("8080", &proto, &port, &name), 0);
	assert_null(name);
	assert_int_equal(port, 8080);
	assert_int_equal(select_port("http", &proto, &port), -1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(select_port_named(bad[i], &proto, &port, &name), -1);
}

static void test_select_labels(void **state)
{
	struct arena a = ARENA_INIT;
	struct labelset ls;
	(void)state;
	assert_int_equal(select_labels(&a, "role=db,app=web,empty=", &ls), 0);
	assert_int_equal(ls.n, 3);
	assert_string_equal(ls.v[0].key, "app");
	assert_string_equal(ls.v[1].key, "empty");
	assert_string_equal(ls.v[1].value, "");
	assert_string_equal(labelset_get(&ls, "role"), "db");
	assert_int_equal(select_labels(&a, "a=1,a=2", &ls), -1);
	assert_int_equal(select_labels(&a, "=x", &ls), -1);
	assert_int_equal(select_labels(&a, "a", &ls), -1);
	arena_release(&a);
}

/*
 * pods: a/web and a/web2 share 10.0.0.1 (web2 on the host network); c/h1 and
 * c/h2, both on the host network, share 10.0.0.3 (two pod-network pods may
 * not share one: model_finalize refuses it)
 */
static const char pods[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: a}\n"
			   "status: {podIP: 10.0.0.1}\n"
			   "---\napiVersion: v1\nkind: Pod\nmetadata: {name: web2, namespace: a}\n"
			   "spec: {hostNetwork: true}\nstatus: {podIP: 10.0.0.1}\n"
			   "---\napiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: b}\n"
			   "status: {podIP: 10.0.0.2}\n"
			   "---\napiVersion: v1\nkind: Pod\nmetadata: {name: z, namespace: b}\n"
			   "status: {podIP: 10.0.0.5}\n"
			   "---\napiVersion: v1\nkind: Pod\nmetadata: {name: h1, namespace: c}\n"
			   "spec: {hostNetwork: true}\nstatus: {podIP: 10.0.0.3}\n"
			   "---\napiVersion: v1\nkind: Pod\nmetadata: {name: h2, namespace: c}\n"
			   "spec: {hostNetwork: true}\nstatus: {podIP: 10.0.0.3}\n"
			   "---\napiVersion: v1\nkind: Pod\nmetadata: {name: h3, namespace: c}\n"
			   "spec: {hostNetwork: true}\nstatus: {podIP: 10.0.0.4}\n";

static void test_select_peer(void **state)
{
	struct tl_ctx *c = tl_load(pods);
	struct eval_peer p;
	(void)state;

	/* a pod on the pod network wins over a host-network pod */
	assert_int_equal(select_peer(&c->model, &c->ir, "10.0.0.1", "--from", NULL, &p, &c->diag),
			 0);
	assert_string_equal(p.pod->name, "web");
	assert_ptr_equal(p.ep->pod, p.pod);
	assert_true(p.has_addr);
	/* a host-network pod alone stands for its address */
	assert_int_equal(select_peer(&c->model, &c->ir, "10.0.0.4", "--from", NULL, &p, &c->diag),
			 0);
	assert_string_equal(p.pod->name, "h3");
	/* an address nobody holds is external */
	assert_int_equal(select_peer(&c->model, &c->ir, "192.0.2.1", "--to", NULL, &p, &c->diag),
			 0);
	assert_null(p.pod);
	assert_null(p.ep);
	/* by name: the pod, no address yet */
	assert_int_equal(select_peer(&c->model, &c->ir, "b/z", "--to", NULL, &p, &c->diag), 0);
	assert_string_equal(p.pod->name, "z");
	assert_false(p.has_addr);
	assert_int_equal(tl_errors(c), 0);
	/* two host-network pods: alike (never isolated, never selected), the first stands */
	assert_int_equal(select_peer(&c->model, &c->ir, "10.0.0.3", "--from", NULL, &p, &c->diag),
			 0);
	assert_string_equal(p.pod->name, "h1");
	/* unknown pods are errors, malformed names usage errors */
	assert_int_equal(select_peer(&c->model, &c->ir, "b/nope", "--to", NULL, &p, &c->diag), 1);
	assert_int_equal(tl_diag_count(c, DIAG_ERROR, "--to b/nope: no such pod"), 1);
	assert_int_equal(select_peer(&c->model, &c->ir, "web", "--to", NULL, &p, &c->diag), -1);
	assert_int_equal(select_peer(&c->model, &c->ir, "a/", "--to", NULL, &p, &c->diag), -1);
	assert_int_equal(select_peer(&c->model, &c->ir, "a/b/c", "--to", NULL, &p, &c->diag), -1);
	assert_int_equal(tl_errors(c), 1);
	tl_release(c);
}

static void test_select_host(void **state)
{
	struct tl_ctx *c = tl_load(pods);
	const char *ips[] = { "10.9.0.1", "fd00::9" }, *bad[] = { "10.9.0.1", "10.9.0.0/24" };
	const char *why = NULL;
	struct pod *p;
	(void)state;

	p = select_host(&c->arena, "a", "role=db", ips, 2, &why);
	assert_non_null(p);
	assert_string_equal(p->name, "host");
	assert_string_equal(p->ns, "a");
	assert_true(p->cli_host);
	assert_int_equal(p->nips, 2);
	assert_string_equal(labelset_get(&p->labels, "role"), "db");
	assert_null(select_endpoint(&c->ir, p));
	assert_null(select_host(&c->arena, "a", NULL, bad, 2, &why));
	assert_string_equal(why, "--ip: '10.9.0.0/24' is not an IP address");
	assert_null(select_host(&c->arena, "a", "k=1,k=2", ips, 2, &why));
	assert_string_equal(why, "--labels takes K=V[,K=V...] with unique keys, not 'k=1,k=2'");
	tl_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select_port),	  cmocka_unit_test(test_select_ports),
		cmocka_unit_test(test_select_port_named), cmocka_unit_test(test_select_labels),
		cmocka_unit_test(test_select_peer),	  cmocka_unit_test(test_select_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
