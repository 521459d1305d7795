/*
 * netpolc.bpf.c - the reference tc datapath for the maps of bpf/layout.h.
 *
 * One program, attached on clsact ingress and egress (the section says
 * which hook it is).  Node mode, on the node's endpoint-facing interfaces:
 * tc ingress receives what an endpoint sends, so it applies the egress
 * program of the source endpoint to the destination peer; tc egress
 * applies the ingress program of the destination endpoint to the source.
 * Host mode, on the endpoint's own interface: tc ingress applies its
 * ingress program to the source, tc egress its egress program to the
 * destination.  Endpoints without a program pass; IPv6 neighbour discovery
 * (ICMPv6 133-137) always passes; non-IP frames pass.
 *
 * IPv4 fragments after the first and IPv6 packets whose next header is
 * not TCP, UDP, SCTP or ICMPv6 are matched as protocols without ports.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf/layout.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct npc_ctl);
} npc_ctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct npc_gen);
} npc_gen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NPC_MAX_EP);
	__type(key, struct npc_ep_key);
	__type(value, struct npc_ep_val);
} npc_ep SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, NPC_MAX_CLS4);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct npc_cls4_key);
	__type(value, __u32);
} npc_cls4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, NPC_MAX_CLS6);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct npc_cls6_key);
	__type(value, __u32);
} npc_cls6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, NPC_MAX_VERDICT);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct npc_verdict_key);
	__type(value, __u8);
} npc_verdict SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NPC_MAX_FLOW);
	__type(key, struct npc_flow_key);
	__type(value, struct npc_flow_val);
} npc_flow SEC(".maps");

struct pkt {
	__u8 family, proto;
	__u8 saddr[16], daddr[16];
	__be16 sport, dport;
	int icmp6_type; /* -1 unless ICMPv6 */
};

static __always_inline int parse(struct __sk_buff *skb, struct pkt *p)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	void *l4;

	__builtin_memset(p, 0, sizeof(*p));
	p->icmp6_type = -1;
	if ((void *)(eth + 1) > end)
		return -1;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > end)
			return -1;
		p->family = 4;
		p->proto = ip->protocol;
		__builtin_memcpy(p->saddr, &ip->saddr, 4);
		__builtin_memcpy(p->daddr, &ip->daddr, 4);
		if (ip->frag_off & bpf_htons(0x1fff))
			return 0; /* a later fragment: no ports */
		l4 = (void *)ip + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > end)
			return -1;
		p->family = 6;
		p->proto = ip6->nexthdr;
		__builtin_memcpy(p->saddr, &ip6->saddr, 16);
		__builtin_memcpy(p->daddr, &ip6->daddr, 16);
		l4 = ip6 + 1;
		if (p->proto == IPPROTO_ICMPV6) {
			__u8 *t = l4;
			if ((void *)(t + 1) > end)
				return -1;
			p->icmp6_type = *t;
			return 0;
		}
	} else {
		return 1; /* not IP */
	}
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP || p->proto == IPPROTO_SCTP) {
		__be16 *ports = l4;
		if ((void *)(ports + 2) > end)
			return -1;
		p->sport = ports[0];
		p->dport = ports[1];
	}
	return 0;
}

static __always_inline __u64 timeout(__u8 proto)
{
	if (proto == IPPROTO_TCP)
		return NPC_TIMEOUT_TCP;
	if (proto == IPPROTO_UDP)
		return NPC_TIMEOUT_UDP;
	return NPC_TIMEOUT_OTHER;
}

/* seen: the flow is in the table and fresh; refreshes it */
static __always_inline int seen(struct npc_flow_key *k, __u64 now)
{
	struct npc_flow_val *v = bpf_map_lookup_elem(&npc_flow, k);
	if (!v || now - v->seen_ns > timeout(k->proto))
		return 0;
	v->seen_ns = now;
	return 1;
}

