// See byte_ranges.h. One pass over the field splits the range-set at commas and reads each
// range-spec; the satisfiable ones are then sorted and merged. Grammar (RFC 9110 14.1, with
// the list rule of 5.6.1 as a recipient reads it):
//   Range = "bytes" "=" [ range-spec ] *( OWS "," OWS [ range-spec ] )   ; unit in any case
//   range-spec = 1*DIGIT "-" [ 1*DIGIT ] / "-" 1*DIGIT
#include "shared/http/byte_ranges.h"

#include <algorithm>
#include <limits>

#include "shared/http/http_request.h"

namespace mpmd {

namespace {

constexpr uint64_t kHuge = std::numeric_limits<uint64_t>::max();

bool all_digits(std::string_view s)
{
    if (s.empty())
        return false;
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return true;
}

// The value of a run of digits, saturating at 2^64 - 1.
uint64_t decimal_value(std::string_view digits)
{
    uint64_t v = 0;
    for (char c : digits) {
        const auto d = static_cast<uint64_t>(c - '0');
        if (v > (kHuge - d) / 10)
            return kHuge;
        v = v * 10 + d;
    }
    return v;
}

// a < b for runs of digits of any length.
bool decimal_less(std::string_view a, std::string_view b)
{
    const auto significant = [](std::string_view s) {
        const size_t nonzero = s.find_first_not_of('0');
        return nonzero == std::string_view::npos ? std::string_view() : s.substr(nonzero);
    };
    a = significant(a);
    b = significant(b);
    return a.size() != b.size() ? a.size() < b.size() : a < b;
}

struct RangeSpec {
    bool suffix = false;         // "-n": the last `last` bytes
    uint64_t first = 0;
    uint64_t last = kHuge;       // absent last-pos: to the end
};

bool parse_range_spec(std::string_view text, RangeSpec* out)
{
    const size_t dash = text.find('-');
    if (dash == std::string_view::npos)
        return false;
    const std::string_view first = text.substr(0, dash);
    const std::string_view last = text.substr(dash + 1);
    if (first.empty()) {
        if (!all_digits(last))
            return false;
        out->suffix = true;
        out->last = decimal_value(last);
        return true;
    }
    if (!all_digits(first) || (!last.empty() && !all_digits(last)))
        return false;
    if (!last.empty() && decimal_less(last, first))
        return false;   // RFC 9110 14.1.1: invalid, not merely unsatisfiable
    out->first = decimal_value(first);
    if (!last.empty())
        out->last = decimal_value(last);
    return true;
}

// The bytes `spec` selects of a representation of `length` bytes; false when it selects none.
bool clip(const RangeSpec& spec, uint64_t length, ByteRange* out)
{
    if (spec.suffix) {
        if (spec.last == 0 || length == 0)
            return false;
        *out = {length - std::min(spec.last, length), length - 1};
        return true;
    }
    if (spec.first >= length)
        return false;
    *out = {spec.first, std::min(spec.last, length - 1)};
    return true;
}

// Sorts by first byte and merges ranges that overlap or touch.
std::vector<ByteRange> coalesce(std::vector<ByteRange> ranges)
{
    std::sort(ranges.begin(), ranges.end(),
              [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
    std::vector<ByteRange> merged;
    for (const ByteRange& r : ranges) {
        // last < length <= 2^64 - 1, so last + 1 cannot wrap.
        if (!merged.empty() && r.first <= merged.back().last + 1)
            merged.back().last = std::max(merged.back().last, r.last);
        else
            merged.push_back(r);
    }
    return merged;
}

} // namespace

RangeSelection select_byte_ranges(std::string_view field, uint64_t length, size_t max_ranges)
{
    const RangeSelection whole;
    constexpr std::string_view kUnit = "bytes=";
    std::string_view set = trim_ows(field);
    if (max_ranges == 0 || set.size() < kUnit.size() || !ascii_iequals(set.substr(0, kUnit.size()), kUnit))
        return whole;
    set.remove_prefix(kUnit.size());

    std::vector<ByteRange> ranges;
    size_t specs = 0;
    uint64_t asked = 0;            // bytes the ranges so far cover, overlaps counted twice
    bool empty_suffix = false;     // a suffix-range of an empty representation
    while (true) {
        const size_t comma = set.find(',');
        const std::string_view element = trim_ows(set.substr(0, comma));
        if (!element.empty()) {
            RangeSpec spec;
            if (++specs > max_ranges || !parse_range_spec(element, &spec))
                return whole;
            ByteRange range;
            if (clip(spec, length, &range)) {
                if (range.size() > length - asked)
                    return whole;   // the sum rule; asked <= length holds, so this cannot wrap
                asked += range.size();
                ranges.push_back(range);
            } else if (spec.suffix && spec.last > 0) {
                empty_suffix = true;   // clip() refuses a non-zero suffix only when length is 0
            }
        }
        if (comma == std::string_view::npos)
            break;
        set.remove_prefix(comma + 1);
    }

    if (specs == 0)
        return whole;   // "bytes=" or "bytes=, ,": a range-set needs one range-spec
    if (ranges.empty())
        return {empty_suffix ? RangeVerdict::Whole : RangeVerdict::Unsatisfiable, {}};
    return {RangeVerdict::Partial, coalesce(std::move(ranges))};
}

} // namespace mpmd
