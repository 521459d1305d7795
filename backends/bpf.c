/*
 * bpf.c - the BPF backend: map seeds for the reference tc datapath.
 *
 * The seed is `maps.json`: the map entries of bpf/layout.h, one per line,
 * in a text form the loader (`netpolc bpf attach`) reads and a reviewer
 * can diff.  Program ids and the generation bit are as in layout.h; the
 * classes and port prefixes come from ir/classes.c, so this file only
 * spells them.  Maps are checked against the capacities of layout.h (half
 * of each, as two generations live in the maps during an update) before
 * anything is written.
 *
 *     { "format": "netpolc-bpf-seed", "version": 1, "mode": "node",
 *       "host": [0, 0],                 host mode: ingress, egress program
 *       "sizes": { map: entries, ... },
 *       "programs": [ { "id", "dir", "classes", "rules" } ],
 *       "endpoints": [ { "addr", "prog": [ingress, egress] } ],   node mode
 *       "classes": [ { "prog", "prefix", "class" } ],
 *       "verdicts": [ { "prog", "class", "proto", "port", "len", "allow" } ] }
 */
#include "backends/bpf.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "bpf/layout.h"
#include "ir/classes.h"
#include "ir/flat.h"
#include "lib/util.h"

/* ---- map keys (bpf.h) ---- */

static void addr_bytes(const struct addr *a, uint8_t *out)
{
	int n = a->family == AF4 ? 4 : 16;
	for (int i = 0; i < n; i++)
		out[i] = (uint8_t)(a->v >> (8 * (n - 1 - i)));
}

uint32_t bpf_prog_gen(uint32_t prog, unsigned gen)
{
	return prog ? (prog | (gen ? NPC_GEN_BIT : 0)) : 0;
}

void bpf_key_ep(struct npc_ep_key *k, const struct addr *a, unsigned gen)
{
	memset(k, 0, sizeof(*k));
	k->gen = (uint8_t)gen;
	k->family = a->family;
	addr_bytes(a, k->addr);
}

void bpf_key_cls(struct npc_cls6_key *k, uint32_t prog, const struct prefix *px)
{
	memset(k, 0, sizeof(*k));
	k->prefixlen = 32u + px->len;
	k->be_prog = htonl(prog);
	addr_bytes(&px->a, k->addr);
}

void bpf_key_verdict(struct npc_verdict_key *k, uint32_t prog, uint32_t cls, uint8_t proto,
		     uint16_t port, unsigned len)
{
	memset(k, 0, sizeof(*k));
	k->prefixlen = NPC_VERDICT_FIXED_BITS + len;
	k->be_prog = htonl(prog);
	k->be_class = htonl(cls);
	k->proto = proto;
	k->be_port = htons(port);
}

/* ---- the seed ---- */

/* the IP protocol numbers of the verdict key, by protocol slot */
static const int slot_proto[NCLS_SLOT] = {
	[CLS_OTHER] = 0, [PROTO_TCP + 1] = 6, [PROTO_UDP + 1] = 17, [PROTO_SCTP + 1] = 132
};

static const char *const dir_text[NDIR] = { [DIR_INGRESS] = "ingress", [DIR_EGRESS] = "egress" };

struct bpf_sizes {
	size_t ep, cls4, cls6, verdict;
};

/*
 * Program ids (layout.h): 31 bits of the program's content hash, never 0
 * (not enforced), the next free value should two programs meet, taken in
 * the flat order (ingress, then egress, each by content).  An id depends
 * on its program alone, so a policy change renumbers only the programs it
 * changes, and the seed's diff stays small.
 */
struct prog_ids {
	uint32_t *v[NDIR]; /* by direction and program index */
};

void bpf_prog_ids(const uint64_t *h, size_t n, uint32_t *out)
{
	size_t cap = 16;
	uint32_t *used;

	while (cap < 2 * n)
		cap *= 2;
	used = xcalloc(cap, sizeof(*used)); /* open addressing; 0 is empty */
	for (size_t i = 0; i < n; i++) {
		uint32_t id = (uint32_t)(h[i] >> 33), k;
		for (;;) {
			id = id ? id : 1;
			for (k = id & (uint32_t)(cap - 1); used[k] && used[k] != id;
			     k = (k + 1) & (uint32_t)(cap - 1))
				;
			if (!used[k])
				break;
			id = (id + 1) & ~NPC_GEN_BIT;
		}
		used[k] = id;
		out[i] = id;
	}
	free(used);
}

