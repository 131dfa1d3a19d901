// UrlPath: the request-target reduced to a safe, decoded, normalised path below DocumentRoot,
// with the query kept apart for logs and redirects. The only way a target becomes a file path.
// Runs in: children. Leans on RFC 3986 (2.1 percent-encoding, 5.2.4 remove_dot_segments),
// RFC 9112 3.2 (origin-, absolute- and asterisk-form), Apache's AllowEncodedSlashes Off and
// MergeSlashes On.
#ifndef MPMD_SHARED_HTTP_URL_PATH_H
#define MPMD_SHARED_HTTP_URL_PATH_H

#include <string>
#include <string_view>

namespace mpmd {

struct UrlPath {
    int status = 0;          // 0 when usable; else 400 (malformed, NUL, above the root) or 404 (%2F)
    std::string path;        // decoded, starts with '/', no "." / ".." segments, no "//" (%U)
    std::string query;       // "?..." exactly as received, or empty (%q)
    std::string authority;   // host[:port] of an absolute-form target, else empty
    bool asterisk = false;   // the target was "*" (path is then empty)
};

// Never throws; a target that fails any rule leaves `status` set and `path` empty.
UrlPath parse_url_path(std::string_view target);

// Percent-encodes a decoded path for a Location header: every byte outside RFC 3986 pchar
// and '/' becomes %XX.
std::string escape_url_path(std::string_view path);

} // namespace mpmd

#endif
