/*
 * svgcheck.c - reads a picture netpolc wrote and checks it, for
 * tests/check-pictures.sh; independent of netpolc's code.
 *
 *     svgcheck [--html] FILE [TABLE.json]
 *
 * 1. Well-formed: tags balanced and properly nested, one root element
 *    (SVG), names well formed, every attribute quoted and given once,
 *    no '<' in attribute values, every '&' a valid entity or character
 *    reference to a character XML allows, no "]]>" in text, the whole file
 *    valid UTF-8.  With --html: a <!DOCTYPE html> first and the void
 *    element <meta> are allowed.
 * 2. With TABLE.json (`netpolc table -o json` of the same inputs and
 *    ports): every cell <g class="cell" data-from="I" data-to="J"> has one
 *    part per port, and its colours (s-allow / s-deny) are the JSON's
 *    verdicts for every pod or external address its row and column stand
 *    for (data-members of the row labels); between two external peers a
 *    cell is s-none.  Every pair of the JSON is covered exactly once.
 *
 * Prints one line per problem (at most 20) and exits 1, or prints a
 * summary and exits 0.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int problems;

static void problem(const char *fmt, const char *what, long at)
{
	if (problems++ < 20) {
		fprintf(stderr, "svgcheck: ");
		fprintf(stderr, fmt, what);
		fprintf(stderr, " (byte %ld)\n", at);
	}
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;
	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (n + 65536 > cap) {
			cap = 2 * cap + 65536;
			buf = realloc(buf, cap + 1);
			if (!buf)
				exit(2);
		}
		r = fread(buf + n, 1, 65536, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* utf8_ok: s[0..n) is valid UTF-8 without NUL. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], k, v;
		if (!c)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : 0;
		if (!k || c > 0xf4 || i + k >= n)
			return false;
		v = c & (0x3f >> k);
		for (unsigned j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			v = v << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && v < 0x800) || (k == 3 && v < 0x10000) || v > 0x10ffff ||
		    (v >= 0xd800 && v <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

/* entity: a valid reference at s ('&'); its length, or 0. */
static size_t entity(const char *s)
{
	static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	const char *e = strchr(s, ';');
	unsigned long v;
	char *end;
	for (size_t i = 0; i < sizeof(named) / sizeof(*named); i++)
		if (!strncmp(s, named[i], strlen(named[i])))
			return strlen(named[i]);
	if (s[1] != '#' || !e)
		return 0;
	v = s[2] == 'x' ? strtoul(s + 3, &end, 16) : strtoul(s + 2, &end, 10);
	if (end != e || end == s + 2 || end == s + 3)
		return 0;
	if (!(v == 9 || v == 10 || v == 13 || (v >= 0x20 && v <= 0xd7ff) ||
	      (v >= 0xe000 && v <= 0xfffd) || (v >= 0x10000 && v <= 0x10ffff)))
		return 0;
	return (size_t)(e - s) + 1;
}

