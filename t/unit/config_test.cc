// Unit tests of the generic config machinery: the typed parse/format helpers, the INI loader
// (sections, keys, continuation lines, the 200-byte line, quoting, duplicates, every error
// with its exact file:line) and the text generated from the tables (-L, roff).
// Runs in: the unit-test process only.
#include "config_test_support.h"

#include <cppunit/extensions/HelperMacros.h>

#include "mandoc_lint.h"

#include <climits>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace mpmd {

using config_test::assert_messages;
using config_test::ServerRootDir;

class ConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigTest);
    CPPUNIT_TEST(integers_are_decimal_without_garbage);
    CPPUNIT_TEST(on_off_only);
    CPPUNIT_TEST(choices_accept_short_and_full_spellings);
    CPPUNIT_TEST(named_integers_take_a_name_or_a_number);
    CPPUNIT_TEST(words_follow_apache_quoting);
    CPPUNIT_TEST(quote_word_round_trips);
    CPPUNIT_TEST(relative_paths_resolve_against_a_root);
    CPPUNIT_TEST(closest_directive_suggests_typos_only);
    CPPUNIT_TEST(every_default_parses);
    CPPUNIT_TEST(empty_file_gives_defaults);
    CPPUNIT_TEST(keys_and_sections_ignore_case);
    CPPUNIT_TEST(every_type_parses);
    CPPUNIT_TEST(errors_name_file_line_section_and_key);
    CPPUNIT_TEST(all_errors_are_reported_at_once);
    CPPUNIT_TEST(scalar_set_twice_names_both_lines);
    CPPUNIT_TEST(repeatable_keys_accumulate);
    CPPUNIT_TEST(continuation_appends_with_one_space);
    CPPUNIT_TEST(continuation_adds_a_listen_with_its_own_line);
    CPPUNIT_TEST(listen_proxy_flag_needs_trusted_proxy);
    CPPUNIT_TEST(indented_key_is_a_key);
    CPPUNIT_TEST(inline_comments_end_every_line);
    CPPUNIT_TEST(ignored_lines_reach_inih_empty);
    CPPUNIT_TEST(comment_before_the_equals_sign_is_not_a_key);
    CPPUNIT_TEST(bom_and_crlf_are_accepted);
    CPPUNIT_TEST(line_of_200_bytes_is_an_error);
    CPPUNIT_TEST(line_of_199_bytes_is_fine);
    CPPUNIT_TEST(continuation_makes_a_long_log_format_work);
    CPPUNIT_TEST(quoted_log_format_keeps_escaped_quotes);
    CPPUNIT_TEST(missing_file_is_one_error_without_a_line);
    CPPUNIT_TEST(unknown_section_keys_are_not_reported_again);
    CPPUNIT_TEST(dump_reloads_to_the_same_values);
    CPPUNIT_TEST(listing_mentions_every_directive);
    CPPUNIT_TEST(roff_mentions_every_directive_and_escapes);
    CPPUNIT_TEST(roff_passes_mandoc_lint);
    CPPUNIT_TEST_SUITE_END();

