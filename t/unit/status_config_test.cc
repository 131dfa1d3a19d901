// The [status] directives: defaults, the allow-list (IPv4, IPv6, IPv4-mapped clients, CIDR
// ranges, Require local/all) and file:line errors for bad values.
#include "log_test_support.h"   // test::TempDir
#include "shared/status/status_config.h"

#include <cppunit/extensions/HelperMacros.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdio>
#include <cstring>

using namespace mpmd;

namespace {

sockaddr_storage client(const char* text)
{
    sockaddr_storage address{};
    if (std::strchr(text, ':')) {
        auto& v6 = reinterpret_cast<sockaddr_in6&>(address);
        v6.sin6_family = AF_INET6;
        inet_pton(AF_INET6, text, &v6.sin6_addr);
    } else {
        auto& v4 = reinterpret_cast<sockaddr_in&>(address);
        v4.sin_family = AF_INET;
        inet_pton(AF_INET, text, &v4.sin_addr);
    }
    return address;
}

struct Loaded {
    Config config;
    StatusConfig status;
    std::vector<ConfigMessage> errors;
};

Loaded load(const std::string& text)
{
    test::TempDir dir;
    const std::string path = dir.file("mpmd.conf");
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    LoadOptions options;
    options.path = path;
    Loaded out;
    out.config = Config::load(options, {core_directive_table(), status_directive_table()});
    out.errors = out.config.errors();
    out.status = StatusConfig::from(out.config, &out.errors);
    for (ConfigMessage& m : out.errors)
        m.file = "mpmd.conf";
    return out;
}

} // namespace

class StatusConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusConfigTest);
    CPPUNIT_TEST(defaults_allow_loopback_only);
    CPPUNIT_TEST(cidr_ranges_of_both_families);
    CPPUNIT_TEST(mapped_clients_match_ipv4_ranges);
    CPPUNIT_TEST(require_local_and_all);
    CPPUNIT_TEST(locations_and_extended_status);
    CPPUNIT_TEST(bad_values_are_located_errors);
    CPPUNIT_TEST(range_parsing);
    CPPUNIT_TEST_SUITE_END();

