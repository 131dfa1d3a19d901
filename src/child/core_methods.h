// The methods the server answers itself, before any handler, as Apache's core does: TRACE
// (TraceEnable; off by default, since echoing a request's head back is only ever a tool for
// debugging, and a gift to cross-site tracing) and OPTIONS with the asterisk-form target,
// which asks about the server rather than a resource. Also the Allow value every handler
// sends with 405 and with OPTIONS.
// Runs in: children. Leans on RFC 9110 9.3.7 (OPTIONS), 9.3.8 (TRACE), 10.2.1 (Allow).
#ifndef MPMD_CHILD_CORE_METHODS_H
#define MPMD_CHILD_CORE_METHODS_H

#include "shared/http/http_request.h"
#include "shared/http/response.h"
#include "shared/server_config.h"

#include <optional>
#include <string_view>

namespace mpmd {

// "GET, HEAD, OPTIONS", with ", TRACE" when TraceEnable is On.
std::string_view allowed_methods(const ServerConfig& config);

// The reply to TRACE (any target) and to OPTIONS *; nullopt for every other request.
//   TRACE: 405 with Allow when TraceEnable is Off; 413 when the request has a body; else
//   200 message/http with the request line and fields as received.
//   OPTIONS *: 200 with Allow and no body.
std::optional<Response> handle_core_method(const HttpRequest& request, const ServerConfig& config);

} // namespace mpmd

#endif
