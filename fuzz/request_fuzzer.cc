// libFuzzer target: the path of a request through a child up to the handler. The bytes of one
// connection arrive in pieces the fuzzer chooses and go to RequestParser as
// src/child/connection.cc hands them over (the unconsumed tail presented again with the next
// piece, reset() between pipelined requests, a 100-continue head dispatched before its body);
// every request then meets the decisions dispatch makes before a handler opens a file:
// handle_core_method, parse_url_path, dot_path_denied, keep_alive_requested, and the head
// of a core method's reply. Each step's promises are checked, not only that nothing crashes.
//
// Input: the connection's bytes, then 8 bytes that FuzzedDataProvider takes from the end:
// the last is a set of flags (1: TraceEnable On; 2: small RequestLimits, so that short
// inputs reach 414, 431 and 413), the 7 before it, read backwards, the sizes of the pieces,
// used in turn: a byte b gives b % 64 bytes, 0 all that is left. So a seed is plain requests
// followed by 8 characters: "@@@@@@@@" sends everything at once, "@@@@@BAA" one byte, then
// two, then the rest, with TRACE on.
// Runs in: `make fuzz` (fuzz/local.am); seeds in fuzz/corpus/request/.
#include "check.h"
#include "url_path_invariants.h"

#include "child/core_methods.h"
#include "shared/file_access.h"
#include "shared/http/request_parser.h"
#include "shared/http/response.h"
#include "shared/http/url_path.h"
#include "shared/server_config.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

using namespace mpmd;
using namespace mpmd::fuzz;

