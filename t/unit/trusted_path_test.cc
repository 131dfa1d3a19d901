// The rule for files the master writes as root (trusted_path.h): plain paths open and are
// created; a directory writable by others without the sticky bit is refused; a sticky one is
// allowed for files of trusted owners with one link; links of trusted owners are followed
// (and kept, when asked), /proc's own links opened by the kernel. The cases that need another
// owner (lchown/chown to nobody's uid) run only as root, as make check does.
#include "log_test_support.h"
#include "shared/trusted_path.h"

#include <cppunit/extensions/HelperMacros.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

using namespace mpmd;

namespace {

constexpr uid_t kStranger = 65534;   // nobody on Debian; any uid that is not root nor us

void make_file(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
        close(fd);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// open_trusted for appending; "" when it opened, else the error.
std::string open_problem(const std::string& path)
{
    std::string error;
    const int fd = open_trusted(path, O_WRONLY | O_APPEND | O_CREAT, 0640, &error);
    if (fd >= 0) {
        close(fd);
        return {};
    }
    return error.empty() ? "(no error text)" : error;
}

} // namespace

class TrustedPathTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TrustedPathTest);
    CPPUNIT_TEST(a_private_directory_is_trusted);
    CPPUNIT_TEST(system_errors_read_as_open_would_say);
    CPPUNIT_TEST(writable_without_sticky_bit_is_refused);
    CPPUNIT_TEST(group_writable_directory_is_shared);
    CPPUNIT_TEST(sticky_directory_allows_files_of_trusted_owners);
    CPPUNIT_TEST(trusted_links_are_followed_or_kept);
    CPPUNIT_TEST(proc_links_are_opened_by_the_kernel);
    CPPUNIT_TEST(other_owners_are_refused);
    CPPUNIT_TEST_SUITE_END();

