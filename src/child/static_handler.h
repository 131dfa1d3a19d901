// The static file handler: maps a request below DocumentRoot to a file (DirectoryIndex for
// directories), answers GET and HEAD with validators, conditional requests and byte ranges,
// and everything else with the status Apache's default handler would give.
// Runs in: children. Leans on open(2)/openat(2)/fstat(2), RFC 9110 (9.3.1-2 GET and HEAD,
// 13 conditional requests, 14 range requests, 15.4.2 301) and the url_path rules.
#ifndef MPMD_CHILD_STATIC_HANDLER_H
#define MPMD_CHILD_STATIC_HANDLER_H

#include <string>
#include <vector>

#include "shared/error_log.h"
#include "shared/file_access.h"
#include "shared/http/http_request.h"
#include "shared/http/response.h"

namespace mpmd {

class MimeTypes;

// Everything the handler reads from the config; the referenced objects outlive the call.
struct StaticContext {
    const std::string& document_root;                 // absolute; a trailing '/' is allowed
    const std::vector<std::string>& directory_index;  // names tried in order, e.g. "index.html"
    const MimeTypes& mime;
    const std::string& server_name;                   // for redirects without a Host field
    int port;                                          // ditto; omitted when the scheme's (80, 443)
    const FileAccess& access;                         // links and dot names (Options, DotFiles)
    std::string_view allow;                           // the Allow value: "GET, HEAD, OPTIONS"...
    std::string_view client;                          // "ADDR:PORT", for error log lines
    int max_ranges;                                   // MaxRanges; 0 ignores Range fields
    int open_file_cache;                              // OpenFileCache: files this thread keeps open
    bool https = false;                               // the connection speaks TLS: https:// redirects
    ErrorLog* error_log = nullptr;                    // the vhost's own ErrorLog; nullptr: error_log()
};

// Never throws for a bad request; every outcome is a Response:
//   200 (file_fd open for GET, closed for HEAD; for OPTIONS an empty body and Allow),
//   206 or 416 for a GET with Range (after the preconditions and If-Range), 301 to the
//   directory with its slash, 304/412 from the preconditions, 400/404 from the path rules,
//   403 (no index, not a regular file, permission, a dot name DotFiles refuses, a symbolic
//   link Options refuses: both logged like Apache's AH01630 and AH00037), 405 with Allow for
//   other known methods, 501 for unknown ones, 500 for unexpected system errors. send_body
//   is false for HEAD and 304. 200 and 206 say Accept-Ranges: bytes ("none" when MaxRanges
//   is none, as Apache says).
Response handle_static(const HttpRequest& request, const StaticContext& context);

} // namespace mpmd

#endif
