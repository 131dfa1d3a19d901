// See tls_settings.h.
#include "shared/tls_settings.h"

#include "shared/directive.h"

namespace mpmd {

bool parse_ssl_protocol(const std::vector<std::string>& words, TlsSettings* out, std::string* problem)
{
    bool offered[2] = {false, false};   // TLS 1.2, TLS 1.3
    for (const std::string& word : words) {
        std::string_view name = word;
        char sign = 0;
        if (!name.empty() && (name.front() == '+' || name.front() == '-')) {
            sign = name.front();
            name.remove_prefix(1);
        }
        const bool add = sign != '-';
        if (equals_ignoring_case(name, "all")) {
            offered[0] = offered[1] = add;
        } else if (equals_ignoring_case(name, "TLSv1.2")) {
            offered[0] = add;
        } else if (equals_ignoring_case(name, "TLSv1.3")) {
            offered[1] = add;
        } else if (equals_ignoring_case(name, "SSLv3") || equals_ignoring_case(name, "TLSv1") ||
                   equals_ignoring_case(name, "TLSv1.1")) {
            if (add) {
                *problem = std::string(name) + " is not offered: it is no longer safe (allowed: all, TLSv1.2, "
                           "TLSv1.3, each with + or -)";
                return false;
            }
        } else {
            *problem = "\"" + word + "\" is not a protocol (allowed: all, TLSv1.2, TLSv1.3, each with + or -)";
            return false;
        }
        // A bare name after the first word replaces nothing in Apache; here, as there, words
        // apply in order, and a bare first word starts from nothing.
        if (sign == 0 && &word == &words.front() && !equals_ignoring_case(name, "all")) {
            offered[0] = equals_ignoring_case(name, "TLSv1.2");
            offered[1] = equals_ignoring_case(name, "TLSv1.3");
        }
    }
    if (!offered[0] && !offered[1]) {
        *problem = "no protocol is left to offer (allowed: all, TLSv1.2, TLSv1.3, each with + or -)";
        return false;
    }
    out->min_version = offered[0] ? 12 : 13;
    out->max_version = offered[1] ? 13 : 12;
    return true;
}

} // namespace mpmd
