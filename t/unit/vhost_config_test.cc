// Unit tests of name-based virtual hosts: [vhost:NAME] sections read into ServerConfig::vhosts
// (own values, the rest from [server]), their errors at file:line, the choice of a vhost by
// host name (host_name.h's matching) and Config::dump of the sections.
// Runs in: the unit-test process only.
#include "config_test_support.h"
#include "shared/host_name.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>

namespace mpmd {

using config_test::assert_messages;
using config_test::after_base;
using config_test::ServerRootDir;

namespace {

// Two vhosts after the base [server]: www (line base+2) and shop (line base+7).
std::string two_vhosts()
{
    return "DotFiles = Allow\n"                      // +1 ([server], inherited by www)
           "[vhost:www]\n"                           // +2
           "ServerName = WWW.Example.COM:8080\n"     // +3
           "ServerAlias = example.com\n"             // +4
           "ServerAlias = *.example.org w?.example.net\n"   // +5
           "DocumentRoot = www\n"                    // +6
           "[vhost:shop]\n"                          // +7
           "ServerName = shop.example.com\n"         // +8
           "DocumentRoot = shop\n"                   // +9
           "DirectoryIndex = start.html\n"           // +10
           "DotFiles = DenyHt\n";                    // +11
}

} // namespace

class VhostConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(VhostConfigTest);
    CPPUNIT_TEST(sections_become_vhosts_in_file_order);
    CPPUNIT_TEST(requests_choose_by_name_alias_or_the_first);
    CPPUNIT_TEST(without_vhosts_the_server_answers);
    CPPUNIT_TEST(section_errors_name_their_line);
    CPPUNIT_TEST(key_errors_name_their_line);
    CPPUNIT_TEST(vhost_document_root_is_checked);
    CPPUNIT_TEST(dump_writes_the_sections_back);
    CPPUNIT_TEST(host_without_port_forms);
    CPPUNIT_TEST(host_patterns);
    CPPUNIT_TEST_SUITE_END();

public:
    void sections_become_vhosts_in_file_order()
    {
        ServerRootDir dir;
        dir.make_dir("www");
        dir.make_dir("shop");
        const LoadedConfig c = dir.load(two_vhosts());
        assert_messages({}, c.errors);
        const std::vector<VirtualHost>& v = c.server.vhosts;
        CPPUNIT_ASSERT_EQUAL(size_t(2), v.size());
        CPPUNIT_ASSERT_EQUAL(std::string("www"), v[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("WWW.Example.COM"), v[0].server_name);
        CPPUNIT_ASSERT(v[0].aliases == (std::vector<std::string>{"example.com", "*.example.org", "w?.example.net"}));
        CPPUNIT_ASSERT_EQUAL(dir.file("www"), v[0].document_root);
        CPPUNIT_ASSERT_EQUAL(dir.conf(), v[0].file);
        CPPUNIT_ASSERT_EQUAL(ServerRootDir::kBaseLines + 2, v[0].line);
        // Unset in www: the server's.
        CPPUNIT_ASSERT(v[0].directory_index == std::vector<std::string>{"index.html"});
        CPPUNIT_ASSERT(v[0].file_access.dot_files == DotFiles::Allow);
        CPPUNIT_ASSERT_EQUAL(std::string("shop"), v[1].name);
        CPPUNIT_ASSERT_EQUAL(dir.file("shop"), v[1].document_root);
        CPPUNIT_ASSERT(v[1].directory_index == std::vector<std::string>{"start.html"});
        CPPUNIT_ASSERT(v[1].file_access.dot_files == DotFiles::DenyHt);
        CPPUNIT_ASSERT(v[1].aliases.empty());
        // The server's own settings are untouched by the sections.
        CPPUNIT_ASSERT_EQUAL(dir.file("htdocs"), c.server.document_root);
        CPPUNIT_ASSERT(c.server.file_access.dot_files == DotFiles::Allow);
    }

    void requests_choose_by_name_alias_or_the_first()
    {
        ServerRootDir dir;
        dir.make_dir("www");
        dir.make_dir("shop");
        const LoadedConfig c = dir.load(two_vhosts());
        const ServerConfig& s = c.server;
        const auto chosen = [&](std::string_view host) { return s.find_vhost(host)->name; };
        CPPUNIT_ASSERT_EQUAL(std::string("www"), chosen("www.example.com"));
        CPPUNIT_ASSERT_EQUAL(std::string("shop"), chosen("SHOP.example.COM"));
        CPPUNIT_ASSERT_EQUAL(std::string("www"), chosen("example.com"));
        CPPUNIT_ASSERT_EQUAL(std::string("www"), chosen("a.b.example.org"));
        CPPUNIT_ASSERT_EQUAL(std::string("www"), chosen("w1.example.net"));
        // None matches: the first section is the default, as in Apache.
        CPPUNIT_ASSERT_EQUAL(std::string("www"), chosen("example.org"));       // *. needs a label
        CPPUNIT_ASSERT_EQUAL(std::string("www"), chosen("w12.example.net"));
        CPPUNIT_ASSERT_EQUAL(std::string("www"), chosen(""));
        CPPUNIT_ASSERT_EQUAL(std::string("www"), chosen("shop.example.com.evil"));
        const HostSettings shop = s.settings_of(s.find_vhost("shop.example.com"));
        CPPUNIT_ASSERT_EQUAL(dir.file("shop"), shop.document_root);
        CPPUNIT_ASSERT_EQUAL(std::string("shop.example.com"), shop.server_name);
    }

    void without_vhosts_the_server_answers()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("ServerName = main.example\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT(c.server.find_vhost("main.example") == nullptr);
        const HostSettings host = c.server.settings_of(c.server.find_vhost("anything"));
        CPPUNIT_ASSERT_EQUAL(dir.file("htdocs"), host.document_root);
        CPPUNIT_ASSERT_EQUAL(std::string("main.example"), host.server_name);
    }

    void section_errors_name_their_line()
    {
        ServerRootDir dir;
        dir.make_dir("www");
        const LoadedConfig c = dir.load("[vhost]\n"                       // +1
                                        "DocumentRoot = www\n"            // +2 dropped
                                        "[vhost:bad/name]\n"              // +3
                                        "[vhost:www]\n"                   // +4
                                        "ServerName = www.example.com\n"  // +5
                                        "[VHOST:WWW]\n"                   // +6
                                        "DocumentRoot = www\n"            // +7 dropped
                                        "[vhost:]\n");                    // +8
        assert_messages({after_base(dir, 1) + "[vhost]: a virtual host's section needs its name: write [vhost:NAME], "
                                      "e.g. [vhost:www.example.com]",
                         after_base(dir, 3) + "[vhost:bad/name]: a vhost's name is letters, digits, '.', '-' and '_' "
                                      "(e.g. [vhost:www.example.com])",
                         after_base(dir, 6) + "[vhost:WWW]: defined twice (first on line " +
                             std::to_string(ServerRootDir::kBaseLines + 4) +
                             "); give each virtual host a section of its own",
                         after_base(dir, 8) + "[vhost:]: a vhost's name is letters, digits, '.', '-' and '_' "
                                      "(e.g. [vhost:www.example.com])"},
                        c.errors);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.server.vhosts.size());
    }

