/*
 * nft.c - the nftables backend: an `nft -f` script that owns one inet table.
 *
 * Only nftables syntax lives here; the programs come lowered from the flat
 * IR (ir/flat.h), node-mode dispatch and its diagnostics from
 * ir/dispatch.h.
 *
 * The script replaces the table atomically: `table inet T {}` (create it if
 * missing), `delete table inet T`, then the full definition, all in the one
 * transaction nft makes of a file.  Other tables are never touched.  One
 * inet table serves IPv4 and IPv6.
 *
 * Programs.  Each flat program is a chain per stage, named "in_<ID>" /
 * "eg_<ID>" (stage 0) and "in_<ID>_t<K>" (stage K), ID the program's
 * content-derived name, so a policy change renames only what it changes.  A program is entered with
 * `jump`; its verdicts are
 *
 *     allow  -> return        (back to the base chain, which goes on)
 *     deny   -> drop
 *     pass   -> goto the next stage's chain (return after the last)
 *     stage end: drop (end action deny) or goto the next stage (pass)
 *
 * Stages are walked with goto, so `return` anywhere leaves the program.
 *
 * A run is at most five set lookups whatever its number of rules, one per
 * element kind:
 *
 *     ip  saddr @X_p4                            peers allowed every protocol
 *     ip6 saddr @X_p6
 *     ip  saddr . meta l4proto . th dport @X_a4  peer . protocol . port range
 *     ip6 saddr . meta l4proto . th dport @X_a6
 *     meta l4proto . th dport @X_pt              protocol . port, every peer
 *
 * (daddr for egress), plus `meta nfproto ipv4` / `ipv6` for a run that
 * matches every address of a family.  The concatenated sets have `flags
 * interval`; the kernel rejects overlapping elements, and the flat IR's
 * elements of one kind are disjoint.  Sets with equal contents are emitted
 * once and shared; a set of at most nft_inline_max elements is written as
 * plain rules instead (see there).
 *
 * Base chains.  Host mode: `input` jumps to the endpoint's ingress program,
 * `output` to its egress program.  Node mode: `forward` dispatches by
 * address through four verdict maps (source -> egress program, then
 * destination -> ingress program), so the cost per packet does not depend
 * on the number of endpoints; endpoints without a program in a direction
 * are not in that map and pass untouched.  Every base chain starts with
 * `ct state established,related accept`, accepts IPv6 neighbour discovery
 * (ICMPv6 133-137) and has policy accept; every program starts with
 * `ct state invalid drop`, so the traffic of endpoints that no policy
 * selects is never touched, not even its invalid packets.
 *
 * Every piece of user text (names, paths) reaches the script through
 * nft_quote(); set and chain names come from program numbers only.
 */
#include "backends/nft.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/hostfw.h"
#include "backends/quote.h"
#include "backends/setname.h"
#include "ir/flat.h"
#include "lib/arena.h"
#include "lib/util.h"

/* ---- quoting ---- */

/* nft's scanner has no escapes inside "...": the shared quoting fits it */
void nft_quote(struct strbuf *out, const char *s, size_t n, size_t max)
{
	quote_text(out, s, n, max);
}

static void quote_str(struct strbuf *out, const char *s, size_t max)
{
	nft_quote(out, s, strlen(s), max);
}

/* ---- text tables ---- */

static const char *const dir_prefix[NDIR] = { [DIR_INGRESS] = "in", [DIR_EGRESS] = "eg" };
/* the address the peer of a rule is in: the source of ingress, the destination of egress */
static const char *const peer_field[NDIR] = { [DIR_INGRESS] = "saddr", [DIR_EGRESS] = "daddr" };
/* the address an endpoint is matched by in node mode */
static const char *const ep_field[NDIR] = { [DIR_INGRESS] = "daddr", [DIR_EGRESS] = "saddr" };
static const char *const map_name[NDIR][2] = {
	[DIR_INGRESS] = { "ingress_v4", "ingress_v6" },
	[DIR_EGRESS] = { "egress_v4", "egress_v6" },
};

/*
 * A set of at most nft_inline_max elements is written as that many plain
 * rules instead.  The kernel finds sets by name with a linear search of the
 * table, so a ruleset with tens of thousands of sets loads in time
 * quadratic in their number; small sets are also no faster to look up than
 * a couple of comparisons.
 */
