/*
 * iptables.c - the iptables backend: an `iptables-restore` file (IPv4,
 * -t iptables) or an `ip6tables-restore` file (IPv6, -t ip6tables) of the
 * filter table.
 *
 * Only iptables syntax lives here; the programs come lowered from the flat
 * IR (ir/flat.h), node-mode dispatch and its diagnostics from
 * ir/dispatch.h.  One file serves one family: both are compiled from the
 * same flat programs and applied together.
 *
 * Chains.  Every chain is ours and carries the prefix (--chain-prefix,
 * default "NETPOLC-"):
 *
 *     P-INPUT, P-OUTPUT     host mode: the entry chains, jumped to from
 *                           INPUT and OUTPUT
 *     P-FORWARD             node mode: the entry chain, jumped to from FORWARD
 *     P-DE, P-DE-<n>        node mode: egress dispatch by source address
 *     P-DI, P-DI-<n>        node mode: ingress dispatch by destination address
 *     P-I<id>, P-I<id>-<k>  ingress program id, stage 0 and stage k
 *     P-E<id>, P-E<id>-<k>  egress program id
 *
 * A program's id comes from its content (ir/flat.h), as in nft's chain
 * names: a policy change renames only the programs whose rules it changes,
 * and the ruleset does not depend on the order programs were found in.
 * The prefix is at most 8 characters, so the longest name (16 hex digits
 * of id, a stage number below 100) fits iptables' 28.
 *
 * A program is entered with -j (from an entry chain, or through the
 * dispatch tree's -g, which does not change where RETURN goes back to);
 * stages are walked with -g, so RETURN anywhere leaves the program:
 *
 *     allow  -> -j RETURN     (back to the entry chain, which goes on)
 *     deny   -> -j DROP
 *     pass   -> -g the next stage's chain (-j RETURN after the last)
 *     stage end: -j DROP (end action deny) or -g the next stage (pass)
 *
 * Our chains only ever DROP or RETURN: established and related packets,
 * loopback (host mode) and ICMPv6 neighbour discovery (types 133-137)
 * RETURN first, from the entry chain, and what a program allows RETURNs.
 * So nothing of ours accepts a packet on somebody else's behalf: with
 * foreign rules in the same built-in chain (--coexist), those still see
 * every packet we do not drop.  Every program starts with
 * `--ctstate INVALID -j DROP`, so the traffic of endpoints that no policy
 * selects is never touched, not even its invalid packets.
 *
 * Rules.  A run's elements become one rule each: a prefix (-s for
 * ingress, -d for egress), optionally a protocol and its ports.  The
 * elements of one prefix and protocol share a rule through `-m multiport`
 * (at most 15 ports per rule, a range counting two; longer lists are split,
 * never cut), a single port is `--dport`.  A run matching every address of
 * the family is one unconditional rule.
 *
 * Dispatch (node mode).  The endpoints' addresses, sorted, are split into a
 * binary tree of chains on their bits: an inner chain tests the prefix its
 * addresses share plus a 0 bit where they first differ (`-s ADDR/LEN`, -d
 * for ingress) and goes (-g) to that half or to the other; a leaf chain of
 * at most IPT_LEAF addresses tests them one by one and goes to the
 * program.  The kernel tests addresses and prefixes itself, without a match
 * module, and a packet crosses about log2(n / IPT_LEAF) prefix tests (at
 * most the address's width) and at most IPT_LEAF address tests, whatever
 * the number of endpoints or policies.  Tree chains are named from their
 * prefixes, so an endpoint added or removed renames only its own path.
 *
 * Application.  By default the file is self-contained: it sets the
 * built-in chains' policies to ACCEPT and holds the jumps to our entry
 * chains, and `iptables-restore FILE` replaces the whole filter table, so
 * applying it again gives the same ruleset.  With --coexist the file only
 * declares and fills our chains, for `iptables-restore --noflush FILE`:
 * declaring a chain flushes it, nothing else is touched.  The jumps from
 * the built-in chains are then made once, idempotently, by the commands
 * the file's header gives (`iptables -C ... || iptables -I ...`); a
 * restore file cannot test whether a rule exists.
 *
 * With --ipset FILE, a peer set of IPT_SET_MIN prefixes or more is a
 * hash:net ipset named from its contents (P-S<hash>, backends/setname.h)
 * and matched with `-m set`; the sets go to FILE (see iptables.h).
 *
 * Every piece of user text (names, paths) reaches the file through
 * quote_text(); chain and set names come from the prefix, hex digits and
 * numbers only.
 */
#include "backends/iptables.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/hostfw.h"
#include "backends/quote.h"
#include "backends/setname.h"
#include "ir/flat.h"
#include "lib/arena.h"
#include "lib/util.h"

