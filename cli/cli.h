/*
 * cli.h - the command line: the command table, option parsing shared by
 * every command, usage errors and help, and committing output.
 *
 * Every command declares its options; the parser rejects any other one
 * (exit 2).  Commands return the process exit status: 0 success, 1 input
 * or policy errors, 2 usage errors, 3 a negative answer.
 */
#ifndef NETPOLC_CLI_H
#define NETPOLC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backends/backend.h"
#include "cli/driver.h"
#include "lib/strbuf.h"

#define NETPOLC_VERSION "0.1.0"

enum opt_id {
	OPT_FILE = 'f',
	OPT_HELP = 'h',
	OPT_DEFAULT_NS = 'n',
	OPT_OUTPUT = 'o',
	OPT_QUIET = 'q',
	OPT_TARGET = 't',
	OPT_WARNING = 'W',
	OPT_WRITE = 'w',
	OPT_ENDPOINT = 256,
	OPT_NAMESPACE,
	OPT_LABELS,
	OPT_IP,
	OPT_NODE,
	OPT_FROM,
	OPT_TO,
	OPT_PORT,
	OPT_FAMILY,
	OPT_WERROR,
	OPT_STATS,
	OPT_STOP_AFTER,
	OPT_MERGE,
	OPT_EXCLUDE,
	OPT_INTERSECT,
	OPT_RANGES,
	OPT_DEV,
	OPT_OBJECT,
	OPT_BY,
	OPT_EXPLAIN,
	OPT_EXPOSURE,
	OPT_BACKEND = 1024, /* the options backends declare: OPT_BACKEND + their index */
};

/* An option of a command: its id, long name, argument name (NULL: a flag) and help. */
struct cli_opt {
	int id;
	const char *name;
	const char *arg;
	const char *help;
};

/* The options every command that reads policies takes. */
#define CLI_INPUT_OPTS                                                                \
	{ OPT_FILE, "file", "PATH", "an input file or directory (also without -f)" }, \
		{ OPT_DEFAULT_NS, "default-namespace", "NS",                          \
		  "namespace for objects without one" },                              \
		{ OPT_QUIET, "quiet", NULL, "no warnings" },                          \
		{ OPT_WERROR, "werror", NULL, "treat warnings as errors" },           \
	{                                                                             \
		OPT_WARNING, "warning", "[no-|error=]W",                              \
			"silence warning class W, or make it an error"                \
	}

struct cli;

struct command {
	const char *name;
	int (*run)(struct cli *c);
	const char *synopsis; /* the arguments, after "netpolc NAME " */
	const char *summary;
	const struct cli_opt *opts; /* ends with a row whose name is NULL */
	bool backend_opts;	    /* also takes the options the backends declare */
};

/* The commands, in netpolc.c; the last row's name is NULL. */
extern const struct command commands[];

enum cidr_op { CIDR_MERGE, CIDR_EXCLUDE, CIDR_INTERSECT };

/* A backend option as given: --name value ("" for a flag). */
struct cli_backend_opt {
	const char *name, *value;
};

/* The options of one run (no compilation state: see driver.h). */
struct cli {
	const struct command *cmd;
	const char **paths; /* those given with -f first, then the others */
	size_t npaths, apaths;
	size_t nfile_opts; /* how many of paths came with -f */
	bool no_paths;	   /* none was given: paths is "-" */
	const char *output, *default_ns, *target;
	struct selection sel;
	const char *from, *to, *port; /* port: the last --port */
	const char **ports;	      /* every --port, in order (table takes several) */
	size_t nports, aports;
	int family; /* 0: choose */
	const char *by;
	bool explain, exposure;
	struct diag_wopts wopts; /* -q, --werror, -W */
	bool stats;
	bool write;		/* fmt -w */
	const char *stop_after; /* compile --stop-after PASS */
	enum cidr_op cidr_op;
	bool cidr_op_given, ranges;
	const char *cidr_other;
	const char **devs; /* bpf: --dev, in order */
	size_t ndevs, adevs;
	const char *object; /* bpf attach --object */
	struct cli_backend_opt *bopts;
	size_t nbopts, abopts;
};

/*
 * cli_parse: argv[0] is the command's name.  Returns -1 to run it; 0 after
 * printing its help (--help); 2 after a usage error.
 */
int cli_parse(struct cli *c, const struct command *cmd, int argc, char **argv);
void cli_release(struct cli *c);

/* cli_usage_error: "netpolc: MESSAGE" and a hint at the command's help; returns 2. */
__attribute__((format(printf, 2, 3))) int cli_usage_error(const struct cli *c, const char *fmt,
							  ...);
/*
 * cli_port_format: --port into *proto and *port (or a port name into
 * *name; name NULL: numbers only), and -o (text or json) into *json, for
 * query; 0, or 2 after a usage error.
 */
int cli_port_format(const struct cli *c, int *proto, uint16_t *port, const char **name, bool *json);
/*
 * cli_node: the compilation of query, table and list: the host that
 * --namespace/--labels/--ip name joins the inventory (compilation_host),
 * then the inputs are loaded and resolved in node mode over every pod.
 * Returns 0; 1 after errors queued in comp->diag; 2 after printing a
 * usage error.
 */
int cli_node(struct cli *c, struct compilation *comp);
/* cli_help: the usage and options of cmd (NULL: the command list). */
void cli_help(const struct command *cmd, FILE *f);
/* cli_targets: the backends, their summaries and their options. */
void cli_targets(FILE *f);

/*
 * cli_commit: write every part of o: the main part to output (NULL or "-":
 * stdout), a directory backend's files into the directory output (created
 * if missing), paths as given.  All or nothing: each file is written to a
 * temporary file beside it and renamed only when all are written.
 * Returns 0, or 1 after printing an error.
 */
int cli_commit(const struct backend *be, const char *output, struct emit_out *o);
/* cli_stdout: write buf to standard output; 0, or 1 after printing an error. */
int cli_stdout(const char *buf, size_t len);

/* Bytes a streaming command gathers before a write to standard output. */
#define CLI_CHUNK (256 * 1024)
/*
 * cli_flush: write out to standard output and empty it once it holds
 * CLI_CHUNK bytes, or whatever it holds when last; 0, or 1 after an error.
 */
int cli_flush(struct strbuf *out, bool last);

int cmd_compile(struct cli *c);
int cmd_check(struct cli *c);
int cmd_query(struct cli *c);
int cmd_table(struct cli *c);
int cmd_cidr(struct cli *c);
/* cmd_bpf: netpolc bpf attach|detach (cli/bpf.c). */
int cmd_bpf(struct cli *c);
int cmd_list(struct cli *c);
int cmd_diff(struct cli *c);
/* cmd_test: netpolc test FILE [PATH]... (cli/test.c). */
int cmd_test(struct cli *c);
/* cmd_fmt: netpolc fmt (cli/fmt.c). */
int cmd_fmt(struct cli *c);

#endif
