// Unit tests of ServerConfig: typed values of [server] [log] [modules], paths against
// ServerRoot and -d, Listen forms, the checks that need the system (DocumentRoot, TypesConfig,
// User, Group) and LogFormat / CustomLog resolution.
// Runs in: the unit-test process only.
#include "config_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace mpmd {

using config_test::assert_messages;
using config_test::after_base;
using config_test::ServerRootDir;

class ServerConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ServerConfigTest);
    CPPUNIT_TEST(typed_values);
    CPPUNIT_TEST(defaults);
    CPPUNIT_TEST(listen_forms);
    CPPUNIT_TEST(listen_twice_or_overlapping_is_an_error);
    CPPUNIT_TEST(relative_paths_resolve_against_server_root);
    CPPUNIT_TEST(dash_d_overrides_server_root);
    CPPUNIT_TEST(dash_d_must_be_a_directory);
    CPPUNIT_TEST(missing_document_root);
    CPPUNIT_TEST(document_root_that_is_a_file);
    CPPUNIT_TEST(unreadable_types_config);
    CPPUNIT_TEST(unknown_user_and_group);
    CPPUNIT_TEST(numeric_user_and_group);
    CPPUNIT_TEST(log_levels_map_to_the_enum);
    CPPUNIT_TEST(server_tokens_map_to_the_enum);
    CPPUNIT_TEST(built_in_log_formats);
    CPPUNIT_TEST(log_format_adds_and_overrides_nicknames);
    CPPUNIT_TEST(custom_log_takes_nickname_or_literal);
    CPPUNIT_TEST(custom_log_unknown_nickname);
    CPPUNIT_TEST(log_format_nickname_without_percent);
    CPPUNIT_TEST(log_formats_are_compiled_at_their_lines);
    CPPUNIT_TEST(load_module_entries_are_kept);
    CPPUNIT_TEST(defines_are_carried_through);
    CPPUNIT_TEST_SUITE_END();

