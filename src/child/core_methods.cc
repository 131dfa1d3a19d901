// See core_methods.h.
#include "child/core_methods.h"

namespace mpmd {

std::string_view allowed_methods(const ServerConfig& config)
{
    return config.trace_enable ? "GET, HEAD, OPTIONS, TRACE" : "GET, HEAD, OPTIONS";
}

namespace {

Response trace_reply(const HttpRequest& request, const ServerConfig& config)
{
    if (!config.trace_enable) {
        Response r = error_response(405);
        r.add_header("Allow", allowed_methods(config));
        return r;
    }
    // RFC 9110 9.3.8: a client must not send content with TRACE; Apache refuses it too.
    if (request.body_bytes > 0 || request.header("Content-Length") != nullptr ||
        request.header("Transfer-Encoding") != nullptr)
        return error_response(413);
    Response r;
    r.body.reserve(256);
    r.body.append(request.request_line).append("\r\n");
    for (const HttpHeader& h : request.headers)
        r.body.append(h.name).append(": ").append(h.value).append("\r\n");
    r.body.append("\r\n");
    r.add_header("Content-Type", "message/http");
    return r;
}

} // namespace

std::optional<Response> handle_core_method(const HttpRequest& request, const ServerConfig& config)
{
    if (request.method_kind == HttpMethod::Trace)
        return trace_reply(request, config);
    if (request.method_kind == HttpMethod::Options && request.target == "*") {
        Response r;
        r.add_header("Allow", allowed_methods(config));
        return r;
    }
    return std::nullopt;
}

} // namespace mpmd
