/*
 * test_k8s_out.c - the k8s backend (backends/k8s.c): hostile text stays
 * inside its scalar, whatever the readers would have refused, and what a
 * NetworkPolicy cannot say is refused with nothing written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/backend.h"
#include "frontend/node.h"

static const char *const hostile[] = {
	"x\nkind: Evil", "a: b",   "- item", "#comment", "*alias", "&anchor",	  "!tag", "{a: b}",
	"[1, 2]",	 "yes",	   "null",   "~",	 "0x1f",   "1e3",	  "",	  " lead",
	"trail ",	 "q\"b\\", "---",    "...",	 "%YAML",  "caf\xc3\xa9",
};

/* emit: the k8s output of m with --inventory, both parts in one string (main first). */
static char *emit(const struct model *m, int want_rc)
{
	const char *values[] = { "inv.yaml" };
	struct emit_ctx ctx = { .model = m,
				.cmdline = "in.np\n# x",
				.backend = backend_find("k8s"),
				.opt_values = values };
	struct emit_out out = { 0 };
	struct strbuf all = STRBUF_INIT;
	struct diag d;

	diag_init(&d);
	assert_int_equal(k8s_emit(&ctx, &out, &d), want_rc);
	assert_int_equal(d.errors, want_rc ? 1 : 0);
	diag_release(&d);
	for (size_t i = 0; i < out.n; i++)
		strbuf_addstr(&all, out.v[i]->buf.buf);
	emit_out_release(&out);
	return strbuf_detach(&all, NULL);
}

static const struct node *get(const struct node *map, const char *key)
{
	assert_int_equal(map->kind, NODE_MAP);
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->pairs[i].key->str, key))
			return map->pairs[i].value;
	fail_msg("no key %s", key);
	return NULL;
}

static void assert_str(const struct node *n, const char *want)
{
	assert_int_equal(n->kind, NODE_STR);
	assert_string_equal(n->str, want);
}

/* Every hostile string as a name, namespace, label key and value, port name: read back as it. */
static void test_k8s_out_hostile_text(void **state)
{
	(void)state;
	for (size_t h = 0; h < sizeof(hostile) / sizeof(hostile[0]); h++) {
		const char *s = hostile[h];
		struct label l = { .key = s, .value = s };
		struct selector sel = { .match_labels = &l, .nlabels = 1 };
		struct port pt = { .proto = PROTO_TCP, .has_port = true, .name = s };
		struct rule r = { .ports = &pt, .nports = 1 };
		struct policy p = { .name = s, .ns = s, .pod_sel = &sel, .kind = "NetworkPolicy" };
		struct named_port np = { .name = s, .proto = PROTO_UDP, .port = 53 };
		struct pod pod = {
			.name = s, .ns = s, .labels = { &l, 1 }, .ports = &np, .nports = 1
		};
		struct policy *pp = &p;
		struct pod *podp = &pod;
		struct model m = { .policies = &pp, .npolicies = 1, .pods = &podp, .npods = 1 };
		struct arena a = { 0 };
		struct diag d;
		struct doc_list docs;
		const struct node *meta, *spec, *rule, *port, *pmeta, *c;
		char *text;

		p.rules[DIR_INGRESS] = &r;
		p.nrules[DIR_INGRESS] = 1;
		p.types[DIR_INGRESS] = true;
		text = emit(&m, 0);
		diag_init(&d);
		assert_int_equal(yaml_parse(&a, &d, NULL, "out.yaml", text, strlen(text), &docs),
				 0);
		assert_int_equal(d.errors, 0);
		/* one policy and one pod, nothing else: the header stayed a comment */
		assert_int_equal(docs.n, 2);
		assert_int_equal(docs.docs[0]->n, 4);
		assert_str(get(docs.docs[0], "kind"), "NetworkPolicy");
		meta = get(docs.docs[0], "metadata");
		assert_int_equal(meta->n, 2);
		assert_str(get(meta, "name"), s);
		assert_str(get(meta, "namespace"), s);
		spec = get(docs.docs[0], "spec");
		assert_int_equal(spec->n, 2);
		assert_str(get(get(get(spec, "podSelector"), "matchLabels"), s), s);
		rule = get(spec, "ingress");
		assert_int_equal(rule->n, 1);
		port = get(rule->items[0], "ports");
		assert_int_equal(port->n, 1);
		assert_str(get(port->items[0], "port"), s);
		assert_str(get(docs.docs[1], "kind"), "Pod");
		pmeta = get(docs.docs[1], "metadata");
		assert_int_equal(pmeta->n, 3);
		assert_str(get(pmeta, "name"), s);
		assert_str(get(get(pmeta, "labels"), s), s);
		c = get(get(docs.docs[1], "spec"), "containers");
		assert_int_equal(c->n, 1);
		assert_str(get(get(c->items[0], "ports")->items[0], "name"), s);
		diag_release(&d);
		arena_release(&a);
		free(text);
	}
}

/* A deny rule: refused, with one error. */
static void test_k8s_out_refuses(void **state)
{
	struct selector all = { 0 };
	struct rule r = { .action = ACT_DENY };
	struct policy p = { .name = "p", .ns = "n", .pod_sel = &all, .kind = "NetworkPolicy" };
	struct policy *pp = &p;
	struct model m = { .policies = &pp, .npolicies = 1 };
	char *text;

	(void)state;
	p.rules[DIR_INGRESS] = &r;
	p.nrules[DIR_INGRESS] = 1;
	p.types[DIR_INGRESS] = true;
	text = emit(&m, -1);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_k8s_out_hostile_text),
		cmocka_unit_test(test_k8s_out_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
