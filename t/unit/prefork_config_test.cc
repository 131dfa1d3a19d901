// Unit tests of PreforkConfig: defaults, Apache's adjustments with their warnings (texts and
// file:line), MinSpareServers > MaxSpareServers as an error, and load_config's whole result.
// Runs in: the unit-test process only.
#include "config_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

namespace mpmd {

using config_test::assert_messages;
using config_test::ServerRootDir;

namespace {

// Loads base() + "[mpm_prefork]\n" + `lines`; line 1 of `lines` is the returned file's
// line kFirst.
constexpr int kFirst = ServerRootDir::kBaseLines + 2;

LoadedConfig load_prefork(const ServerRootDir& dir, const std::string& lines)
{
    return dir.load("[mpm_prefork]\n" + lines);
}

std::string at(const ServerRootDir& dir, int line)
{
    return dir.conf() + ":" + std::to_string(line) + ": [mpm_prefork] ";
}

} // namespace

class PreforkConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PreforkConfigTest);
    CPPUNIT_TEST(defaults_are_apaches);
    CPPUNIT_TEST(values_are_read);
    CPPUNIT_TEST(server_limit_above_the_ceiling_is_lowered);
    CPPUNIT_TEST(server_limit_below_one_is_raised);
    CPPUNIT_TEST(max_request_workers_above_server_limit_is_lowered);
    CPPUNIT_TEST(lowered_by_a_default_points_at_server_limit);
    CPPUNIT_TEST(max_request_workers_below_one_is_raised);
    CPPUNIT_TEST(min_spare_below_one_is_raised);
    CPPUNIT_TEST(min_spare_above_max_spare_is_an_error);
    CPPUNIT_TEST(equal_spares_raise_max_spare);
    CPPUNIT_TEST(start_servers_is_clamped_silently);
    CPPUNIT_TEST(negative_is_out_of_range);
    CPPUNIT_TEST(prefork_key_in_server_section);
    CPPUNIT_TEST(tables_of_this_build);
    CPPUNIT_TEST_SUITE_END();

