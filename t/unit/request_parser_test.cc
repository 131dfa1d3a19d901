// Unit tests for RequestParser: heads, pipelining, partial input, discarded bodies, limits and
// every error status it maps, keep-alive rules.
#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <string>

#include "shared/http/request_parser.h"

using mpmd::HttpMethod;
using mpmd::RequestLimits;
using mpmd::RequestParser;

namespace {

// Feeds `input` the way a connection does: unconsumed bytes stay at the front of the buffer.
// `step` bytes arrive per read (0: all at once). Returns the final result; `rest` gets what
// was left unconsumed.
RequestParser::Result feed_in_steps(RequestParser& p, const std::string& input, size_t step,
                                    std::string* rest = nullptr)
{
    std::string buffer;
    size_t offset = 0;
    RequestParser::Result r{RequestParser::Status::NeedMore, 0};
    do {
        const size_t n = step == 0 ? input.size() - offset : std::min(step, input.size() - offset);
        buffer.append(input, offset, n);
        offset += n;
        r = p.feed(buffer.data(), buffer.size());
        CPPUNIT_ASSERT(r.consumed <= buffer.size());
        buffer.erase(0, r.consumed);
    } while (r.status == RequestParser::Status::NeedMore && offset < input.size());
    if (rest != nullptr)
        *rest = buffer + input.substr(offset);
    return r;
}

int error_of(const std::string& input)
{
    RequestParser p;
    const RequestParser::Result r = feed_in_steps(p, input, 0);
    return r.status == RequestParser::Status::Error ? r.http_status : 0;
}

} // namespace

class RequestParserTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RequestParserTest);
    CPPUNIT_TEST(simple_get);
    CPPUNIT_TEST(headers_kept_in_order);
    CPPUNIT_TEST(pipelined_in_one_buffer);
    CPPUNIT_TEST(byte_at_a_time);
    CPPUNIT_TEST(partial_head_needs_more);
    CPPUNIT_TEST(leading_blank_lines_ignored);
    CPPUNIT_TEST(content_length_body_discarded);
    CPPUNIT_TEST(chunked_body_discarded);
    CPPUNIT_TEST(chunked_body_byte_at_a_time);
    CPPUNIT_TEST(empty_chunked_body_byte_at_a_time);
    CPPUNIT_TEST(body_over_limit_is_413);
    CPPUNIT_TEST(chunked_over_limit_is_413);
    CPPUNIT_TEST(method_classification);
    CPPUNIT_TEST(version_errors);
    CPPUNIT_TEST(host_rules);
    CPPUNIT_TEST(malformed_is_400);
    CPPUNIT_TEST(smuggling_is_400);
    CPPUNIT_TEST(unknown_transfer_coding_is_501);
    CPPUNIT_TEST(long_request_line_is_414);
    CPPUNIT_TEST(long_field_is_431);
    CPPUNIT_TEST(too_many_fields_is_431);
    CPPUNIT_TEST(asterisk_only_with_options);
    CPPUNIT_TEST(keep_alive_rules);
    CPPUNIT_TEST(reset_after_error);
    CPPUNIT_TEST(leading_blank_lines_bounded);
    CPPUNIT_TEST(obs_fold_is_400);
    CPPUNIT_TEST(chunk_lines_need_crlf);
    CPPUNIT_TEST(http10_transfer_encoding_closes);
    CPPUNIT_TEST(expectations);
    CPPUNIT_TEST(absolute_form_authority);
    CPPUNIT_TEST(line_without_version_fails_at_once);
    CPPUNIT_TEST(trace_is_classified);
    CPPUNIT_TEST_SUITE_END();

