/*
 * select.h - what the command line names: ports ("[PROTO/]PORT"), peers
 * ("NS/NAME" or an address), label lists ("K=V,K=V") and the host of
 * --namespace/--labels/--ip.  One implementation for the CLI and the tests.
 *
 * An address held by inventory pods stands for the pod holding it.  Pods
 * on the pod network come first: host-network pods share their node's
 * address, so one of them is taken only when no pod-network pod holds the
 * address, the first by namespace/name (no policy applies to any of them
 * and no selector matches them: they are alike, see ir/resolve.c).  No
 * two pod-network pods hold one address (model_finalize refuses it).
 */
#ifndef NETPOLC_SELECT_H
#define NETPOLC_SELECT_H

#include <stdint.h>

#include "ir/eval.h"
#include "ir/ir.h"
#include "ir/model.h"
#include "lib/arena.h"
#include "lib/diag.h"

/* select_port: "[tcp|udp|sctp/]PORT" (tcp by default, PORT 1-65535); 0 or -1. */
int select_port(const char *s, int *proto, uint16_t *port);
/* select_ports: "[tcp|udp|sctp/]PORT[-PORT]", an inclusive range lo <= hi; 0 or -1. */
int select_ports(const char *s, int *proto, uint16_t *lo, uint16_t *hi);
/*
 * select_port_named: the same, and PORT may also be a port name
 * (IANA_SVC_NAME, see ir/names.h): then *name points to it in s and *port
 * is 0.  The caller looks the name up in the destination pod's container
 * ports (pod_named_port), as a rule's named port is.  name may be NULL
 * (then names are rejected, as select_port does).
 */
int select_port_named(const char *s, int *proto, uint16_t *port, const char **name);

/*
 * select_labels: "K=V[,K=V...]" into a labelset sorted by key, in arena a;
 * -1 on an empty key or a repeated key.
 */
int select_labels(struct arena *a, const char *text, struct labelset *ls);

/*
 * select_pod: spec "NS/NAME" names a pod or a workload's template pod.
 * Returns -1 when spec is not of that form; else 0, *out the pod or NULL.
 */
int select_pod(const struct model *m, const char *spec, const struct pod **out);

/* select_endpoint: the endpoint of pod p in ir (ir may be NULL), or NULL. */
const struct ir_endpoint *select_endpoint(const struct ir *ir, const struct pod *p);

/*
 * select_peer: fill peer for spec, an address or "NS/NAME", with its pod
 * and its endpoint in ir.  An address is kept as given (has_addr); a named
 * pod gets no address here (eval_peer_pod picks one of a family).
 * what names the option in messages ("--from"), at (NULL: the command
 * line) where spec is written.  Returns 0; -1 when spec is neither form
 * (nothing reported: a usage error); 1 after reporting to d at at a pod
 * that does not exist.
 */
int select_peer(const struct model *m, const struct ir *ir, const char *spec, const char *what,
		const struct loc *at, struct eval_peer *peer, struct diag *d);

/*
 * select_host: the host of --namespace/--labels/--ip, a host outside the
 * input: pod "host" of namespace ns with labels (may be NULL) and
 * addresses ips[0..nips), in arena a, marked cli_host.  It is a member of
 * the inventory once added to the model before model_finalize (see
 * compilation_host), so peer selectors match it and queries name it.  On
 * malformed labels or addresses returns NULL and sets *why to a message
 * for a usage error (in the arena).
 */
struct pod *select_host(struct arena *a, const char *ns, const char *labels, const char *const *ips,
			size_t nips, const char **why);

#endif
