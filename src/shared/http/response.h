// Response: what a handler answers (status, extra header fields, a body made of bytes in memory
// and ranges of an open file for sendfile), the serialisation of its head, and Apache-style
// HTML error pages. An ended Response leaves its field and piece lists to the next ones of
// its thread (response.cc), so replies allocate nothing once a thread has warmed up.
// Runs in: children. Leans on RFC 9110 (15 status codes, 6.4.1 and 8.6 Content-Length) and
// RFC 9112 (4 status line, 9.3 Connection); close(2) for an owned file descriptor.
#ifndef MPMD_SHARED_HTTP_RESPONSE_H
#define MPMD_SHARED_HTTP_RESPONSE_H

#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "shared/http/http_request.h"

namespace mpmd {

// A piece of a body: bytes in memory, or a range of the response's file, which the connection
// sends with sendfile(2). A multipart/byteranges body alternates them (part headers, file bytes).
struct BodyPiece {
    std::string text;          // when !from_file
    bool from_file = false;
    off_t offset = 0;          // from_file: bytes [offset, offset + length) of Response::file_fd
    off_t length = 0;

    off_t size() const { return from_file ? length : static_cast<off_t>(text.size()); }
};

// The body is `body` followed by `pieces`; handlers use one or the other.
struct Response {
    int status = 200;
    // Fields besides Date, Server, Content-Length and Connection, which serialisation adds.
    std::vector<HttpHeader> headers;
    std::string body;               // a body held in memory (error pages, the status page)
    int file_fd = -1;               // read by the file pieces; closed by the destructor when owned
    bool file_owned = true;         // false: lent by the open-file cache, which closes it
    // The whole file's bytes when the open-file cache holds them (a small file): file pieces
    // are copied from here rather than read or sent with sendfile. Shared, so it outlives
    // the cache's entry like an owned descriptor.
    std::shared_ptr<const std::string> file_bytes;
    std::vector<BodyPiece> pieces;  // kept (file_fd closed) for HEAD, so Content-Length is right
    bool send_body = true;          // false for HEAD and 304: the head describes a body not sent
    // A body the handler sends itself after the head (a CGI script's output), whose length
    // the head may not know: streamed_length >= 0 is promised in Content-Length; -1 sends
    // Transfer-Encoding: chunked (HTTP/1.1) or ends the body with the close (HTTP/1.0).
    bool streamed = false;
    off_t streamed_length = -1;

    Response() = default;
    ~Response();
    Response(Response&& other) noexcept;
    Response& operator=(Response&& other) noexcept;
    Response(const Response&) = delete;
    Response& operator=(const Response&) = delete;

    // Bytes of the body this response describes, sent or not.
    off_t content_length() const;
    void add_text(std::string text);
    void add_file_range(off_t offset, off_t length);
    void add_header(std::string_view name, std::string_view value);
    const std::string* header(std::string_view name) const;   // case-insensitive
    // Lets go of file_fd (closes it when owned, forgets it when lent) and of file_bytes.
    void close_file();
    // Makes a lent file_fd the response's own (a duplicate, close-on-exec), so it can
    // outlive the lender (an open-file cache is its thread's); false when dup fails.
    bool own_file();
};

// "Not Found" for 404; "Unknown" outside the codes mpmd may send.
std::string_view status_reason(int status);

// A small HTML page in Apache's shape ("<title>404 Not Found</title>"), Content-Type
// text/html; charset=iso-8859-1. A 405 needs an Allow field, which the caller adds (what
// is allowed depends on the handler and the config).
Response error_response(int status);

// 400 for a request sent as plain HTTP to a port that speaks TLS, saying to use https://
// (Apache's mod_ssl answers so).
Response plain_http_on_tls_response();

// 301/302 with Location and the HTML page pointing at it (`location` is HTML-escaped there).
Response redirect_response(int status, std::string_view location);

// Appends the status line, the fields and the blank line to `out`. The status line always
// says HTTP/1.1 (RFC 9110 6.2: a server sends its own version). Connection is "close" when
// !keep_alive, "keep-alive" for a persistent HTTP/1.0 exchange, absent otherwise. No
// Content-Length for 1xx, 204 and 304; for a streamed body, its promised length or
// Transfer-Encoding: chunked (HTTP/1.1; an HTTP/1.0 one must not be kept alive).
void append_head(std::string* out, const Response& response, int http_version, bool keep_alive,
                 std::string_view server, std::string_view date);
std::string serialize_head(const Response& response, int http_version, bool keep_alive,
                           std::string_view server, std::string_view date);

} // namespace mpmd

#endif
