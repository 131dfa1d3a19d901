// Unit tests for HTTP dates, ETags and precondition evaluation (RFC 9110 5.6.7, 8.8.3, 13.2.2).
#include <cppunit/extensions/HelperMacros.h>

#include "shared/http/conditional.h"

using mpmd::HttpMethod;
using mpmd::HttpRequest;
using mpmd::Precondition;

namespace {

constexpr time_t kRfcExample = 784111777;   // Sun, 06 Nov 1994 08:49:37 GMT
const char kEtag[] = "\"1f4-5c2f0a7e3b1c0\"";

HttpRequest request(HttpMethod kind, std::initializer_list<mpmd::HttpHeader> headers)
{
    HttpRequest r;
    r.method_kind = kind;
    r.method = kind == HttpMethod::Head ? "HEAD" : kind == HttpMethod::Get ? "GET" : "PUT";
    r.headers = headers;
    return r;
}

} // namespace

class ConditionalTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConditionalTest);
    CPPUNIT_TEST(formats_imf_fixdate);
    CPPUNIT_TEST(parses_three_forms);
    CPPUNIT_TEST(rejects_bad_dates);
    CPPUNIT_TEST(round_trip);
    CPPUNIT_TEST(etag_shape);
    CPPUNIT_TEST(weak_comparison);
    CPPUNIT_TEST(strong_comparison);
    CPPUNIT_TEST(if_none_match);
    CPPUNIT_TEST(if_modified_since);
    CPPUNIT_TEST(if_none_match_wins);
    CPPUNIT_TEST(if_match_and_unmodified_since);
    CPPUNIT_TEST(repeated_fields_combine);
    CPPUNIT_TEST(if_range_by_etag);
    CPPUNIT_TEST(if_range_by_date);
    CPPUNIT_TEST_SUITE_END();

