// Tests for LogFormat: every directive on a fixed record, Apache's combined line exactly,
// escaping of hostile input, %b "-" against %B 0, the %t shape and per-second cache in a
// fixed time zone, compile errors naming the directive, and the escaping helper itself.
#include "shared/log_format.h"

#include "shared/http/http_request.h"

#include "log_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

namespace mpmd {
namespace {

// 10/Oct/2000:13:55:36 -0700, Apache's documentation example.
constexpr time_t kExampleTime = 971211336;

struct Fixture {
    std::vector<HttpHeader> request_headers{{"Host", "example.com"},
                                {"User-Agent", "Mozilla/4.08 [en] (Win98; I ;Nav)"},
                                {"Referer", "http://www.example.com/start.html"}};
    std::vector<HttpHeader> response_headers{{"Content-Type", "image/gif"}};
    AccessRecord record;

    Fixture()
    {
        record.client_ip = "127.0.0.1";
        record.local_port = 8080;
        record.request_line = "GET /apache_pb.gif?x=1 HTTP/1.0";
        record.method = "GET";
        record.protocol = "HTTP/1.0";
        record.url_path = "/apache_pb.gif";
        record.query = "x=1";
        record.status = 200;
        record.body_bytes = 2326;
        record.start.tv_sec = kExampleTime;
        record.start.tv_nsec = 123456789;
        record.duration_us = 2500321;
        record.server_name = "www.example.com";
        record.pid = 4242;
        record.request_headers = header_source(request_headers);
        record.response_headers = header_source(response_headers);
    }
};

LogFormat must_compile(const std::string& format)
{
    std::string error;
    auto compiled = LogFormat::compile(format, &error);
    CPPUNIT_ASSERT_MESSAGE(format + ": " + error, compiled.has_value());
    return std::move(*compiled);
}

std::string format_line(const std::string& format, const AccessRecord& record)
{
    std::string out;
    must_compile(format).append(record, out);
    return out;
}

std::string compile_error(const std::string& format)
{
    std::string error;
    CPPUNIT_ASSERT_MESSAGE(format, !LogFormat::compile(format, &error).has_value());
    return error;
}

} // namespace

class LogFormatTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LogFormatTest);
    CPPUNIT_TEST(testCombinedLine);
    CPPUNIT_TEST(testEveryDirective);
    CPPUNIT_TEST(testTimeDirectives);
    CPPUNIT_TEST(testClfTimeShapeAndCache);
    CPPUNIT_TEST(testBodyBytesDashAndZero);
    CPPUNIT_TEST(testMissingValues);
    CPPUNIT_TEST(testHeadersCaseInsensitive);
    CPPUNIT_TEST(testHostileInputEscaped);
    CPPUNIT_TEST(testLiteralEscapes);
    CPPUNIT_TEST(testCompileErrors);
    CPPUNIT_TEST(testAppendReusesBuffer);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCombinedLine()
    {
        test::ScopedTimeZone tz("MST7");
        Fixture f;
        CPPUNIT_ASSERT_EQUAL(
            std::string("127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif?x=1 HTTP/1.0\""
                        " 200 2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"\n"),
            format_line("%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"", f.record));
    }

    void testEveryDirective()
    {
        Fixture f;
        const std::pair<const char*, const char*> cases[] = {
            {"%h", "127.0.0.1"},      {"%a", "127.0.0.1"},    {"%{c}a", "127.0.0.1"},
            {"%l", "-"},              {"%u", "-"},            {"%r", "GET /apache_pb.gif?x=1 HTTP/1.0"},
            {"%s", "200"},            {"%>s", "200"},         {"%<s", "200"},
            {"%b", "2326"},           {"%B", "2326"},         {"%D", "2500321"},
            {"%T", "2"},              {"%{s}T", "2"},         {"%{ms}T", "2500"},
            {"%{us}T", "2500321"},    {"%U", "/apache_pb.gif"}, {"%q", "?x=1"},
            {"%m", "GET"},            {"%H", "HTTP/1.0"},     {"%v", "www.example.com"},
            {"%p", "8080"},           {"%{local}p", "8080"},  {"%P", "4242"},
            {"%{pid}P", "4242"},      {"%{Host}i", "example.com"}, {"%{Content-Type}o", "image/gif"},
            {"%%", "%"},              {"100%% [%s]", "100% [200]"}, {"", ""},
        };
        for (const auto& [format, expected] : cases)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(format, std::string(expected) + "\n", format_line(format, f.record));
        f.record.remote_user = "frank";
        CPPUNIT_ASSERT_EQUAL(std::string("frank\n"), format_line("%u", f.record));
    }

    void testTimeDirectives()
    {
        test::ScopedTimeZone tz("UTC0");
        Fixture f;
        CPPUNIT_ASSERT_EQUAL(std::string("971211336\n"), format_line("%{sec}t", f.record));
        CPPUNIT_ASSERT_EQUAL(std::string("971211336123\n"), format_line("%{msec}t", f.record));
        CPPUNIT_ASSERT_EQUAL(std::string("971211336123456\n"), format_line("%{begin:usec}t", f.record));
        CPPUNIT_ASSERT_EQUAL(std::string("123 123456\n"), format_line("%{msec_frac}t %{usec_frac}t", f.record));
        // end = start + 2.500321 s = ...38.623777789
        CPPUNIT_ASSERT_EQUAL(std::string("971211338 623777\n"), format_line("%{end:sec}t %{end:usec_frac}t", f.record));
        CPPUNIT_ASSERT_EQUAL(std::string("2000-10-10T20:55:36 Tue\n"), format_line("%{%Y-%m-%dT%H:%M:%S %a}t", f.record));
        CPPUNIT_ASSERT_EQUAL(std::string("[10/Oct/2000:20:55:38 +0000]\n"), format_line("%{end:}t", f.record));
    }

    void testClfTimeShapeAndCache()
    {
        test::ScopedTimeZone tz("IST-5:30"); // a half-hour offset east of UTC
        Fixture f;
        f.record.start.tv_sec = kExampleTime + 7; // a second no other test formats
        const LogFormat format = must_compile("%t");
        std::string out;
        format.append(f.record, out);
        CPPUNIT_ASSERT_EQUAL(std::string("[11/Oct/2000:02:25:43 +0530]\n"), out);
        f.record.start.tv_nsec = 999999999; // same second: same text from the cache
        format.append(f.record, out);
        f.record.start.tv_sec += 1;
        format.append(f.record, out);
        CPPUNIT_ASSERT_EQUAL(std::string("[11/Oct/2000:02:25:43 +0530]\n[11/Oct/2000:02:25:43 +0530]\n"
                                         "[11/Oct/2000:02:25:44 +0530]\n"),
                             out);
    }

    void testBodyBytesDashAndZero()
    {
        Fixture f;
        f.record.body_bytes = 0;
        CPPUNIT_ASSERT_EQUAL(std::string("- 0\n"), format_line("%b %B", f.record));
        f.record.body_bytes = 18446744073709551615ull;
        CPPUNIT_ASSERT_EQUAL(std::string("18446744073709551615 18446744073709551615\n"),
                             format_line("%b %B", f.record));
    }

    void testMissingValues()
    {
        AccessRecord empty; // e.g. a 408 before any request line arrived
        CPPUNIT_ASSERT_EQUAL(std::string("- - \"-\" - - - - - - 0\n"),
                             format_line("%h %u \"%r\" %s %p %{Referer}i %{X}o %m %q%U %P", empty));
        Fixture f;
        f.record.query = "";
        CPPUNIT_ASSERT_EQUAL(std::string("/apache_pb.gif\n"), format_line("%U%q", f.record));
        f.request_headers.push_back({"X-Empty", ""});
        CPPUNIT_ASSERT_EQUAL(std::string("[]\n"), format_line("[%{X-Empty}i]", f.record));
    }

    void testHeadersCaseInsensitive()
    {
        Fixture f;
        f.request_headers.push_back({"user-agent", "second"}); // the first one wins
        CPPUNIT_ASSERT_EQUAL(std::string("Mozilla/4.08 [en] (Win98; I ;Nav)|example.com|image/gif\n"),
                             format_line("%{USER-AGENT}i|%{hOsT}i|%{content-type}o", f.record));
    }

    void testHostileInputEscaped()
    {
        Fixture f;
        f.record.request_line = "GET /\"x\\y\n127.0.0.1 - - forged\r\t\x01\x7f\xc3\xa9 HTTP/1.1";
        f.record.url_path = "/a\"b\n";
        f.record.query = "q=\"\x1b[31m";
        f.request_headers[1].value = "evil\" \"agent\nnext\b\v";
        f.record.method = "G\"T";
        const std::string out = format_line("\"%r\" %U%q \"%{User-Agent}i\" %m", f.record);
        CPPUNIT_ASSERT_EQUAL(
            std::string("\"GET /\\\"x\\\\y\\n127.0.0.1 - - forged\\r\\t\\x01\\x7f\\xc3\\xa9 HTTP/1.1\""
                        " /a\\\"b\\n?q=\\\"\\x1b[31m \"evil\\\" \\\"agent\\nnext\\b\\v\" G\\\"T\n"),
            out);
        CPPUNIT_ASSERT_EQUAL(out.size() - 1, out.find('\n')); // exactly one line
        // Each quoted field still ends at the first unescaped quote.
        CPPUNIT_ASSERT_EQUAL(size_t{4}, static_cast<size_t>(std::count(out.begin(), out.end(), '"')) -
                                           static_cast<size_t>(count_escaped_quotes(out)));
    }

    void testLiteralEscapes()
    {
        Fixture f;
        CPPUNIT_ASSERT_EQUAL(std::string("a\tb\\c\"d\\xe\n"), format_line("a\\tb\\\\c\\\"d\\xe", f.record));
        CPPUNIT_ASSERT_EQUAL(std::string("trailing\\\n"), format_line("trailing\\", f.record));
    }

    void testCompileErrors()
    {
        const std::pair<const char*, const char*> cases[] = {
            {"%h %Z", "unknown log format directive %Z"},
            {"%{Foo}x", "unknown log format directive %{Foo}x"},
            {"%{bogus}T", "%{bogus}T"},
            {"%{x}h", "%{x}h"},
            {"%>Z", "%>Z"},
            {"%i", "%i needs a header name"},
            {"%{}o", "%{}o needs a header name"},
            {"%h %", "ends inside the directive \"%\""},
            {"%{Referer", "unterminated %{"},
            {"a\\nb", "\\n"},
            {"a\nb", "line break"},
        };
        for (const auto& [format, expected] : cases) {
            const std::string error = compile_error(format);
            CPPUNIT_ASSERT_MESSAGE(std::string(format) + " -> " + error, error.find(expected) != std::string::npos);
        }
        CPPUNIT_ASSERT(!LogFormat::compile("%Z", nullptr).has_value());
    }

    void testAppendReusesBuffer()
    {
        Fixture f;
        const LogFormat format = must_compile("%h %>s %b %{User-Agent}i");
        CPPUNIT_ASSERT_EQUAL(size_t{7}, format.items().size()); // literals between directives merged
        std::string out;
        format.append(f.record, out);
        const std::string first = out;
        const size_t capacity = out.capacity();
        out.clear();
        format.append(f.record, out);
        CPPUNIT_ASSERT_EQUAL(first, out);
        CPPUNIT_ASSERT_EQUAL(capacity, out.capacity());
        CPPUNIT_ASSERT_EQUAL(std::string("%h %>s %b %{User-Agent}i"), format.source());
    }

private:
    static long count_escaped_quotes(const std::string& s)
    {
        long n = 0;
        for (size_t i = 1; i < s.size(); ++i) {
            if (s[i] != '"')
                continue;
            size_t backslashes = 0;
            for (size_t k = i; k > 0 && s[k - 1] == '\\'; --k)
                ++backslashes;
            n += backslashes % 2;
        }
        return n;
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LogFormatTest);

} // namespace mpmd
