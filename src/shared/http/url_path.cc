// UrlPath: request-target -> decoded, normalised path. Order matters: decode first, then remove
// dot segments, so "%2e%2e" cannot slip past as a name; an encoded '/' is refused rather than
// decoded, so segment boundaries are only the ones the client wrote.
// Runs in: children. Leans on RFC 3986 2.1, 3.3 and 5.2.4; RFC 9112 3.2.
#include "shared/http/url_path.h"

#include "shared/http/http_request.h"

namespace mpmd {

namespace {

int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Decodes %XX into `out` (appended), refusing a NUL byte (400), an encoded '/' (404) and a
// broken escape (400). Returns 0 on success.
int percent_decode(std::string_view in, std::string* out)
{
    out->reserve(out->size() + in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size())
                return 400;
            const int hi = hex_value(in[i + 1]);
            const int lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0)
                return 400;
            c = static_cast<char>(hi * 16 + lo);
            if (c == '/')
                return 404;
            i += 2;
        }
        if (c == '\0')
            return 400;
        out->push_back(c);
    }
    return 0;
}

// RFC 3986 5.2.4 on a decoded absolute path, also folding empty segments ("//") into one.
// `out` holds "/seg/seg" while working; a trailing '/' is added at the end when the last input
// segment was empty, "." or "..". Returns false when ".." would climb above the root.
bool normalise(std::string_view in, std::string* out)
{
    out->clear();
    out->reserve(in.size());
    bool trailing_slash = false;
    size_t i = 0;   // in[i] == '/'
    while (i < in.size()) {
        size_t end = in.find('/', i + 1);
        if (end == std::string_view::npos)
            end = in.size();
        const std::string_view segment = in.substr(i + 1, end - i - 1);
        trailing_slash = segment.empty() || segment == "." || segment == "..";
        if (segment == "..") {
            if (out->empty())
                return false;
            out->erase(out->rfind('/'));
        } else if (!trailing_slash) {
            out->push_back('/');
            out->append(segment);
        }
        i = end;
    }
    if (out->empty() || trailing_slash)
        out->push_back('/');
    return true;
}

bool is_pchar_or_slash(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '-': case '.': case '_': case '~':                        // unreserved
    case '!': case '$': case '&': case '\'': case '(': case ')':   // sub-delims
    case '*': case '+': case ',': case ';': case '=':
    case ':': case '@': case '/':
        return true;
    default:
        return false;
    }
}

} // namespace

UrlPath parse_url_path(std::string_view target)
{
    UrlPath result;
    if (target == "*") {
        result.asterisk = true;
        return result;
    }
    const size_t hash = target.find('#');
    if (hash != std::string_view::npos) {   // a fragment is never sent (RFC 9112 3.2)
        result.status = 400;
        return result;
    }
    const size_t question = target.find('?');
    if (question != std::string_view::npos) {
        result.query.assign(target.substr(question));
        target = target.substr(0, question);
    }

    // absolute-form: scheme "://" authority path-abempty
    const size_t scheme_end = target.find("://");
    if (!target.empty() && target[0] != '/' && scheme_end != std::string_view::npos) {
        const std::string_view scheme = target.substr(0, scheme_end);
        if (!ascii_iequals(scheme, "http") && !ascii_iequals(scheme, "https")) {
            result.status = 400;
            return result;
        }
        target = target.substr(scheme_end + 3);
        const size_t slash = target.find('/');
        result.authority.assign(target.substr(0, slash));
        if (result.authority.empty() || result.authority.find('@') != std::string::npos) {
            result.status = 400;   // no host, or userinfo (RFC 9110 4.2.4)
            result.authority.clear();
            return result;
        }
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    if (target.empty() || target[0] != '/') {
        result.status = 400;
        return result;
    }

    std::string decoded;
    if (const int status = percent_decode(target, &decoded)) {
        result.status = status;
        return result;
    }
    if (!normalise(decoded, &result.path)) {
        result.status = 400;
        result.path.clear();
    }
    return result;
}

std::string escape_url_path(std::string_view path)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(path.size() + 8);
    for (char ch : path) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_pchar_or_slash(c)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

} // namespace mpmd
