/*
 * registry.c - the one table of output formats (netpolc compile -t NAME).
 */
#include <string.h>

#include "backends/backend.h"

/* sorted by name: `netpolc compile -t help` lists them in this order */
const struct backend backends[] = {
	{ "calico", "projectcalico.org/v3 NetworkPolicy YAML (calicoctl/kubectl apply)",
	  LEVEL_MODEL, calico_emit },
	{ "json", "the resolved endpoint IR as stable JSON, for tooling and diffs", LEVEL_ENDPOINT,
	  json_emit },
	{ "nftables", "an nft -f script: one inet table of our own, replaced atomically",
	  LEVEL_ENDPOINT, nft_emit },
	{ NULL, NULL, LEVEL_MODEL, NULL },
};

const struct backend *backend_find(const char *name)
{
	for (const struct backend *b = backends; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	if (!strcmp(name, "nft"))
		return backend_find("nftables");
	return NULL;
}
