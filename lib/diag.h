/*
 * diag.h - source locations and the diagnostic queue.
 *
 * Every node read from input carries a struct loc: where it starts
 * (1-based line and column; line 0 means "no position", e.g. a
 * command-line argument) and, for a span, where it ends.
 * Problems with the input are queued as records, never printed on the spot:
 * diag_print() sorts them by file, line and column and prints each in GCC
 * form,
 *
 *     file:line:col: error: message
 *         source line
 *         ^
 *
 * followed by its notes.  diag_error() returns -1 so callers can write
 * "return diag_error(...)".  diag_has_errors() decides exit status 1 and
 * "no output written".
 *
 * Every warning has a class, printed after its message as compilers do
 * ("[-Wno-ip]"); -W options (struct diag_wopts) silence a class or make
 * it an error.  A silenced warning drops its notes too.  Warnings of one
 * class beyond the first DIAG_GROUP_SHOWN are counted in one note line
 * instead of printed; errors are always printed in full.
 */
#ifndef NETPOLC_DIAG_H
#define NETPOLC_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct loc {
	const char *file; /* owned by the diag's source table or static; never NULL in records */
	unsigned line, col;
	/*
	 * A span ends just before end_line:end_col (the position after its last
	 * character); end_line 0 makes the location a point.  Diagnostics show
	 * the start.
	 */
	unsigned end_line, end_col;
};

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

/*
 * The warning classes: enum constant, name (for -W and the "[-Wname]"
 * suffix) and what it is about (for --help).  Names are stable: scripts
 * and build files use them.
 */
#define DIAG_CLASSES(X)                                                                            \
	X(UNKNOWN_KIND, "unknown-kind", "an object of a kind or apiVersion netpolc does not read") \
	X(EMPTY_INPUT, "empty-input", "an input holds no objects")                                 \
	X(UNKNOWN_FIELD, "unknown-field", "an unknown field of the inventory, ignored")            \
	X(NULL_LABEL, "null-label", "a label without a value (read as \"\")")                      \
	X(HOST_BITS, "host-bits", "a CIDR has host bits set")                                      \
	X(DUPLICATE_TYPE, "duplicate-type", "a policyType is listed twice")                        \
	X(LOG_RULE, "log-rule", "a Calico Log rule, left out")                                     \
	X(STAGED_POLICY, "staged-policy", "a Calico staged policy, ignored")                       \
	X(IMPLICIT_NAMESPACE, "implicit-namespace", "a namespace is used but not declared")        \
	X(MISSING_IP, "missing-ip", "a pod without an IP address, left out of the rules")          \
	X(TEMPLATE_MISSING_IP, "template-missing-ip",                                              \
	  "a workload without pods in the input (only its template)")                              \
	X(HOST_NETWORK, "host-network",                                                            \
	  "a policy selects a host-network pod, to which no policy applies")                       \
	X(NODE_ADDRESS, "node-address",                                                            \
	  "an address peer holds a host-network pod's node address: the whole node")               \
	X(UNSELECTED_ENDPOINT, "unselected-endpoint",                                              \
	  "no policy selects the host: its rules allow everything")                                \
	X(DENY_NAME, "deny-name", "a policy named like a deny only allows")                        \
	X(IGNORED_RULES, "ignored-rules", "rules of a direction policyTypes leaves out, ignored")  \
	X(UNKNOWN_NS_LABEL, "unknown-ns-label", "a namespaceSelector on a label no namespace has") \
	X(SELECTS_NOTHING, "selects-nothing", "a policy selects no pod of the input")              \
	X(COVERED_RULE, "covered-rule", "a rule the earlier rules of its policy cover")            \
	X(UNUSABLE_INGRESS, "unusable-ingress",                                                    \
	  "an ingress rule its sources' egress isolation defeats")                                 \
	X(EGRESS_BLOCKS_DNS, "egress-blocks-dns", "egress isolation also blocks DNS")              \
	X(SAME_PRIORITY, "same-priority", "admin policies of one priority match the same traffic")