unsigned nft_inline_max = 3;

/* Set kinds, by flat element kind (see the file comment). */
static const struct {
	const char *suffix, *type, *match; /* match: %s is peer_field */
} set_kinds[NFK] = {
	[FK_ADDR4] = { "p4", "ipv4_addr", "ip %s" },
	[FK_ADDR6] = { "p6", "ipv6_addr", "ip6 %s" },
	[FK_AP4] = { "a4", "ipv4_addr . inet_proto . inet_service",
		     "ip %s . meta l4proto . th dport" },
	[FK_AP6] = { "a6", "ipv6_addr . inet_proto . inet_service",
		     "ip6 %s . meta l4proto . th dport" },
	[FK_PORT] = { "pt", "inet_proto . inet_service", "meta l4proto . th dport" },
};

struct nft {
	const struct emit_ctx *ctx;
	const struct flat *flat;
	struct arena arena;   /* names, released at the end */
	struct strbuf body;   /* sets and chains */
	struct setnames sets; /* kind + elements -> set name */
	bool counters;	      /* --counters: a counter in every rule */
	bool reject;	      /* --reject: isolation rejects instead of dropping */
	const char *log;      /* --log-prefix, or NULL */
	long priority;	      /* --priority, when given */
	bool has_priority;
	struct hostfw_allow *allow; /* --allow, in order */
	size_t nallow, aallow;
};

/* verdict: the verdict statement v ("drop", "jump X"), after a counter with --counters */
static const char *verdict(struct nft *e, const char *v)
{
	return e->counters ? arena_printf(&e->arena, "counter %s", v) : v;
}

/* ---- origins ---- */

/*
 * run_comment: ` comment "..."` naming the first rule of a run and how many
 * other rules (distinct origins) it stands for.
 */
static void run_comment(struct strbuf *out, const struct flat_run *run)
{
	struct strbuf sb = STRBUF_INIT;
	flat_run_text(&sb, run);
	strbuf_addstr(out, " comment ");
	quote_str(out, sb.buf, NFT_COMMENT_MAX);
	strbuf_release(&sb);
}

static void list_origins(struct strbuf *out, const struct flat_run *run)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < run->norigins; i++) {
		if (i == 8) {
			strbuf_addf(out, "\t\t# ... and %zu more rules\n", run->norigins - i);
			break;
		}
		strbuf_reset(&sb);
		flat_origin_text(&sb, run->origins[i]);
		strbuf_addstr(out, "\t\t# ");
		quote_str(out, sb.buf, 0);
		strbuf_addch(out, '\n');
	}
	strbuf_release(&sb);
}

/* ---- elements ---- */

static void prefix_text(struct strbuf *sb, const struct prefix *px)
{
	char buf[ADDR_STRLEN];
	strbuf_addstr(sb, prefix_short(px, buf));
}

static void ports_text(struct strbuf *sb, const struct flat_elem *el)
{
	strbuf_addf(sb, "%u", (unsigned)el->lo);
	if (el->hi != el->lo)
		strbuf_addf(sb, "-%u", (unsigned)el->hi);
}

/* element_text: the element as a set element ("10.0.0.0/8 . tcp . 80-90"). */
static void element_text(struct strbuf *sb, enum flat_kind k, const struct flat_elem *el)
{
	if (flat_kind_family(k)) {
		prefix_text(sb, &el->px);
		if (!flat_kind_has_port(k))
			return;
		strbuf_addstr(sb, " . ");
	}
	strbuf_addf(sb, "%s . ", proto_lname(el->proto));
	ports_text(sb, el);
}

/* element_match: the element as a rule's match ("ip saddr 10.0.0.0/8 tcp dport 80-90"). */
static void element_match(struct strbuf *sb, enum flat_kind k, const struct flat_elem *el,
			  enum dir dir)
{
	if (flat_kind_family(k)) {
		strbuf_addf(sb, "%s %s ", el->px.a.family == AF4 ? "ip" : "ip6", peer_field[dir]);
		prefix_text(sb, &el->px);
		if (!flat_kind_has_port(k))
			return;
		strbuf_addch(sb, ' ');
	}
	strbuf_addf(sb, "%s dport ", proto_lname(el->proto));
	ports_text(sb, el);
}