namespace {

constexpr size_t kPieceSizes = 7;
constexpr uint8_t kTraceEnable = 1;
constexpr uint8_t kSmallLimits = 2;

// The statuses request_parser.h documents for Error.
bool documented_error(int status)
{
    for (const int documented : {400, 413, 414, 417, 431, 501, 505})
        if (status == documented)
            return true;
    return false;
}

std::string describe(const HttpRequest& r)
{
    return "request line \"" + printable(r.request_line) + "\", method \"" + printable(r.method) +
           "\", target \"" + printable(r.target) + "\", version " + std::to_string(r.version);
}

// The most bytes a connection may have to hold for one request before the parser consumes
// them: a head within the limits (the request line, every field line, the line that is
// arriving), or in a body the few field lines' worth RequestParser allows a chunk line or
// trailer. More would let a client grow a child's buffer without bound.
size_t most_held(const RequestLimits& limits)
{
    const size_t head = (limits.max_request_line + 2) + limits.max_fields * (limits.max_field_size + 2) +
                        (std::max(limits.max_request_line, limits.max_field_size) + 2);
    return std::max(head, 4 * (limits.max_field_size + 2));
}

// dot_path_denied stated another way: on a normal path a segment begins with '.' exactly
// where "/." occurs, and ".well-known" is spared only as the first segment.
void check_dot_rules(const std::string& path)
{
    bool dot = false;
    const bool ht = path.find("/.ht") != std::string::npos;
    for (size_t at = path.find("/."); at != std::string::npos; at = path.find("/.", at + 1)) {
        const bool well_known = at == 0 && path.compare(1, 11, ".well-known") == 0 &&
                                (path.size() == 12 || path[12] == '/');
        dot = dot || !well_known;
    }
    const auto context = [&] { return "path \"" + printable(path) + "\""; };
    FUZZ_CHECK(dot_path_denied(path, DotFiles::Deny) == dot, context() + ": DotFiles Deny");
    FUZZ_CHECK(dot_path_denied(path, DotFiles::DenyHt) == ht, context() + ": DotFiles DenyHt");
    FUZZ_CHECK(!dot_path_denied(path, DotFiles::Allow), context() + ": DotFiles Allow");
}

// RFC 9112 9.3 at its plainest: no Connection field means the version decides; a field that
// is exactly "close" closes; a request framed as faulty always closes.
void check_keep_alive(const HttpRequest& r)
{
    bool any_connection = false;
    bool close = false;
    for (const HttpHeader& h : r.headers) {
        if (ascii_iequals(h.name, "Connection")) {
            any_connection = true;
            close = close || ascii_iequals(h.value, "close");
        }
    }
    const bool keep = r.keep_alive_requested();
    if (r.close_after || close)
        FUZZ_CHECK(!keep, describe(r) + ": kept alive");
    else if (!any_connection)
        FUZZ_CHECK(keep == (r.version >= 11), describe(r) + ": keep-alive without a Connection field");
}

// Framing, where request smuggling lives: a whole request read exactly the body its head
// announced, Content-Length bytes or none at all.
void check_body(const HttpRequest& r)
{
    const std::string* length = r.header("Content-Length");
    if (r.header("Transfer-Encoding") != nullptr)
        return;   // chunked: the chunks decide
    uint64_t expected = 0;
    if (length != nullptr) {
        if (length->empty() || length->size() > 18 || length->find_first_not_of("0123456789") != std::string::npos)
            return;   // Beast judged the syntax; only plain decimal is recomputed here
        expected = std::stoull(*length);
    }
    FUZZ_CHECK(r.body_bytes == expected,
               describe(r) + ": body of " + std::to_string(r.body_bytes) + " bytes, expected " + std::to_string(expected));
}

// The reply of the server's own methods, as dispatch would send it.
void check_core_reply(const HttpRequest& r, const ServerConfig& config, const Response& reply)
{
    const auto context = [&] { return describe(r) + ": reply " + std::to_string(reply.status); };
    if (r.method_kind == HttpMethod::Trace) {
        if (!config.trace_enable) {
            FUZZ_CHECK(reply.status == 405 && reply.header("Allow") != nullptr, context());
        } else if (reply.status == 200) {
            FUZZ_CHECK(r.body_bytes == 0 && reply.body.compare(0, r.request_line.size() + 2, r.request_line + "\r\n") == 0 &&
                           reply.body.size() >= 4 && reply.body.compare(reply.body.size() - 4, 4, "\r\n\r\n") == 0,
                       context() + ": body \"" + printable(reply.body) + "\"");
        } else {
            FUZZ_CHECK(reply.status == 413, context());
        }
    } else {
        FUZZ_CHECK(r.method_kind == HttpMethod::Options && r.target == "*" && reply.status == 200 &&
                       reply.header("Allow") != nullptr,
                   context());
    }
    const std::string head = serialize_head(reply, r.version >= 11 ? 11 : 10, r.keep_alive_requested(), "mpmd",
                                            "Thu, 01 Jan 1970 00:00:00 GMT");
    FUZZ_CHECK(head.compare(0, 13, "HTTP/1.1 " + std::to_string(reply.status) + " ") == 0 &&
                   head.compare(head.size() - 4, 4, "\r\n\r\n") == 0,
               context() + ": head \"" + printable(head) + "\"");
}

// What dispatch decides for a request before any handler: the server's own methods, then
// the URL path a file handler would map, with the DotFiles rules; and keep-alive. Returns the
// status of a core method's reply, 0 when a handler would be asked.
int route(const HttpRequest& r, const ServerConfig& config)
{
    FUZZ_CHECK(!r.method.empty() && !r.target.empty() && !r.request_line.empty() &&
                   (r.version == 10 || r.version == 11),
               describe(r));
    int status = 0;
    if (const std::optional<Response> reply = handle_core_method(r, config)) {
        check_core_reply(r, config, *reply);
        status = reply->status;
    }
    const UrlPath url = parse_url_path(r.target);
    check_url_path(r.target, url);
    if (url.status == 0 && !url.asterisk)
        check_dot_rules(url.path);
    check_keep_alive(r);
    return status;
}

// One feed, from a heap block of exactly the unconsumed bytes, so AddressSanitizer sees a
// read past them; and the block is gone afterwards, as a connection's buffer moves on.
RequestParser::Result feed(RequestParser& parser, const std::string& buffer)
{
    const std::unique_ptr<char[]> block(new char[buffer.size()]);
    std::memcpy(block.get(), buffer.data(), buffer.size());
    const RequestParser::Result result = parser.feed(block.get(), buffer.size());
    FUZZ_CHECK(result.consumed <= buffer.size(),
               "consumed " + std::to_string(result.consumed) + " of " + std::to_string(buffer.size()));
    return result;
}

class Connection {
public:
    Connection(const RequestLimits& limits, const ServerConfig& config)
        : limits_(limits), config_(config), parser_(limits)
    {
    }

