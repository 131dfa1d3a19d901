// libFuzzer target: the PROXY protocol header parser (src/shared/proxy_protocol.h). The input
// is the first bytes of a connection on a Listen marked proxy. Checks what the connection
// relies on: a whole header is never longer than the bytes or the specification's bounds
// and ends where a version 1 line ends (CRLF); it parses the same alone, and every shorter
// prefix of it asks for more (so bytes that arrive in pieces are taken the same way); "need
// more" is never answered past the bound, so a peer cannot make the connection buffer
// without end; a refusal says why; a header with addresses has an IPv4 or IPv6 client; and
// the answer does not change when asked twice.
// Runs in: `make fuzz` (fuzz/local.am); seeds in fuzz/corpus/proxy_header/.
#include "check.h"

#include "shared/proxy_protocol.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace mpmd;
using namespace mpmd::fuzz;

namespace {

const char* outcome_name(ProxyHeader::Outcome outcome)
{
    switch (outcome) {
    case ProxyHeader::Outcome::NeedMore: return "need more";
    case ProxyHeader::Outcome::Done: return "done";
    case ProxyHeader::Outcome::Invalid: return "invalid";
    }
    return "?";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const ProxyHeader h = parse_proxy_header(input);
    const auto context = [&] {
        return "bytes \"" + printable(input.substr(0, 256)) + "\": " + outcome_name(h.outcome) + ", version " +
               std::to_string(h.version) + ", length " + std::to_string(h.length) + ", problem \"" + h.problem + "\"";
    };
    const ProxyHeader again = parse_proxy_header(input);
    FUZZ_CHECK(again.outcome == h.outcome && again.length == h.length && again.problem == h.problem, context());

    switch (h.outcome) {
    case ProxyHeader::Outcome::NeedMore:
        FUZZ_CHECK(size < std::max(kProxyV1MaxLength, kProxyV2MaxLength), context());
        break;
    case ProxyHeader::Outcome::Invalid:
        FUZZ_CHECK(!h.problem.empty(), context());
        break;
    case ProxyHeader::Outcome::Done: {
        FUZZ_CHECK(h.length > 0 && h.length <= size, context());
        FUZZ_CHECK(h.version == 1 || h.version == 2, context());
        if (h.version == 1)
            FUZZ_CHECK(h.length <= kProxyV1MaxLength && input.substr(h.length - 2, 2) == "\r\n", context());
        else
            FUZZ_CHECK(h.length >= 16 && h.length <= kProxyV2MaxLength, context());
        if (h.has_addresses)
            FUZZ_CHECK(h.source.ss_family == AF_INET || h.source.ss_family == AF_INET6, context());
        const ProxyHeader alone = parse_proxy_header(input.substr(0, h.length));
        FUZZ_CHECK(alone.outcome == ProxyHeader::Outcome::Done && alone.length == h.length, context());
        // Every shorter prefix asks for more (all of a short header; a sample of a long one).
        const size_t step = h.length <= 256 ? 1 : h.length / 64;
        for (size_t n = 0; n < h.length; n += step) {
            const ProxyHeader prefix = parse_proxy_header(input.substr(0, n));
            FUZZ_CHECK(prefix.outcome == ProxyHeader::Outcome::NeedMore,
                       context() + "; its first " + std::to_string(n) + " bytes: " + outcome_name(prefix.outcome));
        }
        break;
    }
    }
    return 0;
}
