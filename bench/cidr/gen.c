/*
 * gen.c - seeded generator of address lists for the cidr benchmark.
 *
 *     gen SEED COUNT [6]
 *
 * prints COUNT lines: IPv4 prefixes (or IPv6 with "6") shaped like real
 * block lists and routing tables: prefixes clustered in a limited number
 * of /20s (or /32s for IPv6), runs of adjacent prefixes, prefixes nested in
 * earlier ones, single addresses and exact duplicates.  Every prefix is
 * canonical (no host bits set).  The same SEED gives the same output.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

static uint32_t mask4(unsigned len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

static void gen4(unsigned long count)
{
	unsigned long nclusters = count / 4 + 1;
	uint32_t *cluster = malloc(nclusters * sizeof(*cluster));
	uint32_t *hist = malloc(count * sizeof(*hist));
	unsigned char *hlen = malloc(count);
	uint32_t prev = 0;
	unsigned prev_len = 24;

	if (!cluster || !hist || !hlen)
		exit(1);
	for (unsigned long i = 0; i < nclusters; i++) {
		/* a /20 in 1.0.0.0-223.255.255.255, avoiding 127/8 */
		uint32_t top;
		do
			top = 1 + below(223);
		while (top == 127);
		cluster[i] = top << 24 | below(4096) << 12;
	}
	for (unsigned long i = 0; i < count; i++) {
		uint32_t r = below(100), a;
		unsigned len;
		if (r < 38) { /* a /22../24 in a cluster */
			len = 22 + below(3);
			a = cluster[below((uint32_t)nclusters)] | below(4096);
		} else if (r < 58 && i) { /* the block right after the previous one */
			len = prev_len;
			a = prev + (prev_len ? (uint32_t)1 << (32 - prev_len) : 0);
		} else if (r < 73) { /* a single address */
			len = 32;
			a = cluster[below((uint32_t)nclusters)] | below(4096);
		} else if (r < 83 && i) { /* nested in an earlier prefix */
			uint32_t k = below((uint32_t)i);
			len = hlen[k] + 1 + below(8);
			if (len > 32)
				len = 32;
			a = hist[k] | (below(4096) & ~mask4(hlen[k] > 20 ? hlen[k] : 20));
		} else if (r < 84) { /* a large block */
			len = 14 + below(6);
			a = cluster[below((uint32_t)nclusters)];
		} else if (r < 98) { /* a small block */
			len = 25 + below(7);
			a = cluster[below((uint32_t)nclusters)] | below(4096);
		} else if (i) { /* an exact duplicate */
			uint32_t k = below((uint32_t)i);
			len = hlen[k];
			a = hist[k];
		} else {
			len = 24;
			a = cluster[0];
		}
		a &= mask4(len);
		hist[i] = a;
		hlen[i] = (unsigned char)len;
		prev = a;
		prev_len = len;
		printf("%u.%u.%u.%u/%u\n", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, len);
	}
	free(cluster);
	free(hist);
	free(hlen);
}

static void gen6(unsigned long count)
{
	unsigned long nclusters = count / 24 + 1;
	uint32_t *cluster = malloc(nclusters * sizeof(*cluster));
	uint64_t prev = 0;
	unsigned prev_len = 48;

	if (!cluster)
		exit(1);
	for (unsigned long i = 0; i < nclusters; i++)
		cluster[i] = 0x20000000u | below(1u << 29); /* a /32 in 2000::/3 */
	for (unsigned long i = 0; i < count; i++) {
		uint32_t r = below(100);
		uint64_t hi;
		uint64_t lo = 0;
		unsigned len;
		if (r < 20 && i) { /* after the previous block (upper 64 bits only) */
			len = prev_len;
			hi = prev + ((uint64_t)1 << (64 - len));
		} else {
			uint64_t c = (uint64_t)cluster[below((uint32_t)nclusters)] << 32;
			hi = c | rng() >> 32;
			len = r < 50 ? 48 : r < 75 ? 56 : r < 90 ? 64 : r < 95 ? 36 : 128;
		}
		if (len <= 64) {
			hi &= len ? ~(uint64_t)0 << (64 - len) : 0;
			prev = hi;
			prev_len = len;
		} else {
			lo = rng();
		}
		printf("%x:%x:%x:%x:%x:%x:%x:%x/%u\n", (unsigned)(hi >> 48),
		       (unsigned)(hi >> 32) & 0xffff, (unsigned)(hi >> 16) & 0xffff,
		       (unsigned)hi & 0xffff, (unsigned)(lo >> 48), (unsigned)(lo >> 32) & 0xffff,
		       (unsigned)(lo >> 16) & 0xffff, (unsigned)lo & 0xffff, len);
	}
	free(cluster);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: gen SEED COUNT [6]\n", stderr);
		return 2;
	}
	rng_state = strtoull(argv[1], NULL, 10);
	if (argc > 3 && argv[3][0] == '6')
		gen6(strtoul(argv[2], NULL, 10));
	else
		gen4(strtoul(argv[2], NULL, 10));
	return fflush(stdout) ? 1 : 0;
}
