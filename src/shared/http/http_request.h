// HttpRequest: one parsed request head as plain data (method, target, version, header fields),
// filled by RequestParser and read by handlers, the access log and the scoreboard.
// Runs in: children. Leans on RFC 9110 (fields, Connection) and RFC 9112 (keep-alive rules).
#ifndef MPMD_SHARED_HTTP_HTTP_REQUEST_H
#define MPMD_SHARED_HTTP_HTTP_REQUEST_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

// ASCII-only case folding: header names and tokens are ASCII (RFC 9110 5.1), and the
// C library's tolower() depends on the locale.
constexpr char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

constexpr bool ascii_iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

// Strips RFC 9110 5.6.3 optional whitespace (SP, HTAB) from both ends.
constexpr std::string_view trim_ows(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// The method as the parser classified it; `method` keeps the exact token for logs.
// OtherKnown covers every registered method besides those named (PUT, DELETE, PATCH,
// CONNECT, WebDAV...): a static resource answers those with 405, Unknown with 501.
enum class HttpMethod { Get, Head, Post, Options, Trace, OtherKnown, Unknown };

struct HttpHeader {
    std::string name;   // as received
    std::string value;  // without surrounding whitespace
};

struct HttpRequest {
    std::string method;
    HttpMethod method_kind = HttpMethod::Unknown;
    std::string target;          // request-target exactly as received (still percent-encoded)
    int version = 11;            // 10 * major + minor: 10 or 11 (e.g. 20 when answered with 505)
    std::vector<HttpHeader> headers;
    std::string request_line;    // "GET /x HTTP/1.1" as received, for %r and the scoreboard
    uint64_t body_bytes = 0;     // request body bytes read and discarded (after de-chunking)
    // The connection must close after this exchange whatever Connection says: an HTTP/1.0
    // request framed with Transfer-Encoding (RFC 9112 6.1: its framing is treated as faulty).
    bool close_after = false;
    // Expect: 100-continue in an HTTP/1.1 request (RFC 9110 10.1.1; ignored in HTTP/1.0).
    bool expects_continue = false;

    // Case-insensitive, first match; nullptr when absent. Pointers stay valid until the
    // request is reset.
    const std::string* header(std::string_view name) const
    {
        for (const HttpHeader& h : headers)
            if (ascii_iequals(h.name, name))
                return &h.value;
        return nullptr;
    }

    // RFC 9112 9.3: HTTP/1.1 persists unless a Connection field carries "close";
    // HTTP/1.0 persists only with "keep-alive". Tokens may share a field or be spread over several.
    bool keep_alive_requested() const
    {
        if (close_after)
            return false;
        bool close = false;
        bool keep_alive = false;
        for (const HttpHeader& h : headers) {
            if (!ascii_iequals(h.name, "Connection"))
                continue;
            std::string_view rest = h.value;
            while (!rest.empty()) {
                const size_t comma = rest.find(',');
                const std::string_view token = trim_ows(rest.substr(0, comma));
                rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
                close = close || ascii_iequals(token, "close");
                keep_alive = keep_alive || ascii_iequals(token, "keep-alive");
            }
        }
        if (close)
            return false;
        return version >= 11 || keep_alive;
    }

    void clear()
    {
        method.clear();
        method_kind = HttpMethod::Unknown;
        target.clear();
        version = 11;
        headers.clear();
        request_line.clear();
        body_bytes = 0;
        close_after = false;
        expects_continue = false;
    }
};

} // namespace mpmd

#endif