public:
    void formats_imf_fixdate()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("Sun, 06 Nov 1994 08:49:37 GMT"), mpmd::http_date(kRfcExample));
        CPPUNIT_ASSERT_EQUAL(std::string("Thu, 01 Jan 1970 00:00:00 GMT"), mpmd::http_date(0));
        CPPUNIT_ASSERT_EQUAL(std::string("Tue, 29 Feb 2000 23:59:59 GMT"), mpmd::http_date(951868799));
        CPPUNIT_ASSERT_EQUAL(std::string("Wed, 31 Dec 1969 23:59:59 GMT"), mpmd::http_date(-1));
    }

    void parses_three_forms()
    {
        time_t t = 0;
        CPPUNIT_ASSERT(mpmd::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", &t));
        CPPUNIT_ASSERT_EQUAL(kRfcExample, t);
        t = 0;
        CPPUNIT_ASSERT(mpmd::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", &t));
        CPPUNIT_ASSERT_EQUAL(kRfcExample, t);
        t = 0;
        CPPUNIT_ASSERT(mpmd::parse_http_date("Sun Nov  6 08:49:37 1994", &t));
        CPPUNIT_ASSERT_EQUAL(kRfcExample, t);
        CPPUNIT_ASSERT(mpmd::parse_http_date("Thursday, 01-Jan-37 00:00:00 GMT", &t));
        CPPUNIT_ASSERT_EQUAL(time_t(2114380800), t);
        CPPUNIT_ASSERT(mpmd::parse_http_date(" Sun, 06 Nov 1994 08:49:37 GMT ", &t));
    }

    void rejects_bad_dates()
    {
        time_t t = 42;
        CPPUNIT_ASSERT(!mpmd::parse_http_date("", &t));
        CPPUNIT_ASSERT(!mpmd::parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC", &t));
        CPPUNIT_ASSERT(!mpmd::parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT", &t));
        CPPUNIT_ASSERT(!mpmd::parse_http_date("Sun, 31 Nov 1994 08:49:37 GMT", &t));
        CPPUNIT_ASSERT(!mpmd::parse_http_date("Sun, 29 Feb 1900 08:49:37 GMT", &t));
        CPPUNIT_ASSERT(!mpmd::parse_http_date("Sun, 06 Nov 1994 24:00:00 GMT", &t));
        CPPUNIT_ASSERT(!mpmd::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT junk", &t));
        CPPUNIT_ASSERT(!mpmd::parse_http_date("Xyz, 06 Nov 1994 08:49:37 GMT", &t));
        CPPUNIT_ASSERT(!mpmd::parse_http_date("1994-11-06T08:49:37Z", &t));
        CPPUNIT_ASSERT_EQUAL(time_t(42), t);
    }

    void round_trip()
    {
        for (time_t v = 0; v < 4102444800; v += 86400 * 37 + 3671) {
            time_t back = -1;
            CPPUNIT_ASSERT(mpmd::parse_http_date(mpmd::http_date(v), &back));
            CPPUNIT_ASSERT_EQUAL(v, back);
        }
    }

    void etag_shape()
    {
        const struct timespec mtime = {1700000000, 123456789};
        // 1700000000123456 us = 0x60a2418202240
        CPPUNIT_ASSERT_EQUAL(std::string("\"1f4-60a2418202240\""), std::string(mpmd::make_etag(500, mtime).view()));
        const struct timespec zero = {0, 0};
        CPPUNIT_ASSERT_EQUAL(std::string("\"0-0\""), std::string(mpmd::make_etag(0, zero).view()));
    }

    void weak_comparison()
    {
        CPPUNIT_ASSERT(mpmd::etag_list_matches_weak(kEtag, kEtag));
        CPPUNIT_ASSERT(mpmd::etag_list_matches_weak(std::string("W/") + kEtag, kEtag));
        CPPUNIT_ASSERT(mpmd::etag_list_matches_weak("\"x\", W/\"1f4-5c2f0a7e3b1c0\"", kEtag));
        CPPUNIT_ASSERT(mpmd::etag_list_matches_weak("*", kEtag));
        CPPUNIT_ASSERT(mpmd::etag_list_matches_weak("\"a,b\" ,\t" + std::string(kEtag), kEtag));
        CPPUNIT_ASSERT(!mpmd::etag_list_matches_weak("\"1f4-5c2f0a7e3b1c1\"", kEtag));
        CPPUNIT_ASSERT(!mpmd::etag_list_matches_weak("\"a,b\"", "\"a\""));
        CPPUNIT_ASSERT(!mpmd::etag_list_matches_weak("", kEtag));
    }

    void strong_comparison()
    {
        CPPUNIT_ASSERT(mpmd::etag_list_matches_strong(kEtag, kEtag));
        CPPUNIT_ASSERT(mpmd::etag_list_matches_strong("*", kEtag));
        CPPUNIT_ASSERT(!mpmd::etag_list_matches_strong(std::string("W/") + kEtag, kEtag));
        CPPUNIT_ASSERT(!mpmd::etag_list_matches_strong("\"other\"", kEtag));
    }

    void if_none_match()
    {
        CPPUNIT_ASSERT(Precondition::NotModified ==
                       mpmd::evaluate_preconditions(request(HttpMethod::Get, {{"If-None-Match", kEtag}}), kEtag, 0));
        CPPUNIT_ASSERT(Precondition::NotModified ==
                       mpmd::evaluate_preconditions(request(HttpMethod::Head, {{"if-none-match", "*"}}), kEtag, 0));
        CPPUNIT_ASSERT(Precondition::Proceed ==
                       mpmd::evaluate_preconditions(request(HttpMethod::Get, {{"If-None-Match", "\"nope\""}}), kEtag, 0));
        CPPUNIT_ASSERT(Precondition::Failed ==
                       mpmd::evaluate_preconditions(request(HttpMethod::OtherKnown, {{"If-None-Match", "*"}}), kEtag, 0));
    }

    void if_modified_since()
    {
        const auto get = [](const char* date) {
            return request(HttpMethod::Get, {{"If-Modified-Since", date}});
        };
        CPPUNIT_ASSERT(Precondition::NotModified ==
                       mpmd::evaluate_preconditions(get("Sun, 06 Nov 1994 08:49:37 GMT"), kEtag, kRfcExample));
        CPPUNIT_ASSERT(Precondition::NotModified ==
                       mpmd::evaluate_preconditions(get("Sun Nov  6 08:49:38 1994"), kEtag, kRfcExample));
        CPPUNIT_ASSERT(Precondition::Proceed ==
                       mpmd::evaluate_preconditions(get("Sunday, 06-Nov-94 08:49:36 GMT"), kEtag, kRfcExample));
        CPPUNIT_ASSERT(Precondition::Proceed == mpmd::evaluate_preconditions(get("garbage"), kEtag, kRfcExample));
    }

    void if_none_match_wins()
    {
        // The date says "not modified" but the tag differs: If-None-Match decides (RFC 9110 13.2.2).
        const HttpRequest r = request(HttpMethod::Get, {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"},
                                                        {"If-None-Match", "\"old\""}});
        CPPUNIT_ASSERT(Precondition::Proceed == mpmd::evaluate_preconditions(r, kEtag, kRfcExample));
        const HttpRequest s = request(HttpMethod::Get, {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"},
                                                        {"If-None-Match", kEtag}});
        CPPUNIT_ASSERT(Precondition::NotModified == mpmd::evaluate_preconditions(s, kEtag, kRfcExample));
    }

    void if_match_and_unmodified_since()
    {
        CPPUNIT_ASSERT(Precondition::Failed ==
                       mpmd::evaluate_preconditions(request(HttpMethod::Get, {{"If-Match", "\"x\""}}), kEtag, 0));
        CPPUNIT_ASSERT(Precondition::Proceed ==
                       mpmd::evaluate_preconditions(request(HttpMethod::Get, {{"If-Match", kEtag}}), kEtag, 0));
        CPPUNIT_ASSERT(Precondition::Failed ==
                       mpmd::evaluate_preconditions(
                           request(HttpMethod::Get, {{"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"}}), kEtag,
                           kRfcExample));
        CPPUNIT_ASSERT(Precondition::Proceed ==
                       mpmd::evaluate_preconditions(
                           request(HttpMethod::Get, {{"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}), kEtag,
                           kRfcExample));
        // If-Match present: If-Unmodified-Since is not evaluated.
        CPPUNIT_ASSERT(Precondition::Proceed ==
                       mpmd::evaluate_preconditions(
                           request(HttpMethod::Get, {{"If-Match", "*"},
                                                     {"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"}}),
                           kEtag, kRfcExample));
        // A failing If-Match beats a matching If-None-Match.
        CPPUNIT_ASSERT(Precondition::Failed ==
                       mpmd::evaluate_preconditions(
                           request(HttpMethod::Get, {{"If-Match", "\"x\""}, {"If-None-Match", kEtag}}), kEtag, 0));
    }

    void repeated_fields_combine()
    {
        const HttpRequest r = request(HttpMethod::Get, {{"If-None-Match", "\"a\""}, {"If-None-Match", kEtag}});
        CPPUNIT_ASSERT(Precondition::NotModified == mpmd::evaluate_preconditions(r, kEtag, 0));
    }

    void if_range_by_etag()
    {
        const time_t old = kRfcExample + 3600;   // now, in these tests: long after the mtime
        CPPUNIT_ASSERT(mpmd::if_range_matches(kEtag, kEtag, kRfcExample, old));
        CPPUNIT_ASSERT(mpmd::if_range_matches(std::string(" ") + kEtag + " ", kEtag, kRfcExample, old));
        CPPUNIT_ASSERT(!mpmd::if_range_matches("\"1f4-5c2f0a7e3b1c1\"", kEtag, kRfcExample, old));
        CPPUNIT_ASSERT(!mpmd::if_range_matches(std::string("W/") + kEtag, kEtag, kRfcExample, old));
        CPPUNIT_ASSERT(!mpmd::if_range_matches(kEtag, std::string("W/") + kEtag, kRfcExample, old));
        CPPUNIT_ASSERT(!mpmd::if_range_matches("*", kEtag, kRfcExample, old));
        CPPUNIT_ASSERT(!mpmd::if_range_matches(std::string("\"x\", ") + kEtag, kEtag, kRfcExample, old));
        CPPUNIT_ASSERT(!mpmd::if_range_matches("", kEtag, kRfcExample, old));
        // An ETag is strong whatever the age of the file (it holds the mtime in microseconds).
        CPPUNIT_ASSERT(mpmd::if_range_matches(kEtag, kEtag, kRfcExample, kRfcExample));
    }

    void if_range_by_date()
    {
        const std::string date = "Sun, 06 Nov 1994 08:49:37 GMT";
        const time_t later = kRfcExample + mpmd::kStrongDateSeconds;
        CPPUNIT_ASSERT(mpmd::if_range_matches(date, kEtag, kRfcExample, later));
        CPPUNIT_ASSERT(mpmd::if_range_matches("Sunday, 06-Nov-94 08:49:37 GMT", kEtag, kRfcExample, later));
        CPPUNIT_ASSERT(!mpmd::if_range_matches(date, kEtag, kRfcExample + 1, later));   // exact only
        CPPUNIT_ASSERT(!mpmd::if_range_matches(date, kEtag, kRfcExample - 1, later));
        CPPUNIT_ASSERT(!mpmd::if_range_matches("not a date", kEtag, kRfcExample, later));
        // Last-Modified within a minute of now is weak (RFC 9110 8.8.2.2): never a match.
        CPPUNIT_ASSERT(!mpmd::if_range_matches(date, kEtag, kRfcExample, later - 1));
        CPPUNIT_ASSERT(!mpmd::if_range_matches(date, kEtag, kRfcExample, kRfcExample));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConditionalTest);
