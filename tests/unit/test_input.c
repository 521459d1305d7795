/*
 * test_input.c - reading inputs: UTF-8 check, BOM, size cap, empty input,
 * YAML/JSON sniffing, files, directories (sorted walk, hidden entries,
 * symlink loops), stdin, read errors.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "frontend/frontend.h"
#include "ir/model.h"
#include "lib/arena.h"
#include "lib/diag.h"
#include "lib/strbuf.h"

struct run {
	struct arena a;
	struct diag d;
	struct model m;
	struct frontend_opts o;
	int rc;
};

static void run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	diag_init(&r->d);
	model_init(&r->m, &r->a);
	frontend_opts_default(&r->o);
}

static void run_release(struct run *r)
{
	model_release(&r->m);
	diag_release(&r->d);
	arena_release(&r->a);
}

static void dump(const struct run *r)
{
	for (size_t i = 0; i < r->d.nr; i++)
		print_error("  %s:%u:%u: %s\n", r->d.v[i]->loc.file, r->d.v[i]->loc.line,
			    r->d.v[i]->loc.col, r->d.v[i]->msg);
}

/* load_buf: frontend_load_buffer on a string that outlives the run (a literal). */
static void load_buf(struct run *r, const char *name, const char *text)
{
	run_init(r);
	r->rc = frontend_load_buffer(&r->a, &r->d, &r->o, name, text, strlen(text), &r->m);
}

static void expect_record_at(const struct run *r, size_t i, enum diag_level level, const char *file,
			     unsigned line, unsigned col, const char *msg, const char *sfile,
			     int sline)
{
	const struct diag_record *rec;
	if (i >= r->d.nr) {
		dump(r);
		_fail(sfile, sline);
	}
	rec = r->d.v[i];
	if (rec->level != level || strcmp(rec->loc.file, file) || rec->loc.line != line ||
	    rec->loc.col != col || !strstr(rec->msg, msg)) {
		print_error("want %s:%u:%u '%s'; got:\n", file, line, col, msg);
		dump(r);
		_fail(sfile, sline);
	}
}
#define expect_error(r, i, file, line, col, msg) \
	expect_record_at((r), (i), DIAG_ERROR, (file), (line), (col), (msg), __FILE__, __LINE__)
#define expect_warning(r, i, file, line, col, msg) \
	expect_record_at((r), (i), DIAG_WARNING, (file), (line), (col), (msg), __FILE__, __LINE__)

/* ---- UTF-8 --------------------------------------------------------------- */

struct utf8_case {
	const char *text;
	size_t len;
	size_t bad; /* == len when valid */
};

#define U(s, bad)                     \
	{                             \
		s, sizeof(s) - 1, bad \
	}
static const struct utf8_case utf8_cases[] = {
	U("", 0),
	U("plain ascii text that is longer than eight bytes", 48),
	U("caf\xc3\xa9", 5),
	U("\xe2\x82\xac and \xf0\x9f\x98\x80", 12),
	U("\xef\xbf\xbf", 3),	  /* U+FFFF */
	U("\xf4\x8f\xbf\xbf", 4), /* U+10FFFF */
	U("abc\xff", 3),
	U("abc\x80zz", 3),	  /* lone continuation */
	U("\xc0\x80", 0),	  /* overlong NUL */
	U("\xc1\xbf", 0),	  /* overlong */
	U("\xe0\x80\x80", 0),	  /* overlong */
	U("\xe0\x9f\xbf", 0),	  /* overlong */
	U("\xed\xa0\x80", 0),	  /* surrogate U+D800 */
	U("\xed\x9f\xbf", 3),	  /* U+D7FF is fine */
	U("\xf0\x80\x80\x80", 0), /* overlong */
	U("\xf4\x90\x80\x80", 0), /* above U+10FFFF */
	U("\xf5\x80\x80\x80", 0),
	U("ok\xc3", 2), /* truncated at the end */
	U("ok\xe2\x82", 2),
	U("ok\xe2\x82x", 2), /* bad continuation */
	U("0123456789\xc3(", 10),
	U("a\0b", 3), /* NUL is valid UTF-8 (the readers reject it) */
};