    void key_errors_name_their_line()
    {
        ServerRootDir dir;
        dir.make_dir("www");
        const LoadedConfig c = dir.load("ServerAlias = x.example\n"       // +1 (in [server])
                                        "[vhost:a]\n"                     // +2
                                        "ServerName = a.example\n"        // +3
                                        "Timeout = 5\n"                   // +4
                                        "DocumentRot = www\n"             // +5
                                        "ServerName = again.example\n"    // +6
                                        "DotFiles = Sometimes\n"          // +7
                                        "[vhost:b]\n"                     // +8
                                        "ServerName = A.example:80\n");   // +9
        const std::string a = std::to_string(ServerRootDir::kBaseLines + 2);
        assert_messages({after_base(dir, 1) + "[server] ServerAlias: belongs in a [vhost:NAME] section, not in [server]",
                         after_base(dir, 4) + "[vhost:a] Timeout: is not set per virtual host: set it in [server]",
                         after_base(dir, 5) + "[vhost:a] DocumentRot: unknown directive (did you mean DocumentRoot?)",
                         after_base(dir, 6) + "[vhost:a] ServerName: set twice (first on line " +
                             std::to_string(ServerRootDir::kBaseLines + 3) +
                             "); only repeatable directives may be given more than once",
                         after_base(dir, 7) + "[vhost:a] DotFiles: \"Sometimes\" is not allowed (allowed: Deny, DenyHt, Allow)",
                         after_base(dir, 9) + "[vhost:b] ServerName: A.example is already [vhost:a]'s (line " + a +
                             "): requests for it would never reach this vhost"},
                        c.errors);
    }

