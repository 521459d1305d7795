/*
 * table.c - "netpolc table": the verdict of every pod to every pod on one
 * port.  Rows are computed and written one at a time, so memory stays
 * linear in the number of pods (20k pods: 400M cells, never held).
 */
#include <stdlib.h>

#include "cli/cli.h"
#include "ir/eval.h"
#include "lib/strbuf.h"
#include "lib/util.h"

struct table {
	const struct model *m;
	struct eval_peer *peers; /* by pod index */
	size_t *row;		 /* the pods shown: all but folded template pods */
	size_t n;
	int proto;
	uint16_t port;
	int family;
	struct strbuf out;
	int rc;
};

static void flush(struct table *t, bool last)
{
	if (!t->rc)
		t->rc = cli_flush(&t->out, last);
}

/* allowed: rows i and j (indexes into t->row) */
static bool allowed(const struct table *t, size_t i, size_t j)
{
	struct eval_result res;
	return eval_conn(&t->peers[t->row[i]], &t->peers[t->row[j]], t->proto, t->port, &res);
}

static void write_json(struct table *t)
{
	size_t n = t->n;
	strbuf_addf(&t->out, "{\"protocol\":\"%s\",\"port\":%u,\"family\":%d,\"pods\":[",
		    proto_name(t->proto), t->port, t->family);
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(&t->out, "%s\"%s/%s\"", i ? "," : "", t->m->pods[t->row[i]]->ns,
			    t->m->pods[t->row[i]]->name);
		flush(t, false);
	}
	strbuf_addstr(&t->out, "],\"allowed\":[");
	for (size_t i = 0; i < n && !t->rc; i++) {
		strbuf_addstr(&t->out, i ? ",[" : "[");
		for (size_t j = 0; j < n; j++)
			strbuf_addstr(&t->out, allowed(t, i, j) ? (j ? ",true" : "true")
								: (j ? ",false" : "false"));
		strbuf_addch(&t->out, ']');
		flush(t, false);
	}
	strbuf_addstr(&t->out, "]}\n");
}

static void write_text(struct table *t)
{
	size_t n = t->n;
	strbuf_addf(&t->out,
		    "%s/%u over IPv%d: rows are sources, columns destinations; "
		    "X allowed, . denied (the diagonal, a pod to itself, in lower case)\n\n",
		    proto_name(t->proto), t->port, t->family);
	for (size_t i = 0; i < n; i++) {
		const struct pod *p = t->m->pods[t->row[i]];
		strbuf_addf(&t->out, "%4zu  %s/%s%s\n", i, p->ns, p->name,
			    p->workload_kind ? " (template)" : "");
		flush(t, false);
	}
	strbuf_addstr(&t->out, "\n      ");
	for (size_t j = 0; j < n; j++)
		strbuf_addf(&t->out, "%3zu", j);
	strbuf_addch(&t->out, '\n');
	for (size_t i = 0; i < n && !t->rc; i++) {
		strbuf_addf(&t->out, "%4zu  ", i);
		for (size_t j = 0; j < n; j++)
			strbuf_addf(&t->out, "  %c", allowed(t, i, j) ? (i == j ? 'x' : 'X') : '.');
		strbuf_addch(&t->out, '\n');
		flush(t, false);
	}
}

int cmd_table(struct cli *c)
{
	struct compilation comp;
	struct table t = { 0 };
	bool json = false;
	int rc;

	rc = cli_port_format(c, &t.proto, &t.port, NULL, &json);
	if (rc)
		return rc;
	compilation_init(&comp, &c->wopts);
	rc = cli_node(c, &comp);
	rc = compilation_finish(&comp, rc);
	if (!rc) {
		t.m = &comp.model;
		t.family = c->family ? c->family : AF4;
		t.peers = xcalloc(t.m->npods + 1, sizeof(*t.peers));
		t.row = xcalloc(t.m->npods + 1, sizeof(*t.row));
		for (size_t i = 0; i < t.m->npods; i++) {
			eval_peer_pod(&t.peers[i], t.m->pods[i], &comp.ir.eps[i], t.family);
			if (!t.m->pods[i]->folded)
				t.row[t.n++] = i;
		}
		strbuf_init(&t.out);
		if (json)
			write_json(&t);
		else
			write_text(&t);
		flush(&t, true);
		rc = t.rc;
		strbuf_release(&t.out);
		free(t.peers);
		free(t.row);
	}
	compilation_release(&comp);
	return rc;
}