static void test_utf8_check(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		const struct utf8_case *c = &utf8_cases[i];
		size_t got = utf8_check(c->text, c->len);
		if (got != c->bad) {
			print_error("case %zu: got %zu, want %zu\n", i, got, c->bad);
			fail();
		}
	}
}

static void test_invalid_utf8_position(void **state)
{
	struct run r;
	(void)state;
	load_buf(&r, "u.yaml", "kind: Namespace\nname: caf\xc3\xa9 \xff\n");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.nr, 1);
	expect_error(&r, 0, "u.yaml", 2, 12, "invalid UTF-8 (byte 0xff)");
	run_release(&r);

	load_buf(&r, "u.json", "{\"a\":\n\"\xed\xa0\x80\"}");
	expect_error(&r, 0, "u.json", 2, 2, "invalid UTF-8 (byte 0xed)");
	run_release(&r);
}

/* ---- buffers ------------------------------------------------------------- */

static const char ns_yaml[] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: alpha\n";
static const char ns_json[] = "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", "
			      "\"metadata\": {\"name\": \"beta\"}}";

static void test_objects_reach_the_model(void **state)
{
	struct run r;
	(void)state;
	load_buf(&r, "ns.yaml", ns_yaml);
	if (r.d.nr)
		dump(&r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.m.nnamespaces, 1);
	assert_int_equal(r.m.ninputs, 1);
	assert_string_equal(r.m.inputs[0], "ns.yaml");
	run_release(&r);

	load_buf(&r, "ns.json", ns_json);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.m.nnamespaces, 1);
	run_release(&r);
}

static void test_bom_is_skipped(void **state)
{
	struct run r;
	(void)state;
	load_buf(&r, "bom.yaml",
		 "\xef\xbb\xbf"
		 "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: alpha\n");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.m.nnamespaces, 1);
	run_release(&r);
	/* columns on the first line do not count the BOM */
	load_buf(&r, "bom.json", "\xef\xbb\xbf{\"a\" 1}");
	expect_error(&r, 0, "bom.json", 1, 6, "':' expected");
	run_release(&r);
}

static void test_empty_inputs(void **state)
{
	static const char *const empties[] = { "", "\n\n", "# just a comment\n", "---\n...\n",
					       "  \n   \n" };
	struct run r;
	(void)state;
	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		load_buf(&r, "e.yaml", empties[i]);
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.d.errors, 0);
		assert_int_equal(r.d.nr, 1);
		expect_warning(&r, 0, "e.yaml", 0, 0, "no objects");
		run_release(&r);
	}
	load_buf(&r, "e.json", " \n");
	assert_int_equal(r.rc, 0);
	expect_warning(&r, 0, "e.json", 0, 0, "no objects");
	run_release(&r);
}

static void test_size_cap(void **state)
{
	struct run r;
	(void)state;
	run_init(&r);
	r.o.limits.max_file_size = 10;
	r.rc = frontend_load_buffer(&r.a, &r.d, &r.o, "big.yaml", ns_yaml, strlen(ns_yaml), &r.m);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.nr, 1);
	expect_error(&r, 0, "big.yaml", 0, 0, "larger than the size limit of 10 bytes");
	assert_int_equal(r.m.nnamespaces, 0);
	run_release(&r);
}

static void test_json_or_yaml(void **state)
{
	struct run r;
	(void)state;
	/* by content: jansson's message proves the JSON reader ran */
	load_buf(&r, "x.yaml", "  {\"a\": 1,}");
	expect_error(&r, 0, "x.yaml", 1, 11, "string or '}' expected");
	run_release(&r);
	load_buf(&r, "-", "\n[1 2]");
	expect_error(&r, 0, "-", 2, 4, "']' expected near '2'");
	run_release(&r);
	/* by name, whatever the content */
	load_buf(&r, "x.json", "a: 1\n");
	expect_error(&r, 0, "x.json", 1, 1, "invalid token near 'a'");
	run_release(&r);
	/* YAML otherwise */
	load_buf(&r, "x.yml", "a: [\n");
	expect_error(&r, 0, "x.yml", 2, 1, "did not find expected node content");
	run_release(&r);
	/* the policy language for .np, whatever the content: its errors, not YAML's */
	load_buf(&r, "x.np", "a: [\n");
	assert_int_equal(r.d.nr, 1);
	expect_error(&r, 0, "x.np", 1, 1, "unexpected 'a:', expected end of input, 'policy'");
	run_release(&r);
}

