/*
 * bpf.h - the map keys of bpf/layout.h built from netpolc's types, shared
 * by the seed writer's tests and the loader (cli/bpf.c).  Every key is
 * fully written, padding included.
 */
#ifndef NETPOLC_BACKENDS_BPF_H
#define NETPOLC_BACKENDS_BPF_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/layout.h"
#include "ir/addrset.h"

/* bpf_prog_gen: program id prog (0: none) as stored for generation gen. */
uint32_t bpf_prog_gen(uint32_t prog, unsigned gen);
/*
 * bpf_prog_ids: the seed's program ids for programs of content hashes
 * h[0..n), in the seed's order: 31 bits of each hash, never 0, the next
 * free value when an earlier program holds it.
 */
void bpf_prog_ids(const uint64_t *h, size_t n, uint32_t *out);
void bpf_key_ep(struct npc_ep_key *k, const struct addr *a, unsigned gen);
/* bpf_key_cls: an npc_cls6_key, or for IPv4 an npc_cls4_key in its first bytes. */
void bpf_key_cls(struct npc_cls6_key *k, uint32_t prog, const struct prefix *px);
/* bpf_key_verdict: proto 6/17/132 or 0 (no ports); port and len 0..16 a port prefix. */
void bpf_key_verdict(struct npc_verdict_key *k, uint32_t prog, uint32_t cls, uint8_t proto,
		     uint16_t port, unsigned len);

#endif
