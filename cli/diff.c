/*
 * diff.c - `netpolc diff`: the connections that change between two
 * versions of the policies, grouped as a reviewer reads them: changes
 * alike (same old set, same new set) to one destination are one line with
 * all their sources, and lines alike with the same sources are one line
 * with all their destinations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/review.h"
#include "frontend/frontend.h"
#include "lib/util.h"

struct change {
	const char *from, *to; /* names; joined lists after grouping */
	const char *old, *new; /* formatted sets */
	struct connset os, ns;
	size_t side_from[2], side_to[2]; /* group indices in old/new (SIZE_MAX: absent) */
};

static int cmp_by_to(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int c = strcmp(x->old, y->old);
	if (!c)
		c = strcmp(x->new, y->new);
	if (!c)
		c = strcmp(x->to, y->to);
	return c ? c : strcmp(x->from, y->from);
}

static int cmp_by_from(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int c = strcmp(x->old, y->old);
	if (!c)
		c = strcmp(x->new, y->new);
	if (!c)
		c = strcmp(x->from, y->from);
	return c ? c : strcmp(x->to, y->to);
}

static int cmp_out(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int c = strcmp(x->from, y->from);
	return c ? c : strcmp(x->to, y->to);
}

/* alike: x and y change the same way towards the same peer (to when on_to, else from). */
static bool alike(const struct change *x, const struct change *y, bool on_to)
{
	return !strcmp(x->old, y->old) && !strcmp(x->new, y->new) &&
	       !strcmp(on_to ? x->to : x->from, on_to ? y->to : y->from);
}

/*
 * merge: fold runs of alike changes into one with joined lists of the
 * other peer.  The folded changes' sets are released in the same loop that
 * reads them (a second loop over the run made gcc -O3 warn, wrongly, of
 * -Waggressive-loop-optimizations).
 */
static size_t merge(struct change *v, size_t n, bool on_to, struct arena *a)
{
	size_t out = 0;
	for (size_t i = 0; i < n;) {
		struct strbuf sb = STRBUF_INIT;
		size_t j = i + 1;
		strbuf_addstr(&sb, on_to ? v[i].from : v[i].to);
		for (; j < n && alike(&v[i], &v[j], on_to); j++) {
			strbuf_addf(&sb, ", %s", on_to ? v[j].from : v[j].to);
			connset_release(&v[j].os);
			connset_release(&v[j].ns);
		}
		v[out] = v[i];
		if (on_to)
			v[out].from = arena_strndup(a, sb.buf, sb.len);
		else
			v[out].to = arena_strndup(a, sb.buf, sb.len);
		strbuf_release(&sb);
		out++;
		i = j;
	}
	return out;
}

/* sample: a connection in a but not in b: *proto (-1: other) and *port. */
static void sample(const struct connset *a, const struct connset *b, int *proto, uint16_t *port)
{
	struct connset d;
	connset_copy(&d, a);
	connset_remove(&d, b);
	*proto = -1;
	*port = 0;
	for (int p = 0; p < NPROTO; p++) {
		if (d.ports.n[p]) {
			*proto = p;
			*port = d.ports.r[p][0].lo;
			if (!*port && d.ports.r[p][0].hi)
				*port = 1; /* port 0 is no real port */
			break;
		}
	}
	connset_release(&d);
}

/* why: what decided (proto, port) from group i to group j of r, or that a side is absent. */
static void why(struct review *r, size_t i, size_t j, int proto, uint16_t port, struct strbuf *out)
{
	struct eval_peer src, dst;
	struct eval_result res;
	if (i == SIZE_MAX || j == SIZE_MAX) {
		strbuf_addstr(out, "absent");
		return;
	}
	review_peer(r, r->g[i].cls[0], &src);
	review_peer(r, r->g[j].cls[0], &dst);
	eval_conn(&src, &dst, proto, port, &res);
	review_verdict(&res, out);
}

