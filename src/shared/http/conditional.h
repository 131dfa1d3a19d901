// Validators and conditional requests: HTTP dates (format and parse), Apache-shaped ETags, and
// the evaluation of If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since and If-Range.
// Runs in: children (Date header formatting may also run in the master for logs).
// Leans on RFC 9110 5.6.7 (HTTP-date, three forms), 8.8.3 (entity-tags, weak and strong
// comparison), 8.8.2.2 (when a date is a strong validator), 13.1 and 13.2.2 (precondition
// order); gmtime_r(3).
#ifndef MPMD_SHARED_HTTP_CONDITIONAL_H
#define MPMD_SHARED_HTTP_CONDITIONAL_H

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "shared/http/http_request.h"

namespace mpmd {

// IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (29 bytes), without locale or strftime.
std::string http_date(time_t t);
// Writes exactly 29 bytes (no NUL) into `out`.
void format_http_date(time_t t, char out[29]);

// Accepts IMF-fixdate, the obsolete RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit
// year below 70 is 20xx) and asctime ("Sun Nov  6 08:49:37 1994"). False for anything else.
bool parse_http_date(std::string_view text, time_t* out);

// An entity-tag held in place (a std::string of this length would be allocated on every
// request for a file).
struct EntityTag {
    char bytes[2 + 16 + 1 + 16] = {};
    size_t size = 0;

    std::string_view view() const { return {bytes, size}; }
};

// Apache's default FileETag (MTime Size): "\"<size hex>-<mtime in microseconds hex>\"".
EntityTag make_etag(uint64_t size, const struct timespec& mtime);

// RFC 9110 8.8.3.2. `list` is a field value: "*" or comma-separated entity-tags.
bool etag_list_matches_weak(std::string_view list, std::string_view etag);
bool etag_list_matches_strong(std::string_view list, std::string_view etag);

enum class Precondition {
    Proceed,       // serve the representation normally
    NotModified,   // 304 (GET or HEAD with a matching If-None-Match / If-Modified-Since)
    Failed,        // 412
};

// RFC 9110 13.2.2, for a representation that exists: If-Match, else If-Unmodified-Since, may
// fail with 412; then If-None-Match, else If-Modified-Since, yield 304 for GET and HEAD (412
// for other methods). Unparseable dates are ignored, as the RFC asks. Repeated fields combine.
Precondition evaluate_preconditions(const HttpRequest& request, std::string_view etag,
                                    time_t last_modified);

// How long after its Last-Modified a file's date becomes a strong validator (Apache's figure).
inline constexpr time_t kStrongDateSeconds = 60;

// RFC 9110 13.1.5, evaluated after evaluate_preconditions: whether If-Range's `value` lets a
// Range field apply to the representation with `etag` and `last_modified` at time `now`
// (false: send the whole representation). An entity-tag must match `etag` strongly, so a
// weak one never does. An HTTP-date must equal Last-Modified, and Last-Modified must be a
// strong validator (8.8.2.2): a file changed twice within one second keeps its date, so, as
// Apache does, a date less than kStrongDateSeconds before `now` never matches. Anything else
// (an unparseable date, a list) does not match.
bool if_range_matches(std::string_view value, std::string_view etag, time_t last_modified,
                      time_t now);

} // namespace mpmd

#endif