    void vhost_document_root_is_checked()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[vhost:a]\nServerName = a.example\nDocumentRoot = missing\n");
        assert_messages({after_base(dir, 3) + "[vhost:a] DocumentRoot: " + dir.file("missing") + ": No such file or directory"},
                        c.errors);
    }

    void dump_writes_the_sections_back()
    {
        ServerRootDir dir;
        dir.make_dir("www");
        dir.make_dir("shop");
        const LoadedConfig c = dir.load(two_vhosts());
        const std::string dump = c.raw.dump();
        // In table order within a section.
        const std::string want = "\n[vhost:www]\nDocumentRoot = " + dir.file("www") +
                                 "\nServerName = WWW.Example.COM:8080\nServerAlias = example.com\n"
                                 "ServerAlias = *.example.org w?.example.net\n\n[vhost:shop]\n";
        CPPUNIT_ASSERT_MESSAGE(dump, dump.find(want) != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(dump, dump.find("[vhost]") == std::string::npos);
        // What dump writes loads again to the same hosts.
        const std::string again = dir.write("again.conf", dump);
        LoadOptions options;
        options.path = again;
        const LoadedConfig reloaded = load_config(options);
        CPPUNIT_ASSERT_EQUAL(size_t(2), reloaded.server.vhosts.size());
        CPPUNIT_ASSERT_EQUAL(dir.file("shop"), reloaded.server.vhosts[1].document_root);
    }

    void host_without_port_forms()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("Example.COM"), std::string(host_without_port("Example.COM:8080")));
        CPPUNIT_ASSERT_EQUAL(std::string("example.com"), std::string(host_without_port("example.com.")));
        CPPUNIT_ASSERT_EQUAL(std::string("example.com"), std::string(host_without_port("example.com.:80")));
        CPPUNIT_ASSERT_EQUAL(std::string("[::1]"), std::string(host_without_port("[::1]:80")));
        CPPUNIT_ASSERT_EQUAL(std::string("[::1]"), std::string(host_without_port("[::1]")));
        CPPUNIT_ASSERT_EQUAL(std::string(""), std::string(host_without_port("")));
    }

    void host_patterns()
    {
        CPPUNIT_ASSERT(host_matches("example.com", "EXAMPLE.com"));
        CPPUNIT_ASSERT(!host_matches("example.com", "example.co"));
        CPPUNIT_ASSERT(!host_matches("example.com", "example.comm"));
        CPPUNIT_ASSERT(host_matches("*.example.com", "a.example.com"));
        CPPUNIT_ASSERT(host_matches("*.example.com", "a.b.example.com"));
        CPPUNIT_ASSERT(!host_matches("*.example.com", "example.com"));
        CPPUNIT_ASSERT(host_matches("*", ""));
        CPPUNIT_ASSERT(host_matches("w?w.*.org", "wxw.a.org"));
        CPPUNIT_ASSERT(!host_matches("w?w.*.org", "ww.a.org"));
        CPPUNIT_ASSERT(host_matches("*a*b*c", "xxaxxbxxbxxc"));
        CPPUNIT_ASSERT(!host_matches("*a*b*c", "xxaxxcxxb"));
        // A long hostile name against many stars ends quickly (one backtrack point).
        CPPUNIT_ASSERT(!host_matches("*a*a*a*a*a*a*a*b", std::string(4000, 'a')));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(VhostConfigTest);

} // namespace mpmd
