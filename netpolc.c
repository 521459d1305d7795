/*
 * netpolc.c - the command line: subcommands, options, exit statuses.
 *
 *   netpolc compile -t TARGET [PATH]... [-o OUT] [host/node mode options]
 *   netpolc check   [PATH]...
 *   netpolc query   [PATH]... --from PEER --to PEER --port [PROTO/]PORT
 *   netpolc table   [PATH]... --port [PROTO/]PORT [-o json]
 *   netpolc cidr    [--merge|--exclude F|--intersect F] [--ranges] [FILE]...
 *
 * Exit status: 0 success, 1 input or policy errors, 2 usage errors.  On
 * any error no output file is created or changed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "cli/cli.h"
#include "frontend/frontend.h"
#include "frontend/validate.h"
#include "ir/arena.h"
#include "ir/diag.h"
#include "ir/eval.h"
#include "ir/ir.h"
#include "ir/lint.h"
#include "ir/model.h"
#include "ir/passes.h"
#include "ir/resolve.h"
#include "ir/strbuf.h"
#include "ir/util.h"

#define NETPOLC_VERSION "0.1.0"

static const char usage_text[] =
	"usage: netpolc compile -t TARGET [-f PATH]... [PATH]... [-o OUT]\n"
	"                       [--endpoint NS/NAME | --namespace NS --labels K=V[,K=V...] "
	"[--ip ADDR]...]\n"
	"                       [--node NODE] [--table NAME] [--calico-name-prefix P]\n"
	"       netpolc check   [-f PATH]... [PATH]...\n"
	"       netpolc query   [-f PATH]... --from PEER --to PEER --port [tcp|udp|sctp/]PORT\n"
	"       netpolc table   [-f PATH]... --port [PROTO/]PORT [--family 4|6] [-o json]\n"
	"       netpolc cidr    [--merge | --exclude FILE | --intersect FILE] [--ranges] "
	"[FILE]...\n"
	"\n"
	"common options: -n, --default-namespace NS  namespace for objects without one\n"
	"                -q, --quiet                 no warnings\n"
	"                --werror                    treat warnings as errors\n"
	"       netpolc compile -t help   lists the targets\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("netpolc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	return 2;
}

enum opt_id {
	OPT_ENDPOINT = 256,
	OPT_NAMESPACE,
	OPT_LABELS,
	OPT_IP,
	OPT_NODE,
	OPT_TABLE,
	OPT_CALICO_PREFIX,
	OPT_FROM,
	OPT_TO,
	OPT_PORT,
	OPT_FAMILY,
	OPT_WERROR,
	OPT_STATS,
	OPT_HELP,
};

static const struct option long_opts[] = {
	{ "target", required_argument, NULL, 't' },
	{ "file", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "default-namespace", required_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "endpoint", required_argument, NULL, OPT_ENDPOINT },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ "labels", required_argument, NULL, OPT_LABELS },
	{ "ip", required_argument, NULL, OPT_IP },
	{ "node", required_argument, NULL, OPT_NODE },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "calico-name-prefix", required_argument, NULL, OPT_CALICO_PREFIX },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "family", required_argument, NULL, OPT_FAMILY },
	{ "werror", no_argument, NULL, OPT_WERROR },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

struct cli {
	const char *cmd;
	const char **paths;
	size_t npaths, apaths;
	const char *target, *output, *default_ns;
	const char *endpoint, *host_ns, *host_labels, *node, *table, *calico_prefix;
	const char **ips;
	size_t nips, aips;
	const char *from, *to, *port;
	int family; /* 0: choose */
	bool quiet, werror, stats;
	/* the run */
	struct arena arena;
	struct diag diag;
	struct model model;
	struct ir ir;
	bool have_ir;
};