/*
 * policy_texts: per policy of ir (by index), a text of what it does: the
 * endpoints it selects per direction and its rules by content (pods by
 * name), so that two versions compare whatever the inventory order.
 */
static struct strbuf *policy_texts(const struct ir *ir)
{
	const struct model *m = ir->model;
	struct strbuf *t = xcalloc(m->npolicies + 1, sizeof(*t));
	for (size_t i = 0; i < ir->nrules; i++) {
		const struct ir_rule *r = ir->rules[i];
		for (size_t k = 0; k <= r->nmore; k++) {
			const struct origin *o = k ? &r->more[k - 1] : &r->origin;
			struct strbuf *sb;
			size_t np;
			struct prefix *pv;
			if (!o->policy)
				continue;
			sb = &t[o->policy->index];
			strbuf_addf(sb, "rule %s %d %s %d ", dir_name(o->dir), o->rule,
				    action_name(r->action), r->all_peers);
			for (size_t j = 0; r->pods && j < r->pods->n; j++)
				strbuf_addf(sb, "%s/%s,", m->pods[r->pods->v[j]]->ns,
					    m->pods[r->pods->v[j]]->name);
			pv = addrset_prefixes(&r->nets, &np);
			for (size_t j = 0; j < np; j++) {
				char buf[ADDR_STRLEN];
				strbuf_addf(sb, "%s,", prefix_format(&pv[j], buf));
			}
			free(pv);
			strbuf_addf(sb, " %d:", r->ports.any);
			for (int p = 0; p < NPROTO; p++)
				for (size_t j = 0; j < r->ports.n[p]; j++)
					strbuf_addf(sb, "%d/%u-%u,", p, r->ports.r[p][j].lo,
						    r->ports.r[p][j].hi);
			strbuf_addch(sb, '\n');
		}
	}
	for (size_t e = 0; e < ir->neps; e++)
		for (int d = 0; d < NDIR; d++)
			for (size_t k = 0; k < ir->eps[e].dir[d].ntiers; k++) {
				const struct ir_tier *tier = &ir->eps[e].dir[d].tiers[k];
				for (size_t j = 0; j < tier->npolicies; j++)
					strbuf_addf(&t[tier->policies[j]->index],
						    "selects %s %s/%s\n", dir_name((enum dir)d),
						    ir->eps[e].pod->ns, ir->eps[e].pod->name);
			}
	return t;
}

/*
 * counterpart: the policy of o with p's namespace, name and kind, or NULL.
 * Policies are sorted by namespace and name (model_policy finds one of
 * them); those of one name but several kinds are next to each other.
 */
static const struct policy *counterpart(const struct model *o, const struct policy *p)
{
	const struct policy *q = model_policy(o, p->ns, p->name);
	size_t i;
	if (!q)
		return NULL;
	for (i = q->index; i > 0 && !strcmp(o->policies[i - 1]->ns, p->ns) &&
			   !strcmp(o->policies[i - 1]->name, p->name);
	     i--)
		;
	for (; i < o->npolicies && !strcmp(o->policies[i]->ns, p->ns) &&
	       !strcmp(o->policies[i]->name, p->name);
	     i++)
		if (!strcmp(o->policies[i]->kind, p->kind))
			return o->policies[i];
	return NULL;
}

/* changed_policies: "NS/NAME" of every policy added, removed or changed, in out. */
static size_t changed_policies(const struct ir *old, const struct ir *new, struct arena *a,
			       const char ***out)
{
	const struct ir *irs[2] = { old, new };
	struct strbuf *t[2] = { policy_texts(old), policy_texts(new) };
	size_t n = 0, al = 0;
	*out = NULL;
	for (int s = 0; s < 2; s++) {
		const struct model *m = irs[s]->model, *o = irs[!s]->model;
		for (size_t i = 0; i < m->npolicies; i++) {
			const struct policy *p = m->policies[i], *q = counterpart(o, p);
			if (q && s)
				continue; /* in both: judged from the old side */
			if (q && t[0][p->index].len == t[1][q->index].len &&
			    (!t[0][p->index].len ||
			     !memcmp(t[0][p->index].buf, t[1][q->index].buf, t[0][p->index].len)))
				continue;
			VEC_PUSH(*out, n, al,
				 arena_printf(a, "%s %s/%s%s", p->kind, p->ns, p->name,
					      q	  ? " (changed)"
					      : s ? " (added)"
						  : " (removed)"));
		}
	}
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < irs[s]->model->npolicies; i++)
			strbuf_release(&t[s][i]);
		free(t[s]);
	}
	return n;
}

