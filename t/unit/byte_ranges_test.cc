// Unit tests for select_byte_ranges (RFC 9110 14.1-14.2): every range-spec form, list syntax
// with OWS and empty elements, clipping, suffixes, huge numbers, coalescing, MaxRanges, the
// sum rule, 416 cases, the empty representation, and arbitrary bytes.
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "shared/http/byte_ranges.h"

using mpmd::ByteRange;
using mpmd::RangeSelection;
using mpmd::RangeVerdict;

namespace {

constexpr uint64_t kLength = 10000;
constexpr size_t kLimit = 200;

RangeSelection select(const std::string& field, uint64_t length = kLength, size_t limit = kLimit)
{
    return mpmd::select_byte_ranges(field, length, limit);
}

std::string describe(const RangeSelection& s)
{
    std::string text = s.verdict == RangeVerdict::Whole ? "whole"
                       : s.verdict == RangeVerdict::Partial ? "partial"
                                                            : "unsatisfiable";
    for (const ByteRange& r : s.ranges)
        text += " " + std::to_string(r.first) + "-" + std::to_string(r.last);
    return text;
}

#define ASSERT_SELECTS(expected, ...) \
    CPPUNIT_ASSERT_EQUAL_MESSAGE(#__VA_ARGS__, std::string(expected), describe(select(__VA_ARGS__)))

} // namespace

class ByteRangesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ByteRangesTest);
    CPPUNIT_TEST(int_ranges);
    CPPUNIT_TEST(open_ended);
    CPPUNIT_TEST(suffixes);
    CPPUNIT_TEST(clipped_at_the_end);
    CPPUNIT_TEST(unit_is_bytes_in_any_case);
    CPPUNIT_TEST(list_syntax_with_ows_and_empty_elements);
    CPPUNIT_TEST(invalid_syntax_is_ignored);
    CPPUNIT_TEST(unsatisfiable);
    CPPUNIT_TEST(unsatisfiable_specs_are_dropped_from_a_list);
    CPPUNIT_TEST(huge_numbers);
    CPPUNIT_TEST(coalescing);
    CPPUNIT_TEST(max_ranges_counts_specs_as_written);
    CPPUNIT_TEST(sum_larger_than_the_file_is_whole);
    CPPUNIT_TEST(empty_representation);
    CPPUNIT_TEST(any_bytes);
    CPPUNIT_TEST_SUITE_END();