#define IPT_LEAF	 8  /* addresses tested one by one in a dispatch leaf */
#define IPT_MULTIPORT	 15 /* ports per -m multiport (a range counts two) */
#define IPT_CHAIN_MAX	 28 /* the longest chain name iptables accepts */
#define IPT_PREFIX_MAX	 8  /* leaves 20 for a direction, a program id (16) and a stage */
#define IPT_USERS_SHOWN	 3
#define IPT_SET_NAME_MAX 31 /* ipset's limit */

struct ipt {
	const struct emit_ctx *ctx;
	const struct flat *flat;
	int fam; /* 0 IPv4, 1 IPv6 */
	const char *pfx;
	bool coexist; /* only our chains, for restore --noflush */
	struct arena arena;
	struct strbuf decl;	/* ":CHAIN - [0:0]" */
	struct strbuf rules;	/* "-A CHAIN ..." */
	struct setnames chains; /* dispatch chains, named from their prefixes */
	bool ipset;		/* peer sets of IPT_SET_MIN or more prefixes become ipsets */
	struct strbuf sets;	/* the ipset restore text */
	struct setnames setnames;
	bool reject;		    /* --reject: isolation rejects instead of dropping */
	const char *log;	    /* --log-prefix, or NULL */
	struct hostfw_allow *allow; /* --allow, in order */
	size_t nallow, aallow;
};

static const char dir_letter[NDIR] = { [DIR_INGRESS] = 'I', [DIR_EGRESS] = 'E' };
/* the peer of a rule: the source of ingress, the destination of egress */
static const char *const peer_opt[NDIR] = { [DIR_INGRESS] = "-s", [DIR_EGRESS] = "-d" };
/* the endpoint in node mode: the other side */
static const char *const ep_opt[NDIR] = { [DIR_INGRESS] = "-d", [DIR_EGRESS] = "-s" };
static const char *const disp_name[NDIR] = { [DIR_INGRESS] = "DI", [DIR_EGRESS] = "DE" };

/* ---- names and comments ---- */

const char *ipt_prefix_check(const char *s)
{
	size_t n = strlen(s);
	const char *why = "a chain prefix is a letter, then letters, digits, '-' or '_' (at most "
			  "8, leaving room for our suffixes)";
	if (!n || n > IPT_PREFIX_MAX)
		return why;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return why;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return why;
	}
	return NULL;
}

/* chain: declare a chain of ours named prefix + the formatted suffix */
__attribute__((format(printf, 2, 3))) static const char *chain(struct ipt *e, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	const char *name;

	strbuf_addstr(&sb, e->pfx);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (sb.len > IPT_CHAIN_MAX)
		BUG("iptables: chain name %s too long", sb.buf);
	name = arena_strdup(&e->arena, sb.buf);
	strbuf_release(&sb);
	strbuf_addf(&e->decl, ":%s - [0:0]\n", name);
	return name;
}

/*
 * prog_chain: the chain of stage k of program p, named from the program's
 * content (p->id, as nft names it), so a policy change renames only the
 * programs it changes; declared when declare.
 */
static const char *prog_chain(struct ipt *e, const struct flat_prog *p, size_t k, bool declare)
{
	if (declare)
		return k ? chain(e, "%c%s-%zu", dir_letter[p->dir], p->id, k)
			 : chain(e, "%c%s", dir_letter[p->dir], p->id);
	if (!k)
		return arena_printf(&e->arena, "%s%c%s", e->pfx, dir_letter[p->dir], p->id);
	return arena_printf(&e->arena, "%s%c%s-%zu", e->pfx, dir_letter[p->dir], p->id, k);
}

/*
 * names_fit: whether the chains of every program fit IPT_CHAIN_MAX.  They
 * do unless two programs' hashes collide entirely or a program has 100
 * stages or more: reported as an error, never cut.
 */
static int names_fit(struct ipt *e, struct diag *d)
{
	for (int dir = 0; dir < NDIR; dir++) {
		for (size_t i = 0; i < e->flat->nprogs[dir]; i++) {
			const struct flat_prog *p = &e->flat->progs[dir][i];
			const char *last = prog_chain(e, p, p->nstages ? p->nstages - 1 : 0, false);
			struct loc l = loc_none("<command line>");
			if (strlen(last) <= IPT_CHAIN_MAX)
				continue;
			return diag_error(d, &l,
					  "iptables: chain %s of %s program %s is longer than %d "
					  "characters (a shorter --chain-prefix leaves room)",
					  last, dir_name(p->dir), p->id, IPT_CHAIN_MAX);
		}
	}
	return 0;
}

void ipt_comment(struct strbuf *out, const char *text)
{
	strbuf_addstr(out, " -m comment --comment ");
	quote_text(out, text, strlen(text), IPT_COMMENT_MAX);
}

