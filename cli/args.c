/*
 * args.c - option parsing for every command, usage errors and help.
 *
 * getopt_long runs over the options of every command and every backend,
 * so an option that exists but does not belong to this command (or this
 * target) gets its own message instead of "unknown option".
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ir/names.h"
#include "ir/select.h"
#include "lib/strbuf.h"
#include "lib/util.h"

int cli_usage_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;
	fputs("netpolc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (c && c->cmd)
		fprintf(stderr, "\ntry 'netpolc %s --help'\n", c->cmd->name);
	else
		fputs("\ntry 'netpolc --help'\n", stderr);
	return 2;
}

int cli_port_format(const struct cli *c, int *proto, uint16_t *port, const char **name, bool *json)
{
	if (!c->port)
		return cli_usage_error(c, "%s needs --port [PROTO/]PORT", c->cmd->name);
	if (c->nports > 1)
		return cli_usage_error(c, "%s takes one --port (table takes several)",
				       c->cmd->name);
	if (select_port_named(c->port, proto, port, name))
		return cli_usage_error(c, "--port takes [tcp|udp|sctp/]PORT (1-65535%s), not '%s'",
				       name ? ", or a port name" : "", c->port);
	*json = c->output && !strcmp(c->output, "json");
	if (c->output && !*json && strcmp(c->output, "text"))
		return cli_usage_error(c, "%s -o takes text or json, not '%s'", c->cmd->name,
				       c->output);
	return 0;
}

int cli_node(struct cli *c, struct compilation *comp)
{
	const char *why = selection_check(&c->sel);
	if (why || compilation_host(comp, &c->sel, &why))
		return cli_usage_error(c, "%s", why);
	return compilation_node(comp, c->paths, c->npaths, c->default_ns);
}

static void print_opt(FILE *f, const char *name, int shortopt, const char *arg, const char *help)
{
	struct strbuf sb = STRBUF_INIT;
	if (shortopt)
		strbuf_addf(&sb, "-%c, ", shortopt);
	strbuf_addf(&sb, "--%s%s%s", name, arg ? " " : "", arg ? arg : "");
	fprintf(f, "  %-30s %s\n", sb.buf, help);
	strbuf_release(&sb);
}

void cli_targets(FILE *f)
{
	for (const struct backend *b = backends; b->name; b++) {
		fprintf(f, "%-10s %s\n", b->name, b->summary);
		for (size_t i = 0; b->opts && b->opts[i].name; i++)
			print_opt(f, b->opts[i].name, 0, b->opts[i].arg, b->opts[i].help);
	}
}

static const struct cli_opt *own_opt(const struct command *cmd, int id)
{
	for (const struct cli_opt *o = cmd->opts; o->name; o++)
		if (o->id == id)
			return o;
	return NULL;
}

void cli_help(const struct command *cmd, FILE *f)
{
	if (!cmd) {
		fputs("usage: netpolc COMMAND [OPTION]... [ARG]...\n\ncommands:\n", f);
		for (const struct command *c = commands; c->name; c++)
			fprintf(f, "  %-8s %s\n", c->name, c->summary);
		fputs("\n'netpolc COMMAND --help' shows a command's options; "
		      "'netpolc --version' the version.\n"
		      "exit status: 0 success, 1 input or policy errors, 2 usage errors, "
		      "3 a negative answer\n",
		      f);
		return;
	}
	fprintf(f, "usage: netpolc %s %s\n\n%s\n\noptions:\n", cmd->name, cmd->synopsis,
		cmd->summary);
	for (const struct cli_opt *o = cmd->opts; o->name; o++)
		print_opt(f, o->name, o->id < 256 ? o->id : 0, o->arg, o->help);
	print_opt(f, "help", 'h', NULL, "this help");
	if (own_opt(cmd, OPT_WARNING)) {
		fputs("\nwarning classes (-W CLASS, no-CLASS, error=CLASS, no-error=CLASS):\n", f);
		for (int w = 0; w < DIAG_NCLASSES; w++)
			fprintf(f, "  %-21s %s\n", diag_class_name((enum diag_class)w),
				diag_class_help((enum diag_class)w));
	}
	if (cmd->backend_opts) {
		fputs("\ntargets and their options:\n", f);
		cli_targets(f);
	}
}

/* The getopt table: every command's options, then every backend's. */
struct optable {
	struct option *v;
	size_t n, alloc;
	const struct backend_opt **bopt; /* by OPT_BACKEND index */
	size_t nbopt, abopt;
	struct strbuf shorts;
};

