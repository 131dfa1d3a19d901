// See partial_content.h. The boundary generator is splitmix64 over a per-thread random key
// and counter: the outputs are distinct and look random, which is all a boundary needs (it is
// not a secret; RFC 2046 asks only that it not occur in the parts).
#include "shared/http/partial_content.h"

#include <ctime>
#include <sys/random.h>
#include <unistd.h>

namespace mpmd {

namespace {

uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void append_hex(std::string* out, uint64_t v)
{
    static constexpr char kHex[] = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4)
        out->push_back(kHex[(v >> shift) & 15]);
}

} // namespace

std::string content_range(const ByteRange& range, uint64_t length)
{
    return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
           std::to_string(length);
}

void make_partial_content(Response* r, const std::vector<ByteRange>& ranges, uint64_t length,
                          std::string_view type)
{
    if (ranges.size() > 1) {
        make_multipart_byteranges(r, ranges, length, type, multipart_boundary());
        return;
    }
    r->status = 206;
    r->add_header("Content-Type", type);
    r->add_header("Content-Range", content_range(ranges.front(), length));
    r->add_file_range(static_cast<off_t>(ranges.front().first), static_cast<off_t>(ranges.front().size()));
}

void make_multipart_byteranges(Response* r, const std::vector<ByteRange>& ranges, uint64_t length,
                               std::string_view type, std::string_view boundary)
{
    r->status = 206;
    r->add_header("Content-Type", "multipart/byteranges; boundary=" + std::string(boundary));
    for (const ByteRange& range : ranges) {
        // The CRLF before a delimiter belongs to the delimiter (RFC 2046 5.1.1); the first
        // one has none, as the body starts with it.
        std::string head = r->pieces.empty() ? "--" : "\r\n--";
        head.append(boundary).append("\r\nContent-Type: ").append(type);
        head.append("\r\nContent-Range: ").append(content_range(range, length)).append("\r\n\r\n");
        r->add_text(std::move(head));
        r->add_file_range(static_cast<off_t>(range.first), static_cast<off_t>(range.size()));
    }
    r->add_text("\r\n--" + std::string(boundary) + "--\r\n");
}

Response range_not_satisfiable(uint64_t length)
{
    Response r = error_response(416);
    r.add_header("Content-Range", "bytes */" + std::to_string(length));
    return r;
}

std::string multipart_boundary()
{
    struct Generator {
        pid_t pid = 0;
        uint64_t key = 0;
        uint64_t count = 0;
    };
    thread_local Generator g;
    if (g.pid != getpid()) {
        g.pid = getpid();
        if (getrandom(&g.key, sizeof g.key, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof g.key)) {
            // No entropy yet (early boot): distinct per process, thread and moment is enough.
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            g.key = splitmix64(static_cast<uint64_t>(now.tv_nsec) ^ (static_cast<uint64_t>(now.tv_sec) << 30) ^
                               reinterpret_cast<uintptr_t>(&g) ^ static_cast<uint64_t>(g.pid));
        }
    }
    const uint64_t n = g.count++;
    std::string boundary;
    boundary.reserve(32);
    append_hex(&boundary, splitmix64(g.key + 2 * n));
    append_hex(&boundary, splitmix64(g.key + 2 * n + 1));
    return boundary;
}

} // namespace mpmd