public:
    void typed_values()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Timeout = 30\nKeepAlive = Off\nKeepAliveTimeout = 2\n"
                                        "MaxKeepAliveRequests = 0\nListenBacklog = 64\n"
                                        "GracefulShutdownTimeout = 10\nRequestTimeout = 7\n"
                                        "MaxRanges = none\nServerName = example.org\n"
                                        "User = root\nGroup = root\n[log]\nErrorLog = logs/error\n");
        assert_messages({}, c.errors);
        const ServerConfig& s = c.server;
        CPPUNIT_ASSERT_EQUAL(30, s.timeout);
        CPPUNIT_ASSERT_EQUAL(false, s.keep_alive);
        CPPUNIT_ASSERT_EQUAL(2, s.keep_alive_timeout);
        CPPUNIT_ASSERT_EQUAL(0, s.max_keep_alive_requests);
        CPPUNIT_ASSERT_EQUAL(64, s.listen_backlog);
        CPPUNIT_ASSERT_EQUAL(10, s.graceful_shutdown_timeout);
        CPPUNIT_ASSERT_EQUAL(7, s.request_timeout);
        CPPUNIT_ASSERT_EQUAL(0, s.max_ranges);
        CPPUNIT_ASSERT_EQUAL(std::string("example.org"), s.server_name);
        CPPUNIT_ASSERT_EQUAL(uid_t(0), s.uid);
        CPPUNIT_ASSERT_EQUAL(gid_t(0), s.gid);
        CPPUNIT_ASSERT_EQUAL(dir.file("logs/error"), s.error_log);
    }

    void defaults()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("");
        assert_messages({}, c.errors);
        const ServerConfig& s = c.server;
        CPPUNIT_ASSERT_EQUAL(size_t(1), s.listen.size());
        CPPUNIT_ASSERT_EQUAL(std::string("*:80"), s.listen[0].text());
        CPPUNIT_ASSERT_EQUAL(0, s.listen[0].line);
        CPPUNIT_ASSERT_EQUAL(60, s.timeout);
        CPPUNIT_ASSERT_EQUAL(true, s.keep_alive);
        CPPUNIT_ASSERT_EQUAL(5, s.keep_alive_timeout);
        CPPUNIT_ASSERT_EQUAL(100, s.max_keep_alive_requests);
        CPPUNIT_ASSERT_EQUAL(511, s.listen_backlog);
        CPPUNIT_ASSERT_EQUAL(0, s.graceful_shutdown_timeout);
        CPPUNIT_ASSERT_EQUAL(0, s.request_timeout);
        CPPUNIT_ASSERT_EQUAL(200, s.max_ranges);
        CPPUNIT_ASSERT(s.directory_index == std::vector<std::string>{"index.html"});
        CPPUNIT_ASSERT(s.server_tokens == ServerTokens::Full);
        CPPUNIT_ASSERT(s.log_level == LogLevel::Warn);
        CPPUNIT_ASSERT_EQUAL(std::string("nobody"), s.user);
        CPPUNIT_ASSERT_EQUAL(std::string("nogroup"), s.group);
        CPPUNIT_ASSERT_EQUAL(std::string(MPMD_RUNDIR "/mpmd.pid"), s.pid_file);
        CPPUNIT_ASSERT_EQUAL(std::string(MPMD_LOGDIR "/error_log"), s.error_log);
        CPPUNIT_ASSERT(s.custom_logs.empty());
        CPPUNIT_ASSERT(s.load_modules.empty());
        char host[256] = {};
        CPPUNIT_ASSERT_EQUAL(0, gethostname(host, sizeof host - 1));
        CPPUNIT_ASSERT_EQUAL(std::string(host), s.server_name);
    }

    void listen_forms()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Listen = 8080\nListen = *:8081\nListen = 127.0.0.1:8082\n"
                                        "Listen = [::1]:8083\nListen = [::]:8084\n");
        assert_messages({}, c.errors);
        const std::vector<ListenAddress>& l = c.server.listen;
        CPPUNIT_ASSERT_EQUAL(size_t(5), l.size());
        CPPUNIT_ASSERT_EQUAL(std::string(), l[0].host);
        CPPUNIT_ASSERT_EQUAL(8080, l[0].port);
        CPPUNIT_ASSERT_EQUAL(std::string("*:8080"), l[0].text());
        CPPUNIT_ASSERT_EQUAL(std::string(), l[1].host);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), l[2].host);
        CPPUNIT_ASSERT_EQUAL(false, l[2].ipv6);
        CPPUNIT_ASSERT_EQUAL(std::string("::1"), l[3].host);
        CPPUNIT_ASSERT_EQUAL(true, l[3].ipv6);
        CPPUNIT_ASSERT_EQUAL(8083, l[3].port);
        CPPUNIT_ASSERT_EQUAL(std::string("[::1]:8083"), l[3].text());
        CPPUNIT_ASSERT_EQUAL(std::string("::"), l[4].host);
        CPPUNIT_ASSERT_EQUAL(ServerRootDir::kBaseLines + 4, l[3].line);
        CPPUNIT_ASSERT_EQUAL(dir.conf(), l[3].file);

        std::string problem;
        for (const char* bad : {"", "0", "65536", "http", "host.example:80", "1.2.3.4:", "[::1]",
                                "[::1]:x", "[nope]:80", "1.2.3.4:80x"})
            CPPUNIT_ASSERT_MESSAGE(bad, !parse_listen_address(bad, &problem));
    }

    void listen_twice_or_overlapping_is_an_error()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Listen = 8080\nListen = *:8080\nListen = 127.0.0.1:8080\n"
                                        "Listen = 127.0.0.1:8081\n");
        const int n = ServerRootDir::kBaseLines;
        assert_messages({after_base(dir, 2) + "[server] Listen: *:8080 is given twice (first on line " +
                             std::to_string(n + 1) + ")",
                         after_base(dir, 3) + "[server] Listen: 127.0.0.1:8080 overlaps *:8080 (first on "
                                      "line " + std::to_string(n + 1) + ")"},
                        c.errors);
        CPPUNIT_ASSERT_EQUAL(size_t(2), c.server.listen.size());
    }

    void relative_paths_resolve_against_server_root()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("PidFile = run/mpmd.pid\n[log]\nErrorLog = /var/log/e\n"
                                        "CustomLog = logs/access common\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(dir.path(), c.server.server_root);
        CPPUNIT_ASSERT_EQUAL(dir.file("htdocs"), c.server.document_root);
        CPPUNIT_ASSERT_EQUAL(dir.file("mime.types"), c.server.types_config);
        CPPUNIT_ASSERT_EQUAL(dir.file("run/mpmd.pid"), c.server.pid_file);
        CPPUNIT_ASSERT_EQUAL(std::string("/var/log/e"), c.server.error_log);
        CPPUNIT_ASSERT_EQUAL(dir.file("logs/access"), c.server.custom_logs.at(0).path);
    }

    void dash_d_overrides_server_root()
    {
        ServerRootDir dir, other;
        LoadOptions options;
        options.server_root_override = other.path();
        // ServerRoot in the file names `dir`; -d names `other`, whose htdocs is used.
        const LoadedConfig c = dir.load("PidFile = p.pid\n", true, options);
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(other.path(), c.server.server_root);
        CPPUNIT_ASSERT_EQUAL(other.file("htdocs"), c.server.document_root);
        CPPUNIT_ASSERT_EQUAL(other.file("p.pid"), c.server.pid_file);
    }

    void dash_d_must_be_a_directory()
    {
        ServerRootDir dir;
        LoadOptions options;
        options.server_root_override = dir.file("absent");
        const LoadedConfig c = dir.load("[server]\nTypesConfig = /dev/null\nDocumentRoot = /\n", false,
                                        options);
        assert_messages({"-d " + dir.file("absent") + ": No such file or directory"}, c.errors);
    }

    void missing_document_root()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[server]\nServerRoot = " + dir.path() +
                                            "\nTypesConfig = mime.types\nDocumentRoot = nothere\n",
                                        false);
        assert_messages({dir.conf() + ":4: [server] DocumentRoot: " + dir.file("nothere") +
                         ": No such file or directory"},
                        c.errors);
    }

    void document_root_that_is_a_file()
    {
        // Tests run as root, where chmod 000 does not stop reads: a regular file it is.
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[server]\nServerRoot = " + dir.path() +
                                            "\nTypesConfig = mime.types\nDocumentRoot = mime.types\n",
                                        false);
        assert_messages({dir.conf() + ":4: [server] DocumentRoot: " + dir.file("mime.types") +
                         ": Not a directory"},
                        c.errors);
    }

    void unreadable_types_config()
    {
        ServerRootDir dir;
        const std::string head = "[server]\nServerRoot = " + dir.path() + "\nDocumentRoot = htdocs\n";
        assert_messages({dir.conf() + ":4: [server] TypesConfig: " + dir.file("none.types") +
                         ": No such file or directory"},
                        dir.load(head + "TypesConfig = none.types\n", false).errors);
        assert_messages({dir.conf() + ":4: [server] TypesConfig: " + dir.file("htdocs") +
                         ": Is a directory"},
                        dir.load(head + "TypesConfig = htdocs\n", false).errors);
        // A FIFO (nobody writing) would block a plain open: refused at once instead.
        CPPUNIT_ASSERT_EQUAL(0, ::mkfifo(dir.file("fifo.types").c_str(), 0644));
        assert_messages({dir.conf() + ":4: [server] TypesConfig: " + dir.file("fifo.types") +
                         ": not a file (a FIFO or a socket)"},
                        dir.load(head + "TypesConfig = fifo.types\n", false).errors);
    }

    void unknown_user_and_group()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("User = no-such-user-mpmd\nGroup = no-such-group-mpmd\n");
        assert_messages({after_base(dir, 1) + "[server] User: unknown user \"no-such-user-mpmd\" (getpwnam "
                                      "found no such user; or write #uid)",
                         after_base(dir, 2) + "[server] Group: unknown group \"no-such-group-mpmd\" "
                                      "(getgrnam found no such group; or write #gid)"},
                        c.errors);
    }

    void numeric_user_and_group()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("User = #4321\nGroup = #1234\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(uid_t(4321), c.server.uid);
        CPPUNIT_ASSERT_EQUAL(gid_t(1234), c.server.gid);
        CPPUNIT_ASSERT_EQUAL(std::string("#4321"), c.server.user);
    }

    void log_levels_map_to_the_enum()
    {
        ServerRootDir dir;
        const LogLevel levels[] = {LogLevel::Emerg, LogLevel::Alert,  LogLevel::Crit,
                                   LogLevel::Error, LogLevel::Warn,   LogLevel::Notice,
                                   LogLevel::Info,  LogLevel::Debug};
        for (LogLevel level : levels) {
            const std::string name(log_level_name(level));
            const LoadedConfig c = dir.load("[log]\nLogLevel = " + name + "\n");
            assert_messages({}, c.errors);
            CPPUNIT_ASSERT_MESSAGE(name, c.server.log_level == level);
        }
    }

    void server_tokens_map_to_the_enum()
    {
        ServerRootDir dir;
        const std::pair<const char*, ServerTokens> cases[] = {
            {"Major", ServerTokens::Major},       {"Minor", ServerTokens::Minor},
            {"Min", ServerTokens::Minimal},       {"Minimal", ServerTokens::Minimal},
            {"Prod", ServerTokens::ProductOnly},  {"ProductOnly", ServerTokens::ProductOnly},
            {"OS", ServerTokens::OS},             {"Full", ServerTokens::Full}};
        for (const auto& [text, tokens] : cases) {
            const LoadedConfig c = dir.load(std::string("ServerTokens = ") + text + "\n");
            assert_messages({}, c.errors);
            CPPUNIT_ASSERT_MESSAGE(text, c.server.server_tokens == tokens);
        }
    }

    void built_in_log_formats()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("");
        CPPUNIT_ASSERT_EQUAL(std::string("%h %l %u %t \"%r\" %>s %b"),
                             c.server.find_log_format("common")->format);
        CPPUNIT_ASSERT_EQUAL(
            std::string("%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\""),
            c.server.find_log_format("combined")->format);
        CPPUNIT_ASSERT(!c.server.find_log_format("Common"));
    }

    void log_format_adds_and_overrides_nicknames()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[log]\nLogFormat = \"%h %>s\" common\n"
                                        "LogFormat = \"%h %D\" timing\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(std::string("%h %>s"), c.server.find_log_format("common")->format);
        CPPUNIT_ASSERT_EQUAL(ServerRootDir::kBaseLines + 2, c.server.find_log_format("common")->line);
        CPPUNIT_ASSERT_EQUAL(std::string("%h %D"), c.server.find_log_format("timing")->format);
        CPPUNIT_ASSERT_EQUAL(size_t(3), c.server.log_formats.size());
    }

    void custom_log_takes_nickname_or_literal()
    {
        ServerRootDir dir;
        // The nickname may be defined after its use, as in Apache.
        const LoadedConfig c = dir.load("[log]\nCustomLog = a.log combined\n"
                                        "CustomLog = /tmp/b.log \"%h %U\"\nCustomLog = c.log mine\n"
                                        "LogFormat = \"%m\" mine\n");
        assert_messages({}, c.errors);
        const std::vector<CustomLogSetting>& logs = c.server.custom_logs;
        CPPUNIT_ASSERT_EQUAL(size_t(3), logs.size());
        CPPUNIT_ASSERT_EQUAL(std::string(kCombinedLogFormat), logs[0].format);
        CPPUNIT_ASSERT_EQUAL(std::string("combined"), logs[0].nickname);
        CPPUNIT_ASSERT_EQUAL(dir.file("a.log"), logs[0].path);
        CPPUNIT_ASSERT_EQUAL(ServerRootDir::kBaseLines + 2, logs[0].line);
        CPPUNIT_ASSERT_EQUAL(std::string("%h %U"), logs[1].format);
        CPPUNIT_ASSERT_EQUAL(std::string(), logs[1].nickname);
        CPPUNIT_ASSERT_EQUAL(std::string("/tmp/b.log"), logs[1].path);
        CPPUNIT_ASSERT_EQUAL(std::string("%m"), logs[2].format);
    }

    void custom_log_unknown_nickname()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[log]\nCustomLog = a.log combind\nCustomLog = b.log\n");
        assert_messages({after_base(dir, 2) + "[log] CustomLog: unknown LogFormat nickname \"combind\" "
                                      "(allowed: common, combined, or a format containing %)",
                         after_base(dir, 3) + "[log] CustomLog: takes 2 words, got 1 (allowed: path "
                                      "format|nickname)"},
                        c.errors);
    }

    void log_format_nickname_without_percent()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[log]\nLogFormat = common \"%h %u\"\n");
        assert_messages({after_base(dir, 2) + "[log] LogFormat: nickname \"%h %u\" may not contain '%' "
                                      "(allowed: \"format\" nickname)"},
                        c.errors);
    }

    void log_formats_are_compiled_at_their_lines()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[log]\nLogFormat = \"%h %Z\" bad\nCustomLog = a.log bad\n"
                                        "CustomLog = b.log \"%u %{Q\"\n");
        CPPUNIT_ASSERT_EQUAL(size_t(2), c.errors.size());
        CPPUNIT_ASSERT_EQUAL(ServerRootDir::kBaseLines + 2, c.errors[0].line);
        CPPUNIT_ASSERT_EQUAL(size_t(0), c.errors[0].text.find("[log] LogFormat: "));
        CPPUNIT_ASSERT(c.errors[0].text.find("%Z") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(ServerRootDir::kBaseLines + 4, c.errors[1].line);
        CPPUNIT_ASSERT_EQUAL(size_t(0), c.errors[1].text.find("[log] CustomLog: "));
        CPPUNIT_ASSERT(c.server.custom_logs.empty());
    }

    void load_module_entries_are_kept()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[modules]\nLoadModule = mpm_prefork_module "
                                        "modules/mod_mpm_prefork.so\nLoadModule = status_module "
                                        "/usr/lib/mod_status.so\n");
        assert_messages({}, c.errors);
        const std::vector<LoadModuleSetting>& m = c.server.load_modules;
        CPPUNIT_ASSERT_EQUAL(size_t(2), m.size());
        CPPUNIT_ASSERT_EQUAL(std::string("mpm_prefork_module"), m[0].name);
        CPPUNIT_ASSERT_EQUAL(dir.file("modules/mod_mpm_prefork.so"), m[0].path);
        CPPUNIT_ASSERT_EQUAL(ServerRootDir::kBaseLines + 2, m[0].line);
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/lib/mod_status.so"), m[1].path);
    }

    void defines_are_carried_through()
    {
        ServerRootDir dir;
        LoadOptions options;
        options.defines = {"FOREGROUND", "TEST"};
        const LoadedConfig c = dir.load("", true, options);
        CPPUNIT_ASSERT(c.raw.options().defines == options.defines);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServerConfigTest);

} // namespace mpmd
