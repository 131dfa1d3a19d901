// See cgi_head.h.
#include "shared/http/cgi_head.h"

#include "shared/http/response.h"   // status_reason

namespace mpmd {

namespace {

bool dropped(std::string_view name)
{
    return ascii_iequals(name, "Date") || ascii_iequals(name, "Server") || ascii_iequals(name, "Connection") ||
           ascii_iequals(name, "Transfer-Encoding") || ascii_iequals(name, "Keep-Alive") ||
           ascii_iequals(name, "Content-Length") || ascii_iequals(name, "Status");
}

bool parse_digits(std::string_view text, unsigned long long max, unsigned long long* out)
{
    if (text.empty() || text.size() > 19)
        return false;
    unsigned long long value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + unsigned(c - '0');
    }
    if (value > max)
        return false;
    *out = value;
    return true;
}

CgiHeadResult malformed(std::string problem)
{
    CgiHeadResult result;
    result.outcome = CgiHeadResult::Outcome::Malformed;
    result.problem = std::move(problem);
    return result;
}

} // namespace

CgiHeadResult parse_cgi_head(std::string_view output, CgiHead* head)
{
    *head = CgiHead();
    size_t at = 0;
    for (;;) {
        const size_t end = output.find('\n', at);
        if (end == std::string_view::npos) {
            if (output.size() > kMaxCgiHeadBytes)
                return malformed("header section longer than 65536 bytes");
            return {};
        }
        if (end + 1 > kMaxCgiHeadBytes)
            return malformed("header section longer than 65536 bytes");
        std::string_view line = output.substr(at, end - at);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        at = end + 1;
        if (line.empty())
            break;
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return malformed("Bad header: " + std::string(line.substr(0, 64)));
        const std::string_view name = line.substr(0, colon);
        for (char c : name)
            if (c <= ' ' || c >= 127)
                return malformed("Bad header: " + std::string(line.substr(0, 64)));
        const std::string_view value = trim_ows(line.substr(colon + 1));
        for (char c : value)
            if ((c < ' ' && c != '\t') || c == 127)
                return malformed("Bad header: " + std::string(line.substr(0, 64)));
        if (ascii_iequals(name, "Status")) {
            unsigned long long code = 0;
            if (value.size() < 3 || !parse_digits(value.substr(0, 3), 999, &code) || code < 100 ||
                (value.size() > 3 && value[3] != ' '))
                return malformed("invalid Status: " + std::string(value.substr(0, 64)));
            head->status = int(code);
        } else if (ascii_iequals(name, "Content-Length")) {
            unsigned long long length = 0;
            if (!parse_digits(value, (1ULL << 62), &length))
                return malformed("invalid Content-Length: " + std::string(value.substr(0, 64)));
            head->content_length = off_t(length);
        } else if (ascii_iequals(name, "Location")) {
            head->location = std::string(value);
        }
        if (!dropped(name))
            head->headers.push_back({std::string(name), std::string(value)});
    }
    // As mod_cgi: a Location with status 200 (Status absent or said) is a redirect.
    if (!head->location.empty() && head->status == 200) {
        if (head->location.front() == '/') {
            head->kind = CgiHead::Kind::LocalRedirect;
        } else {
            head->status = 302;
        }
    }
    // 1xx from a script would be a second head; Apache answers 500 for what it cannot send.
    if (head->status < 200)
        return malformed("Status " + std::to_string(head->status) + " cannot end a CGI response");
    CgiHeadResult result;
    result.outcome = CgiHeadResult::Outcome::Complete;
    result.consumed = at;
    return result;
}

} // namespace mpmd