/* run_comment: the first rule of a run and how many others it stands for */
static void run_comment(struct strbuf *out, const struct flat_run *run)
{
	struct strbuf sb = STRBUF_INIT;
	flat_run_text(&sb, run);
	ipt_comment(out, sb.buf);
	strbuf_release(&sb);
}

/* ---- matches ---- */

static void prefix_text(struct strbuf *sb, const struct prefix *px)
{
	char buf[ADDR_STRLEN];
	strbuf_addstr(sb, prefix_short(px, buf));
}

static size_t port_slots(const struct flat_elem *el)
{
	return el->lo == el->hi ? 1 : 2;
}

/*
 * ipt_ports: the -p/port match of n elements of one protocol, which must
 * fit one rule (ipt_ports_fit): "-p tcp --dport 80" or
 * "-p tcp -m multiport --dports 80,90:95".
 */
void ipt_ports(struct strbuf *out, const struct flat_elem *el, size_t n)
{
	if (n == 1) {
		strbuf_addf(out, " -p %s --dport %u", proto_lname(el[0].proto), (unsigned)el[0].lo);
		if (el[0].hi != el[0].lo)
			strbuf_addf(out, ":%u", (unsigned)el[0].hi);
		return;
	}
	strbuf_addf(out, " -p %s -m multiport --dports ", proto_lname(el[0].proto));
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(out, "%s%u", i ? "," : "", (unsigned)el[i].lo);
		if (el[i].hi != el[i].lo)
			strbuf_addf(out, ":%u", (unsigned)el[i].hi);
	}
}

size_t ipt_ports_fit(const struct flat_elem *el, size_t n)
{
	size_t slots = 0, i;
	for (i = 0; i < n; i++) {
		if (i && el[i].proto != el[0].proto)
			break;
		if (slots + port_slots(&el[i]) > IPT_MULTIPORT)
			break;
		slots += port_slots(&el[i]);
	}
	return i;
}

static const char *verdict_text(struct ipt *e, enum action a, const char *next)
{
	switch (a) {
	case ACT_ALLOW:
		return "-j RETURN";
	case ACT_DENY:
		return "-j DROP";
	case ACT_PASS:
		return next ? arena_printf(&e->arena, "-g %s", next) : "-j RETURN";
	}
	BUG("iptables: bad action %d", (int)a);
}

static void rule_end(struct ipt *e, const struct flat_run *run, const char *verdict)
{
	run_comment(&e->rules, run);
	strbuf_addf(&e->rules, " %s\n", verdict);
}

static bool same_prefix(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && !memcmp(&a->a.v, &b->a.v, sizeof(a->a.v));
}

/* port_rules: the rules of el[0..n), one prefix (or none) and ports; match is the address part */
static void port_rules(struct ipt *e, const char *ch, const char *match, const struct flat_run *run,
		       const struct flat_elem *el, size_t n, const char *verdict)
{
	for (size_t i = 0, m; i < n; i += m) {
		m = ipt_ports_fit(&el[i], n - i);
		strbuf_addf(&e->rules, "-A %s%s", ch, match);
		ipt_ports(&e->rules, &el[i], m);
		rule_end(e, run, verdict);
	}
}

/* peer_match: " -s PREFIX" (or -d) for element el */
static const char *peer_match(struct ipt *e, enum dir dir, const struct flat_elem *el)
{
	struct strbuf sb = STRBUF_INIT;
	const char *m;
	strbuf_addf(&sb, " %s ", peer_opt[dir]);
	prefix_text(&sb, &el->px);
	m = arena_strdup(&e->arena, sb.buf);
	strbuf_release(&sb);
	return m;
}

/*
 * make_set: the match of an ipset of hash:net holding the prefixes
 * px[0..n), defined in e->sets the first time these prefixes are seen.
 * Named from its contents (setname.h): equal sets are one set, and
 * re-applying after a policy change refills only the sets it changed.
 */
static const char *make_set(struct ipt *e, enum dir dir, const struct prefix *const *px, size_t n)
{
	const char *fam = e->fam ? "inet6" : "inet";
	size_t max = n > 65536 ? n : 65536;
	struct strbuf key = STRBUF_INIT;
	const char *name;
	bool fresh;

	strbuf_addf(&key, "%s\n", fam);
	for (size_t i = 0; i < n; i++) {
		prefix_text(&key, px[i]);
		strbuf_addch(&key, '\n');
	}
	name = setname(&e->setnames, arena_printf(&e->arena, "%sS", e->pfx), key.buf, key.len,
		       &fresh);
	strbuf_release(&key);
	if (strlen(name) + 2 > IPT_SET_NAME_MAX)
		BUG("iptables: set name %s too long", name);
	if (fresh) {
		strbuf_addf(&e->sets, "create %s hash:net family %s -exist\n", name, fam);
		strbuf_addf(&e->sets, "create %s-N hash:net family %s maxelem %zu -exist\n", name,
			    fam, max);
		strbuf_addf(&e->sets, "flush %s-N\n", name);
		for (size_t i = 0; i < n; i++) {
			strbuf_addf(&e->sets, "add %s-N ", name);
			prefix_text(&e->sets, px[i]);
			strbuf_addch(&e->sets, '\n');
		}
		strbuf_addf(&e->sets, "swap %s-N %s\ndestroy %s-N\n", name, name, name);
	}
	return arena_printf(&e->arena, " -m set --match-set %s %s", name,
			    dir == DIR_INGRESS ? "src" : "dst");
}

