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

struct diag_record {
	enum diag_level level;
	struct loc loc;
	char *msg;
	size_t seq;		   /* insertion order, breaks ties when sorting */
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
	bool werror;	   /* treat warnings as errors */
	bool no_warnings;  /* drop warnings (-q) */
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
__attribute__((format(printf, 3, 4))) void diag_warning(struct diag *d, const struct loc *loc,
							const char *fmt, ...);
/* diag_note: attach a note to the most recent error or warning. */
__attribute__((format(printf, 3, 4))) void diag_note(struct diag *d, const struct loc *loc,
						     const char *fmt, ...);
void diag_vadd(struct diag *d, enum diag_level lvl, const struct loc *loc, const char *fmt,
	       va_list ap);

bool diag_has_errors(const struct diag *d);
/* diag_print: sort and print every queued record to f, then empty the queue. */
void diag_print(struct diag *d, FILE *f);

/* loc_none: a location with no position inside file (or "<command line>"). */
struct loc loc_none(const char *file);

#endif
