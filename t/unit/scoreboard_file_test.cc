// ScoreBoardFile: the named scoreboard segment (created 0600, attached read-only with its
// header checked, a stale one replaced, a live one refused, the name removed by its owner
// only) and the directive (its forms, file:line errors, the name "auto" derives from PidFile).
#include "config_test_support.h"   // config_test::ServerRootDir
#include "shared/scoreboard.h"
#include "shared/status/status_config.h"

#include <cppunit/extensions/HelperMacros.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

using namespace mpmd;

namespace {

bool segment_exists(const std::string& name, mode_t* mode = nullptr)
{
    const int fd = shm_open(name.c_str(), O_RDONLY, 0);
    if (fd < 0)
        return false;
    struct stat st {};
    fstat(fd, &st);
    close(fd);
    if (mode)
        *mode = st.st_mode & 07777;
    return true;
}

// A pid that no process has: a child that has exited and been reaped.
pid_t dead_pid()
{
    const pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, nullptr, 0);
    return pid;
}

// The errors of a config of a valid [server] plus `more`; *out is its [status] view.
std::vector<ConfigMessage> status_errors(const std::string& more, StatusConfig* out)
{
    const config_test::ServerRootDir dir;
    const LoadedConfig loaded = dir.load(more);
    *out = loaded.status;
    return loaded.errors;
}

} // namespace

class ScoreboardFileTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ScoreboardFileTest);
    CPPUNIT_TEST(named_segment_is_owner_only_and_attachable);
    CPPUNIT_TEST(attach_reports_a_missing_segment);
    CPPUNIT_TEST(attach_checks_the_header);
    CPPUNIT_TEST(stale_segment_is_replaced_live_one_refused);
    CPPUNIT_TEST(only_the_owner_removes_the_name);
    CPPUNIT_TEST(what_another_user_left_is_removed_unread);
    CPPUNIT_TEST(readers_refuse_an_object_others_may_write);
    CPPUNIT_TEST(directive_forms_and_errors);
    CPPUNIT_TEST(auto_name_derives_from_pid_file);
    CPPUNIT_TEST_SUITE_END();

    std::string name_;

