/*
 * list.c - `netpolc list`: every allowed connection set between peers.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/review.h"
#include "ir/select.h"
#include "lib/util.h"

static int parse_fmt(const char *s)
{
	static const char *const names[] = {
		"text", "json", "csv", "markdown", "dot", "svg", "html"
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

int review_options(const struct cli *c, struct review_opts *o, bool list)
{
	int v;
	memset(o, 0, sizeof(*o));
	o->family = c->family ? c->family : AF4;
	o->by = REVIEW_BY_WORKLOAD;
	if (c->by) {
		if ((v = review_parse_by(c->by)) < 0)
			return cli_usage_error(c, "--by takes pod, workload or namespace, not '%s'",
					       c->by);
		o->by = (enum review_by)v;
	}
	if (c->output) {
		v = parse_fmt(c->output);
		if (v < 0 || (!list && (v == FMT_CSV || v == FMT_DOT)))
			return cli_usage_error(c, "%s -o takes %s, not '%s'", c->cmd->name,
					       list ? "text, json, csv, markdown, dot, svg or html"
						    : "text, json, markdown, svg or html",
					       c->output);
		o->fmt = (enum review_fmt)v;
	}
	o->explain = c->explain;
	o->exposure = c->exposure;
	o->from = c->from;
	o->to = c->to;
	if (c->nports > 1)
		return cli_usage_error(c, "%s takes one --port (table takes several)",
				       c->cmd->name);
	if (c->port) {
		if (select_port(c->port, &o->proto, &o->port))
			return cli_usage_error(
				c, "--port takes [tcp|udp|sctp/]PORT (1-65535), not '%s'", c->port);
		o->has_port = true;
	}
	return 0;
}

bool review_wanted(const struct review_group *g, const char *f)
{
	size_t n;
	if (!f || !strcmp(g->name, f))
		return true;
	n = strlen(f);
	return !g->external && !strchr(f, '/') && !strncmp(g->name, f, n) &&
	       (g->name[n] == '/' || !g->name[n]);
}

void review_json_str(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '"');
}

void review_explain(const struct conns *c, const char *indent, struct strbuf *out)
{
	for (size_t i = 0; c && i < c->n; i++) {
		strbuf_addf(out, "%s", indent);
		connset_format(&c->v[i].set, out);
		strbuf_addstr(out, ": ");
		review_origin(c->v[i].rule[DIR_EGRESS], DIR_EGRESS, out);
		strbuf_addstr(out, "; ");
		review_origin(c->v[i].rule[DIR_INGRESS], DIR_INGRESS, out);
		strbuf_addch(out, '\n');
	}
}

static void exposure(struct review *r, struct strbuf *out)
{
	strbuf_addstr(out, "exposure:\n");
	for (size_t j = 0; j < r->npodg; j++) {
		const struct review_group *g = &r->g[j];
		bool open = false;
		for (size_t k = 0; k < g->ncls && !open; k++) {
			const struct ir *ir = r->ir;
			size_t p = r->pc.rep[g->cls[k]];
			open = p < ir->neps && !ir->eps[p].dir[DIR_INGRESS].isolated;
		}
		if (open)
			strbuf_addf(out,
				    "  %s: %sselected by no ingress policy: open to every "
				    "pod and address\n",
				    g->name, g->ncls > 1 ? "some pods " : "");
		for (size_t i = r->npodg; i < r->ng; i++) {
			struct connset s;
			bool uniform;
			review_between(r, i, j, &s, &uniform, NULL);
			if (!connset_is_empty(&s) && !open) {
				strbuf_addf(out, "  %s: from external %s: ", g->name, r->g[i].name);
				connset_format(&s, out);
				strbuf_addch(out, '\n');
			}
			connset_release(&s);
		}
	}
}

/* rows_text: the connection sets of r in a text format (all but the pictures). */
static void rows_text(struct review *r, const struct review_opts *o, struct strbuf *out)
{
	size_t rows = 0;
	if (o->fmt == FMT_JSON)
		strbuf_addch(out, '[');
	else if (o->fmt == FMT_CSV)
		strbuf_addstr(out, "from,to,connections\n");
	else if (o->fmt == FMT_MARKDOWN)
		strbuf_addstr(out, "| From | To | Connections |\n|---|---|---|\n");
	else if (o->fmt == FMT_DOT)
		strbuf_addstr(out, "digraph connections {\n");
	for (size_t i = 0; i < r->ng; i++) {
		size_t *to, nto;
		if (!review_wanted(&r->g[i], o->from))
			continue;
		nto = review_targets(r, i, false, &to);
		for (size_t k = 0; k < nto; k++) {
			size_t j = to[k];
			struct connset s;
			const struct conns *first;
			bool uniform;
			if ((r->g[i].external && r->g[j].external) ||
			    !review_wanted(&r->g[j], o->to))
				continue;
			review_between(r, i, j, &s, &uniform, &first);
			if (connset_is_empty(&s) ||
			    (o->has_port && !connset_contains(&s, o->proto, o->port))) {
				connset_release(&s);
				continue;
			}
			switch (o->fmt) {
			case FMT_JSON:
				strbuf_addstr(out, rows ? ",\n{\"from\":" : "\n{\"from\":");
				review_json_str(out, r->g[i].name);
				strbuf_addstr(out, ",\"to\":");
				review_json_str(out, r->g[j].name);
				strbuf_addstr(out, ",\"connections\":");
				connset_json(&s, out);
				if (!uniform)
					strbuf_addstr(out, ",\"uniform\":false");
				strbuf_addch(out, '}');
				break;
			case FMT_CSV:
				strbuf_addf(out, "\"%s\",\"%s\",\"", r->g[i].name, r->g[j].name);
				connset_format(&s, out);
				strbuf_addstr(out, uniform ? "\"\n" : " (not every pod)\"\n");
				break;
			case FMT_MARKDOWN:
				strbuf_addf(out, "| `%s` | `%s` | ", r->g[i].name, r->g[j].name);
				connset_format(&s, out);
				strbuf_addstr(out, uniform ? " |\n" : " (not every pod) |\n");
				break;
			case FMT_DOT:
				strbuf_addf(out, "  \"%s\" -> \"%s\" [label=\"", r->g[i].name,
					    r->g[j].name);
				connset_format(&s, out);
				strbuf_addstr(out, "\"];\n");
				break;
			default:
				strbuf_addf(out, "%s -> %s: ", r->g[i].name, r->g[j].name);
				connset_format(&s, out);
				strbuf_addstr(out, uniform ? "\n" : " (not every pod)\n");
				if (o->explain)
					review_explain(first, "    ", out);
			}
			rows++;
			connset_release(&s);
		}
		free(to);
	}
	if (o->fmt == FMT_JSON)
		strbuf_addstr(out, rows ? "\n]\n" : "]\n");
	else if (o->fmt == FMT_DOT)
		strbuf_addstr(out, "}\n");
	if (o->exposure && o->fmt == FMT_TEXT)
		exposure(r, out);
}

