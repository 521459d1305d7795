/*
 * bpf.c - `netpolc bpf attach DIR --dev IFACE...` and `netpolc bpf detach
 * --dev IFACE...`: load the reference datapath with libbpf, fill its maps
 * from a seed written by `compile -t bpf`, attach it on tc clsact ingress
 * and egress.
 *
 * No bpffs pinning: the maps live as long as the attached programs, and a
 * later attach finds them through the program already on a device (tc
 * filter NPC_TC_HANDLE/NPC_TC_PRIO -> program -> its map ids), so it works
 * the same under `ip netns exec`, whose fresh /sys has no bpffs.
 *
 * An update fills the inactive generation (bpf/layout.h), then writes the
 * one word npc_ctl[0]; the entries of the generation before are removed at
 * the start of the next update, long after any packet could still use
 * them.  The flow table is kept, so established connections survive.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "backends/bpf.h"
#include "bpf/layout.h"
#include "cli/cli.h"
#include "ir/addrset.h"
#include "lib/strbuf.h"
#include "lib/util.h"

enum { M_CTL, M_GEN, M_EP, M_CLS4, M_CLS6, M_VERDICT, M_FLOW, NMAPS };
static const char *const map_names[NMAPS] = { "npc_ctl",  "npc_gen",	 "npc_ep",  "npc_cls4",
					      "npc_cls6", "npc_verdict", "npc_flow" };
static const char *const prog_names[2] = { "npc_tc_ingress", "npc_tc_egress" };
static const enum bpf_tc_attach_point hooks[2] = { BPF_TC_INGRESS, BPF_TC_EGRESS };

struct dp {
	struct bpf_object *obj; /* when loaded by us */
	int map[NMAPS];
	int prog[2]; /* by hook: ingress, egress */
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("netpolc: bpf: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

/* expecting: a failure the caller handles (no tc hook yet, clsact already there) */
static bool expecting;

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN || expecting)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* ---- finding or loading the datapath ---- */

static int tc_prog_id(int ifindex, int hook, __u32 *id)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, h, .ifindex = ifindex, .attach_point = hooks[hook]);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = NPC_TC_HANDLE, .priority = NPC_TC_PRIO);
	int err;
	expecting = true;
	err = bpf_tc_query(&h, &o);
	expecting = false;
	if (err)
		return -1;
	*id = o.prog_id;
	return 0;
}

/* adopt: take the maps of the program with id ingress_id (and the egress one) */
static int adopt(struct dp *dp, __u32 in_id, __u32 eg_id)
{
	__u32 ids[16];
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	dp->prog[0] = bpf_prog_get_fd_by_id(in_id);
	dp->prog[1] = bpf_prog_get_fd_by_id(eg_id);
	if (dp->prog[0] < 0 || dp->prog[1] < 0)
		return fail("cannot open the attached programs: %s", strerror(errno));
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 16;
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(dp->prog[0], &info, &len))
		return fail("cannot read the attached program: %s", strerror(errno));
	for (__u32 i = 0; i < info.nr_map_ids && i < 16; i++) {
		struct bpf_map_info mi;
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);
		memset(&mi, 0, sizeof(mi));
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &mi, &mlen))
			return fail("cannot open map %u: %s", ids[i], strerror(errno));
		for (int m = 0; m < NMAPS; m++)
			if (!strcmp(mi.name, map_names[m]) && dp->map[m] < 0)
				dp->map[m] = fd;
	}
	for (int m = 0; m < NMAPS; m++)
		if (dp->map[m] < 0)
			return fail("the program attached is not this version's (no map %s): "
				    "run `netpolc bpf detach` first",
				    map_names[m]);
	return 0;
}

static char *object_path(const char *given)
{
	char exe[PATH_MAX];
	ssize_t n;
	struct strbuf sb = STRBUF_INIT;

	if (given)
		return xstrdup(given);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		strbuf_addf(&sb, "%s/netpolc.bpf.o", exe);
		if (!access(sb.buf, R_OK))
			return strbuf_detach(&sb, NULL);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/../lib/netpolc/netpolc.bpf.o", exe);
		if (!access(sb.buf, R_OK))
			return strbuf_detach(&sb, NULL);
	}
	strbuf_release(&sb);
	return NULL;
}

