// MimeTypes: parse mime.types once, answer lookups with one hash probe and no allocation
// (extensions longer than the small-string buffer are never real ones; see kMaxExtension).
// Runs in: master and children. Leans on open(2), read(2) and the mime.types(5) layout.
#include "shared/http/mime_types.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/http/http_request.h"

namespace mpmd {

const std::string MimeTypes::kDefaultType = "application/octet-stream";

namespace {

// Longer "extensions" are skipped at load and unknown at lookup, which keeps the lookup key
// inside std::string's small buffer (15 bytes with libstdc++).
constexpr size_t kMaxExtension = 15;

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// RFC 6838 4.2 restricted-name characters.
bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("!#$&-^_.+", c) != nullptr;
}

bool valid_media_type(std::string_view type)
{
    const size_t slash = type.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == type.size() ||
        type.find('/', slash + 1) != std::string_view::npos)
        return false;
    for (char c : type)
        if (c != '/' && !is_name_char(c))
            return false;
    return true;
}

std::string line_error(std::string_view origin, size_t line, std::string_view what)
{
    std::string e(origin);
    e += ':';
    e += std::to_string(line);
    e += ": ";
    e += what;
    return e;
}

} // namespace

bool MimeTypes::load(const std::string& path, std::string* error)
{
    // O_NONBLOCK and O_NOCTTY, and no FIFO: a pipe or a terminal named here must not hang
    // the master at a reload (/dev/null is fine: no types).
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        *error = path + ": " + std::strerror(errno);
        return false;
    }
    struct stat st;
    if (::fstat(fd, &st) != 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
        *error = path + ": not a file (a FIFO or a socket)";
        ::close(fd);
        return false;
    }
    std::string text;
    char buf[16384];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *error = path + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (n == 0)
            break;
        text.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return load_text(text, path, error);
}

bool MimeTypes::load_text(std::string_view text, std::string_view origin, std::string* error)
{
    std::unordered_map<std::string, std::string> table;
    size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        const size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        line = line.substr(0, line.find('#'));

        std::string_view type;
        while (!line.empty()) {
            while (!line.empty() && is_space(line.front()))
                line.remove_prefix(1);
            size_t len = 0;
            while (len < line.size() && !is_space(line[len]))
                ++len;
            if (len == 0)
                break;
            const std::string_view word = line.substr(0, len);
            line.remove_prefix(len);
            if (type.empty()) {
                type = word;
                if (!valid_media_type(type)) {
                    *error = line_error(origin, line_no,
                                        "\"" + std::string(type) + "\" is not a media type (type/subtype)");
                    return false;
                }
                continue;
            }
            std::string_view name = word;
            if (name.front() == '.')
                name.remove_prefix(1);   // ".txt" written as in AddType
            // Multi-part or overlong names can never be what lookup() asks for: skip them.
            if (name.empty() || name.size() > kMaxExtension || name.find('.') != std::string_view::npos ||
                name.find('/') != std::string_view::npos)
                continue;
            std::string ext(name);
            for (char& c : ext)
                c = ascii_lower(c);
            table[std::move(ext)] = std::string(type);
        }
    }
    by_extension_.swap(table);
    return true;
}

const std::string& MimeTypes::lookup(std::string_view path) const
{
    const size_t slash = path.rfind('/');
    if (slash != std::string_view::npos)
        path.remove_prefix(slash + 1);
    const size_t dot = path.rfind('.');
    if (dot == std::string_view::npos)
        return kDefaultType;
    const std::string_view ext = path.substr(dot + 1);
    if (ext.empty() || ext.size() > kMaxExtension)
        return kDefaultType;
    std::string key(ext);
    for (char& c : key)
        c = ascii_lower(c);
    const auto it = by_extension_.find(key);
    return it == by_extension_.end() ? kDefaultType : it->second;
}

} // namespace mpmd