struct px_group {
	const struct flat_elem *el; /* the prefix's elements (protocols and ports) */
	size_t n;
	const char *sig; /* their ports, as text: equal for prefixes that can share a set */
};

/* elem_cmp: by prefix, then protocol and port, so a prefix's elements are adjacent */
static int elem_cmp(const void *a, const void *b)
{
	const struct flat_elem *x = a, *y = b;
	if (x->px.a.v != y->px.a.v)
		return x->px.a.v < y->px.a.v ? -1 : 1;
	if (x->px.len != y->px.len)
		return x->px.len < y->px.len ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return (x->lo > y->lo) - (x->lo < y->lo);
}

static int px_group_cmp(const void *a, const void *b)
{
	const struct px_group *x = a, *y = b;
	int c = strcmp(x->sig, y->sig);
	if (c)
		return c;
	return x->el < y->el ? -1 : x->el > y->el;
}

/*
 * emit_addr_ports: the elements of kind k (prefix . protocol . ports).
 * Inline, a rule per prefix and protocol (multiport).  With ipsets, the
 * prefixes whose protocols and ports are equal, when there are at least
 * IPT_SET_MIN of them, share one hash:net set and one rule per protocol.
 */
static void emit_addr_ports(struct ipt *e, const char *ch, enum dir dir, enum flat_kind k,
			    const struct flat_run *run, const char *verdict)
{
	size_t n = run->nel[k], ng = 0;
	struct flat_elem *el = xcalloc(n + 1, sizeof(*el));
	struct px_group *g = xcalloc(n + 1, sizeof(*g));
	struct strbuf sb = STRBUF_INIT;

	if (n)
		memcpy(el, run->el[k], n * sizeof(*el));
	xqsort(el, n, sizeof(*el), elem_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && same_prefix(&el[i].px, &el[j].px); j++)
			;
		strbuf_reset(&sb);
		for (size_t x = i; x < j; x += ipt_ports_fit(&el[x], j - x))
			ipt_ports(&sb, &el[x], ipt_ports_fit(&el[x], j - x));
		g[ng].el = &el[i];
		g[ng].n = j - i;
		g[ng].sig = arena_strdup(&e->arena, sb.buf);
		ng++;
	}
	if (e->ipset)
		xqsort(g, ng, sizeof(*g), px_group_cmp);
	for (size_t i = 0, j; i < ng; i = j) {
		for (j = i + 1; e->ipset && j < ng && !strcmp(g[i].sig, g[j].sig); j++)
			;
		if (j - i < IPT_SET_MIN) {
			for (size_t x = i; x < j; x++)
				port_rules(e, ch, peer_match(e, dir, g[x].el), run, g[x].el, g[x].n,
					   verdict);
			continue;
		}
		const struct prefix **px = xcalloc(j - i, sizeof(*px));
		for (size_t x = i; x < j; x++)
			px[x - i] = &g[x].el->px;
		port_rules(e, ch, make_set(e, dir, px, j - i), run, g[i].el, g[i].n, verdict);
		free(px);
	}
	strbuf_release(&sb);
	free(g);
	free(el);
}

/* emit_ports: FK_PORT elements, every peer: a rule per protocol (multiport) */
static void emit_ports(struct ipt *e, const char *ch, const struct flat_run *run,
		       const char *verdict)
{
	const struct flat_elem *el = run->el[FK_PORT];
	size_t n = run->nel[FK_PORT];
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && el[j].proto == el[i].proto; j++)
			;
		port_rules(e, ch, "", run, &el[i], j - i, verdict);
	}
}