public:
    void defaults_are_apaches()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("");
        assert_messages({}, c.errors);
        assert_messages({}, c.warnings);
        CPPUNIT_ASSERT(c.ok());
        CPPUNIT_ASSERT_EQUAL(5, c.prefork.start_servers);
        CPPUNIT_ASSERT_EQUAL(5, c.prefork.min_spare_servers);
        CPPUNIT_ASSERT_EQUAL(10, c.prefork.max_spare_servers);
        CPPUNIT_ASSERT_EQUAL(256, c.prefork.max_request_workers);
        CPPUNIT_ASSERT_EQUAL(256, c.prefork.server_limit);
        CPPUNIT_ASSERT_EQUAL(0, c.prefork.max_connections_per_child);
    }

    void values_are_read()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "StartServers = 3\nMinSpareServers = 2\n"
                                                 "MaxSpareServers = 6\nMaxRequestWorkers = 40\n"
                                                 "ServerLimit = 50\nMaxConnectionsPerChild = 1000\n"
                                                 "MaxConnectionsPerChildJitter = 100\n");
        assert_messages({}, c.errors);
        assert_messages({}, c.warnings);
        CPPUNIT_ASSERT_EQUAL(3, c.prefork.start_servers);
        CPPUNIT_ASSERT_EQUAL(2, c.prefork.min_spare_servers);
        CPPUNIT_ASSERT_EQUAL(6, c.prefork.max_spare_servers);
        CPPUNIT_ASSERT_EQUAL(40, c.prefork.max_request_workers);
        CPPUNIT_ASSERT_EQUAL(50, c.prefork.server_limit);
        CPPUNIT_ASSERT_EQUAL(1000, c.prefork.max_connections_per_child);
        CPPUNIT_ASSERT_EQUAL(100, c.prefork.max_connections_per_child_jitter);
    }

    void server_limit_above_the_ceiling_is_lowered()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "ServerLimit = 30000\nMaxRequestWorkers = 30000\n");
        assert_messages({}, c.errors);
        assert_messages({at(dir, kFirst) + "ServerLimit: ServerLimit of 30000 exceeds compile-time "
                                           "limit of 20000 servers, decreasing to 20000.",
                         at(dir, kFirst + 1) + "MaxRequestWorkers: MaxRequestWorkers of 30000 "
                                               "exceeds ServerLimit value of 20000 servers, "
                                               "decreasing MaxRequestWorkers to 20000. To increase, "
                                               "please see the ServerLimit directive."},
                        c.warnings);
        CPPUNIT_ASSERT_EQUAL(20000, c.prefork.server_limit);
        CPPUNIT_ASSERT_EQUAL(20000, c.prefork.max_request_workers);
        CPPUNIT_ASSERT(c.ok());
    }

    void server_limit_below_one_is_raised()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "ServerLimit = 0\nMaxRequestWorkers = 1\n"
                                                 "MinSpareServers = 1\nMaxSpareServers = 2\n");
        assert_messages({at(dir, kFirst) + "ServerLimit: ServerLimit of 0 not allowed, increasing to 1."},
                        c.warnings);
        CPPUNIT_ASSERT_EQUAL(1, c.prefork.server_limit);
        CPPUNIT_ASSERT_EQUAL(1, c.prefork.max_request_workers);
        CPPUNIT_ASSERT_EQUAL(1, c.prefork.start_servers);
    }

    void max_request_workers_above_server_limit_is_lowered()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "MaxRequestWorkers = 300\n");
        assert_messages({at(dir, kFirst) + "MaxRequestWorkers: MaxRequestWorkers of 300 exceeds "
                                           "ServerLimit value of 256 servers, decreasing "
                                           "MaxRequestWorkers to 256. To increase, please see the "
                                           "ServerLimit directive."},
                        c.warnings);
        CPPUNIT_ASSERT_EQUAL(256, c.prefork.max_request_workers);
    }

    void lowered_by_a_default_points_at_server_limit()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "\nServerLimit = 100\n");
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.warnings.size());
        CPPUNIT_ASSERT_EQUAL(kFirst + 1, c.warnings[0].line);
        CPPUNIT_ASSERT_EQUAL(100, c.prefork.max_request_workers);
    }

    void max_request_workers_below_one_is_raised()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "MaxRequestWorkers = 0\n");
        assert_messages({at(dir, kFirst) + "MaxRequestWorkers: MaxRequestWorkers of 0 not allowed, "
                                           "increasing to 1."},
                        c.warnings);
        CPPUNIT_ASSERT_EQUAL(1, c.prefork.max_request_workers);
        CPPUNIT_ASSERT_EQUAL(1, c.prefork.start_servers);
    }

    void min_spare_below_one_is_raised()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "MinSpareServers = 0\n");
        assert_messages({at(dir, kFirst) + "MinSpareServers: MinSpareServers of 0 not allowed, "
                                           "increasing to 1 to avoid almost certain server failure. "
                                           "Please read the documentation."},
                        c.warnings);
        CPPUNIT_ASSERT_EQUAL(1, c.prefork.min_spare_servers);
        CPPUNIT_ASSERT_EQUAL(10, c.prefork.max_spare_servers);
    }

    void min_spare_above_max_spare_is_an_error()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "MaxSpareServers = 8\nMinSpareServers = 9\n");
        assert_messages({at(dir, kFirst + 1) + "MinSpareServers: 9 is greater than MaxSpareServers 8 "
                                               "(allowed: MinSpareServers <= MaxSpareServers)"},
                        c.errors);
        CPPUNIT_ASSERT(!c.ok());
        // MaxSpareServers below the default MinSpareServers: the line is MaxSpareServers'.
        const LoadedConfig d = load_prefork(dir, "MaxSpareServers = 3\n");
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.errors.size());
        CPPUNIT_ASSERT_EQUAL(kFirst, d.errors[0].line);
    }

    void equal_spares_raise_max_spare()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "MinSpareServers = 7\nMaxSpareServers = 7\n");
        assert_messages({}, c.errors);
        assert_messages({at(dir, kFirst + 1) + "MaxSpareServers: MaxSpareServers of 7 must be greater "
                                               "than MinSpareServers of 7, increasing to 8."},
                        c.warnings);
        CPPUNIT_ASSERT_EQUAL(8, c.prefork.max_spare_servers);
    }

    void start_servers_is_clamped_silently()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "StartServers = 500\nMaxRequestWorkers = 20\n");
        assert_messages({}, c.errors);
        assert_messages({}, c.warnings);
        CPPUNIT_ASSERT_EQUAL(20, c.prefork.start_servers);
    }

    void negative_is_out_of_range()
    {
        ServerRootDir dir;
        const LoadedConfig c = load_prefork(dir, "MaxConnectionsPerChild = -1\n");
        assert_messages({at(dir, kFirst) + "MaxConnectionsPerChild: -1 is out of range (allowed: 0 "
                                           "or more connections)"},
                        c.errors);
    }

    void prefork_key_in_server_section()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("ServerLimit = 10\n");
        assert_messages({dir.conf() + ":" + std::to_string(ServerRootDir::kBaseLines + 1) +
                         ": [server] ServerLimit: belongs in [mpm_prefork], not in [server]"},
                        c.errors);
    }

    void tables_of_this_build()
    {
        const DirectiveTables tables = all_directive_tables();
        CPPUNIT_ASSERT_EQUAL(size_t(5), tables.size());
        CPPUNIT_ASSERT_EQUAL(std::string_view("core"), tables[0].module);
        CPPUNIT_ASSERT_EQUAL(std::string_view("mpm_prefork"), tables[1].module);
        CPPUNIT_ASSERT_EQUAL(size_t(7), tables[1].count);
        for (const Directive& d : tables[1])
            CPPUNIT_ASSERT_EQUAL(kPreforkSection, d.section);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PreforkConfigTest);

} // namespace mpmd
