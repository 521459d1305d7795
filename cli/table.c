/*
 * table.c - "netpolc table": the verdict of every pod to every pod, and
 * between the pods and the external addresses the policies name, on one
 * or several ports.
 *
 * Verdicts are computed once per pair of peer classes (ir/conns.h: pods
 * with equal programs, podsets and address sets; external address classes
 * cut by the rules' address sets), so the cost grows with classes, not
 * with pods squared.  The JSON pod matrix is still evaluated pod by pod,
 * as before: tests compare the two (tests/check-pictures.sh).
 *
 * Peers shown in text and pictures: pods grouped by namespace; the pods of
 * a workload that behave alike (equal rows and columns on every port
 * shown) as one peer; external classes that behave alike as one peer,
 * named by their addresses.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/picture.h"
#include "cli/review.h"
#include "ir/eval.h"
#include "ir/review.h"
#include "ir/select.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"
#include "lib/util.h"

/* at most this many ports in one table: a cell's verdicts are a bit mask */
#define TABLE_MAXPORTS 32

enum table_fmt { TABLE_TEXT, TABLE_JSON, TABLE_SVG, TABLE_HTML };

struct table_port {
	int proto;
	uint16_t port;
};

/* A row and column of the text and pictures. */
struct table_peer {
	const char *group; /* the namespace, or NULL: external */
	const char *name;
	const char *members; /* the pods or addresses it stands for */
	size_t cls;	     /* one of its classes (pod class, or pc.n + external class) */
	struct addrset nets; /* external: its addresses */
};

struct table {
	const struct model *m;
	struct arena *arena;
	struct review r; /* the classes, and their eval peers */
	struct conns_ext *ext;
	size_t next, k; /* external classes; every class */
	uint32_t *v;	/* k * k: bit p set when port p is allowed from class a to b */
	size_t *beh;	/* per class: its behaviour (equal rows and columns) */
	struct table_port *ports;
	size_t nports;
	int family;
	struct table_peer *peers;
	size_t npeers, apeers, npodpeers;
	struct eval_peer *pods; /* by pod index, for the JSON pod matrix */
	size_t *row;		/* the pods shown: all but folded template pods */
	size_t n;
	struct strbuf out;
	int rc;
};

static void flush(struct table *t, bool last)
{
	if (!t->rc)
		t->rc = cli_flush(&t->out, last);
}

static bool is_ext(const struct table *t, size_t c)
{
	return c >= t->r.pc.n;
}

/*
 * verdicts: t->v, every pair of classes on every port (none between two
 * external ones; with pods false, only those with one external: the JSON
 * evaluates its pod matrix pod by pod).
 */
static void verdicts(struct table *t, bool pods)
{
	t->v = xcalloc(t->k * t->k + 1, sizeof(*t->v));
	for (size_t a = 0; a < t->k; a++) {
		struct eval_peer src, dst;
		review_peer(&t->r, a, &src);
		for (size_t b = 0; b < t->k; b++) {
			struct eval_result res;
			if (is_ext(t, a) == is_ext(t, b) && (is_ext(t, a) || !pods))
				continue;
			review_peer(&t->r, b, &dst);
			for (size_t p = 0; p < t->nports; p++)
				if (eval_conn(&src, &dst, t->ports[p].proto, t->ports[p].port,
					      &res))
					t->v[a * t->k + b] |= 1u << p;
		}
	}
}

/* alike: classes a and b have equal rows and columns. */
static bool alike(const struct table *t, size_t a, size_t b)
{
	for (size_t c = 0; c < t->k; c++)
		if (t->v[a * t->k + c] != t->v[b * t->k + c] ||
		    t->v[c * t->k + a] != t->v[c * t->k + b])
			return false;
	return true;
}

/*
 * behaviours: t->beh, equal for two classes with equal rows and columns:
 * classes are hashed by both, and a class takes the behaviour of the
 * first earlier one of its hash that is alike (memory linear in classes).
 */
static void behaviours(struct table *t)
{
	struct strmap map = STRMAP_INIT;
	size_t *next = xcalloc(t->k + 1, sizeof(*next)); /* the previous class of equal hash */
	t->beh = xcalloc(t->k + 1, sizeof(*t->beh));
	for (size_t a = 0; a < t->k; a++) {
		uint64_t h = 1469598103934665603u; /* FNV-1a over the row and the column */
		struct strmap_slot *s;
		size_t c;
		for (size_t b = 0; b < t->k; b++) {
			h = (h ^ t->v[a * t->k + b]) * 1099511628211u;
			h = (h ^ t->v[b * t->k + a]) * 1099511628211u;
		}
		s = strmap_slot(&map, (const char *)&h, sizeof(h));
		if (!s->key)
			s->key = arena_memdup(t->arena, &h, sizeof(h));
		next[a] = s->value ? (size_t)(uintptr_t)s->value - 1 : SIZE_MAX;
		s->value = (void *)(uintptr_t)(a + 1);
		t->beh[a] = a;
		for (c = next[a]; c != SIZE_MAX; c = next[c]) {
			if (alike(t, a, c)) {
				t->beh[a] = t->beh[c];
				break;
			}
		}
	}
	strmap_release(&map);
	free(next);
}

