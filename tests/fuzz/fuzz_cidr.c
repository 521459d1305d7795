/*
 * fuzz_cidr.c - libFuzzer target: arbitrary bytes as lines for the address
 * parser, then the set algebra on what parsed: union, intersection,
 * difference and complement must agree with each other and with the
 * minimal prefix list (an exact, not only crash-free, check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ir/addrset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addrset s[2] = { ADDRSET_INIT, ADDRSET_INIT };
	struct addrset u, i, d, c, back = ADDRSET_INIT;
	const char *p = (const char *)data, *end = p + size;
	struct prefix *v;
	size_t n, k = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct prefix px;
		bool host;
		const char *why;
		if (len < 64 && !prefix_parse_n(p, len, &px, &host, &why)) {
			char buf[ADDR_STRLEN];
			struct prefix again;
			addrset_add_prefix(&s[k++ & 1], &px);
			/* the canonical text parses back to the same prefix */
			prefix_format(&px, buf);
			if (prefix_parse(buf, &again, &host, &why) || host ||
			    addr_cmp(&again.a, &px.a) || again.len != px.len)
				abort();
		}
		p += len + 1;
	}
	addrset_union(&u, &s[0], &s[1]);
	addrset_intersect(&i, &s[0], &s[1]);
	addrset_subtract(&d, &s[0], &s[1]);
	addrset_complement(&c, &u, (1u << AF4) | (1u << AF6));
	if (!addrset_subset(&i, &u) || !addrset_subset(&d, &s[0]) || !addrset_subset(&s[1], &u))
		abort();
	{
		struct addrset x = ADDRSET_INIT;
		addrset_intersect(&x, &c, &u);
		if (!addrset_is_empty(&x))
			abort();
		addrset_release(&x);
	}
	v = addrset_prefixes(&u, &n);
	for (size_t j = 0; j < n; j++)
		addrset_add_prefix(&back, &v[j]);
	if (!addrset_equal(&back, &u) || n != addrset_count_prefixes(&u))
		abort();
	free(v);
	addrset_release(&back);
	addrset_release(&u);
	addrset_release(&i);
	addrset_release(&d);
	addrset_release(&c);
	addrset_release(&s[0]);
	addrset_release(&s[1]);
	return 0;
}
