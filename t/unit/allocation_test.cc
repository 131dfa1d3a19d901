// Allocations per request (part 7): a kept-alive connection that serves one request after
// another for a file, with an access log in Apache's combined format, allocates nothing
// from the C++ heap once the first requests have warmed up its buffers, the parser's and
// the Response's spares and the open-file cache. This runner replaces the global operator
// new to count, which is why it is a program of its own; the Connection is driven by hand
// over a socketpair, as in connection_test.cc. A heap allocation in the request path (a
// std::string built per request, a vector that grows per reply) fails it.
#include <cppunit/extensions/HelperMacros.h>

#include "child/connection.h"
#include "child/connection_drivers.h"
#include "child/transport.h"
#include "connection_test_support.h"
#include "shared/log_file.h"
#include "shared/log_format.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

namespace {

std::atomic<long> g_allocations{0};

void* counted_allocation(std::size_t size)
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size != 0 ? size : 1))
        return p;
    throw std::bad_alloc();
}

} // namespace

void* operator new(std::size_t size) { return counted_allocation(size); }
void* operator new[](std::size_t size) { return counted_allocation(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

class AllocationTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AllocationTest);
    CPPUNIT_TEST(kept_alive_file_requests_allocate_nothing);
    CPPUNIT_TEST(new_connections_reuse_the_last_ones_buffers);
    CPPUNIT_TEST(the_counter_sees_an_allocation);
    CPPUNIT_TEST_SUITE_END();

    char root_[64] = {};
    mpmd::ServerRuntime runtime_;
    mpmd::ConnectionEnv env_;
    mpmd::WorkerScore record_{};
    std::unique_ptr<mpmd::WorkerReport> report_;
    int client_ = -1;
    std::unique_ptr<mpmd::Connection> connection_;

    std::string path(const char* name) const { return std::string(root_) + "/" + name; }

public:
    void setUp() override
    {
        std::strcpy(root_, "/tmp/mpmd-alloc-test-XXXXXX");
        CPPUNIT_ASSERT(mkdtemp(root_) != nullptr);
        FILE* f = std::fopen(path("page.html").c_str(), "w");
        CPPUNIT_ASSERT(f != nullptr);
        for (int i = 0; i < 64; ++i)
            std::fputs("<p>a kilobyte of page, more or less.</p>\n", f);
        std::fclose(f);

        set_test_server(runtime_, root_);
        runtime_.server.max_keep_alive_requests = 0;   // unlimited: the connection stays open throughout
        runtime_.server.open_file_cache = 64;
        std::string error;
        auto format = mpmd::LogFormat::compile(
            "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"", &error);
        CPPUNIT_ASSERT_MESSAGE(error, format.has_value());
        auto file = std::make_shared<mpmd::LogFile>();
        CPPUNIT_ASSERT_MESSAGE(error, file->open(path("access_log"), &error));
        runtime_.access_logs.push_back(mpmd::AccessLogTarget{std::move(*format), file});
        env_.runtime = &runtime_;
        report_ = std::make_unique<mpmd::WorkerReport>(record_);

        connection_ = connection_over_socketpair(env_, &client_);
    }

    void tearDown() override
    {
        connection_.reset();
        runtime_.access_logs.clear();
        if (client_ >= 0)
            close(client_);
        std::remove(path("page.html").c_str());
        std::remove(path("access_log").c_str());
        rmdir(root_);
    }

    // One request, the way a driver runs it: the bytes arrive, the connection reads them
    // and handles the request. Returns the allocations the server side made; the client's
    // side (send, and reading the whole reply into a fixed buffer) makes none.
    long serve_one(const char* request, size_t* reply_bytes)
    {
        const size_t length = std::strlen(request);
        CPPUNIT_ASSERT_EQUAL(ssize_t(length), ::send(client_, request, length, 0));
        const long before = g_allocations.load();
        connection_->on_readable();
        if (connection_->state() == mpmd::Connection::State::Handle)
            connection_->handle(*report_);
        const long made = g_allocations.load() - before;
        *reply_bytes = 0;
        char buffer[8192];
        for (;;) {
            struct pollfd p = {client_, POLLIN, 0};
            if (poll(&p, 1, 0) <= 0)
                break;
            const ssize_t n = recv(client_, buffer, sizeof buffer, 0);
            if (n <= 0)
                break;
            *reply_bytes += size_t(n);
        }
        return made;
    }

    void kept_alive_file_requests_allocate_nothing()
    {
        const char* request =
            "GET /page.html HTTP/1.1\r\nHost: test.example\r\nUser-Agent: alloc-test/1.0\r\n"
            "Accept: */*\r\nReferer: http://test.example/\r\n\r\n";
        size_t first_reply = 0;
        for (int i = 0; i < 5; ++i)
            serve_one(request, &first_reply);
        CPPUNIT_ASSERT(connection_->state() == mpmd::Connection::State::KeepAlive);
        CPPUNIT_ASSERT(first_reply > 64 * 40);
        long total = 0;
        for (int i = 0; i < 50; ++i) {
            size_t reply = 0;
            const long made = serve_one(request, &reply);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("request " + std::to_string(i) + " was answered in full", first_reply, reply);
            total += made;
        }
        CPPUNIT_ASSERT_EQUAL(55L, connection_->requests_served());
        CPPUNIT_ASSERT_EQUAL_MESSAGE("operator new calls in 50 warmed-up requests", 0L, total);
    }

    // A thread that serves one connection after another (prefork, worker; Connection: close
    // requests) reuses the buffers and the parser of the connections it ended: a new one
    // costs its Connection and its transport, the two objects the driver makes.
    void new_connections_reuse_the_last_ones_buffers()
    {
        const char* request = "GET /page.html HTTP/1.1\r\nHost: test.example\r\nConnection: close\r\n\r\n";
        long last = 0;
        for (int i = 0; i < 13; ++i) {
            int pair[2];
            CPPUNIT_ASSERT_EQUAL(0, socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
            CPPUNIT_ASSERT_EQUAL(0, fcntl(pair[0], F_SETFL, O_NONBLOCK));
            close(client_);
            client_ = pair[1];
            sockaddr_storage peer{};
            peer.ss_family = AF_INET;
            const long before = g_allocations.load();
            connection_ = std::make_unique<mpmd::Connection>(env_, mpmd::make_plain_transport(pair[0]), peer, 8080, false);
            const long opening = g_allocations.load() - before;
            size_t reply = 0;
            const long serving = serve_one(request, &reply);   // counts only the server's part
            CPPUNIT_ASSERT(reply > 64 * 40);
            CPPUNIT_ASSERT(connection_->state() == mpmd::Connection::State::Closed);
            const long before_close = g_allocations.load();
            connection_.reset();
            const long closing = g_allocations.load() - before_close;
            if (i >= 3)
                last += opening + serving + closing;
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE("operator new calls for 10 warmed-up connections (2 each: the "
                                     "Connection and its transport)", 20L, last);
    }

    // The count above means something only if this program's operator new is the one called.
    void the_counter_sees_an_allocation()
    {
        const long before = g_allocations.load();
        auto text = std::make_unique<std::string>(100, 'x');
        CPPUNIT_ASSERT(g_allocations.load() - before >= 1);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AllocationTest);
