// Byte ranges: the Range request field (bytes=...) read against one representation's length,
// deciding between the whole representation (the field is ignored), some of its bytes (206),
// and none (416). Pure: a function of (field text, length, MaxRanges), no I/O, total over
// any bytes, so it can be a fuzz target as it is.
// Runs in: children. Leans on RFC 9110 5.6.1 (lists and their empty elements), 14.1 (range
// units and range-specs), 14.2 (Range), 15.3.7.2 (coalescing), 15.5.17 (416); Apache httpd
// 2.4's ap_set_byterange (MaxRanges, the sum rule) and CVE-2011-3192 (Range amplification).
#ifndef MPMD_SHARED_HTTP_BYTE_RANGES_H
#define MPMD_SHARED_HTTP_BYTE_RANGES_H

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mpmd {

// Offsets of the first and last byte, both inclusive (first <= last), as in Content-Range.
struct ByteRange {
    uint64_t first = 0;
    uint64_t last = 0;

    uint64_t size() const { return last - first + 1; }
    bool operator==(const ByteRange& o) const { return first == o.first && last == o.last; }
};

enum class RangeVerdict {
    Whole,           // answer 200 with the whole representation, as if there were no Range
    Partial,         // answer 206 with `ranges`
    Unsatisfiable,   // answer 416 with Content-Range: bytes */length
};

struct RangeSelection {
    RangeVerdict verdict = RangeVerdict::Whole;
    // Partial only: ascending, within the representation, never overlapping or adjacent.
    std::vector<ByteRange> ranges;
};

// What `field` (one Range field value) asks of a representation of `length` bytes, with at
// most `max_ranges` range-specs (MaxRanges; 0 ignores every Range field).
//
// Whole when: the unit is not "bytes" or the syntax is invalid (RFC 9110 14.2: the field is
// ignored); more than `max_ranges` non-empty list elements are given (counted as written,
// before coalescing, so the work done here is bounded before anything is sorted); or the
// satisfiable ranges together ask for more bytes than the representation holds (Apache's
// rule: an overlapping request is answered once, whole, rather than multiplied).
// Unsatisfiable when no range-spec overlaps the representation: a first-pos at or past
// `length`, or a suffix of 0 ("-0"). Otherwise Partial: last-pos clipped to length - 1, a
// suffix longer than the representation taken as all of it, then overlapping and adjacent
// ranges coalesced after sorting by first byte (RFC 9110 15.3.7.2 allows it regardless of
// the order asked). Apache merges only each range with the one before it, and so needs
// MaxRangeOverlaps and MaxRangeReversals; sorting first makes every part disjoint, so a
// multipart body never holds a byte twice.
// An empty representation has no range to send: a suffix-range (satisfiable there, RFC 9110
// 14.1.1) gives Whole, anything else Unsatisfiable.
// Numbers of any length are accepted: a position past 2^64 - 1 is read as that value, which
// no representation reaches, while last-pos < first-pos is still compared exactly.
RangeSelection select_byte_ranges(std::string_view field, uint64_t length, size_t max_ranges);

} // namespace mpmd

#endif
