/*
 * names.c - syntax of names, label keys/values and port names
 * (the rules of the Kubernetes API server, written from its documented
 * formats: DNS-1123 labels and subdomains, qualified names, IANA_SVC_NAME),
 * and Calico's rule for policy names.
 */
#include "ir/names.h"

#include <string.h>

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

bool all_digits(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* dns_label_ok: the DNS-1123 label pattern, ignoring the length cap. */
static bool dns_label_ok(const char *s, size_t len)
{
	if (!len || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return false;
	for (size_t i = 1; i + 1 < len; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

const char *valid_dns_label(const char *s, size_t len)
{
	if (!len)
		return "must not be empty";
	if (len > 63)
		return "must be no more than 63 characters";
	if (!dns_label_ok(s, len))
		return "must consist of lowercase letters (a-z), digits (0-9) and '-', and start "
		       "and end with a letter or digit";
	return NULL;
}

const char *valid_dns_subdomain(const char *s, size_t len)
{
	size_t start = 0;
	if (!len)
		return "must not be empty";
	if (len > 253)
		return "must be no more than 253 characters";
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (!dns_label_ok(s + start, i - start))
			return "must consist of lowercase letters (a-z), digits (0-9), '-' and "
			       "'.', "
			       "and start and end with a letter or digit";
		start = i + 1;
	}
	return NULL;
}

/* name_part_ok: ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], length not checked. */
static bool name_part_ok(const char *s, size_t len)
{
	if (!len || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
		return false;
	for (size_t i = 1; i + 1 < len; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

const char *valid_label_key(const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);
	const char *name = s;
	size_t nlen = len;

	if (slash) {
		size_t plen = (size_t)(slash - s);
		if (memchr(slash + 1, '/', len - plen - 1))
			return "may contain at most one '/' (an optional DNS subdomain prefix, "
			       "'/', "
			       "and a name, e.g. 'example.com/my-name')";
		if (!plen)
			return "prefix before '/' must not be empty";
		if (plen > 253)
			return "prefix before '/' must be no more than 253 characters";
		if (valid_dns_subdomain(s, plen))
			return "prefix before '/' must be a DNS subdomain: lowercase letters "
			       "(a-z), "
			       "digits (0-9), '-' and '.', starting and ending with a letter or "
			       "digit";
		name = slash + 1;
		nlen = len - plen - 1;
	}
	if (!nlen)
		return slash ? "name after '/' must not be empty" : "must not be empty";
	if (nlen > 63)
		return slash ? "name after '/' must be no more than 63 characters"
			     : "must be no more than 63 characters";
	if (!name_part_ok(name, nlen))
		return slash ? "name after '/' must consist of letters, digits, '-', '_' or '.', "
			       "and start and end with a letter or digit"
			     : "must consist of letters, digits, '-', '_' or '.', and start and "
			       "end with a letter or digit";
	return NULL;
}

const char *valid_label_value(const char *s, size_t len)
{
	if (len > 63)
		return "must be no more than 63 characters";
	if (len && !name_part_ok(s, len))
		return "must be empty or consist of letters, digits, '-', '_' or '.', and start "
		       "and end with a letter or digit";
	return NULL;
}

const char *valid_port_name(const char *s, size_t len)
{
	bool letter = false;
	if (!len)
		return "must not be empty";
	if (len > 15)
		return "must be no more than 15 characters";
	for (size_t i = 0; i < len; i++) {
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return "must contain only lowercase letters (a-z), digits (0-9) and '-'";
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
	}
	if (!letter)
		return "must contain at least one letter (a-z)";
	if (s[0] == '-' || s[len - 1] == '-')
		return "must not begin or end with '-'";
	for (size_t i = 1; i < len; i++)
		if (s[i] == '-' && s[i - 1] == '-')
			return "must not contain consecutive '-'";
	return NULL;
}

/*
 * policy_name_problem: why s is not a valid name of a policy, or NULL: a
 * DNS label, optionally "<tier>." before it; a NetworkPolicy (k8s_forms)
 * may also be named knp.default.* or ossg.default.*.
 */
static const char *policy_name_problem(const char *s, size_t len, bool k8s_forms)
{
	const char *why = valid_dns_subdomain(s, len);
	size_t dots = 0;

	if (why)
		return why;
	if (k8s_forms && ((len > 12 && !memcmp(s, "knp.default.", 12)) ||
			  (len > 13 && !memcmp(s, "ossg.default.", 13))))
		return NULL;
	for (size_t i = 0; i < len; i++)
		dots += s[i] == '.';
	if (dots > 1)
		return "a policy name is a DNS label, optionally preceded by its tier and '.'";
	return NULL;
}

const char *valid_calico_policy_name(const char *s, size_t len)
{
	return policy_name_problem(s, len, true);
}

const char *valid_calico_global_policy_name(const char *s, size_t len)
{
	return policy_name_problem(s, len, false);
}

const char *valid_calico_interface_name(const char *s, size_t len)
{
	if (len == 1 && s[0] == '*')
		return NULL;
	if (!len || len > 15)
		return "must be '*' (every interface) or 1-15 characters";
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return "must consist of letters, digits, '_', '.' and '-' (or be '*', "
			       "every interface)";
	return NULL;
}
