/*
 * test_build.c - the validated constructors (frontend/build.c), called
 * directly with plain values as every reader calls them, checked on the
 * objects they return and on the exact text and place of every message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontend/build.h"
#include "ir/names.h"
#include "tests/unit/testlib.h"

/* ---- values ---------------------------------------------------------- */

/* at: a point on line line, column col of the file "t.np". */
static struct loc at(unsigned line, unsigned col)
{
	struct loc l = { .file = "t.np", .line = line, .col = col };
	return l;
}

/* str: s (NUL-terminated) written at line:1. */
static struct build_str str(const char *s, unsigned line)
{
	struct build_str v = { s, strlen(s), at(line, 1) };
	return v;
}

/* num: v written at line:1. */
static struct build_num num(long long v, unsigned line)
{
	struct build_num n = { v, at(line, 1) };
	return n;
}

static struct build bld(struct tl_fx *f)
{
	struct build b = { .a = &f->a, .d = &f->d };
	return b;
}

/* expect: the queued diagnostics are exactly want (and the queue is emptied). */
static void expect(struct tl_fx *f, const char *want)
{
	assert_string_equal(tl_fx_diags(f), want);
}

/* ---- messages -------------------------------------------------------- */

static void test_quote_and_suggest(void **state)
{
	struct tl_fx *f = *state;
	static const char *const known[] = { "Ingress", "Egress", NULL };
	struct build b = bld(f);
	struct build_str s = str("ingres", 1);

	assert_string_equal(build_quote(&f->a, "a\nb\x7f", 4, 80), "'a\\x0ab\\x7f'");
	assert_string_equal(build_quote(&f->a, "abcdef", 6, 3), "'abc...'");
	/* a cut never splits a UTF-8 sequence */
	assert_string_equal(build_quote(&f->a, "a\xc3\xa9z", 4, 2), "'a...'");
	assert_string_equal(build_show(&b, "x\0y", 3), "'x\\x00y'");
	/* case is ignored; one edit at most for short names, two for longer */
	assert_string_equal(build_suggest("egres", 5, known), "Egress");
	assert_string_equal(build_suggest("INGRES", 6, known), "Ingress");
	assert_null(build_suggest("gre", 3, known));
	assert_null(build_suggest("0123456789012345678901234567890123", 34, known));
	assert_string_equal(build_suggest("Ingres", 6, known), "Ingress");
	assert_null(build_suggest("Both", 4, known));
	assert_int_equal(build_choice(&b, &s, known, "unknown type", "types", "Ingress or Egress"),
			 -1);
	s = str("Egress", 2);
	assert_int_equal(build_choice(&b, &s, known, "unknown type", "types", "Ingress or Egress"),
			 1);
	s = str("Both", 3);
	assert_int_equal(build_choice(&b, &s, known, "unknown type", "types", "Ingress or Egress"),
			 -1);
	expect(f, "t.np:1:1: error: unknown type 'ingres'; did you mean 'Ingress'? (types are "
		  "case-sensitive)\n"
		  "t.np:3:1: error: unknown type 'Both': must be Ingress or Egress\n");
}

/* ---- names and labels ------------------------------------------------ */

static void test_names(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct build_str ok = str("web-1", 1), bad = str("Web", 2), ns = str("a.b", 3);

	assert_ptr_equal(build_name(&b, "Pod", &ok, valid_dns_subdomain), ok.s);
	assert_null(build_name(&b, "Pod", &bad, valid_dns_subdomain));
	assert_null(build_name(&b, "namespace", &ns, valid_dns_label));
	/* Calico policy names: a tier before the name, converted Kubernetes policies */
	ok = str("security.allow-dns", 4);
	assert_non_null(build_name(&b, "NetworkPolicy", &ok, valid_calico_policy_name));
	ok = str("knp.default.allow-dns", 4);
	assert_non_null(build_name(&b, "NetworkPolicy", &ok, valid_calico_policy_name));
	assert_null(build_name(&b, "GlobalNetworkPolicy", &ok, valid_calico_global_policy_name));
	expect(f,
	       "t.np:2:1: error: invalid Pod name 'Web': must consist of lowercase letters "
	       "(a-z), digits (0-9), '-' and '.', and start and end with a letter or digit\n"
	       "t.np:3:1: error: invalid namespace name 'a.b': must consist of lowercase letters "
	       "(a-z), digits (0-9) and '-', and start and end with a letter or digit\n"
	       "t.np:4:1: error: invalid GlobalNetworkPolicy name 'knp.default.allow-dns': a "
	       "policy name is a DNS label, optionally preceded by its tier and '.'\n");
}

