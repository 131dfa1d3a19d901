// Unit tests for Response: reason phrases, error and redirect pages, head serialisation,
// Content-Length rules and ownership of the file descriptor.
#include <cppunit/extensions/HelperMacros.h>

#include <fcntl.h>
#include <unistd.h>

#include "shared/http/response.h"

using mpmd::Response;

class ResponseTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ResponseTest);
    CPPUNIT_TEST(reasons);
    CPPUNIT_TEST(error_page_shape);
    CPPUNIT_TEST(error_405_leaves_allow_to_the_caller);
    CPPUNIT_TEST(redirect_page);
    CPPUNIT_TEST(head_http11_keep_alive);
    CPPUNIT_TEST(head_connection_rules);
    CPPUNIT_TEST(head_304_has_no_length);
    CPPUNIT_TEST(pieces_count);
    CPPUNIT_TEST(move_transfers_fd);
    CPPUNIT_TEST_SUITE_END();

    static const char* kDate;

public:
    void reasons()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("OK"), std::string(mpmd::status_reason(200)));
        CPPUNIT_ASSERT_EQUAL(std::string("Not Found"), std::string(mpmd::status_reason(404)));
        CPPUNIT_ASSERT_EQUAL(std::string("Request Header Fields Too Large"), std::string(mpmd::status_reason(431)));
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP Version Not Supported"), std::string(mpmd::status_reason(505)));
        CPPUNIT_ASSERT_EQUAL(std::string("Unknown"), std::string(mpmd::status_reason(299)));
    }

    void error_page_shape()
    {
        const Response r = mpmd::error_response(404);
        CPPUNIT_ASSERT_EQUAL(404, r.status);
        CPPUNIT_ASSERT_EQUAL(size_t(0), r.body.find("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n"));
        CPPUNIT_ASSERT(r.body.find("<title>404 Not Found</title>") != std::string::npos);
        CPPUNIT_ASSERT(r.body.find("<h1>Not Found</h1>") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("text/html; charset=iso-8859-1"), *r.header("content-type"));
        CPPUNIT_ASSERT(r.header("Allow") == nullptr);
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(r.body.size()), r.content_length());
        CPPUNIT_ASSERT(mpmd::error_response(414).body.find("<title>414 URI Too Long</title>") != std::string::npos);
    }

    void error_405_leaves_allow_to_the_caller()
    {
        // What is allowed depends on the handler and TraceEnable (core_methods.h).
        const Response r = mpmd::error_response(405);
        CPPUNIT_ASSERT(r.header("Allow") == nullptr);
        CPPUNIT_ASSERT(r.body.find("<title>405 Method Not Allowed</title>") != std::string::npos);
    }

    void redirect_page()
    {
        const Response r = mpmd::redirect_response(301, "http://h/a/?x=1&y=\"2\"");
        CPPUNIT_ASSERT_EQUAL(std::string("http://h/a/?x=1&y=\"2\""), *r.header("Location"));
        CPPUNIT_ASSERT(r.body.find("<title>301 Moved Permanently</title>") != std::string::npos);
        CPPUNIT_ASSERT(r.body.find("<a href=\"http://h/a/?x=1&amp;y=&quot;2&quot;\">here</a>") != std::string::npos);
    }

    void head_http11_keep_alive()
    {
        Response r;
        r.body = "hello";
        r.add_header("Content-Type", "text/plain");
        const std::string head = mpmd::serialize_head(r, 11, true, "mpmd/0.1", kDate);
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 200 OK\r\n"
                                         "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                                         "Server: mpmd/0.1\r\n"
                                         "Content-Type: text/plain\r\n"
                                         "Content-Length: 5\r\n"
                                         "\r\n"),
                             head);
    }

    void head_connection_rules()
    {
        const Response r = mpmd::error_response(400);
        const std::string close11 = mpmd::serialize_head(r, 11, false, "s", kDate);
        CPPUNIT_ASSERT(close11.find("\r\nConnection: close\r\n") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(size_t(0), close11.find("HTTP/1.1 400 Bad Request\r\n"));
        const std::string keep10 = mpmd::serialize_head(r, 10, true, "s", kDate);
        CPPUNIT_ASSERT(keep10.find("\r\nConnection: keep-alive\r\n") != std::string::npos);
        const std::string close10 = mpmd::serialize_head(r, 10, false, "s", kDate);
        CPPUNIT_ASSERT(close10.find("\r\nConnection: close\r\n") != std::string::npos);
        const std::string keep11 = mpmd::serialize_head(r, 11, true, "", kDate);
        CPPUNIT_ASSERT(keep11.find("Connection:") == std::string::npos);
        CPPUNIT_ASSERT(keep11.find("Server:") == std::string::npos);
        CPPUNIT_ASSERT_EQUAL(keep11.size() - 4, keep11.find("\r\n\r\n"));

        std::string two;
        mpmd::append_head(&two, r, 11, true, "s", kDate);
        mpmd::append_head(&two, r, 11, true, "s", kDate);
        CPPUNIT_ASSERT_EQUAL(2 * mpmd::serialize_head(r, 11, true, "s", kDate).size(), two.size());
    }

    void head_304_has_no_length()
    {
        Response r;
        r.status = 304;
        r.send_body = false;
        r.add_header("ETag", "\"1-2\"");
        const std::string head = mpmd::serialize_head(r, 11, true, "s", kDate);
        CPPUNIT_ASSERT_EQUAL(size_t(0), head.find("HTTP/1.1 304 Not Modified\r\n"));
        CPPUNIT_ASSERT(head.find("Content-Length") == std::string::npos);
        CPPUNIT_ASSERT(head.find("ETag: \"1-2\"\r\n") != std::string::npos);
    }

    void pieces_count()
    {
        Response r;
        r.add_file_range(0, 123456789012LL);
        r.send_body = false;   // HEAD: the descriptor is already closed
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(123456789012LL), r.content_length());
        CPPUNIT_ASSERT(mpmd::serialize_head(r, 11, true, "s", kDate).find("Content-Length: 123456789012\r\n") !=
                       std::string::npos);
        Response empty;
        empty.file_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        CPPUNIT_ASSERT(empty.file_fd >= 0);
        empty.add_file_range(0, 0);
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(0), empty.content_length());
        // Text and file ranges add up, after any in-memory body.
        Response parts;
        parts.body = "ab";
        parts.add_text("--x\r\n\r\n");
        parts.add_file_range(100, 10);
        parts.add_text("\r\n--x--\r\n");
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(2 + 7 + 10 + 9), parts.content_length());
        const Response moved(std::move(parts));
        CPPUNIT_ASSERT_EQUAL(size_t(3), moved.pieces.size());
        CPPUNIT_ASSERT(moved.pieces[1].from_file);
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(100), moved.pieces[1].offset);
    }

    void move_transfers_fd()
    {
        const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        CPPUNIT_ASSERT(fd >= 0);
        {
            Response a;
            a.file_fd = fd;
            Response b(std::move(a));
            CPPUNIT_ASSERT_EQUAL(-1, a.file_fd);
            CPPUNIT_ASSERT_EQUAL(fd, b.file_fd);
            Response c;
            c = std::move(b);
            CPPUNIT_ASSERT_EQUAL(fd, c.file_fd);
            CPPUNIT_ASSERT(::fcntl(fd, F_GETFD) != -1);
        }
        CPPUNIT_ASSERT_EQUAL(-1, ::fcntl(fd, F_GETFD));   // closed exactly once, by c
    }
};

const char* ResponseTest::kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

CPPUNIT_TEST_SUITE_REGISTRATION(ResponseTest);
