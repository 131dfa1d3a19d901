// mpmctl's command line: each command, -f and -d in any position, the mpmd arguments the
// server commands hand over, and the usage errors.
#include "ctl/ctl_command_line.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace mpmd;

namespace {

using Args = std::vector<std::string>;

CtlCommandLine parsed(const Args& args)
{
    CtlCommandLine line;
    std::string error;
    CPPUNIT_ASSERT_MESSAGE(error, parse_ctl_command_line(args, &line, &error));
    return line;
}

std::string problem(const Args& args)
{
    CtlCommandLine line;
    std::string error;
    CPPUNIT_ASSERT(!parse_ctl_command_line(args, &line, &error));
    return error;
}

} // namespace

class CtlCommandLineTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CtlCommandLineTest);
    CPPUNIT_TEST(server_commands_become_mpmd_k);
    CPPUNIT_TEST(configtest_is_mpmd_t);
    CPPUNIT_TEST(status_and_top_read_the_scoreboard);
    CPPUNIT_TEST(usage_errors);
    CPPUNIT_TEST_SUITE_END();

public:
    void server_commands_become_mpmd_k()
    {
        for (const char* verb : {"start", "stop", "restart", "graceful", "graceful-stop"}) {
            const CtlCommandLine line = parsed({verb, "-f", "/etc/x.conf"});
            CPPUNIT_ASSERT(line.command == CtlCommand::Control);
            CPPUNIT_ASSERT(mpmd_arguments(line) == (Args{"-k", verb, "-f", "/etc/x.conf"}));
        }
        const CtlCommandLine line = parsed({"-d", "/srv", "graceful", "-f", "a.conf"});
        CPPUNIT_ASSERT(mpmd_arguments(line) == (Args{"-k", "graceful", "-f", "a.conf", "-d", "/srv"}));
    }

    void configtest_is_mpmd_t()
    {
        const CtlCommandLine line = parsed({"configtest"});
        CPPUNIT_ASSERT(line.command == CtlCommand::ConfigTest);
        CPPUNIT_ASSERT(mpmd_arguments(line) == Args{"-t"});
    }

    void status_and_top_read_the_scoreboard()
    {
        CPPUNIT_ASSERT(parsed({"status"}).command == CtlCommand::Status);
        const CtlCommandLine top = parsed({"top", "-f", "m.conf"});
        CPPUNIT_ASSERT(top.command == CtlCommand::Top);
        CPPUNIT_ASSERT_EQUAL(std::string("m.conf"), top.config_file);
        CPPUNIT_ASSERT(parsed({"-h"}).command == CtlCommand::Help);
    }

    void usage_errors()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("no command given"), problem({}));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown command \"reload\""), problem({"reload"}));
        CPPUNIT_ASSERT_EQUAL(std::string("option -f needs an argument"), problem({"status", "-f"}));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown option -x"), problem({"status", "-x"}));
        CPPUNIT_ASSERT(problem({"status", "top"}).find("one command at a time") == 0);
        CPPUNIT_ASSERT(ctl_usage("mpmctl").find("graceful-stop") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CtlCommandLineTest);