int cli_diff(const struct ir *old, const struct ir *new, const struct review_opts *o,
	     struct arena *a, struct strbuf *out)
{
	const struct ir *irs[2] = { old, new };
	struct conns_ext *ext;
	size_t next, nrc, nch = 0, ach = 0, nwl = 0, npol;
	const char **pols;
	struct review r[2];
	struct review_change *rc;
	struct change *ch = NULL;
	struct strbuf sb = STRBUF_INIT;
	bool pic;

	conns_ext_build(irs, 2, o->family, &ext, &next);
	review_init(&r[0], old, o->family, o->by, ext, next, a);
	review_init(&r[1], new, o->family, o->by, ext, next, a);
	nrc = review_diff(r, &rc);
	for (size_t i = 0; i < nrc; i++) {
		struct change c = { 0 };
		c.from = rc[i].from;
		c.to = rc[i].to;
		c.os = rc[i].os;
		c.ns = rc[i].ns;
		memcpy(c.side_from, rc[i].side_from, sizeof(c.side_from));
		memcpy(c.side_to, rc[i].side_to, sizeof(c.side_to));
		strbuf_reset(&sb);
		connset_format(&c.os, &sb);
		c.old = arena_strndup(a, sb.buf, sb.len);
		strbuf_reset(&sb);
		connset_format(&c.ns, &sb);
		c.new = arena_strndup(a, sb.buf, sb.len);
		VEC_PUSH(ch, nch, ach, c);
	}
	free(rc);
	if (o->fmt != FMT_JSON) { /* json: one element per pair of peers */
		xqsort(ch, nch, sizeof(*ch), cmp_by_to);
		nch = merge(ch, nch, true, a);
		xqsort(ch, nch, sizeof(*ch), cmp_by_from);
		nch = merge(ch, nch, false, a);
	}
	xqsort(ch, nch, sizeof(*ch), cmp_out);
	npol = changed_policies(old, new, a, &pols);
	pic = o->fmt == FMT_SVG || o->fmt == FMT_HTML;
	if (pic)
		review_diff_picture(r, pols, npol, o->fmt == FMT_HTML, out);

