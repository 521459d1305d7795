/*
 * layout.h - the maps shared by the BPF datapath (bpf/netpolc.bpf.c), the
 * seed writer (backends/bpf.c) and the loader (cli/bpf.c).
 *
 * NPC_LAYOUT_VERSION names everything below: a seed of another version is
 * refused by the loader, and the loader refuses to fill maps of a running
 * program of another version (detach first).  Change it with any change
 * of a key, a value, a map type, a size or a meaning.
 *
 * Byte order: every field named be_* and every address is in network byte
 * order (big endian), so that LPM keys compare as bit strings; other fields
 * are host order.  Keys are fully initialised, padding included (zero).
 *
 * Per packet the program makes at most five lookups, whatever the number
 * of policies, rules and endpoints:
 *
 *   npc_ctl[0]        the active generation (0 or 1)
 *   npc_gen[gen]      mode and, in host mode, the endpoint's programs
 *   npc_ep            node mode: endpoint address -> its two program ids
 *   npc_cls4/6        LPM: (program, peer address prefix) -> peer class
 *   npc_verdict       LPM: (program, class, protocol, port prefix) -> verdict
 *
 * plus the flow table npc_flow (connection state, not generation-bound).
 *
 * Program ids.  A seed's program id is 31 bits of a hash of the program's
 * content (0: not enforced; the next free value should two programs meet),
 * so a policy change renumbers only the programs it changes.  In the maps
 * an id carries the generation
 * in bit 31 (NPC_GEN_BIT), so the two generations never share a key and a
 * policy update is: fill the inactive generation, then write one word,
 * npc_ctl[0].  A packet reads the generation once, so it sees either the
 * old or the new policy, never a mix.  The inactive generation's entries
 * are removed at the start of the next update.
 *
 * Classes (ir/classes.h): class 0 is the IPv4 default, class 1 the IPv6
 * default (a peer address the class trie does not match); a verdict miss
 * is deny.
 */
#ifndef NETPOLC_BPF_LAYOUT_H
#define NETPOLC_BPF_LAYOUT_H

#include <linux/types.h>

#define NPC_LAYOUT_VERSION 1
#define NPC_GEN_BIT	   0x80000000u

/* map capacities; each generation may use half (checked by `compile -t bpf`) */
#define NPC_MAX_EP	65536
#define NPC_MAX_CLS4	262144
#define NPC_MAX_CLS6	262144
#define NPC_MAX_VERDICT 524288
#define NPC_MAX_FLOW	262144

/* the tc handle and priority of our filters (clsact ingress and egress) */
#define NPC_TC_HANDLE 0x4e50
#define NPC_TC_PRIO   0x4e50

enum npc_mode { NPC_MODE_NODE = 0, NPC_MODE_HOST = 1 };
/* the program a check applies: of the endpoint's ingress or egress */
enum npc_kind { NPC_KIND_INGRESS = 0, NPC_KIND_EGRESS = 1 };

/* npc_ctl: ARRAY, 1 entry, key __u32 0 */
struct npc_ctl {
	__u32 gen; /* the active generation, 0 or 1 */
};

/* npc_gen: ARRAY, 2 entries, key __u32 generation */
struct npc_gen {
	__u32 version;	    /* NPC_LAYOUT_VERSION; 0: generation never filled */
	__u32 mode;	    /* enum npc_mode */
	__u32 host_prog[2]; /* host mode: by enum npc_kind, program id (generation bit set) or 0 */
};

/* npc_ep: HASH, NPC_MAX_EP entries */
struct npc_ep_key {
	__u8 gen;    /* 0 or 1 */
	__u8 family; /* 4 or 6 */
	__u8 pad[2];
	__u8 addr[16]; /* IPv4 in the first 4 bytes, the rest zero */
};

struct npc_ep_val {
	__u32 prog[2]; /* by enum npc_kind: program id (generation bit set) or 0 */
};

/*
 * npc_cls4 / npc_cls6: LPM_TRIE (BPF_F_NO_PREALLOC), value __u32 class.
 * prefixlen = 32 + the address prefix length.
 */
struct npc_cls4_key {
	__u32 prefixlen;
	__be32 be_prog;
	__u8 addr[4];
};

struct npc_cls6_key {
	__u32 prefixlen;
	__be32 be_prog;
	__u8 addr[16];
};

/*
 * npc_verdict: LPM_TRIE (BPF_F_NO_PREALLOC), value __u8 (1 allow, 0 deny).
 * prefixlen = 80 + the port prefix length.  proto: 6 TCP, 17 UDP, 132 SCTP,
 * 0 for every protocol without ports (then port 0 and length 0).
 */
struct npc_verdict_key {
	__u32 prefixlen;
	__be32 be_prog;
	__be32 be_class;
	__u8 proto;
	__u8 pad;
	__be16 be_port;
};

#define NPC_VERDICT_FIXED_BITS 80

/*
 * npc_flow: LRU_HASH, NPC_MAX_FLOW entries, value struct npc_flow_val.  A
 * check of kind K passes a packet whose tuple is in the table with kind K
 * (a flow it already allowed) or whose reversed tuple is there with the
 * other kind (a reply); every packet that passes a check records its
 * tuple with the check's kind.  Ports are zero for protocols without
 * ports.  Entries expire after NPC_TIMEOUT_* nanoseconds without traffic.
 */
struct npc_flow_key {
	__u8 family;
	__u8 proto;
	__u8 kind; /* enum npc_kind */
	__u8 pad;
	__u8 saddr[16];
	__u8 daddr[16];
	__be16 be_sport;
	__be16 be_dport;
};

struct npc_flow_val {
	__u64 seen_ns; /* bpf_ktime_get_ns() of the last packet */
};

#define NPC_TIMEOUT_TCP	  (3600ull * 1000000000ull)
#define NPC_TIMEOUT_UDP	  (120ull * 1000000000ull)
#define NPC_TIMEOUT_OTHER (30ull * 1000000000ull)

#endif
