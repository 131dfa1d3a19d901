// libFuzzer target: the URL path mapper alone (src/shared/http/url_path.h). The input is
// taken twice: as a request-target, whose UrlPath must keep every promise of
// url_path_invariants.h and, when it is a plain path, name what a walk of its segments
// names; and as a decoded path ("/" + input), which escape_url_path must write so that
// parse_url_path reads it back: to the path itself when it is already normal, else to its
// normal form, which is a fixed point (idempotence).
// Runs in: `make fuzz` (fuzz/local.am); seeds in fuzz/corpus/url_path/.
#include "check.h"
#include "url_path_invariants.h"

#include "shared/http/url_path.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace mpmd;
using namespace mpmd::fuzz;

namespace {

// RFC 3986 5.2.4 read plainly, as a stack of segments, for a target that is a path with
// no escape, query or fragment: the path it names ("." and empty segments dropped, ".."
// taking one back, a trailing '/' kept), or nullopt when ".." climbs above the root.
std::optional<std::string> walk(std::string_view target)
{
    std::vector<std::string_view> segments;
    bool directory = false;
    for (size_t start = 1; start <= target.size();) {
        const size_t slash = target.find('/', start);
        const size_t end = slash == std::string_view::npos ? target.size() : slash;
        const std::string_view segment = target.substr(start, end - start);
        if (segment == "..") {
            if (segments.empty())
                return std::nullopt;
            segments.pop_back();
            directory = true;
        } else {
            directory = segment.empty() || segment == ".";
            if (!directory)
                segments.push_back(segment);
        }
        start = end + 1;
    }
    std::string path;
    for (const std::string_view segment : segments)
        path.append("/").append(segment);
    if (path.empty() || directory)
        path += '/';
    return path;
}

bool plain_path(std::string_view target)
{
    return !target.empty() && target.front() == '/' &&
           target.find_first_of(std::string_view("%?#\0", 4)) == std::string_view::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    const UrlPath target = parse_url_path(input);
    check_url_path(input, target);
    if (plain_path(input)) {
        const std::optional<std::string> walked = walk(input);
        FUZZ_CHECK(walked ? target.status == 0 && target.path == *walked : target.status == 400,
                   "target \"" + printable(input) + "\": status " + std::to_string(target.status) + ", path \"" +
                       printable(target.path) + "\", a walk gives " + (walked ? "\"" + printable(*walked) + "\"" : "400"));
    }

    const std::string path = "/" + std::string(input);
    const std::string escaped = escape_url_path(path);
    check_escaped(path, escaped);
    const UrlPath url = parse_url_path(escaped);
    const auto context = [&] {
        return "path \"" + printable(path) + "\" escaped as \"" + escaped + "\": status " +
               std::to_string(url.status) + ", path \"" + printable(url.path) + "\"";
    };
    if (path.find('\0') != std::string::npos) {
        FUZZ_CHECK(url.status == 400, context());   // a NUL is never let through
        return 0;
    }
    // Only ".." above the root can make a path that escaping keeps whole unusable.
    FUZZ_CHECK(url.status == 0 || (url.status == 400 && path.find("..") != std::string::npos), context());
    if (url.status != 0)
        return 0;
    FUZZ_CHECK(url.query.empty() && url.authority.empty() && !url.asterisk, context());
    if (is_normal_path(path))
        FUZZ_CHECK(url.path == path, context());
    check_url_path(escaped, url);   // its path, escaped again, parses to itself
    return 0;
}