/*
 * set_name: the name of a set holding the run's elements of kind k,
 * emitting its definition into the body the first time those contents are
 * seen.  The name derives from the contents alone ("a4_" and 12 hex digits
 * of their hash; 16 digits, then a counter, should two contents collide),
 * so equal sets are one set and a policy change renames only its own.
 */
static const char *set_name(struct nft *e, enum flat_kind k, const struct flat_run *run)
{
	struct strbuf elems = STRBUF_INIT, key = STRBUF_INIT;
	const char *name;
	bool fresh;

	for (size_t i = 0; i < run->nel[k]; i++) {
		strbuf_addstr(&elems, i ? ",\n\t\t\t" : "\t\t\t");
		element_text(&elems, k, &run->el[k][i]);
	}
	strbuf_addf(&key, "%s\n", set_kinds[k].suffix);
	strbuf_add(&key, elems.buf, elems.len);
	name = setname(&e->sets, arena_printf(&e->arena, "%s_", set_kinds[k].suffix), key.buf,
		       key.len, &fresh);
	strbuf_release(&key);
	if (!fresh) {
		strbuf_release(&elems);
		return name;
	}
	strbuf_addf(&e->body, "\tset %s {\n\t\ttype %s\n\t\tflags interval\n", name,
		    set_kinds[k].type);
	strbuf_addstr(&e->body, "\t\telements = {\n");
	strbuf_add(&e->body, elems.buf, elems.len);
	strbuf_addstr(&e->body, "\n\t\t}\n\t}\n\n");
	strbuf_release(&elems);
	return name;
}

/* ---- chains ---- */

static const char *stage_chain(struct nft *e, const struct flat_prog *p, size_t k)
{
	if (!k)
		return arena_printf(&e->arena, "%s_%s", dir_prefix[p->dir], p->id);
	return arena_printf(&e->arena, "%s_%s_t%zu", dir_prefix[p->dir], p->id, k);
}

static const char *verdict_text(struct nft *e, enum action a, const char *next)
{
	switch (a) {
	case ACT_ALLOW:
		return "return";
	case ACT_DENY:
		return "drop";
	case ACT_PASS:
		return next ? arena_printf(&e->arena, "goto %s", next) : "return";
	}
	BUG("nft: bad action %d", (int)a);
}

static void emit_run(struct nft *e, struct strbuf *ch, enum dir dir, const struct flat_run *run,
		     const char *verdict)
{
	list_origins(ch, run);
	if (run->all[0] && run->all[1]) {
		strbuf_addf(ch, "\t\t%s", verdict);
		run_comment(ch, run);
		strbuf_addch(ch, '\n');
		return;
	}
	for (int fam = 0; fam < 2; fam++) {
		if (!run->all[fam])
			continue;
		strbuf_addf(ch, "\t\tmeta nfproto %s %s", fam ? "ipv6" : "ipv4", verdict);
		run_comment(ch, run);
		strbuf_addch(ch, '\n');
	}
	for (int k = 0; k < NFK; k++) {
		if (!run->nel[k])
			continue;
		if (run->nel[k] <= nft_inline_max) {
			/* a few elements: plain matches, no set object */
			for (size_t j = 0; j < run->nel[k]; j++) {
				strbuf_addstr(ch, "\t\t");
				element_match(ch, (enum flat_kind)k, &run->el[k][j], dir);
				strbuf_addf(ch, " %s", verdict);
				run_comment(ch, run);
				strbuf_addch(ch, '\n');
			}
			continue;
		}
		strbuf_addstr(ch, "\t\t");
		strbuf_addf(ch, set_kinds[k].match, peer_field[dir]);
		strbuf_addf(ch, " @%s %s", set_name(e, (enum flat_kind)k, run), verdict);
		run_comment(ch, run);
		strbuf_addch(ch, '\n');
	}
}

/*
 * emit_isolated: the end of a stage that isolation closes, why naming the
 * isolating policies: a rate-limited log rule first (--log-prefix), then
 * drop, or with --reject a TCP reset for TCP and ICMP administratively
 * prohibited for the rest.
 */