static void prog_ids_build(struct prog_ids *ids, const struct flat *f)
{
	size_t n = f->nprogs[DIR_INGRESS] + f->nprogs[DIR_EGRESS], k = 0;
	uint64_t *h = xcalloc(n + 1, sizeof(*h));
	uint32_t *all = xcalloc(n + 1, sizeof(*all));

	for (int dir = 0; dir < NDIR; dir++)
		for (size_t i = 0; i < f->nprogs[dir]; i++)
			h[k++] = f->progs[dir][i].hash;
	bpf_prog_ids(h, n, all);
	k = 0;
	for (int dir = 0; dir < NDIR; dir++) {
		ids->v[dir] = xcalloc(f->nprogs[dir] + 1, sizeof(*ids->v[dir]));
		for (size_t i = 0; i < f->nprogs[dir]; i++)
			ids->v[dir][i] = all[k++];
	}
	free(h);
	free(all);
}

static void prog_ids_release(struct prog_ids *ids)
{
	for (int dir = 0; dir < NDIR; dir++)
		free(ids->v[dir]);
}

static unsigned prog_id(const struct prog_ids *ids, const struct flat_prog *p)
{
	return p ? ids->v[p->dir][p->index] : 0;
}

static void add_json_string(struct strbuf *out, const char *s)
{
	json_t *j = json_string(s);
	char *txt = json_dumps(j, JSON_ENCODE_ANY);
	strbuf_addstr(out, txt);
	free(txt);
	json_decref(j);
}

static void emit_program(struct strbuf *out, const struct prog_ids *ids, const struct flat_prog *p,
			 const struct flat_classes *c, bool first)
{
	struct strbuf sb = STRBUF_INIT;
	bool any = false;

	strbuf_addf(out, "%s\n  { \"id\": %u, \"dir\": \"%s\", \"classes\": %zu, \"rules\": [",
		    first ? "" : ",", prog_id(ids, p), dir_text[p->dir], c->n);
	for (size_t s = 0; s < p->nstages; s++)
		for (size_t r = 0; r < p->stages[s].nruns; r++)
			for (size_t o = 0; o < p->stages[s].runs[r].norigins; o++) {
				strbuf_reset(&sb);
				flat_origin_text(&sb, p->stages[s].runs[r].origins[o]);
				strbuf_addstr(out, any ? ", " : "");
				add_json_string(out, sb.buf);
				any = true;
			}
	strbuf_addstr(out, "] }");
	strbuf_release(&sb);
}

static void emit_classes(struct strbuf *out, unsigned id, const struct flat_classes *c,
			 struct bpf_sizes *n)
{
	char buf[ADDR_STRLEN];
	for (size_t k = 0; k < c->n; k++)
		for (size_t i = 0; i < c->v[k].npx; i++) {
			const struct prefix *px = &c->v[k].px[i];
			strbuf_addf(out,
				    "%s\n  { \"prog\": %u, \"prefix\": \"%s\", \"class\": %zu }",
				    n->cls4 + n->cls6 ? "," : "", id, prefix_format(px, buf), k);
			if (px->a.family == AF4)
				n->cls4++;
			else
				n->cls6++;
		}
}

static void emit_verdicts(struct strbuf *out, unsigned id, const struct flat_classes *c,
			  struct bpf_sizes *n)
{
	for (size_t k = 0; k < c->n; k++)
		for (int s = 0; s < NCLS_SLOT; s++)
			for (size_t i = 0; i < c->v[k].npe[s]; i++) {
				const struct port_prefix *e = &c->v[k].pe[s][i];
				strbuf_addf(out,
					    "%s\n  { \"prog\": %u, \"class\": %zu, \"proto\": %d, "
					    "\"port\": %u, \"len\": %u, \"allow\": %s }",
					    n->verdict ? "," : "", id, k, slot_proto[s], e->port,
					    e->len, e->allow ? "true" : "false");
				n->verdict++;
			}
}

static size_t emit_endpoints(struct strbuf *out, const struct flat *f, const struct prog_ids *ids)
{
	char buf[ADDR_STRLEN];
	size_t n = 0;
	for (size_t i = 0; !f->host_mode && i < f->ndisp; i++) {
		const struct flat_dispatch *x = &f->disp[i];
		unsigned in = prog_id(ids, flat_prog_of(f, x->ep, DIR_INGRESS));
		unsigned eg = prog_id(ids, flat_prog_of(f, x->ep, DIR_EGRESS));
		if (!in && !eg)
			continue;
		strbuf_addf(out, "%s\n  { \"addr\": \"%s\", \"prog\": [%u, %u] }", n ? "," : "",
			    addr_format(&x->a, buf), in, eg);
		n++;
	}
	return n;
}

static int check_size(struct diag *d, const char *map, size_t n, size_t max)
{
	struct loc l = loc_none("bpf");
	if (n <= max / 2)
		return 0;
	return diag_error(d, &l,
			  "map %s needs %zu entries, more than the %zu of one generation "
			  "(NPC_MAX_* in bpf/layout.h)",
			  map, n, max / 2);
}

/*
 * stats: the entries against the flat programs' own size: their address
 * elements (each a minimal prefix) and the minimal prefixes of their port
 * ranges, what a datapath matching element by element would hold.
 */
