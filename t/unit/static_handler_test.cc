// Unit tests for handle_static against a temporary DocumentRoot: 200 with validators, HEAD,
// redirects to the slash, DirectoryIndex, 403/404/405/501, traversal, preconditions (304, 412)
// Content-Type from a temporary mime.types, and Range after the preconditions (206, 416,
// If-Range, GET only, MaxRanges).
#include <cppunit/extensions/HelperMacros.h>

#include "fd_test_support.h"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <ftw.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "child/open_file_cache.h"
#include "child/static_handler.h"
#include "shared/http/conditional.h"
#include "shared/http/mime_types.h"

using mpmd::HttpMethod;
using mpmd::HttpRequest;
using mpmd::Response;

namespace {

constexpr time_t kMtime = 1700000000;

HttpRequest make_request(const char* method, HttpMethod kind, const std::string& target,
                         std::vector<mpmd::HttpHeader> headers = {{"Host", "example.org"}})
{
    HttpRequest r;
    r.method = method;
    r.method_kind = kind;
    r.target = target;
    r.headers = std::move(headers);
    return r;
}

HttpRequest get(const std::string& target, std::vector<mpmd::HttpHeader> headers = {{"Host", "example.org"}})
{
    return make_request("GET", HttpMethod::Get, target, std::move(headers));
}

} // namespace

class StaticHandlerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StaticHandlerTest);
    CPPUNIT_TEST(get_file_with_headers);
    CPPUNIT_TEST(head_file);
    CPPUNIT_TEST(content_type_from_mime_types);
    CPPUNIT_TEST(directory_without_slash_redirects);
    CPPUNIT_TEST(redirect_host_fallbacks);
    CPPUNIT_TEST(directory_index);
    CPPUNIT_TEST(directory_without_index_is_403);
    CPPUNIT_TEST(not_found);
    CPPUNIT_TEST(traversal_refused);
    CPPUNIT_TEST(methods);
    CPPUNIT_TEST(not_modified_by_etag);
    CPPUNIT_TEST(not_modified_by_date);
    CPPUNIT_TEST(precondition_failed);
    CPPUNIT_TEST(special_file_is_403);
    CPPUNIT_TEST(dot_files);
    CPPUNIT_TEST(symlinked_index_meets_the_rule);
    CPPUNIT_TEST(range_gives_206);
    CPPUNIT_TEST(ranges_give_multipart);
    CPPUNIT_TEST(unsatisfiable_range_gives_416);
    CPPUNIT_TEST(range_only_for_get);
    CPPUNIT_TEST(range_after_preconditions);
    CPPUNIT_TEST(if_range_decides);
    CPPUNIT_TEST(range_ignored_when_invalid_or_repeated);
    CPPUNIT_TEST(cache_lends_an_unchanged_file);
    CPPUNIT_TEST(cache_sees_each_change);
    CPPUNIT_TEST(cache_never_serves_a_link_put_in_place);
    CPPUNIT_TEST(cache_keeps_at_most_its_capacity);
    CPPUNIT_TEST(cache_off_owns_every_descriptor);
    CPPUNIT_TEST(cache_holds_a_small_files_bytes);
    CPPUNIT_TEST(cache_holds_bytes_within_its_budget);
    CPPUNIT_TEST_SUITE_END();

    std::string root_;
    std::vector<std::string> index_{"index.html", "index.htm"};
    std::string server_name_ = "www.example.com";
    mpmd::MimeTypes mime_;
    mpmd::FileAccess access_;
    int cache_ = 0;   // OpenFileCache

    void write_file(const std::string& rel, const std::string& content)
    {
        const std::string path = root_ + "/" + rel;
        FILE* f = std::fopen(path.c_str(), "w");
        CPPUNIT_ASSERT_MESSAGE(path, f != nullptr);
        std::fwrite(content.data(), 1, content.size(), f);
        std::fclose(f);
        const struct timespec times[2] = {{kMtime, 0}, {kMtime, 250000000}};
        CPPUNIT_ASSERT_EQUAL(0, ::utimensat(AT_FDCWD, path.c_str(), times, 0));
    }

    Response handle(const HttpRequest& request, int port = 80, int max_ranges = 200)
    {
        const mpmd::StaticContext context{root_, index_, mime_, server_name_, port, access_,
                                          "GET, HEAD, OPTIONS", "192.0.2.1:4242", max_ranges, cache_};
        return mpmd::handle_static(request, context);
    }

