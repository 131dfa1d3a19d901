// libFuzzer target: the Range parser (src/shared/http/byte_ranges.h). The input is text: a
// first line "LENGTH MAXRANGES" (decimal; missing or bad numbers fall back to 10000 and
// 200), then the Range field value. Checks what select_byte_ranges promises: Partial ranges
// are ascending, inside the representation, neither overlapping nor adjacent, never more of
// them than MaxRanges, and never more bytes than the representation holds (no
// amplification); MaxRanges 0 always answers Whole; the answer does not change when asked
// twice; and a single "bytes=A-B" with small numbers gets exactly what RFC 9110 14.1.2 says.
// Runs in: `make fuzz` (fuzz/local.am); seeds in fuzz/corpus/byte_ranges/.
#include "check.h"

#include "shared/http/byte_ranges.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using namespace mpmd;
using namespace mpmd::fuzz;

namespace {

std::optional<uint64_t> decimal(std::string_view text)
{
    if (text.empty() || text.size() > 18)
        return std::nullopt;
    uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + uint64_t(c - '0');
    }
    return value;
}

std::string describe(const RangeSelection& s)
{
    std::string out = s.verdict == RangeVerdict::Whole ? "Whole" : s.verdict == RangeVerdict::Partial ? "Partial" : "416";
    for (const ByteRange& r : s.ranges)
        out += " " + std::to_string(r.first) + "-" + std::to_string(r.last);
    return out;
}

// What RFC 9110 14.1.2 gives for "bytes=A-B" alone (case of the unit aside): Whole for
// B < A (invalid, so ignored), 416 for A at or past the end, else A..min(B, length - 1).
std::optional<RangeSelection> single_range_answer(std::string_view field, uint64_t length)
{
    if (field.substr(0, 6) != "bytes=")
        return std::nullopt;
    const std::string_view spec = field.substr(6);
    const size_t dash = spec.find('-');
    if (dash == std::string_view::npos)
        return std::nullopt;
    const auto first = decimal(spec.substr(0, dash));
    const auto last = decimal(spec.substr(dash + 1));
    if (!first || !last)
        return std::nullopt;
    RangeSelection answer;
    if (*last < *first) {
        answer.verdict = RangeVerdict::Whole;
    } else if (*first >= length) {
        answer.verdict = RangeVerdict::Unsatisfiable;
    } else {
        answer.verdict = RangeVerdict::Partial;
        answer.ranges.push_back({*first, *last < length ? *last : length - 1});
    }
    return answer;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::string_view input(reinterpret_cast<const char*>(data), size);
    uint64_t length = 10000;
    size_t max_ranges = 200;
    const size_t newline = input.find('\n');
    if (newline != std::string_view::npos) {
        const std::string_view numbers = input.substr(0, newline);
        const size_t space = numbers.find(' ');
        if (const auto l = decimal(numbers.substr(0, space)))
            length = *l;
        if (space != std::string_view::npos)
            if (const auto m = decimal(numbers.substr(space + 1)); m && *m <= 100000)
                max_ranges = size_t(*m);
        input.remove_prefix(newline + 1);
    }

    const RangeSelection s = select_byte_ranges(input, length, max_ranges);
    const auto context = [&] {
        return "field \"" + printable(input) + "\", length " + std::to_string(length) + ", MaxRanges " +
               std::to_string(max_ranges) + ": " + describe(s);
    };
    FUZZ_CHECK((s.verdict == RangeVerdict::Partial) == !s.ranges.empty(), context());
    if (max_ranges == 0)
        FUZZ_CHECK(s.verdict == RangeVerdict::Whole, context());
    if (s.verdict == RangeVerdict::Partial) {
        FUZZ_CHECK(s.ranges.size() <= max_ranges, context());
        uint64_t total = 0;
        for (size_t i = 0; i < s.ranges.size(); ++i) {
            const ByteRange& r = s.ranges[i];
            FUZZ_CHECK(r.first <= r.last && r.last < length, context());
            if (i > 0)
                FUZZ_CHECK(r.first > s.ranges[i - 1].last + 1, context());   // sorted, apart
            total += r.size();
        }
        FUZZ_CHECK(total <= length, context());   // no byte is sent twice
    }
    const RangeSelection again = select_byte_ranges(input, length, max_ranges);
    FUZZ_CHECK(again.verdict == s.verdict && again.ranges == s.ranges, context());
    if (max_ranges > 0 && length > 0)
        if (const auto expected = single_range_answer(input, length))
            FUZZ_CHECK(expected->verdict == s.verdict && expected->ranges == s.ranges,
                       context() + " (RFC 9110 says " + describe(*expected) + ")");
    return 0;
}
