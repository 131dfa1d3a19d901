// What parse_url_path and escape_url_path promise (src/shared/http/url_path.h), as checks two
// fuzz targets share: the URL path mapper's own (url_path_fuzzer) and the request path's
// (request_fuzzer), which applies them to every target a client sent.
// Runs in: the fuzz targets only.
#ifndef MPMD_FUZZ_URL_PATH_INVARIANTS_H
#define MPMD_FUZZ_URL_PATH_INVARIANTS_H

#include "check.h"
#include "shared/http/url_path.h"

#include <string>
#include <string_view>

namespace mpmd::fuzz {

// A decoded path as normalise() leaves it: '/' first, no empty, "." or ".." segment (a
// trailing '/' is allowed), no NUL.
inline bool is_normal_path(std::string_view path)
{
    if (path.empty() || path.front() != '/' || path.find('\0') != std::string_view::npos)
        return false;
    for (size_t start = 1; start < path.size();) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        const std::string_view segment = path.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..")
            return false;
        start = end + 1;
    }
    return true;
}

// escape_url_path's output: RFC 3986 pchar, '/', and %XX with upper-case hex digits only.
inline void check_escaped(std::string_view path, std::string_view escaped)
{
    const auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
    for (size_t i = 0; i < escaped.size(); ++i) {
        const char c = escaped[i];
        if (c == '%') {
            FUZZ_CHECK(i + 2 < escaped.size() && hex(escaped[i + 1]) && hex(escaped[i + 2]),
                       "escape_url_path(\"" + printable(path) + "\") = \"" + printable(escaped) + "\"");
            i += 2;
            continue;
        }
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           std::string_view("-._~!$&'()*+,;=:@/").find(c) != std::string_view::npos;
        FUZZ_CHECK(plain, "escape_url_path(\"" + printable(path) + "\") = \"" + printable(escaped) + "\"");
    }
}

// `url` is parse_url_path(target). A usable path is normal, and escaping it gives a target
// that parses back to the same path (so a Location built from it names the same file).
inline void check_url_path(std::string_view target, const UrlPath& url)
{
    const auto context = [&] { return "target \"" + printable(target) + "\""; };
    FUZZ_CHECK(url.status == 0 || url.status == 400 || url.status == 404,
               context() + ": status " + std::to_string(url.status));
    if (url.status != 0) {
        FUZZ_CHECK(url.path.empty(), context() + ": path \"" + printable(url.path) + "\" with an error");
        return;
    }
    if (url.asterisk) {
        FUZZ_CHECK(target == "*" && url.path.empty(), context() + ": asterisk-form");
        return;
    }
    FUZZ_CHECK(is_normal_path(url.path), context() + ": path \"" + printable(url.path) + "\"");
    FUZZ_CHECK(url.query.empty() || (url.query.front() == '?' && url.query.size() <= target.size() &&
                                     target.substr(target.size() - url.query.size()) == url.query),
               context() + ": query \"" + printable(url.query) + "\"");
    FUZZ_CHECK(url.authority.find('@') == std::string::npos, context() + ": userinfo kept");

    const std::string escaped = escape_url_path(url.path);
    check_escaped(url.path, escaped);
    const UrlPath again = parse_url_path(escaped);
    FUZZ_CHECK(again.status == 0 && again.path == url.path && again.query.empty() && again.authority.empty(),
               context() + ": path \"" + printable(url.path) + "\" escaped as \"" + escaped +
                   "\" parses as status " + std::to_string(again.status) + ", path \"" + printable(again.path) + "\"");
}

} // namespace mpmd::fuzz

#endif
