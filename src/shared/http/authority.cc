// See authority.h. A hand-written scanner: the grammar is small, and this runs on every
// request that carries a Host field.
#include "shared/http/authority.h"

#include "shared/host_name.h"
#include "shared/http/http_request.h"

#include <cstring>

namespace mpmd {

namespace {

bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 3986 reg-name = *( unreserved / pct-encoded / sub-delims )
bool valid_reg_name(std::string_view host)
{
    for (size_t i = 0; i < host.size(); ++i) {
        const char c = host[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            continue;
        if (c == '%') {
            if (i + 2 >= host.size() || !is_hex(host[i + 1]) || !is_hex(host[i + 2]))
                return false;
            i += 2;
            continue;
        }
        if (c == '\0' || std::strchr("-._~!$&'()*+,;=", c) == nullptr)
            return false;
    }
    return true;
}

// The inside of "[...]": an IPv6 address (with an optional embedded IPv4 tail). Only the
// characters are checked; IPvFuture ("v1.x") is refused as no client sends it.
bool valid_ip_literal(std::string_view inside)
{
    if (inside.empty())
        return false;
    for (char c : inside)
        if (!is_hex(c) && c != ':' && c != '.')
            return false;
    return inside.find(':') != std::string_view::npos;
}

bool valid_port(std::string_view port)
{
    if (port.size() > 5)
        return false;
    for (char c : port)
        if (c < '0' || c > '9')
            return false;
    return true;
}

} // namespace

bool valid_authority(std::string_view text, bool allow_empty)
{
    if (text.empty())
        return allow_empty;
    std::string_view host = text;
    std::string_view port;
    if (text.front() == '[') {
        const size_t close = text.find(']');
        if (close == std::string_view::npos || !valid_ip_literal(text.substr(1, close - 1)))
            return false;
        host = text.substr(0, close + 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return false;
            port = rest.substr(1);
        }
        return valid_port(port);
    }
    const size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    return !host.empty() && valid_reg_name(host) && valid_port(port);
}

std::string_view request_host(const HttpRequest& request)
{
    const std::string_view target = request.target;
    const size_t scheme_end = target.find("://");
    if (!target.empty() && target[0] != '/' && scheme_end != std::string_view::npos) {
        const std::string_view rest = target.substr(scheme_end + 3);
        return host_without_port(rest.substr(0, rest.find_first_of("/?")));
    }
    const std::string* host = request.header("Host");
    return host == nullptr ? std::string_view() : host_without_port(*host);
}

} // namespace mpmd
