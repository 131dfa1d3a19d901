// Host names of virtual hosts: the port stripped, and patterns matched with backtracking on
// the last '*' only (linear for one '*', at worst length x length for many), so a hostile
// Host cannot make the match expensive.
#include "shared/host_name.h"

#include <cctype>

namespace mpmd {

std::string_view host_without_port(std::string_view authority)
{
    std::string_view host = authority;
    const size_t colon = host.rfind(':');
    const size_t bracket = host.rfind(']');
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket))
        host = host.substr(0, colon);
    if (host.size() > 1 && host.back() == '.')
        host.remove_suffix(1);
    return host;
}

namespace {

bool same_letter(char a, char b)
{
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

} // namespace

bool host_matches(std::string_view pattern, std::string_view host)
{
    size_t p = 0, h = 0;
    size_t star = std::string_view::npos;   // the last '*' seen in the pattern
    size_t resume = 0;                      // where in host that '*' would next stop
    while (h < host.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && same_letter(pattern[p], host[h])))) {
            ++p;
            ++h;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = h;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            h = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

} // namespace mpmd