	if (o->fmt == FMT_JSON)
		strbuf_addstr(out, "{\"changes\":[");
	else if (o->fmt == FMT_MARKDOWN)
		strbuf_addstr(out, "| | From | To | Old | New |\n|---|---|---|---|---|\n");
	for (size_t s = 0; s < 2; s++) {
		for (size_t i = 0; i < r[s].npodg; i++) {
			const char *n = r[s].g[i].name;
			if (review_find(&r[!s], n) != SIZE_MAX)
				continue;
			nwl++;
			if (o->fmt == FMT_TEXT)
				strbuf_addf(out, "%s %s: %s\n", s ? "+" : "-", n,
					    s ? "added" : "removed");
		}
	}
	for (size_t i = 0; i < nch && !pic; i++) {
		struct change *c = &ch[i];
		bool added = connset_is_empty(&c->os), removed = connset_is_empty(&c->ns);
		const char *kind = added ? "added" : removed ? "removed" : "changed";
		int proto;
		uint16_t port;
		if (o->fmt == FMT_JSON) {
			strbuf_addstr(out, i ? ",\n{\"from\":" : "\n{\"from\":");
			review_json_str(out, c->from);
			strbuf_addstr(out, ",\"to\":");
			review_json_str(out, c->to);
			strbuf_addstr(out, ",\"old\":");
			connset_json(&c->os, out);
			strbuf_addstr(out, ",\"new\":");
			connset_json(&c->ns, out);
			strbuf_addf(out, ",\"change\":\"%s\"}", kind);
			continue;
		}
		if (o->fmt == FMT_MARKDOWN) {
			strbuf_addf(out, "| %s | `%s` | `%s` | %s | %s |\n", kind, c->from, c->to,
				    c->old, c->new);
			continue;
		}
		strbuf_addf(out, "%c %s -> %s: %s",
			    added     ? '+'
			    : removed ? '-'
				      : '~',
			    c->from, c->to,
			    added     ? c->new
			    : removed ? c->old
				      : "");
		if (!added && !removed)
			strbuf_addf(out, "%s => %s", c->old, c->new);
		strbuf_addf(out, " (%s)\n", kind);
		if (!connset_is_empty(&c->os) && !connset_subset(&c->os, &c->ns))
			sample(&c->os, &c->ns, &proto, &port);
		else
			sample(&c->ns, &c->os, &proto, &port);
		strbuf_addf(out, "    %s/%u old: ", proto < 0 ? "other" : proto_name(proto), port);
		why(&r[0], c->side_from[0], c->side_to[0], proto, port, out);
		strbuf_addf(out, "\n    %s/%u new: ", proto < 0 ? "other" : proto_name(proto),
			    port);
		why(&r[1], c->side_from[1], c->side_to[1], proto, port, out);
		strbuf_addch(out, '\n');
	}
	if (o->fmt == FMT_JSON) {
		strbuf_addstr(out, nch ? "\n],\"policies\":[" : "],\"policies\":[");
		for (size_t i = 0; i < npol; i++) {
			strbuf_addstr(out, i ? "," : "");
			review_json_str(out, pols[i]);
		}
		strbuf_addstr(out, "]}\n");
	} else if (!pic) {
		for (size_t i = 0; i < npol; i++)
			strbuf_addf(out, "%s%s\n",
				    o->fmt == FMT_MARKDOWN ? "\n- policy " : "policy ", pols[i]);
		if (!nch && !nwl)
			strbuf_addf(out, "%sno connection changed%s\n",
				    o->fmt == FMT_MARKDOWN ? "\n" : "",
				    npol ? ": the policies' other rules and the other side's "
					   "isolation already decide the same"
					 : "");
	}
	free(pols);
	for (size_t i = 0; i < nch; i++) {
		connset_release(&ch[i].os);
		connset_release(&ch[i].ns);
	}
	free(ch);
	strbuf_release(&sb);
	review_release(&r[0]);
	review_release(&r[1]);
	conns_ext_release(ext, next);
	return nch || nwl ? 3 : 0;
}

/* shell_quote: s in single quotes for sh. */
static void shell_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

/* run: the whole stdout of cmd into *out (NUL-terminated, in the arena); 0 or -1. */
static int run(const char *cmd, struct arena *a, char **out, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	if (pclose(f)) {
		strbuf_release(&sb);
		return -1;
	}
	*out = arena_strndup(a, sb.buf ? sb.buf : "", sb.len);
	*len = sb.len;
	strbuf_release(&sb);
	return 0;
}

static bool policy_file(const char *name, size_t n)
{
	static const char *const ext[] = { ".yaml", ".yml", ".json", ".np" };
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
		size_t m = strlen(ext[i]);
		if (n > m && !memcmp(name + n - m, ext[i], m))
			return true;
	}
	return false;
}