static void emit_isolated(struct nft *e, struct strbuf *ch, const char *why)
{
	struct strbuf comment = STRBUF_INIT;

	strbuf_addstr(&comment, " comment ");
	quote_str(&comment, why, NFT_COMMENT_MAX);
	if (e->log) {
		strbuf_addf(ch, "\t\tlimit rate %d/second %slog prefix ", HOSTFW_LOG_RATE,
			    e->counters ? "counter " : "");
		quote_str(ch, e->log, 0);
		strbuf_addf(ch, "%s\n", comment.buf);
	}
	if (e->reject) {
		strbuf_addf(ch, "\t\tmeta l4proto tcp %s%s\n", verdict(e, "reject with tcp reset"),
			    comment.buf);
		strbuf_addf(ch, "\t\t%s%s\n", verdict(e, "reject with icmpx admin-prohibited"),
			    comment.buf);
	} else {
		strbuf_addf(ch, "\t\t%s%s\n", verdict(e, "drop"), comment.buf);
	}
	strbuf_release(&comment);
}

/* emit_stage: the chain of one stage; next is the next stage's chain, or NULL. */
static void emit_stage(struct nft *e, enum dir dir, const struct flat_stage *st, const char *chain,
		       const char *next, bool first)
{
	struct strbuf ch = STRBUF_INIT;

	/* only traffic of endpoints with a program is touched: invalid packets too */
	if (first)
		strbuf_addf(&ch, "\t\tct state invalid %s\n", verdict(e, "drop"));
	for (size_t ri = 0; ri < st->nruns; ri++)
		emit_run(e, &ch, dir, &st->runs[ri],
			 verdict(e, verdict_text(e, st->runs[ri].action, next)));
	if (!st->closed && st->end == ACT_DENY) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, "isolated by ");
		if (st->npolicies)
			strbuf_addf(&sb, "%s/%s", st->policies[0]->ns, st->policies[0]->name);
		else
			strbuf_addf(&sb, "tier %s", st->tier ? st->tier : "");
		if (st->npolicies > 1)
			strbuf_addf(&sb, " +%zu", st->npolicies - 1);
		emit_isolated(e, &ch, sb.buf);
		strbuf_release(&sb);
	} else if (!st->closed && next) {
		strbuf_addf(&ch, "\t\t%s\n", verdict(e, arena_printf(&e->arena, "goto %s", next)));
	}
	strbuf_addf(&e->body, "\tchain %s {\n", chain);
	strbuf_add(&e->body, ch.buf, ch.len);
	strbuf_addstr(&e->body, "\t}\n\n");
	strbuf_release(&ch);
}

static void endpoint_label(struct strbuf *sb, const struct ir_endpoint *ep)
{
	strbuf_addf(sb, "%s/%s", ep->pod->ns ? ep->pod->ns : "",
		    ep->pod->name ? ep->pod->name : "");
}

#define PROGRAM_USERS_SHOWN 3

static void emit_program(struct nft *e, const struct flat_prog *p)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&e->body, "\t# %s program %s: ", dir_name(p->dir), p->id);
	for (size_t i = 0; i < p->nusers && i < PROGRAM_USERS_SHOWN; i++) {
		strbuf_reset(&sb);
		endpoint_label(&sb, p->users[i]);
		strbuf_addstr(&e->body, i ? ", " : "");
		quote_str(&e->body, sb.buf, 0);
	}
	if (p->nusers > PROGRAM_USERS_SHOWN)
		strbuf_addf(&e->body, " and %zu more", p->nusers - PROGRAM_USERS_SHOWN);
	strbuf_addch(&e->body, '\n');
	for (size_t k = 0; k < p->nstages; k++) {
		const char *chain = stage_chain(e, p, k);
		const char *next = k + 1 < p->nstages ? stage_chain(e, p, k + 1) : NULL;
		emit_stage(e, p->dir, &p->stages[k], chain, next, k == 0);
	}
	strbuf_release(&sb);
}

/* ---- base chains ---- */

static void base_prologue(struct nft *e, const char *name, const char *hook, const char *lo)
{
	struct strbuf *out = &e->body;
	const char *accept = verdict(e, "accept");

	strbuf_addf(out, "\tchain %s {\n", name);
	if (e->has_priority)
		strbuf_addf(out, "\t\ttype filter hook %s priority %ld; policy accept;\n", hook,
			    e->priority);
	else
		strbuf_addf(out, "\t\ttype filter hook %s priority filter; policy accept;\n", hook);
	strbuf_addf(out, "\t\tct state established,related %s\n", accept);
	if (lo)
		strbuf_addf(out, "\t\t%s \"lo\" %s\n", lo, accept);
	strbuf_addf(out,
		    "\t\ticmpv6 type { nd-router-solicit, nd-router-advert, "
		    "nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } %s\n",
		    accept);
}