static void test_labels(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct label l = { 0 };
	struct build_str k = str("example.com/app", 1), v = str("web", 1);
	struct build_str badk = str("a/b/c", 2), badv = str("-web", 3), empty = str("", 4);

	assert_true(build_label(&b, &k, &v, &l));
	assert_string_equal(l.key, "example.com/app");
	assert_string_equal(l.value, "web");
	assert_int_equal(l.loc.line, 1);
	assert_true(build_label(&b, &k, &empty, &l));
	assert_string_equal(l.value, "");
	/* a bad key hides the value: one message */
	assert_false(build_label(&b, &badk, &badv, &l));
	assert_false(build_label(&b, &k, &badv, &l));
	assert_false(build_label_key(&b, &empty));
	assert_true(build_label_key(&b, &k));
	expect(f,
	       "t.np:2:1: error: invalid label key 'a/b/c': may contain at most one '/' (an "
	       "optional DNS subdomain prefix, '/', and a name, e.g. 'example.com/my-name')\n"
	       "t.np:3:1: error: invalid value '-web' of label 'example.com/app': must be empty or "
	       "consist of letters, digits, '-', '_' or '.', and start and end with a letter or "
	       "digit\n"
	       "t.np:4:1: error: invalid label key '': must not be empty\n");
}

static void test_namespace_label(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct loc name_loc = at(1, 7);
	struct label two[3] = { { "team", "a", at(2, 3) }, { "zone", "x", at(3, 3) } };
	struct label wrong[1] = { { LABEL_NS_NAME, "other", at(4, 3) } };
	struct namespace ns = { .name = "prod", .labels = { two, 2 } };

	build_namespace_label(&b, &ns, &name_loc);
	assert_int_equal(ns.labels.n, 3);
	assert_string_equal(ns.labels.v[0].key, LABEL_NS_NAME);
	assert_string_equal(ns.labels.v[0].value, "prod");
	assert_int_equal(ns.labels.v[0].loc.col, 7);
	assert_string_equal(ns.labels.v[2].key, "zone");
	/* present and equal: left as it is */
	build_namespace_label(&b, &ns, &name_loc);
	assert_int_equal(ns.labels.n, 3);
	ns.labels.v = wrong;
	ns.labels.n = 1;
	build_namespace_label(&b, &ns, &name_loc);
	assert_int_equal(ns.labels.n, 1);
	expect(f, "t.np:4:3: error: label kubernetes.io/metadata.name must equal the namespace "
		  "name 'prod' (the API server sets it), not 'other'\n");
}

/* ---- selectors ------------------------------------------------------- */

static void test_requirement(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct build_str key = str("tier", 1), in = str("In", 2), exists = str("Exists", 2);
	struct build_str vals[3] = { str("a", 3), str("b c", 4), str("", 5) };
	struct loc vloc = at(3, 3);
	struct build_req r = { .loc = at(1, 3), .key = &key, .op = &in };
	struct sel_req out;

	r.values = vals;
	r.nvalues = 1;
	r.values_loc = &vloc;
	assert_true(build_requirement(&b, &r, &out));
	assert_string_equal(out.key, "tier");
	assert_int_equal(out.op, SEL_IN);
	assert_int_equal(out.nvalues, 1);
	assert_string_equal(out.values[0], "a");
	expect(f, "");

	/* a bad value is reported and kept (the requirement is wrong anyway) */
	r.nvalues = 3;
	assert_false(build_requirement(&b, &r, &out));
	assert_int_equal(out.nvalues, 3);
	expect(f, "t.np:4:1: error: invalid label value 'b c': must be empty or consist of "
		  "letters, digits, '-', '_' or '.', and start and end with a letter or digit\n");

	/* In needs values: at 'values' when written, else at the requirement */
	r.nvalues = 0;
	assert_false(build_requirement(&b, &r, &out));
	r.values_loc = NULL;
	assert_false(build_requirement(&b, &r, &out));
	expect(f, "t.np:1:3: error: operator In needs a non-empty 'values' list\n"
		  "t.np:3:3: error: operator In needs a non-empty 'values' list\n");

	/* an unreadable item still counts as written */
	vals[0].s = NULL;
	r.values_loc = &vloc;
	r.nvalues = 1;
	assert_true(build_requirement(&b, &r, &out));
	assert_int_equal(out.nvalues, 0);
	r.op = &exists;
	assert_false(build_requirement(&b, &r, &out));
	expect(f, "t.np:3:3: error: operator Exists takes no values; remove 'values'\n");

	/* unreadable values: no count check */
	r.values_unread = true;
	assert_false(build_requirement(&b, &r, &out));
	expect(f, "");

	/* operator and key */
	r.values_unread = false;
	r.nvalues = 0;
	in = str("notin", 2);
	key = str("-x", 1);
	r.op = &in;
	assert_false(build_requirement(&b, &r, &out));
	in = str("Contains", 2);
	r.key = NULL;
	assert_false(build_requirement(&b, &r, &out));
	r.op = NULL;
	assert_false(build_requirement(&b, &r, &out));
	expect(f,
	       "t.np:1:1: error: invalid label key '-x': must consist of letters, digits, "
	       "'-', '_' or '.', and start and end with a letter or digit\n"
	       "t.np:2:1: error: unknown selector operator 'notin'; did you mean 'NotIn'? "
	       "(operators are case-sensitive)\n"
	       "t.np:2:1: error: unknown selector operator 'Contains': must be In, NotIn, Exists "
	       "or DoesNotExist\n");
}

