/*
 * registry.c - the one table of output formats (netpolc compile -t NAME)
 * and the options each declares.
 */
#include <string.h>

#include "backends/backend.h"

static const struct backend_opt calico_opts[] = {
	{ "calico-name-prefix", "PREFIX",
	  "put PREFIX before every metadata.name (Calico's own converter uses knp.default.)",
	  NULL },
	{ NULL, NULL, NULL, NULL },
};

static const struct backend_opt nft_opts[] = {
	{ "table", "NAME", "the name of our inet table (default netpolc)", nft_table_check },
	{ NULL, NULL, NULL, NULL },
};

/* iptables and ip6tables: the two files of one ruleset take the same options */
static const struct backend_opt ipt_opts[] = {
	{ "chain-prefix", "PREFIX", "the prefix of every chain of ours (default NETPOLC-)",
	  ipt_prefix_check },
	{ "ipset", "FILE",
	  "peer sets of 8 prefixes or more as ipsets, written to FILE for ipset restore (apply "
	  "it first)",
	  ipt_ipset_check },
	{ "coexist", NULL, "only our chains, for iptables-restore --noflush beside rules of others",
	  NULL },
	{ NULL, NULL, NULL, NULL },
};

static const struct backend_opt k8s_opts[] = {
	{ "inventory", "FILE",
	  "also write the inventory (Namespaces, Pods, workloads) to FILE, as kubectl get prints "
	  "it",
	  k8s_inventory_check },
	{ NULL, NULL, NULL, NULL },
};

/* sorted by name: `netpolc compile -t help` lists them in this order */
const struct backend backends[] = {
	{ "bpf",
	  "BPF map seeds (DIR/maps.json) for `netpolc bpf attach`: classes and port prefixes",
	  LEVEL_FLAT, OUT_DIR, NULL, bpf_emit },
	{ "calico", "projectcalico.org/v3 NetworkPolicy YAML (calicoctl/kubectl apply)",
	  LEVEL_MODEL, OUT_FILE, calico_opts, calico_emit },
	{ "dsl", "the netpolc policy language (.np), canonical: readable, diff-friendly",
	  LEVEL_MODEL, OUT_FILE, NULL, dsl_emit },
	{ "ip6tables", "an ip6tables-restore file: IPv6 chains of our own in the filter table",
	  LEVEL_FLAT, OUT_FILE, ipt_opts, ipt6_emit },
	{ "iptables", "an iptables-restore file: IPv4 chains of our own in the filter table",
	  LEVEL_FLAT, OUT_FILE, ipt_opts, ipt4_emit },
	{ "json", "the resolved endpoint IR as stable JSON, for tooling and diffs", LEVEL_ENDPOINT,
	  OUT_FILE, NULL, json_emit },
	{ "k8s",
	  "networking.k8s.io/v1 NetworkPolicy YAML (kubectl apply); refuses what it cannot say",
	  LEVEL_MODEL, OUT_FILE, k8s_opts, k8s_emit },
	{ "nftables", "an nft -f script: one inet table of our own, replaced atomically",
	  LEVEL_FLAT, OUT_FILE, nft_opts, nft_emit },
	{ NULL, NULL, LEVEL_MODEL, OUT_FILE, NULL, NULL },
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