int cli_list(const struct ir *ir, const struct review_opts *o, struct arena *a, struct strbuf *out)
{
	const struct ir *irs[1] = { ir };
	struct conns_ext *ext;
	size_t next;
	struct review r;

	conns_ext_build(irs, 1, o->family, &ext, &next);
	review_init(&r, ir, o->family, o->by, ext, next, a);
	if (o->fmt == FMT_SVG || o->fmt == FMT_HTML)
		review_list_picture(&r, o, out);
	else
		rows_text(&r, o, out);
	review_release(&r);
	conns_ext_release(ext, next);
	return 0;
}

int cmd_list(struct cli *c)
{
	struct compilation comp;
	struct review_opts o;
	struct strbuf out = STRBUF_INIT;
	int rc = review_options(c, &o, true);

	if (rc)
		return rc;
	compilation_init(&comp, &c->wopts);
	rc = cli_node(c, &comp);
	if (!rc)
		rc = compilation_passes(&comp, NULL, NULL);
	if (!rc)
		cli_list(&comp.ir, &o, &comp.arena, &out);
	rc = compilation_finish(&comp, rc);
	if (!rc)
		rc = cli_stdout(out.buf ? out.buf : "", out.len);
	strbuf_release(&out);
	compilation_release(&comp);
	return rc;
}