static void test_selector(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct label l = { "app", "web", at(2, 1) };
	struct labelset ls = { &l, 1 };
	struct sel_req req = { .key = "tier", .op = SEL_EXISTS };
	struct loc loc = at(1, 1);
	struct selector *s = build_selector(&b, &loc, &ls, &req, 1);

	assert_int_equal(s->nlabels, 1);
	assert_int_equal(s->nexprs, 1);
	assert_null(s->expr);
	s = build_selector(&b, &loc, NULL, NULL, 0);
	assert_true(selector_is_empty(s));
	expect(f, "");
}

/* ---- ports ----------------------------------------------------------- */

static void test_protocol(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct build_str s = str("SCTP", 1);
	struct build_str nul = { "tcp\0", 4, at(4, 1) };
	struct build_port in = { .loc = at(1, 1), .protocol = &s };
	struct port p;

	assert_true(build_port(&b, &in, &p));
	assert_int_equal(p.proto, PROTO_SCTP);
	s = str("udp", 2);
	assert_false(build_port(&b, &in, &p));
	/* explicit, though unusable: TCP stands in */
	assert_true(p.proto_explicit);
	assert_int_equal(p.proto, PROTO_TCP);
	s = str("ICMP", 3);
	assert_false(build_port(&b, &in, &p));
	in.protocol = &nul;
	assert_false(build_port(&b, &in, &p));
	expect(f, "t.np:2:1: error: unsupported protocol 'udp': must be TCP, UDP or SCTP (upper "
		  "case)\n"
		  "t.np:3:1: error: unsupported protocol 'ICMP': must be TCP, UDP or SCTP\n"
		  "t.np:4:1: error: unsupported protocol 'tcp\\x00': must be TCP, UDP or SCTP\n");
}

static void test_port(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct build_num n80 = num(80, 2), n90 = num(90, 3), n0 = num(0, 2), big = num(70000, 3);
	struct build_str udp = str("UDP", 1), http = str("http", 2), digits = str("8080", 2);
	struct build_str upper = str("Http", 2);
	struct build_port in = { .loc = at(1, 3) };
	struct port p;

	/* no port: every port of TCP */
	assert_true(build_port(&b, &in, &p));
	assert_int_equal(p.proto, PROTO_TCP);
	assert_false(p.proto_explicit);
	assert_false(p.has_port);
	in.protocol = &udp;
	in.number = &n80;
	in.end_port = &n90;
	assert_true(build_port(&b, &in, &p));
	assert_int_equal(p.proto, PROTO_UDP);
	assert_true(p.proto_explicit);
	assert_int_equal(p.port, 80);
	assert_int_equal(p.end_port, 90);
	assert_int_equal(p.loc.col, 3);
	in.protocol = NULL;
	in.end_port = NULL;
	in.number = NULL;
	in.name = &http;
	assert_true(build_port(&b, &in, &p));
	assert_string_equal(p.name, "http");
	expect(f, "");

	in.number = &n0;
	in.name = NULL;
	assert_false(build_port(&b, &in, &p));
	in.number = &n90;
	in.end_port = &n80;
	assert_false(build_port(&b, &in, &p));
	in.end_port = &big;
	assert_false(build_port(&b, &in, &p));
	expect(f, "t.np:2:1: error: port 0 is out of range: must be between 1 and 65535\n"
		  "t.np:2:1: error: endPort 80 must be greater than or equal to port 90\n"
		  "t.np:3:1: error: endPort 70000 is out of range: must be between 1 and 65535\n");

	in.number = NULL;
	assert_false(build_port(&b, &in, &p));
	in.name = &http;
	assert_false(build_port(&b, &in, &p));
	in.end_port = NULL;
	in.name = &digits;
	assert_false(build_port(&b, &in, &p));
	in.name = &upper;
	assert_false(build_port(&b, &in, &p));
	expect(f, "t.np:2:1: error: invalid port name '8080': must contain at least one letter "
		  "(a-z); for port number 8080 write it without quotes\n"
		  "t.np:2:1: error: invalid port name 'Http': must contain only lowercase letters "
		  "(a-z), digits (0-9) and '-'\n"
		  "t.np:3:1: error: endPort needs a numeric 'port' (the start of the range)\n"
		  "t.np:3:1: error: endPort cannot be used with a named port ('http'); give 'port' "
		  "as a number\n");
}