static const char *unit_name(const struct pod *p)
{
	return p->workload ? p->workload->name : p->name;
}

static int cmp_pod(const void *a, const void *b)
{
	const struct pod *x = *(const struct pod *const *)a, *y = *(const struct pod *const *)b;
	int c = strcmp(x->ns, y->ns);
	if (!c)
		c = strcmp(unit_name(x), unit_name(y));
	if (!c && x->workload != y->workload) /* two kinds of workload of one name */
		c = !x->workload			      ? -1
		    : !y->workload			      ? 1
		    : x->workload->index < y->workload->index ? -1
							      : 1;
	return c ? c : strcmp(x->name, y->name);
}

static void add_peer(struct table *t, const char *group, const char *name, const char *members,
		     size_t cls)
{
	struct table_peer p = { group, name, members, cls, ADDRSET_INIT };
	VEC_PUSH(t->peers, t->npeers, t->apeers, p);
}

/* pod_peers: a peer per workload whose pods behave alike, else per pod; by namespace. */
static void pod_peers(struct table *t)
{
	const struct pod **v = xcalloc(t->n + 1, sizeof(*v));
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < t->n; i++)
		v[i] = t->m->pods[t->row[i]];
	xqsort(v, t->n, sizeof(*v), cmp_pod);
	for (size_t i = 0, j; i < t->n; i = j) {
		bool alike = true;
		size_t c = t->r.pc.of[v[i]->index];
		for (j = i + 1; j < t->n && !strcmp(v[j]->ns, v[i]->ns) && v[i]->workload &&
				v[j]->workload == v[i]->workload;
		     j++)
			alike = alike && t->beh[t->r.pc.of[v[j]->index]] == t->beh[c];
		if (v[i]->workload && alike) {
			strbuf_reset(&sb);
			for (size_t k = i; k < j; k++)
				strbuf_addf(&sb, "%s%s/%s", k > i ? " " : "", v[k]->ns, v[k]->name);
			add_peer(t, v[i]->ns,
				 arena_printf(t->arena, "%s (%zu pod%s)", v[i]->workload->name,
					      j - i, j - i > 1 ? "s" : ""),
				 arena_strndup(t->arena, sb.buf, sb.len), c);
			continue;
		}
		for (size_t k = i; k < j; k++)
			add_peer(t, v[k]->ns,
				 v[k]->workload_kind
					 ? arena_printf(t->arena, "%s (template)", v[k]->name)
					 : v[k]->name,
				 arena_printf(t->arena, "%s/%s", v[k]->ns, v[k]->name),
				 t->r.pc.of[v[k]->index]);
	}
	t->npodpeers = t->npeers;
	strbuf_release(&sb);
	free(v);
}

/* ext_peers: a peer per behaviour of the external classes, in address order. */
static void ext_peers(struct table *t)
{
	size_t first = t->npeers;
	for (size_t e = 0; e < t->next; e++) {
		size_t c = t->r.pc.n + e, i = first;
		while (i < t->npeers && t->beh[t->peers[i].cls] != t->beh[c])
			i++;
		if (i == t->npeers)
			add_peer(t, NULL, NULL, NULL, c);
		addrset_add_set(&t->peers[i].nets, &t->ext[e].nets);
	}
	for (size_t i = first; i < t->npeers; i++) {
		struct strbuf sb = STRBUF_INIT;
		addrset_normalize(&t->peers[i].nets);
		t->peers[i].name = review_describe(t->arena, &t->peers[i].nets, t->family);
		review_prefixes(&t->peers[i].nets, " ", &sb);
		t->peers[i].members = arena_strndup(t->arena, sb.buf, sb.len);
		strbuf_release(&sb);
	}
}

static uint32_t cell(const struct table *t, size_t i, size_t j)
{
	return t->v[t->peers[i].cls * t->k + t->peers[j].cls];
}

static bool both_ext(const struct table *t, size_t i, size_t j)
{
	return !t->peers[i].group && !t->peers[j].group;
}