    // Serves `stream` as it arrives in `pieces`; returns when the connection would close.
    void serve(std::string_view stream, const std::array<uint8_t, kPieceSizes>& pieces)
    {
        std::string buffer;   // received and not yet consumed
        size_t offset = 0;
        size_t piece = 0;
        for (;;) {
            if (!buffer.empty() && !step(buffer))
                return;
            if (offset == stream.size())
                return;   // the client sent everything and waits, or closes
            const size_t size = pieces[piece++ % kPieceSizes] % 64;
            const size_t n = size == 0 ? stream.size() - offset : std::min(size, stream.size() - offset);
            buffer.append(stream.substr(offset, n));
            offset += n;
        }
    }

private:
    // Feeds what `buffer` holds, as often as requests complete in it; false when the
    // connection closes.
    bool step(std::string& buffer)
    {
        while (!buffer.empty()) {
            const RequestParser::Result result = feed(parser_, buffer);
            buffer.erase(0, result.consumed);
            const HttpRequest& request = parser_.request();
            switch (result.status) {
            case RequestParser::Status::Complete:
                FUZZ_CHECK(result.consumed > 0 && parser_.head_complete() && parser_.got_some(), describe(request));
                check_body(request);
                route(request, config_);
                if (!request.keep_alive_requested())
                    return false;
                parser_.reset();
                continue_asked_ = false;
                continue;
            case RequestParser::Status::Error:
                on_error(result, buffer);
                return false;
            case RequestParser::Status::NeedMore:
                FUZZ_CHECK(buffer.size() <= most_held(limits_),
                           std::to_string(buffer.size()) + " bytes held: \"" + printable(buffer.substr(0, 200)) + "\"");
                // RFC 9110 10.1.1: a head that expects 100-continue is dispatched before its body;
                // a refusal closes the connection.
                if (parser_.head_complete() && request.expects_continue && !continue_asked_) {
                    continue_asked_ = true;
                    if (route(request, config_) >= 300)
                        return false;
                }
                return true;
            }
        }
        return true;
    }

    void on_error(const RequestParser::Result& result, const std::string& buffer)
    {
        const HttpRequest& request = parser_.request();
        FUZZ_CHECK(documented_error(result.http_status),
                   "status " + std::to_string(result.http_status) + ", " + describe(request));
        FUZZ_CHECK(!parser_.head_complete() && parser_.got_some(), describe(request));
        // The error stays: the stream cannot be resynchronised.
        if (!buffer.empty()) {
            const RequestParser::Result again = feed(parser_, buffer);
            FUZZ_CHECK(again.status == RequestParser::Status::Error && again.consumed == 0 &&
                           again.http_status == result.http_status,
                       describe(request));
        }
        // The access log maps whatever target was understood.
        check_url_path(request.target, parse_url_path(request.target));
    }

    RequestLimits limits_;
    const ServerConfig& config_;
    RequestParser parser_;
    bool continue_asked_ = false;
};

ServerConfig config_with_trace(bool on)
{
    ServerConfig config;
    config.trace_enable = on;
    return config;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const ServerConfig trace_off = config_with_trace(false);
    static const ServerConfig trace_on = config_with_trace(true);

    FuzzedDataProvider input(data, size);
    const uint8_t flags = input.ConsumeIntegral<uint8_t>();
    std::array<uint8_t, kPieceSizes> pieces{};
    for (uint8_t& piece : pieces)
        piece = input.ConsumeIntegral<uint8_t>();
    const std::string stream = input.ConsumeRemainingBytesAsString();

    RequestLimits limits;
    if (flags & kSmallLimits) {
        limits.max_request_line = 32;
        limits.max_field_size = 32;
        limits.max_fields = 4;
        limits.max_body = 64;
    }
    Connection connection(limits, flags & kTraceEnable ? trace_on : trace_off);
    connection.serve(stream, pieces);
    return 0;
}