public:
    void int_ranges()
    {
        ASSERT_SELECTS("partial 0-0", "bytes=0-0");
        ASSERT_SELECTS("partial 0-499", "bytes=0-499");
        ASSERT_SELECTS("partial 500-999", "bytes=500-999");
        ASSERT_SELECTS("partial 9999-9999", "bytes=9999-9999");
        ASSERT_SELECTS("partial 7-7", "bytes=007-0007");   // leading zeros are digits
    }

    void open_ended()
    {
        ASSERT_SELECTS("partial 9500-9999", "bytes=9500-");
        ASSERT_SELECTS("partial 0-9999", "bytes=0-");
        ASSERT_SELECTS("partial 9999-9999", "bytes=9999-");
    }

    void suffixes()
    {
        ASSERT_SELECTS("partial 9500-9999", "bytes=-500");
        ASSERT_SELECTS("partial 9999-9999", "bytes=-1");
        ASSERT_SELECTS("partial 0-9999", "bytes=-10000");
        ASSERT_SELECTS("partial 0-9999", "bytes=-10001");       // longer than the file: all of it
        ASSERT_SELECTS("partial 0-9", "bytes=-50", 10);
    }

    void clipped_at_the_end()
    {
        ASSERT_SELECTS("partial 9000-9999", "bytes=9000-10000");
        ASSERT_SELECTS("partial 9000-9999", "bytes=9000-123456789");
        ASSERT_SELECTS("partial 0-9999", "bytes=0-99999");
    }

    void unit_is_bytes_in_any_case()
    {
        ASSERT_SELECTS("partial 0-1", "Bytes=0-1");
        ASSERT_SELECTS("partial 0-1", "BYTES=0-1");
        ASSERT_SELECTS("whole", "items=0-1");
        ASSERT_SELECTS("whole", "byte=0-1");
        ASSERT_SELECTS("whole", "bytesx=0-1");
        ASSERT_SELECTS("whole", "bytes 0-1");
        ASSERT_SELECTS("whole", "bytes =0-1");
        ASSERT_SELECTS("whole", "0-1");
        ASSERT_SELECTS("whole", "");
    }

    void list_syntax_with_ows_and_empty_elements()
    {
        ASSERT_SELECTS("partial 0-1 5-6", "bytes=0-1,5-6");
        ASSERT_SELECTS("partial 0-1 5-6", "bytes=0-1, 5-6");
        ASSERT_SELECTS("partial 0-1 5-6", "bytes=0-1 ,\t5-6");
        ASSERT_SELECTS("partial 0-1 5-6", "bytes= 0-1,5-6 ");
        ASSERT_SELECTS("partial 0-1 5-6", " bytes=0-1,5-6\t");
        ASSERT_SELECTS("partial 0-1 5-6", "bytes=,0-1,,, ,5-6,");   // RFC 9110 5.6.1: empty elements
        ASSERT_SELECTS("whole", "bytes=");                          // no range-spec at all
        ASSERT_SELECTS("whole", "bytes=,");
        ASSERT_SELECTS("whole", "bytes= , ,");
    }

    void invalid_syntax_is_ignored()
    {
        for (const char* field : {"bytes=1", "bytes=-", "bytes=a-b", "bytes=1-a", "bytes=--1",
                                  "bytes=1--2", "bytes=-1-2", "bytes=1-2-3", "bytes=+1-2",
                                  "bytes=1-+2", "bytes=0x10-0x20", "bytes=1 -2", "bytes=1- 2",
                                  "bytes=1-2;3-4", "bytes=1-2, bytes=3-4", "bytes=1.5-2",
                                  "bytes=-5e2", "bytes=0-1,x", "bytes=x,0-1"})
            ASSERT_SELECTS("whole", field);
        // RFC 9110 14.1.1: last-pos below first-pos makes the whole field invalid, even
        // beside valid ranges.
        ASSERT_SELECTS("whole", "bytes=5-4");
        ASSERT_SELECTS("whole", "bytes=0-1,5-4");
    }

    void unsatisfiable()
    {
        ASSERT_SELECTS("unsatisfiable", "bytes=10000-");
        ASSERT_SELECTS("unsatisfiable", "bytes=10000-10001");
        ASSERT_SELECTS("unsatisfiable", "bytes=20000-30000");
        ASSERT_SELECTS("unsatisfiable", "bytes=-0");
        ASSERT_SELECTS("unsatisfiable", "bytes=-000");
        ASSERT_SELECTS("unsatisfiable", "bytes=-0, 10000-, 99999-99999");
    }

    void unsatisfiable_specs_are_dropped_from_a_list()
    {
        ASSERT_SELECTS("partial 0-9", "bytes=0-9, 20000-");
        ASSERT_SELECTS("partial 9990-9999", "bytes=-0,-10");
    }

    void huge_numbers()
    {
        const std::string big = "99999999999999999999999999999999";   // far past 2^64
        ASSERT_SELECTS("unsatisfiable", "bytes=" + big + "-");
        ASSERT_SELECTS("unsatisfiable", "bytes=" + big + "-" + big + "9");
        ASSERT_SELECTS("partial 100-9999", "bytes=100-" + big);
        ASSERT_SELECTS("partial 0-9999", "bytes=-" + big);
        ASSERT_SELECTS("partial 0-9999", "bytes=0-18446744073709551615");   // 2^64 - 1
        ASSERT_SELECTS("partial 0-9999", "bytes=0-18446744073709551616");   // 2^64
        // last < first is judged on the digits, not on saturated values.
        ASSERT_SELECTS("whole", "bytes=" + big + "9-" + big);
        ASSERT_SELECTS("whole", "bytes=18446744073709551616-18446744073709551615");
        ASSERT_SELECTS("unsatisfiable", "bytes=018446744073709551616-18446744073709551616");
        // The largest lengths still clip and sum without wrapping.
        const uint64_t max = UINT64_MAX;
        CPPUNIT_ASSERT_EQUAL(std::string("partial 18446744073709551614-18446744073709551614"),
                             describe(select("bytes=-1", max)));
        CPPUNIT_ASSERT_EQUAL(std::string("partial 0-18446744073709551614"),
                             describe(select("bytes=0-", max)));
        CPPUNIT_ASSERT_EQUAL(std::string("whole"), describe(select("bytes=0-,0-", max)));
    }

    void coalescing()
    {
        ASSERT_SELECTS("partial 0-199", "bytes=0-99,100-199");          // adjacent
        ASSERT_SELECTS("partial 0-149", "bytes=0-99,50-149");           // overlapping
        ASSERT_SELECTS("partial 0-99 101-199", "bytes=0-99,101-199");   // a one-byte gap stays
        ASSERT_SELECTS("partial 0-99", "bytes=10-19,0-99");             // contained
        ASSERT_SELECTS("partial 0-9 100-109", "bytes=100-109,0-9");     // sorted
        ASSERT_SELECTS("partial 0-29", "bytes=20-29,0-9,10-19");        // out of order, merged
        ASSERT_SELECTS("partial 0-9 9990-9999", "bytes=-10,0-9");
        ASSERT_SELECTS("partial 9980-9999", "bytes=-10,9980-9995");
        // Apache merges only a range with the one before it; these, repeated, would not merge
        // there, and every part is sent once here.
        std::string field = "bytes=0-9,1000-1009";
        for (int i = 0; i < 20; ++i)
            field += ",0-9,1000-1009";
        ASSERT_SELECTS("partial 0-9 1000-1009", field);
    }

    void max_ranges_counts_specs_as_written()
    {
        std::string field = "bytes=0-0";
        for (int i = 1; i < 200; ++i)
            field += "," + std::to_string(2 * i) + "-" + std::to_string(2 * i);
        const RangeSelection at_limit = select(field);
        CPPUNIT_ASSERT(at_limit.verdict == RangeVerdict::Partial);
        CPPUNIT_ASSERT_EQUAL(size_t(200), at_limit.ranges.size());
        ASSERT_SELECTS("whole", field + ",1000-1000");                   // 201
        ASSERT_SELECTS("partial 0-0 2-2", "bytes=0-0,2-2", kLength, 2);
        ASSERT_SELECTS("whole", "bytes=0-0,2-2,4-4", kLength, 2);
        ASSERT_SELECTS("whole", "bytes=0-0,0-0,0-0", kLength, 2);        // before coalescing
        ASSERT_SELECTS("whole", "bytes=0-0,20000-,30000-", kLength, 2);  // unsatisfiable ones count
        ASSERT_SELECTS("partial 0-0 2-2", "bytes=0-0,,,,2-2", kLength, 2);   // empty ones do not
        ASSERT_SELECTS("whole", "bytes=0-0", kLength, 0);                // MaxRanges none
        ASSERT_SELECTS("whole", "bytes=20000-", kLength, 0);             // none: not even 416
    }

    void sum_larger_than_the_file_is_whole()
    {
        ASSERT_SELECTS("partial 0-9999", "bytes=0-4999,5000-");          // exactly the file
        ASSERT_SELECTS("whole", "bytes=0-,0-");
        ASSERT_SELECTS("whole", "bytes=0-5000,5000-");                   // one byte too many
        ASSERT_SELECTS("whole", "bytes=-6000,0-5000");
        // Small overlapping ranges within the limit: summed as asked, not as merged.
        std::string field = "bytes=0-99";
        for (int i = 1; i < 50; ++i)
            field += ",0-99";
        ASSERT_SELECTS("partial 0-99", field);                           // 5000 bytes asked
        ASSERT_SELECTS("whole", field, 4999);
    }

    void empty_representation()
    {
        ASSERT_SELECTS("unsatisfiable", "bytes=0-", 0);
        ASSERT_SELECTS("unsatisfiable", "bytes=0-0", 0);
        ASSERT_SELECTS("unsatisfiable", "bytes=-0", 0);
        ASSERT_SELECTS("whole", "bytes=-1", 0);   // satisfiable, but no 206 can say "no bytes"
        ASSERT_SELECTS("whole", "bytes=0-0,-5", 0);
        ASSERT_SELECTS("whole", "bytes=x", 0);
    }

    void any_bytes()
    {
        // Every single byte and every pair after "bytes=": no crash, and a Partial answer is
        // always well formed.
        std::string field = "bytes=0-1,";
        for (int a = 0; a < 256; ++a)
            for (int b = 0; b < 256; ++b) {
                field.resize(10);
                field += static_cast<char>(a);
                field += static_cast<char>(b);
                const RangeSelection s = select(field, 50, 3);
                for (size_t i = 0; i < s.ranges.size(); ++i) {
                    CPPUNIT_ASSERT(s.ranges[i].first <= s.ranges[i].last && s.ranges[i].last < 50);
                    CPPUNIT_ASSERT(i == 0 || s.ranges[i - 1].last + 1 < s.ranges[i].first);
                }
            }
        const std::string nul("bytes=0-1\0,2-3", 14);
        ASSERT_SELECTS("whole", nul);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ByteRangesTest);