static bool name_char(int c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
	       (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

static size_t name_len(const char *s)
{
	size_t n = 0;
	if (!name_char(s[0], true))
		return 0;
	while (name_char(s[n], n == 0))
		n++;
	return n;
}

/* text_ok: character data from s to e: entities valid, no '<' (caller), no "]]>". */
static void text_ok(const char *base, const char *s, const char *e)
{
	for (const char *p = s; p < e; p++) {
		if (*p == '&' && !entity(p))
			problem("bad entity in %s", "text", p - base);
		if (!strncmp(p, "]]>", 3) && p + 3 <= e)
			problem("%s in text", "]]>", p - base);
	}
}

/* The cells and labels read for the semantic check. */
struct cell {
	long from, to;
	char parts[64]; /* 'a' allow, 'd' deny, 'n' none, '?' other */
	int nparts;
};
static struct cell *cells;
static size_t ncells, acells;
static char **members; /* by row index */
static size_t nmembers;

static char *attr_value(const char *tag, const char *end, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = tag; p + n + 2 < end; p++) {
		if (p[-1] == ' ' && !strncmp(p, name, n) && p[n] == '=' && p[n + 1] == '"') {
			const char *v = p + n + 2, *q = strchr(v, '"');
			char *out = malloc((size_t)(q - v) + 1), *o = out;
			/* unescape the five entities netpolc writes */
			while (v < q) {
				if (!strncmp(v, "&amp;", 5))
					*o++ = '&', v += 5;
				else if (!strncmp(v, "&lt;", 4))
					*o++ = '<', v += 4;
				else if (!strncmp(v, "&gt;", 4))
					*o++ = '>', v += 4;
				else if (!strncmp(v, "&quot;", 6))
					*o++ = '"', v += 6;
				else if (!strncmp(v, "&#39;", 5))
					*o++ = '\'', v += 5;
				else
					*o++ = *v++;
			}
			*o = '\0';
			return out;
		}
	}
	return NULL;
}

/* note: what a tag tells the semantic check. */
static void note(const char *name, size_t nlen, const char *tag, const char *end)
{
	char *cls = attr_value(tag, end, "class");
	if (nlen == 1 && *name == 'g' && cls && !strcmp(cls, "cell")) {
		char *f = attr_value(tag, end, "data-from"), *t = attr_value(tag, end, "data-to");
		struct cell c = { f ? atol(f) : -1, t ? atol(t) : -1, "", 0 };
		if (ncells == acells) {
			acells = 2 * acells + 64;
			cells = realloc(cells, acells * sizeof(*cells));
		}
		cells[ncells++] = c;
		free(f);
		free(t);
	} else if (nlen == 4 && !strncmp(name, "rect", 4) && cls && ncells &&
		   !strncmp(cls, "s-", 2) && !strstr(cls, " k")) {
		struct cell *c = &cells[ncells - 1];
		if (c->nparts < 63)
			c->parts[c->nparts++] = !strcmp(cls, "s-allow")	 ? 'a'
						: !strcmp(cls, "s-deny") ? 'd'
						: !strcmp(cls, "s-none") ? 'n'
									 : '?';
	} else if (nlen == 4 && !strncmp(name, "text", 4) && cls && !strncmp(cls, "row", 3)) {
		char *i = attr_value(tag, end, "data-peer"),
		     *m = attr_value(tag, end, "data-members");
		size_t k = i ? (size_t)atol(i) : 0;
		if (k >= nmembers) {
			members = realloc(members, (k + 1) * sizeof(*members));
			memset(members + nmembers, 0, (k + 1 - nmembers) * sizeof(*members));
			nmembers = k + 1;
		}
		members[k] = m;
		free(i);
	}
	free(cls);
}

/* wellformed: the checks of 1. above over buf. */
static void wellformed(const char *buf, size_t len, bool html)
{
	const char *p = buf, *stack[256];
	size_t slen[256], depth = 0, roots = 0;
	if (!utf8_ok((const unsigned char *)buf, len))
		problem("%s", "not valid UTF-8", 0);
	if (!strncmp(p, "<?xml ", 6)) {
		p = strstr(p, "?>");
		p = p ? p + 2 : buf + len;
	} else if (html && !strncmp(p, "<!DOCTYPE html>", 15)) {
		p += 15;
	}
	while (*p) {
		const char *lt = strchr(p, '<'), *gt, *q;
		size_t n;
		bool closing, empty;
		if (!lt)
			lt = buf + len;
		text_ok(buf, p, lt);
		if (depth == 0)
			for (q = p; q < lt; q++)
				if (*q != ' ' && *q != '\n') {
					problem("%s outside the root", "text", q - buf);
					break;
				}
		if (!*lt)
			break;
		closing = lt[1] == '/';
		q = lt + 1 + closing;
		n = name_len(q);
		if (!n) {
			problem("%s", "a '<' that starts no tag", lt - buf);
			p = lt + 1;
			continue;
		}
		/* attributes: name="value" with a space before each */
		for (gt = q + n; *gt && *gt != '>' && !(gt[0] == '/' && gt[1] == '>');) {
			size_t an;
			const char *v, *e;
			if (*gt != ' ') {
				problem("%s", "junk in a tag", gt - buf);
				break;
			}
			while (*gt == ' ')
				gt++;
			if (*gt == '>' || (gt[0] == '/' && gt[1] == '>'))
				break;
			an = name_len(gt);
			if (!an || gt[an] != '=' || (gt[an + 1] != '"' && gt[an + 1] != '\'')) {
				problem("%s", "an attribute without a quoted value", gt - buf);
				break;
			}
			v = gt + an + 2;
			e = strchr(v, gt[an + 1]);
			if (!e) {
				problem("%s", "an unterminated attribute", gt - buf);
				return;
			}
			for (const char *a = q + n; a < gt; a++)
				if (a[-1] == ' ' && !strncmp(a, gt, an + 1))
					problem("%s", "an attribute given twice", gt - buf);
			for (const char *c = v; c < e; c++)
				if (*c == '<' || (*c == '&' && !entity(c)))
					problem("%s", "'<' or a bad entity in an attribute",
						c - buf);
			gt = e + 1;
		}
		if (!*gt) {
			problem("%s", "an unterminated tag", lt - buf);
			return;
		}
		empty = *gt == '/';
		if (closing) {
			if (!depth || slen[depth - 1] != n || strncmp(stack[depth - 1], q, n))
				problem("%s", "a closing tag that closes no open element",
					lt - buf);
			else
				depth--;
		} else {
			note(q, n, q + n, gt);
			if (html && n == 4 && !strncmp(q, "meta", 4))
				empty = true;
			if (!depth && roots++)
				problem("%s", "a second root element", lt - buf);
			if (!empty) {
				if (depth == 256) {
					problem("%s", "too deep", lt - buf);
					return;
				}
				stack[depth] = q;
				slen[depth++] = n;
			}
		}
		p = gt + (empty && *gt == '/' ? 2 : 1);
	}
	if (depth)
		problem("%s", "elements left open at the end", (long)len);
	if (!roots)
		problem("%s", "no element", 0);
}

/* json_verdicts: the verdicts of cell value v as a string of 'a'/'d'. */
static void json_verdicts(json_t *v, char *out)
{
	size_t n = 0;
	if (json_is_boolean(v)) {
		out[n++] = json_is_true(v) ? 'a' : 'd';
	} else {
		for (size_t i = 0; i < json_array_size(v) && n < 63; i++)
			out[n++] = json_is_true(json_array_get(v, i)) ? 'a' : 'd';
	}
	out[n] = '\0';
}

/* A member of a peer: a pod (index into the JSON pods) or an external entry. */
struct member {
	bool ext;
	size_t i;
};

static size_t split(json_t *t, const char *s, struct member *out, size_t max)
{
	json_t *pods = json_object_get(t, "pods"), *ext = json_object_get(t, "external");
	size_t n = 0;
	/* an external peer's members are its addresses, all of one JSON entry */
	for (size_t e = 0; e < json_array_size(ext); e++) {
		json_t *a = json_object_get(json_array_get(ext, e), "addresses");
		char joined[4096] = "";
		for (size_t k = 0; k < json_array_size(a); k++) {
			strncat(joined, k ? " " : "", sizeof(joined) - strlen(joined) - 1);
			strncat(joined, json_string_value(json_array_get(a, k)),
				sizeof(joined) - strlen(joined) - 1);
		}
		if (!strcmp(joined, s)) {
			out[0].ext = true;
			out[0].i = e;
			return 1;
		}
	}
	while (*s && n < max) {
		const char *sp = strchr(s, ' ');
		size_t len = sp ? (size_t)(sp - s) : strlen(s), k;
		for (k = 0; k < json_array_size(pods); k++) {
			const char *name = json_string_value(json_array_get(pods, k));
			if (strlen(name) == len && !strncmp(name, s, len))
				break;
		}
		if (k == json_array_size(pods))
			problem("member %s is no pod or external entry of the JSON", s, 0);
		out[n].ext = false;
		out[n++].i = k;
		s += len + (sp ? 1 : 0);
	}
	return n;
}

static void semantic(const char *path)
{
	json_error_t err;
	json_t *t = json_load_file(path, 0, &err);
	json_t *pods, *allowed, *ext;
	size_t np, ne, covered = 0, want, nports;
	unsigned char *seen;
	static struct member a[4096], b[4096];
	if (!t) {
		fprintf(stderr, "svgcheck: %s: %s\n", path, err.text);
		exit(2);
	}
	pods = json_object_get(t, "pods");
	allowed = json_object_get(t, "allowed");
	ext = json_object_get(t, "external");
	np = json_array_size(pods);
	ne = json_array_size(ext);
	nports = json_array_size(json_object_get(t, "ports"));
	want = np * np + 2 * ne * np;
	seen = calloc(want + 1, 1);
	for (size_t c = 0; c < ncells; c++) {
		const struct cell *cl = &cells[c];
		size_t na, nb;
		if (cl->from < 0 || cl->to < 0 || (size_t)cl->from >= nmembers ||
		    (size_t)cl->to >= nmembers || !members[cl->from] || !members[cl->to]) {
			problem("%s", "a cell whose row or column has no data-members", 0);
			continue;
		}
		if ((size_t)cl->nparts != nports)
			problem("%s", "a cell without one part per port", 0);
		na = split(t, members[cl->from], a, 4096);
		nb = split(t, members[cl->to], b, 4096);
		for (size_t x = 0; x < na; x++) {
			for (size_t y = 0; y < nb; y++) {
				char v[64], got[64];
				size_t slot;
				json_t *cellv;
				if (a[x].ext && b[y].ext) {
					for (int k = 0; k < cl->nparts; k++)
						if (cl->parts[k] != 'n')
							problem("%s",
								"a coloured cell between two "
								"external peers",
								0);
					continue;
				}
				if (a[x].ext) {
					cellv = json_array_get(
						json_object_get(json_array_get(ext, a[x].i),
								"from"),
						b[y].i);
					slot = np * np + a[x].i * np + b[y].i;
				} else if (b[y].ext) {
					cellv = json_array_get(
						json_object_get(json_array_get(ext, b[y].i), "to"),
						a[x].i);
					slot = np * np + ne * np + b[y].i * np + a[x].i;
				} else {
					cellv = json_array_get(json_array_get(allowed, a[x].i),
							       b[y].i);
					slot = a[x].i * np + b[y].i;
				}
				json_verdicts(cellv, v);
				memcpy(got, cl->parts, (size_t)cl->nparts);
				got[cl->nparts] = '\0';
				if (strcmp(v, got)) {
					char what[600];
					snprintf(what, sizeof(what),
						 "cell %ld,%ld is %s, the JSON says %s", cl->from,
						 cl->to, got, v);
					problem("%s", what, 0);
				}
				if (slot < want && seen[slot]++)
					problem("%s", "a pair of the JSON in two cells", 0);
			}
		}
	}
	for (size_t s = 0; s < want; s++)
		covered += seen[s] != 0;
	if (covered != want) {
		char what[100];
		snprintf(what, sizeof(what), "%zu of %zu pairs of the JSON in no cell",
			 want - covered, want);
		problem("%s", what, 0);
	}
	if (!problems)
		printf("svgcheck: %zu cells agree with %zu pairs of %s\n", ncells, want, path);
	free(seen);
	json_decref(t);
}

int main(int argc, char **argv)
{
	bool html = argc > 1 && !strcmp(argv[1], "--html");
	size_t len;
	char *buf;
	if (argc - html < 2 || argc - html > 3) {
		fprintf(stderr, "usage: svgcheck [--html] FILE [TABLE.json]\n");
		return 2;
	}
	buf = slurp(argv[1 + html], &len);
	wellformed(buf, len, html);
	if (argc - html == 3)
		semantic(argv[2 + html]);
	else if (!problems)
		printf("svgcheck: %s well formed, %zu cells\n", argv[1 + html], ncells);
	free(buf);
	return problems ? 1 : 0;
}