public:
    void a_private_directory_is_trusted()
    {
        test::TempDir dir;
        CPPUNIT_ASSERT_EQUAL(0, mkdir(dir.file("logs").c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(std::string(), open_problem(dir.file("logs/./error_log")));
        CPPUNIT_ASSERT_EQUAL(std::string(), open_problem(dir.file("logs/../logs/access_log")));
        struct stat st {};
        CPPUNIT_ASSERT_EQUAL(0, stat(dir.file("logs/error_log").c_str(), &st));
        CPPUNIT_ASSERT(S_ISREG(st.st_mode));
        std::string error;
        CPPUNIT_ASSERT(!reach_trusted_directory(dir.path() + "/", FinalLink::Follow, &error));
        CPPUNIT_ASSERT_MESSAGE(error, contains(error, "names a directory"));
    }

    void system_errors_read_as_open_would_say()
    {
        test::TempDir dir;
        CPPUNIT_ASSERT_EQUAL(std::string("No such file or directory"), open_problem(dir.file("missing/log")));
        make_file(dir.file("file"));
        CPPUNIT_ASSERT_EQUAL(std::string("Not a directory"), open_problem(dir.file("file/log")));
    }

    void writable_without_sticky_bit_is_refused()
    {
        test::TempDir dir;
        const std::string open_dir = dir.file("open");
        CPPUNIT_ASSERT_EQUAL(0, mkdir(open_dir.c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, chmod(open_dir.c_str(), 0777));
        std::string problem = open_problem(open_dir + "/log");
        CPPUNIT_ASSERT_MESSAGE(problem, contains(problem, "directory " + open_dir + " is writable by every user and "
                                                          "has no sticky bit"));
        CPPUNIT_ASSERT_MESSAGE(problem, contains(problem, "chmod o-w " + open_dir));
        CPPUNIT_ASSERT(access((open_dir + "/log").c_str(), F_OK) != 0);   // nothing created
    }

    void group_writable_directory_is_shared()
    {
        // Ubuntu's /var/log (root:syslog 0775): usable, with rule 3 on the file itself.
        test::TempDir dir;
        const std::string group_dir = dir.file("group");
        CPPUNIT_ASSERT_EQUAL(0, mkdir(group_dir.c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, chmod(group_dir.c_str(), 0775));
        CPPUNIT_ASSERT_EQUAL(std::string(), open_problem(group_dir + "/log"));   // created
        std::string error;
        const auto reached = reach_trusted_directory(group_dir + "/log", FinalLink::Follow, &error);
        CPPUNIT_ASSERT_MESSAGE(error, reached && reached->shared());
        CPPUNIT_ASSERT_EQUAL(0, link((group_dir + "/log").c_str(), (group_dir + "/second").c_str()));
        const std::string problem = open_problem(group_dir + "/log");
        CPPUNIT_ASSERT_MESSAGE(problem, contains(problem, "has 2 hard links, in " + group_dir));
    }

    void sticky_directory_allows_files_of_trusted_owners()
    {
        test::TempDir dir;
        const std::string shared = dir.file("shared");
        CPPUNIT_ASSERT_EQUAL(0, mkdir(shared.c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, chmod(shared.c_str(), 01777));
        CPPUNIT_ASSERT_EQUAL(std::string(), open_problem(shared + "/log"));   // created
        CPPUNIT_ASSERT_EQUAL(std::string(), open_problem(shared + "/log"));   // ours, reopened
        std::string error;
        const auto reached = reach_trusted_directory(shared + "/log", FinalLink::Follow, &error);
        CPPUNIT_ASSERT_MESSAGE(error, reached && reached->shared() && reached->name() == "log");
        CPPUNIT_ASSERT_EQUAL(0, link((shared + "/log").c_str(), (shared + "/second").c_str()));
        const std::string problem = open_problem(shared + "/log");
        CPPUNIT_ASSERT_MESSAGE(problem, contains(problem, "has 2 hard links, in " + shared));
        CPPUNIT_ASSERT_EQUAL(0, mkfifo((shared + "/fifo").c_str(), 0600));
        const std::string fifo = open_problem(shared + "/fifo");   // would block without O_NONBLOCK
        CPPUNIT_ASSERT_MESSAGE(fifo, contains(fifo, "No such device or address") || contains(fifo, "not a regular file"));
    }

    void trusted_links_are_followed_or_kept()
    {
        test::TempDir dir;
        CPPUNIT_ASSERT_EQUAL(0, mkdir(dir.file("real").c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, symlink(dir.file("real").c_str(), dir.file("via").c_str()));
        CPPUNIT_ASSERT_EQUAL(0, symlink("../real/log", dir.file("real/relative").c_str()));
        CPPUNIT_ASSERT_EQUAL(std::string(), open_problem(dir.file("via/relative")));
        CPPUNIT_ASSERT_EQUAL(0, access(dir.file("real/log").c_str(), F_OK));
        std::string error;
        const auto kept = reach_trusted_directory(dir.file("via/relative"), FinalLink::Keep, &error);
        CPPUNIT_ASSERT_MESSAGE(error, kept && kept->name() == "relative" && kept->path() == dir.file("real"));
        CPPUNIT_ASSERT_EQUAL(0, symlink("loop", dir.file("loop").c_str()));
        CPPUNIT_ASSERT_EQUAL(std::string("Too many levels of symbolic links"), open_problem(dir.file("loop")));
    }

    void proc_links_are_opened_by_the_kernel()
    {
        test::TempDir dir;
        const int fd = ::open(dir.file("target").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        CPPUNIT_ASSERT(fd >= 0);
        const std::string problem = open_problem("/proc/self/fd/" + std::to_string(fd));
        close(fd);
        CPPUNIT_ASSERT_EQUAL(std::string(), problem);
    }

    void other_owners_are_refused()
    {
        if (geteuid() != 0)
            return;   // needs chown to another uid
        test::TempDir dir;
        const std::string theirs = dir.file("theirs");
        CPPUNIT_ASSERT_EQUAL(0, mkdir(theirs.c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, chown(theirs.c_str(), kStranger, -1));
        std::string problem = open_problem(theirs + "/log");
        CPPUNIT_ASSERT_MESSAGE(problem, contains(problem, "directory " + theirs + " is owned by "));

        CPPUNIT_ASSERT_EQUAL(0, symlink(dir.file("target").c_str(), dir.file("planted").c_str()));
        CPPUNIT_ASSERT_EQUAL(0, lchown(dir.file("planted").c_str(), kStranger, -1));
        problem = open_problem(dir.file("planted"));
        CPPUNIT_ASSERT_MESSAGE(problem, contains(problem, dir.file("planted") + " is a symbolic link owned by "));
        CPPUNIT_ASSERT(access(dir.file("target").c_str(), F_OK) != 0);   // never created through it
        std::string error;
        CPPUNIT_ASSERT(!reach_trusted_directory(dir.file("planted"), FinalLink::Keep, &error));

        const std::string shared = dir.file("shared");
        CPPUNIT_ASSERT_EQUAL(0, mkdir(shared.c_str(), 0755));
        CPPUNIT_ASSERT_EQUAL(0, chmod(shared.c_str(), 01777));
        make_file(shared + "/log");
        CPPUNIT_ASSERT_EQUAL(0, chown((shared + "/log").c_str(), kStranger, -1));
        problem = open_problem(shared + "/log");
        CPPUNIT_ASSERT_MESSAGE(problem, contains(problem, "a directory other users can write to: mpmd does not write "
                                                          "as root to a file another user made"));
        CPPUNIT_ASSERT_EQUAL(0, chown(theirs.c_str(), 0, -1));   // TempDir removes what it can
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TrustedPathTest);
