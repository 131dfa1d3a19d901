// The header section a CGI script writes before its body (RFC 3875 6.2-6.3, as Apache's
// mod_cgi reads it): lines ending in LF or CRLF up to an empty one. Status gives the status
// ("404 Not Found"), Location a redirect: with status 200 (no Status, or "Status: 200"), a
// local path is an internal redirect (the server answers a GET for it instead) and any
// other Location a 302. Content-Length, when the script gives one, frames the body; the fields a server
// sets itself (Date, Server, Connection, Transfer-Encoding, Keep-Alive) are dropped.
// Runs in: children. Pure.
#ifndef MPMD_SHARED_HTTP_CGI_HEAD_H
#define MPMD_SHARED_HTTP_CGI_HEAD_H

#include "shared/http/http_request.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace mpmd {

// A header section longer than this is refused as malformed.
constexpr size_t kMaxCgiHeadBytes = 65536;

struct CgiHead {
    enum class Kind { Document, LocalRedirect };
    Kind kind = Kind::Document;
    int status = 200;
    std::vector<HttpHeader> headers;   // to send, in the script's order (Location included)
    std::string location;              // LocalRedirect: the path (and query) to answer instead
    off_t content_length = -1;         // the script's Content-Length; -1 when it gave none
};

struct CgiHeadResult {
    enum class Outcome { NeedMore, Complete, Malformed };
    Outcome outcome = Outcome::NeedMore;
    size_t consumed = 0;   // Complete: bytes of the section, its empty line included
    std::string problem;   // Malformed: what was wrong, for the error log
};

// Parses the section at the start of `output` (all the script wrote so far). NeedMore
// until its empty line is there; Malformed for a line without ':', a bad Status or
// Content-Length, or a section over kMaxCgiHeadBytes.
CgiHeadResult parse_cgi_head(std::string_view output, CgiHead* head);

} // namespace mpmd

#endif