static void emit_run(struct ipt *e, const char *ch, enum dir dir, const struct flat_run *run,
		     const char *verdict)
{
	enum flat_kind addr = e->fam ? FK_ADDR6 : FK_ADDR4, ap = e->fam ? FK_AP6 : FK_AP4;

	if (run->all[e->fam]) {
		strbuf_addf(&e->rules, "-A %s", ch);
		rule_end(e, run, verdict);
		return;
	}
	if (e->ipset && run->nel[addr] >= IPT_SET_MIN) {
		const struct prefix **px = xcalloc(run->nel[addr], sizeof(*px));
		for (size_t i = 0; i < run->nel[addr]; i++)
			px[i] = &run->el[addr][i].px;
		strbuf_addf(&e->rules, "-A %s%s", ch, make_set(e, dir, px, run->nel[addr]));
		rule_end(e, run, verdict);
		free(px);
	} else {
		for (size_t i = 0; i < run->nel[addr]; i++) {
			strbuf_addf(&e->rules, "-A %s%s", ch,
				    peer_match(e, dir, &run->el[addr][i]));
			rule_end(e, run, verdict);
		}
	}
	emit_addr_ports(e, ch, dir, ap, run, verdict);
	emit_ports(e, ch, run, verdict);
}

/*
 * emit_isolated: the end of a stage that isolation closes, why naming the
 * isolating policies: a rate-limited LOG rule first (--log-prefix), then
 * DROP, or with --reject a TCP reset for TCP and ICMP administratively
 * prohibited for the rest.
 */
static void emit_isolated(struct ipt *e, const char *ch, const char *why)
{
	if (e->log) {
		strbuf_addf(&e->rules, "-A %s -m limit --limit %d/sec", ch, HOSTFW_LOG_RATE);
		ipt_comment(&e->rules, why);
		strbuf_addstr(&e->rules, " -j LOG --log-prefix ");
		quote_text(&e->rules, e->log, strlen(e->log), 0);
		strbuf_addch(&e->rules, '\n');
	}
	if (e->reject) {
		strbuf_addf(&e->rules, "-A %s -p tcp", ch);
		ipt_comment(&e->rules, why);
		strbuf_addstr(&e->rules, " -j REJECT --reject-with tcp-reset\n");
	}
	strbuf_addf(&e->rules, "-A %s", ch);
	ipt_comment(&e->rules, why);
	if (e->reject)
		strbuf_addf(&e->rules, " -j REJECT --reject-with %s\n",
			    e->fam ? "icmp6-adm-prohibited" : "icmp-admin-prohibited");
	else
		strbuf_addstr(&e->rules, " -j DROP\n");
}

static void emit_stage(struct ipt *e, enum dir dir, const struct flat_stage *st, const char *ch,
		       const char *next, bool first)
{
	if (first)
		strbuf_addf(&e->rules, "-A %s -m conntrack --ctstate INVALID -j DROP\n", ch);
	for (size_t ri = 0; ri < st->nruns; ri++)
		emit_run(e, ch, dir, &st->runs[ri], verdict_text(e, st->runs[ri].action, next));
	if (!st->closed && st->end == ACT_DENY) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, "isolated by ");
		if (st->npolicies)
			strbuf_addf(&sb, "%s/%s", st->policies[0]->ns, st->policies[0]->name);
		else
			strbuf_addf(&sb, "tier %s", st->tier ? st->tier : "");
		if (st->npolicies > 1)
			strbuf_addf(&sb, " +%zu", st->npolicies - 1);
		emit_isolated(e, ch, sb.buf);
		strbuf_release(&sb);
	} else if (!st->closed && next) {
		strbuf_addf(&e->rules, "-A %s -g %s\n", ch, next);
	}
}

static void endpoint_label(struct strbuf *sb, const struct ir_endpoint *ep)
{
	strbuf_addf(sb, "%s/%s", ep->pod->ns ? ep->pod->ns : "",
		    ep->pod->name ? ep->pod->name : "");
}

static void emit_program(struct ipt *e, const struct flat_prog *p)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&e->rules, "# %s program %s: ", dir_name(p->dir), p->id);
	for (size_t i = 0; i < p->nusers && i < IPT_USERS_SHOWN; i++) {
		strbuf_reset(&sb);
		endpoint_label(&sb, p->users[i]);
		strbuf_addstr(&e->rules, i ? ", " : "");
		quote_text(&e->rules, sb.buf, sb.len, 0);
	}
	if (p->nusers > IPT_USERS_SHOWN)
		strbuf_addf(&e->rules, " and %zu more", p->nusers - IPT_USERS_SHOWN);
	strbuf_addch(&e->rules, '\n');
	for (size_t k = 0; k < p->nstages; k++) {
		const char *ch = prog_chain(e, p, k, true);
		const char *next = k + 1 < p->nstages ? prog_chain(e, p, k + 1, false) : NULL;
		emit_stage(e, p->dir, &p->stages[k], ch, next, k == 0);
	}
	strbuf_release(&sb);
}

/* ---- entry chains ---- */

static void entry_prologue(struct ipt *e, const char *ch, const char *lo)
{
	strbuf_addf(&e->rules, "-A %s -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n", ch);
	if (lo)
		strbuf_addf(&e->rules, "-A %s %s lo -j RETURN\n", ch, lo);
	if (e->fam)
		for (int t = 133; t <= 137; t++)
			strbuf_addf(&e->rules, "-A %s -p 58 -m icmp6 --icmpv6-type %d -j RETURN\n",
				    ch, t);
}

