/*
 * yamlout.h - the one way user-derived text reaches YAML output, shared by
 * the backends that write YAML (calico, k8s): scalars that read back as
 * exactly the string written, and one-line comments that stay one line.
 */
#ifndef NETPOLC_YAMLOUT_H
#define NETPOLC_YAMLOUT_H

#include <stdbool.h>

#include "lib/strbuf.h"

/* yaml_utf8_ok: s is well-formed UTF-8 (no overlong forms, surrogates or values above U+10FFFF). */
bool yaml_utf8_ok(const char *s);

/*
 * yaml_scalar: append s as a YAML scalar that YAML 1.1 and 1.2 readers
 * both read back as exactly the string s: plain when that is unambiguous,
 * double-quoted with escapes otherwise.  Usable as a value and as a
 * mapping key in block style.  Returns -1 (appending nothing) if s is not
 * valid UTF-8, 0 otherwise.
 */
int yaml_scalar(struct strbuf *out, const char *s);

/*
 * yaml_comment: s as the rest of a one-line YAML comment: whatever would
 * end the line (or is not valid UTF-8) becomes a \x or \u escape.
 */
void yaml_comment(struct strbuf *out, const char *s);

#endif
