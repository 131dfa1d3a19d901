// For the unit tests that drive a Connection by hand: a connection over one end of a
// socketpair (non-blocking, as a driver's), a client at 127.0.0.1:40000 on the other.
#ifndef MPMD_T_UNIT_CONNECTION_TEST_SUPPORT_H
#define MPMD_T_UNIT_CONNECTION_TEST_SUPPORT_H

#include <cppunit/extensions/HelperMacros.h>

#include "child/connection.h"
#include "child/transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>

// The server settings these tests start from: DocumentRoot `root`, keep-alive on (5 s, 100
// requests), Timeout 60 s, MaxRanges 200, Server: mpmd.
inline void set_test_server(mpmd::ServerRuntime& runtime, const char* root)
{
    mpmd::ServerConfig& server = runtime.server;
    server.document_root = root;
    server.directory_index = {"index.html"};
    server.server_name = "test.example";
    server.timeout = 60;
    server.keep_alive = true;
    server.keep_alive_timeout = 5;
    server.max_keep_alive_requests = 100;
    server.max_ranges = 200;
    runtime.banner = "mpmd";
}

// *client receives the other end, which the caller closes. `proxy_listener`: as if accepted
// on a Listen marked proxy.
inline std::unique_ptr<mpmd::Connection> connection_over_socketpair(const mpmd::ConnectionEnv& env, int* client,
                                                                    bool proxy_listener = false)
{
    int pair[2];
    CPPUNIT_ASSERT_EQUAL(0, socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
    CPPUNIT_ASSERT_EQUAL(0, fcntl(pair[0], F_SETFL, O_NONBLOCK));
    *client = pair[1];
    sockaddr_storage peer{};
    auto* in = reinterpret_cast<sockaddr_in*>(&peer);
    in->sin_family = AF_INET;
    in->sin_port = htons(40000);
    in->sin_addr.s_addr = htonl(0x7f000001);
    return std::make_unique<mpmd::Connection>(env, mpmd::make_plain_transport(pair[0]), peer, 8080,
                                              proxy_listener);
}

#endif