static void port_name(const struct table_port *p, struct strbuf *out)
{
	strbuf_addf(out, "%s/%u", proto_name(p->proto), p->port);
}

/* json_cell: true/false, or an array of them (one per port) for several ports. */
static void json_cell(struct table *t, uint32_t v)
{
	if (t->nports == 1) {
		strbuf_addstr(&t->out, v & 1 ? "true" : "false");
		return;
	}
	strbuf_addch(&t->out, '[');
	for (size_t p = 0; p < t->nports; p++)
		strbuf_addstr(&t->out,
			      v >> p & 1 ? (p ? ",true" : "true") : (p ? ",false" : "false"));
	strbuf_addch(&t->out, ']');
}

/* pod_cell: the verdicts from shown pod i to shown pod j, pod by pod (not by class). */
static uint32_t pod_cell(const struct table *t, size_t i, size_t j)
{
	struct eval_result res;
	uint32_t v = 0;
	for (size_t p = 0; p < t->nports; p++)
		if (eval_conn(&t->pods[t->row[i]], &t->pods[t->row[j]], t->ports[p].proto,
			      t->ports[p].port, &res))
			v |= 1u << p;
	return v;
}

/*
 * write_json: for one port the shape of earlier versions (protocol, port,
 * family, pods, allowed), which tests/e2e reads; every cell an array of
 * verdicts when there are several ports; external peers before the pods.
 */
static void write_json(struct table *t)
{
	size_t n = t->n;
	strbuf_addch(&t->out, '{');
	if (t->nports == 1)
		strbuf_addf(&t->out, "\"protocol\":\"%s\",\"port\":%u,",
			    proto_name(t->ports[0].proto), t->ports[0].port);
	strbuf_addf(&t->out, "\"family\":%d,\"ports\":[", t->family);
	for (size_t p = 0; p < t->nports; p++)
		strbuf_addf(&t->out, "%s{\"protocol\":\"%s\",\"port\":%u}", p ? "," : "",
			    proto_name(t->ports[p].proto), t->ports[p].port);
	strbuf_addstr(&t->out, "],\"external\":[");
	for (size_t e = t->npodpeers; e < t->npeers; e++) {
		const struct table_peer *x = &t->peers[e];
		strbuf_addstr(&t->out,
			      e > t->npodpeers ? ",{\"addresses\":[\"" : "{\"addresses\":[\"");
		review_prefixes(&x->nets, "\",\"", &t->out);
		strbuf_addstr(&t->out, "\"],\"from\":[");
		for (size_t j = 0; j < n; j++) {
			strbuf_addstr(&t->out, j ? "," : "");
			json_cell(t, t->v[x->cls * t->k + t->r.pc.of[t->row[j]]]);
		}
		strbuf_addstr(&t->out, "],\"to\":[");
		for (size_t j = 0; j < n; j++) {
			strbuf_addstr(&t->out, j ? "," : "");
			json_cell(t, t->v[t->r.pc.of[t->row[j]] * t->k + x->cls]);
		}
		strbuf_addstr(&t->out, "]}");
		flush(t, false);
	}
	strbuf_addstr(&t->out, "],\"pods\":[");
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(&t->out, "%s\"%s/%s\"", i ? "," : "", t->m->pods[t->row[i]]->ns,
			    t->m->pods[t->row[i]]->name);
		flush(t, false);
	}
	strbuf_addstr(&t->out, "],\"allowed\":[");
	for (size_t i = 0; i < n && !t->rc; i++) {
		strbuf_addstr(&t->out, i ? ",[" : "[");
		for (size_t j = 0; j < n; j++) {
			strbuf_addstr(&t->out, j ? "," : "");
			json_cell(t, pod_cell(t, i, j));
		}
		strbuf_addch(&t->out, ']');
		flush(t, false);
	}
	strbuf_addstr(&t->out, "]}\n");
}

static size_t digits(size_t n)
{
	size_t d = 1;
	for (; n >= 10; n /= 10)
		d++;
	return d;
}

static bool new_group(const struct table *t, size_t i)
{
	const char *a = i ? t->peers[i - 1].group : NULL, *b = t->peers[i].group;
	return i && (!a != !b || (a && strcmp(a, b)));
}

/* group_name: the group of p: its namespace, or what stands for a host's or an address's. */
static const char *group_name(const struct table_peer *p, const char *host, const char *ext)
{
	return !p->group ? ext : *p->group ? p->group : host;
}

