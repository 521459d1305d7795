/*
 * registry.c - the one table of output formats (netpolc compile -t NAME)
 * and the options each declares.
 */
#include <string.h>

#include "backends/backend.h"
#include "backends/hostfw.h"

static const struct backend_opt calico_opts[] = {
	{ "calico-name-prefix", "PREFIX",
	  "put PREFIX before every metadata.name (Calico's own converter uses knp.default.)", NULL,
	  0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

/* the host-firewall options (backends/hostfw.h), in the help text of both firewall targets */
#define HELP_REJECT                                                                            \
	"reject instead of drop what isolation denies (TCP reset, else ICMP administratively " \
	"prohibited)"
#define HELP_ALLOW                                                                       \
	"host mode, repeatable: accept [in:|out:]PROTO/PORT[-PORT][@PREFIX] before the " \
	"policies (in by default), e.g. in:tcp/22@10.0.0.0/8 keeps SSH open"

static const struct backend_opt nft_opts[] = {
	{ "table", "NAME", "the name of our inet table (default netpolc)", nft_table_check, 0 },
	{ "priority", "N", "the hook priority of our base chains (default filter, 0; -199 to 1000)",
	  nft_priority_check, 0 },
	{ "counters", NULL, "a counter in every rule (nft list table shows packets and bytes)",
	  NULL, 0 },
	{ "log-prefix", "PREFIX",
	  "log what isolation drops, 10 packets a second per rule, with PREFIX (at most 127 "
	  "characters)",
	  nft_log_prefix_check, 0 },
	{ "reject", NULL, HELP_REJECT, NULL, 0 },
	{ "allow", "SPEC", HELP_ALLOW, hostfw_allow_check, BOPT_REPEAT | BOPT_HOST },
	{ NULL, NULL, NULL, NULL, 0 },
};

/* iptables and ip6tables: the two files of one ruleset take the same options */
static const struct backend_opt ipt_opts[] = {
	{ "chain-prefix", "PREFIX", "the prefix of every chain of ours (default NETPOLC-)",
	  ipt_prefix_check, 0 },
	{ "ipset", "FILE",
	  "peer sets of 8 prefixes or more as ipsets, written to FILE for ipset restore (apply "
	  "it first)",
	  ipt_ipset_check, 0 },
	{ "coexist", NULL, "only our chains, for iptables-restore --noflush beside rules of others",
	  NULL, 0 },
	{ "log-prefix", "PREFIX",
	  "log what isolation drops, 10 packets a second per rule, with PREFIX (at most 29 "
	  "characters)",
	  ipt_log_prefix_check, 0 },
	{ "reject", NULL, HELP_REJECT, NULL, 0 },
	{ "allow", "SPEC", HELP_ALLOW, hostfw_allow_check, BOPT_REPEAT | BOPT_HOST },
	{ NULL, NULL, NULL, NULL, 0 },
};

static const struct backend_opt k8s_opts[] = {
	{ "inventory", "FILE",
	  "also write the inventory (Namespaces, Pods, workloads) to FILE, as kubectl get prints "
	  "it",
	  k8s_inventory_check, 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

static const struct backend_opt json_opts[] = {
	{ "locations", NULL,
	  "also the input paths and every origin's file, line and column (not diff-stable)", NULL,
	  0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

/* sorted by name: `netpolc compile -t help` lists them in this order */
const struct backend backends[] = {
	{ "bpf",
	  "BPF map seeds (DIR/maps.json) for `netpolc bpf attach`: classes and port prefixes",
	  LEVEL_FLAT, OUT_DIR, NULL, bpf_emit, false },
	{ "calico", "projectcalico.org/v3 NetworkPolicy YAML (calicoctl/kubectl apply)",
	  LEVEL_MODEL, OUT_FILE, calico_opts, calico_emit, true },
	{ "dsl", "the netpolc policy language (.np), canonical: readable, diff-friendly",
	  LEVEL_MODEL, OUT_FILE, NULL, dsl_emit, false },
	{ "ip6tables", "an ip6tables-restore file: IPv6 chains of our own in the filter table",
	  LEVEL_FLAT, OUT_FILE, ipt_opts, ipt6_emit, false },
	{ "iptables", "an iptables-restore file: IPv4 chains of our own in the filter table",
	  LEVEL_FLAT, OUT_FILE, ipt_opts, ipt4_emit, false },
	{ "json", "the resolved endpoint IR as stable JSON, for tooling and diffs", LEVEL_ENDPOINT,
	  OUT_FILE, json_opts, json_emit, false },
	{ "k8s",
	  "networking.k8s.io/v1 NetworkPolicy YAML (kubectl apply); refuses what it cannot say",
	  LEVEL_MODEL, OUT_FILE, k8s_opts, k8s_emit, false },
	{ "nftables", "an nft -f script: one inet table of our own, replaced atomically",
	  LEVEL_FLAT, OUT_FILE, nft_opts, nft_emit, false },
	{ NULL, NULL, LEVEL_MODEL, OUT_FILE, NULL, NULL, false },
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