static void test_container_port(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct loc loc = at(1, 5);
	struct build_num n = num(8443, 2), bad = num(65536, 2);
	struct build_str name = str("https", 3), digits = str("8443", 3), none = str("", 3);
	struct build_str sctp = str("SCTP", 4), tcp = str("tcp", 4);
	struct named_port np;

	assert_true(build_container_port(&b, &loc, &n, &name, &sctp, &np));
	assert_int_equal(np.port, 8443);
	assert_string_equal(np.name, "https");
	assert_int_equal(np.proto, PROTO_SCTP);
	assert_int_equal(np.loc.col, 5);
	assert_true(build_container_port(&b, &loc, &n, &none, NULL, &np));
	assert_null(np.name);
	assert_int_equal(np.proto, PROTO_TCP);
	/* a missing number is the reader's to report */
	assert_true(build_container_port(&b, &loc, NULL, NULL, NULL, &np));
	assert_int_equal(np.port, 0);
	assert_false(build_container_port(&b, &loc, &bad, &digits, &tcp, &np));
	assert_null(np.name);
	expect(f, "t.np:2:1: error: containerPort 65536 is out of range: must be between 1 and "
		  "65535\n"
		  "t.np:3:1: error: invalid port name '8443': must contain at least one letter "
		  "(a-z)\n"
		  "t.np:4:1: error: unsupported protocol 'tcp': must be TCP, UDP or SCTP (upper "
		  "case)\n");
}

static void test_unique_port_names(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct build_str names[4] = { str("metrics", 4), str("http", 2), str("metrics", 1),
				      str("metrics", 3) };

	build_unique_port_names(&b, names, 2);
	expect(f, "");
	build_unique_port_names(&b, names, 4);
	expect(f, "t.np:3:1: error: duplicate port name 'metrics' in one container\n"
		  "t.np:1:1: note: first used here\n"
		  "t.np:4:1: error: duplicate port name 'metrics' in one container\n"
		  "t.np:3:1: note: first used here\n");
}

/* ---- addresses ------------------------------------------------------- */

static void test_ipblock(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct loc loc = at(1, 5), key = at(1, 1);
	struct build_str cidr = str("10.0.0.0/8", 2);
	struct build_str ex[2] = { str("10.1.0.0/16", 3), str("10.2.0.0/16", 4) };
	const struct ipblock *ib;
	char buf[ADDR_STRLEN];

	ib = build_ipblock(&b, &loc, &key, &cidr, ex, 2);
	assert_non_null(ib);
	assert_int_equal(ib->loc.col, 5);
	assert_string_equal(prefix_format(&ib->cidr, buf), "10.0.0.0/8");
	assert_string_equal(ib->cidr_text, "10.0.0.0/8");
	assert_int_equal(ib->nexcept, 2);
	assert_string_equal(prefix_format(&ib->except[1], buf), "10.2.0.0/16");
	assert_int_equal(ib->except_loc[1].line, 4);
	assert_non_null(build_ipblock(&b, &loc, &key, &cidr, NULL, 0));
	expect(f, "");

	/* host bits: a warning, the network is used */
	cidr = str("10.0.0.1/8", 2);
	ib = build_ipblock(&b, &loc, &key, &cidr, NULL, 0);
	assert_non_null(ib);
	assert_string_equal(prefix_format(&ib->cidr, buf), "10.0.0.0/8");
	expect(f, "t.np:2:1: warning: cidr '10.0.0.1/8' has host bits set; it is read as "
		  "10.0.0.0/8 [-Whost-bits]\n");

	assert_null(build_ipblock(&b, &loc, &key, NULL, NULL, 0));
	cidr = str("", 2);
	assert_null(build_ipblock(&b, &loc, &key, &cidr, NULL, 0));
	cidr = str("10.0.0.1", 3);
	assert_null(build_ipblock(&b, &loc, &key, &cidr, NULL, 0));
	cidr = str("fd00::1", 4);
	assert_null(build_ipblock(&b, &loc, &key, &cidr, NULL, 0));
	expect(f, "t.np:1:1: error: ipBlock has no 'cidr'\n"
		  "t.np:2:1: error: invalid cidr '': must be a CIDR such as 10.0.0.0/8\n"
		  "t.np:3:1: error: invalid cidr '10.0.0.1': the prefix length is missing (for "
		  "this one address write 10.0.0.1/32)\n"
		  "t.np:4:1: error: invalid cidr 'fd00::1': the prefix length is missing (for this "
		  "one address write fd00::1/128)\n");

	/* every except strictly inside the cidr, of its family */
	cidr = str("10.0.0.0/8", 2);
	ex[0] = str("fd00::/8", 3);
	ex[1] = str("11.0.0.0/16", 4);
	assert_null(build_ipblock(&b, &loc, &key, &cidr, ex, 2));
	ex[0] = str("10.0.0.0/8", 3);
	ex[1] = str("10.0.0.0/7", 4);
	assert_null(build_ipblock(&b, &loc, &key, &cidr, ex, 2));
	expect(f, "t.np:3:1: error: except 'fd00::/8' is IPv6 but cidr '10.0.0.0/8' is IPv4\n"
		  "t.np:3:1: error: except '10.0.0.0/8' covers all of cidr '10.0.0.0/8'; an except "
		  "must be strictly inside it (a prefix longer than /8)\n"
		  "t.np:4:1: error: except '11.0.0.0/16' is not inside cidr '10.0.0.0/8'\n"
		  "t.np:4:1: error: except '10.0.0.0/7' covers all of cidr '10.0.0.0/8'; an except "
		  "must be strictly inside it (a prefix longer than /8)\n");

	/* unreadable values (reported by the reader) are skipped */
	cidr.s = NULL;
	ex[0].s = NULL;
	ex[1] = str("x", 4);
	assert_null(build_ipblock(&b, &loc, &key, &cidr, ex, 2));
	ex[1].s = NULL;
	ib = build_ipblock(&b, &loc, &key, &cidr, ex, 2);
	assert_non_null(ib);
	assert_int_equal(ib->nexcept, 0);
	expect(f, "t.np:4:1: error: invalid except 'x': not an IP address\n");
}

