/*
 * genutil.c - random numbers, time stamps and the JSON writer of the
 * cluster generator (gen.h).
 */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---- random numbers -------------------------------------------------- */

/*
 * A 64-bit xorshift generator with a multiplicative output step; the seed
 * is scrambled by an odd-constant multiply-xorshift so that nearby seeds
 * give unrelated streams.
 */
static uint64_t rng_s;

void rng_seed(uint64_t seed)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
	z ^= z >> 29;
	z *= 0xbf58476d1ce4e5b9ULL;
	z ^= z >> 32;
	rng_s = z ? z : 0x2545f4914f6cdd1dULL;
}

static uint64_t rng(void)
{
	rng_s ^= rng_s >> 12;
	rng_s ^= rng_s << 25;
	rng_s ^= rng_s >> 27;
	return rng_s * 0x2545f4914f6cdd1dULL;
}

/* below: uniform in [0, n) (n > 0; the bias is negligible for our n). */
unsigned below(unsigned n)
{
	return (unsigned)((rng() >> 11) % n);
}

/* chance: true with probability pct percent. */
bool chance(unsigned pct)
{
	return below(100) < pct;
}

void *emalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p) {
		fputs("gen: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

void *erealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fputs("gen: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* rand_str: n characters from the alphabet Kubernetes uses for generated names. */
void rand_str(char *out, size_t n)
{
	static const char alpha[] = "bcdfghjklmnpqrstvwxz2456789";
	for (size_t i = 0; i < n; i++)
		out[i] = alpha[below(sizeof(alpha) - 1)];
	out[n] = '\0';
}

void rand_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++)
		out[i] = hex[below(16)];
	out[n] = '\0';
}

/* rand_uid: a version-4 UUID. */
void rand_uid(char out[37])
{
	rand_hex(out, 36);
	out[8] = out[13] = out[18] = out[23] = '-';
	out[14] = '4';
	out[19] = "89ab"[below(4)];
}

/* ---- time stamps ------------------------------------------------------ */

#define EPOCH_YEAR 2024

static bool leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* fmt_time: RFC 3339 UTC time of t seconds after the epoch. */
static void fmt_time(char out[48], long t)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long days = t / 86400, sec = t % 86400, y = EPOCH_YEAR;
	int m = 0;

	while (days >= (leap(y) ? 366 : 365)) {
		days -= leap(y) ? 366 : 365;
		y++;
	}
	while (days >= mdays[m] + (m == 1 && leap(y))) {
		days -= mdays[m] + (m == 1 && leap(y));
		m++;
	}
	snprintf(out, 48, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m + 1, (int)days + 1,
		 (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

/* ---- JSON writer ------------------------------------------------------ */

void jw_flush(struct jw *w)
{
	if (w->f && w->len && fwrite(w->buf, 1, w->len, w->f) != w->len) {
		perror("gen: write");
		exit(1);
	}
	w->len = 0;
}

static void jw_reserve(struct jw *w, size_t n)
{
	if (w->f && w->len + n > ((size_t)1 << 20))
		jw_flush(w);
	if (w->len + n + 1 > w->cap) {
		while (w->len + n + 1 > w->cap)
			w->cap = w->cap ? w->cap * 2 : 4096;
		w->buf = erealloc(w->buf, w->cap);
	}
}

static void jw_put(struct jw *w, const char *s, size_t n)
{
	jw_reserve(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

void jw_puts(struct jw *w, const char *s)
{
	jw_put(w, s, strlen(s));
}

static void jw_newline(struct jw *w, int depth)
{
	if (!w->pretty)
		return;
	jw_reserve(w, 1 + 4 * (size_t)depth);
	w->buf[w->len++] = '\n';
	memset(w->buf + w->len, ' ', 4 * (size_t)depth);
	w->len += 4 * (size_t)depth;
	w->buf[w->len] = '\0';
}

/* jw_member: start a new member of the current container. */
static void jw_member(struct jw *w)
{
	if (w->depth == 0)
		return;
	if (!w->empty[w->depth])
		jw_put(w, ",", 1);
	w->empty[w->depth] = false;
	jw_newline(w, w->depth);
}

static void jw_value(struct jw *w)
{
	if (w->after_key)
		w->after_key = false;
	else
		jw_member(w);
}

static void jw_quoted(struct jw *w, const char *s)
{
	jw_put(w, "\"", 1);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			jw_put(w, esc, 2);
		} else if (c == '\n') {
			jw_put(w, "\\n", 2);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			jw_put(w, esc, 6);
		} else {
			jw_put(w, p, 1);
		}
	}
	jw_put(w, "\"", 1);
}

void jw_open(struct jw *w, char c)
{
	jw_value(w);
	jw_put(w, &c, 1);
	if (++w->depth >= JW_MAXDEPTH) {
		fputs("gen: nesting too deep\n", stderr);
		exit(1);
	}
	w->empty[w->depth] = true;
}

void jw_close(struct jw *w, char c)
{
	if (!w->empty[w->depth])
		jw_newline(w, w->depth - 1);
	w->depth--;
	jw_put(w, &c, 1);
}

void jw_key(struct jw *w, const char *k)
{
	jw_member(w);
	jw_quoted(w, k);
	jw_puts(w, w->pretty ? ": " : ":");
	w->after_key = true;
}

void jw_str(struct jw *w, const char *s)
{
	jw_value(w);
	jw_quoted(w, s);
}

static void jw_int(struct jw *w, long long v)
{
	char b[32];
	jw_value(w);
	snprintf(b, sizeof(b), "%lld", v);
	jw_puts(w, b);
}

static void jw_bool(struct jw *w, bool v)
{
	jw_value(w);
	jw_puts(w, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
	jw_value(w);
	jw_puts(w, "null");
}

void kv_str(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_str(w, v);
}

void kv_int(struct jw *w, const char *k, long long v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void kv_bool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void kv_time(struct jw *w, const char *k, long t)
{
	char b[48];
	fmt_time(b, t);
	kv_str(w, k, b);
}

void kv_obj(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_open(w, '{');
}

void kv_arr(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_open(w, '[');
}

void kv_empty_obj(struct jw *w, const char *k)
{
	kv_obj(w, k);
	jw_close(w, '}');
}
