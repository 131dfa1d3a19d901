// LogFormat: an access-log format string (Apache mod_log_config's LogFormat syntax) compiled
// once into items, then used to format one line per request into a reused buffer.
// Also owns the escaping of untrusted bytes in log lines, shared with the error log.
// Runs in: master (compile, when the config is loaded) and children (append, per request).
// Leans on: localtime_r(3), strftime(3), httpd's mod_log_config documentation and
// ap_escape_logitem() for the meanings and the escaping.
#ifndef MPMD_SHARED_LOG_FORMAT_H
#define MPMD_SHARED_LOG_FORMAT_H

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace mpmd {

struct HttpHeader; // shared/http/http_request.h

// A read-only view of some header list, searched by name without knowing the list's type
// (a function pointer plus the list, so no template and no std::function on the hot path).
// A lookup function must compare names case-insensitively and report the first header of
// that name.
struct HeaderSource {
    using LookupFn = bool (*)(const void* headers, std::string_view name, std::string_view* value);
    const void* headers = nullptr;
    LookupFn lookup = nullptr;

    bool find(std::string_view name, std::string_view* value) const
    {
        return lookup != nullptr && lookup(headers, name, value);
    }
};

// A HeaderSource over the fields of an HttpRequest or a Response (both keep a
// std::vector<HttpHeader>); `headers` must outlive the source.
HeaderSource header_source(const std::vector<HttpHeader>& headers);

// English month abbreviations, as in "%t" and the error log's time (never the locale's).
inline constexpr std::string_view kMonthNames[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// What one request leaves behind for the access log: plain views into the connection's
// buffers, valid only for the duration of LogFormat::append. An empty view logs as "-"
// (an empty query as nothing, as in httpd).
struct AccessRecord {
    std::string_view client_ip;    // %h %a: the client (a PROXY header's, behind a balancer)
    std::string_view peer_ip;      // %{c}a: the connection's peer; empty = client_ip
    std::string_view remote_user;  // %u (no authentication yet: stays empty -> "-")
    int local_port = 0;            // %p: the port the connection came in on
    std::string_view request_line; // %r: as received, without CRLF
    std::string_view method;       // %m
    std::string_view protocol;     // %H, e.g. "HTTP/1.1"
    std::string_view url_path;     // %U: decoded path, no query
    std::string_view query;        // %q: without the '?'
    int status = 0;                // %s %>s
    uint64_t body_bytes = 0;       // %b %B: body bytes sent, headers excluded
    struct timespec start {};      // %t: when the request line started to arrive (CLOCK_REALTIME)
    int64_t duration_us = 0;       // %D %T: from start to the last byte sent
    std::string_view server_name;  // %v
    pid_t pid = 0;                 // %P: the serving child's pid
    HeaderSource request_headers;  // %{Name}i
    HeaderSource response_headers; // %{Name}o
};

// How untrusted bytes are escaped, after httpd: '\\' -> "\\\\", \b \n \r \t \v -> "\\b" ...,
// other control and non-ASCII bytes -> "\\xhh" (lowercase hex). The access log also escapes
// '"' (its fields are quoted); the error log does not, as in httpd.
enum class LogEscape { AccessLog, ErrorLog };
void append_log_escaped(std::string& out, std::string_view text, LogEscape mode);

class LogFormat {
public:
    // Compiles an Apache format string. Directives: %h %a %l %u %t %{strftime}t (also
    // %{sec|msec|usec|msec_frac|usec_frac}t, each with an optional begin:/end: prefix)
    // %r %s %>s %<s %b %B %D %T %{s|ms|us}T %U %q %m %H %v %p %P %{Name}i %{Name}o %%.
    // In the literal text "\\\\", "\\t" and "\\\"" stand for \, tab and "; "\\n" and "\\r"
    // are refused (a log line must stay one line). On error returns nullopt and sets *error
    // to a sentence naming the offending directive, without file or line.
    static std::optional<LogFormat> compile(std::string_view format, std::string* error);

    // Appends one whole line for the record, ending in '\n'. Callers reuse `out` (clear() it,
    // keep its capacity) so a warmed-up server formats without allocating.
    void append(const AccessRecord& record, std::string& out) const;

    const std::string& source() const { return source_; }

    enum class Kind {
        Literal, ClientIp, PeerIp, Dash, RemoteUser, Time, TimeStrftime, TimeSec, TimeMsec, TimeUsec,
        TimeMsecFrac, TimeUsecFrac, RequestLine, Status, BodyBytesClf, BodyBytes, DurationUs,
        DurationS, DurationMs, UrlPath, Query, Method, Protocol, ServerName, LocalPort, Pid,
        RequestHeader, ResponseHeader,
    };
    struct Item {
        Kind kind;
        std::string text;   // literal text, header name or strftime format
        bool at_end = false; // time directives: the end of the request instead of its start
    };
    const std::vector<Item>& items() const { return items_; }

private:
    std::string source_;
    std::vector<Item> items_;
};

} // namespace mpmd

#endif