static bool has_long(const struct optable *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			return true;
	return false;
}

static void add_long(struct optable *t, const char *name, bool arg, int id)
{
	struct option o = { name, arg ? required_argument : no_argument, NULL, id };
	if (has_long(t, name))
		return;
	VEC_PUSH(t->v, t->n, t->alloc, o);
	if (id < 256)
		strbuf_addf(&t->shorts, "%c%s", id, arg ? ":" : "");
}

static void optable_build(struct optable *t)
{
	static const struct option end = { NULL, 0, NULL, 0 };
	strbuf_init(&t->shorts);
	strbuf_addch(&t->shorts, ':');
	add_long(t, "help", false, OPT_HELP);
	for (const struct command *c = commands; c->name; c++)
		for (const struct cli_opt *o = c->opts; o->name; o++)
			add_long(t, o->name, o->arg != NULL, o->id);
	for (const struct backend *b = backends; b->name; b++) {
		for (size_t i = 0; b->opts && b->opts[i].name; i++) {
			if (has_long(t, b->opts[i].name))
				continue;
			add_long(t, b->opts[i].name, b->opts[i].arg != NULL,
				 OPT_BACKEND + (int)t->nbopt);
			VEC_PUSH(t->bopt, t->nbopt, t->abopt, &b->opts[i]);
		}
	}
	VEC_PUSH(t->v, t->n, t->alloc, end);
}

static void optable_release(struct optable *t)
{
	free(t->v);
	free(t->bopt);
	strbuf_release(&t->shorts);
}

static int set_family(struct cli *c, const char *v)
{
	if (!strcmp(v, "4") || !strcmp(v, "ipv4") || !strcmp(v, "inet"))
		c->family = AF4;
	else if (!strcmp(v, "6") || !strcmp(v, "ipv6") || !strcmp(v, "inet6"))
		c->family = AF6;
	else
		return cli_usage_error(c, "--family takes 4 or 6, not '%s'", v);
	return 0;
}

static int set_cidr_op(struct cli *c, enum cidr_op op, const char *other)
{
	if (c->cidr_op_given && (op != c->cidr_op || op != CIDR_MERGE))
		return cli_usage_error(c,
				       "only one of --merge, --exclude, --intersect may be given");
	c->cidr_op = op;
	c->cidr_op_given = true;
	c->cidr_other = other;
	return 0;
}

