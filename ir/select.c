/*
 * select.c - ports, peers, label lists and the host of --namespace/--labels/--ip
 * as the command line names them (see select.h for the rules).
 */
#include "ir/select.h"

#include <stdlib.h>
#include <string.h>

#include "ir/names.h"
#include "lib/util.h"

/* port_number: a decimal port 1-65535 at s, *end after it; -1 if none. */
static long port_number(const char *s, char **end)
{
	long v;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, end, 10);
	return v >= 1 && v <= 65535 ? v : -1;
}

/* proto_prefix: the optional "PROTO/" of s into *proto (tcp without one); what follows, or NULL. */
static const char *proto_prefix(const char *s, int *proto)
{
	const char *slash = strchr(s, '/');

	*proto = PROTO_TCP;
	if (slash) {
		char pname[8];
		size_t n = (size_t)(slash - s);
		if (n >= sizeof(pname))
			return NULL;
		memcpy(pname, s, n);
		pname[n] = '\0';
		*proto = proto_parse(pname);
		if (*proto < 0)
			return NULL;
		s = slash + 1;
	}
	return s;
}

int select_ports(const char *s, int *proto, uint16_t *lo, uint16_t *hi)
{
	char *end;
	long a, b;

	s = proto_prefix(s, proto);
	if (!s || (a = port_number(s, &end)) < 0)
		return -1;
	b = a;
	if (*end == '-') {
		b = port_number(end + 1, &end);
		if (b < a)
			return -1;
	}
	if (*end)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

int select_port_named(const char *s, int *proto, uint16_t *port, const char **name)
{
	const char *rest = proto_prefix(s, proto);
	uint16_t hi;

	*port = 0;
	if (name)
		*name = NULL;
	if (!rest)
		return -1;
	if (name && *rest && !valid_port_name(rest, strlen(rest))) {
		*name = rest;
		return 0;
	}
	if (select_ports(s, proto, port, &hi) || hi != *port) {
		*port = 0;
		return -1;
	}
	return 0;
}

int select_port(const char *s, int *proto, uint16_t *port)
{
	return select_port_named(s, proto, port, NULL);
}

int select_labels(struct arena *a, const char *text, struct labelset *ls)
{
	char *copy = arena_strdup(a, text);
	size_t n = 1, i = 0;

	for (const char *p = copy; *p; p++)
		n += *p == ',';
	ls->v = arena_array(a, n, sizeof(*ls->v));
	for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq || eq == tok)
			return -1;
		*eq = '\0';
		ls->v[i].key = tok;
		ls->v[i].value = eq + 1;
		ls->v[i].loc = loc_none(NULL);
		i++;
	}
	ls->n = i;
	return labelset_sort(ls) ? -1 : 0;
}

int select_pod(const struct model *m, const char *spec, const struct pod **out)
{
	const char *slash = strchr(spec, '/');
	char *ns;

	*out = NULL;
	if (!slash || slash == spec || !slash[1] || strchr(slash + 1, '/'))
		return -1;
	ns = xstrndup(spec, (size_t)(slash - spec));
	*out = model_pod(m, ns, slash + 1);
	free(ns);
	return 0;
}

const struct ir_endpoint *select_endpoint(const struct ir *ir, const struct pod *p)
{
	if (!ir || !p)
		return NULL;
	/* node mode over the whole inventory: endpoint i is pod i */
	if (p->index < ir->neps && ir->eps[p->index].pod == p)
		return &ir->eps[p->index];
	for (size_t i = 0; i < ir->neps; i++)
		if (ir->eps[i].pod == p)
			return &ir->eps[i];
	return NULL;
}

static bool holds(const struct pod *p, const struct addr *a)
{
	for (size_t j = 0; j < p->nips; j++)
		if (!addr_cmp(&p->ips[j], a))
			return true;
	return false;
}

/*
 * pod_of_addr: the pod standing for address a, or NULL.  No two
 * pod-network pods hold one address (model_finalize refuses it).
 */
static const struct pod *pod_of_addr(const struct model *m, const struct addr *a)
{
	const struct pod *best = NULL;

	for (size_t i = 0; i < m->npods; i++) {
		const struct pod *p = m->pods[i];
		if (holds(p, a) && (!best || (best->host_network && !p->host_network)))
			best = p;
	}
	return best;
}

int select_peer(const struct model *m, const struct ir *ir, const char *spec, const char *what,
		const struct loc *at, struct eval_peer *peer, struct diag *d)
{
	struct addr a;

	memset(peer, 0, sizeof(*peer));
	if (!addr_parse(spec, &a)) {
		peer->has_addr = true;
		peer->addr = a;
		peer->pod = pod_of_addr(m, &a);
	} else {
		if (select_pod(m, spec, &peer->pod))
			return -1;
		if (!peer->pod) {
			struct loc l = at ? *at : loc_none(NULL);
			diag_error(d, &l, "%s %s: no such pod or workload in the input", what,
				   spec);
			return 1;
		}
	}
	peer->ep = select_endpoint(ir, peer->pod);
	return 0;
}

struct pod *select_host(struct arena *a, const char *ns, const char *labels, const char *const *ips,
			size_t nips, const char **why)
{
	struct pod *p = arena_zalloc(a, sizeof(*p));

	p->loc = loc_none("<command line>");
	p->ns = ns;
	p->name = "host";
	p->cli_host = true;
	if (labels && select_labels(a, labels, &p->labels)) {
		*why = arena_printf(a, "--labels takes K=V[,K=V...] with unique keys, not '%s'",
				    labels);
		return NULL;
	}
	p->ips = arena_array(a, nips + 1, sizeof(*p->ips));
	for (size_t i = 0; i < nips; i++) {
		if (addr_parse(ips[i], &p->ips[p->nips])) {
			*why = arena_printf(a, "--ip: '%s' is not an IP address", ips[i]);
			return NULL;
		}
		p->nips++;
	}
	return p;
}