/*
 * emit_allow: the --allow allowances of direction dir, accepted before the
 * program; new connections only, so invalid packets still meet the
 * program's drop.
 */
static void emit_allow(struct nft *e, enum dir dir)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < e->nallow; i++) {
		const struct hostfw_allow *a = &e->allow[i];
		if (a->dir != dir)
			continue;
		strbuf_addstr(&e->body, "\t\tct state new ");
		element_match(&e->body, a->kind, &a->el, dir);
		strbuf_addf(&e->body, " %s comment ", verdict(e, "accept"));
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "allowed by --allow ");
		hostfw_allow_text(&sb, a);
		quote_str(&e->body, sb.buf, NFT_COMMENT_MAX);
		strbuf_addch(&e->body, '\n');
	}
	strbuf_release(&sb);
}

static void emit_host(struct nft *e)
{
	static const char *const hook[NDIR] = { [DIR_INGRESS] = "input", [DIR_EGRESS] = "output" };
	static const char *const lo[NDIR] = { [DIR_INGRESS] = "iif", [DIR_EGRESS] = "oif" };
	for (int dir = 0; dir < NDIR; dir++) {
		const struct flat_prog *p = flat_prog_of(e->flat, 0, (enum dir)dir);
		base_prologue(e, hook[dir], hook[dir], lo[dir]);
		emit_allow(e, (enum dir)dir);
		if (p)
			strbuf_addf(&e->body, "\t\t%s\n",
				    verdict(e, arena_printf(&e->arena, "jump %s",
							    stage_chain(e, p, 0))));
		strbuf_addstr(&e->body, "\t}\n");
		if (dir + 1 < NDIR)
			strbuf_addch(&e->body, '\n');
	}
}

/* map_prog: the program dispatch entry i leads to in dir and family fam, or NULL. */
static const struct flat_prog *map_prog(struct nft *e, enum dir dir, int fam, size_t i)
{
	const struct flat_dispatch *x = &e->flat->disp[i];
	if (x->a.family != (fam ? AF6 : AF4))
		return NULL;
	return flat_prog_of(e->flat, x->ep, dir);
}

static void emit_map(struct nft *e, enum dir dir, int fam)
{
	size_t count = 0;
	char buf[ADDR_STRLEN];

	for (size_t i = 0; i < e->flat->ndisp; i++) {
		const struct flat_prog *p = map_prog(e, dir, fam, i);
		if (!p)
			continue;
		if (!count)
			strbuf_addf(&e->body,
				    "\tmap %s {\n\t\ttype %s : verdict\n\t\telements = {\n",
				    map_name[dir][fam], fam ? "ipv6_addr" : "ipv4_addr");
		else
			strbuf_addstr(&e->body, ",\n");
		strbuf_addf(&e->body, "\t\t\t%s : jump %s", addr_format(&e->flat->disp[i].a, buf),
			    stage_chain(e, p, 0));
		count++;
	}
	if (count)
		strbuf_addstr(&e->body, "\n\t\t}\n\t}\n\n");
}

static bool map_used(struct nft *e, enum dir dir, int fam)
{
	for (size_t i = 0; i < e->flat->ndisp; i++)
		if (map_prog(e, dir, fam, i))
			return true;
	return false;
}

static void emit_node(struct nft *e)
{
	static const enum dir order[NDIR] = { DIR_EGRESS, DIR_INGRESS };
	for (int dir = 0; dir < NDIR; dir++)
		for (int fam = 0; fam < 2; fam++)
			emit_map(e, (enum dir)dir, fam);
	base_prologue(e, "forward", "forward", NULL);
	for (int i = 0; i < NDIR; i++) {
		enum dir dir = order[i];
		for (int fam = 0; fam < 2; fam++)
			if (map_used(e, dir, fam))
				strbuf_addf(&e->body, "\t\t%s%s %s vmap @%s\n",
					    e->counters ? "counter " : "", fam ? "ip6" : "ip",
					    ep_field[dir], map_name[dir][fam]);
	}
	strbuf_addstr(&e->body, "\t}\n");
}

/* ---- the script ---- */