static __always_inline int verdict(__u32 prog, const struct pkt *p, const __u8 *peer)
{
	struct npc_verdict_key vk = { 0 };
	__u32 *cls, klass = p->family == 4 ? 0 : 1;
	__u8 *v;

	if (p->family == 4) {
		struct npc_cls4_key k = { .prefixlen = 64, .be_prog = bpf_htonl(prog) };
		__builtin_memcpy(k.addr, peer, 4);
		cls = bpf_map_lookup_elem(&npc_cls4, &k);
	} else {
		struct npc_cls6_key k = { .prefixlen = 160, .be_prog = bpf_htonl(prog) };
		__builtin_memcpy(k.addr, peer, 16);
		cls = bpf_map_lookup_elem(&npc_cls6, &k);
	}
	if (cls)
		klass = *cls;
	vk.prefixlen = NPC_VERDICT_FIXED_BITS + 16;
	vk.be_prog = bpf_htonl(prog);
	vk.be_class = bpf_htonl(klass);
	if (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP || p->proto == IPPROTO_SCTP) {
		vk.proto = p->proto;
		vk.be_port = p->dport;
	}
	v = bpf_map_lookup_elem(&npc_verdict, &vk);
	return v && *v;
}

static __always_inline int handle(struct __sk_buff *skb, int tc_ingress)
{
	struct npc_flow_key fk = { 0 }, rk = { 0 };
	struct npc_flow_val fv;
	struct npc_ctl *ctl;
	struct npc_gen *g;
	struct pkt p;
	__u32 zero = 0, gen, prog = 0, kind;
	const __u8 *peer;
	__u64 now;
	int r = parse(skb, &p);

	if (r > 0)
		return TC_ACT_OK;
	if (r < 0)
		return TC_ACT_SHOT;
	if (p.icmp6_type >= 133 && p.icmp6_type <= 137)
		return TC_ACT_OK;
	ctl = bpf_map_lookup_elem(&npc_ctl, &zero);
	if (!ctl)
		return TC_ACT_OK;
	gen = ctl->gen & 1;
	g = bpf_map_lookup_elem(&npc_gen, &gen);
	if (!g || g->version != NPC_LAYOUT_VERSION)
		return TC_ACT_OK;
	if (g->mode == NPC_MODE_HOST) {
		kind = tc_ingress ? NPC_KIND_INGRESS : NPC_KIND_EGRESS;
		prog = g->host_prog[kind & 1];
	} else {
		struct npc_ep_key ek = { .gen = (__u8)gen, .family = p.family };
		struct npc_ep_val *ev;
		kind = tc_ingress ? NPC_KIND_EGRESS : NPC_KIND_INGRESS;
		__builtin_memcpy(ek.addr, tc_ingress ? p.saddr : p.daddr, 16);
		ev = bpf_map_lookup_elem(&npc_ep, &ek);
		if (ev)
			prog = ev->prog[kind & 1];
	}
	peer = kind == NPC_KIND_INGRESS ? p.saddr : p.daddr;

	fk.family = rk.family = p.family;
	fk.proto = rk.proto = p.proto;
	fk.kind = (__u8)kind;
	rk.kind = (__u8)(kind ^ 1);
	__builtin_memcpy(fk.saddr, p.saddr, 16);
	__builtin_memcpy(fk.daddr, p.daddr, 16);
	__builtin_memcpy(rk.saddr, p.daddr, 16);
	__builtin_memcpy(rk.daddr, p.saddr, 16);
	fk.be_sport = rk.be_dport = p.sport;
	fk.be_dport = rk.be_sport = p.dport;
	now = bpf_ktime_get_ns();
	if (seen(&fk, now) || seen(&rk, now))
		return TC_ACT_OK;
	if (prog && !verdict(prog, &p, peer))
		return TC_ACT_SHOT;
	fv.seen_ns = now;
	bpf_map_update_elem(&npc_flow, &fk, &fv, BPF_ANY);
	return TC_ACT_OK;
}

SEC("tc")
int npc_tc_ingress(struct __sk_buff *skb)
{
	return handle(skb, 1);
}

SEC("tc")
int npc_tc_egress(struct __sk_buff *skb)
{
	return handle(skb, 0);
}

char LICENSE[] SEC("license") = "GPL";
