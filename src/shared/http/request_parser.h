// RequestParser: turns the bytes of one connection into HttpRequest heads, one request at a
// time, on top of Boost.Beast's HTTP/1.1 parser; request bodies are read (and discarded, or
// handed to a handler that takes them) so a pipelined request that follows stays in sync. Limits and error statuses follow Apache 2.4
// (LimitRequestLine, LimitRequestFieldSize, LimitRequestFields).
// Runs in: children. Leans on RFC 9112 (message syntax, chunked coding, request smuggling, 9.3
// persistence) and RFC 6585 (431). Beast stays inside request_parser.cc: its headers are slow.
#ifndef MPMD_SHARED_HTTP_REQUEST_PARSER_H
#define MPMD_SHARED_HTTP_REQUEST_PARSER_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "shared/http/http_request.h"

namespace mpmd {

struct RequestLimits {
    size_t max_request_line = 8190;   // bytes, without CRLF; longer -> 414 (LimitRequestLine)
    size_t max_field_size = 8190;     // bytes of one header line, without CRLF; longer -> 431
    size_t max_fields = 100;          // header lines; more -> 431 (LimitRequestFields)
    uint64_t max_body = 1048576;      // bytes of body after de-chunking; more -> 413 (0: no limit)
};

class RequestParser {
public:
    enum class Status { NeedMore, Complete, Error };
    struct Result {
        Status status;
        size_t consumed;      // bytes of `data` used; the caller drops them before the next feed
        int http_status = 0;  // with Error: 400, 413, 414, 417, 431, 501 or 505
    };

    explicit RequestParser(const RequestLimits& limits = RequestLimits());
    ~RequestParser();
    RequestParser(const RequestParser&) = delete;
    RequestParser& operator=(const RequestParser&) = delete;

    // Feed the unconsumed bytes of the connection. Bytes not consumed (a partial line, the next
    // pipelined request) must be presented again, at the start of `data`, on the next call.
    // Complete: the request and its body are done; call reset() before feeding the next one.
    // Error: answer http_status and close the connection (the stream cannot be resynchronised);
    // request() then holds what was understood, request_line filled when the line was readable.
    Result feed(const char* data, size_t size);

    const HttpRequest& request() const;
    bool head_complete() const;   // head parsed and checked; the body may still be arriving
    // Any byte of this request seen (blank lines before it excepted), or the input refused:
    // either way there is something to answer.
    bool got_some() const;
    void reset();                 // start the next request on the same connection
    // From now until reset(), the body's bytes (de-chunked) are appended to *sink as they
    // are parsed, for a handler that takes the body (CGI); nullptr: discarded.
    void set_body_sink(std::string* sink);

private:
    class Impl;
    // The parsers of ended connections are kept for the thread's next ones (spare_pool.h):
    // a new connection then reuses the request's strings and field list instead of
    // allocating them.
    std::unique_ptr<Impl> impl_;
};

} // namespace mpmd

#endif