static void test_pod_ip(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct addr ips[2];
	struct pod p = { .ips = ips };
	struct build_str v4 = str("10.0.0.1", 1), v6 = str("fd00::1", 2), v4b = str("10.0.0.2", 3);
	struct build_str bad = str("10.0.0.0/8", 4);

	assert_true(build_pod_ip(&b, &p, &v4));
	assert_true(build_pod_ip(&b, &p, &v6));
	assert_true(build_pod_ip(&b, &p, &v4)); /* the same again */
	assert_int_equal(p.nips, 2);
	assert_false(build_pod_ip(&b, &p, &v4b));
	assert_false(build_pod_ip(&b, &p, &bad));
	assert_int_equal(p.nips, 2);
	expect(f,
	       "t.np:3:1: error: pod IP '10.0.0.2' is a second IPv4 address (the pod has "
	       "10.0.0.1); a pod has at most one address per family\n"
	       "t.np:4:1: error: invalid pod IP '10.0.0.0/8': must be an IPv4 or IPv6 address\n");
}

/* ---- peers and policies ---------------------------------------------- */

static void test_peer(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct loc loc = at(1, 9), key = at(2, 11), sloc = at(3, 1);
	struct selector sel = { .loc = sloc };
	struct ipblock ib = { .loc = key };
	struct build_peer in = { .loc = loc, .pod_sel = &sel, .pod_sel_given = true };
	struct peer p;

	assert_true(build_peer(&b, DIR_INGRESS, &in, &p));
	assert_ptr_equal(p.pod_sel, &sel);
	assert_null(p.ns_sel);
	in.ns_sel = &sel;
	in.ns_sel_given = true;
	assert_true(build_peer(&b, DIR_EGRESS, &in, &p));
	assert_ptr_equal(p.ns_sel, &sel);
	in = (struct build_peer){ .loc = loc, .ipblock = &ib, .ipblock_loc = &key };
	assert_true(build_peer(&b, DIR_EGRESS, &in, &p));
	assert_ptr_equal(p.ipblock, &ib);
	expect(f, "");

	/* a selector given but unreadable still counts as set */
	in.ns_sel_given = true;
	assert_false(build_peer(&b, DIR_INGRESS, &in, &p));
	in = (struct build_peer){ .loc = loc };
	assert_false(build_peer(&b, DIR_INGRESS, &in, &p));
	loc.line = 5;
	in.loc = loc;
	assert_false(build_peer(&b, DIR_EGRESS, &in, &p));
	expect(f, "t.np:1:9: error: empty peer: set podSelector, namespaceSelector or ipBlock (to "
		  "match every source, leave out 'from')\n"
		  "t.np:2:11: error: ipBlock cannot be combined with podSelector or "
		  "namespaceSelector in one peer; make them separate list items\n"
		  "t.np:5:9: error: empty peer: set podSelector, namespaceSelector or ipBlock (to "
		  "match every destination, leave out 'to')\n");
}

static void test_policy_types(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct loc loc = at(1, 3);
	struct build_str t[3] = { str("Egress", 2), str("Egress", 3), str("ingress", 4) };
	struct policy p = { 0 };

	assert_false(build_policy_types(&b, &p, &loc, t, 0));
	assert_true(build_policy_types(&b, &p, &loc, t, 1));
	assert_false(p.types[DIR_INGRESS]);
	assert_true(p.types[DIR_EGRESS]);
	expect(f, "");
	memset(&p, 0, sizeof(p));
	assert_true(build_policy_types(&b, &p, &loc, t, 3));
	expect(f, "t.np:1:3: error: policyTypes may list at most two types (Ingress, Egress)\n"
		  "t.np:3:1: warning: policyType 'Egress' is listed twice [-Wduplicate-type]\n"
		  "t.np:4:1: error: unsupported policyType 'ingress'; did you mean 'Ingress'? "
		  "(policyTypes are case-sensitive)\n");
	/* only unreadable or unknown items: no type named */
	memset(&p, 0, sizeof(p));
	t[0].s = NULL;
	t[1] = str("Both", 3);
	assert_false(build_policy_types(&b, &p, &loc, t, 2));
	expect(f, "t.np:3:1: error: unsupported policyType 'Both': must be Ingress or Egress\n");
}

