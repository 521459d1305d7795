/*
 * netpolc.c - main: the command table and dispatch.
 *
 * Each command lives in cli/NAME.c and declares its options here; the
 * parser (cli/args.c) rejects any other option.  Exit status: 0 success,
 * 1 input or policy errors, 2 usage errors, 3 a negative answer (query
 * deny, diff changed, a test failed).  On any error no output file is created or changed.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* A host outside the input: it joins the inventory as NS/host (compile: host mode for it). */
#define HOST_OPTS                                                                           \
	{ OPT_NAMESPACE, "namespace", "NS",                                                 \
	  "a host outside the input, in namespace NS: it joins the inventory as NS/host" }, \
		{ OPT_LABELS, "labels", "K=V[,K=V...]", "that host's labels" },             \
	{                                                                                   \
		OPT_IP, "ip", "ADDR", "that host's address (repeatable)"                    \
	}

#define SELECTION_OPTS                                                                         \
	{ OPT_ENDPOINT, "endpoint", "NS/NAME", "host mode: the rules of this inventory pod" }, \
		HOST_OPTS,                                                                     \
	{                                                                                      \
		OPT_NODE, "node", "NODE", "node mode for the pods of NODE only"                \
	}

static const struct cli_opt compile_opts[] = {
	{ OPT_TARGET, "target", "TARGET", "the output format ('-t help' lists them)" },
	{ OPT_OUTPUT, "output", "OUT", "the output file (default: standard output), or directory" },
	CLI_INPUT_OPTS,
	SELECTION_OPTS,
	{ OPT_STATS, "stats", NULL, "print what each IR pass did to standard error" },
	{ OPT_STOP_AFTER, "stop-after", "PASS",
	  "run the IR passes up to PASS only (resolve: none; merge; group): with -t json, "
	  "the IR after PASS" },
	{ 0, NULL, NULL, NULL },
};

static const struct cli_opt check_opts[] = {
	CLI_INPUT_OPTS,
	{ 0, NULL, NULL, NULL },
};

static const struct cli_opt query_opts[] = {
	{ OPT_FROM, "from", "PEER", "the source: NAMESPACE/NAME or an IP address" },
	{ OPT_TO, "to", "PEER", "the destination: NAMESPACE/NAME or an IP address" },
	{ OPT_PORT, "port", "[PROTO/]PORT",
	  "tcp (default), udp or sctp, and a port number or a container port name of --to" },
	{ OPT_FAMILY, "family", "4|6",
	  "the address family of named pods (default: one both have)" },
	{ OPT_OUTPUT, "output", "FORMAT", "text (default) or json" },
	HOST_OPTS,
	CLI_INPUT_OPTS,
	{ 0, NULL, NULL, NULL },
};

static const struct cli_opt table_opts[] = {
	{ OPT_PORT, "port", "[PROTO/]PORT",
	  "tcp (default), udp or sctp, and a port number; repeatable" },
	{ OPT_FAMILY, "family", "4|6", "the address family (default 4)" },
	{ OPT_OUTPUT, "output", "FORMAT", "text (default), json, svg or html" },
	HOST_OPTS,
	CLI_INPUT_OPTS,
	{ 0, NULL, NULL, NULL },
};

static const struct cli_opt test_opts[] = {
	{ OPT_OUTPUT, "output", "FORMAT", "the report: text (default) or json" },
	CLI_INPUT_OPTS,
	{ 0, NULL, NULL, NULL },
};

#define REVIEW_OPTS                                                                  \
	{ OPT_BY, "by", "pod|workload|namespace", "the peers (default: workload)" }, \
	{                                                                            \
		OPT_FAMILY, "family", "4|6", "the address family (default 4)"        \
	}

static const struct cli_opt list_opts[] = {
	REVIEW_OPTS,
	{ OPT_EXPLAIN, "explain", NULL, "the deciding rule of each side for each connection set" },
	{ OPT_EXPOSURE, "exposure", NULL,
	  "the workloads no ingress policy selects and those external addresses reach" },
	{ OPT_FROM, "from", "PEER", "only sources named PEER, or in namespace PEER" },
	{ OPT_TO, "to", "PEER", "only destinations named PEER, or in namespace PEER" },
	{ OPT_PORT, "port", "[PROTO/]PORT", "only connection sets holding this port" },
	{ OPT_OUTPUT, "output", "FORMAT", "text (default), json, csv, markdown or dot" },
	HOST_OPTS,
	CLI_INPUT_OPTS,
	{ 0, NULL, NULL, NULL },
};

