// SelfExec: argv[0] resolved as the binary upgrade will execute it (absolute as given,
// relative to the start-up directory, or searched in PATH like execvp), never through
// /proc/self/exe.
#include "master/self_exec.h"

#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <set>

using namespace mpmd;

namespace {

// An executable() that knows exactly these files.
std::function<bool(const std::string&)> only(std::set<std::string> files)
{
    return [files](const std::string& path) { return files.count(path) > 0; };
}

} // namespace

class SelfExecTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SelfExecTest);
    CPPUNIT_TEST(absolute_and_relative_paths);
    CPPUNIT_TEST(path_search_order_and_empty_entries);
    CPPUNIT_TEST(unresolvable_names_say_why);
    CPPUNIT_TEST(records_argv_of_this_process);
    CPPUNIT_TEST_SUITE_END();

public:
    void absolute_and_relative_paths()
    {
        std::string problem;
        const auto none = only({});
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/sbin/mpmd"),
                             resolve_executable("/usr/sbin/mpmd", "/tmp", "/bin", none, &problem));
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/build/src/mpmd"),
                             resolve_executable("src/mpmd", "/srv/build", "/bin", none, &problem));
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/build/./mpmd"),
                             resolve_executable("./mpmd", "/srv/build/", "/bin", none, &problem));
        CPPUNIT_ASSERT(problem.empty());
    }

    void path_search_order_and_empty_entries()
    {
        std::string problem;
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/sbin/mpmd"),
                             resolve_executable("mpmd", "/", "/usr/local/bin:/usr/sbin:/sbin",
                                                only({"/usr/sbin/mpmd", "/sbin/mpmd"}), &problem));
        // An empty PATH entry is the current directory, as for execvp(3).
        CPPUNIT_ASSERT_EQUAL(std::string("/home/me/mpmd"),
                             resolve_executable("mpmd", "/home/me", "/usr/bin::/sbin",
                                                only({"/home/me/mpmd", "/sbin/mpmd"}), &problem));
        CPPUNIT_ASSERT_EQUAL(std::string("/opt/x/bin/mpmd"),
                             resolve_executable("mpmd", "/opt/x", "bin", only({"/opt/x/bin/mpmd"}), &problem));
    }

    void unresolvable_names_say_why()
    {
        std::string problem;
        CPPUNIT_ASSERT_EQUAL(std::string(), resolve_executable("mpmd", "/", "/a:/b", only({"/c/mpmd"}), &problem));
        CPPUNIT_ASSERT(problem.find("not an executable file in any PATH directory (/a:/b)") != std::string::npos);
        problem.clear();
        CPPUNIT_ASSERT_EQUAL(std::string(), resolve_executable("", "/", "/bin", only({}), &problem));
        CPPUNIT_ASSERT_EQUAL(std::string("argv[0] is empty"), problem);
        problem.clear();
        CPPUNIT_ASSERT_EQUAL(std::string(), resolve_executable("x/mpmd", "", "/bin", only({}), &problem));
        CPPUNIT_ASSERT(problem.find("start-up directory is unknown") != std::string::npos);
    }

    void records_argv_of_this_process()
    {
        char a0[] = "/no/such/dir/mpmd", a1[] = "-f", a2[] = "/etc/mpmd.conf";
        char* argv[] = {a0, a1, a2, nullptr};
        const SelfExec self = record_self_exec(3, argv);
        CPPUNIT_ASSERT_EQUAL(std::string("/no/such/dir/mpmd"), self.path);
        CPPUNIT_ASSERT_EQUAL(size_t(3), self.argv.size());
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/mpmd.conf"), self.argv[2]);
        char cwd[4096];
        CPPUNIT_ASSERT_EQUAL(std::string(getcwd(cwd, sizeof cwd)), self.cwd);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SelfExecTest);