public:
    void integers_are_decimal_without_garbage()
    {
        CPPUNIT_ASSERT_EQUAL(42LL, parse_integer("42").value_or(-1));
        CPPUNIT_ASSERT_EQUAL(-3LL, parse_integer("-3").value_or(0));
        CPPUNIT_ASSERT(!parse_integer(""));
        CPPUNIT_ASSERT(!parse_integer("4x"));
        CPPUNIT_ASSERT(!parse_integer(" 4"));
        CPPUNIT_ASSERT(!parse_integer("+4"));
        CPPUNIT_ASSERT(!parse_integer("0x10"));
        CPPUNIT_ASSERT(!parse_integer("99999999999999999999"));
    }

    void on_off_only()
    {
        CPPUNIT_ASSERT_EQUAL(true, parse_on_off("On").value_or(false));
        CPPUNIT_ASSERT_EQUAL(true, parse_on_off("oN").value_or(false));
        CPPUNIT_ASSERT_EQUAL(false, parse_on_off("OFF").value_or(true));
        CPPUNIT_ASSERT(!parse_on_off("yes"));
        CPPUNIT_ASSERT(!parse_on_off("1"));
        CPPUNIT_ASSERT(!parse_on_off("true"));
    }

    void choices_accept_short_and_full_spellings()
    {
        constexpr std::string_view tokens = "Major|Minor|Min[imal]|Prod[uctOnly]|OS|Full";
        CPPUNIT_ASSERT_EQUAL(2, parse_choice(tokens, "min").value_or(-1));
        CPPUNIT_ASSERT_EQUAL(2, parse_choice(tokens, "Minimal").value_or(-1));
        CPPUNIT_ASSERT_EQUAL(3, parse_choice(tokens, "PROD").value_or(-1));
        CPPUNIT_ASSERT_EQUAL(3, parse_choice(tokens, "productonly").value_or(-1));
        CPPUNIT_ASSERT_EQUAL(4, parse_choice(tokens, "os").value_or(-1));
        CPPUNIT_ASSERT(!parse_choice(tokens, "Mini"));
        CPPUNIT_ASSERT(!parse_choice(tokens, "Product"));
        CPPUNIT_ASSERT_EQUAL(std::string("ProductOnly"), choice_name(tokens, 3));
        CPPUNIT_ASSERT_EQUAL(std::string("Major, Minor, Min[imal], Prod[uctOnly], OS, Full"),
                             choice_list(tokens));
    }

    void named_integers_take_a_name_or_a_number()
    {
        constexpr Directive d = make_named_integer("server", "MaxThings", "default", 1, 500, "things",
                                                   "none=0|default=20|unlimited=1000",
                                                   "default|unlimited|none|number", "Things.");
        const auto parsed = [&](std::string_view text) {
            DirectiveValue value;
            const std::string problem = parse_directive_value(d, text, "", &value);
            return problem.empty() ? std::to_string(value.number) : problem;
        };
        CPPUNIT_ASSERT_EQUAL(std::string("0"), parsed("none"));
        CPPUNIT_ASSERT_EQUAL(std::string("20"), parsed("Default"));
        CPPUNIT_ASSERT_EQUAL(std::string("1000"), parsed("UNLIMITED"));   // a name may lie outside min..max
        CPPUNIT_ASSERT_EQUAL(std::string("7"), parsed("7"));
        CPPUNIT_ASSERT_EQUAL(std::string("0 is out of range (allowed: none, default, unlimited, or 1..500 things)"),
                             parsed("0"));
        CPPUNIT_ASSERT_EQUAL(std::string("\"some\" is not a decimal integer (allowed: none, default, "
                                         "unlimited, or 1..500 things)"),
                             parsed("some"));
        CPPUNIT_ASSERT_EQUAL(std::string("takes one value, got 2 words (quote a value that contains spaces)"),
                             parsed("1 2"));
        DirectiveValue value;
        value.number = 20;
        CPPUNIT_ASSERT_EQUAL(std::string("default"), format_directive_value(d, value));
        value.number = 7;
        CPPUNIT_ASSERT_EQUAL(std::string("7"), format_directive_value(d, value));
    }

    void words_follow_apache_quoting()
    {
        std::string problem;
        const auto words = split_words(R"("%h \"%r\" \\ \n" common  x\"y)", &problem);
        CPPUNIT_ASSERT(words);
        CPPUNIT_ASSERT_EQUAL(size_t(3), words->size());
        CPPUNIT_ASSERT_EQUAL(std::string(R"(%h "%r" \ \n)"), (*words)[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("common"), (*words)[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("x\"y"), (*words)[2]);
        CPPUNIT_ASSERT(split_words("", &problem)->empty());
        CPPUNIT_ASSERT(!split_words("\"open", &problem));
        CPPUNIT_ASSERT_EQUAL(std::string("missing closing '\"' in \"open"), problem);
        CPPUNIT_ASSERT(!split_words("\"a\"b", &problem));
    }

    void quote_word_round_trips()
    {
        const std::vector<std::string> words = {"plain", "two words", "q\"uote", "back\\slash",
                                                "", "semi;colon"};
        const std::string text = join_words(words);
        CPPUNIT_ASSERT_EQUAL(std::string(R"(plain "two words" "q\"uote" "back\\slash" "" "semi;colon")"),
                             text);
        std::string problem;
        CPPUNIT_ASSERT(words == split_words(text, &problem).value());
    }

    void relative_paths_resolve_against_a_root()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/www/htdocs"), resolve_path("/srv/www", "htdocs"));
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/www/htdocs"), resolve_path("/srv/www/", "htdocs"));
        CPPUNIT_ASSERT_EQUAL(std::string("/abs"), resolve_path("/srv/www", "/abs"));
        CPPUNIT_ASSERT_EQUAL(std::string("rel"), resolve_path("", "rel"));
    }

    void closest_directive_suggests_typos_only()
    {
        const DirectiveTables tables = all_directive_tables();
        CPPUNIT_ASSERT_EQUAL(std::string_view("Listen"), closest_directive(tables, "Lisen")->name);
        CPPUNIT_ASSERT_EQUAL(std::string_view("DocumentRoot"),
                             closest_directive(tables, "documentroto")->name);
        CPPUNIT_ASSERT(!closest_directive(tables, "Frobnicate"));
    }

    void every_default_parses()
    {
        for (const DirectiveTable& table : all_directive_tables())
            for (const Directive& d : table) {
                if (d.default_value.empty() || has_computed_default(d))
                    continue;
                DirectiveValue value;
                CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(d.name), std::string(),
                                             parse_directive_value(d, d.default_value, "/", &value));
                CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(d.name), std::string(d.default_value),
                                             format_directive_value(d, value));
            }
    }

    void empty_file_gives_defaults()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("");
        assert_messages({}, c.errors);
        const Config& raw = c.raw;
        CPPUNIT_ASSERT_EQUAL(60LL, raw.integer("server", "Timeout"));
        CPPUNIT_ASSERT(raw.value("server", "Timeout").is_default());
        CPPUNIT_ASSERT_EQUAL(true, raw.flag("server", "KeepAlive"));
        CPPUNIT_ASSERT_EQUAL(5LL, raw.integer("server", "KeepAliveTimeout"));
        CPPUNIT_ASSERT_EQUAL(100LL, raw.integer("server", "MaxKeepAliveRequests"));
        CPPUNIT_ASSERT_EQUAL(511LL, raw.integer("server", "ListenBacklog"));
        CPPUNIT_ASSERT_EQUAL(0LL, raw.integer("server", "GracefulShutdownTimeout"));
        CPPUNIT_ASSERT_EQUAL(std::string("nobody"), raw.string("server", "User"));
        CPPUNIT_ASSERT_EQUAL(std::string("nogroup"), raw.string("server", "Group"));
        CPPUNIT_ASSERT_EQUAL(std::string(MPMD_RUNDIR "/mpmd.pid"), raw.string("server", "PidFile"));
        CPPUNIT_ASSERT_EQUAL(std::string(MPMD_LOGDIR "/error_log"), raw.string("log", "ErrorLog"));
        CPPUNIT_ASSERT_EQUAL(std::string("Full"),
                             choice_name(find_directive(raw.tables(), "server", "ServerTokens")->choices,
                                         raw.choice("server", "ServerTokens")));
        CPPUNIT_ASSERT(raw.words("server", "DirectoryIndex") == std::vector<std::string>{"index.html"});
        CPPUNIT_ASSERT_EQUAL(size_t(1), raw.values("server", "Listen").size());
        CPPUNIT_ASSERT_EQUAL(std::string("80"), raw.values("server", "Listen")[0].text);
        CPPUNIT_ASSERT(raw.values("log", "CustomLog").empty());
        CPPUNIT_ASSERT(raw.values("modules", "LoadModule").empty());
        CPPUNIT_ASSERT_EQUAL(std::string(MPMD_SYSCONFDIR "/mpmd.conf"), LoadOptions().path);
    }

    void keys_and_sections_ignore_case()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("TIMEOUT = 7\nkeepalive = oFF\n[LOG]\nloglevel = DEBUG\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(7LL, c.raw.integer("server", "Timeout"));
        CPPUNIT_ASSERT_EQUAL(false, c.raw.flag("Server", "keepAlive"));
        CPPUNIT_ASSERT_EQUAL(7, c.raw.choice("log", "LogLevel"));
    }

    void every_type_parses()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Timeout = 30\n"                       // integer
                                        "KeepAlive = Off\n"                    // boolean
                                        "ServerName = www.example.org\n"       // string
                                        "PidFile = run/mpmd.pid\n"             // path
                                        "ServerTokens = Prod\n"                // enum
                                        "MaxRanges = unlimited\n"              // named integer
                                        "DirectoryIndex = index.htm \"a b\"\n" // word list
                                        "Listen = [::1]:8080\n"                // listen
                                        "[modules]\n"
                                        "LoadModule = foo_module \"mods/foo.so\"\n");   // words
        assert_messages({}, c.errors);
        const Config& raw = c.raw;
        CPPUNIT_ASSERT_EQUAL(30LL, raw.integer("server", "Timeout"));
        CPPUNIT_ASSERT_EQUAL(static_cast<long long>(INT_MAX), raw.integer("server", "MaxRanges"));
        CPPUNIT_ASSERT_EQUAL(false, raw.flag("server", "KeepAlive"));
        CPPUNIT_ASSERT_EQUAL(std::string("www.example.org"), raw.string("server", "ServerName"));
        CPPUNIT_ASSERT_EQUAL(dir.file("run/mpmd.pid"), raw.string("server", "PidFile"));
        CPPUNIT_ASSERT_EQUAL(std::string("ProductOnly"),
                             choice_name(find_directive(raw.tables(), "server", "ServerTokens")->choices,
                                         raw.choice("server", "ServerTokens")));
        CPPUNIT_ASSERT((std::vector<std::string>{"index.htm", "a b"}) ==
                       raw.words("server", "DirectoryIndex"));
        CPPUNIT_ASSERT_EQUAL(std::string("[::1]:8080"), raw.string("server", "Listen"));
        CPPUNIT_ASSERT((std::vector<std::string>{"foo_module", "mods/foo.so"}) ==
                       raw.words("modules", "LoadModule"));
        CPPUNIT_ASSERT_EQUAL(ServerRootDir::kBaseLines + 8, raw.value("server", "Listen").line);
        CPPUNIT_ASSERT_EQUAL(dir.conf(), raw.value("server", "Listen").file);
    }

    void errors_name_file_line_section_and_key()
    {
        ServerRootDir dir;
        const std::string f = dir.conf() + ":";
        const LoadedConfig c = dir.load("[server]\n"                 // 1
                                        "Timeout = 6O\n"             // 2
                                        "KeepAliveTimeout = 90000\n" // 3
                                        "ServerTokens = Tiny\n"      // 4
                                        "KeepAlive = yes\n"          // 5
                                        "Listen = 1.2.3:80\n"        // 6
                                        "Listen = 70000\n"           // 7
                                        "Lisen = 80\n"               // 8
                                        "ErrorLog = e.log\n"         // 9
                                        "Listen 8080\n"              // 10
                                        "[bogus]\n"                  // 11
                                        "[log\n"                     // 12
                                        "[mpm_prefork]\n"            // 13
                                        "StartServers = many\n"      // 14
                                        "StartServers = 1 2\n",      // 15
                                        false);
        assert_messages(
            {f + "2: [server] Timeout: \"6O\" is not a decimal integer (allowed: 1..86400 seconds)",
             f + "3: [server] KeepAliveTimeout: 90000 is out of range (allowed: 0..86400 seconds)",
             f + "4: [server] ServerTokens: \"Tiny\" is not allowed (allowed: Prod[uctOnly], "
                 "Major, Minor, Min[imal], OS, Full)",
             f + "5: [server] KeepAlive: \"yes\" is not On or Off (allowed: On, Off)",
             f + "6: [server] Listen: malformed Listen \"1.2.3:80\": \"1.2.3\" is not an IPv4 "
                 "address (allowed: [address:]port [https] [proxy], e.g. 80, *:80, 192.0.2.1:80, [::1]:8080, 443 https, 8080 proxy)",
             f + "7: [server] Listen: port 70000 is out of range 1..65535 (allowed: "
                 "[address:]port [https] [proxy], e.g. 80, *:80, 192.0.2.1:80, [::1]:8080, 443 https, 8080 proxy)",
             f + "8: [server] Lisen: unknown directive (did you mean Listen?)",
             f + "9: [server] ErrorLog: belongs in [log], not in [server]",
             f + "10: [server] Listen: not a \"Key = value\" line (write \"Listen = value\")",
             f + "11: [bogus]: unknown section (allowed: server, log, modules, vhost:NAME, mpm_prefork, mpm_worker, mpm_event, status)",
             f + "12: [log: malformed section header: no closing ']'",
             f + "14: [mpm_prefork] StartServers: \"many\" is not a decimal integer (allowed: 0 or "
                 "more processes)",
             f + "15: [mpm_prefork] StartServers: set twice (first on line 14); only repeatable "
                 "directives may be given more than once",
             dir.conf() + ": [server] DocumentRoot: " MPMD_DATADIR "/htdocs: No such file or directory",
             dir.conf() + ": [server] TypesConfig: " MPMD_SYSCONFDIR "/mime.types: No such file or "
                 "directory"},
            c.errors);
        CPPUNIT_ASSERT(!c.ok());
    }

    void all_errors_are_reported_at_once()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Timeout = x\nUser = \"unterminated\nTimeout = 0\n"
                                        "Stuff = 1\nGroup = a b\n");
        const int n = ServerRootDir::kBaseLines;
        CPPUNIT_ASSERT_EQUAL(size_t(5), c.errors.size());
        for (int i = 0; i < 5; ++i)
            CPPUNIT_ASSERT_EQUAL(n + 1 + i, c.errors[i].line);
        CPPUNIT_ASSERT_EQUAL(std::string("[server] User: missing closing '\"' in \"unterminated"),
                             c.errors[1].text);
        CPPUNIT_ASSERT_EQUAL(std::string("[server] Stuff: unknown directive (mpmd -L lists them all)"),
                             c.errors[3].text);
        CPPUNIT_ASSERT_EQUAL(std::string("[server] Group: takes one value, got 2 words (quote a "
                                         "value that contains spaces)"),
                             c.errors[4].text);
    }

    void scalar_set_twice_names_both_lines()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Timeout = 10\n\n; note\nTimeout = 20\n");
        const int n = ServerRootDir::kBaseLines;
        assert_messages({dir.conf() + ":" + std::to_string(n + 4) + ": [server] Timeout: set twice "
                         "(first on line " + std::to_string(n + 1) + "); only repeatable directives "
                         "may be given more than once"},
                        c.errors);
        CPPUNIT_ASSERT_EQUAL(10LL, c.raw.integer("server", "Timeout"));
    }

    void repeatable_keys_accumulate()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Listen = 8080\nListen = 8081\n[log]\n"
                                        "CustomLog = a.log common\nCustomLog = b.log combined\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(size_t(2), c.raw.values("server", "Listen").size());
        CPPUNIT_ASSERT_EQUAL(std::string("8081"), c.raw.values("server", "Listen")[1].text);
        CPPUNIT_ASSERT_EQUAL(size_t(2), c.raw.values("log", "CustomLog").size());
    }

    void continuation_appends_with_one_space()
    {
        ServerRootDir dir;
        dir.make_dir("my docs");
        const LoadedConfig d = dir.load("[server]\nServerRoot = " + dir.path() +
                                            "\nTypesConfig = mime.types\n"
                                            "DocumentRoot = \"my\n    docs\"\n"
                                            "DirectoryIndex = index.html\n\tindex.htm   default.htm\n",
                                        false);
        assert_messages({}, d.errors);
        CPPUNIT_ASSERT_EQUAL(dir.file("my docs"), d.server.document_root);
        CPPUNIT_ASSERT((std::vector<std::string>{"index.html", "index.htm", "default.htm"}) ==
                       d.server.directory_index);
        CPPUNIT_ASSERT_EQUAL(4, d.raw.value("server", "DocumentRoot").line);
    }

    void continuation_adds_a_listen_with_its_own_line()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Listen =\n  8080\n  127.0.0.1:8081\n  bad\n");
        const int n = ServerRootDir::kBaseLines;
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.errors.size());
        CPPUNIT_ASSERT_EQUAL(n + 4, c.errors[0].line);
        const auto& listen = c.raw.values("server", "Listen");
        CPPUNIT_ASSERT_EQUAL(size_t(2), listen.size());
        CPPUNIT_ASSERT_EQUAL(n + 2, listen[0].line);
        CPPUNIT_ASSERT_EQUAL(n + 3, listen[1].line);
    }

    void listen_proxy_flag_needs_trusted_proxy()
    {
        ServerRootDir dir;
        const int n = ServerRootDir::kBaseLines;
        const LoadedConfig c = dir.load("Listen = 80\n  127.0.0.1:8081 PROXY\n"
                                        "TrustedProxy = 10.0.0.0/8 ::1\nTrustedProxy = 192.0.2.7\n");
        CPPUNIT_ASSERT_EQUAL(std::string(), config_test::joined(c.errors));
        CPPUNIT_ASSERT_EQUAL(size_t(2), c.server.listen.size());
        CPPUNIT_ASSERT(!c.server.listen[0].proxy);
        CPPUNIT_ASSERT(c.server.listen[1].proxy);
        CPPUNIT_ASSERT_EQUAL(size_t(3), c.server.trusted_proxies.size());
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.7"), c.server.trusted_proxies[2].text());

        const std::string f = dir.conf() + ":";
        const LoadedConfig bad = dir.load("Listen = 8080 proxy\nListen = 8081 tls\n");
        assert_messages(
            {f + std::to_string(n + 1) + ": [server] Listen: *:8080 proxy: no address may send the PROXY "
                 "protocol header; set TrustedProxy to your load balancers' addresses (e.g. "
                 "TrustedProxy = 127.0.0.1 10.0.0.0/8)",
             f + std::to_string(n + 2) + ": [server] Listen: \"tls\" is not a Listen flag (allowed: "
                 "[address:]port [https] [proxy], e.g. 80, *:80, 192.0.2.1:80, [::1]:8080, 443 https, 8080 proxy)"},
            bad.errors);
        const LoadedConfig range = dir.load("Listen = 8080 proxy\nTrustedProxy = 10.0.0.1/8\n");
        CPPUNIT_ASSERT_EQUAL(size_t(1), range.errors.size());
        CPPUNIT_ASSERT_EQUAL(n + 2, range.errors[0].line);
    }

    void indented_key_is_a_key()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("  Timeout = 9\n  KeepAlive = Off\n  [log]\n"
                                        "    LogLevel = info\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(9LL, c.raw.integer("server", "Timeout"));
        CPPUNIT_ASSERT_EQUAL(false, c.raw.flag("server", "KeepAlive"));
        CPPUNIT_ASSERT_EQUAL(6, c.raw.choice("log", "LogLevel"));
    }

    void inline_comments_end_every_line()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Timeout = 9 ; nine\nDirectoryIndex = a.html ; first\n"
                                        "  b.html ; second\n# hash comment\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(9LL, c.raw.integer("server", "Timeout"));
        CPPUNIT_ASSERT((std::vector<std::string>{"a.html", "b.html"}) ==
                       c.raw.words("server", "DirectoryIndex"));
    }

    // Blank, comment and refused lines are handed to inih as empty lines, so the lines after
    // them keep their numbers. fuzz/config_fuzzer found the reader copying such a line with
    // memcpy from a null pointer (undefined even for 0 bytes): this test aborted under
    // UBSan (./configure --enable-fuzzing builds it so) before the fix.
    void ignored_lines_reach_inih_empty()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("\n; comment\n# comment\nnot a key\nTimeout = 9\n");
        assert_messages({dir.conf() + ":8: [server] not: not a \"Key = value\" line (write \"not = value\")"}, c.errors);
        CPPUNIT_ASSERT_EQUAL(9LL, c.raw.integer("server", "Timeout"));
        CPPUNIT_ASSERT_EQUAL(9, c.raw.value("server", "Timeout").line);
    }

    void comment_before_the_equals_sign_is_not_a_key()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Timeout ; = 5\n");
        assert_messages({dir.conf() + ":" + std::to_string(ServerRootDir::kBaseLines + 1) +
                         ": [server] Timeout: not a \"Key = value\" line (write \"Timeout = value\")"},
                        c.errors);
    }

    void bom_and_crlf_are_accepted()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("\xEF\xBB\xBF[server]\r\nServerRoot = " + dir.path() +
                                            "\r\nDocumentRoot = htdocs\r\nTypesConfig = mime.types\r\n"
                                            "DirectoryIndex = a.html\r\n  b.html\r\nTimeout = 7\r\n",
                                        false);
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(7LL, c.raw.integer("server", "Timeout"));
        CPPUNIT_ASSERT((std::vector<std::string>{"a.html", "b.html"}) ==
                       c.raw.words("server", "DirectoryIndex"));
    }

    void line_of_200_bytes_is_an_error()
    {
        ServerRootDir dir;
        const std::string key = "ServerName = ";
        const std::string long_line = key + std::string(200 - key.size(), 'x');
        CPPUNIT_ASSERT_EQUAL(size_t(200), long_line.size());
        // The tail inih would have read as a line of its own must not be parsed either.
        const LoadedConfig c = dir.load(long_line + "\n  continued\nTimeout = 5\n");
        const int n = ServerRootDir::kBaseLines;
        assert_messages({dir.conf() + ":" + std::to_string(n + 1) + ": line is 200 bytes long; the "
                         "limit is 199: continue a long value on an indented next line"},
                        c.errors);
        CPPUNIT_ASSERT(c.raw.value("server", "ServerName").is_default());
        CPPUNIT_ASSERT_EQUAL(5LL, c.raw.integer("server", "Timeout"));
        // A comment is a line like any other.
        const LoadedConfig d = dir.load("; " + std::string(250, 'c') + "\n");
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.errors.size());
        CPPUNIT_ASSERT_EQUAL(std::string("line is 252 bytes long; the limit is 199: continue a long "
                                         "value on an indented next line"),
                             d.errors[0].text);
    }

    void line_of_199_bytes_is_fine()
    {
        ServerRootDir dir;
        const std::string key = "ServerName = ";
        const std::string line = key + std::string(199 - key.size(), 'y');
        const LoadedConfig c = dir.load(line + "\n; " + std::string(197, 'c') + "\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(std::string(199 - key.size(), 'y'), c.server.server_name);
    }

    void continuation_makes_a_long_log_format_work()
    {
        ServerRootDir dir;
        const std::string a(120, 'a'), b(120, 'b');
        const LoadedConfig c = dir.load("[log]\nLogFormat = \"%h " + a + "\n    " + b +
                                        " \\\"%r\\\"\" long\nCustomLog = access.log long\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.server.custom_logs.size());
        CPPUNIT_ASSERT_EQUAL("%h " + a + " " + b + " \"%r\"", c.server.custom_logs[0].format);
    }

    void quoted_log_format_keeps_escaped_quotes()
    {
        ServerRootDir dir;
        const LoadedConfig c =
            dir.load("[log]\nLogFormat = \"%h %l %u %t \\\"%r\\\" %>s %b\" mine\n");
        assert_messages({}, c.errors);
        CPPUNIT_ASSERT_EQUAL(std::string("%h %l %u %t \"%r\" %>s %b"),
                             c.server.find_log_format("mine")->format);
    }

    void missing_file_is_one_error_without_a_line()
    {
        ServerRootDir dir;
        LoadOptions options;
        options.path = dir.file("absent.conf");
        const LoadedConfig c = load_config(options);
        assert_messages({options.path + ": cannot read the config file: No such file or directory"},
                        c.errors);
        CPPUNIT_ASSERT_EQUAL(0, c.errors[0].line);
    }

    void unknown_section_keys_are_not_reported_again()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("[mpm_itk]\nThreadsPerChild = 25\nFoo = 1\n"
                                        "[server]\nTimeout = 3\n");
        CPPUNIT_ASSERT_EQUAL(size_t(1), c.errors.size());
        CPPUNIT_ASSERT_EQUAL(ServerRootDir::kBaseLines + 1, c.errors[0].line);
        CPPUNIT_ASSERT_EQUAL(3LL, c.raw.integer("server", "Timeout"));
    }

    void dump_reloads_to_the_same_values()
    {
        ServerRootDir dir;
        const LoadedConfig c = dir.load("Listen = 8080\nListen = [::1]:8081\nKeepAlive = Off\n"
                                        "ServerTokens = min\nDirectoryIndex = a \"b c\"\n[log]\n"
                                        "LogFormat = \"%h \\\"%r\\\" \\\\\" q\n");
        assert_messages({}, c.errors);
        const std::string dump = c.raw.dump();
        CPPUNIT_ASSERT(dump.find("ServerTokens = Minimal\n") != std::string::npos);
        CPPUNIT_ASSERT(dump.find("Timeout = 60   ; default\n") != std::string::npos);
        const LoadedConfig again = dir.load(dump, false);
        assert_messages({}, again.errors);
        // Reloaded, the defaults are values of the file.
        std::string explicit_dump = dump;
        for (size_t at; (at = explicit_dump.find("   ; default")) != std::string::npos;)
            explicit_dump.erase(at, 12);
        CPPUNIT_ASSERT_EQUAL(explicit_dump, again.raw.dump());
    }

    void listing_mentions_every_directive()
    {
        const std::string listing = directives_listing(all_directive_tables());
        for (const DirectiveTable& table : all_directive_tables())
            for (const Directive& d : table) {
                const std::string section = d.section == kVhostSection ? "vhost:NAME" : std::string(d.section);
                const std::string head = "[" + section + "] " + std::string(d.name) +
                                         " = " + std::string(d.syntax);
                CPPUNIT_ASSERT_MESSAGE(head, listing.find(head) != std::string::npos);
                CPPUNIT_ASSERT_MESSAGE(std::string(d.name),
                                       listing.find(std::string(d.doc.substr(0, 30))) != std::string::npos);
            }
        CPPUNIT_ASSERT(listing.find("    Default: 60; allowed: 1..86400 seconds; module: core\n") !=
                       std::string::npos);
        CPPUNIT_ASSERT(listing.find("    Default: the host name; module: core\n") != std::string::npos);
    }

    void roff_mentions_every_directive_and_escapes()
    {
        const std::string roff = directives_roff(all_directive_tables());
        for (std::string_view section : {"server", "log", "modules", "mpm_prefork"})
            CPPUNIT_ASSERT(roff.find(".SS [" + std::string(section) + "]\n") != std::string::npos);
        for (const DirectiveTable& table : all_directive_tables())
            for (const Directive& d : table) {
                const std::string tag = ".TP\n\\fB" + std::string(d.name) + "\\fR = \\fI";
                CPPUNIT_ASSERT_MESSAGE(tag, roff.find(tag) != std::string::npos);
            }
        CPPUNIT_ASSERT(roff.find("\nDefault: 5 (allowed: 0..86400 seconds)\n") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("a\\ebc"), roff_escape("a\\bc"));
        CPPUNIT_ASSERT_EQUAL(std::string("\\&.x"), roff_escape(".x"));
        CPPUNIT_ASSERT_EQUAL(std::string("\\&'x"), roff_escape("'x"));
    }

    void roff_passes_mandoc_lint()
    {
        if (access("/usr/bin/mandoc", X_OK) != 0)
            return;   // mandoc is not installed; t/90-man-lint.t reports the skip
        ServerRootDir dir;
        const std::string page =
            dir.write("mpmd.conf.5", ".TH MPMD.CONF 5 2026-01-01 mpmd\n.SH NAME\nmpmd.conf \\- "
                                     "configuration\n.SH DIRECTIVES\n" +
                                         directives_roff(all_directive_tables()));
        int status = 0;
        CPPUNIT_ASSERT_EQUAL(std::string(), ::mandoc_lint(page, &status));
        CPPUNIT_ASSERT_EQUAL(0, status);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);

} // namespace mpmd