static void stats(const struct flat *f, size_t total, const struct bpf_sizes *n)
{
	size_t addrs = 0, ports = 0;
	for (int dir = 0; dir < NDIR; dir++)
		for (size_t i = 0; i < f->nprogs[dir]; i++)
			for (size_t s = 0; s < f->progs[dir][i].nstages; s++)
				for (size_t r = 0; r < f->progs[dir][i].stages[s].nruns; r++) {
					const struct flat_run *run =
						&f->progs[dir][i].stages[s].runs[r];
					for (int k = 0; k < NFK; k++)
						for (size_t e = 0; e < run->nel[k]; e++) {
							struct port_prefix tmp[32];
							const struct flat_elem *el = &run->el[k][e];
							if (flat_kind_family((enum flat_kind)k))
								addrs++;
							if (flat_kind_has_port((enum flat_kind)k))
								ports += port_range_prefixes(
									el->lo, el->hi, true, tmp);
						}
				}
	fprintf(stderr,
		"netpolc: bpf: %zu programs, npc_ep %zu, npc_cls4 %zu, npc_cls6 %zu, "
		"npc_verdict %zu entries; the flat programs: %zu address prefixes, %zu port "
		"prefixes\n",
		total, n->ep, n->cls4, n->cls6, n->verdict, addrs, ports);
}

int bpf_emit(const struct emit_ctx *ctx, struct emit_out *o, struct diag *d)
{
	const struct flat *f = ctx->flat;
	struct flat_classes *cls;
	struct strbuf progs = STRBUF_INIT, eps = STRBUF_INIT, cl = STRBUF_INIT, vd = STRBUF_INIT;
	struct bpf_sizes n = { 0 };
	struct prog_ids ids;
	size_t total = f->nprogs[DIR_INGRESS] + f->nprogs[DIR_EGRESS], k = 0;
	int rc = 0;

	prog_ids_build(&ids, f);
	cls = xcalloc(total ? total : 1, sizeof(*cls));
	for (int dir = 0; dir < NDIR; dir++)
		for (size_t i = 0; i < f->nprogs[dir]; i++, k++) {
			const struct flat_prog *p = &f->progs[dir][i];
			classes_build(&cls[k], p);
			emit_program(&progs, &ids, p, &cls[k], k == 0);
			emit_classes(&cl, prog_id(&ids, p), &cls[k], &n);
		}
	k = 0;
	for (int dir = 0; dir < NDIR; dir++)
		for (size_t i = 0; i < f->nprogs[dir]; i++, k++)
			emit_verdicts(&vd, prog_id(&ids, &f->progs[dir][i]), &cls[k], &n);
	n.ep = emit_endpoints(&eps, f, &ids);

	rc |= check_size(d, "npc_ep", n.ep, NPC_MAX_EP);
	rc |= check_size(d, "npc_cls4", n.cls4, NPC_MAX_CLS4);
	rc |= check_size(d, "npc_cls6", n.cls6, NPC_MAX_CLS6);
	rc |= check_size(d, "npc_verdict", n.verdict, NPC_MAX_VERDICT);
	if (!rc) {
		struct strbuf *out = emit_file(o, "maps.json");
		strbuf_addf(out,
			    "{\n\"format\": \"netpolc-bpf-seed\",\n\"version\": %d,\n"
			    "\"mode\": \"%s\",\n\"host\": [%u, %u],\n",
			    NPC_LAYOUT_VERSION, f->host_mode ? "host" : "node",
			    f->host_mode ? prog_id(&ids, flat_prog_of(f, 0, DIR_INGRESS)) : 0,
			    f->host_mode ? prog_id(&ids, flat_prog_of(f, 0, DIR_EGRESS)) : 0);
		strbuf_addf(out,
			    "\"sizes\": { \"npc_ep\": %zu, \"npc_cls4\": %zu, \"npc_cls6\": %zu, "
			    "\"npc_verdict\": %zu },\n",
			    n.ep, n.cls4, n.cls6, n.verdict);
		strbuf_addf(out, "\"programs\": [%s\n],\n", progs.buf ? progs.buf : "");
		strbuf_addf(out, "\"endpoints\": [%s\n],\n", eps.buf ? eps.buf : "");
		strbuf_addf(out, "\"classes\": [%s\n],\n", cl.buf ? cl.buf : "");
		strbuf_addf(out, "\"verdicts\": [%s\n]\n}\n", vd.buf ? vd.buf : "");
	}
	if (ctx->stats)
		stats(f, total, &n);
	for (k = 0; k < total; k++)
		classes_release(&cls[k]);
	free(cls);
	prog_ids_release(&ids);
	strbuf_release(&progs);
	strbuf_release(&eps);
	strbuf_release(&cl);
	strbuf_release(&vd);
	return rc ? -1 : 0;
}
