// Response: what a handler answers (status, extra header fields, a body in memory or a file
// range for sendfile), the serialisation of its head, and Apache-style HTML error pages.
// Runs in: children. Leans on RFC 9110 (15 status codes, 6.4.1 and 8.6 Content-Length) and
// RFC 9112 (4 status line, 9.3 Connection); close(2) for the owned file descriptor.
#ifndef MPMD_SHARED_HTTP_RESPONSE_H
#define MPMD_SHARED_HTTP_RESPONSE_H

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "shared/http/http_request.h"

namespace mpmd {

struct Response {
    int status = 200;
    // Fields besides Date, Server, Content-Length and Connection, which serialisation adds.
    std::vector<HttpHeader> headers;
    std::string body;          // the body when file_fd < 0 and file_length == 0
    int file_fd = -1;          // owned: closed by the destructor; the body is sent with sendfile
    off_t file_offset = 0;
    off_t file_length = 0;     // with a file body; kept (fd closed) for HEAD so Content-Length is right
    bool send_body = true;     // false for HEAD and 304: the head describes a body not sent

    Response() = default;
    ~Response();
    Response(Response&& other) noexcept;
    Response& operator=(Response&& other) noexcept;
    Response(const Response&) = delete;
    Response& operator=(const Response&) = delete;

    // Bytes of the body this response describes (sent or not): the file range when a file
    // is set or was set, else body.size().
    off_t content_length() const;
    void add_header(std::string_view name, std::string_view value);
    const std::string* header(std::string_view name) const;   // case-insensitive
    void close_file();
};

// "Not Found" for 404; "Unknown" outside the codes mpmd may send.
std::string_view status_reason(int status);

// A small HTML page in Apache's shape ("<title>404 Not Found</title>"), Content-Type
// text/html; charset=iso-8859-1. A 405 needs an Allow field, which the caller adds (what
// is allowed depends on the handler and the config).
Response error_response(int status);

// 301/302 with Location and the HTML page pointing at it (`location` is HTML-escaped there).
Response redirect_response(int status, std::string_view location);

// Appends the status line, the fields and the blank line to `out`. The status line always
// says HTTP/1.1 (RFC 9110 6.2: a server sends its own version). Connection is "close" when
// !keep_alive, "keep-alive" for a persistent HTTP/1.0 exchange, absent otherwise. No
// Content-Length for 1xx, 204 and 304.
void append_head(std::string* out, const Response& response, int http_version, bool keep_alive,
                 std::string_view server, std::string_view date);
std::string serialize_head(const Response& response, int http_version, bool keep_alive,
                           std::string_view server, std::string_view date);

} // namespace mpmd

#endif