public:
    void setUp() override { name_ = "/mpmd-unit-" + std::to_string(getpid()); }
    void tearDown() override { shm_unlink(name_.c_str()); }

    void named_segment_is_owner_only_and_attachable()
    {
        const mode_t old_umask = umask(0);
        auto board = Scoreboard::create(3, 2, name_);
        umask(old_umask);
        mode_t mode = 0;
        CPPUNIT_ASSERT(segment_exists(name_, &mode));
        CPPUNIT_ASSERT_EQUAL(0600, int(mode));
        board->describe("prefork", "mpmd/1.2.3 (Unix)", 3, 1);
        WorkerReport(board->worker(1, 1)).request_started("GET /seen HTTP/1.1", "v");
        std::string error;
        auto reader = Scoreboard::attach(name_, &error);
        CPPUNIT_ASSERT_MESSAGE(error, reader != nullptr);
        CPPUNIT_ASSERT_EQUAL(uint32_t(3), reader->server_limit());
        CPPUNIT_ASSERT_EQUAL(uint32_t(2), reader->thread_limit());
        CPPUNIT_ASSERT_EQUAL(std::string("prefork"), std::string(reader->global().mpm_name));
        CPPUNIT_ASSERT_EQUAL(std::string("GET /seen HTTP/1.1"), std::string(reader->snapshot(1, 1).request));
        CPPUNIT_ASSERT_EQUAL('W', reader->snapshot(1, 1).status);
    }

    void attach_reports_a_missing_segment()
    {
        std::string error;
        CPPUNIT_ASSERT(!Scoreboard::attach(name_, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("no scoreboard " + name_) == 0);
    }

    void attach_checks_the_header()
    {
        auto board = Scoreboard::create(2, 1, name_);
        std::string error;
        board->global().layout_version = kScoreboardLayoutVersion + 1;
        CPPUNIT_ASSERT(!Scoreboard::attach(name_, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("layout version") != std::string::npos);
        board->global().layout_version = kScoreboardLayoutVersion;
        board->global().server_limit = 1000;
        CPPUNIT_ASSERT(!Scoreboard::attach(name_, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("smaller than its slot counts") != std::string::npos);
        board->global().server_limit = 2;
        board->global().magic = 0;
        CPPUNIT_ASSERT(!Scoreboard::attach(name_, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("bad magic") != std::string::npos);
    }

    void stale_segment_is_replaced_live_one_refused()
    {
        auto old = Scoreboard::create(2, 1, name_);
        old->global().master_pid = getppid();   // a live process that is not this one
        CPPUNIT_ASSERT_THROW(Scoreboard::create(2, 1, name_), std::runtime_error);
        old->global().master_pid = dead_pid();
        auto board = Scoreboard::create(4, 1, name_);
        std::string error;
        auto reader = Scoreboard::attach(name_, &error);
        CPPUNIT_ASSERT_MESSAGE(error, reader != nullptr);
        CPPUNIT_ASSERT_EQUAL(uint32_t(4), reader->server_limit());
        CPPUNIT_ASSERT_EQUAL(int(getpid()), int(reader->global().master_pid));
    }

    void only_the_owner_removes_the_name()
    {
        auto board = Scoreboard::create(2, 1, name_);
        board->global().master_pid = dead_pid();
        board->remove_name();
        CPPUNIT_ASSERT(segment_exists(name_));
        board->global().master_pid = getpid();
        board->remove_name();
        CPPUNIT_ASSERT(!segment_exists(name_));
        WorkerReport(board->worker(0, 0)).set_status(WorkerStatus::Ready);   // still mapped
        CPPUNIT_ASSERT_EQUAL('_', board->snapshot(0, 0).status);
        auto anonymous = Scoreboard::create(1, 1);
        CPPUNIT_ASSERT_EQUAL(std::string(), anonymous->name());
    }

    // As root only (make check): the object must belong to someone else.
    void what_another_user_left_is_removed_unread()
    {
        if (geteuid() != 0)
            return;
        const std::string path = "/dev/shm" + name_;
        auto genuine = Scoreboard::create(2, 1, name_);
        genuine->global().master_pid = getppid();   // running: were it trusted, the name is taken
        CPPUNIT_ASSERT_EQUAL(0, chown(path.c_str(), 65534, 65534));
        CPPUNIT_ASSERT_EQUAL(0, chmod(path.c_str(), 0666));
        std::vector<std::string> notes;
        auto board = Scoreboard::create(2, 1, name_, &notes);
        CPPUNIT_ASSERT_EQUAL(size_t(1), notes.size());
        CPPUNIT_ASSERT_MESSAGE(notes[0], notes[0].find("removed " + path + ", a regular file of mode 0666 owned by ") == 0);
        struct stat st {};
        CPPUNIT_ASSERT_EQUAL(0, lstat(path.c_str(), &st));
        CPPUNIT_ASSERT_EQUAL(uid_t(0), st.st_uid);
        CPPUNIT_ASSERT_EQUAL(0600, int(st.st_mode & 07777));
        CPPUNIT_ASSERT_EQUAL(int(getppid()), int(genuine->global().master_pid));   // the old one untouched
        board.reset();
        CPPUNIT_ASSERT_EQUAL(0, unlink(path.c_str()));
        CPPUNIT_ASSERT_EQUAL(0, symlink("/etc/passwd", path.c_str()));
        notes.clear();
        board = Scoreboard::create(1, 1, name_, &notes);
        CPPUNIT_ASSERT_EQUAL(size_t(1), notes.size());
        CPPUNIT_ASSERT_MESSAGE(notes[0], notes[0].find("a symbolic link") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(0, lstat(path.c_str(), &st));
        CPPUNIT_ASSERT(S_ISREG(st.st_mode));
    }

    void readers_refuse_an_object_others_may_write()
    {
        auto board = Scoreboard::create(2, 1, name_);
        CPPUNIT_ASSERT_EQUAL(0, chmod(("/dev/shm" + name_).c_str(), 0622));
        std::string error;
        CPPUNIT_ASSERT(!Scoreboard::attach(name_, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("is a regular file of mode 0622 owned by ") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(error, error.find("not read") != std::string::npos);
    }

    void directive_forms_and_errors()
    {
        StatusConfig status;
        CPPUNIT_ASSERT(status_errors("[status]\n", &status).empty());
        CPPUNIT_ASSERT_EQUAL(std::string("auto"), status.scoreboard_file);
        CPPUNIT_ASSERT(status_errors("[status]\nScoreBoardFile = /mpmd.8080\n", &status).empty());
        CPPUNIT_ASSERT_EQUAL(std::string("/mpmd.8080"), status.scoreboard_name("/run/mpmd.pid"));
        CPPUNIT_ASSERT(status_errors("[status]\nScoreBoardFile = none\n", &status).empty());
        CPPUNIT_ASSERT_EQUAL(std::string(), status.scoreboard_name("/run/mpmd.pid"));
        for (const char* bad : {"mpmd", "/dev/shm/mpmd", "/a+b", "/..", "/"}) {
            const auto errors = status_errors(std::string("[status]\n\nScoreBoardFile = ") + bad + "\n", &status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, size_t(1), errors.size());
            CPPUNIT_ASSERT_EQUAL(config_test::ServerRootDir::kBaseLines + 3, errors[0].line);
            CPPUNIT_ASSERT_MESSAGE(errors[0].str(),
                                   errors[0].str().find("[status] ScoreBoardFile: \"" + std::string(bad) +
                                                        "\" is not a shared-memory name (allowed: auto | none") !=
                                       std::string::npos);
        }
    }

    void auto_name_derives_from_pid_file()
    {
        StatusConfig status;
        CPPUNIT_ASSERT_EQUAL(std::string("/mpmd-run-mpmd.pid"), status.scoreboard_name("/run/mpmd.pid"));
        CPPUNIT_ASSERT_EQUAL(std::string("/mpmd-tmp-a-b-c--mpmd.pid"), status.scoreboard_name("/tmp/a b/c~/mpmd.pid"));
        const std::string longest = status.scoreboard_name("/" + std::string(400, 'x'));
        CPPUNIT_ASSERT_EQUAL(size_t(200), longest.size());
        CPPUNIT_ASSERT_EQUAL(std::string("/mpmd"), longest.substr(0, 5));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ScoreboardFileTest);