static void test_policy_defaults(void **state)
{
	struct tl_fx *f = *state;
	struct policy p = { 0 };

	(void)f;
	build_policy_defaults(&p);
	assert_true(p.types[DIR_INGRESS]);
	assert_false(p.types[DIR_EGRESS]);
	p.nrules[DIR_EGRESS] = 1;
	build_policy_defaults(&p);
	assert_true(p.types[DIR_EGRESS]);
	/* explicit types are kept */
	memset(&p, 0, sizeof(p));
	p.types_explicit = true;
	p.types[DIR_EGRESS] = true;
	build_policy_defaults(&p);
	assert_false(p.types[DIR_INGRESS]);
	assert_true(p.types[DIR_EGRESS]);
}

/* ---- Calico ---------------------------------------------------------- */

static void test_unsupported(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct loc loc = at(1, 1);

	build_unsupported(&b, &loc, "%s is not supported", "http");
	b.skip_unsupported = true;
	build_unsupported(&b, &loc, "%s is not supported", "icmp");
	expect(f, "t.np:1:1: error: http is not supported\n");
}

static void test_calico_protocol(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct build_num n17 = num(17, 1), n1 = num(1, 2), n0 = num(0, 3);
	struct build_str s132 = str("132", 4), tcp = str("TCP", 5), big = str("99999", 6);
	struct build_str icmp = str("ICMPv6", 7), lower = str("sctp", 8), other = str("GRE", 9);
	enum proto p = NPROTO;

	assert_true(build_calico_protocol(&b, &n17, NULL, &p));
	assert_int_equal(p, PROTO_UDP);
	assert_true(build_calico_protocol(&b, NULL, &s132, &p));
	assert_int_equal(p, PROTO_SCTP);
	assert_true(build_calico_protocol(&b, NULL, &tcp, &p));
	assert_int_equal(p, PROTO_TCP);
	expect(f, "");
	assert_false(build_calico_protocol(&b, &n1, NULL, &p));
	assert_false(build_calico_protocol(&b, &n0, NULL, &p));
	assert_false(build_calico_protocol(&b, NULL, &big, &p));
	assert_false(build_calico_protocol(&b, NULL, &icmp, &p));
	assert_false(build_calico_protocol(&b, NULL, &lower, &p));
	assert_false(build_calico_protocol(&b, NULL, &other, &p));
	expect(f, "t.np:2:1: error: protocol 1 is not supported: netpolc models TCP (6), UDP (17) "
		  "and SCTP (132)\n"
		  "t.np:3:1: error: protocol 0 is invalid: a protocol number is 1-255\n"
		  "t.np:6:1: error: protocol 256 is invalid: a protocol number is 1-255\n"
		  "t.np:7:1: error: protocol ICMPv6 is not supported: netpolc models TCP, UDP and "
		  "SCTP\n"
		  "t.np:8:1: error: invalid protocol 'sctp': Calico's protocol names are "
		  "case-sensitive; write SCTP\n"
		  "t.np:9:1: error: invalid protocol 'GRE': must be TCP, UDP, ICMP, ICMPv6, SCTP, "
		  "UDPLite or a number 1-255\n");
	/* in a Log rule what cannot be modelled is no error */
	b.skip_unsupported = true;
	assert_false(build_calico_protocol(&b, NULL, &icmp, &p));
	expect(f, "");
}

static void test_calico_port(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct build_num n = num(443, 1), bad = num(65536, 2);
	struct build_str range = str("8000:8080", 3), one = str("53", 4),
			 name = str("my_Port.1", 5);
	struct build_str back = str("90:80", 6), zero = str("0:10", 7), junk = str("a b", 8);
	struct port p;

	assert_true(build_calico_port(&b, &n, NULL, &p));
	assert_true(p.has_port);
	assert_int_equal(p.port, 443);
	assert_int_equal(p.end_port, 0);
	assert_true(build_calico_port(&b, NULL, &range, &p));
	assert_int_equal(p.port, 8000);
	assert_int_equal(p.end_port, 8080);
	assert_int_equal(p.loc.line, 3);
	assert_true(build_calico_port(&b, NULL, &one, &p));
	assert_int_equal(p.port, 53);
	assert_int_equal(p.end_port, 0);
	assert_true(build_calico_port(&b, NULL, &name, &p));
	assert_string_equal(p.name, "my_Port.1");
	expect(f, "");
	assert_false(build_calico_port(&b, &bad, NULL, &p));
	assert_false(build_calico_port(&b, NULL, &back, &p));
	assert_false(build_calico_port(&b, NULL, &zero, &p));
	assert_false(build_calico_port(&b, NULL, &junk, &p));
	expect(f,
	       "t.np:2:1: error: port 65536 is invalid: must be 1-65535\n"
	       "t.np:6:1: error: port range '90:80' is invalid: the first port is greater than "
	       "the last\n"
	       "t.np:7:1: error: port '0:10' is invalid: port numbers are 1-65535\n"
	       "t.np:8:1: error: invalid port 'a b': must be a number, a range \"a:b\" or a port "
	       "name (1-128 of letters, digits, '_', '.' and '-')\n");
}

