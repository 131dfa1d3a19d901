// PidFile (pid_file.h): written whole through a temporary name and rename(2), so a link at
// the path is replaced and never written through; read only when trusted (a file another
// user owns is refused: mpmd -k would signal the pid it names); removed only while it names
// the caller. The cases with another owner run only as root, as make check does.
#include "log_test_support.h"   // test::TempDir, read_file
#include "master/pid_file.h"

#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>
#include <unistd.h>

#include <string>

using namespace mpmd;

class PidFileTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PidFileTest);
    CPPUNIT_TEST(written_read_and_removed);
    CPPUNIT_TEST(a_link_is_replaced_not_followed);
    CPPUNIT_TEST(a_file_of_another_user_is_not_trusted);
    CPPUNIT_TEST_SUITE_END();

public:
    void written_read_and_removed()
    {
        test::TempDir dir;
        const std::string path = dir.file("mpmd.pid");
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, check_pid_file(path, &error));
        CPPUNIT_ASSERT_MESSAGE(error, write_pid_file(path, 4242, &error));
        CPPUNIT_ASSERT_EQUAL(std::string("4242\n"), test::read_file(path));
        struct stat st {};
        CPPUNIT_ASSERT_EQUAL(0, stat(path.c_str(), &st));
        CPPUNIT_ASSERT_EQUAL(0644, int(st.st_mode & 07777));
        CPPUNIT_ASSERT_EQUAL(pid_t(4242), read_pid_file(path, &error));
        remove_pid_file(path, 4243);
        CPPUNIT_ASSERT_EQUAL(0, access(path.c_str(), F_OK));
        remove_pid_file(path, 4242);
        CPPUNIT_ASSERT(access(path.c_str(), F_OK) != 0);
        CPPUNIT_ASSERT_EQUAL(pid_t(0), read_pid_file(path, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("No such file or directory") != std::string::npos);
    }

    void a_link_is_replaced_not_followed()
    {
        test::TempDir dir;
        const std::string path = dir.file("mpmd.pid"), target = dir.file("target");
        CPPUNIT_ASSERT_EQUAL(0, symlink(target.c_str(), path.c_str()));
        std::string error;
        CPPUNIT_ASSERT_EQUAL(pid_t(0), read_pid_file(path, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("symbolic link") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(error, write_pid_file(path, 4242, &error));
        struct stat st {};
        CPPUNIT_ASSERT_EQUAL(0, lstat(path.c_str(), &st));
        CPPUNIT_ASSERT(S_ISREG(st.st_mode));
        CPPUNIT_ASSERT(access(target.c_str(), F_OK) != 0);
    }

    void a_file_of_another_user_is_not_trusted()
    {
        if (geteuid() != 0)
            return;
        test::TempDir dir;
        const std::string path = dir.file("mpmd.pid");
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, write_pid_file(path, 4242, &error));
        CPPUNIT_ASSERT_EQUAL(0, chown(path.c_str(), 65534, 65534));
        CPPUNIT_ASSERT_EQUAL(pid_t(0), read_pid_file(path, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("is not trusted: it is owned by ") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(0, chmod(dir.path().c_str(), 01777));
        CPPUNIT_ASSERT(!check_pid_file(path, &error));   // in a sticky directory: refused outright
        CPPUNIT_ASSERT_MESSAGE(error, error.find("a directory other users can write to") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PidFileTest);