/*
 * emit_allow: the --allow allowances of direction dir for this file's
 * family (those with a prefix of the other family go to the other file),
 * returning before the program; new connections only, so invalid packets
 * still meet the program's drop.
 */
static void emit_allow(struct ipt *e, const char *ch, enum dir dir)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < e->nallow; i++) {
		const struct hostfw_allow *a = &e->allow[i];
		int fam = flat_kind_family(a->kind);
		if (a->dir != dir || (fam && fam != (e->fam ? AF6 : AF4)))
			continue;
		strbuf_addf(&e->rules, "-A %s%s", ch, fam ? peer_match(e, dir, &a->el) : "");
		ipt_ports(&e->rules, &a->el, 1);
		strbuf_addstr(&e->rules, " -m conntrack --ctstate NEW");
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "allowed by --allow ");
		hostfw_allow_text(&sb, a);
		ipt_comment(&e->rules, sb.buf);
		strbuf_addstr(&e->rules, " -j RETURN\n");
	}
	strbuf_release(&sb);
}

static void emit_host(struct ipt *e)
{
	static const char *const name[NDIR] = { [DIR_INGRESS] = "INPUT", [DIR_EGRESS] = "OUTPUT" };
	static const char *const lo[NDIR] = { [DIR_INGRESS] = "-i", [DIR_EGRESS] = "-o" };
	for (int dir = 0; dir < NDIR; dir++) {
		const struct flat_prog *p = flat_prog_of(e->flat, 0, (enum dir)dir);
		const char *ch = chain(e, "%s", name[dir]);
		entry_prologue(e, ch, lo[dir]);
		emit_allow(e, ch, (enum dir)dir);
		if (p)
			strbuf_addf(&e->rules, "-A %s -j %s\n", ch, prog_chain(e, p, 0, false));
	}
}

struct disp_ent {
	const struct addr *a;
	const char *prog;
};

/* addr_bit: bit i (0 = the most significant) of a */
static unsigned addr_bit(const struct addr *a, unsigned i)
{
	unsigned w = a->family == AF4 ? 32 : 128;
	return (unsigned)(a->v >> (w - 1 - i)) & 1;
}

/* common_len: the length of the longest prefix x and y share */
static unsigned common_len(const struct addr *x, const struct addr *y)
{
	unsigned w = x->family == AF4 ? 32 : 128, len = 0;
	while (len < w && addr_bit(x, len) == addr_bit(y, len))
		len++;
	return len;
}

/* node_prefix: the prefix of length len holding a */
static struct prefix node_prefix(const struct addr *a, unsigned len)
{
	struct prefix p = { .a = *a, .len = (uint8_t)len };
	p.a.v = prefix_first(&p);
	return p;
}

/*
 * tree_chain: the chain of the dispatch node over v[0..n), named from the
 * prefix its addresses share (setname), so an endpoint added or removed
 * renames only the chains on its own path.
 */
static const char *tree_chain(struct ipt *e, enum dir dir, const struct disp_ent *v, size_t n)
{
	struct prefix p = node_prefix(v[0].a, common_len(v[0].a, v[n - 1].a));
	char buf[ADDR_STRLEN],
		*key = arena_printf(&e->arena, "%s %s", disp_name[dir], prefix_format(&p, buf));
	bool fresh;
	const char *name =
		setname(&e->chains, arena_printf(&e->arena, "%s%s-", e->pfx, disp_name[dir]), key,
			strlen(key), &fresh);
	if (strlen(name) > IPT_CHAIN_MAX)
		BUG("iptables: chain name %s too long", name);
	if (!fresh)
		BUG("iptables: two dispatch nodes for %s", key);
	strbuf_addf(&e->decl, ":%s - [0:0]\n", name);
	return name;
}

/*
 * emit_tree: the dispatch chain ch over v[0..n), distinct addresses sorted.
 * An inner node splits them on the first bit where they differ: the rule
 * for the 0 side matches its prefix (-s/-d ADDR/LEN, which the kernel
 * tests natively, as it does a leaf's addresses), the 1 side is the rest.
 */