enum diag_class {
	DIAG_W_NONE = -1, /* errors and notes */
#define DIAG_CLASS_ENUM(e, name, help) DIAG_W_##e,
	DIAG_CLASSES(DIAG_CLASS_ENUM)
#undef DIAG_CLASS_ENUM
		DIAG_NCLASSES
};

/* diag_class_name, diag_class_help: of a class (not DIAG_W_NONE). */
const char *diag_class_name(enum diag_class c);
const char *diag_class_help(enum diag_class c);

/* Warnings of one class printed in full before the rest are counted. */
#define DIAG_GROUP_SHOWN 3

/* What the command line asks of warnings: -q, --werror and every -W. */
struct diag_wopts {
	bool quiet;  /* -q: no warnings */
	bool werror; /* --werror, -W error: every warning is an error */
	/* per class: DIAG_WOPT_* bits, the last -W about the class wins */
	unsigned char cls[DIAG_NCLASSES];
};
#define DIAG_WOPT_OFF	   1u /* -W no-CLASS */
#define DIAG_WOPT_ERROR	   2u /* -W error=CLASS */
#define DIAG_WOPT_NO_ERROR 4u /* -W no-error=CLASS: a warning even under --werror */

/*
 * diag_wopts_set: apply one -W argument: CLASS, no-CLASS, error=CLASS,
 * no-error=CLASS or error.  Returns 0, or -1 for an unknown class or form.
 */
int diag_wopts_set(struct diag_wopts *w, const char *arg);

struct diag_record {
	enum diag_level level;
	struct loc loc;
	char *msg;
	size_t seq;		   /* insertion order, breaks ties when sorting */
	enum diag_class cls;	   /* of a warning, also when made an error; else DIAG_W_NONE */
	struct diag_record *notes; /* chain of DIAG_NOTE records attached to this one */
	struct diag_record *next_note;
};

struct diag_source {
	char *name;
	const char *text; /* not owned; may be NULL (no caret line then) */
	size_t len;
};

struct diag {
	struct diag_record **v;
	size_t nr, alloc;
	struct diag_source *src;
	size_t nsrc, asrc;
	size_t errors, warnings;
	struct diag_wopts w;
	bool dropped;	   /* the last warning was dropped: so are its notes */
	bool caret;	   /* print source line and caret (default true) */
	size_t max_errors; /* 0: unlimited; else stop queueing after this many */
};

void diag_init(struct diag *d);
void diag_release(struct diag *d);

/*
 * diag_source: register a file name (and optionally its text, for caret
 * lines).  Returns the interned name to put into struct loc.file; the
 * diag owns it.  The text must outlive the diag (or be NULL).
 */
const char *diag_source(struct diag *d, const char *name, const char *text, size_t len);
/* diag_set_text: attach or replace the text of an already registered source. */
void diag_set_text(struct diag *d, const char *name, const char *text, size_t len);

__attribute__((format(printf, 3, 4))) int diag_error(struct diag *d, const struct loc *loc,
						     const char *fmt, ...);
/* diag_warning: a warning of class cls (silenced or made an error as d->w says). */
__attribute__((format(printf, 4, 5))) void
diag_warning(struct diag *d, enum diag_class cls, const struct loc *loc, const char *fmt, ...);
/* diag_note: attach a note to the most recent error or warning. */
__attribute__((format(printf, 3, 4))) void diag_note(struct diag *d, const struct loc *loc,
						     const char *fmt, ...);
void diag_vadd(struct diag *d, enum diag_level lvl, enum diag_class cls, const struct loc *loc,
	       const char *fmt, va_list ap);

bool diag_has_errors(const struct diag *d);
/* diag_print: sort and print every queued record to f, then empty the queue. */
void diag_print(struct diag *d, FILE *f);

/* loc_none: a location with no position inside file (or "<command line>"). */
struct loc loc_none(const char *file);

#endif