public:
    void defaults_allow_loopback_only()
    {
        const Loaded l = load("[status]\n");
        CPPUNIT_ASSERT(l.errors.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("/server-status"), l.status.location);
        CPPUNIT_ASSERT_EQUAL(std::string(), l.status.metrics_location);
        CPPUNIT_ASSERT(l.status.extended_status);
        CPPUNIT_ASSERT(l.status.allows(client("127.0.0.1")));
        CPPUNIT_ASSERT(l.status.allows(client("::1")));
        CPPUNIT_ASSERT(l.status.allows(client("::ffff:127.0.0.1")));
        CPPUNIT_ASSERT(!l.status.allows(client("127.0.0.2")));
        CPPUNIT_ASSERT(!l.status.allows(client("192.0.2.1")));
        CPPUNIT_ASSERT(!l.status.allows(client("::2")));
    }

    void cidr_ranges_of_both_families()
    {
        const Loaded l = load("[status]\nRequire = ip 10.0.0.0/8 192.0.2.128/25 2001:db8::/32\n");
        CPPUNIT_ASSERT(l.errors.empty());
        CPPUNIT_ASSERT(l.status.allows(client("10.255.1.2")));
        CPPUNIT_ASSERT(!l.status.allows(client("11.0.0.1")));
        CPPUNIT_ASSERT(l.status.allows(client("192.0.2.200")));
        CPPUNIT_ASSERT(!l.status.allows(client("192.0.2.127")));
        CPPUNIT_ASSERT(l.status.allows(client("2001:db8:ffff::1")));
        CPPUNIT_ASSERT(!l.status.allows(client("2001:db9::1")));
        // The first Require replaces the default.
        CPPUNIT_ASSERT(!l.status.allows(client("127.0.0.1")));
    }

    void mapped_clients_match_ipv4_ranges()
    {
        const Loaded l = load("[status]\nRequire = ip 10.1.0.0/16\nRequire = ip ::ffff:172.16.0.0/108\n");
        CPPUNIT_ASSERT(l.errors.empty());
        CPPUNIT_ASSERT(l.status.allows(client("::ffff:10.1.2.3")));
        CPPUNIT_ASSERT(!l.status.allows(client("::ffff:10.2.2.3")));
        // A mapped range is an IPv4 range: plain IPv4 clients match it too.
        CPPUNIT_ASSERT(l.status.allows(client("172.16.9.9")));
        CPPUNIT_ASSERT(!l.status.allows(client("172.32.0.1")));
    }

    void require_local_and_all()
    {
        CPPUNIT_ASSERT(load("[status]\nRequire = local\n").status.allows(client("127.8.9.10")));
        CPPUNIT_ASSERT(!load("[status]\nRequire = local\n").status.allows(client("192.0.2.1")));
        const Loaded all = load("[status]\nRequire = all granted\n");
        CPPUNIT_ASSERT(all.status.allows(client("203.0.113.9")));
        CPPUNIT_ASSERT(all.status.allows(client("2001:db8::9")));
        const Loaded none = load("[status]\nRequire = all denied\n");
        CPPUNIT_ASSERT(none.errors.empty());
        CPPUNIT_ASSERT(!none.status.allows(client("127.0.0.1")));
        sockaddr_storage unix_client{};
        unix_client.ss_family = AF_UNIX;
        CPPUNIT_ASSERT(!all.status.allows(unix_client));
    }

    void locations_and_extended_status()
    {
        const Loaded l = load("[status]\nStatusLocation = /status\nMetricsLocation = /metrics\n"
                              "ExtendedStatus = off\n");
        CPPUNIT_ASSERT(l.errors.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("/status"), l.status.location);
        CPPUNIT_ASSERT_EQUAL(std::string("/metrics"), l.status.metrics_location);
        CPPUNIT_ASSERT(!l.status.extended_status);
        const Loaded off = load("[status]\nStatusLocation = \"\"\n");
        CPPUNIT_ASSERT(off.errors.empty());
        CPPUNIT_ASSERT_EQUAL(std::string(), off.status.location);
    }

    void bad_values_are_located_errors()
    {
        Loaded l = load("[status]\nRequire = ip 10.0.0.300\nRequire = ip 10.0.0.1/8\n"
                              "Require = ip ::1/129\nRequire = host example.org\n"
                              "StatusLocation = status\n");
        CPPUNIT_ASSERT_EQUAL(size_t(5), l.errors.size());
        sort_messages(&l.errors);
        CPPUNIT_ASSERT_EQUAL(std::string("mpmd.conf:2: [status] Require: \"10.0.0.300\" is not an "
                                         "IPv4 or IPv6 address (allowed: an address or CIDR range, "
                                         "e.g. 192.0.2.0/24, 2001:db8::/32, ::1)"),
                             l.errors[0].str());
        CPPUNIT_ASSERT_EQUAL(std::string("mpmd.conf:3: [status] Require: \"10.0.0.1/8\" has bits "
                                         "set after its /8 prefix (allowed: an address or CIDR "
                                         "range, e.g. 192.0.2.0/24, 2001:db8::/32, ::1)"),
                             l.errors[1].str());
        CPPUNIT_ASSERT(l.errors[2].str().find("mpmd.conf:4: [status] Require: \"129\" is not a "
                                              "prefix length 0..128") == 0);
        CPPUNIT_ASSERT(l.errors[3].str().find("mpmd.conf:5: [status] Require: \"host example.org\" "
                                              "is not a supported Require (allowed: ip ") == 0);
        CPPUNIT_ASSERT(l.errors[4].str().find("mpmd.conf:6: [status] StatusLocation: \"status\" "
                                              "is not a URL path") == 0);
        CPPUNIT_ASSERT(!l.status.allows(client("10.0.0.1")));
    }

    void range_parsing()
    {
        std::string problem;
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.0/24"),
                             parse_address_range("192.0.2.0/24", &problem)->text());
        CPPUNIT_ASSERT_EQUAL(std::string("::1"), parse_address_range("::1", &problem)->text());
        CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.0/8"),
                             parse_address_range("::ffff:10.0.0.0/104", &problem)->text());
        CPPUNIT_ASSERT(!parse_address_range("192.0.2.0/", &problem));
        CPPUNIT_ASSERT(!parse_address_range("192.0.2.0/+8", &problem));
        CPPUNIT_ASSERT(!parse_address_range("example.org", &problem));
        CPPUNIT_ASSERT(parse_address_range("0.0.0.0/0", &problem)->contains(client("198.51.100.1")));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatusConfigTest);
