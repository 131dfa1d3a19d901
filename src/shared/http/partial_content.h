// Partial content: the answers to a Range request once byte_ranges has chosen the ranges. One
// range is a 206 whose body is that range of the file; several are a 206 multipart/byteranges
// whose part headers are in-memory pieces between file ranges, so every byte of the file
// still goes out with sendfile and Content-Length is exact before anything is sent. Also the
// 416 answer and the multipart boundary.
// Runs in: children. Leans on RFC 9110 14.4 (Content-Range), 14.6 (multipart/byteranges),
// 15.3.7 (206), 15.5.17 (416); RFC 2046 5.1.1 (boundary delimiters); getrandom(2).
#ifndef MPMD_SHARED_HTTP_PARTIAL_CONTENT_H
#define MPMD_SHARED_HTTP_PARTIAL_CONTENT_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/http/byte_ranges.h"
#include "shared/http/response.h"

namespace mpmd {

// "bytes 0-499/1234": a range of a representation of `length` bytes.
std::string content_range(const ByteRange& range, uint64_t length);

// Turns `r`, which has the file's validators and its open r->file_fd but no Content-Type and
// no body yet, into the 206 answer for `ranges` (at least one, ascending and disjoint, as
// select_byte_ranges gives them) of a file of `length` bytes and media type `type`. Several
// ranges are separated by a fresh multipart_boundary().
void make_partial_content(Response* r, const std::vector<ByteRange>& ranges, uint64_t length,
                          std::string_view type);

// The multipart/byteranges form of make_partial_content for a given `boundary`: Content-Type
// "multipart/byteranges; boundary=...", then per part its delimiter line, Content-Type and
// Content-Range as text and its bytes as a file range, and the close delimiter.
void make_multipart_byteranges(Response* r, const std::vector<ByteRange>& ranges, uint64_t length,
                               std::string_view type, std::string_view boundary);

// 416 with the HTML error page and "Content-Range: bytes */length".
Response range_not_satisfiable(uint64_t length);

// 32 hexadecimal digits, different at every call. From a generator seeded by getrandom(2)
// in each thread of each process (a forked child never repeats its parent's sequence), never
// from the content: a boundary that appears in the file would cut a part short, and one that
// could be predicted would let content be written to contain it.
std::string multipart_boundary();

} // namespace mpmd

#endif