public:
    void simple_get()
    {
        RequestParser p;
        const std::string in = "GET /index.html?x=1 HTTP/1.1\r\nHost: example.org\r\n\r\n";
        const auto r = p.feed(in.data(), in.size());
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT_EQUAL(in.size(), r.consumed);
        CPPUNIT_ASSERT(p.head_complete());
        CPPUNIT_ASSERT_EQUAL(std::string("GET"), p.request().method);
        CPPUNIT_ASSERT(p.request().method_kind == HttpMethod::Get);
        CPPUNIT_ASSERT_EQUAL(std::string("/index.html?x=1"), p.request().target);
        CPPUNIT_ASSERT_EQUAL(11, p.request().version);
        CPPUNIT_ASSERT_EQUAL(std::string("GET /index.html?x=1 HTTP/1.1"), p.request().request_line);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), p.request().body_bytes);
    }

    void headers_kept_in_order()
    {
        RequestParser p;
        const std::string in = "HEAD / HTTP/1.1\r\nHost: a\r\nAccept:  text/html  \r\nX-Two: 1\r\nx-two: 2\r\n\r\n";
        CPPUNIT_ASSERT(feed_in_steps(p, in, 0).status == RequestParser::Status::Complete);
        const auto& req = p.request();
        CPPUNIT_ASSERT(req.method_kind == HttpMethod::Head);
        CPPUNIT_ASSERT_EQUAL(size_t(4), req.headers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Accept"), req.headers[1].name);
        CPPUNIT_ASSERT_EQUAL(std::string("text/html"), req.headers[1].value);
        CPPUNIT_ASSERT(req.header("ACCEPT") != nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), *req.header("X-TWO"));
        CPPUNIT_ASSERT(req.header("Missing") == nullptr);
    }

    void pipelined_in_one_buffer()
    {
        RequestParser p;
        const std::string first = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
        const std::string second = "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
        const std::string third = "GET /c HTTP/1.1\r\nHost: h\r\n\r\n";
        const std::string all = first + second + third;
        size_t offset = 0;

        auto r = p.feed(all.data(), all.size());
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT_EQUAL(first.size(), r.consumed);
        CPPUNIT_ASSERT_EQUAL(std::string("/a"), p.request().target);
        offset += r.consumed;

        p.reset();
        r = p.feed(all.data() + offset, all.size() - offset);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT_EQUAL(second.size(), r.consumed);
        CPPUNIT_ASSERT_EQUAL(std::string("/b"), p.request().target);
        CPPUNIT_ASSERT_EQUAL(uint64_t(5), p.request().body_bytes);
        offset += r.consumed;

        p.reset();
        r = p.feed(all.data() + offset, all.size() - offset);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT_EQUAL(third.size(), r.consumed);
        CPPUNIT_ASSERT_EQUAL(std::string("/c"), p.request().target);
        CPPUNIT_ASSERT_EQUAL(size_t(1), p.request().headers.size());
    }

    void byte_at_a_time()
    {
        RequestParser p;
        const std::string in = "GET /slow HTTP/1.0\r\nUser-Agent: t\r\nConnection: keep-alive\r\n\r\n";
        std::string rest;
        const auto r = feed_in_steps(p, in, 1, &rest);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT(rest.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("/slow"), p.request().target);
        CPPUNIT_ASSERT_EQUAL(10, p.request().version);
        CPPUNIT_ASSERT_EQUAL(size_t(2), p.request().headers.size());
        CPPUNIT_ASSERT(p.request().keep_alive_requested());
    }

    void partial_head_needs_more()
    {
        RequestParser p;
        const std::string in = "GET / HTTP/1.1\r\nHost: x\r\n";
        const auto r = p.feed(in.data(), in.size());
        CPPUNIT_ASSERT(r.status == RequestParser::Status::NeedMore);
        CPPUNIT_ASSERT(!p.head_complete());
        CPPUNIT_ASSERT(p.got_some());
    }

    void leading_blank_lines_ignored()
    {
        RequestParser p;
        const std::string in = "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
        const auto r = feed_in_steps(p, in, 0);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT_EQUAL(std::string("GET / HTTP/1.1"), p.request().request_line);

        RequestParser q;
        const auto blank = q.feed("\r\n", 2);
        CPPUNIT_ASSERT(blank.status == RequestParser::Status::NeedMore);
        CPPUNIT_ASSERT_EQUAL(size_t(2), blank.consumed);
        CPPUNIT_ASSERT(!q.got_some());
    }

    void content_length_body_discarded()
    {
        RequestParser p;
        const std::string body(3000, 'x');
        const std::string in = "PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 3000\r\n\r\n" + body + "GET";
        std::string rest;
        const auto r = feed_in_steps(p, in, 700, &rest);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT_EQUAL(uint64_t(3000), p.request().body_bytes);
        CPPUNIT_ASSERT_EQUAL(std::string("GET"), rest);
        CPPUNIT_ASSERT(p.request().method_kind == HttpMethod::OtherKnown);
    }

    void chunked_body_discarded()
    {
        RequestParser p;
        const std::string in = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n"
                               "GET /next HTTP/1.1\r\n";
        std::string rest;
        const auto r = feed_in_steps(p, in, 0, &rest);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT_EQUAL(uint64_t(12), p.request().body_bytes);
        CPPUNIT_ASSERT_EQUAL(std::string("GET /next HTTP/1.1\r\n"), rest);
        CPPUNIT_ASSERT(p.request().header("X-Trailer") == nullptr);
        CPPUNIT_ASSERT(p.request().method_kind == HttpMethod::Post);
    }

    void chunked_body_byte_at_a_time()
    {
        RequestParser p;
        const std::string in = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "a\r\n0123456789\r\n3\r\nabc\r\n0\r\n\r\n";
        std::string rest;
        const auto r = feed_in_steps(p, in, 1, &rest);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT_EQUAL(uint64_t(13), p.request().body_bytes);
        CPPUNIT_ASSERT(rest.empty());
    }

    // Found by fuzz/request_fuzzer: Boost 1.74's Beast asserts (wrongly) when a chunked body
    // that is only its last chunk comes back with fewer than 5 bytes, "0\r\n" and one more:
    // any client could abort a child (and every connection its threads held) that way.
    void empty_chunked_body_byte_at_a_time()
    {
        for (const std::string trailer : {"", "X-T: 1\r\n"}) {
            RequestParser p;
            const std::string in = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" +
                                   trailer + "\r\nGET / HTTP/1.1\r\n";
            std::string rest;
            const auto r = feed_in_steps(p, in, 1, &rest);
            CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
            CPPUNIT_ASSERT_EQUAL(uint64_t(0), p.request().body_bytes);
            CPPUNIT_ASSERT_EQUAL(std::string("GET / HTTP/1.1\r\n"), rest);   // the next request
        }
        // A bare LF is still refused at once, however few bytes have come.
        RequestParser p;
        const auto r = feed_in_steps(p, "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\n", 1);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Error);
        CPPUNIT_ASSERT_EQUAL(400, r.http_status);
    }

    void body_over_limit_is_413()
    {
        CPPUNIT_ASSERT_EQUAL(413, error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048577\r\n\r\n"));
        RequestParser p;
        const std::string ok = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048576\r\n\r\n" +
                               std::string(1048576, 'b');
        CPPUNIT_ASSERT(feed_in_steps(p, ok, 65536).status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1048576), p.request().body_bytes);
    }

    void chunked_over_limit_is_413()
    {
        RequestLimits limits;
        limits.max_body = 10;
        RequestParser p(limits);
        const std::string in = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n";
        const auto r = feed_in_steps(p, in, 0);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Error);
        CPPUNIT_ASSERT_EQUAL(413, r.http_status);
    }

    void method_classification()
    {
        const struct {
            const char* method;
            HttpMethod kind;
        } cases[] = {{"GET", HttpMethod::Get},         {"HEAD", HttpMethod::Head},
                     {"POST", HttpMethod::Post},       {"OPTIONS", HttpMethod::Options},
                     {"DELETE", HttpMethod::OtherKnown}, {"PATCH", HttpMethod::OtherKnown},
                     {"TRACE", HttpMethod::Trace}, {"PROPFIND", HttpMethod::OtherKnown},
                     {"BREW", HttpMethod::Unknown},    {"get", HttpMethod::Unknown}};
        for (const auto& c : cases) {
            RequestParser p;
            const std::string in = std::string(c.method) + " / HTTP/1.1\r\nHost: h\r\n\r\n";
            CPPUNIT_ASSERT(feed_in_steps(p, in, 0).status == RequestParser::Status::Complete);
            CPPUNIT_ASSERT_MESSAGE(c.method, p.request().method_kind == c.kind);
            CPPUNIT_ASSERT_EQUAL(std::string(c.method), p.request().method);
        }
    }

    void version_errors()
    {
        RequestParser p;
        const std::string in = "GET / HTTP/2.0\r\nHost: h\r\n\r\n";
        const auto r = feed_in_steps(p, in, 0);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Error);
        CPPUNIT_ASSERT_EQUAL(505, r.http_status);
        CPPUNIT_ASSERT_EQUAL(20, p.request().version);
        CPPUNIT_ASSERT_EQUAL(std::string("GET / HTTP/2.0"), p.request().request_line);
        CPPUNIT_ASSERT_EQUAL(505, error_of("GET / HTTP/0.9\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(505, error_of("GET / HTTP/3.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTX/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET /\r\n\r\n"));
    }

    void host_rules()
    {
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: <a>\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(0, error_of("GET / HTTP/1.0\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(0, error_of("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(0, error_of("GET / HTTP/1.1\r\nHost: example.org:\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(0, error_of("GET / HTTP/1.1\r\nHost: \r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: x:y\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: x:123456\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: :80\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: user@x\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: x/y\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n"));
    }

    void malformed_is_400()
    {
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET  / HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of(" GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("G@T / HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
        const auto status = error_of("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        CPPUNIT_ASSERT_EQUAL(0, status);
    }

    void smuggling_is_400()
    {
        CPPUNIT_ASSERT_EQUAL(400, error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                                           "Content-Length: 4\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n"));
    }

    void unknown_transfer_coding_is_501()
    {
        CPPUNIT_ASSERT_EQUAL(501, error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(501, error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
    }

    void long_request_line_is_414()
    {
        const std::string target = "/" + std::string(8190, 'a');
        CPPUNIT_ASSERT_EQUAL(414, error_of("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        // Detected before the line ends, so a client cannot make us buffer an endless line.
        RequestParser p;
        const std::string partial = "GET " + target;
        const auto r = p.feed(partial.data(), partial.size());
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Error);
        CPPUNIT_ASSERT_EQUAL(414, r.http_status);
        // Just inside the limit is fine.
        const std::string fits = "/" + std::string(8190 - 4 - 9 - 1, 'a');
        CPPUNIT_ASSERT_EQUAL(0, error_of("GET " + fits + " HTTP/1.1\r\nHost: h\r\n\r\n"));
    }

    void long_field_is_431()
    {
        CPPUNIT_ASSERT_EQUAL(431, error_of("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(8190, 'v') + "\r\n\r\n"));
        const std::string fits = "X-Big: " + std::string(8190 - 7, 'v');
        CPPUNIT_ASSERT_EQUAL(0, error_of("GET / HTTP/1.1\r\nHost: h\r\n" + fits + "\r\n\r\n"));
    }

    void too_many_fields_is_431()
    {
        std::string head = "GET / HTTP/1.1\r\nHost: h\r\n";
        for (int i = 0; i < 99; ++i)
            head += "X-F" + std::to_string(i) + ": v\r\n";
        CPPUNIT_ASSERT_EQUAL(0, error_of(head + "\r\n"));
        CPPUNIT_ASSERT_EQUAL(431, error_of(head + "X-Last: v\r\n\r\n"));
    }

    void asterisk_only_with_options()
    {
        CPPUNIT_ASSERT_EQUAL(0, error_of("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET * HTTP/1.1\r\nHost: h\r\n\r\n"));
    }

    void keep_alive_rules()
    {
        const struct {
            const char* head;
            bool keep_alive;
        } cases[] = {
            {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", true},
            {"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false},
            {"GET / HTTP/1.1\r\nHost: h\r\nConnection: TE, Close\r\n\r\n", false},
            {"GET / HTTP/1.0\r\n\r\n", false},
            {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
            {"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false},
        };
        for (const auto& c : cases) {
            RequestParser p;
            CPPUNIT_ASSERT(feed_in_steps(p, c.head, 0).status == RequestParser::Status::Complete);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.head, c.keep_alive, p.request().keep_alive_requested());
        }
    }

    void reset_after_error()
    {
        RequestParser p;
        const std::string bad = "GET / HTTP/1.1\r\n\r\n";
        auto r = p.feed(bad.data(), bad.size());
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Error);
        r = p.feed(bad.data(), bad.size());
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Error);
        CPPUNIT_ASSERT_EQUAL(400, r.http_status);
        p.reset();
        const std::string good = "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n";
        r = p.feed(good.data(), good.size());
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT_EQUAL(std::string("/ok"), p.request().target);
    }

    void leading_blank_lines_bounded()
    {
        std::string ten;
        for (int i = 0; i < 10; ++i)
            ten += "\r\n";
        CPPUNIT_ASSERT_EQUAL(0, error_of(ten + "GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of(ten + "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        // Counted across reads, so a client cannot trickle them in forever.
        RequestParser p;
        RequestParser::Result r{RequestParser::Status::NeedMore, 0};
        for (int i = 0; i < 11 && r.status == RequestParser::Status::NeedMore; ++i)
            r = p.feed("\r\n", 2);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Error);
        CPPUNIT_ASSERT_EQUAL(400, r.http_status);
        // Lone CRs count too.
        RequestParser q;
        const std::string crs(21, '\r');
        r = feed_in_steps(q, crs, 1);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Error);
        CPPUNIT_ASSERT_EQUAL(400, r.http_status);
    }

    void obs_fold_is_400()
    {
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n\tb\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET / HTTP/1.1\r\n Host: h\r\n\r\n"));
        // Seen as soon as the folded line starts, byte by byte too.
        RequestParser p;
        const auto r = feed_in_steps(p, "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b", 1);
        CPPUNIT_ASSERT(r.status == RequestParser::Status::Error);
        CPPUNIT_ASSERT_EQUAL(400, r.http_status);
        // Whitespace inside a value is fine.
        CPPUNIT_ASSERT_EQUAL(0, error_of("GET / HTTP/1.1\r\nHost: h\r\nX-A: a \t b\r\n\r\n"));
    }

    void chunk_lines_need_crlf()
    {
        const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        const char* bodies[] = {
            "5\nhello\n0\n\n",          // every line with a bare LF
            "5\nhello\r\n0\r\n\r\n",     // the size line
            "5\r\nhello\n0\r\n\r\n",     // after the data
            "5\r\nhello\r\n0\n\r\n",     // the last chunk
            "5\r\nhello\r\n0\r\n\n",     // the end of the trailer section
            "5\r\nhello\r\n0\r\nX: y\n\r\n",   // a trailer field
            "5\rhello\r0\r\r",           // bare CRs
        };
        for (const char* body : bodies) {
            for (size_t step : {size_t(0), size_t(1)}) {
                RequestParser p;
                const auto r = feed_in_steps(p, head + body, step);
                CPPUNIT_ASSERT_MESSAGE(body, r.status == RequestParser::Status::Error);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 400, r.http_status);
            }
        }
    }

    void http10_transfer_encoding_closes()
    {
        RequestParser p;
        const std::string in = "POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "3\r\nabc\r\n0\r\n\r\n";
        CPPUNIT_ASSERT(feed_in_steps(p, in, 0).status == RequestParser::Status::Complete);
        CPPUNIT_ASSERT(p.request().close_after);
        CPPUNIT_ASSERT(!p.request().keep_alive_requested());
        p.reset();
        CPPUNIT_ASSERT(!p.request().close_after);
    }

    void expectations()
    {
        RequestParser p;
        const std::string in = "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n";
        const auto r = p.feed(in.data(), in.size());
        CPPUNIT_ASSERT(r.status == RequestParser::Status::NeedMore);
        CPPUNIT_ASSERT(p.head_complete());
        CPPUNIT_ASSERT(p.request().expects_continue);
        CPPUNIT_ASSERT_EQUAL(417, error_of("GET / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n"));
        RequestParser old;
        CPPUNIT_ASSERT(feed_in_steps(old, "GET / HTTP/1.0\r\nExpect: 200-ok\r\n\r\n", 0).status ==
                       RequestParser::Status::Complete);
        CPPUNIT_ASSERT(!old.request().expects_continue);
    }

    void absolute_form_authority()
    {
        CPPUNIT_ASSERT_EQUAL(0, error_of("GET http://example.org/x HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(0, error_of("GET http://example.org:8080?q HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(0, error_of("GET http://[::1]:80/ HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET http://a<b>/ HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET http://x:abc/ HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET http://user@x/ HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n"));
        CPPUNIT_ASSERT_EQUAL(400, error_of("GET http://%zz/ HTTP/1.1\r\nHost: h\r\n\r\n"));
    }

    void line_without_version_fails_at_once()
    {
        // An HTTP/0.9-style line (method SP target CRLF) is refused as soon as it ends, never
        // left waiting for a blank line that such a client will not send.
        for (const char* line : {"GET /\r\n", "GET /\n", "GET\r\n"}) {
            RequestParser p;
            const auto r = p.feed(line, std::strlen(line));
            CPPUNIT_ASSERT_MESSAGE(line, r.status == RequestParser::Status::Error);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(line, 400, r.http_status);
        }
    }

    void trace_is_classified()
    {
        RequestParser p;
        CPPUNIT_ASSERT(feed_in_steps(p, "TRACE / HTTP/1.1\r\nHost: h\r\n\r\n", 0).status ==
                       RequestParser::Status::Complete);
        CPPUNIT_ASSERT(p.request().method_kind == HttpMethod::Trace);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RequestParserTest);