static int load(struct dp *dp, const char *given)
{
	char *path = object_path(given);
	int err;

	if (!path)
		return fail("netpolc.bpf.o not found next to the binary: give --object PATH");
	dp->obj = bpf_object__open_file(path, NULL);
	if (!dp->obj) {
		err = fail("cannot open %s: %s", path, strerror(errno));
		free(path);
		return err;
	}
	err = bpf_object__load(dp->obj);
	if (err) {
		fail("cannot load %s: %s (is this kernel's BPF available? are you root?)", path,
		     strerror(-err));
		free(path);
		return 1;
	}
	free(path);
	for (int m = 0; m < NMAPS; m++)
		dp->map[m] = bpf_object__find_map_fd_by_name(dp->obj, map_names[m]);
	for (int h = 0; h < 2; h++)
		dp->prog[h] =
			bpf_program__fd(bpf_object__find_program_by_name(dp->obj, prog_names[h]));
	return 0;
}

/* ---- the seed ---- */

struct seed {
	json_t *root;
	unsigned mode;
	unsigned host[2];
	json_t *eps, *cls, *vds;
};

static int seed_read(struct seed *s, const char *dir)
{
	struct strbuf path = STRBUF_INIT;
	json_error_t je;
	json_t *v;
	const char *mode;

	strbuf_addf(&path, "%s/maps.json", dir);
	s->root = json_load_file(path.buf, 0, &je);
	if (!s->root) {
		fail("%s:%d:%d: %s", path.buf, je.line, je.column, je.text);
		strbuf_release(&path);
		return 1;
	}
	v = json_object_get(s->root, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), "netpolc-bpf-seed")) {
		strbuf_release(&path);
		return fail("%s: not a netpolc BPF seed", dir);
	}
	v = json_object_get(s->root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != NPC_LAYOUT_VERSION) {
		strbuf_release(&path);
		return fail("%s: seed layout version %lld, this netpolc reads version %d", dir,
			    json_is_integer(v) ? (long long)json_integer_value(v) : -1LL,
			    NPC_LAYOUT_VERSION);
	}
	strbuf_release(&path);
	mode = json_string_value(json_object_get(s->root, "mode"));
	if (!mode || (strcmp(mode, "node") && strcmp(mode, "host")))
		return fail("%s: mode must be \"node\" or \"host\"", dir);
	s->mode = strcmp(mode, "host") ? NPC_MODE_NODE : NPC_MODE_HOST;
	v = json_object_get(s->root, "host");
	for (int k = 0; k < 2; k++)
		s->host[k] = (unsigned)json_integer_value(json_array_get(v, (size_t)k));
	s->eps = json_object_get(s->root, "endpoints");
	s->cls = json_object_get(s->root, "classes");
	s->vds = json_object_get(s->root, "verdicts");
	if (!json_is_array(s->eps) || !json_is_array(s->cls) || !json_is_array(s->vds))
		return fail("%s: endpoints, classes and verdicts must be arrays", dir);
	return 0;
}

static int put(int fd, const void *k, const void *v, const char *what, size_t i)
{
	if (bpf_map_update_elem(fd, k, v, BPF_ANY))
		return fail("%s[%zu]: cannot store: %s", what, i, strerror(errno));
	return 0;
}