static void emit_tree(struct ipt *e, enum dir dir, const char *ch, const struct disp_ent *v,
		      size_t n)
{
	char buf[ADDR_STRLEN];

	if (n <= IPT_LEAF) {
		for (size_t i = 0; i < n; i++)
			strbuf_addf(&e->rules, "-A %s %s %s -g %s\n", ch, ep_opt[dir],
				    addr_format(v[i].a, buf), v[i].prog);
		return;
	}
	unsigned b = common_len(v[0].a, v[n - 1].a);
	size_t lo = 0, hi = n - 1; /* v[hi] has bit b set, v[0] has not */
	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr_bit(v[mid].a, b))
			hi = mid;
		else
			lo = mid;
	}
	struct prefix zero = node_prefix(v[0].a, b + 1);
	const char *left = tree_chain(e, dir, v, hi);
	const char *right = tree_chain(e, dir, v + hi, n - hi);
	strbuf_addf(&e->rules, "-A %s %s %s -g %s\n", ch, ep_opt[dir], prefix_format(&zero, buf),
		    left);
	strbuf_addf(&e->rules, "-A %s -g %s\n", ch, right);
	emit_tree(e, dir, left, v, hi);
	emit_tree(e, dir, right, v + hi, n - hi);
}

/* dispatch: the root chain of dir's tree, or NULL when no address of the family has a program */
static const char *dispatch(struct ipt *e, enum dir dir)
{
	const struct flat *f = e->flat;
	struct disp_ent *v = xcalloc(f->ndisp + 1, sizeof(*v));
	const char *root = NULL;
	size_t n = 0;

	for (size_t i = 0; i < f->ndisp; i++) {
		const struct flat_dispatch *x = &f->disp[i];
		const struct flat_prog *p = flat_prog_of(f, x->ep, dir);
		if (!p || x->a.family != (e->fam ? AF6 : AF4))
			continue;
		/* sorted by address: a repeat is the same endpoint (dispatch_build) */
		if (n && !memcmp(&v[n - 1].a->v, &x->a.v, sizeof(x->a.v)))
			continue;
		v[n].a = &x->a;
		v[n].prog = prog_chain(e, p, 0, false);
		n++;
	}
	if (n) {
		root = chain(e, "%s", disp_name[dir]);
		emit_tree(e, dir, root, v, n);
	}
	free(v);
	return root;
}

static void emit_node(struct ipt *e)
{
	static const enum dir order[NDIR] = { DIR_EGRESS, DIR_INGRESS };
	const char *root[NDIR];
	const char *ch = chain(e, "FORWARD");

	entry_prologue(e, ch, NULL);
	for (int i = 0; i < NDIR; i++)
		root[i] = dispatch(e, order[i]);
	for (int i = 0; i < NDIR; i++)
		if (root[i])
			strbuf_addf(&e->rules, "-A %s -j %s\n", ch, root[i]);
}

/* ---- the file ---- */

static const char *const tool[2] = { "iptables", "ip6tables" };

static void header(struct ipt *e, struct strbuf *out)
{
	const char *restore = e->fam ? "ip6tables-restore" : "iptables-restore";

	strbuf_addf(out, "# netpolc %s ruleset (IPv%d): filter table, chains %s*\n", restore,
		    e->fam ? 6 : 4, e->pfx);
	strbuf_addstr(out, "# inputs: ");
	quote_text(out, e->ctx->cmdline ? e->ctx->cmdline : "",
		   strlen(e->ctx->cmdline ? e->ctx->cmdline : ""), 0);
	strbuf_addch(out, '\n');
	if (e->flat->host_mode) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(out, "# host mode: ");
		if (e->flat->ir->neps)
			endpoint_label(&sb, &e->flat->ir->eps[0]);
		quote_text(out, sb.buf, sb.len, 0);
		strbuf_addf(out,
			    " (ingress from INPUT via %sINPUT, egress from OUTPUT via %sOUTPUT)\n",
			    e->pfx, e->pfx);
		strbuf_release(&sb);
	} else {
		strbuf_addf(out,
			    "# node mode: %zu endpoints, %zu ingress and %zu egress programs, "
			    "dispatched by address from FORWARD via %sFORWARD\n",
			    e->flat->ir->neps, e->flat->nprogs[DIR_INGRESS],
			    e->flat->nprogs[DIR_EGRESS], e->pfx);
	}
	if (!e->coexist) {
		strbuf_addf(out,
			    "# apply with: %s FILE (replaces the whole filter table; "
			    "applying again gives the same ruleset)\n",
			    restore);
		return;
	}
	strbuf_addf(out,
		    "# apply with: %s --noflush FILE (rewrites only the %s* chains), then once:\n",
		    restore, e->pfx);
	if (e->flat->host_mode) {
		strbuf_addf(out,
			    "#   %s -C INPUT -j %sINPUT 2>/dev/null || %s -I INPUT 1 -j %sINPUT\n",
			    tool[e->fam], e->pfx, tool[e->fam], e->pfx);
		strbuf_addf(
			out,
			"#   %s -C OUTPUT -j %sOUTPUT 2>/dev/null || %s -I OUTPUT 1 -j %sOUTPUT\n",
			tool[e->fam], e->pfx, tool[e->fam], e->pfx);
	} else {
		strbuf_addf(out,
			    "#   %s -C FORWARD -j %sFORWARD 2>/dev/null || "
			    "%s -I FORWARD 1 -j %sFORWARD\n",
			    tool[e->fam], e->pfx, tool[e->fam], e->pfx);
	}
}

