/*
 * fuzz_pipeline.c - libFuzzer target: the whole pipeline on each input.
 *
 * The input is loaded as YAML (JSON when it starts with '{' or '[', as the
 * frontend decides), or as the policy language when its first byte is the
 * flag byte 0x01 (dropped).  A model that loads is then compiled three
 * times: node mode over every pod, host mode for one inventory pod
 * (--endpoint) and host mode for a synthetic host (--namespace, --labels,
 * --ip).  Each time it is resolved, linted (node mode), evaluated on a few
 * peers (the query evaluator against the symbolic one of list, which must
 * agree), run through the IR passes and the flat lowering, and written with
 * every backend, without and with its options, into memory.  Nothing is
 * written to files; diagnostics go to /dev/null.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "cli/driver.h"
#include "ir/conns.h"
#include "ir/eval.h"
#include "ir/lint.h"
#include "ir/select.h"
#include "lib/util.h"
#include "tests/fuzz/fuzz_load.h"

#define FLAG_DSL    0x01
#define MAX_PEERS   4
#define ENDPOINT_SZ 600

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* opt_value: the value round 1 gives option o (round 0 gives none). */
static const char *opt_value(const struct backend_opt *o)
{
	static const struct {
		const char *name, *value;
	} values[] = {
		{ "calico-name-prefix", "knp.default." },
		{ "table", "fuzz" },
		{ "chain-prefix", "FZ-" },
		{ "ipset", "fuzz.sets" },
	};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (!strcmp(o->name, values[i].name))
			return values[i].value;
	return o->arg ? NULL : ""; /* flags are given as "" */
}

/* emit_all: every backend the level of the compilation allows, without and with options. */
static void emit_all(struct compilation *c)
{
	for (const struct backend *be = backends; be->name; be++) {
		size_t nopts = 0;
		if (be->level == LEVEL_FLAT && !c->have_flat)
			continue;
		if (be->level == LEVEL_ENDPOINT && !c->have_ir)
			continue;
		while (be->opts && be->opts[nopts].name)
			nopts++;
		for (int round = 0; round < 2; round++) {
			const char *values[8] = { 0 };
			struct emit_out out = { 0 };
			struct emit_ctx ctx = { 0 };
			if (nopts >= sizeof(values) / sizeof(values[0]))
				abort();
			for (size_t i = 0; round && i < nopts; i++)
				values[i] = opt_value(&be->opts[i]);
			ctx.model = &c->model;
			ctx.ir = c->have_ir ? &c->ir : NULL;
			ctx.flat = c->have_flat ? &c->flat : NULL;
			ctx.cmdline = "fuzz";
			ctx.stats = false;
			ctx.backend = be;
			ctx.opt_values = values;
			be->emit(&ctx, &out, &c->diag);
			emit_out_release(&out);
		}
	}
}

/*
 * evaluate: query the verdicts between a few pods and an outside address,
 * and check them against the connection sets `list` computes.
 */
static void evaluate(struct compilation *c)
{
	static const struct {
		int proto;
		uint16_t port;
	} probes[] = { { PROTO_TCP, 80 }, { PROTO_UDP, 53 }, { PROTO_SCTP, 1 }, { -1, 0 } };
	struct eval_peer peers[MAX_PEERS + 1];
	size_t n = 0;

	for (size_t i = 0; i < c->model.npods && n < MAX_PEERS; i++)
		eval_peer_pod(&peers[n++], c->model.pods[i], &c->ir.eps[i], i % 2 ? AF6 : AF4);
	if (select_peer(&c->model, &c->ir, "10.0.0.1", "--from", NULL, &peers[n], &c->diag) == 0)
		n++;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			struct conns cs;
			conns_init(&cs);
			conns_between(&peers[i], &peers[j], &cs);
			for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++) {
				struct eval_result r;
				bool ok = eval_conn(&peers[i], &peers[j], probes[k].proto,
						    probes[k].port, &r);
				if (ok !=
				    connset_contains(&cs.all, probes[k].proto, probes[k].port))
					BUG("query and list disagree");
			}
			conns_release(&cs);
		}
}

/*
 * compile: one compilation of the input in the mode sel gives (NULL: node
 * mode); in node mode, *endpoint gets the name of a pod for host mode.
 */
static void compile(const char *name, const char *text, size_t len, const struct selection *sel,
		    char *endpoint)
{
	static FILE *devnull;
	struct compilation c;
	struct frontend_opts o;
	const char *why;
	static const struct diag_wopts wopts; /* every warning, none an error */

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	compilation_init(&c, &wopts);
	if (compilation_host(&c, sel, &why))
		goto out;
	fuzz_frontend_opts(&o);
	frontend_load_buffer(&c.arena, &c.diag, &o, name, text, len, &c.model);
	if (diag_has_errors(&c.diag) || compilation_finalize(&c))
		goto out;
	if (!sel && endpoint && c.model.npods) {
		const struct pod *p = c.model.pods[len % c.model.npods];
		snprintf(endpoint, ENDPOINT_SZ, "%s/%s", p->ns, p->name);
	}
	if (compilation_resolve(&c, sel, &why))
		goto out;
	if (!sel) {
		lint_run(&c.model, &c.ir, &c.diag);
		evaluate(&c);
	}
	if (compilation_passes(&c, devnull, NULL) || compilation_flat(&c))
		goto out;
	emit_all(&c);
out:
	if (devnull)
		diag_print(&c.diag, devnull);
	compilation_release(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *name = "fuzz.yaml";
	const char *text = (const char *)data;
	char endpoint[ENDPOINT_SZ] = "";
	const char *ips[] = { "10.0.0.1", "fd00::1" };
	struct selection host = { 0 };

	if (size && data[0] == FLAG_DSL) {
		name = "fuzz.np";
		text++;
		size--;
	}
	compile(name, text, size, NULL, endpoint);
	if (*endpoint) {
		host.endpoint = endpoint;
		compile(name, text, size, &host, NULL);
	}
	memset(&host, 0, sizeof(host));
	host.ns = "default";
	host.labels = "app=web,role=db";
	host.ips = ips;
	host.nips = 2;
	compile(name, text, size, &host, NULL);
	return 0;
}
