// Unit tests for the Connection state machine (child/connection.h), without a daemon: the
// connection's end of a socketpair is driven by hand (on_readable, on_deadline, handle) with a
// fake clock, and the test reads what a client would from the other end. Each state, each
// transition and each deadline: a new connection's Timeout and header stage, a head in
// pieces, a kept-alive wait and the clocks of the next request, pipelining, the 408 and the
// lingering close (only while the client may still send), a refused request, a client that
// half-closes; on a Listen marked proxy, the PROXY header before the first request.
#include <cppunit/extensions/HelperMacros.h>

#include "child/connection.h"
#include "child/connection_drivers.h"
#include "child/transport.h"
#include "connection_test_support.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

using mpmd::Connection;
using State = mpmd::Connection::State;

namespace {

class FakeClock final : public mpmd::Clock {
public:
    int64_t monotonic_ms() const override { return now_ms; }
    struct timespec realtime() const override { return {1700000000 + now_ms / 1000, 0}; }
    int64_t now_ms = 1000000;
};

} // namespace

class ConnectionTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConnectionTest);
    CPPUNIT_TEST(new_connection_waits_for_its_head);
    CPPUNIT_TEST(head_in_pieces_then_handled_then_kept_alive);
    CPPUNIT_TEST(kept_alive_deadline_closes);
    CPPUNIT_TEST(next_request_starts_its_clocks_at_its_first_byte);
    CPPUNIT_TEST(head_timeout_answers_408_then_lingers);
    CPPUNIT_TEST(silent_connection_closes_without_a_word);
    CPPUNIT_TEST(pipelined_requests_in_order);
    CPPUNIT_TEST(refused_request_answered_then_lingers);
    CPPUNIT_TEST(connection_close_closes_at_once);
    CPPUNIT_TEST(http10_without_keep_alive_closes_at_once);
    CPPUNIT_TEST(close_with_bytes_behind_it_lingers_until_the_client_closes);
    CPPUNIT_TEST(linger_deadline_closes);
    CPPUNIT_TEST(last_keep_alive_request_lingers);
    CPPUNIT_TEST(half_closed_client_still_answered);
    CPPUNIT_TEST(min_rate_moves_the_header_deadline);
    CPPUNIT_TEST(first_request_read_without_waiting);
    CPPUNIT_TEST(answered_at_once_then_kept_alive);
    CPPUNIT_TEST(body_to_come_is_not_answered_at_once);
    CPPUNIT_TEST(reply_the_socket_cannot_take_is_finished_by_handle);
    CPPUNIT_TEST(proxy_header_in_pieces_names_the_client);
    CPPUNIT_TEST(proxy_listener_refuses_an_untrusted_peer);
    CPPUNIT_TEST(malformed_proxy_header_closes_without_a_reply);
    CPPUNIT_TEST(slow_proxy_header_closes_at_the_deadline);
    CPPUNIT_TEST(state_names);
    CPPUNIT_TEST_SUITE_END();

    char root_[64] = {};
    mpmd::ServerRuntime runtime_;
    FakeClock clock_;
    mpmd::ConnectionEnv env_;
    mpmd::WorkerScore record_{};
    std::unique_ptr<mpmd::WorkerReport> report_;
    int client_ = -1;
    std::unique_ptr<Connection> connection_;

