/*
 * test_output.c - committing a backend's parts (cli/output.c): a directory
 * backend's files all written, or none and no directory left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"

static const struct backend dir_backend = {
	"dir", "test", LEVEL_MODEL, OUT_DIR, NULL, NULL, false
};
static const struct backend file_backend = { "file", "test", LEVEL_MODEL, OUT_FILE,
					     NULL,   NULL,   false };

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[256];
	size_t n;
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t entries(const char *dir)
{
	char cmd[512];
	FILE *p;
	size_t n = 0;
	int ch;
	snprintf(cmd, sizeof(cmd), "ls -A '%s'", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((ch = fgetc(p)) != EOF)
		n += ch == '\n';
	pclose(p);
	return n;
}

static void test_output_dir_all_parts(void **state)
{
	char top[] = "/tmp/netpolc-out.XXXXXX", dir[300], file[320], cmd[340];
	struct emit_out o = { 0 };
	(void)state;
	assert_non_null(mkdtemp(top));
	snprintf(dir, sizeof(dir), "%s/seeds", top);
	snprintf(file, sizeof(file), "%s/a.bin", dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	strbuf_addstr(emit_file(&o, "a.bin"), "one");
	strbuf_addstr(emit_file(&o, "maps.json"), "{}");
	strbuf_addstr(emit_file(&o, "a.bin"), "+more");
	assert_int_equal(o.n, 2);
	assert_int_equal(cli_commit(&dir_backend, dir, &o), 0);
	assert_int_equal(entries(dir), 2);
	assert_string_equal(slurp(file), "one+more");
	emit_out_release(&o);
	assert_int_equal(system(cmd), 0);
}

static void test_output_none_on_failure(void **state)
{
	char top[] = "/tmp/netpolc-out.XXXXXX", dir[300], bad[300], file[300];
	struct emit_out o = { 0 };
	(void)state;
	assert_non_null(mkdtemp(top));
	snprintf(dir, sizeof(dir), "%s/new", top);
	snprintf(file, sizeof(file), "%s/main.txt", top);
	snprintf(bad, sizeof(bad), "%s/no/such/dir/extra", top);
	/* a directory backend: the directory it made is removed again */
	strbuf_addstr(emit_file(&o, "a"), "a");
	strbuf_addstr(emit_path(&o, bad), "b");
	assert_int_equal(cli_commit(&dir_backend, dir, &o), 1);
	assert_int_equal(entries(top), 0);
	emit_out_release(&o);
	/* a file backend: the main file is not created when another part fails */
	strbuf_addstr(emit_main(&o), "main");
	strbuf_addstr(emit_path(&o, bad), "b");
	assert_int_equal(cli_commit(&file_backend, file, &o), 1);
	assert_int_equal(entries(top), 0);
	emit_out_release(&o);
	assert_int_equal(rmdir(top), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_dir_all_parts),
		cmocka_unit_test(test_output_none_on_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