const char *nft_table_check(const char *s)
{
	size_t n = strlen(s);
	const char *why = "a table name is a letter, then letters, digits or '_' (at most 64)";
	if (!n || n > 64)
		return why;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return why;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return why;
	}
	return NULL;
}

/* the lowest priority: conntrack runs at -200, and our rules match its state */
#define NFT_PRIORITY_MIN (-199)
#define NFT_PRIORITY_MAX 1000

const char *nft_priority_check(const char *s)
{
	char *end;
	long v;

	errno = 0;
	if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9')))
		return "a priority is an integer from -199 to 1000 (conntrack runs at -200 and "
		       "our rules match its state)";
	v = strtol(s, &end, 10);
	if (*end || errno || v < NFT_PRIORITY_MIN || v > NFT_PRIORITY_MAX)
		return "a priority is an integer from -199 to 1000 (conntrack runs at -200 and "
		       "our rules match its state)";
	return NULL;
}

const char *nft_log_prefix_check(const char *s)
{
	if (hostfw_log_prefix_ok(s, NFT_LOG_PREFIX_MAX))
		return NULL;
	return "a log prefix is 1 to 127 characters: letters, digits, the space and "
	       "-_./:[](),=@+";
}

static void header(struct nft *e, struct strbuf *out, const char *table)
{
	strbuf_addf(out, "# netpolc nftables ruleset: table inet %s\n", table);
	strbuf_addstr(out, "# inputs: ");
	quote_str(out, e->ctx->cmdline ? e->ctx->cmdline : "", 0);
	strbuf_addch(out, '\n');
	if (e->flat->host_mode) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(out, "# host mode: ");
		if (e->flat->ir->neps)
			endpoint_label(&sb, &e->flat->ir->eps[0]);
		quote_str(out, sb.buf, 0);
		strbuf_addstr(out, " (ingress in chain input, egress in chain output)\n");
		strbuf_release(&sb);
	} else {
		strbuf_addf(out,
			    "# node mode: %zu endpoints, %zu ingress and %zu egress programs, "
			    "dispatched by address in chain forward\n",
			    e->flat->ir->neps, e->flat->nprogs[DIR_INGRESS],
			    e->flat->nprogs[DIR_EGRESS]);
	}
	strbuf_addf(out,
		    "# apply with: nft -f FILE (replaces table inet %s atomically; other tables "
		    "are left alone)\n\n",
		    table);
}

int nft_emit(const struct emit_ctx *ctx, struct emit_out *o, struct diag *d)
{
	const char *table = emit_opt(ctx, "table") ? emit_opt(ctx, "table") : "netpolc";
	struct strbuf *out = emit_main(o);
	struct nft e;

	(void)d;
	if (!ctx->flat)
		BUG("nft_emit needs the flat programs");
	memset(&e, 0, sizeof(e));
	e.ctx = ctx;
	e.flat = ctx->flat;
	/* the CLI checked every option (nft_priority_check, ...) */
	e.counters = emit_opt(ctx, "counters") != NULL;
	e.reject = emit_opt(ctx, "reject") != NULL;
	e.log = emit_opt(ctx, "log-prefix");
	if (emit_opt(ctx, "priority")) {
		e.has_priority = true;
		e.priority = strtol(emit_opt(ctx, "priority"), NULL, 10);
	}
	for (const char *const *v = emit_opt_all(ctx, "allow"); *v; v++) {
		struct hostfw_allow a;
		if (hostfw_allow_parse(*v, &a))
			BUG("nft: --allow %s was not checked", *v);
		VEC_PUSH(e.allow, e.nallow, e.aallow, a);
	}
	strbuf_init(&e.body);
	setnames_init(&e.sets, &e.arena);
	for (int dir = 0; dir < NDIR; dir++)
		for (size_t i = 0; i < e.flat->nprogs[dir]; i++)
			emit_program(&e, &e.flat->progs[dir][i]);
	if (e.flat->host_mode)
		emit_host(&e);
	else
		emit_node(&e);

	header(&e, out, table);
	strbuf_addf(out, "table inet %s {}\ndelete table inet %s\n\ntable inet %s {\n", table,
		    table, table);
	strbuf_add(out, e.body.buf, e.body.len);
	strbuf_addstr(out, "}\n");
	setnames_release(&e.sets);
	strbuf_release(&e.body);
	arena_release(&e.arena);
	free(e.allow);
	return 0;
}
