// parse_listening_line on lines in /proc/net/tcp and tcp6's shape, and listening_keys_of on
// this very process with a real listening socket.
#include "master/process_listeners.h"

#include <cppunit/extensions/HelperMacros.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace mpmd {

class ProcessListenersTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ProcessListenersTest);
    CPPUNIT_TEST(ipv4_listening_line);
    CPPUNIT_TEST(ipv6_listening_line);
    CPPUNIT_TEST(other_states_and_garbage_are_skipped);
    CPPUNIT_TEST(finds_a_socket_this_process_listens_on);
    CPPUNIT_TEST_SUITE_END();

public:
    void ipv4_listening_line()
    {
        const auto line = parse_listening_line(
            "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 "
            "0000000000000000 100 0 0 10 0", false);
        CPPUNIT_ASSERT(line.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:8080"), line->key);
        CPPUNIT_ASSERT_EQUAL(123456ul, line->inode);
    }

    void ipv6_listening_line()
    {
        const auto any = parse_listening_line(
            "   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 "
            "00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0", true);
        CPPUNIT_ASSERT(any.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("[::]:80"), any->key);
        const auto loopback = parse_listening_line(
            "   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 "
            "00:00000000 00000000     0        0 778 1 0000000000000000 100 0 0 10 0", true);
        CPPUNIT_ASSERT(loopback.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("[::1]:8080"), loopback->key);
    }

    void other_states_and_garbage_are_skipped()
    {
        CPPUNIT_ASSERT(!parse_listening_line(
            "   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 9 1", false));
        CPPUNIT_ASSERT(!parse_listening_line(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", false));
        CPPUNIT_ASSERT(!parse_listening_line("   3: 0100007Z:1F90 00000000:0000 0A 0 0 0 0 0 0 11", false));
    }

    void finds_a_socket_this_process_listens_on()
    {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        CPPUNIT_ASSERT_EQUAL(0, bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
        CPPUNIT_ASSERT_EQUAL(0, listen(fd, 1));
        socklen_t length = sizeof addr;
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
        const std::string key = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
        const auto keys = listening_keys_of(getpid());
        close(fd);
        CPPUNIT_ASSERT(keys.has_value());
        CPPUNIT_ASSERT(std::find(keys->begin(), keys->end(), key) != keys->end());
        const auto after = listening_keys_of(getpid());
        CPPUNIT_ASSERT(std::find(after->begin(), after->end(), key) == after->end());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProcessListenersTest);

} // namespace mpmd
