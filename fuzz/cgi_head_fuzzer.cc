// libFuzzer target: the parser of a CGI script's header section (src/shared/http/cgi_head.h).
// The input is what a script wrote first. A script is code the administrator runs, but it
// may echo what a client sent, so its output is checked for what the connection relies on:
// - a complete section ends where its empty line ends, never past the bytes or the bound,
//   and every shorter prefix of it asks for more (output that arrives in pieces is taken
//   the same way), while bytes after it (the body) change nothing;
// - "need more" is never answered past the bound, so a script cannot make the server
//   buffer without end; a refusal says why;
// - what goes into the reply head is safe to send: field names are tokens without the
//   fields the server sets itself, values have no CR, LF or other control byte but HTAB,
//   the status is one a final response may have (200-999), an internal redirect is a
//   local path with status 200, and Content-Length is the script's own, or -1;
// - the answer does not change when asked twice.
// Runs in: `make fuzz` (fuzz/local.am); seeds in fuzz/corpus/cgi_head/.
#include "check.h"

#include "shared/http/cgi_head.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace mpmd;
using namespace mpmd::fuzz;

namespace {

const char* outcome_name(CgiHeadResult::Outcome outcome)
{
    switch (outcome) {
    case CgiHeadResult::Outcome::NeedMore: return "need more";
    case CgiHeadResult::Outcome::Complete: return "complete";
    case CgiHeadResult::Outcome::Malformed: return "malformed";
    }
    return "?";
}

bool same_head(const CgiHead& a, const CgiHead& b)
{
    if (a.kind != b.kind || a.status != b.status || a.location != b.location ||
        a.content_length != b.content_length || a.headers.size() != b.headers.size())
        return false;
    for (size_t i = 0; i < a.headers.size(); ++i)
        if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value)
            return false;
    return true;
}

bool server_sets(std::string_view name)
{
    for (const char* own : {"Date", "Server", "Connection", "Transfer-Encoding", "Keep-Alive", "Content-Length",
                            "Status"})
        if (ascii_iequals(name, own))
            return true;
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    CgiHead head;
    const CgiHeadResult r = parse_cgi_head(input, &head);
    const auto context = [&] {
        return "bytes \"" + printable(input.substr(0, 256)) + "\": " + outcome_name(r.outcome) + ", consumed " +
               std::to_string(r.consumed) + ", status " + std::to_string(head.status) + ", problem \"" +
               r.problem + "\"";
    };
    CgiHead again;
    const CgiHeadResult r2 = parse_cgi_head(input, &again);
    FUZZ_CHECK(r2.outcome == r.outcome && r2.consumed == r.consumed && r2.problem == r.problem, context());

    switch (r.outcome) {
    case CgiHeadResult::Outcome::NeedMore:
        FUZZ_CHECK(size <= kMaxCgiHeadBytes, context());
        FUZZ_CHECK(r.problem.empty(), context());
        break;
    case CgiHeadResult::Outcome::Malformed:
        FUZZ_CHECK(!r.problem.empty(), context());
        break;
    case CgiHeadResult::Outcome::Complete: {
        FUZZ_CHECK(same_head(again, head), context());
        FUZZ_CHECK(r.consumed > 0 && r.consumed <= size && r.consumed <= kMaxCgiHeadBytes, context());
        FUZZ_CHECK(input[r.consumed - 1] == '\n', context());
        // The last line is the empty one: "\n" or "\r\n" after the line before (or alone).
        const std::string_view section = input.substr(0, r.consumed);
        const bool empty_line = section == "\n" || section == "\r\n" ||
                                (section.size() >= 2 && section.substr(section.size() - 2) == "\n\n") ||
                                (section.size() >= 3 && section.substr(section.size() - 3) == "\n\r\n");
        FUZZ_CHECK(empty_line, context());
        FUZZ_CHECK(head.status >= 200 && head.status <= 999, context());
        FUZZ_CHECK(head.content_length >= -1, context());
        if (head.kind == CgiHead::Kind::LocalRedirect)
            FUZZ_CHECK(head.status == 200 && !head.location.empty() && head.location.front() == '/', context());
        for (const HttpHeader& h : head.headers) {
            FUZZ_CHECK(!h.name.empty() && !server_sets(h.name), context() + ", field " + printable(h.name));
            for (char c : h.name)
                FUZZ_CHECK(c > ' ' && c < 127 && c != ':', context() + ", field " + printable(h.name));
            for (char c : h.value)
                FUZZ_CHECK(c == '\t' || (static_cast<unsigned char>(c) >= ' ' && c != 127),
                           context() + ", value " + printable(h.value));
        }
        // Shorter prefixes ask for more: checked where each line ends, and one byte short.
        CgiHead partial;
        for (size_t cut = 0; cut < r.consumed; ++cut) {
            if (cut != 0 && cut + 1 != r.consumed && input[cut - 1] != '\n')
                continue;
            const CgiHeadResult p = parse_cgi_head(input.substr(0, cut), &partial);
            FUZZ_CHECK(p.outcome == CgiHeadResult::Outcome::NeedMore, context() + ", prefix " + std::to_string(cut));
        }
        // What follows the section is the body: it changes nothing.
        const std::string with_body = std::string(section) + "body\r\n\r\nStatus: 500\r\n";
        CgiHead followed;
        const CgiHeadResult b = parse_cgi_head(with_body, &followed);
        FUZZ_CHECK(b.outcome == r.outcome && b.consumed == r.consumed && same_head(followed, head), context());
        break;
    }
    }
    return 0;
}