static void test_reader_errors_stop_nothing_else(void **state)
{
	struct run r;
	(void)state;
	/* the bad document is dropped, the good one still reaches the model */
	load_buf(&r, "two.yaml",
		 "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, name: b}\n"
		 "---\n"
		 "apiVersion: v1\nkind: Namespace\nmetadata: {name: c}\n");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.errors, 1);
	expect_error(&r, 0, "two.yaml", 3, 21, "duplicate key \"name\"");
	assert_int_equal(r.m.nnamespaces, 1);
	run_release(&r);
}

/* ---- files and directories ----------------------------------------------- */

static char tmpdir[64];

static void put(const char *rel, const char *text)
{
	struct strbuf p = STRBUF_INIT;
	FILE *f;
	strbuf_addf(&p, "%s/%s", tmpdir, rel);
	f = fopen(p.buf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	strbuf_release(&p);
}

static void mkd(const char *rel)
{
	struct strbuf p = STRBUF_INIT;
	strbuf_addf(&p, "%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(p.buf, 0700), 0);
	strbuf_release(&p);
}

static int setup_tree(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/netpolc-input-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int teardown_tree(void **state)
{
	struct strbuf cmd = STRBUF_INIT;
	int rc;
	(void)state;
	strbuf_addf(&cmd, "rm -rf '%s'", tmpdir);
	rc = system(cmd.buf);
	strbuf_release(&cmd);
	return rc == 0 ? 0 : -1;
}

static void load_paths(struct run *r, const char *const *paths, size_t n)
{
	run_init(r);
	r->rc = frontend_load(&r->a, &r->d, &r->o, paths, n, &r->m);
}

static void test_directory_walk_sorted(void **state)
{
	struct strbuf root = STRBUF_INIT, link = STRBUF_INIT;
	const char *paths[1];
	struct run r;
	/* per directory, as filepath.Walk does: "a/" comes before "a.json" */
	static const char *const order[] = { "B.yaml", "a/x.yml", "a.json",
					     "a.yaml", "a0.yml",  "b.yaml" };
	(void)state;
	/* every file has a syntax error, so the errors show the reading order */
	mkd("walk");
	mkd("walk/a");
	mkd("walk/.git");
	put("walk/b.yaml", "b: [\n");
	put("walk/a.yaml", "a: [\n");
	put("walk/B.yaml", "B: [\n");
	put("walk/a0.yml", "a0: [\n");
	put("walk/a.json", "{,}");
	put("walk/a/x.yml", "x: [\n");
	put("walk/notes.txt", "ignored: [\n");
	put("walk/.hidden.yaml", "hidden: [\n");
	put("walk/.git/config.yaml", "git: [\n");
	strbuf_addf(&root, "%s/walk", tmpdir);
	strbuf_addf(&link, "%s/walk/a/loop", tmpdir);
	assert_int_equal(symlink("..", link.buf), 0);
	strbuf_reset(&link);
	strbuf_addf(&link, "%s/walk/self.yaml", tmpdir);
	assert_int_equal(symlink("self.yaml", link.buf), 0); /* a loop of its own */

	paths[0] = root.buf;
	load_paths(&r, paths, 1);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.m.ninputs, 1);
	assert_string_equal(r.m.inputs[0], root.buf);
	/* the files in byte order, then the broken symlink */
	assert_int_equal(r.d.nr, 7);
	for (size_t i = 0; i < 6; i++) {
		struct strbuf want = STRBUF_INIT;
		strbuf_addf(&want, "%s/%s", root.buf, order[i]);
		if (strcmp(r.d.v[i]->loc.file, want.buf)) {
			print_error("record %zu: %s, want %s\n", i, r.d.v[i]->loc.file, want.buf);
			dump(&r);
			fail();
		}
		assert_true(r.d.v[i]->loc.line >= 1);
		strbuf_release(&want);
	}
	assert_non_null(strstr(r.d.v[6]->loc.file, "self.yaml"));
	assert_non_null(strstr(r.d.v[6]->msg, "Too many levels of symbolic links"));
	run_release(&r);
	strbuf_release(&root);
	strbuf_release(&link);
}

static void test_files_and_read_errors(void **state)
{
	struct strbuf f1 = STRBUF_INIT, f2 = STRBUF_INIT, missing = STRBUF_INIT;
	const char *paths[3];
	struct run r;
	(void)state;
	mkd("files");
	put("files/ns.yaml", ns_yaml);
	put("files/ns.txt", ns_json); /* named on the command line: read whatever its name */
	strbuf_addf(&f1, "%s/files/ns.yaml", tmpdir);
	strbuf_addf(&f2, "%s/files/ns.txt", tmpdir);
	strbuf_addf(&missing, "%s/files/missing.yaml", tmpdir);
	paths[0] = f1.buf;
	paths[1] = missing.buf;
	paths[2] = f2.buf;
	load_paths(&r, paths, 3);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.nr, 1);
	expect_error(&r, 0, missing.buf, 0, 0, "No such file or directory");
	assert_int_equal(r.m.nnamespaces, 2);
	assert_int_equal(r.m.ninputs, 3);
	assert_string_equal(r.m.inputs[1], missing.buf);
	run_release(&r);
	strbuf_release(&f1);
	strbuf_release(&f2);
	strbuf_release(&missing);
}

static void test_file_size_cap(void **state)
{
	struct strbuf f = STRBUF_INIT;
	const char *paths[1];
	struct run r;
	(void)state;
	mkd("cap");
	put("cap/ns.yaml", ns_yaml);
	strbuf_addf(&f, "%s/cap/ns.yaml", tmpdir);
	paths[0] = f.buf;
	run_init(&r);
	r.o.limits.max_file_size = 20;
	r.rc = frontend_load(&r.a, &r.d, &r.o, paths, 1, &r.m);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.nr, 1);
	expect_error(&r, 0, f.buf, 0, 0, "larger than the size limit of 20 bytes");
	run_release(&r);
	/* exactly at the limit is fine */
	run_init(&r);
	r.o.limits.max_file_size = strlen(ns_yaml);
	r.rc = frontend_load(&r.a, &r.d, &r.o, paths, 1, &r.m);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.m.nnamespaces, 1);
	run_release(&r);
	strbuf_release(&f);
}