static const struct cli_opt diff_opts[] = {
	REVIEW_OPTS,
	{ OPT_OUTPUT, "output", "FORMAT", "text (default), json or markdown" },
	{ OPT_FILE, "file", "PATH", "a shared inventory, read into both versions" },
	{ OPT_DEFAULT_NS, "default-namespace", "NS", "namespace for objects without one" },
	{ OPT_QUIET, "quiet", NULL, "no warnings" },
	{ OPT_WERROR, "werror", NULL, "treat warnings as errors" },
	{ OPT_WARNING, "warning", "[no-|error=]W", "silence warning class W, or make it an error" },
	{ 0, NULL, NULL, NULL },
};

static const struct cli_opt cidr_opts[] = {
	{ OPT_MERGE, "merge", NULL, "the union of the inputs (the default)" },
	{ OPT_EXCLUDE, "exclude", "FILE", "the inputs minus the addresses in FILE" },
	{ OPT_INTERSECT, "intersect", "FILE", "the inputs within the addresses in FILE" },
	{ OPT_RANGES, "ranges", NULL, "print LO-HI ranges instead of prefixes" },
	{ 0, NULL, NULL, NULL },
};

static const struct cli_opt bpf_opts[] = {
	{ OPT_DEV, "dev", "IFACE", "an interface to attach to or detach from (repeatable)" },
	{ OPT_OBJECT, "object", "FILE",
	  "attach: the BPF object (default: netpolc.bpf.o, found "
	  "next to the binary or in ../lib/netpolc/)" },
	{ 0, NULL, NULL, NULL },
};

static const struct cli_opt fmt_opts[] = {
	{ OPT_WRITE, "write", NULL,
	  "rewrite the files that change, in place, instead of printing" },
	{ 0, NULL, NULL, NULL },
};

const struct command commands[] = {
	{ "compile", cmd_compile,
	  "-t TARGET [PATH]... [-o OUT] [--endpoint NS/NAME | --namespace NS [--labels K=V,...] "
	  "[--ip ADDR]... | --node NODE] [TARGET OPTIONS]",
	  "compile policies and inventory into a target's format", compile_opts, true },
	{ "check", cmd_check, "[PATH]...", "validate and lint; nothing is written", check_opts,
	  false },
	{ "query", cmd_query, "[PATH]... --from PEER --to PEER --port [PROTO/]PORT [-o json]",
	  "may a connection open, and which rules decide; exit 0 allow, 3 deny", query_opts,
	  false },
	{ "test", cmd_test, "FILE [PATH]... [-o text|json]",
	  "reachability tests: check a file of expected verdicts; exit 0 all pass, 3 any fails",
	  test_opts, false },
	{ "table", cmd_table,
	  "[PATH]... --port [PROTO/]PORT... [--family 4|6] [-o text|json|svg|html]",
	  "the verdicts between pods, workloads and external addresses on one or more ports",
	  table_opts, false },
	{ "list", cmd_list,
	  "[PATH]... [--by pod|workload|namespace] [--explain] [--exposure] [--from PEER] "
	  "[--to PEER] [--port [PROTO/]PORT] [-o text|json|csv|markdown|dot]",
	  "every allowed connection set between peers, over all protocols and ports", list_opts,
	  false },
	{ "diff", cmd_diff,
	  "OLD NEW [-f PATH]... [--by pod|workload|namespace] [-o text|json|markdown]",
	  "the connections that change between two versions (each a file, a directory or "
	  "git:REV:PATH); exit 0 same, 3 changed",
	  diff_opts, false },
	{ "cidr", cmd_cidr, "[--merge | --exclude FILE | --intersect FILE] [--ranges] [FILE]...",
	  "merge, exclude or intersect address lists; print the fewest prefixes", cidr_opts,
	  false },
	{ "fmt", cmd_fmt, "[-w] [FILE.np]...",
	  "lay out policy language files canonically (comments kept): to standard output, or "
	  "in place with -w",
	  fmt_opts, false },
	{ "bpf", cmd_bpf, "attach DIR --dev IFACE... [--object FILE] | detach --dev IFACE...",
	  "load the BPF datapath with the seeds of compile -t bpf, or remove it", bpf_opts, false },
	{ NULL, NULL, NULL, NULL, NULL, false },
};

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	struct cli c = { 0 };
	int rc;

	if (!name)
		return cli_usage_error(NULL, "missing command");
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		cli_help(NULL, stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V") || !strcmp(name, "version")) {
		puts("netpolc " NETPOLC_VERSION);
		return 0;
	}
	for (const struct command *cmd = commands; cmd->name; cmd++) {
		if (strcmp(cmd->name, name))
			continue;
		rc = cli_parse(&c, cmd, argc - 1, argv + 1);
		if (rc < 0)
			rc = cmd->run(&c);
		cli_release(&c);
		return rc;
	}
	return cli_usage_error(NULL, "unknown command '%s'", name);
}