static int fill(const struct dp *dp, const struct seed *s, unsigned gen)
{
	size_t i;
	json_t *e;

	json_array_foreach(s->eps, i, e)
	{
		struct npc_ep_key k;
		struct npc_ep_val v;
		struct addr a;
		const char *txt = json_string_value(json_object_get(e, "addr"));
		json_t *p = json_object_get(e, "prog");
		if (!txt || addr_parse(txt, &a))
			return fail("endpoints[%zu]: bad address", i);
		bpf_key_ep(&k, &a, gen);
		for (int d = 0; d < 2; d++)
			v.prog[d] = bpf_prog_gen(
				(unsigned)json_integer_value(json_array_get(p, (size_t)d)), gen);
		if (put(dp->map[M_EP], &k, &v, "endpoints", i))
			return 1;
	}
	json_array_foreach(s->cls, i, e)
	{
		struct npc_cls6_key k; /* npc_cls4_key is its prefix */
		struct prefix px;
		const char *txt = json_string_value(json_object_get(e, "prefix"));
		__u32 cls = (__u32)json_integer_value(json_object_get(e, "class"));
		__u32 prog =
			bpf_prog_gen((unsigned)json_integer_value(json_object_get(e, "prog")), gen);
		if (!txt || prefix_parse(txt, &px, NULL, NULL) || !prog)
			return fail("classes[%zu]: bad entry", i);
		bpf_key_cls(&k, prog, &px);
		if (put(dp->map[px.a.family == AF4 ? M_CLS4 : M_CLS6], &k, &cls, "classes", i))
			return 1;
	}
	json_array_foreach(s->vds, i, e)
	{
		struct npc_verdict_key k;
		__u8 allow = json_is_true(json_object_get(e, "allow"));
		json_int_t len = json_integer_value(json_object_get(e, "len"));
		__u32 prog =
			bpf_prog_gen((unsigned)json_integer_value(json_object_get(e, "prog")), gen);
		if (len < 0 || len > 16 || !prog)
			return fail("verdicts[%zu]: bad entry", i);
		bpf_key_verdict(&k, prog, (__u32)json_integer_value(json_object_get(e, "class")),
				(__u8)json_integer_value(json_object_get(e, "proto")),
				(__u16)json_integer_value(json_object_get(e, "port")),
				(unsigned)len);
		if (put(dp->map[M_VERDICT], &k, &allow, "verdicts", i))
			return 1;
	}
	return 0;
}

/* clear: remove generation gen's entries from the map m */
static int clear(const struct dp *dp, int m, size_t key_size, unsigned gen)
{
	unsigned char *keys = NULL, *prev = NULL;
	size_t n = 0, a = 0;
	int fd = dp->map[m], rc = 0;

	for (;;) {
		if (n == a) {
			a = a ? 2 * a : 256;
			keys = xreallocarray(keys, a, key_size);
		}
		if (bpf_map_get_next_key(fd, prev, keys + n * key_size))
			break;
		prev = keys + n * key_size;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char *k = keys + i * key_size;
		unsigned kg;
		if (m == M_EP)
			kg = ((struct npc_ep_key *)(void *)k)->gen;
		else
			kg = (ntohl(((struct npc_cls4_key *)(void *)k)->be_prog) & NPC_GEN_BIT) !=
			     0;
		if (kg == gen && bpf_map_delete_elem(fd, k) && errno != ENOENT)
			rc = fail("cannot clear %s: %s", map_names[m], strerror(errno));
	}
	free(keys);
	return rc;
}

static int attach_dev(const struct dp *dp, int ifindex, const char *dev)
{
	for (int h = 0; h < 2; h++) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hk, .ifindex = ifindex, .attach_point = hooks[h]);
		DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = NPC_TC_HANDLE,
				    .priority = NPC_TC_PRIO, .prog_fd = dp->prog[h],
				    .flags = BPF_TC_F_REPLACE);
		int err;
		expecting = true;
		err = bpf_tc_hook_create(&hk);
		expecting = false;
		if (err && err != -EEXIST)
			return fail("%s: cannot add clsact: %s", dev, strerror(-err));
		err = bpf_tc_attach(&hk, &o);
		if (err)
			return fail("%s: cannot attach: %s", dev, strerror(-err));
	}
	return 0;
}