/*
 * ipt_build: the restore file of family fam into out and, with ipsets,
 * the ipset restore text into sets (NULL: inline rules only).
 */
static int ipt_build(const struct emit_ctx *ctx, struct strbuf *out, struct strbuf *sets,
		     struct diag *d, int fam)
{
	struct ipt e;

	if (!ctx->flat)
		BUG("ipt_build needs the flat programs");
	memset(&e, 0, sizeof(e));
	/* the CLI checked the prefix (ipt_prefix_check) */
	e.pfx = emit_opt(ctx, "chain-prefix") ? emit_opt(ctx, "chain-prefix") : "NETPOLC-";
	e.coexist = emit_opt(ctx, "coexist") != NULL;
	e.ctx = ctx;
	e.flat = ctx->flat;
	e.fam = fam;
	e.ipset = sets != NULL;
	e.reject = emit_opt(ctx, "reject") != NULL;
	e.log = emit_opt(ctx, "log-prefix");
	if (names_fit(&e, d)) {
		arena_release(&e.arena);
		return -1;
	}
	for (const char *const *v = emit_opt_all(ctx, "allow"); *v; v++) {
		struct hostfw_allow a;
		if (hostfw_allow_parse(*v, &a))
			BUG("iptables: --allow %s was not checked", *v);
		VEC_PUSH(e.allow, e.nallow, e.aallow, a);
	}
	strbuf_init(&e.decl);
	strbuf_init(&e.rules);
	strbuf_init(&e.sets);
	setnames_init(&e.setnames, &e.arena);
	setnames_init(&e.chains, &e.arena);
	for (int dir = 0; dir < NDIR; dir++)
		for (size_t i = 0; i < e.flat->nprogs[dir]; i++)
			emit_program(&e, &e.flat->progs[dir][i]);
	if (e.flat->host_mode)
		emit_host(&e);
	else
		emit_node(&e);

	header(&e, out);
	strbuf_addstr(out, "*filter\n");
	if (!e.coexist)
		strbuf_addstr(out,
			      ":INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n");
	strbuf_add(out, e.decl.buf, e.decl.len);
	strbuf_add(out, e.rules.buf, e.rules.len);
	if (!e.coexist) {
		if (e.flat->host_mode)
			strbuf_addf(out, "-A INPUT -j %sINPUT\n-A OUTPUT -j %sOUTPUT\n", e.pfx,
				    e.pfx);
		else
			strbuf_addf(out, "-A FORWARD -j %sFORWARD\n", e.pfx);
	}
	strbuf_addstr(out, "COMMIT\n");
	if (sets) {
		strbuf_addf(sets,
			    "# netpolc ipset restore file (IPv%d) for the %s* chains: apply with "
			    "ipset restore < FILE\n# before %s; each set is filled aside and "
			    "swapped in, so re-applying never leaves a set empty\n",
			    fam ? 6 : 4, e.pfx, fam ? "ip6tables-restore" : "iptables-restore");
		strbuf_add(sets, e.sets.buf, e.sets.len);
	}
	strbuf_release(&e.decl);
	strbuf_release(&e.rules);
	strbuf_release(&e.sets);
	setnames_release(&e.setnames);
	setnames_release(&e.chains);
	arena_release(&e.arena);
	free(e.allow);
	return 0;
}

const char *ipt_log_prefix_check(const char *s)
{
	if (hostfw_log_prefix_ok(s, IPT_LOG_PREFIX_MAX))
		return NULL;
	return "a log prefix is 1 to 29 characters (the LOG target's limit): letters, digits, "
	       "the space and -_./:[](),=@+";
}

const char *ipt_ipset_check(const char *s)
{
	if (!*s || !strcmp(s, "-"))
		return "the ipset file is a path of its own (the rules go to -o or standard "
		       "output)";
	return NULL;
}

/*
 * ipt_emit: the restore file of family fam, and with --ipset FILE the sets
 * in FILE: a second part, so both files are written or neither.
 */
static int ipt_emit(const struct emit_ctx *ctx, struct emit_out *o, struct diag *d, int fam)
{
	const char *sets = emit_opt(ctx, "ipset");
	struct strbuf *rules = emit_main(o); /* the first part, then the sets */
	return ipt_build(ctx, rules, sets ? emit_path(o, sets) : NULL, d, fam);
}

int ipt4_emit(const struct emit_ctx *ctx, struct emit_out *o, struct diag *d)
{
	return ipt_emit(ctx, o, d, 0);
}

int ipt6_emit(const struct emit_ctx *ctx, struct emit_out *o, struct diag *d)
{
	return ipt_emit(ctx, o, d, 1);
}