static void test_hep_port(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct named_port ports[4];
	struct pod hep = { .ports = ports };
	struct loc loc = at(1, 5);
	struct build_str web = str("web", 2), bad = str("a b", 2), tcp = str("TCP", 3);
	struct build_str unread = { NULL, 0, at(3, 1) };
	struct build_num n6 = num(6, 3), n80 = num(80, 4), n0 = num(0, 4);

	assert_true(build_hep_port(&b, &hep, &loc, &web, NULL, &tcp, &n80));
	assert_int_equal(hep.nports, 1);
	assert_string_equal(ports[0].name, "web");
	assert_int_equal(ports[0].proto, PROTO_TCP);
	assert_int_equal(ports[0].port, 80);
	assert_int_equal(ports[0].loc.col, 5);
	expect(f, "");
	/* the same name and protocol again: reported, and kept */
	assert_true(build_hep_port(&b, &hep, &loc, &web, &n6, NULL, &n80));
	assert_int_equal(hep.nports, 2);
	assert_false(build_hep_port(&b, &hep, &loc, &bad, NULL, &tcp, &n80));
	assert_false(build_hep_port(&b, &hep, &loc, &web, NULL, &tcp, &n0));
	assert_false(build_hep_port(&b, &hep, &loc, &web, NULL, &unread, &n80));
	assert_int_equal(hep.nports, 2);
	expect(f, "t.np:2:1: error: duplicate TCP port name 'web'\n"
		  "t.np:2:1: error: invalid port name 'a b'\n"
		  "t.np:4:1: error: port: expected a number 1-65535\n");
}

static void test_hep_labels_and_ips(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct label l[3] = { { "pcns.team", "a", at(1, 3) },
			      { "projectcalico.org/namespace", "x", at(2, 3) },
			      { "role", "db", at(3, 3) } };
	struct addr ips[3];
	struct pod hep = { .labels = { l, 3 }, .ips = ips };
	struct build_str a = str("10.0.0.1", 4), a6 = str("fd00::1", 5), bad = str("10.0.0.0/8", 6);

	build_hep_labels(&b, &hep);
	assert_true(build_hep_ip(&b, &hep, &a));
	assert_true(build_hep_ip(&b, &hep, &a6));
	assert_true(build_hep_ip(&b, &hep, &a)); /* the same again */
	assert_int_equal(hep.nips, 2);
	assert_false(build_hep_ip(&b, &hep, &bad));
	expect(f, "t.np:1:3: error: label 'pcns.team' on a HostEndpoint is not supported: Calico "
		  "reads it as namespace data\n"
		  "t.np:2:3: error: label 'projectcalico.org/namespace' on a HostEndpoint is not "
		  "supported: Calico reads it as namespace data\n"
		  "t.np:6:1: error: invalid expectedIPs entry '10.0.0.0/8': not an IP address\n");
}