public:
    void setUp() override
    {
        char tmpl[] = "/tmp/mpmd-static-XXXXXX";
        CPPUNIT_ASSERT(::mkdtemp(tmpl) != nullptr);
        root_ = tmpl;
        write_file("mime.types", "text/html html htm\ntext/plain txt\nimage/png png\n");
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, mime_.load(root_ + "/mime.types", &error));
        write_file("a.txt", "hello world\n");
        write_file("index.html", "<p>home</p>\n");
        write_file("logo.PNG", "png!");
        write_file("blob.xyz", "?");
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((root_ + "/sub").c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((root_ + "/docs").c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((root_ + "/docs/index.html").c_str(), 0755));   // not a file
        write_file("docs/index.htm", "<p>docs</p>\n");
        write_file("sub/plain.txt", "x");
    }

    void tearDown() override
    {
        mpmd::OpenFileCache::this_thread().clear();
        mpmd::OpenFileCache::this_thread().set_settled_seconds(mpmd::OpenFileCache::kSettledSeconds);
        test_support::remove_tree(root_);
    }

    void get_file_with_headers()
    {
        const Response r = handle(get("/a.txt"));
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT(r.send_body);
        CPPUNIT_ASSERT(r.file_fd >= 0);
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(12), r.content_length());
        CPPUNIT_ASSERT_EQUAL(std::string("hello world\n"), test_support::read_all(r.file_fd));
        CPPUNIT_ASSERT_EQUAL(std::string("text/plain"), *r.header("Content-Type"));
        CPPUNIT_ASSERT_EQUAL(std::string("Tue, 14 Nov 2023 22:13:20 GMT"), *r.header("Last-Modified"));
        // size 12 = 0xc; mtime 1700000000.25 s = 1700000000250000 us = 0x60a2418221090
        CPPUNIT_ASSERT_EQUAL(std::string("\"c-60a2418221090\""), *r.header("ETag"));
        const std::string head = mpmd::serialize_head(r, 11, true, "mpmd", "D");
        CPPUNIT_ASSERT(head.find("Content-Length: 12\r\n") != std::string::npos);
    }

    void head_file()
    {
        const Response r = handle(make_request("HEAD", HttpMethod::Head, "/a.txt"));
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT(!r.send_body);
        CPPUNIT_ASSERT_EQUAL(-1, r.file_fd);
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(12), r.content_length());
        CPPUNIT_ASSERT(r.header("ETag") != nullptr);
        const Response missing = handle(make_request("HEAD", HttpMethod::Head, "/nope"));
        CPPUNIT_ASSERT_EQUAL(404, missing.status);
        CPPUNIT_ASSERT(!missing.send_body);
    }

    void content_type_from_mime_types()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("image/png"), *handle(get("/logo.PNG")).header("Content-Type"));
        CPPUNIT_ASSERT_EQUAL(std::string("application/octet-stream"),
                             *handle(get("/blob.xyz")).header("Content-Type"));
        CPPUNIT_ASSERT_EQUAL(std::string("text/html"), *handle(get("/")).header("Content-Type"));
    }

    void directory_without_slash_redirects()
    {
        Response r = handle(get("/sub?x=1&y=2"));
        CPPUNIT_ASSERT_EQUAL(301, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("http://example.org/sub/?x=1&y=2"), *r.header("Location"));
        CPPUNIT_ASSERT(r.body.find("<title>301 Moved Permanently</title>") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(-1, r.file_fd);
        r = handle(get("/docs/../sub"));
        CPPUNIT_ASSERT_EQUAL(std::string("http://example.org/sub/"), *r.header("Location"));
    }

    void redirect_host_fallbacks()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("http://www.example.com/sub/"),
                             *handle(get("/sub", {})).header("Location"));
        CPPUNIT_ASSERT_EQUAL(std::string("http://www.example.com:8080/sub/"),
                             *handle(get("/sub", {}), 8080).header("Location"));
        CPPUNIT_ASSERT_EQUAL(std::string("http://proxy.example:81/sub/"),
                             *handle(get("http://proxy.example:81/sub")).header("Location"));
    }

    void directory_index()
    {
        Response r = handle(get("/"));
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("<p>home</p>\n"), test_support::read_all(r.file_fd));
        r = handle(get("/docs/"));   // index.html there is a directory: the next name wins
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("<p>docs</p>\n"), test_support::read_all(r.file_fd));
        CPPUNIT_ASSERT_EQUAL(std::string("text/html"), *r.header("Content-Type"));
    }

    void directory_without_index_is_403()
    {
        const Response r = handle(get("/sub/"));
        CPPUNIT_ASSERT_EQUAL(403, r.status);
        CPPUNIT_ASSERT(r.body.find("<title>403 Forbidden</title>") != std::string::npos);
    }

    void not_found()
    {
        CPPUNIT_ASSERT_EQUAL(404, handle(get("/missing.html")).status);
        CPPUNIT_ASSERT_EQUAL(404, handle(get("/a.txt/")).status);
        CPPUNIT_ASSERT_EQUAL(404, handle(get("/a.txt/more")).status);
        CPPUNIT_ASSERT_EQUAL(404, handle(get("/sub%2Fplain.txt")).status);
    }

    void traversal_refused()
    {
        CPPUNIT_ASSERT_EQUAL(400, handle(get("/../etc/passwd")).status);
        CPPUNIT_ASSERT_EQUAL(400, handle(get("/sub/%2e%2e/%2e%2e/etc/passwd")).status);
        CPPUNIT_ASSERT_EQUAL(400, handle(get("/a.txt%00.html")).status);
        CPPUNIT_ASSERT_EQUAL(400, handle(get("a.txt")).status);
        const Response r = handle(get("/sub/%2e%2e/a.txt"));
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("hello world\n"), test_support::read_all(r.file_fd));
        CPPUNIT_ASSERT_EQUAL(200, handle(get("//a.txt")).status);
    }

    void methods()
    {
        for (const char* m : {"POST", "PUT", "DELETE", "TRACE"}) {
            const HttpMethod kind = std::string(m) == "POST"    ? HttpMethod::Post
                                    : std::string(m) == "TRACE" ? HttpMethod::Trace
                                                                : HttpMethod::OtherKnown;
            const Response r = handle(make_request(m, kind, "/a.txt"));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(m, 405, r.status);
            CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD, OPTIONS"), *r.header("Allow"));
            CPPUNIT_ASSERT_EQUAL(-1, r.file_fd);
        }
        // OPTIONS on a resource: what it allows, no body; on nothing there: 404.
        Response r = handle(make_request("OPTIONS", HttpMethod::Options, "/a.txt"));
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD, OPTIONS"), *r.header("Allow"));
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(0), r.content_length());
        CPPUNIT_ASSERT_EQUAL(-1, r.file_fd);
        CPPUNIT_ASSERT_EQUAL(200, handle(make_request("OPTIONS", HttpMethod::Options, "/sub/")).status);
        CPPUNIT_ASSERT_EQUAL(404, handle(make_request("OPTIONS", HttpMethod::Options, "/none")).status);
        // OPTIONS * is the server's (core_methods.h), never a file's.
        CPPUNIT_ASSERT_EQUAL(400, handle(make_request("OPTIONS", HttpMethod::Options, "*")).status);
        r = handle(make_request("BREW", HttpMethod::Unknown, "/a.txt"));
        CPPUNIT_ASSERT_EQUAL(501, r.status);
        CPPUNIT_ASSERT(r.header("Allow") == nullptr);
    }

    void not_modified_by_etag()
    {
        const std::string etag = *handle(get("/a.txt")).header("ETag");
        Response r = handle(get("/a.txt", {{"Host", "h"}, {"If-None-Match", "\"zz\", W/" + etag}}));
        CPPUNIT_ASSERT_EQUAL(304, r.status);
        CPPUNIT_ASSERT(!r.send_body);
        CPPUNIT_ASSERT_EQUAL(-1, r.file_fd);
        CPPUNIT_ASSERT_EQUAL(etag, *r.header("ETag"));
        CPPUNIT_ASSERT(mpmd::serialize_head(r, 11, true, "s", "d").find("Content-Length") == std::string::npos);
        // If-None-Match wins over a date that would say "not modified".
        r = handle(get("/a.txt", {{"Host", "h"},
                                  {"If-None-Match", "\"other\""},
                                  {"If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT"}}));
        CPPUNIT_ASSERT_EQUAL(200, r.status);
    }

    void not_modified_by_date()
    {
        Response r = handle(get("/a.txt", {{"Host", "h"}, {"If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT"}}));
        CPPUNIT_ASSERT_EQUAL(304, r.status);
        r = handle(get("/a.txt", {{"Host", "h"}, {"If-Modified-Since", "Tue, 14 Nov 2023 22:13:19 GMT"}}));
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        r = handle(make_request("HEAD", HttpMethod::Head, "/",
                                {{"Host", "h"}, {"If-Modified-Since", "Tuesday, 14-Nov-23 22:13:20 GMT"}}));
        CPPUNIT_ASSERT_EQUAL(304, r.status);
    }

    void precondition_failed()
    {
        Response r = handle(get("/a.txt", {{"Host", "h"}, {"If-Match", "\"stale\""}}));
        CPPUNIT_ASSERT_EQUAL(412, r.status);
        CPPUNIT_ASSERT_EQUAL(-1, r.file_fd);
        r = handle(get("/a.txt", {{"Host", "h"}, {"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}));
        CPPUNIT_ASSERT_EQUAL(412, r.status);
        r = handle(get("/a.txt", {{"Host", "h"}, {"If-Match", "*"}}));
        CPPUNIT_ASSERT_EQUAL(200, r.status);
    }

    void special_file_is_403()
    {
        CPPUNIT_ASSERT_EQUAL(0, ::mkfifo((root_ + "/pipe").c_str(), 0644));
        CPPUNIT_ASSERT_EQUAL(403, handle(get("/pipe")).status);   // and the open did not block
    }

    void dot_files()
    {
        write_file(".htpasswd", "user:secret\n");
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((root_ + "/.git").c_str(), 0755));
        write_file(".git/config", "[core]\n");
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((root_ + "/.well-known").c_str(), 0755));
        write_file(".well-known/security.txt", "Contact: x\n");
        // Deny (the default): every dot name but the first-level .well-known.
        CPPUNIT_ASSERT_EQUAL(403, handle(get("/.htpasswd")).status);
        CPPUNIT_ASSERT_EQUAL(403, handle(get("/.git/config")).status);
        CPPUNIT_ASSERT_EQUAL(403, handle(get("/%2egit/config")).status);
        CPPUNIT_ASSERT_EQUAL(403, handle(get("/.none")).status);   // before any file system lookup
        CPPUNIT_ASSERT_EQUAL(200, handle(get("/.well-known/security.txt")).status);
        CPPUNIT_ASSERT_EQUAL(403, handle(make_request("HEAD", HttpMethod::Head, "/.htpasswd")).status);
        // DenyHt: only .ht*, as Debian's apache2.
        access_.dot_files = mpmd::DotFiles::DenyHt;
        CPPUNIT_ASSERT_EQUAL(403, handle(get("/.htpasswd")).status);
        CPPUNIT_ASSERT_EQUAL(200, handle(get("/.git/config")).status);
        // Allow.
        access_.dot_files = mpmd::DotFiles::Allow;
        Response r = handle(get("/.htpasswd"));
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("user:secret\n"), test_support::read_all(r.file_fd));
    }

    void symlinked_index_meets_the_rule()
    {
        // A DirectoryIndex that is a link is opened under the same rule as any other name.
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((root_ + "/linked").c_str(), 0755));
        const std::string outside = root_ + "-outside.html";
        FILE* f = std::fopen(outside.c_str(), "w");
        CPPUNIT_ASSERT(f != nullptr);
        std::fputs("<p>outside</p>\n", f);
        std::fclose(f);
        CPPUNIT_ASSERT_EQUAL(0, ::symlink(outside.c_str(), (root_ + "/linked/index.html").c_str()));
        CPPUNIT_ASSERT_EQUAL(403, handle(get("/linked/")).status);
        access_.symlinks = mpmd::SymlinkRule::Follow;
        access_.symlinks_outside_root = true;
        CPPUNIT_ASSERT_EQUAL(200, handle(get("/linked/")).status);
        ::unlink(outside.c_str());
    }

    void range_gives_206()
    {
        const Response whole = handle(get("/a.txt"));
        CPPUNIT_ASSERT_EQUAL(std::string("bytes"), *whole.header("Accept-Ranges"));
        const Response r = handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=6-"}}));
        CPPUNIT_ASSERT_EQUAL(206, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("bytes 6-11/12"), *r.header("Content-Range"));
        CPPUNIT_ASSERT_EQUAL(std::string("text/plain"), *r.header("Content-Type"));
        CPPUNIT_ASSERT_EQUAL(std::string("bytes"), *r.header("Accept-Ranges"));
        CPPUNIT_ASSERT(r.header("ETag") != nullptr && r.header("Last-Modified") != nullptr);
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(6), r.content_length());
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.pieces.size());
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(6), r.pieces[0].offset);
        CPPUNIT_ASSERT(r.file_fd >= 0);
    }

    void ranges_give_multipart()
    {
        const Response r = handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=0-1, 6-7"}}));
        CPPUNIT_ASSERT_EQUAL(206, r.status);
        CPPUNIT_ASSERT_EQUAL(size_t(0), r.header("Content-Type")->find("multipart/byteranges; boundary="));
        CPPUNIT_ASSERT(r.header("Content-Range") == nullptr);
        CPPUNIT_ASSERT_EQUAL(size_t(5), r.pieces.size());
        CPPUNIT_ASSERT(r.pieces[0].text.find("Content-Type: text/plain\r\nContent-Range: bytes 0-1/12\r\n") !=
                       std::string::npos);
        // Overlapping ranges coalesce into one part: a single 206.
        const Response one = handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=0-3,2-5"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("bytes 0-5/12"), *one.header("Content-Range"));
    }

    void unsatisfiable_range_gives_416()
    {
        const Response r = handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=12-"}}));
        CPPUNIT_ASSERT_EQUAL(416, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("bytes */12"), *r.header("Content-Range"));
        CPPUNIT_ASSERT_EQUAL(-1, r.file_fd);
        CPPUNIT_ASSERT_EQUAL(416, handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=-0"}})).status);
    }

    void range_only_for_get()
    {
        const Response head = handle(make_request("HEAD", HttpMethod::Head, "/a.txt",
                                                  {{"Host", "h"}, {"Range", "bytes=0-1"}}));
        CPPUNIT_ASSERT_EQUAL(200, head.status);
        CPPUNIT_ASSERT_EQUAL(static_cast<off_t>(12), head.content_length());
        CPPUNIT_ASSERT(!head.send_body);
        const Response unsatisfiable = handle(make_request("HEAD", HttpMethod::Head, "/a.txt",
                                                           {{"Host", "h"}, {"Range", "bytes=99-"}}));
        CPPUNIT_ASSERT_EQUAL(200, unsatisfiable.status);
        CPPUNIT_ASSERT_EQUAL(405, handle(make_request("POST", HttpMethod::Post, "/a.txt",
                                                      {{"Host", "h"}, {"Range", "bytes=0-1"}})).status);
    }

    void range_after_preconditions()
    {
        const std::string etag = *handle(get("/a.txt")).header("ETag");
        CPPUNIT_ASSERT_EQUAL(304, handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=0-1"},
                                                        {"If-None-Match", etag}})).status);
        CPPUNIT_ASSERT_EQUAL(304, handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=99-"},
                                                        {"If-None-Match", etag}})).status);
        CPPUNIT_ASSERT_EQUAL(412, handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=0-1"},
                                                        {"If-Match", "\"stale\""}})).status);
        CPPUNIT_ASSERT_EQUAL(206, handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=0-1"},
                                                        {"If-Match", etag}})).status);
    }

    void if_range_decides()
    {
        const Response whole = handle(get("/a.txt"));
        const std::string etag = *whole.header("ETag");
        const std::string date = *whole.header("Last-Modified");   // kMtime: years old
        const auto status = [&](const std::string& if_range) {
            return handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=0-1"}, {"If-Range", if_range}})).status;
        };
        CPPUNIT_ASSERT_EQUAL(206, status(etag));
        CPPUNIT_ASSERT_EQUAL(200, status("\"other\""));
        CPPUNIT_ASSERT_EQUAL(200, status("W/" + etag));
        CPPUNIT_ASSERT_EQUAL(206, status(date));
        CPPUNIT_ASSERT_EQUAL(200, status(mpmd::http_date(kMtime - 1)));
        CPPUNIT_ASSERT_EQUAL(200, status("garbage"));
        // A failed If-Range sends the whole file, even for a range that could not be met.
        CPPUNIT_ASSERT_EQUAL(200, handle(get("/a.txt", {{"Host", "h"}, {"Range", "bytes=99-"},
                                                        {"If-Range", "\"other\""}})).status);
    }

    void range_ignored_when_invalid_or_repeated()
    {
        const auto status = [&](std::vector<mpmd::HttpHeader> headers, int max_ranges = 200) {
            headers.insert(headers.begin(), {"Host", "h"});
            return handle(get("/a.txt", headers), 80, max_ranges).status;
        };
        CPPUNIT_ASSERT_EQUAL(200, status({{"Range", "bytes=1-0"}}));
        CPPUNIT_ASSERT_EQUAL(200, status({{"Range", "lines=1-2"}}));
        CPPUNIT_ASSERT_EQUAL(200, status({{"Range", "bytes=0-1"}, {"Range", "bytes=3-4"}}));
        CPPUNIT_ASSERT_EQUAL(200, status({{"Range", "bytes=0-1"}}, 0));            // MaxRanges none
        CPPUNIT_ASSERT_EQUAL(std::string("none"), *handle(get("/a.txt"), 80, 0).header("Accept-Ranges"));
        CPPUNIT_ASSERT_EQUAL(200, status({{"Range", "bytes=0-0,2-2,4-4"}}, 2));    // over MaxRanges
        CPPUNIT_ASSERT_EQUAL(206, status({{"Range", "bytes=0-0,2-2"}}, 2));
        CPPUNIT_ASSERT_EQUAL(200, status({{"Range", "bytes=0-,0-"}}));             // more than the file
    }

    // A small file's bytes: not while it may still be changing (its change time is within
    // kSettledSeconds of now), then held from its next use, lent with the descriptor; a
    // change drops them with the entry, and the next hits hold the new bytes.
    void cache_holds_a_small_files_bytes()
    {
        cache_ = 8;
        mpmd::OpenFileCache& cache = mpmd::OpenFileCache::this_thread();
        handle(get("/a.txt"));
        CPPUNIT_ASSERT(!handle(get("/a.txt")).file_bytes);   // written just now: not settled
        cache.set_settled_seconds(0);
        const Response r = handle(get("/a.txt"));
        CPPUNIT_ASSERT(r.file_bytes);
        CPPUNIT_ASSERT_EQUAL(std::string("hello world\n"), *r.file_bytes);
        CPPUNIT_ASSERT(r.file_fd >= 0 && !r.file_owned);
        CPPUNIT_ASSERT_EQUAL(size_t(12), cache.bytes_held());
        write_file("a.txt", "HELLO WORLD\n");   // same size and mtime: the change time tells
        const Response changed = handle(get("/a.txt"));
        CPPUNIT_ASSERT(!changed.file_bytes);      // a new entry: opened, not yet held
        CPPUNIT_ASSERT_EQUAL(std::string("HELLO WORLD\n"), body_of(changed));
        CPPUNIT_ASSERT_EQUAL(size_t(0), cache.bytes_held());
        const Response again = handle(get("/a.txt"));
        CPPUNIT_ASSERT(again.file_bytes);
        CPPUNIT_ASSERT_EQUAL(std::string("HELLO WORLD\n"), *again.file_bytes);
        // HEAD lets go of them with the descriptor; the cache keeps its copy.
        CPPUNIT_ASSERT(!handle(make_request("HEAD", HttpMethod::Head, "/a.txt")).file_bytes);
        CPPUNIT_ASSERT_EQUAL(size_t(12), cache.bytes_held());
        // Past kSmallFileBytes: the descriptor only.
        write_file("big.txt", std::string(mpmd::OpenFileCache::kSmallFileBytes + 1, 'b'));
        handle(get("/big.txt"));
        CPPUNIT_ASSERT(!handle(get("/big.txt")).file_bytes);
        CPPUNIT_ASSERT_EQUAL(size_t(12), cache.bytes_held());
        CPPUNIT_ASSERT_EQUAL(0, ::unlink((root_ + "/a.txt").c_str()));
        CPPUNIT_ASSERT_EQUAL(404, handle(get("/a.txt")).status);
        CPPUNIT_ASSERT_EQUAL(size_t(0), cache.bytes_held());
    }

    // A thread holds at most kBytesPerThread of bytes; what is pushed out gives its share back.
    void cache_holds_bytes_within_its_budget()
    {
        cache_ = 64;
        mpmd::OpenFileCache& cache = mpmd::OpenFileCache::this_thread();
        cache.set_settled_seconds(0);
        const size_t each = size_t(mpmd::OpenFileCache::kSmallFileBytes);
        const size_t files = mpmd::OpenFileCache::kBytesPerThread / each + 4;
        size_t held = 0;
        for (size_t i = 0; i < files; ++i) {
            const std::string name = "f" + std::to_string(i) + ".txt";
            write_file(name, std::string(each, char('a' + i % 26)));
            handle(get("/" + name));
            const Response r = handle(get("/" + name));
            CPPUNIT_ASSERT_EQUAL(std::string(each, char('a' + i % 26)), body_of(r));
            held += r.file_bytes ? 1 : 0;
        }
        CPPUNIT_ASSERT_EQUAL(mpmd::OpenFileCache::kBytesPerThread / each, held);
        CPPUNIT_ASSERT_EQUAL(mpmd::OpenFileCache::kBytesPerThread, cache.bytes_held());
        cache_ = 2;   // a smaller capacity pushes entries out at the next keep
        write_file("last.txt", "x");
        handle(get("/last.txt"));
        CPPUNIT_ASSERT(cache.bytes_held() <= each);
        CPPUNIT_ASSERT_EQUAL(size_t(2), cache.size());
    }

    // The open-file cache (OpenFileCache): a second request for an unchanged file gets the
    // descriptor the first one opened, lent (the Response does not close it).
    void cache_lends_an_unchanged_file()
    {
        cache_ = 8;
        int first_fd = -1;
        {
            const Response r = handle(get("/a.txt"));
            CPPUNIT_ASSERT_EQUAL(200, r.status);
            CPPUNIT_ASSERT(!r.file_owned);
            first_fd = r.file_fd;
        }
        CPPUNIT_ASSERT(::fcntl(first_fd, F_GETFD) >= 0);   // still open: the cache holds it
        const Response again = handle(get("/a.txt"));
        CPPUNIT_ASSERT_EQUAL(200, again.status);
        CPPUNIT_ASSERT_EQUAL(first_fd, again.file_fd);
        CPPUNIT_ASSERT_EQUAL(std::string("hello world\n"), test_support::read_all(again.file_fd));
        CPPUNIT_ASSERT_EQUAL(size_t(1), mpmd::OpenFileCache::this_thread().size());
        // HEAD and 304 let go of the lent descriptor without closing it.
        const Response head = handle(make_request("HEAD", HttpMethod::Head, "/a.txt"));
        CPPUNIT_ASSERT_EQUAL(-1, head.file_fd);
        CPPUNIT_ASSERT(::fcntl(first_fd, F_GETFD) >= 0);
    }

    // Whatever changes the file at the path (even content of the same size with the same
    // modification time: only the change time differs), the cache misses and the new file
    // is served; a removed file is 404.
    void cache_sees_each_change()
    {
        cache_ = 8;
        CPPUNIT_ASSERT_EQUAL(std::string("hello world\n"), body_of(handle(get("/a.txt"))));
        write_file("a.txt", "HELLO WORLD\n");   // same size, same mtime (write_file sets it)
        CPPUNIT_ASSERT_EQUAL(std::string("HELLO WORLD\n"), body_of(handle(get("/a.txt"))));
        write_file("b.txt", "renamed over it\n");
        CPPUNIT_ASSERT_EQUAL(0, ::rename((root_ + "/b.txt").c_str(), (root_ + "/a.txt").c_str()));
        CPPUNIT_ASSERT_EQUAL(std::string("renamed over it\n"), body_of(handle(get("/a.txt"))));
        CPPUNIT_ASSERT_EQUAL(0, ::chmod((root_ + "/a.txt").c_str(), 0600));
        const Response after_chmod = handle(get("/a.txt"));
        CPPUNIT_ASSERT_EQUAL(200, after_chmod.status);   // root reads it; what matters: a new entry
        CPPUNIT_ASSERT_EQUAL(0600u, unsigned(after_chmod.file_fd >= 0 ? mode_of(after_chmod.file_fd) : 0));
        CPPUNIT_ASSERT_EQUAL(0, ::unlink((root_ + "/a.txt").c_str()));
        CPPUNIT_ASSERT_EQUAL(404, handle(get("/a.txt")).status);
        CPPUNIT_ASSERT_EQUAL(size_t(0), mpmd::OpenFileCache::this_thread().size());
    }

    // A symbolic link put where a cached file was is never served from the cache: the
    // request goes through the link rule again (Options None here: 403).
    void cache_never_serves_a_link_put_in_place()
    {
        cache_ = 8;
        access_.symlinks = mpmd::SymlinkRule::None;
        CPPUNIT_ASSERT_EQUAL(200, handle(get("/sub/plain.txt")).status);
        write_file("outside.txt", "secret");
        CPPUNIT_ASSERT_EQUAL(0, ::unlink((root_ + "/sub/plain.txt").c_str()));
        CPPUNIT_ASSERT_EQUAL(0, ::symlink((root_ + "/outside.txt").c_str(), (root_ + "/sub/plain.txt").c_str()));
        CPPUNIT_ASSERT_EQUAL(403, handle(get("/sub/plain.txt")).status);
        // A directory on the way swapped for a link to another with a file of that name.
        CPPUNIT_ASSERT_EQUAL(200, handle(get("/docs/index.htm")).status);
        CPPUNIT_ASSERT_EQUAL(0, ::rename((root_ + "/docs").c_str(), (root_ + "/docs.old").c_str()));
        CPPUNIT_ASSERT_EQUAL(0, ::mkdir((root_ + "/elsewhere").c_str(), 0755));
        write_file("elsewhere/index.htm", "<p>elsewhere</p>\n");
        CPPUNIT_ASSERT_EQUAL(0, ::symlink((root_ + "/elsewhere").c_str(), (root_ + "/docs").c_str()));
        CPPUNIT_ASSERT_EQUAL(403, handle(get("/docs/index.htm")).status);
    }

    void cache_keeps_at_most_its_capacity()
    {
        cache_ = 2;
        for (const char* path : {"/a.txt", "/index.html", "/logo.PNG", "/a.txt"})
            CPPUNIT_ASSERT_EQUAL(200, handle(get(path)).status);
        CPPUNIT_ASSERT_EQUAL(size_t(2), mpmd::OpenFileCache::this_thread().size());
        cache_ = 0;   // OpenFileCache 0 empties it at the next request
        CPPUNIT_ASSERT_EQUAL(200, handle(get("/a.txt")).status);
        CPPUNIT_ASSERT_EQUAL(size_t(0), mpmd::OpenFileCache::this_thread().size());
    }

    void cache_off_owns_every_descriptor()
    {
        const Response r = handle(get("/a.txt"));
        CPPUNIT_ASSERT(r.file_owned);
        CPPUNIT_ASSERT_EQUAL(size_t(0), mpmd::OpenFileCache::this_thread().size());
    }

    static std::string body_of(const Response& r)
    {
        CPPUNIT_ASSERT_EQUAL(200, r.status);
        return test_support::read_all(r.file_fd);
    }

    static unsigned mode_of(int fd)
    {
        struct stat st;
        CPPUNIT_ASSERT_EQUAL(0, ::fstat(fd, &st));
        return st.st_mode & 07777;
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StaticHandlerTest);