int cli_git_load(const char *spec, struct compilation *c, const char *default_ns)
{
	const char *rev = spec + 4, *colon = strchr(rev, ':');
	struct arena *a = &c->arena;
	struct diag *d = &c->diag;
	struct loc l = loc_none(NULL);
	struct frontend_opts fo;
	struct strbuf cmd = STRBUF_INIT;
	char *list, *revs, *line;
	size_t len, nfiles = 0;
	int rc = 0;

	if (!colon || colon == rev) {
		diag_error(d, &l, "%s: expected git:REV:PATH", spec);
		return 1;
	}
	frontend_opts_default(&fo);
	fo.default_ns = default_ns;
	revs = arena_strndup(a, rev, (size_t)(colon - rev));
	strbuf_addstr(&cmd, "git ls-tree -r --name-only ");
	shell_quote(&cmd, revs);
	strbuf_addstr(&cmd, " -- ");
	shell_quote(&cmd, colon[1] ? colon + 1 : ".");
	strbuf_addstr(&cmd, " 2>/dev/null");
	if (run(cmd.buf, a, &list, &len)) {
		diag_error(d, &l, "%s: git ls-tree failed", spec);
		strbuf_release(&cmd);
		return 1;
	}
	for (line = list; *line && !rc;) {
		char *nl = strchr(line, '\n'), *text;
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		if (nl)
			*nl = '\0';
		if (policy_file(line, n)) {
			strbuf_reset(&cmd);
			strbuf_addstr(&cmd, "git show ");
			shell_quote(&cmd, arena_printf(a, "%s:%s", revs, line));
			strbuf_addstr(&cmd, " 2>/dev/null");
			if (run(cmd.buf, a, &text, &len)) {
				diag_error(d, &l, "%s: git show %s:%s failed", spec, revs, line);
				rc = 1;
			} else if (frontend_load_buffer(a, d, &fo,
							arena_printf(a, "git:%s:%s", revs, line),
							text, len, &c->model)) {
				rc = 1;
			}
			nfiles++;
		}
		line = nl ? nl + 1 : line + n;
	}
	if (!rc && !nfiles) {
		diag_error(d, &l, "%s: no *.yaml, *.yml, *.json or *.np file there", spec);
		rc = 1;
	}
	strbuf_release(&cmd);
	return rc;
}

/* version: one side of a diff (spec, then the shared inventory) loaded, resolved and passed. */
static int version(struct compilation *comp, const struct cli *c, const char *spec)
{
	const char *const *inv = c->paths;
	int rc;

	if (!strncmp(spec, "git:", 4))
		rc = cli_git_load(spec, comp, c->default_ns);
	else
		rc = compilation_read(comp, &spec, 1, c->default_ns);
	if (!rc && c->nfile_opts)
		rc = compilation_read(comp, inv, c->nfile_opts, c->default_ns);
	if (!rc)
		rc = compilation_finalize(comp);
	if (!rc)
		rc = compilation_resolve(comp, NULL, NULL);
	if (!rc)
		rc = compilation_passes(comp, NULL, NULL);
	return rc;
}

int cmd_diff(struct cli *c)
{
	struct compilation comp[2];
	struct review_opts o;
	struct strbuf out = STRBUF_INIT;
	int rc = review_options(c, &o, false), side_rc[2];

	if (rc)
		return rc;
	if (c->npaths - c->nfile_opts != 2)
		return cli_usage_error(c, "diff takes OLD and NEW (files, directories or "
					  "git:REV:PATH)");
	for (int s = 0; s < 2; s++) {
		compilation_init(&comp[s], &c->wopts);
		side_rc[s] = version(&comp[s], c, c->paths[c->nfile_opts + (size_t)s]);
	}
	/* both sides' diagnostics, old first, whatever the first one found */
	side_rc[0] = compilation_finish(&comp[0], side_rc[0]);
	side_rc[1] = compilation_finish(&comp[1], side_rc[1]);
	rc = side_rc[0] ? side_rc[0] : side_rc[1];
	if (!rc)
		rc = cli_diff(&comp[0].ir, &comp[1].ir, &o, &comp[0].arena, &out);
	if (rc == 0 || rc == 3) {
		int wrc = cli_stdout(out.buf ? out.buf : "", out.len);
		if (wrc)
			rc = wrc;
	}
	strbuf_release(&out);
	compilation_release(&comp[1]);
	compilation_release(&comp[0]);
	return rc;
}