static int parse_args(struct cli *c, int argc, char **argv)
{
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":t:f:o:n:q", long_opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			c->target = optarg;
			break;
		case 'f':
			VEC_PUSH(c->paths, c->npaths, c->apaths, optarg);
			break;
		case 'o':
			c->output = optarg;
			break;
		case 'n':
			c->default_ns = optarg;
			break;
		case 'q':
			c->quiet = true;
			break;
		case OPT_ENDPOINT:
			c->endpoint = optarg;
			break;
		case OPT_NAMESPACE:
			c->host_ns = optarg;
			break;
		case OPT_LABELS:
			c->host_labels = optarg;
			break;
		case OPT_IP:
			VEC_PUSH(c->ips, c->nips, c->aips, optarg);
			break;
		case OPT_NODE:
			c->node = optarg;
			break;
		case OPT_TABLE:
			c->table = optarg;
			break;
		case OPT_CALICO_PREFIX:
			c->calico_prefix = optarg;
			break;
		case OPT_FROM:
			c->from = optarg;
			break;
		case OPT_TO:
			c->to = optarg;
			break;
		case OPT_PORT:
			c->port = optarg;
			break;
		case OPT_FAMILY:
			if (!strcmp(optarg, "4") || !strcmp(optarg, "ipv4") ||
			    !strcmp(optarg, "inet"))
				c->family = AF4;
			else if (!strcmp(optarg, "6") || !strcmp(optarg, "ipv6") ||
				 !strcmp(optarg, "inet6"))
				c->family = AF6;
			else
				return usage_error("--family takes 4 or 6, not '%s'", optarg);
			break;
		case OPT_WERROR:
			c->werror = true;
			break;
		case OPT_STATS:
			c->stats = true;
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			exit(0);
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	/* GNU getopt permutes: what is left are the paths, in order */
	for (; optind < argc; optind++)
		VEC_PUSH(c->paths, c->npaths, c->apaths, argv[optind]);
	return 0;
}

/* load: read every input into the model and finalise it. 0, or 1 on errors. */
static int load(struct cli *c)
{
	struct frontend_opts fo;
	frontend_opts_default(&fo);
	fo.default_ns = c->default_ns;
	if (!c->npaths)
		VEC_PUSH(c->paths, c->npaths, c->apaths, "-");
	frontend_load(&c->arena, &c->diag, &fo, c->paths, c->npaths, &c->model);
	if (diag_has_errors(&c->diag))
		return 1;
	model_finalize(&c->model, &c->diag);
	return diag_has_errors(&c->diag) ? 1 : 0;
}

static int finish(struct cli *c, int rc)
{
	diag_print(&c->diag, stderr);
	if (rc == 0 && diag_has_errors(&c->diag))
		rc = 1;
	return rc;
}

/* parse_labels: "k=v,k2=v2" into a sorted labelset; -1 on a malformed list. */
static int parse_labels(struct cli *c, const char *text, struct labelset *ls)
{
	char *copy = arena_strdup(&c->arena, text);
	size_t n = 1, i = 0;
	for (const char *p = copy; *p; p++)
		n += *p == ',';
	ls->v = arena_array(&c->arena, n, sizeof(*ls->v));
	for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq || eq == tok)
			return -1;
		*eq = '\0';
		ls->v[i].key = tok;
		ls->v[i].value = eq + 1;
		ls->v[i].loc = loc_none(NULL);
		i++;
	}
	ls->n = i;
	return labelset_sort(ls) ? -1 : 0;
}

