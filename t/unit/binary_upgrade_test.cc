// BinaryUpgrade, the old master's side, with /bin/sh standing in for the new binary: the
// renames to .oldbin, the environment, descriptors (the listeners only) and directory (the
// start-up one) the new program gets, and undo() putting both names back; refusals leave
// everything as it was.
#include "master/binary_upgrade.h"

#include <cppunit/extensions/HelperMacros.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace mpmd;

namespace {

bool segment_exists(const std::string& name)
{
    const int fd = shm_open(name.c_str(), O_RDONLY, 0);
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

bool file_exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

class BinaryUpgradeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BinaryUpgradeTest);
    CPPUNIT_TEST(launch_passes_listeners_only_and_undo_restores_names);
    CPPUNIT_TEST(refusals_change_nothing);
    CPPUNIT_TEST_SUITE_END();

    std::string dir_;
    std::string name_;

public:
    void setUp() override
    {
        char pattern[] = "/tmp/mpmd-upgrade-unit-XXXXXX";
        dir_ = mkdtemp(pattern);
        name_ = "/mpmd-upgrade-launch-" + std::to_string(getpid());
    }

    void tearDown() override
    {
        shm_unlink(name_.c_str());
        shm_unlink(oldbin_name(name_).c_str());
        for (const char* f : {"/mpmd.pid", "/mpmd.pid.oldbin", "/out"})
            std::remove((dir_ + f).c_str());
        rmdir(dir_.c_str());
    }

    void launch_passes_listeners_only_and_undo_restores_names()
    {
        const std::string pid_file = dir_ + "/mpmd.pid", out = dir_ + "/out";
        std::ofstream(pid_file) << getpid() << "\n";
        auto board = Scoreboard::create(1, 1, name_);
        const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        CPPUNIT_ASSERT(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && listen(listener, 1) == 0);
        int other[2];
        CPPUNIT_ASSERT(pipe2(other, O_CLOEXEC) == 0);
        const std::string script = "echo \"$MPMD_UPGRADE_FROM|$MPMD_INHERITED_LISTENERS\" > " + out +
                                   "; test -e /proc/$$/fd/" + std::to_string(listener) + " && echo listener >> " +
                                   out + "; test -e /proc/$$/fd/" + std::to_string(other[0]) + " && echo pipe >> " + out +
                                   "; pwd >> " + out + "; exit 3";
        SelfExec self;
        self.path = "/bin/sh";
        self.argv = {"sh", "-c", script};
        self.cwd = dir_;
        BinaryUpgrade upgrade(self);
        std::string why;
        CPPUNIT_ASSERT(upgrade.start(pid_file, *board, {{"127.0.0.1:1", listener, 1}}, &why));
        CPPUNIT_ASSERT(upgrade.state() == BinaryUpgrade::State::Starting);
        CPPUNIT_ASSERT(!file_exists(pid_file) && file_exists(oldbin_name(pid_file)));
        CPPUNIT_ASSERT(!segment_exists(name_) && segment_exists(oldbin_name(name_)));
        int status = 0;
        CPPUNIT_ASSERT_EQUAL(upgrade.new_master(), waitpid(upgrade.new_master(), &status, 0));
        CPPUNIT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 3);
        CPPUNIT_ASSERT_EQUAL(std::to_string(getpid()) + "|" + std::to_string(listener) + ":127.0.0.1:1\nlistener\n" + dir_ + "\n",
                             read_file(out));
        CPPUNIT_ASSERT(upgrade.undo(*board).empty());
        CPPUNIT_ASSERT(upgrade.state() == BinaryUpgrade::State::Idle);
        CPPUNIT_ASSERT(file_exists(pid_file) && !file_exists(oldbin_name(pid_file)));
        CPPUNIT_ASSERT(segment_exists(name_) && !segment_exists(oldbin_name(name_)));
        CPPUNIT_ASSERT_EQUAL(FD_CLOEXEC, fcntl(listener, F_GETFD) & FD_CLOEXEC);   // this side unchanged
        close(listener);
        close(other[0]);
        close(other[1]);
    }

    void refusals_change_nothing()
    {
        const std::string pid_file = dir_ + "/mpmd.pid";
        auto board = Scoreboard::create(1, 1, name_);
        std::string why;
        SelfExec unknown;
        unknown.problem = "argv[0] is empty";
        CPPUNIT_ASSERT(!BinaryUpgrade(unknown).start(pid_file, *board, {}, &why));
        CPPUNIT_ASSERT_EQUAL(std::string("the path of the mpmd binary is unknown (argv[0] is empty)"), why);
        SelfExec shell;
        shell.path = "/bin/sh";
        shell.argv = {"sh"};
        CPPUNIT_ASSERT(!BinaryUpgrade(shell).start(pid_file, *board, {}, &why));   // no pid file to move
        CPPUNIT_ASSERT(why.find("cannot rename " + pid_file) == 0);
        CPPUNIT_ASSERT(segment_exists(name_) && !segment_exists(oldbin_name(name_)));
        CPPUNIT_ASSERT_EQUAL(name_, board->name());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BinaryUpgradeTest);
