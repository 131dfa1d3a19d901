// The binary-upgrade handoff: MPMD_INHERITED_LISTENERS formatted and parsed, the environment
// taken and cleared, and ListenerSet::adopt keeping only real listening sockets bound where
// their key says.
#include "master/upgrade_handoff.h"

#include <cppunit/extensions/HelperMacros.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

using namespace mpmd;

namespace {

// A listening socket on 127.0.0.1 (port chosen by the kernel); *key is its ListenSocket key.
int listening_socket(std::string* key)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
        return -1;
    *key = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    return fd;
}

bool is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

} // namespace

class UpgradeHandoffTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(UpgradeHandoffTest);
    CPPUNIT_TEST(format_and_parse_round_trip);
    CPPUNIT_TEST(parse_rejects_malformed_items);
    CPPUNIT_TEST(environment_is_taken_once_and_checked_against_the_parent);
    CPPUNIT_TEST(adopt_keeps_only_matching_listening_sockets);
    CPPUNIT_TEST_SUITE_END();

public:
    void format_and_parse_round_trip()
    {
        const std::vector<ListenSocket> sockets = {{"127.0.0.1:8080", 5, 8080}, {"[::]:80", 12, 80}};
        const std::string text = format_inherited_listeners(sockets);
        CPPUNIT_ASSERT_EQUAL(std::string("5:127.0.0.1:8080,12:[::]:80"), text);
        std::vector<ListenSocket> parsed;
        std::string error;
        CPPUNIT_ASSERT(parse_inherited_listeners(text, &parsed, &error));
        CPPUNIT_ASSERT_EQUAL(size_t(2), parsed.size());
        CPPUNIT_ASSERT_EQUAL(12, parsed[1].fd);
        CPPUNIT_ASSERT_EQUAL(std::string("[::]:80"), parsed[1].key);
        CPPUNIT_ASSERT(parse_inherited_listeners("", &parsed, &error));
        CPPUNIT_ASSERT(parsed.empty());
    }

    void parse_rejects_malformed_items()
    {
        std::vector<ListenSocket> parsed;
        for (const char* bad : {"5", "x:1.2.3.4:80", "2:127.0.0.1:80", "-4:a", "7:", "5:a,,6:b", "99999999999:a"}) {
            std::string error;
            CPPUNIT_ASSERT_MESSAGE(bad, !parse_inherited_listeners(bad, &parsed, &error));
            CPPUNIT_ASSERT_MESSAGE(bad, error.find("MPMD_INHERITED_LISTENERS: bad item") == 0);
        }
    }

    void environment_is_taken_once_and_checked_against_the_parent()
    {
        std::string error;
        unsetenv(kUpgradeFromVariable);
        CPPUNIT_ASSERT(!take_upgrade_handoff(&error).has_value());
        CPPUNIT_ASSERT(error.empty());

        setenv(kUpgradeFromVariable, std::to_string(getppid()).c_str(), 1);
        setenv(kInheritedListenersVariable, "7:127.0.0.1:80", 1);
        const auto handoff = take_upgrade_handoff(&error);
        CPPUNIT_ASSERT(handoff.has_value());
        CPPUNIT_ASSERT_EQUAL(int(getppid()), int(handoff->old_master));
        CPPUNIT_ASSERT_EQUAL(size_t(1), handoff->listeners.size());
        CPPUNIT_ASSERT(std::getenv(kUpgradeFromVariable) == nullptr);
        CPPUNIT_ASSERT(std::getenv(kInheritedListenersVariable) == nullptr);

        // Not our parent: a stale environment, ignored.
        setenv(kUpgradeFromVariable, std::to_string(getpid()).c_str(), 1);
        CPPUNIT_ASSERT(!take_upgrade_handoff(&error).has_value());
        CPPUNIT_ASSERT(error.empty());

        setenv(kUpgradeFromVariable, "12ab", 1);
        CPPUNIT_ASSERT(!take_upgrade_handoff(&error).has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("MPMD_UPGRADE_FROM: \"12ab\" is not a process id"), error);
    }

    void adopt_keeps_only_matching_listening_sockets()
    {
        std::string key, other_key;
        const int good = listening_socket(&key);
        const int wrong = listening_socket(&other_key);
        const int unbound = socket(AF_INET, SOCK_STREAM, 0);
        int pipe_fds[2];
        CPPUNIT_ASSERT(good >= 0 && wrong >= 0 && unbound >= 0 && pipe(pipe_fds) == 0);
        fcntl(good, F_SETFD, 0);   // as after the exec: FD_CLOEXEC cleared

        ListenerSet set;
        std::vector<std::string> notes;
        set.adopt({{key, good, 0}, {"127.0.0.1:1", wrong, 0}, {"0.0.0.0:0", unbound, 0}, {"1.2.3.4:5", pipe_fds[0], 0}},
                  &notes);
        CPPUNIT_ASSERT_EQUAL(size_t(1), set.sockets().size());
        CPPUNIT_ASSERT_EQUAL(good, set.sockets()[0].fd);
        CPPUNIT_ASSERT(set.sockets()[0].port > 0);
        CPPUNIT_ASSERT_EQUAL(FD_CLOEXEC, fcntl(good, F_GETFD) & FD_CLOEXEC);
        CPPUNIT_ASSERT_EQUAL(size_t(3), notes.size());
        CPPUNIT_ASSERT(notes[0].find("bound to " + other_key) != std::string::npos);
        CPPUNIT_ASSERT(notes[1].find("not listening") != std::string::npos);
        CPPUNIT_ASSERT(notes[2].find("not a socket") != std::string::npos);
        CPPUNIT_ASSERT(!is_open(wrong));
        CPPUNIT_ASSERT(!is_open(unbound));
        CPPUNIT_ASSERT(is_open(pipe_fds[0]));   // not a socket: someone else's descriptor

        // update() keeps the adopted socket for its address and binds nothing anew; it sets
        // TCP_DEFER_ACCEPT (AcceptFilter data) on the kept socket and unsets it (none).
        std::vector<std::string> errors;
        const int port = set.sockets()[0].port;
        CPPUNIT_ASSERT(set.update({{"127.0.0.1", port, "t:1"}}, 8, 30, &errors));
        CPPUNIT_ASSERT_EQUAL(good, set.sockets()[0].fd);
        int defer = 0;
        socklen_t length = sizeof defer;
        CPPUNIT_ASSERT_EQUAL(0, getsockopt(good, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, &length));
        CPPUNIT_ASSERT(defer > 0);   // the kernel rounds to its retransmission steps
        CPPUNIT_ASSERT(set.update({{"127.0.0.1", port, "t:1"}}, 8, 0, &errors));
        CPPUNIT_ASSERT_EQUAL(0, getsockopt(good, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, &length));
        CPPUNIT_ASSERT_EQUAL(0, defer);
        CPPUNIT_ASSERT(set.update({}, 8, 0, &errors));
        CPPUNIT_ASSERT(!is_open(good));
        close(pipe_fds[0]);
        close(pipe_fds[1]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UpgradeHandoffTest);