/* host_pod: the endpoint of host mode, or NULL (node mode).  *rc set on error. */
static const struct pod *host_pod(struct cli *c, int *rc)
{
	struct pod *p;
	*rc = 0;
	if (c->endpoint) {
		const char *slash = strchr(c->endpoint, '/');
		char *ns;
		if (!slash || slash == c->endpoint || !slash[1]) {
			*rc = usage_error("--endpoint takes NAMESPACE/NAME, not '%s'", c->endpoint);
			return NULL;
		}
		ns = arena_strndup(&c->arena, c->endpoint, (size_t)(slash - c->endpoint));
		p = model_pod(&c->model, ns, slash + 1);
		if (!p) {
			struct loc l = loc_none(NULL);
			diag_error(&c->diag, &l,
				   "--endpoint %s: no such pod or workload in the input",
				   c->endpoint);
			*rc = 1;
		}
		return p;
	}
	if (!c->host_ns)
		return NULL;
	p = arena_zalloc(&c->arena, sizeof(*p));
	p->loc = loc_none(NULL);
	p->ns = c->host_ns;
	p->name = "host";
	p->nsp = model_namespace(&c->model, c->host_ns);
	p->index = SIZE_MAX;
	if (c->host_labels && parse_labels(c, c->host_labels, &p->labels)) {
		*rc = usage_error("--labels takes K=V[,K=V...] with unique keys, not '%s'",
				  c->host_labels);
		return NULL;
	}
	p->ips = arena_array(&c->arena, c->nips + 1, sizeof(*p->ips));
	for (size_t i = 0; i < c->nips; i++) {
		if (addr_parse(c->ips[i], &p->ips[p->nips])) {
			*rc = usage_error("--ip: '%s' is not an IP address", c->ips[i]);
			return NULL;
		}
		p->nips++;
	}
	return p;
}

static int cmd_compile(struct cli *c)
{
	const struct backend *be;
	struct strbuf out = STRBUF_INIT;
	struct strbuf cmdline = STRBUF_INIT;
	struct emit_opts eo = { 0 };
	struct emit_ctx ctx = { 0 };
	int rc;

	if (!c->target)
		return usage_error("compile needs -t TARGET%s", " (netpolc compile -t help)");
	if (!strcmp(c->target, "help")) {
		for (const struct backend *b = backends; b->name; b++)
			printf("%-10s %s\n", b->name, b->summary);
		return 0;
	}
	be = backend_find(c->target);
	if (!be)
		return usage_error("unknown target '%s' (netpolc compile -t help)", c->target);
	if (c->endpoint && c->host_ns)
		return usage_error("%s", "--endpoint and --namespace exclude each other");
	if (!c->host_ns && (c->host_labels || c->nips))
		return usage_error("%s", "--labels and --ip need --namespace");
	if (c->table) {
		bool ok = (c->table[0] >= 'a' && c->table[0] <= 'z') ||
			  (c->table[0] >= 'A' && c->table[0] <= 'Z');
		for (const char *p = c->table; *p && ok; p++)
			ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '_';
		if (!ok || strlen(c->table) > 64)
			return usage_error("--table takes a letter then letters, digits or '_' "
					   "(at most 64), not '%s'",
					   c->table);
	}
	if ((c->endpoint || c->host_ns) && c->node)
		return usage_error("%s",
				   "--node is for node mode; it excludes --endpoint/--namespace");
	rc = load(c);
	if (rc)
		return finish(c, rc);
	if (be->level == LEVEL_ENDPOINT) {
		struct resolve_opts ro = { 0 };
		ro.host = host_pod(c, &rc);
		if (rc)
			return finish(c, rc);
		ro.node = c->node;
		ro.enforcement_warnings = true;
		if (resolve(&c->ir, &c->model, &c->arena, &ro, &c->diag))
			return finish(c, 1);
		c->have_ir = true;
		if (passes_run(&c->ir, &c->diag, c->stats ? stderr : NULL))
			return finish(c, 1);
	}
	for (size_t i = 0; i < c->npaths; i++)
		strbuf_addf(&cmdline, "%s%s", i ? " " : "", c->paths[i]);
	eo.table = c->table ? c->table : "netpolc";
	eo.name_prefix = c->calico_prefix ? c->calico_prefix : "";
	eo.cmdline = cmdline.buf;
	eo.stats = c->stats;
	ctx.model = &c->model;
	ctx.ir = c->have_ir ? &c->ir : NULL;
	ctx.opts = &eo;
	be->emit(&ctx, &out, &c->diag);
	rc = diag_has_errors(&c->diag) ? 1 : 0;
	diag_print(&c->diag, stderr);
	if (!rc)
		rc = cli_write_output(c->output, out.buf, out.len);
	strbuf_release(&out);
	strbuf_release(&cmdline);
	return rc;
}

