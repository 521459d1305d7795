/*
 * cli.h - subcommands of the netpolc command line (netpolc.c dispatches).
 *
 * Each returns the process exit status: 0 success, 1 input or policy
 * errors, 2 usage errors.
 */
#ifndef NETPOLC_CLI_H
#define NETPOLC_CLI_H

#include <stddef.h>

int cmd_cidr(int argc, char **argv);

/*
 * cli_write_output: write buf to path atomically (a temporary file in the
 * same directory, fsync, rename); path NULL or "-" writes to stdout.
 * Returns 0, or 1 after printing an error.
 */
int cli_write_output(const char *path, const char *buf, size_t len);

#endif
