// Authority: the syntax check applied to a Host field and to the authority of an
// absolute-form request-target, so both are held to the same rule before either is echoed
// into a Location header, a log or (later) used to pick a virtual host.
// Runs in: children. Leans on RFC 3986 3.2.2-3.2.3 (host, port), RFC 9110 7.2 (Host) and
// Apache's HttpProtocolOptions Strict (a Host that is not a valid host[:port] gets 400).
#ifndef MPMD_SHARED_HTTP_AUTHORITY_H
#define MPMD_SHARED_HTTP_AUTHORITY_H

#include <string_view>

namespace mpmd {

struct HttpRequest;

// True for uri-host [ ":" port ]: a reg-name (unreserved, sub-delims and %XX), a dotted
// IPv4 address (a reg-name by syntax) or an IPv6 literal in brackets, then optional ':'
// and decimal digits. No userinfo, no whitespace or controls, no path. An empty text is
// valid only when `allow_empty` (RFC 9112 3.2: an empty Host field).
bool valid_authority(std::string_view text, bool allow_empty);

// The host a request is for, as a virtual host is chosen by: an absolute-form target's
// authority, else the Host field (RFC 9112 3.2.2), without port or trailing dot; "" when it
// names none (HTTP/1.0 without Host). A view into the request.
std::string_view request_host(const HttpRequest& request);

} // namespace mpmd

#endif