static int node_mode_ir(struct cli *c)
{
	struct resolve_opts ro = { 0 };
	if (resolve(&c->ir, &c->model, &c->arena, &ro, &c->diag))
		return 1;
	c->have_ir = true;
	return 0;
}

static int cmd_check(struct cli *c)
{
	int rc = load(c);
	if (rc)
		return finish(c, rc);
	if (node_mode_ir(c))
		return finish(c, 1);
	lint_run(&c->model, &c->ir, &c->diag);
	return finish(c, 0);
}

/* parse_port: "[proto/]port" into proto and port; -1 if malformed. */
static int parse_port(const char *s, int *proto, uint16_t *port)
{
	const char *slash = strchr(s, '/');
	char *end;
	long v;
	*proto = PROTO_TCP;
	if (slash) {
		char name[8];
		size_t n = (size_t)(slash - s);
		if (n >= sizeof(name))
			return -1;
		memcpy(name, s, n);
		name[n] = '\0';
		*proto = proto_parse(name);
		if (*proto < 0)
			return -1;
		s = slash + 1;
	}
	v = strtol(s, &end, 10);
	if (end == s || *end || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static const struct ir_endpoint *endpoint_of(const struct ir *ir, const struct pod *p)
{
	/* node mode without --node: endpoints are the pods, in order */
	if (p && p->index < ir->neps && ir->eps[p->index].pod == p)
		return &ir->eps[p->index];
	return NULL;
}

/* parse_peer: NS/NAME of an inventory pod, or an IP (which may belong to a pod). */
static int parse_peer(struct cli *c, const char *s, struct eval_peer *peer, const char *what)
{
	struct addr a;
	memset(peer, 0, sizeof(*peer));
	if (!addr_parse(s, &a)) {
		peer->has_addr = true;
		peer->addr = a;
		for (size_t i = 0; i < c->model.npods; i++) {
			const struct pod *p = c->model.pods[i];
			for (size_t j = 0; j < p->nips; j++) {
				if (!addr_cmp(&p->ips[j], &a)) {
					peer->pod = p;
					peer->ep = endpoint_of(&c->ir, p);
					return 0;
				}
			}
		}
		return 0;
	}
	{
		const char *slash = strchr(s, '/');
		char *ns;
		struct loc l = loc_none(NULL);
		if (!slash || slash == s || !slash[1])
			return usage_error("%s takes NAMESPACE/NAME or an IP address", what);
		ns = arena_strndup(&c->arena, s, (size_t)(slash - s));
		peer->pod = model_pod(&c->model, ns, slash + 1);
		if (!peer->pod) {
			diag_error(&c->diag, &l, "%s %s: no such pod or workload in the input",
				   what, s);
			return 1;
		}
		peer->ep = endpoint_of(&c->ir, peer->pod);
	}
	return 0;
}

static const char *peer_text(struct cli *c, const struct eval_peer *p)
{
	char buf[ADDR_STRLEN];
	if (p->pod && p->has_addr)
		return arena_printf(&c->arena, "%s/%s (%s)", p->pod->ns, p->pod->name,
				    addr_format(&p->addr, buf));
	if (p->pod)
		return arena_printf(&c->arena, "%s/%s", p->pod->ns, p->pod->name);
	return arena_strdup(&c->arena, addr_format(&p->addr, buf));
}

static const char *origin_text(struct cli *c, const struct origin *o)
{
	if (!o->policy)
		return "a synthetic rule";
	return arena_printf(&c->arena, "%s/%s %s rule %d (%s:%u:%u)", o->policy->ns,
			    o->policy->name, dir_name(o->dir), o->rule, o->loc.file, o->loc.line,
			    o->loc.col);
}

static void explain_side(struct cli *c, const struct eval_peer *self, enum dir dir,
			 const struct eval_side *s)
{
	const char *who = peer_text(c, self);
	if (!self->ep) {
		printf("  %s of %s: allowed: %s\n", dir_name(dir), who,
		       self->pod ? "not an endpoint of this inventory"
				 : "external address, never isolated");
		return;
	}
	if (!s->isolated) {
		printf("  %s of %s: allowed: not isolated (no policy selects it for %s)\n",
		       dir_name(dir), who, dir_name(dir));
		return;
	}
	if (s->rule) {
		printf("  %s of %s: %s by %s\n", dir_name(dir), who,
		       s->allowed ? "allowed" : "denied", origin_text(c, &s->rule->origin));
		return;
	}
	printf("  %s of %s: %s: isolated for %s by", dir_name(dir), who,
	       s->allowed ? "allowed" : "denied", dir_name(dir));
	if (s->tier) {
		for (size_t i = 0; i < s->tier->npolicies; i++) {
			const struct policy *p = s->tier->policies[i];
			const struct loc *l = p->name_loc.line ? &p->name_loc : &p->loc;
			printf("%s %s/%s (%s:%u:%u)", i ? "," : "", p->ns, p->name, l->file,
			       l->line, l->col);
		}
	}
	printf(", and no %s rule of %s allows it\n", dir_name(dir),
	       s->tier && s->tier->npolicies > 1 ? "these policies" : "that policy");
}

/* pick_family: the first family in which both sides have an address (default IPv4). */
static int pick_family(const struct eval_peer *a, const struct eval_peer *b)
{
	if (a->has_addr)
		return a->addr.family;
	if (b->has_addr)
		return b->addr.family;
	if (a->pod && b->pod && !(pod_addr(a->pod, AF4) && pod_addr(b->pod, AF4)) &&
	    pod_addr(a->pod, AF6) && pod_addr(b->pod, AF6))
		return AF6;
	return AF4;
}

static int cmd_query(struct cli *c)
{
	struct eval_peer src, dst;
	struct eval_result res;
	int proto, rc, family;
	uint16_t port;
	if (!c->from || !c->to || !c->port)
		return usage_error("%s", "query needs --from, --to and --port");
	if (parse_port(c->port, &proto, &port))
		return usage_error("--port takes [tcp|udp|sctp/]PORT (1-65535), not '%s'", c->port);
	rc = load(c);
	if (rc)
		return finish(c, rc);
	if (node_mode_ir(c))
		return finish(c, 1);
	if ((rc = parse_peer(c, c->from, &src, "--from")) ||
	    (rc = parse_peer(c, c->to, &dst, "--to")))
		return finish(c, rc);
	family = c->family ? c->family : pick_family(&src, &dst);
	if (src.pod && !src.has_addr)
		eval_peer_pod(&src, src.pod, src.ep, family);
	if (dst.pod && !dst.has_addr)
		eval_peer_pod(&dst, dst.pod, dst.ep, family);
	eval_conn(&src, &dst, proto, port, &res);
	printf("%s: %s/%u from %s to %s\n", res.allowed ? "allow" : "deny", proto_name(proto), port,
	       peer_text(c, &src), peer_text(c, &dst));
	explain_side(c, &src, DIR_EGRESS, &res.side[DIR_EGRESS]);
	explain_side(c, &dst, DIR_INGRESS, &res.side[DIR_INGRESS]);
	return finish(c, 0);
}

static int cmd_table(struct cli *c)
{
	int proto, rc, family;
	uint16_t port;
	size_t n;
	struct eval_peer *peers;
	bool json = false;
	struct strbuf out = STRBUF_INIT;
	if (!c->port)
		return usage_error("%s", "table needs --port [PROTO/]PORT");
	if (parse_port(c->port, &proto, &port))
		return usage_error("--port takes [tcp|udp|sctp/]PORT (1-65535), not '%s'", c->port);
	if (c->output) {
		if (strcmp(c->output, "json"))
			return usage_error("table -o takes 'json', not '%s'", c->output);
		json = true;
	}
	rc = load(c);
	if (rc)
		return finish(c, rc);
	if (node_mode_ir(c))
		return finish(c, 1);
	family = c->family ? c->family : AF4;
	n = c->model.npods;
	peers = xcalloc(n + 1, sizeof(*peers));
	for (size_t i = 0; i < n; i++)
		eval_peer_pod(&peers[i], c->model.pods[i], &c->ir.eps[i], family);
	if (json) {
		strbuf_addf(&out, "{\"protocol\":\"%s\",\"port\":%u,\"family\":%d,\"pods\":[",
			    proto_name(proto), port, family);
		for (size_t i = 0; i < n; i++)
			strbuf_addf(&out, "%s\"%s/%s\"", i ? "," : "", c->model.pods[i]->ns,
				    c->model.pods[i]->name);
		strbuf_addstr(&out, "],\"allowed\":[");
		for (size_t i = 0; i < n; i++) {
			strbuf_addstr(&out, i ? ",[" : "[");
			for (size_t j = 0; j < n; j++) {
				struct eval_result res;
				eval_conn(&peers[i], &peers[j], proto, port, &res);
				strbuf_addf(&out, "%s%s", j ? "," : "",
					    res.allowed ? "true" : "false");
			}
			strbuf_addch(&out, ']');
		}
		strbuf_addstr(&out, "]}\n");
	} else {
		strbuf_addf(
			&out,
			"%s/%u over IPv%d: rows are sources, columns destinations; "
			"X allowed, . denied (the diagonal, a pod to itself, in lower case)\n\n",
			proto_name(proto), port, family);
		for (size_t i = 0; i < n; i++)
			strbuf_addf(&out, "%4zu  %s/%s%s\n", i, c->model.pods[i]->ns,
				    c->model.pods[i]->name,
				    c->model.pods[i]->workload_kind ? " (template)" : "");
		strbuf_addstr(&out, "\n      ");
		for (size_t j = 0; j < n; j++)
			strbuf_addf(&out, "%3zu", j);
		strbuf_addch(&out, '\n');
		for (size_t i = 0; i < n; i++) {
			strbuf_addf(&out, "%4zu  ", i);
			for (size_t j = 0; j < n; j++) {
				struct eval_result res;
				eval_conn(&peers[i], &peers[j], proto, port, &res);
				strbuf_addf(&out, "  %c", res.allowed ? (i == j ? 'x' : 'X') : '.');
			}
			strbuf_addch(&out, '\n');
		}
	}
	free(peers);
	diag_print(&c->diag, stderr);
	rc = cli_write_output(NULL, out.buf, out.len);
	strbuf_release(&out);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	int rc;
	if (argc < 2)
		return usage_error("%s", "missing command");
	c.cmd = argv[1];
	if (!strcmp(c.cmd, "--help") || !strcmp(c.cmd, "-h") || !strcmp(c.cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(c.cmd, "--version")) {
		puts("netpolc " NETPOLC_VERSION);
		return 0;
	}
	if (!strcmp(c.cmd, "cidr"))
		return cmd_cidr(argc - 1, argv + 1);
	if (strcmp(c.cmd, "compile") && strcmp(c.cmd, "check") && strcmp(c.cmd, "query") &&
	    strcmp(c.cmd, "table"))
		return usage_error("unknown command '%s'", c.cmd);
	rc = parse_args(&c, argc - 1, argv + 1);
	if (rc)
		goto out_args;
	{
		const char *names[] = { c.default_ns, c.host_ns };
		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			if (names[i] && valid_dns_label(names[i], strlen(names[i]))) {
				rc = usage_error("'%s' is not a namespace name", names[i]);
				goto out_args;
			}
		}
	}
	diag_init(&c.diag);
	c.diag.no_warnings = c.quiet;
	c.diag.werror = c.werror;
	c.diag.caret = true;
	model_init(&c.model, &c.arena);
	if (!strcmp(c.cmd, "compile"))
		rc = cmd_compile(&c);
	else if (!strcmp(c.cmd, "check"))
		rc = cmd_check(&c);
	else if (!strcmp(c.cmd, "query"))
		rc = cmd_query(&c);
	else
		rc = cmd_table(&c);
	diag_print(&c.diag, stderr);
	if (c.have_ir)
		ir_release(&c.ir);
	model_release(&c.model);
	diag_release(&c.diag);
	arena_release(&c.arena);
out_args:
	free(c.paths);
	free(c.ips);
	return rc;
}
