// libFuzzer target: the URL path mapper alone (src/shared/http/url_path.h). The input is
// taken twice: as a request-target, whose UrlPath must keep every promise of
// url_path_invariants.h; and as a decoded path ("/" + input), which escape_url_path must
// write so that parse_url_path reads it back: to the path itself when it is already
// normal, else to its normal form, which is a fixed point (idempotence).
// Runs in: `make fuzz` (fuzz/local.am); seeds in fuzz/corpus/url_path/.
#include "check.h"
#include "url_path_invariants.h"

#include "shared/http/url_path.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace mpmd;
using namespace mpmd::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    check_url_path(input, parse_url_path(input));

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