/* with_stdin: run frontend_load on "-" with fd 0 reading file rel. */
static void with_stdin(struct run *r, const char *rel, size_t cap)
{
	struct strbuf f = STRBUF_INIT;
	const char *paths[1] = { "-" };
	int saved = dup(0), fd;
	strbuf_addf(&f, "%s/%s", tmpdir, rel);
	fd = open(f.buf, O_RDONLY);
	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	run_init(r);
	if (cap)
		r->o.limits.max_file_size = cap;
	r->rc = frontend_load(&r->a, &r->d, &r->o, paths, 1, &r->m);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	strbuf_release(&f);
}

static void test_stdin(void **state)
{
	struct run r;
	(void)state;
	mkd("stdin");
	put("stdin/in", ns_yaml);
	with_stdin(&r, "stdin/in", 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.m.nnamespaces, 1);
	assert_string_equal(r.m.inputs[0], "<stdin>");
	run_release(&r);

	put("stdin/bad", "kind: [\n");
	with_stdin(&r, "stdin/bad", 0);
	expect_error(&r, 0, "<stdin>", 2, 1, "did not find expected node content");
	run_release(&r);

	/* a stream is read with a bounded read as well */
	with_stdin(&r, "stdin/in", 16);
	expect_error(&r, 0, "<stdin>", 0, 0, "larger than the size limit of 16 bytes");
	run_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_check),
		cmocka_unit_test(test_invalid_utf8_position),
		cmocka_unit_test(test_objects_reach_the_model),
		cmocka_unit_test(test_bom_is_skipped),
		cmocka_unit_test(test_empty_inputs),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_json_or_yaml),
		cmocka_unit_test(test_reader_errors_stop_nothing_else),
		cmocka_unit_test(test_directory_walk_sorted),
		cmocka_unit_test(test_files_and_read_errors),
		cmocka_unit_test(test_file_size_cap),
		cmocka_unit_test(test_stdin),
	};
	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