public:
    void setUp() override
    {
        std::strcpy(root_, "/tmp/mpmd-conn-test-XXXXXX");
        CPPUNIT_ASSERT(mkdtemp(root_) != nullptr);
        const std::string file = std::string(root_) + "/hello.txt";
        FILE* f = std::fopen(file.c_str(), "w");
        CPPUNIT_ASSERT(f != nullptr);
        std::fputs("hello\n", f);
        std::fclose(f);
        set_test_server(runtime_, root_);
        env_.runtime = &runtime_;
        env_.clock = &clock_;
        report_ = std::make_unique<mpmd::WorkerReport>(record_);

        connection_ = connection_over_socketpair(env_, &client_);
    }

    void tearDown() override
    {
        connection_.reset();
        if (client_ >= 0)
            close(client_);
        std::remove((std::string(root_) + "/hello.txt").c_str());
        rmdir(root_);
    }

    void send(const std::string& bytes)
    {
        CPPUNIT_ASSERT_EQUAL(ssize_t(bytes.size()), ::send(client_, bytes.data(), bytes.size(), 0));
    }

    // What the client has received until the connection stops sending for 200 ms or closes;
    // *closed says whether it saw the end of the stream.
    std::string received(bool* closed = nullptr)
    {
        std::string out;
        bool eof = false;
        for (;;) {
            struct pollfd p = {client_, POLLIN, 0};
            if (poll(&p, 1, 200) <= 0)
                break;
            char buffer[4096];
            const ssize_t n = recv(client_, buffer, sizeof buffer, 0);
            if (n <= 0) {
                eof = true;
                break;
            }
            out.append(buffer, size_t(n));
        }
        if (closed != nullptr)
            *closed = eof;
        return out;
    }

    static int count(const std::string& text, const std::string& what)
    {
        int n = 0;
        for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
            ++n;
        return n;
    }

    void new_connection_waits_for_its_head()
    {
        CPPUNIT_ASSERT(connection_->state() == State::ReadHead);
        // The header stage (20 s) ends before Timeout (60 s): it is the deadline.
        CPPUNIT_ASSERT_EQUAL(clock_.now_ms + 20000, connection_->deadline_ms());
        CPPUNIT_ASSERT(!connection_->request_begun());
        CPPUNIT_ASSERT(!connection_->idle());
        CPPUNIT_ASSERT(connection_->fd() >= 0);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), connection_->client());
    }

    void head_in_pieces_then_handled_then_kept_alive()
    {
        send("GET /hello.txt HTTP/1.1\r\nHo");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::ReadHead);
        CPPUNIT_ASSERT(connection_->request_begun());
        send("st: x\r\n\r\n");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        connection_->handle(*report_);
        const std::string reply = received();
        CPPUNIT_ASSERT_EQUAL(0, int(reply.find("HTTP/1.1 200 OK\r\n")));
        CPPUNIT_ASSERT_EQUAL(reply.size() - 6, reply.rfind("\r\n\r\nhello\n") + 4);
        CPPUNIT_ASSERT(connection_->state() == State::KeepAlive);
        CPPUNIT_ASSERT_EQUAL(clock_.now_ms + 5000, connection_->deadline_ms());
        CPPUNIT_ASSERT(connection_->idle());
        CPPUNIT_ASSERT(!connection_->request_begun());
        CPPUNIT_ASSERT_EQUAL(1L, connection_->requests_served());
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), record_.access_count);
    }

    void kept_alive_deadline_closes()
    {
        send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        connection_->on_readable();
        connection_->handle(*report_);
        received();
        CPPUNIT_ASSERT(connection_->state() == State::KeepAlive);
        clock_.now_ms += 5000;
        connection_->on_deadline();
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
        CPPUNIT_ASSERT_EQUAL(-1, connection_->fd());
        bool closed = false;
        CPPUNIT_ASSERT_EQUAL(std::string(), received(&closed));
        CPPUNIT_ASSERT(closed);
    }

    void next_request_starts_its_clocks_at_its_first_byte()
    {
        send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        connection_->on_readable();
        connection_->handle(*report_);
        received();
        clock_.now_ms += 3000;   // within KeepAliveTimeout
        send("GET /hel");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::ReadHead);
        CPPUNIT_ASSERT(connection_->request_begun());
        CPPUNIT_ASSERT(!connection_->idle());
        // The header stage from now, plus what its 8 bytes earn at MinRate=500 (2 ms each).
        CPPUNIT_ASSERT_EQUAL(clock_.now_ms + 20000 + 16, connection_->deadline_ms());
    }

    void head_timeout_answers_408_then_lingers()
    {
        send("GET /hello.txt HTTP/1.1\r\n");
        connection_->on_readable();
        clock_.now_ms = connection_->deadline_ms();
        connection_->on_deadline();
        CPPUNIT_ASSERT(connection_->state() == State::Linger);
        CPPUNIT_ASSERT(connection_->idle());
        CPPUNIT_ASSERT_EQUAL(clock_.now_ms + 1000 * mpmd::kLingerSeconds, connection_->deadline_ms());
        bool closed = false;
        const std::string reply = received(&closed);
        CPPUNIT_ASSERT_EQUAL(0, int(reply.find("HTTP/1.1 408 Request Timeout\r\n")));
        CPPUNIT_ASSERT(closed);   // our side shut down its writing
        CPPUNIT_ASSERT(connection_->fd() >= 0);
        // What the client still sends is read and dropped; its close ends the lingering.
        send("more bytes");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Linger);
        shutdown(client_, SHUT_WR);
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
    }

    void silent_connection_closes_without_a_word()
    {
        clock_.now_ms = connection_->deadline_ms();
        connection_->on_deadline();
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
        bool closed = false;
        CPPUNIT_ASSERT_EQUAL(std::string(), received(&closed));
        CPPUNIT_ASSERT(closed);
    }

    void pipelined_requests_in_order()
    {
        send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nHEAD /missing HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        connection_->handle(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::Handle);   // the next one is already in
        connection_->handle(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        connection_->handle(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::KeepAlive);
        const std::string replies = received();
        CPPUNIT_ASSERT_EQUAL(2, count(replies, "HTTP/1.1 200 OK\r\n"));
        CPPUNIT_ASSERT_EQUAL(1, count(replies, "HTTP/1.1 404 Not Found\r\n"));
        CPPUNIT_ASSERT(replies.find("404") > replies.find("200") && replies.find("404") < replies.rfind("200"));
        CPPUNIT_ASSERT_EQUAL(3L, connection_->requests_served());
    }

    void refused_request_answered_then_lingers()
    {
        send("GET /hello.txt\r\n");   // no version: HTTP/0.9 is refused
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        connection_->handle(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::Linger);
        const std::string reply = received();
        CPPUNIT_ASSERT_EQUAL(0, int(reply.find("HTTP/1.1 400 Bad Request\r\n")));
        CPPUNIT_ASSERT(reply.find("Connection: close\r\n") != std::string::npos);
    }

    void connection_close_closes_at_once()
    {
        // The client asked to close and sent nothing after its request: no lingering.
        send("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        connection_->on_readable();
        connection_->handle(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
        CPPUNIT_ASSERT_EQUAL(-1, connection_->fd());
        bool closed = false;
        CPPUNIT_ASSERT(received(&closed).find("hello\n") != std::string::npos);
        CPPUNIT_ASSERT(closed);
        CPPUNIT_ASSERT_EQUAL(1L, connection_->requests_served());
    }

    void http10_without_keep_alive_closes_at_once()
    {
        send("GET /hello.txt HTTP/1.0\r\n\r\n");
        connection_->on_readable();
        connection_->handle(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
    }

    void close_with_bytes_behind_it_lingers_until_the_client_closes()
    {
        // Bytes after a request that asked to close: the client may still send, so the reply
        // is not put at risk of a reset.
        send("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /again");
        connection_->on_readable();
        connection_->handle(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::Linger);
        bool closed = false;
        CPPUNIT_ASSERT(received(&closed).find("hello\n") != std::string::npos);
        CPPUNIT_ASSERT(closed);   // our side shut down its writing
        close(client_);
        client_ = -1;
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
    }

    void linger_deadline_closes()
    {
        send("GET /hello.txt\r\n");   // refused (HTTP/0.9): the server decides to close
        connection_->on_readable();
        connection_->handle(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::Linger);
        clock_.now_ms = connection_->deadline_ms();
        connection_->on_deadline();
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
    }

    void last_keep_alive_request_lingers()
    {
        // MaxKeepAliveRequests reached: the server closes a connection whose client meant
        // to go on, so it lingers.
        runtime_.server.max_keep_alive_requests = 1;
        send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        connection_->on_readable();
        connection_->handle(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::Linger);
        CPPUNIT_ASSERT(received().find("Connection: close\r\n") != std::string::npos);
    }

    void half_closed_client_still_answered()
    {
        send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        shutdown(client_, SHUT_WR);
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        connection_->handle(*report_);
        const std::string reply = received();
        CPPUNIT_ASSERT_EQUAL(0, int(reply.find("HTTP/1.1 200 OK\r\n")));
        // The close is seen at the next read (the request came in one short read, so the
        // connection did not read again before answering): then it closes.
        if (connection_->state() == State::KeepAlive)
            connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
    }

    void first_request_read_without_waiting()
    {
        // Nothing came yet: the look finds nothing and changes nothing.
        const int64_t deadline = connection_->deadline_ms();
        mpmd::read_first_request(*connection_);
        CPPUNIT_ASSERT(connection_->state() == State::ReadHead);
        CPPUNIT_ASSERT(!connection_->request_begun());
        CPPUNIT_ASSERT_EQUAL(deadline, connection_->deadline_ms());
        // The request came with the connection: it is read at once, ready to be handled.
        send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        mpmd::read_first_request(*connection_);
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        // Only a connection's first request: one kept alive is left to its driver's wait.
        connection_->handle(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::KeepAlive);
        send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        mpmd::read_first_request(*connection_);
        CPPUNIT_ASSERT(connection_->state() == State::KeepAlive);
    }

    void min_rate_moves_the_header_deadline()
    {
        const int64_t first = connection_->deadline_ms();
        // Each byte of head at MinRate=500 earns the header stage 2 ms more.
        const std::string head = "GET /hello.txt HTTP/1.1\r\nX-Pad: " + std::string(1000, 'a');
        send(head);
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::ReadHead);
        CPPUNIT_ASSERT_EQUAL(first + 2 * int64_t(head.size()), connection_->deadline_ms());
    }

    // The event loop's way: a whole request answered without waiting, counted in the
    // record it is given, the connection kept alive.
    void answered_at_once_then_kept_alive()
    {
        send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        CPPUNIT_ASSERT(connection_->answerable_at_once());
        connection_->answer_at_once(*report_);
        const std::string reply = received();
        CPPUNIT_ASSERT_EQUAL(0, int(reply.find("HTTP/1.1 200 OK\r\n")));
        CPPUNIT_ASSERT_EQUAL(reply.size() - 6, reply.rfind("\r\n\r\nhello\n") + 4);
        CPPUNIT_ASSERT(connection_->state() == State::KeepAlive);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), record_.access_count);
        CPPUNIT_ASSERT_EQUAL(uint64_t(6), record_.bytes_served);
        CPPUNIT_ASSERT(!connection_->answerable_at_once());
    }

    // A body still to read may wait for the client: only handle() serves it.
    void body_to_come_is_not_answered_at_once()
    {
        send("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        CPPUNIT_ASSERT(!connection_->answerable_at_once());
        connection_->answer_at_once(*report_);   // refuses: nothing sent, nothing counted
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), record_.access_count);
        CPPUNIT_ASSERT_EQUAL(std::string(), received());
    }

    // A reply larger than the socket takes: answer_at_once stops where it would wait
    // (Write, nothing counted), and handle() on another record finishes it, whole and in
    // order, and counts it there once.
    void reply_the_socket_cannot_take_is_finished_by_handle()
    {
        const size_t size = 4 << 20;
        const std::string path = std::string(root_) + "/big.bin";
        std::string content(size, '\0');
        for (size_t i = 0; i < size; ++i)
            content[i] = char('a' + (i * 7 + i / 4096) % 26);
        FILE* f = std::fopen(path.c_str(), "w");
        CPPUNIT_ASSERT(f != nullptr);
        CPPUNIT_ASSERT_EQUAL(size, std::fwrite(content.data(), 1, size, f));
        std::fclose(f);

        send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->answerable_at_once());
        connection_->answer_at_once(*report_);
        CPPUNIT_ASSERT(connection_->state() == State::Write);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), record_.access_count);

        std::string reply;
        std::thread reader([&] {
            for (;;) {
                struct pollfd p = {client_, POLLIN, 0};
                if (poll(&p, 1, 5000) <= 0)
                    return;
                char buffer[65536];
                const ssize_t n = recv(client_, buffer, sizeof buffer, 0);
                if (n <= 0)
                    return;
                reply.append(buffer, size_t(n));
                const size_t head = reply.find("\r\n\r\n");
                if (head != std::string::npos && reply.size() >= head + 4 + size)
                    return;
            }
        });
        mpmd::WorkerScore worker_record{};
        mpmd::WorkerReport worker(worker_record);
        connection_->handle(worker);
        reader.join();
        std::remove(path.c_str());
        CPPUNIT_ASSERT(connection_->state() == State::KeepAlive);
        CPPUNIT_ASSERT_EQUAL(0, int(reply.find("HTTP/1.1 200 OK\r\n")));
        const size_t head = reply.find("\r\n\r\n") + 4;
        CPPUNIT_ASSERT(reply.find("Content-Length: 4194304\r\n") < head);
        CPPUNIT_ASSERT_EQUAL(head + size, reply.size());
        CPPUNIT_ASSERT(reply.compare(head, size, content) == 0);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), record_.access_count);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), worker_record.access_count);
        CPPUNIT_ASSERT_EQUAL(uint64_t(size), worker_record.bytes_served);
        CPPUNIT_ASSERT_EQUAL(1L, connection_->requests_served());
    }

    // The connection accepted again, as on a Listen marked proxy with `trusted` in TrustedProxy.
    void reconnect_on_proxy_listener(const char* trusted)
    {
        connection_.reset();
        close(client_);
        std::string problem;
        runtime_.server.trusted_proxies = {*mpmd::parse_address_range(trusted, &problem)};
        connection_ = connection_over_socketpair(env_, &client_, true);
    }

    void proxy_header_in_pieces_names_the_client()
    {
        reconnect_on_proxy_listener("127.0.0.0/8");
        CPPUNIT_ASSERT(connection_->state() == State::ReadHead);
        CPPUNIT_ASSERT(connection_->awaiting_proxy_header());
        const int64_t deadline = connection_->deadline_ms();
        send("PROXY TCP4 203.0.113.7 127.0.0.1 5");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::ReadHead);
        CPPUNIT_ASSERT(connection_->awaiting_proxy_header());
        CPPUNIT_ASSERT(!connection_->request_begun());
        CPPUNIT_ASSERT_EQUAL(deadline, connection_->deadline_ms());   // the accept's clocks go on
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), connection_->client());
        send("1234 80\r\nGET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        CPPUNIT_ASSERT(!connection_->awaiting_proxy_header());
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.7"), connection_->client());
        connection_->handle(*report_);
        CPPUNIT_ASSERT(received().find("HTTP/1.1 200 OK") == 0);
        CPPUNIT_ASSERT(connection_->state() == State::KeepAlive);
        // The next request on the connection needs no header: the client stays.
        send("GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Handle);
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.7"), connection_->client());
    }

    void proxy_listener_refuses_an_untrusted_peer()
    {
        reconnect_on_proxy_listener("192.0.2.0/24");
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
        bool closed = false;
        CPPUNIT_ASSERT_EQUAL(std::string(), received(&closed));
        CPPUNIT_ASSERT(closed);
    }

    void malformed_proxy_header_closes_without_a_reply()
    {
        reconnect_on_proxy_listener("127.0.0.1");
        send("GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
        bool closed = false;
        CPPUNIT_ASSERT_EQUAL(std::string(), received(&closed));
        CPPUNIT_ASSERT(closed);
    }

    void slow_proxy_header_closes_at_the_deadline()
    {
        reconnect_on_proxy_listener("127.0.0.1");
        send("PROXY TCP6 2001:db8::1");
        connection_->on_readable();
        CPPUNIT_ASSERT(connection_->state() == State::ReadHead);
        clock_.now_ms = connection_->deadline_ms();
        connection_->on_deadline();
        CPPUNIT_ASSERT(connection_->state() == State::Closed);
        bool closed = false;
        CPPUNIT_ASSERT_EQUAL(std::string(), received(&closed));   // no HTTP began: no 408
        CPPUNIT_ASSERT(closed);
    }

    void state_names()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("read-head"), std::string(Connection::state_name(State::ReadHead)));
        CPPUNIT_ASSERT_EQUAL(std::string("handle"), std::string(Connection::state_name(State::Handle)));
        CPPUNIT_ASSERT_EQUAL(std::string("write"), std::string(Connection::state_name(State::Write)));
        CPPUNIT_ASSERT_EQUAL(std::string("keep-alive"), std::string(Connection::state_name(State::KeepAlive)));
        CPPUNIT_ASSERT_EQUAL(std::string("linger"), std::string(Connection::state_name(State::Linger)));
        CPPUNIT_ASSERT_EQUAL(std::string("closed"), std::string(Connection::state_name(State::Closed)));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConnectionTest);
