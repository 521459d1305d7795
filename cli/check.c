/*
 * check.c - "netpolc check": load, resolve in node mode, lint; nothing is
 * written but diagnostics.
 */
#include "cli/cli.h"
#include "ir/lint.h"

int cmd_check(struct cli *c)
{
	struct compilation comp;
	int rc;

	compilation_init(&comp, &c->wopts);
	rc = compilation_node(&comp, c->paths, c->npaths, c->default_ns);
	if (!rc)
		lint_run(&comp.model, &comp.ir, &comp.diag);
	rc = compilation_finish(&comp, rc);
	compilation_release(&comp);
	return rc;
}
