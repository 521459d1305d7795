/*
 * names.h - the syntax rules of Kubernetes names, label keys and
 * values, and port names, as the API server applies them (the frontends
 * check input with them, the backends the names they write).
 *
 * Each check takes a string of len bytes (it may hold NUL bytes, which are
 * always invalid) and returns NULL when the string is valid, or a short
 * reason ("must be no more than 63 characters") that completes a sentence
 * like "invalid label value 'x': ...".  The reasons are static strings.
 */
#ifndef NETPOLC_NAMES_H
#define NETPOLC_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* DNS-1123 label: 1-63 of [a-z0-9-], alphanumeric at both ends (namespace names). */
const char *valid_dns_label(const char *s, size_t len);
/*
 * DNS-1123 subdomain: at most 253 characters, dot-separated DNS labels
 * (names of policies, pods and workloads).
 */
const char *valid_dns_subdomain(const char *s, size_t len);
/*
 * Label key (a qualified name): an optional DNS subdomain prefix and '/',
 * then a name of 1-63 characters of [A-Za-z0-9-_.], alphanumeric at both ends.
 */
const char *valid_label_key(const char *s, size_t len);
/* Label value: empty, or up to 63 characters with the syntax of a key's name part. */
const char *valid_label_value(const char *s, size_t len);
/*
 * Port name (IANA_SVC_NAME): 1-15 of [a-z0-9-], at least one letter, no
 * leading, trailing or doubled '-'.
 */
const char *valid_port_name(const char *s, size_t len);

/*
 * Calico policy names: a DNS label, optionally "<tier>." before it; a
 * Calico NetworkPolicy may also be named knp.default.* or ossg.default.*
 * (the names Calico gives converted Kubernetes policies).
 */
const char *valid_calico_policy_name(const char *s, size_t len);
/* The same for a GlobalNetworkPolicy (no converted forms). */
const char *valid_calico_global_policy_name(const char *s, size_t len);

/*
 * A HostEndpoint's interfaceName, as Calico's validator takes it: "*" (every
 * interface of the host) or 1-15 of [A-Za-z0-9_.-].
 */
const char *valid_calico_interface_name(const char *s, size_t len);

/* all_digits: s is non-empty and only decimal digits (a quoted port number). */
bool all_digits(const char *s, size_t len);

#endif