/* set: record option id with argument v; 0 or 2 after a usage error. */
static int set(struct cli *c, int id, const char *v)
{
	switch (id) {
	case OPT_FILE:
		VEC_PUSH(c->paths, c->npaths, c->apaths, v);
		return 0;
	case OPT_OUTPUT:
		c->output = v;
		return 0;
	case OPT_DEFAULT_NS:
		c->default_ns = v;
		return 0;
	case OPT_QUIET:
		c->wopts.quiet = true;
		return 0;
	case OPT_WERROR:
		c->wopts.werror = true;
		return 0;
	case OPT_WARNING:
		if (diag_wopts_set(&c->wopts, v))
			return cli_usage_error(c,
					       "'-W %s': not a warning class (-W CLASS, no-CLASS, "
					       "error=CLASS or no-error=CLASS; --help lists them)",
					       v);
		return 0;
	case OPT_STOP_AFTER:
		c->stop_after = v;
		return 0;
	case OPT_STATS:
		c->stats = true;
		return 0;
	case OPT_TARGET:
		c->target = v;
		return 0;
	case OPT_ENDPOINT:
		c->sel.endpoint = v;
		return 0;
	case OPT_NAMESPACE:
		c->sel.ns = v;
		return 0;
	case OPT_LABELS:
		c->sel.labels = v;
		return 0;
	case OPT_IP:
		VEC_PUSH(c->sel.ips, c->sel.nips, c->sel.aips, v);
		return 0;
	case OPT_NODE:
		c->sel.node = v;
		return 0;
	case OPT_FROM:
		c->from = v;
		return 0;
	case OPT_TO:
		c->to = v;
		return 0;
	case OPT_PORT:
		VEC_PUSH(c->ports, c->nports, c->aports, v);
		c->port = v;
		return 0;
	case OPT_FAMILY:
		return set_family(c, v);
	case OPT_MERGE:
		return set_cidr_op(c, CIDR_MERGE, NULL);
	case OPT_EXCLUDE:
		return set_cidr_op(c, CIDR_EXCLUDE, v);
	case OPT_INTERSECT:
		return set_cidr_op(c, CIDR_INTERSECT, v);
	case OPT_RANGES:
		c->ranges = true;
		return 0;
	case OPT_DEV:
		VEC_PUSH(c->devs, c->ndevs, c->adevs, v);
		return 0;
	case OPT_OBJECT:
		c->object = v;
		return 0;
	case OPT_BY:
		c->by = v;
		return 0;
	case OPT_EXPLAIN:
		c->explain = true;
		return 0;
	case OPT_EXPOSURE:
		c->exposure = true;
		return 0;
	case OPT_WRITE:
		c->write = true;
		return 0;
	}
	BUG("option %d has no handler", id);
}

/* check_names: the namespace names given must be namespace names. */
static int check_names(struct cli *c)
{
	const char *names[] = { c->default_ns, c->sel.ns };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i] && valid_dns_label(names[i], strlen(names[i])))
			return cli_usage_error(c, "'%s' is not a namespace name", names[i]);
	return 0;
}

int cli_parse(struct cli *c, const struct command *cmd, int argc, char **argv)
{
	struct optable t = { 0 };
	int ch, rc = -1, li = -1;

	c->cmd = cmd;
	optable_build(&t);
	optind = 1;
	opterr = 0;
	while (rc < 0 && (ch = getopt_long(argc, argv, t.shorts.buf, t.v, &li)) != -1) {
		const char *given = argv[optind - 1];
		char name[3] = { '-', (char)ch, '\0' };
		if (ch == OPT_HELP) {
			cli_help(cmd, stdout);
			rc = 0;
		} else if (ch == ':') {
			const struct cli_opt *o = own_opt(cmd, optopt);
			rc = cli_usage_error(c, "option '%s' needs %s", given,
					     o ? o->arg : "an argument");
		} else if (ch == '?') {
			rc = cli_usage_error(c, "unknown option '%s'", given);
		} else if (ch >= OPT_BACKEND && cmd->backend_opts) {
			struct cli_backend_opt b = { t.bopt[ch - OPT_BACKEND]->name,
						     optarg ? optarg : "" };
			VEC_PUSH(c->bopts, c->nbopts, c->abopts, b);
		} else if (ch >= OPT_BACKEND || !own_opt(cmd, ch)) {
			rc = cli_usage_error(c, "option '%s%s' does not apply to '%s'",
					     li >= 0 ? "--" : "", li >= 0 ? t.v[li].name : name,
					     cmd->name);
		} else if (set(c, ch, optarg)) {
			rc = 2;
		}
		li = -1;
	}
	optable_release(&t);
	if (rc >= 0)
		return rc;
	/* GNU getopt permutes: what is left are the paths, in order */
	c->nfile_opts = c->npaths;
	for (; optind < argc; optind++)
		VEC_PUSH(c->paths, c->npaths, c->apaths, argv[optind]);
	if (!c->npaths) {
		VEC_PUSH(c->paths, c->npaths, c->apaths, "-");
		c->no_paths = true;
	}
	return check_names(c) ? 2 : -1;
}

void cli_release(struct cli *c)
{
	free(c->paths);
	free(c->sel.ips);
	free(c->bopts);
	free(c->devs);
	free(c->ports);
}
