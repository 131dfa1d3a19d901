// Unit tests for the 206 and 416 answers (RFC 9110 14.4, 14.6, 15.3.7, 15.5.17): one range,
// multipart/byteranges laid out byte for byte with an exact Content-Length, the 416 field,
// and boundaries that differ at every call.
#include <cppunit/extensions/HelperMacros.h>

#include <set>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "shared/http/partial_content.h"

using mpmd::BodyPiece;
using mpmd::ByteRange;
using mpmd::Response;

namespace {

// The body as sent, with each file range written as <offset+length>.
std::string layout(const Response& r)
{
    std::string out = r.body;
    for (const BodyPiece& p : r.pieces)
        out += p.from_file ? "<" + std::to_string(p.offset) + "+" + std::to_string(p.length) + ">" : p.text;
    return out;
}

} // namespace

class PartialContentTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PartialContentTest);
    CPPUNIT_TEST(content_range_field);
    CPPUNIT_TEST(one_range);
    CPPUNIT_TEST(several_ranges_as_multipart);
    CPPUNIT_TEST(multipart_length_is_exact);
    CPPUNIT_TEST(not_satisfiable);
    CPPUNIT_TEST(boundaries_differ);
    CPPUNIT_TEST_SUITE_END();

public:
    void content_range_field()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("bytes 0-499/1234"), mpmd::content_range({0, 499}, 1234));
        CPPUNIT_ASSERT_EQUAL(std::string("bytes 9223372036854775806-9223372036854775806/9223372036854775807"),
                             mpmd::content_range({9223372036854775806ULL, 9223372036854775806ULL},
                                                 9223372036854775807ULL));
    }

    void one_range()
    {
        Response r;
        mpmd::make_partial_content(&r, {{100, 199}}, 1000, "text/plain");
        CPPUNIT_ASSERT_EQUAL(206, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("text/plain"), *r.header("Content-Type"));
        CPPUNIT_ASSERT_EQUAL(std::string("bytes 100-199/1000"), *r.header("Content-Range"));
        CPPUNIT_ASSERT_EQUAL(std::string("<100+100>"), layout(r));
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(100), r.content_length());
    }

    void several_ranges_as_multipart()
    {
        Response r;
        mpmd::make_multipart_byteranges(&r, {{0, 9}, {500, 599}}, 1000, "image/png", "B0UND");
        CPPUNIT_ASSERT_EQUAL(206, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("multipart/byteranges; boundary=B0UND"), *r.header("Content-Type"));
        CPPUNIT_ASSERT(r.header("Content-Range") == nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("--B0UND\r\n"
                                         "Content-Type: image/png\r\n"
                                         "Content-Range: bytes 0-9/1000\r\n"
                                         "\r\n"
                                         "<0+10>"
                                         "\r\n--B0UND\r\n"
                                         "Content-Type: image/png\r\n"
                                         "Content-Range: bytes 500-599/1000\r\n"
                                         "\r\n"
                                         "<500+100>"
                                         "\r\n--B0UND--\r\n"),
                             layout(r));
        // make_partial_content picks the multipart form, with a fresh boundary, for two ranges.
        Response fresh;
        mpmd::make_partial_content(&fresh, {{0, 9}, {500, 599}}, 1000, "image/png");
        const std::string type = *fresh.header("Content-Type");
        CPPUNIT_ASSERT_EQUAL(size_t(0), type.find("multipart/byteranges; boundary="));
        CPPUNIT_ASSERT_EQUAL(size_t(5), fresh.pieces.size());
    }

    void multipart_length_is_exact()
    {
        Response r;
        const std::vector<ByteRange> ranges{{0, 0}, {2, 2}, {10, 99999}};
        mpmd::make_multipart_byteranges(&r, ranges, 123456, "text/html", "xyz");
        off_t text = 0;
        off_t file = 0;
        for (const BodyPiece& p : r.pieces)
            (p.from_file ? file : text) += p.size();
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(1 + 1 + 99990), file);
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(layout(r).size() - std::string("<0+1><2+1><10+99990>").size()), text);
        CPPUNIT_ASSERT_EQUAL(text + file, r.content_length());
        const std::string head = mpmd::serialize_head(r, 11, true, "s", "d");
        CPPUNIT_ASSERT(head.find("Content-Length: " + std::to_string(text + file) + "\r\n") != std::string::npos);
    }

    void not_satisfiable()
    {
        const Response r = mpmd::range_not_satisfiable(1234);
        CPPUNIT_ASSERT_EQUAL(416, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("bytes */1234"), *r.header("Content-Range"));
        CPPUNIT_ASSERT(r.body.find("<title>416 Range Not Satisfiable</title>") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("bytes */0"), *mpmd::range_not_satisfiable(0).header("Content-Range"));
    }

    void boundaries_differ()
    {
        std::set<std::string> seen;
        for (int i = 0; i < 1000; ++i) {
            const std::string b = mpmd::multipart_boundary();
            CPPUNIT_ASSERT_EQUAL(size_t(32), b.size());
            CPPUNIT_ASSERT_EQUAL(std::string::npos, b.find_first_not_of("0123456789abcdef"));
            seen.insert(b);
        }
        CPPUNIT_ASSERT_EQUAL(size_t(1000), seen.size());

        // A forked child (prefork) does not continue its parent's sequence.
        int fds[2];
        CPPUNIT_ASSERT_EQUAL(0, ::pipe(fds));
        const pid_t pid = ::fork();
        CPPUNIT_ASSERT(pid >= 0);
        if (pid == 0) {
            const std::string b = mpmd::multipart_boundary();
            _exit(::write(fds[1], b.data(), b.size()) == static_cast<ssize_t>(b.size()) ? 0 : 1);
        }
        ::close(fds[1]);
        char child[32];
        CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(sizeof child), ::read(fds[0], child, sizeof child));
        ::close(fds[0]);
        int status = 0;
        CPPUNIT_ASSERT_EQUAL(pid, ::waitpid(pid, &status, 0));
        CPPUNIT_ASSERT(mpmd::multipart_boundary() != std::string(child, sizeof child));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PartialContentTest);