static void test_calico_nets(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct build_family fam = { 0 };
	struct build_str a = str("10.0.0.0/8", 1), host = str("10.1.2.3", 2),
			 v6 = str("fd00::/8", 3);
	struct build_str mapped = str("::ffff:10.0.0.0/104", 4), all = str("0.0.0.0/0", 5);
	struct build_str junk = str("10.0.0.0/", 6);
	struct build_num v4 = num(4, 7), v5 = num(5, 8), v6n = num(6, 9);
	struct prefix p;
	char buf[ADDR_STRLEN];

	assert_true(build_calico_net(&b, &a, "nets", false, &fam, &p));
	assert_int_equal(fam.family, AF4);
	assert_true(build_calico_net(&b, &host, "notNets", true, &fam, &p));
	assert_string_equal(prefix_format(&p, buf), "10.1.2.3/32");
	assert_true(build_calico_net(&b, &all, "nets", false, &fam, &p));
	assert_int_equal(build_calico_ip_version(&b, &v4), 4);
	assert_true(build_calico_family(&b, 4, &fam));
	assert_true(build_calico_family(&b, 0, &fam));
	expect(f, "");
	assert_false(build_calico_net(&b, &v6, "nets", false, &fam, &p));
	assert_false(build_calico_net(&b, &mapped, "nets", false, &fam, &p));
	assert_false(build_calico_net(&b, &all, "notNets", true, &fam, &p));
	assert_false(build_calico_net(&b, &junk, "nets", false, &fam, &p));
	assert_int_equal(build_calico_ip_version(&b, &v5), 0);
	assert_int_equal(build_calico_ip_version(&b, &v6n), 6);
	assert_false(build_calico_family(&b, 6, &fam));
	expect(f,
	       "t.np:3:1: error: nets entry 'fd00::/8' is IPv6, but this rule already has IPv4 "
	       "networks ('0.0.0.0/0'); a Calico rule holds one IP version\n"
	       "t.np:4:1: error: nets entry '::ffff:10.0.0.0/104' is an IPv4-mapped IPv6 "
	       "network, which Calico treats as IPv4; write the IPv4 network\n"
	       "t.np:5:1: error: notNets entry '0.0.0.0/0' matches every address: the rule could "
	       "never match\n"
	       "t.np:5:1: error: '0.0.0.0/0' is IPv4 but the rule has ipVersion 6\n"
	       "t.np:6:1: error: invalid nets entry '10.0.0.0/': missing prefix length\n"
	       "t.np:8:1: error: ipVersion must be 4 or 6\n");
}

static void test_calico_types(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct build_str t[4] = {
		str("Egress", 1), str("Egress", 2), str("ingress", 3), { NULL, 0, at(4, 1) }
	};
	struct policy p = { 0 };

	build_calico_types(&b, &p, t, 4, 0, 0);
	assert_true(p.types_explicit);
	assert_false(p.types[DIR_INGRESS]);
	assert_true(p.types[DIR_EGRESS]);
	expect(f, "t.np:2:1: error: type 'Egress' is listed more than once\n"
		  "t.np:3:1: error: unknown policy type 'ingress': must be Ingress or Egress "
		  "(case-sensitive)\n");
	/* defaulting from the rules written */
	memset(&p, 0, sizeof(p));
	build_calico_types(&b, &p, NULL, 0, 0, 0);
	assert_false(p.types_explicit);
	assert_true(p.types[DIR_INGRESS]);
	assert_false(p.types[DIR_EGRESS]);
	build_calico_types(&b, &p, NULL, 0, 0, 2);
	assert_false(p.types[DIR_INGRESS]);
	assert_true(p.types[DIR_EGRESS]);
	build_calico_types(&b, &p, NULL, 0, 1, 2);
	assert_true(p.types[DIR_INGRESS]);
	assert_true(p.types[DIR_EGRESS]);
	expect(f, "");
}

static void test_tier(void **state)
{
	struct tl_fx *f = *state;
	struct build b = bld(f);
	struct build_str pass = str("Pass", 2), deny = str("Deny", 2), log = str("Log", 3);
	struct tier t = { .loc = at(1, 9), .name = "security", .has_order = true, .order = 100 };

	assert_true(build_tier(&b, &t, &pass));
	assert_int_equal(t.default_action, ACT_PASS);
	assert_true(build_tier(&b, &t, NULL));
	assert_int_equal(t.default_action, ACT_DENY);
	assert_true(build_tier(&b, &t, &deny));
	assert_int_equal(t.default_action, ACT_DENY);
	/* Calico's own tiers get their order */
	t = (struct tier){ .loc = at(1, 9), .name = "kube-admin" };
	assert_true(build_tier(&b, &t, &pass));
	assert_true(t.has_order);
	assert_true(t.order == 1000.0);
	expect(f, "");
	assert_false(build_tier(&b, &t, &log));
	t = (struct tier){ .loc = at(5, 9), .name = "default", .has_order = true, .order = 5 };
	assert_false(build_tier(&b, &t, NULL));
	expect(f,
	       "t.np:1:9: error: tier 'kube-admin' must have order 1000 and defaultAction Pass\n"
	       "t.np:3:1: error: defaultAction must be Deny or Pass, not 'Log'\n"
	       "t.np:5:9: error: tier 'default' must have order 1000000 and defaultAction Deny\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, tl_fx_setup, tl_fx_teardown)
		T(test_quote_and_suggest),
		T(test_names),
		T(test_labels),
		T(test_namespace_label),
		T(test_requirement),
		T(test_selector),
		T(test_protocol),
		T(test_port),
		T(test_container_port),
		T(test_unique_port_names),
		T(test_ipblock),
		T(test_pod_ip),
		T(test_peer),
		T(test_policy_types),
		T(test_policy_defaults),
		T(test_unsupported),
		T(test_calico_protocol),
		T(test_calico_port),
		T(test_hep_port),
		T(test_hep_labels_and_ips),
		T(test_calico_nets),
		T(test_calico_types),
		T(test_tier),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