static void write_legend(struct table *t)
{
	for (size_t p = 0; p < t->nports; p++) {
		port_name(&t->ports[p], &t->out);
		strbuf_addch(&t->out, ' ');
	}
	strbuf_addf(&t->out,
		    "over IPv%d: rows are sources, columns destinations\n"
		    "%s: X allowed, . denied (x: a peer to itself); blank: two external "
		    "addresses\n"
		    "a workload whose pods behave alike is one peer\n",
		    t->family, t->nports > 1 ? "a mark per port, in that order" : "a cell");
	for (size_t i = 0; i < t->npeers; i++) {
		const struct table_peer *p = &t->peers[i];
		if (!i || new_group(t, i))
			strbuf_addf(&t->out, "\n%s%s\n", p->group && *p->group ? "namespace " : "",
				    group_name(p, "host endpoints", "external addresses"));
		strbuf_addf(&t->out, "%*zu  %s\n", (int)digits(t->npeers) + 2, i + 1, p->name);
		flush(t, false);
	}
}

/* write_text: the legend, then the matrix, a '|' and a line between groups. */
static void write_text(struct table *t)
{
	size_t kw = digits(t->npeers), w = (t->nports > kw ? t->nports : kw) + 1;
	struct strbuf line = STRBUF_INIT;
	write_legend(t);
	strbuf_addf(&t->out, "\n%*s", (int)kw + 1, "");
	for (size_t j = 0; j < t->npeers; j++)
		strbuf_addf(&t->out, "%s%*zu", new_group(t, j) ? " |" : "", (int)w, j + 1);
	strbuf_addch(&t->out, '\n');
	for (size_t i = 0; i < t->npeers && !t->rc; i++) {
		if (new_group(t, i)) {
			strbuf_reset(&line);
			for (size_t k = 0; k < kw + 1; k++)
				strbuf_addch(&line, '-');
			for (size_t j = 0; j < t->npeers; j++) {
				if (new_group(t, j))
					strbuf_addstr(&line, "-+");
				for (size_t k = 0; k < w; k++)
					strbuf_addch(&line, '-');
			}
			strbuf_addf(&t->out, "%s\n", line.buf);
		}
		strbuf_addf(&t->out, "%*zu", (int)kw + 1, i + 1);
		for (size_t j = 0; j < t->npeers; j++) {
			uint32_t v = cell(t, i, j);
			strbuf_addstr(&t->out, new_group(t, j) ? " |" : "");
			for (size_t k = t->nports; k < w; k++)
				strbuf_addch(&t->out, ' ');
			for (size_t p = 0; p < t->nports; p++)
				strbuf_addch(&t->out, both_ext(t, i, j) ? ' '
						      : v >> p & 1	? (i == j ? 'x' : 'X')
									: '.');
		}
		while (t->out.len && t->out.buf[t->out.len - 1] == ' ')
			t->out.buf[--t->out.len] = '\0'; /* blank cells of two external peers */
		strbuf_addch(&t->out, '\n');
		flush(t, false);
	}
	strbuf_release(&line);
}

/* pic_cell: a cell of the picture: a part per port, and why on each port. */
static void pic_cell(void *ctx, size_t i, size_t j, struct pic_cell *out)
{
	struct table *t = ctx;
	const struct table_peer *a = &t->peers[i], *b = &t->peers[j];
	uint32_t v = cell(t, i, j);
	struct eval_peer src, dst;
	strbuf_addf(&out->title, "%s%s%s -> %s%s%s", a->group ? a->group : "", a->group ? "/" : "",
		    a->name, b->group ? b->group : "", b->group ? "/" : "", b->name);
	if (both_ext(t, i, j)) {
		strbuf_addstr(&out->title, ": between two external addresses, not enforced here");
		return;
	}
	review_peer(&t->r, a->cls, &src);
	review_peer(&t->r, b->cls, &dst);
	for (size_t p = 0; p < t->nports; p++) {
		struct eval_result res;
		out->part[p] = v >> p & 1 ? PIC_ALLOW : PIC_DENY;
		eval_conn(&src, &dst, t->ports[p].proto, t->ports[p].port, &res);
		strbuf_addch(&out->title, '\n');
		port_name(&t->ports[p], &out->title);
		strbuf_addstr(&out->title, ": ");
		review_verdict(&res, &out->title);
	}
}