static int attach(const char *dir, const char **devs, size_t ndev, const char *object)
{
	struct dp dp = { .obj = NULL };
	struct seed s = { .root = NULL };
	struct npc_ctl ctl = { 0 };
	struct npc_gen g;
	__u32 zero = 0, newgen;
	int rc = 1, *ifx = xcalloc(ndev, sizeof(*ifx));
	bool found = false;

	for (int m = 0; m < NMAPS; m++)
		dp.map[m] = -1;
	if (seed_read(&s, dir))
		goto out;
	for (size_t i = 0; i < ndev; i++) {
		ifx[i] = (int)if_nametoindex(devs[i]);
		if (!ifx[i]) {
			fail("%s: no such interface", devs[i]);
			goto out;
		}
	}
	for (size_t i = 0; i < ndev && !found; i++) {
		__u32 in_id, eg_id;
		if (tc_prog_id(ifx[i], 0, &in_id) || tc_prog_id(ifx[i], 1, &eg_id))
			continue;
		if (adopt(&dp, in_id, eg_id))
			goto out;
		found = true;
	}
	if (!found && load(&dp, object))
		goto out;
	if (bpf_map_lookup_elem(dp.map[M_CTL], &zero, &ctl)) {
		fail("cannot read npc_ctl: %s", strerror(errno));
		goto out;
	}
	newgen = (ctl.gen & 1) ^ 1;
	memset(&g, 0, sizeof(g));
	if (found && !bpf_map_lookup_elem(dp.map[M_GEN], &ctl.gen, &g) && g.version &&
	    g.version != NPC_LAYOUT_VERSION) {
		fail("the attached datapath has layout version %u, this netpolc writes %d: "
		     "run `netpolc bpf detach` first",
		     g.version, NPC_LAYOUT_VERSION);
		goto out;
	}
	if (clear(&dp, M_EP, sizeof(struct npc_ep_key), newgen) ||
	    clear(&dp, M_CLS4, sizeof(struct npc_cls4_key), newgen) ||
	    clear(&dp, M_CLS6, sizeof(struct npc_cls6_key), newgen) ||
	    clear(&dp, M_VERDICT, sizeof(struct npc_verdict_key), newgen))
		goto out;
	if (fill(&dp, &s, newgen))
		goto out;
	memset(&g, 0, sizeof(g));
	g.version = NPC_LAYOUT_VERSION;
	g.mode = s.mode;
	for (int k = 0; k < 2; k++)
		g.host_prog[k] = bpf_prog_gen(s.host[k], newgen);
	if (put(dp.map[M_GEN], &newgen, &g, "npc_gen", newgen))
		goto out;
	ctl.gen = newgen;
	if (put(dp.map[M_CTL], &zero, &ctl, "npc_ctl", 0))
		goto out;
	for (size_t i = 0; i < ndev; i++)
		if (attach_dev(&dp, ifx[i], devs[i]))
			goto out;
	rc = 0;
out:
	if (dp.obj)
		bpf_object__close(dp.obj);
	else
		for (int m = 0; m < NMAPS; m++)
			if (dp.map[m] >= 0)
				close(dp.map[m]);
	if (!dp.obj)
		for (int h = 0; h < 2; h++)
			if (dp.prog[h] > 0)
				close(dp.prog[h]);
	json_decref(s.root);
	free(ifx);
	return rc;
}

static int detach(const char **devs, size_t ndev)
{
	int rc = 0;
	for (size_t i = 0; i < ndev; i++) {
		int ifindex = (int)if_nametoindex(devs[i]);
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hk, .ifindex = ifindex,
				    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
		if (!ifindex) {
			rc = fail("%s: no such interface", devs[i]);
			continue;
		}
		for (int h = 0; h < 2; h++) {
			DECLARE_LIBBPF_OPTS(bpf_tc_hook, one, .ifindex = ifindex,
					    .attach_point = hooks[h]);
			DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = NPC_TC_HANDLE,
					    .priority = NPC_TC_PRIO);
			int err;
			expecting = true;
			err = bpf_tc_detach(&one, &o);
			expecting = false;
			if (err && err != -ENOENT && err != -EINVAL)
				rc = fail("%s: cannot detach: %s", devs[i], strerror(-err));
		}
		/* the clsact qdisc netpolc added goes too */
		expecting = true;
		(void)bpf_tc_hook_destroy(&hk);
		expecting = false;
	}
	return rc;
}

int cmd_bpf(struct cli *c)
{
	/* the paths are the words after "bpf": the action, then attach's DIR */
	const char *act = c->paths[0];
	bool att = !strcmp(act, "attach");

	if (!att && strcmp(act, "detach"))
		return cli_usage_error(c, "%s: expected 'attach DIR' or 'detach'",
				       strcmp(act, "-") ? act : "nothing");
	if (c->npaths != (att ? 2u : 1u))
		return cli_usage_error(c, "bpf %s takes %s", act,
				       att ? "one seed directory" : "no argument");
	if (!att && c->object)
		return cli_usage_error(c, "bpf detach takes no --object");
	if (!c->ndevs)
		return cli_usage_error(c, "bpf %s: give at least one --dev IFACE", act);
	libbpf_set_print(quiet_print);
	return att ? attach(c->paths[1], c->devs, c->ndevs, c->object) : detach(c->devs, c->ndevs);
}
