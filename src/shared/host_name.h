// Host names as virtual hosts compare them: the name a Host field or an absolute-form
// target's authority carries, without its port or trailing dot, and the ServerAlias patterns
// (* any run of characters, ? any one), all without regard to case (RFC 9110 4.2.3: the host
// is case-insensitive; Apache's ap_matches_request_vhost and ap_strcasecmp_match).
// Runs in: master (ServerName at load) and children (each request).
#ifndef MPMD_SHARED_HOST_NAME_H
#define MPMD_SHARED_HOST_NAME_H

#include <string_view>

namespace mpmd {

// "Example.COM:8080" -> "Example.COM", "example.com." -> "example.com", "[::1]:80" -> "[::1]".
std::string_view host_without_port(std::string_view authority);

// Whether `host` matches `pattern`, case-insensitively; '*' matches any run of characters
// (none included) and '?' any one character.
bool host_matches(std::string_view pattern, std::string_view host);

} // namespace mpmd

#endif