static void write_picture(struct table *t, bool html)
{
	struct strbuf title = STRBUF_INIT, parts = STRBUF_INIT;
	static const struct pic_legend legend[] = {
		{ PIC_ALLOW, "allowed" },
		{ PIC_DENY, "denied" },
		{ PIC_NONE, "between two external addresses: not enforced" },
	};
	struct pic_peer *pp = xcalloc(t->npeers + 1, sizeof(*pp));
	struct picture pic = { 0 };
	for (size_t i = 0; i < t->npeers; i++) {
		pp[i].group = group_name(&t->peers[i], "host endpoints", "external");
		pp[i].name = t->peers[i].name;
		pp[i].members = t->peers[i].members;
	}
	strbuf_addstr(&title, "netpolc table:");
	strbuf_addstr(&parts, t->nports > 1 ? "each cell, left to right:" : "port:");
	for (size_t p = 0; p < t->nports; p++) {
		strbuf_addch(&title, ' ');
		port_name(&t->ports[p], &title);
		strbuf_addch(&parts, ' ');
		port_name(&t->ports[p], &parts);
	}
	strbuf_addf(&title, " over IPv%d", t->family);
	pic.title = title.buf;
	pic.rows = pp;
	pic.nrows = t->npeers;
	pic.legend = legend;
	pic.nlegend = ARRAY_SIZE(legend);
	pic.nparts = t->nports;
	pic.part_names = parts.buf;
	pic.cell = pic_cell;
	pic.ctx = t;
	if (html)
		pic_html(&pic, &t->out);
	else
		pic_svg(&pic, &t->out);
	free(pp);
	strbuf_release(&title);
	strbuf_release(&parts);
}

/* options: the ports and the format; 0, or 2 after a usage error. */
static int options(const struct cli *c, struct table *t, enum table_fmt *fmt)
{
	static const char *const fmts[] = { "text", "json", "svg", "html" };
	if (!c->nports)
		return cli_usage_error(c, "table needs --port [PROTO/]PORT");
	if (c->nports > TABLE_MAXPORTS)
		return cli_usage_error(c, "table takes at most %d --port", TABLE_MAXPORTS);
	t->ports = xcalloc(c->nports, sizeof(*t->ports));
	for (size_t i = 0; i < c->nports; i++) {
		if (select_port(c->ports[i], &t->ports[t->nports].proto, &t->ports[t->nports].port))
			return cli_usage_error(
				c, "--port takes [tcp|udp|sctp/]PORT (1-65535), not '%s'",
				c->ports[i]);
		t->nports++;
	}
	*fmt = TABLE_TEXT;
	if (!c->output)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(fmts); i++)
		if (!strcmp(c->output, fmts[i])) {
			*fmt = (enum table_fmt)i;
			return 0;
		}
	return cli_usage_error(c, "table -o takes text, json, svg or html, not '%s'", c->output);
}

static void run(struct table *t, const struct ir *ir, enum table_fmt fmt)
{
	const struct ir *irs[1] = { ir };
	conns_ext_build(irs, 1, t->family, &t->ext, &t->next);
	review_init(&t->r, ir, t->family, REVIEW_BY_POD, t->ext, t->next, t->arena);
	t->k = t->r.pc.n + t->next;
	t->pods = xcalloc(t->m->npods + 1, sizeof(*t->pods));
	t->row = xcalloc(t->m->npods + 1, sizeof(*t->row));
	for (size_t i = 0; i < t->m->npods; i++) {
		eval_peer_pod(&t->pods[i], t->m->pods[i], &ir->eps[i], t->family);
		if (!t->m->pods[i]->folded)
			t->row[t->n++] = i;
	}
	verdicts(t, fmt != TABLE_JSON);
	behaviours(t);
	pod_peers(t);
	ext_peers(t);
	strbuf_init(&t->out);
	if (fmt == TABLE_JSON)
		write_json(t);
	else if (fmt == TABLE_TEXT)
		write_text(t);
	else
		write_picture(t, fmt == TABLE_HTML);
	flush(t, true);
	strbuf_release(&t->out);
	for (size_t i = 0; i < t->npeers; i++)
		addrset_release(&t->peers[i].nets);
	free(t->peers);
	free(t->pods);
	free(t->row);
	free(t->v);
	free(t->beh);
	review_release(&t->r);
	conns_ext_release(t->ext, t->next);
}

int cmd_table(struct cli *c)
{
	struct compilation comp;
	struct table t = { 0 };
	enum table_fmt fmt;
	int rc = options(c, &t, &fmt);

	if (rc) {
		free(t.ports);
		return rc;
	}
	compilation_init(&comp, &c->wopts);
	rc = cli_node(c, &comp);
	if (!rc) /* the grouping pass: pods of one group are one class (ir/conns.h) */
		rc = compilation_passes(&comp, NULL, NULL);
	rc = compilation_finish(&comp, rc);
	if (!rc) {
		t.m = &comp.model;
		t.arena = &comp.arena;
		t.family = c->family ? c->family : AF4;
		run(&t, &comp.ir, fmt);
		rc = t.rc;
	}
	free(t.ports);
	compilation_release(&comp);
	return rc;
}
