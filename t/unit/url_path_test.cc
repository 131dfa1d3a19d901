// Unit tests for parse_url_path and escape_url_path: decoding, dot segments, traversal
// attempts, encoded slashes and NULs, absolute-form and the query.
#include <cppunit/extensions/HelperMacros.h>

#include "shared/http/url_path.h"

using mpmd::parse_url_path;
using mpmd::UrlPath;

class UrlPathTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(UrlPathTest);
    CPPUNIT_TEST(plain_paths);
    CPPUNIT_TEST(query_kept_apart);
    CPPUNIT_TEST(percent_decoding);
    CPPUNIT_TEST(dot_segments);
    CPPUNIT_TEST(traversal_attempts);
    CPPUNIT_TEST(encoded_slash_is_404);
    CPPUNIT_TEST(nul_is_400);
    CPPUNIT_TEST(double_slashes_merge);
    CPPUNIT_TEST(absolute_form);
    CPPUNIT_TEST(other_forms);
    CPPUNIT_TEST(escape_for_location);
    CPPUNIT_TEST_SUITE_END();

    static std::string path_of(const char* target)
    {
        const UrlPath u = parse_url_path(target);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(target, 0, u.status);
        return u.path;
    }
    static int status_of(const char* target)
    {
        const UrlPath u = parse_url_path(target);
        if (u.status != 0)
            CPPUNIT_ASSERT_MESSAGE(target, u.path.empty());
        return u.status;
    }

public:
    void plain_paths()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("/"), path_of("/"));
        CPPUNIT_ASSERT_EQUAL(std::string("/index.html"), path_of("/index.html"));
        CPPUNIT_ASSERT_EQUAL(std::string("/dir/"), path_of("/dir/"));
        CPPUNIT_ASSERT_EQUAL(std::string("/a/b.c"), path_of("/a/b.c"));
    }

    void query_kept_apart()
    {
        const UrlPath u = parse_url_path("/search%20me?q=a%2Fb&x=../..");
        CPPUNIT_ASSERT_EQUAL(0, u.status);
        CPPUNIT_ASSERT_EQUAL(std::string("/search me"), u.path);
        CPPUNIT_ASSERT_EQUAL(std::string("?q=a%2Fb&x=../.."), u.query);
        CPPUNIT_ASSERT(parse_url_path("/x").query.empty());
    }

    void percent_decoding()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("/caf\xc3\xa9"), path_of("/caf%C3%a9"));
        CPPUNIT_ASSERT_EQUAL(std::string("/100%"), path_of("/100%25"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("/bad%zz"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("/bad%4"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("/bad%"));
    }

    void dot_segments()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("/a/c"), path_of("/a/b/../c"));
        CPPUNIT_ASSERT_EQUAL(std::string("/a/c"), path_of("/a/./c"));
        CPPUNIT_ASSERT_EQUAL(std::string("/a/"), path_of("/a/b/.."));
        CPPUNIT_ASSERT_EQUAL(std::string("/a/"), path_of("/a/."));
        CPPUNIT_ASSERT_EQUAL(std::string("/"), path_of("/a/.."));
        CPPUNIT_ASSERT_EQUAL(std::string("/..."), path_of("/..."));
        CPPUNIT_ASSERT_EQUAL(std::string("/..a/b.."), path_of("/..a/b.."));
        CPPUNIT_ASSERT_EQUAL(std::string("/x"), path_of("/a/%2e%2E/x"));
        CPPUNIT_ASSERT_EQUAL(std::string("/a/x"), path_of("/a/%2e/x"));
    }

    void traversal_attempts()
    {
        CPPUNIT_ASSERT_EQUAL(400, status_of("/../etc/passwd"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("/a/%2e%2e/%2e%2e/x"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("/a/../../etc/passwd"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("/.."));
        CPPUNIT_ASSERT_EQUAL(400, status_of("/%2E%2E/"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("/./../x"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("//../x"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("http://h/../x"));
    }

    void encoded_slash_is_404()
    {
        CPPUNIT_ASSERT_EQUAL(404, status_of("/a%2Fb"));
        CPPUNIT_ASSERT_EQUAL(404, status_of("/..%2f..%2fetc/passwd"));
        CPPUNIT_ASSERT_EQUAL(404, status_of("/%2e%2e%2Fx"));
    }

    void nul_is_400()
    {
        CPPUNIT_ASSERT_EQUAL(400, status_of("/a%00.html"));
        const std::string raw("/a\0b", 4);
        CPPUNIT_ASSERT_EQUAL(400, parse_url_path(raw).status);
    }

    void double_slashes_merge()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/passwd"), path_of("//etc/passwd"));
        CPPUNIT_ASSERT_EQUAL(std::string("/a/b/"), path_of("/a///b//"));
        CPPUNIT_ASSERT_EQUAL(std::string("/"), path_of("//"));
    }

    void absolute_form()
    {
        UrlPath u = parse_url_path("http://Example.org:8080/a/b?x=1");
        CPPUNIT_ASSERT_EQUAL(0, u.status);
        CPPUNIT_ASSERT_EQUAL(std::string("/a/b"), u.path);
        CPPUNIT_ASSERT_EQUAL(std::string("?x=1"), u.query);
        CPPUNIT_ASSERT_EQUAL(std::string("Example.org:8080"), u.authority);
        u = parse_url_path("HTTPS://h");
        CPPUNIT_ASSERT_EQUAL(0, u.status);
        CPPUNIT_ASSERT_EQUAL(std::string("/"), u.path);
        CPPUNIT_ASSERT_EQUAL(400, status_of("ftp://h/x"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("http:///x"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("http://user@h/x"));
    }

    void other_forms()
    {
        const UrlPath star = parse_url_path("*");
        CPPUNIT_ASSERT_EQUAL(0, star.status);
        CPPUNIT_ASSERT(star.asterisk);
        CPPUNIT_ASSERT_EQUAL(400, status_of("index.html"));
        CPPUNIT_ASSERT_EQUAL(400, status_of(""));
        CPPUNIT_ASSERT_EQUAL(400, status_of("example.org:443"));
        CPPUNIT_ASSERT_EQUAL(400, status_of("/a#frag"));
    }

    void escape_for_location()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("/a%20b/caf%C3%A9/x-y_z~!$&'()*+,;=:@"),
                             mpmd::escape_url_path("/a b/caf\xc3\xa9/x-y_z~!$&'()*+,;=:@"));
        CPPUNIT_ASSERT_EQUAL(std::string("/%3F%23%25%22%3C"), mpmd::escape_url_path("/?#%\"<"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UrlPathTest);
