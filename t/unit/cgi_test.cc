// Unit tests for the CGI pieces: cgi_environment (the CGI/1.1 variables, request fields as
// HTTP_*, the fields never passed, nothing of the server's own environment), parse_cgi_head
// (line ends, Status, Location and redirects, Content-Length, dropped fields, the size limit)
// and CgiSettings (ScriptAlias and AddHandler parsing, prefix and extension matching).
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "shared/cgi_settings.h"
#include "shared/http/cgi_environment.h"
#include "shared/http/cgi_head.h"

using mpmd::CgiHead;
using mpmd::CgiHeadResult;
using mpmd::CgiRequestInfo;
using mpmd::CgiSettings;
using mpmd::HttpRequest;

class CgiTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CgiTest);
    CPPUNIT_TEST(env_fixed_variables);
    CPPUNIT_TEST(env_exact_names_without_fields);
    CPPUNIT_TEST(env_server_protocol);
    CPPUNIT_TEST(env_empty_query_present);
    CPPUNIT_TEST(env_path_info_only_when_given);
    CPPUNIT_TEST(env_https);
    CPPUNIT_TEST(env_content_fields);
    CPPUNIT_TEST(env_request_fields);
    CPPUNIT_TEST(env_repeated_fields_joined);
    CPPUNIT_TEST(env_credentials_and_proxy_never_passed);
    CPPUNIT_TEST(env_process_environment_not_leaked);
    CPPUNIT_TEST(head_lf_line_ends);
    CPPUNIT_TEST(head_crlf_line_ends);
    CPPUNIT_TEST(head_status);
    CPPUNIT_TEST(head_bad_status);
    CPPUNIT_TEST(head_line_without_colon);
    CPPUNIT_TEST(head_need_more);
    CPPUNIT_TEST(head_consumed_excludes_body);
    CPPUNIT_TEST(head_content_length);
    CPPUNIT_TEST(head_server_fields_dropped);
    CPPUNIT_TEST(head_local_redirect);
    CPPUNIT_TEST(head_absolute_location_is_302);
    CPPUNIT_TEST(head_location_with_status);
    CPPUNIT_TEST(head_size_limit);
    CPPUNIT_TEST(alias_needs_leading_slash);
    CPPUNIT_TEST(alias_must_be_normalised);
    CPPUNIT_TEST(alias_directory_resolved);
    CPPUNIT_TEST(alias_prefix_matching);
    CPPUNIT_TEST(alias_first_match_wins);
    CPPUNIT_TEST(handler_must_be_cgi_script);
    CPPUNIT_TEST(handler_extension_normalised);
    CPPUNIT_TEST(handled_extension_matching);
    CPPUNIT_TEST_SUITE_END();

    using Env = std::map<std::string, std::string>;

    // The environment as name -> value; fails on an entry without '=' or a name given twice.
    static Env env_of(const CgiRequestInfo& info)
    {
        Env env;
        for (const std::string& entry : mpmd::cgi_environment(info)) {
            const size_t equals = entry.find('=');
            CPPUNIT_ASSERT_MESSAGE(entry, equals != std::string::npos && equals > 0);
            const bool inserted = env.emplace(entry.substr(0, equals), entry.substr(equals + 1)).second;
            CPPUNIT_ASSERT_MESSAGE("twice: " + entry, inserted);
        }
        return env;
    }

    static bool has(const Env& env, const std::string& name) { return env.count(name) != 0; }

    static std::string value(const Env& env, const std::string& name)
    {
        const auto it = env.find(name);
        CPPUNIT_ASSERT_MESSAGE("missing " + name, it != env.end());
        return it->second;
    }

    static HttpRequest get_request(const char* target = "/cgi-bin/env.sh?a=1&b=2")
    {
        HttpRequest request;
        request.method = "GET";
        request.method_kind = mpmd::HttpMethod::Get;
        request.target = target;
        request.version = 11;
        return request;
    }

    // A typical ScriptAlias'd script with no path info.
    static CgiRequestInfo info_for(const HttpRequest& request)
    {
        return CgiRequestInfo{request,
                              "/cgi-bin/env.sh",           // script_name
                              "/usr/lib/cgi-bin/env.sh",   // script_filename
                              "",                          // path_info
                              "",                          // path_translated
                              "a=1&b=2",                   // query
                              "/var/www/html",             // document_root
                              "/cgi-bin/",                 // context_prefix
                              "/usr/lib/cgi-bin/",         // context_root
                              "www.example.org",           // server_name
                              "mpmd/0.1",                  // server_software
                              "192.0.2.1",                 // server_addr
                              8080,                        // server_port
                              "198.51.100.7",              // remote_addr
                              54321,                       // remote_port
                              false};                      // https
    }

    static CgiHeadResult parse(std::string_view output, CgiHead* head) { return mpmd::parse_cgi_head(output, head); }

    static bool has_header(const CgiHead& head, std::string_view name)
    {
        for (const mpmd::HttpHeader& h : head.headers)
            if (mpmd::ascii_iequals(h.name, name))
                return true;
        return false;
    }

    static std::vector<std::string> words(std::initializer_list<const char*> list)
    {
        return std::vector<std::string>(list.begin(), list.end());
    }

public:
    void env_fixed_variables()
    {
        HttpRequest request = get_request();
        request.method = "POST";
        request.method_kind = mpmd::HttpMethod::Post;
        const Env env = env_of(info_for(request));
        CPPUNIT_ASSERT_EQUAL(std::string("CGI/1.1"), value(env, "GATEWAY_INTERFACE"));
        CPPUNIT_ASSERT_EQUAL(std::string("POST"), value(env, "REQUEST_METHOD"));
        CPPUNIT_ASSERT_EQUAL(std::string("/cgi-bin/env.sh?a=1&b=2"), value(env, "REQUEST_URI"));
        CPPUNIT_ASSERT_EQUAL(std::string("a=1&b=2"), value(env, "QUERY_STRING"));
        CPPUNIT_ASSERT_EQUAL(std::string("/cgi-bin/env.sh"), value(env, "SCRIPT_NAME"));
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/lib/cgi-bin/env.sh"), value(env, "SCRIPT_FILENAME"));
        CPPUNIT_ASSERT_EQUAL(std::string("http"), value(env, "REQUEST_SCHEME"));
        CPPUNIT_ASSERT_EQUAL(std::string("198.51.100.7"), value(env, "REMOTE_ADDR"));
        CPPUNIT_ASSERT_EQUAL(std::string("54321"), value(env, "REMOTE_PORT"));
        CPPUNIT_ASSERT_EQUAL(std::string("8080"), value(env, "SERVER_PORT"));
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.1"), value(env, "SERVER_ADDR"));
        CPPUNIT_ASSERT_EQUAL(std::string("www.example.org"), value(env, "SERVER_NAME"));
        CPPUNIT_ASSERT_EQUAL(std::string("mpmd/0.1"), value(env, "SERVER_SOFTWARE"));
        CPPUNIT_ASSERT_EQUAL(std::string("/var/www/html"), value(env, "DOCUMENT_ROOT"));
        CPPUNIT_ASSERT_EQUAL(std::string("/cgi-bin/"), value(env, "CONTEXT_PREFIX"));
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/lib/cgi-bin/"), value(env, "CONTEXT_DOCUMENT_ROOT"));
        CPPUNIT_ASSERT_EQUAL(std::string(mpmd::kCgiPath), value(env, "PATH"));
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                             value(env, "PATH"));
    }

    void env_exact_names_without_fields()
    {
        // With no request fields, no path info and plain http: exactly these variables.
        const HttpRequest request = get_request();
        const Env env = env_of(info_for(request));
        const std::set<std::string> expected = {
            "GATEWAY_INTERFACE", "PATH", "SERVER_SOFTWARE", "SERVER_NAME", "SERVER_ADDR",
            "SERVER_PORT", "SERVER_PROTOCOL", "REQUEST_METHOD", "REQUEST_URI", "REQUEST_SCHEME",
            "SCRIPT_NAME", "SCRIPT_FILENAME", "QUERY_STRING", "DOCUMENT_ROOT", "CONTEXT_PREFIX",
            "CONTEXT_DOCUMENT_ROOT", "REMOTE_ADDR", "REMOTE_PORT"};
        std::set<std::string> names;
        for (const auto& [name, unused] : env)
            names.insert(name);
        CPPUNIT_ASSERT(expected == names);
    }

    void env_server_protocol()
    {
        HttpRequest request = get_request();
        request.version = 10;
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.0"), value(env_of(info_for(request)), "SERVER_PROTOCOL"));
        request.version = 11;
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1"), value(env_of(info_for(request)), "SERVER_PROTOCOL"));
    }

    void env_empty_query_present()
    {
        const HttpRequest request = get_request("/cgi-bin/env.sh");
        CgiRequestInfo info = info_for(request);
        info.query = "";
        const Env env = env_of(info);
        CPPUNIT_ASSERT(has(env, "QUERY_STRING"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), value(env, "QUERY_STRING"));
        CPPUNIT_ASSERT_EQUAL(std::string("/cgi-bin/env.sh"), value(env, "REQUEST_URI"));
    }

    void env_path_info_only_when_given()
    {
        const HttpRequest request = get_request("/cgi-bin/env.sh/extra/path");
        CgiRequestInfo info = info_for(request);
        Env env = env_of(info);
        CPPUNIT_ASSERT(!has(env, "PATH_INFO"));
        CPPUNIT_ASSERT(!has(env, "PATH_TRANSLATED"));

        info.path_info = "/extra/path";
        info.path_translated = "/var/www/html/extra/path";
        env = env_of(info);
        CPPUNIT_ASSERT_EQUAL(std::string("/extra/path"), value(env, "PATH_INFO"));
        CPPUNIT_ASSERT_EQUAL(std::string("/var/www/html/extra/path"), value(env, "PATH_TRANSLATED"));
        CPPUNIT_ASSERT_EQUAL(std::string("/cgi-bin/env.sh"), value(env, "SCRIPT_NAME"));
    }

    void env_https()
    {
        const HttpRequest request = get_request();
        CgiRequestInfo info = info_for(request);
        Env env = env_of(info);
        CPPUNIT_ASSERT(!has(env, "HTTPS"));
        CPPUNIT_ASSERT_EQUAL(std::string("http"), value(env, "REQUEST_SCHEME"));

        info.https = true;
        info.server_port = 443;
        env = env_of(info);
        CPPUNIT_ASSERT_EQUAL(std::string("on"), value(env, "HTTPS"));
        CPPUNIT_ASSERT_EQUAL(std::string("https"), value(env, "REQUEST_SCHEME"));
        CPPUNIT_ASSERT_EQUAL(std::string("443"), value(env, "SERVER_PORT"));
    }

    void env_content_fields()
    {
        HttpRequest request = get_request();
        Env env = env_of(info_for(request));
        CPPUNIT_ASSERT(!has(env, "CONTENT_TYPE"));
        CPPUNIT_ASSERT(!has(env, "CONTENT_LENGTH"));

        request.method = "POST";
        request.headers = {{"content-type", "application/x-www-form-urlencoded"}, {"Content-Length", "11"}};
        env = env_of(info_for(request));
        CPPUNIT_ASSERT_EQUAL(std::string("application/x-www-form-urlencoded"), value(env, "CONTENT_TYPE"));
        CPPUNIT_ASSERT_EQUAL(std::string("11"), value(env, "CONTENT_LENGTH"));
        CPPUNIT_ASSERT(!has(env, "HTTP_CONTENT_TYPE"));
        CPPUNIT_ASSERT(!has(env, "HTTP_CONTENT_LENGTH"));
    }

    void env_request_fields()
    {
        HttpRequest request = get_request();
        request.headers = {{"User-Agent", "curl/8.5.0"},
                           {"X-Foo_Bar", "smuggled"},
                           {"x-forwarded-for", "203.0.113.9"},
                           {"Host", "www.example.org:8080"}};
        const Env env = env_of(info_for(request));
        CPPUNIT_ASSERT_EQUAL(std::string("curl/8.5.0"), value(env, "HTTP_USER_AGENT"));
        CPPUNIT_ASSERT_EQUAL(std::string("203.0.113.9"), value(env, "HTTP_X_FORWARDED_FOR"));
        CPPUNIT_ASSERT_EQUAL(std::string("www.example.org:8080"), value(env, "HTTP_HOST"));
        // A name with '_' is dropped entirely, under any spelling.
        CPPUNIT_ASSERT(!has(env, "HTTP_X_FOO_BAR"));
        CPPUNIT_ASSERT(!has(env, "HTTP_X_FOO"));
        for (const auto& [name, val] : env)
            CPPUNIT_ASSERT_MESSAGE(name, val != "smuggled");
    }

    void env_repeated_fields_joined()
    {
        HttpRequest request = get_request();
        request.headers = {{"Accept", "text/html"},
                           {"User-Agent", "ua"},
                           {"accept", "application/json"},
                           {"ACCEPT", "*/*;q=0.1"}};
        const Env env = env_of(info_for(request));   // also fails if HTTP_ACCEPT is there twice
        CPPUNIT_ASSERT_EQUAL(std::string("text/html, application/json, */*;q=0.1"), value(env, "HTTP_ACCEPT"));
        CPPUNIT_ASSERT_EQUAL(std::string("ua"), value(env, "HTTP_USER_AGENT"));
    }

    void env_credentials_and_proxy_never_passed()
    {
        HttpRequest request = get_request();
        request.headers = {{"Authorization", "Basic dXNlcjpwYXNz"},
                           {"Proxy-Authorization", "Basic cHJveHk6cGFzcw=="},
                           {"Proxy", "http://evil.example:3128"},
                           {"proxy", "http://evil2.example:3128"},
                           {"Accept", "*/*"}};
        const Env env = env_of(info_for(request));
        CPPUNIT_ASSERT(!has(env, "HTTP_AUTHORIZATION"));
        CPPUNIT_ASSERT(!has(env, "HTTP_PROXY_AUTHORIZATION"));
        CPPUNIT_ASSERT(!has(env, "HTTP_PROXY"));
        CPPUNIT_ASSERT(!has(env, "AUTHORIZATION"));
        CPPUNIT_ASSERT_EQUAL(std::string("*/*"), value(env, "HTTP_ACCEPT"));
        for (const auto& [name, val] : env) {
            CPPUNIT_ASSERT_MESSAGE(name, val.find("Basic") == std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(name, val.find("evil") == std::string::npos);
        }
    }

    void env_process_environment_not_leaked()
    {
        // The process's PATH is changed only for the call, and put back before any assertion.
        const char* saved = getenv("PATH");
        const std::string old_path = saved ? saved : "";
        setenv("MPMD_LEAK_CHECK", "1", 1);
        setenv("PATH", "/tmp/should-not-leak", 1);
        const HttpRequest request = get_request();
        const Env env = env_of(info_for(request));
        unsetenv("MPMD_LEAK_CHECK");
        if (saved)
            setenv("PATH", old_path.c_str(), 1);
        else
            unsetenv("PATH");
        CPPUNIT_ASSERT(!has(env, "MPMD_LEAK_CHECK"));
        CPPUNIT_ASSERT_EQUAL(std::string(mpmd::kCgiPath), value(env, "PATH"));
    }

    void head_lf_line_ends()
    {
        const std::string out = "Content-Type: text/plain\nX-Script: yes\n\nbody";
        CgiHead head;
        const CgiHeadResult r = parse(out, &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(out.size() - 4, r.consumed);
        CPPUNIT_ASSERT(head.kind == CgiHead::Kind::Document);
        CPPUNIT_ASSERT_EQUAL(200, head.status);
        CPPUNIT_ASSERT_EQUAL(size_t(2), head.headers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Content-Type"), head.headers[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("text/plain"), head.headers[0].value);
        CPPUNIT_ASSERT_EQUAL(std::string("X-Script"), head.headers[1].name);
        CPPUNIT_ASSERT_EQUAL(std::string("yes"), head.headers[1].value);
        CPPUNIT_ASSERT_EQUAL(off_t(-1), head.content_length);
    }

    void head_crlf_line_ends()
    {
        const std::string out = "Content-Type: text/html\r\nX-Script:  yes \r\n\r\n<p>";
        CgiHead head;
        const CgiHeadResult r = parse(out, &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(out.size() - 3, r.consumed);
        CPPUNIT_ASSERT_EQUAL(size_t(2), head.headers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("text/html"), head.headers[0].value);   // no '\r' left
        CPPUNIT_ASSERT_EQUAL(std::string("yes"), head.headers[1].value);

        // Mixed line ends in one section.
        const std::string mixed = "A: 1\r\nB: 2\n\r\n";
        const CgiHeadResult m = parse(mixed, &head);
        CPPUNIT_ASSERT(m.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(mixed.size(), m.consumed);
        CPPUNIT_ASSERT_EQUAL(size_t(2), head.headers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("2"), head.headers[1].value);
    }

    void head_status()
    {
        CgiHead head;
        CgiHeadResult r = parse("Status: 404 Not Found\nContent-Type: text/plain\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(404, head.status);
        CPPUNIT_ASSERT(head.kind == CgiHead::Kind::Document);
        CPPUNIT_ASSERT(!has_header(head, "Status"));   // not a field to send
        CPPUNIT_ASSERT_EQUAL(size_t(1), head.headers.size());

        r = parse("status: 503\r\n\r\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(503, head.status);
    }

    void head_bad_status()
    {
        CgiHead head;
        CgiHeadResult r = parse("Status: 20x\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);
        CPPUNIT_ASSERT(!r.problem.empty());
        r = parse("Status: 102\n\n", &head);   // 1xx cannot end a response
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);
        CPPUNIT_ASSERT(!r.problem.empty());
        r = parse("Status: 2000\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);
        r = parse("Status: 099\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);
        r = parse("Status:\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);
    }

    void head_line_without_colon()
    {
        CgiHead head;
        CgiHeadResult r = parse("Content-Type: text/plain\nthis is not a header\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);
        CPPUNIT_ASSERT_EQUAL(size_t(0), r.problem.find("Bad header"));
        r = parse(": no name\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);
        CPPUNIT_ASSERT_EQUAL(size_t(0), r.problem.find("Bad header"));
        // Nothing but a body: the first line has no ':' either.
        r = parse("<html><body>hi</body></html>\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);
        CPPUNIT_ASSERT_EQUAL(size_t(0), r.problem.find("Bad header"));
    }

    void head_need_more()
    {
        CgiHead head;
        CPPUNIT_ASSERT(parse("", &head).outcome == CgiHeadResult::Outcome::NeedMore);
        CPPUNIT_ASSERT(parse("Content-Type: text/pl", &head).outcome == CgiHeadResult::Outcome::NeedMore);
        CPPUNIT_ASSERT(parse("Content-Type: text/plain\n", &head).outcome == CgiHeadResult::Outcome::NeedMore);
        CPPUNIT_ASSERT(parse("Content-Type: text/plain\r\n", &head).outcome == CgiHeadResult::Outcome::NeedMore);
        CPPUNIT_ASSERT(parse("Content-Type: text/plain\r\n\r", &head).outcome == CgiHeadResult::Outcome::NeedMore);
        const CgiHeadResult r = parse("A: 1\nB: 2\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::NeedMore);
        CPPUNIT_ASSERT_EQUAL(size_t(0), r.consumed);
    }

    void head_consumed_excludes_body()
    {
        // The body may itself hold blank lines and things that look like fields.
        const std::string section = "Content-Type: text/plain\r\nX-A: b\r\n\r\n";
        const std::string out = section + "Status: 500\r\n\r\nmore\n\n";
        CgiHead head;
        const CgiHeadResult r = parse(out, &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(section.size(), r.consumed);
        CPPUNIT_ASSERT_EQUAL(200, head.status);
        CPPUNIT_ASSERT_EQUAL(size_t(2), head.headers.size());

        // Only the empty line: no fields at all.
        CPPUNIT_ASSERT(parse("\nbody", &head).outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(size_t(1), parse("\nbody", &head).consumed);
        CPPUNIT_ASSERT_EQUAL(size_t(2), parse("\r\nbody", &head).consumed);
        CPPUNIT_ASSERT(head.headers.empty());
    }

    void head_content_length()
    {
        CgiHead head;
        CgiHeadResult r = parse("Content-Type: text/plain\nContent-Length: 1234\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(off_t(1234), head.content_length);
        CPPUNIT_ASSERT(!has_header(head, "Content-Length"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), head.headers.size());

        r = parse("content-length: 0\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(off_t(0), head.content_length);
        CPPUNIT_ASSERT(head.headers.empty());

        CPPUNIT_ASSERT(parse("Content-Length: 12x\n\n", &head).outcome == CgiHeadResult::Outcome::Malformed);
        CPPUNIT_ASSERT(parse("Content-Length: -1\n\n", &head).outcome == CgiHeadResult::Outcome::Malformed);
        CPPUNIT_ASSERT(parse("Content-Length:\n\n", &head).outcome == CgiHeadResult::Outcome::Malformed);
    }

    void head_server_fields_dropped()
    {
        CgiHead head;
        const CgiHeadResult r = parse("Date: Sun, 06 Nov 1994 08:49:37 GMT\n"
                                      "Server: script/1.0\n"
                                      "Content-Type: text/plain\n"
                                      "connection: close\n"
                                      "Transfer-Encoding: chunked\n"
                                      "Keep-Alive: timeout=5\n"
                                      "Set-Cookie: a=b\n"
                                      "\n",
                                      &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(size_t(2), head.headers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Content-Type"), head.headers[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("Set-Cookie"), head.headers[1].name);
        CPPUNIT_ASSERT_EQUAL(std::string("a=b"), head.headers[1].value);
        CPPUNIT_ASSERT(!has_header(head, "Date"));
        CPPUNIT_ASSERT(!has_header(head, "Server"));
        CPPUNIT_ASSERT(!has_header(head, "Connection"));
        CPPUNIT_ASSERT(!has_header(head, "Transfer-Encoding"));
        CPPUNIT_ASSERT(!has_header(head, "Keep-Alive"));
    }

    void head_local_redirect()
    {
        CgiHead head;
        const CgiHeadResult r = parse("Location: /other?x=1\r\n\r\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT(head.kind == CgiHead::Kind::LocalRedirect);
        CPPUNIT_ASSERT_EQUAL(std::string("/other?x=1"), head.location);
    }

    void head_absolute_location_is_302()
    {
        CgiHead head;
        const CgiHeadResult r = parse("Location: http://example.org/\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT(head.kind == CgiHead::Kind::Document);
        CPPUNIT_ASSERT_EQUAL(302, head.status);
        CPPUNIT_ASSERT_EQUAL(size_t(1), head.headers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Location"), head.headers[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("http://example.org/"), head.headers[0].value);
    }

    void head_location_with_status()
    {
        CgiHead head;
        CgiHeadResult r = parse("Status: 301 Moved Permanently\nLocation: http://example.org/new\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT(head.kind == CgiHead::Kind::Document);
        CPPUNIT_ASSERT_EQUAL(301, head.status);
        CPPUNIT_ASSERT(has_header(head, "Location"));

        // A local path with a Status is sent as it is, not followed.
        r = parse("Location: /moved\nStatus: 301\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT(head.kind == CgiHead::Kind::Document);
        CPPUNIT_ASSERT_EQUAL(301, head.status);
        CPPUNIT_ASSERT_EQUAL(std::string("/moved"), head.headers.at(0).value);

        // "Status: 200" is no different from no Status (mod_cgi tests r->status == 200).
        r = parse("Status: 200 OK\nLocation: /elsewhere\n\n", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT(head.kind == CgiHead::Kind::LocalRedirect);
        CPPUNIT_ASSERT_EQUAL(std::string("/elsewhere"), head.location);
    }

    void head_size_limit()
    {
        CgiHead head;
        // No newline at all in more than the limit.
        const std::string no_newline(mpmd::kMaxCgiHeadBytes + 1, 'a');
        CgiHeadResult r = parse(no_newline, &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);
        CPPUNIT_ASSERT(!r.problem.empty());

        // A newline found, but beyond the limit.
        const std::string long_line = "X-Long: " + std::string(mpmd::kMaxCgiHeadBytes, 'b') + "\n\n";
        r = parse(long_line, &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);
        CPPUNIT_ASSERT(!r.problem.empty());

        // Many short fields adding up to more than the limit, with no empty line yet.
        std::string many;
        while (many.size() <= mpmd::kMaxCgiHeadBytes)
            many += "X-Field: 0123456789\n";
        r = parse(many, &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Malformed);

        // Exactly the limit, its empty line included, is accepted; one byte more is not.
        const std::string prefix = "X-Fill: ";
        const std::string exact = prefix + std::string(mpmd::kMaxCgiHeadBytes - prefix.size() - 2, 'c') + "\n\n";
        CPPUNIT_ASSERT_EQUAL(mpmd::kMaxCgiHeadBytes, exact.size());
        r = parse(exact + "body", &head);
        CPPUNIT_ASSERT(r.outcome == CgiHeadResult::Outcome::Complete);
        CPPUNIT_ASSERT_EQUAL(mpmd::kMaxCgiHeadBytes, r.consumed);
        const std::string over = prefix + std::string(mpmd::kMaxCgiHeadBytes - prefix.size() - 1, 'c') + "\n\n";
        CPPUNIT_ASSERT(parse(over, &head).outcome == CgiHeadResult::Outcome::Malformed);
    }

    void alias_needs_leading_slash()
    {
        CgiSettings settings;
        std::string problem;
        CPPUNIT_ASSERT(!mpmd::add_script_alias(words({"cgi-bin/", "/usr/lib/cgi-bin/"}), "/etc/mpmd", &settings, &problem));
        CPPUNIT_ASSERT(!problem.empty());
        CPPUNIT_ASSERT(settings.script_aliases.empty());
        problem.clear();
        CPPUNIT_ASSERT(!mpmd::add_script_alias(words({"", "/usr/lib/cgi-bin/"}), "/etc/mpmd", &settings, &problem));
        CPPUNIT_ASSERT(!problem.empty());
        CPPUNIT_ASSERT(settings.script_aliases.empty());
        CPPUNIT_ASSERT(!settings.any());
    }

    void alias_must_be_normalised()
    {
        CgiSettings settings;
        std::string problem;
        CPPUNIT_ASSERT(!mpmd::add_script_alias(words({"//cgi-bin/", "/srv/cgi"}), "/etc/mpmd", &settings, &problem));
        CPPUNIT_ASSERT(!problem.empty());
        problem.clear();
        CPPUNIT_ASSERT(!mpmd::add_script_alias(words({"/a//cgi-bin/", "/srv/cgi"}), "/etc/mpmd", &settings, &problem));
        CPPUNIT_ASSERT(!problem.empty());
        problem.clear();
        CPPUNIT_ASSERT(!mpmd::add_script_alias(words({"/a/../cgi-bin/", "/srv/cgi"}), "/etc/mpmd", &settings, &problem));
        CPPUNIT_ASSERT(!problem.empty());
        problem.clear();
        CPPUNIT_ASSERT(!mpmd::add_script_alias(words({"/a/./cgi-bin/", "/srv/cgi"}), "/etc/mpmd", &settings, &problem));
        CPPUNIT_ASSERT(!problem.empty());
        CPPUNIT_ASSERT(settings.script_aliases.empty());
    }

    void alias_directory_resolved()
    {
        CgiSettings settings;
        std::string problem;
        CPPUNIT_ASSERT(mpmd::add_script_alias(words({"/cgi-bin/", "cgi-bin/"}), "/etc/mpmd", &settings, &problem));
        CPPUNIT_ASSERT(mpmd::add_script_alias(words({"/abs/", "/usr/lib/cgi-bin/"}), "/etc/mpmd", &settings, &problem));
        CPPUNIT_ASSERT(problem.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(2), settings.script_aliases.size());
        CPPUNIT_ASSERT_EQUAL(std::string("/cgi-bin/"), settings.script_aliases[0].url_prefix);
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/mpmd/cgi-bin/"), settings.script_aliases[0].directory);
        CPPUNIT_ASSERT_EQUAL(std::string("/abs/"), settings.script_aliases[1].url_prefix);
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/lib/cgi-bin/"), settings.script_aliases[1].directory);
        CPPUNIT_ASSERT(settings.any());
    }

    void alias_prefix_matching()
    {
        CgiSettings slash;
        std::string problem;
        CPPUNIT_ASSERT(mpmd::add_script_alias(words({"/cgi-bin/", "/srv/cgi"}), "", &slash, &problem));
        const mpmd::ScriptAlias* a = slash.alias_for("/cgi-bin/x");
        CPPUNIT_ASSERT(a != nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/cgi"), a->directory);
        CPPUNIT_ASSERT(slash.alias_for("/cgi-bin/") != nullptr);
        CPPUNIT_ASSERT(slash.alias_for("/cgi-bin") == nullptr);
        CPPUNIT_ASSERT(slash.alias_for("/cgi-binx") == nullptr);
        CPPUNIT_ASSERT(slash.alias_for("/other/cgi-bin/x") == nullptr);
        CPPUNIT_ASSERT(slash.alias_for("/") == nullptr);

        CgiSettings bare;
        CPPUNIT_ASSERT(mpmd::add_script_alias(words({"/cgi-bin", "/srv/cgi"}), "", &bare, &problem));
        CPPUNIT_ASSERT(bare.alias_for("/cgi-binx") == nullptr);
        CPPUNIT_ASSERT(bare.alias_for("/cgi-binx/y") == nullptr);
        CPPUNIT_ASSERT(bare.alias_for("/cgi-bin") != nullptr);
        CPPUNIT_ASSERT(bare.alias_for("/cgi-bin/") != nullptr);
        CPPUNIT_ASSERT(bare.alias_for("/cgi-bin/x") != nullptr);
        CPPUNIT_ASSERT(bare.alias_for("/cgi") == nullptr);
        CPPUNIT_ASSERT(bare.alias_for("") == nullptr);

        CgiSettings none;
        CPPUNIT_ASSERT(none.alias_for("/cgi-bin/x") == nullptr);
    }

    void alias_first_match_wins()
    {
        CgiSettings settings;
        std::string problem;
        CPPUNIT_ASSERT(mpmd::add_script_alias(words({"/cgi-bin/", "/first"}), "", &settings, &problem));
        CPPUNIT_ASSERT(mpmd::add_script_alias(words({"/cgi-bin/special/", "/second"}), "", &settings, &problem));
        CPPUNIT_ASSERT(mpmd::add_script_alias(words({"/cgi-bin/", "/third"}), "", &settings, &problem));
        CPPUNIT_ASSERT(mpmd::add_script_alias(words({"/other/", "/fourth"}), "", &settings, &problem));
        // File order, not the longest prefix (as Apache's Alias and ScriptAlias).
        CPPUNIT_ASSERT_EQUAL(std::string("/first"), settings.alias_for("/cgi-bin/special/x")->directory);
        CPPUNIT_ASSERT_EQUAL(std::string("/first"), settings.alias_for("/cgi-bin/x")->directory);
        CPPUNIT_ASSERT_EQUAL(std::string("/fourth"), settings.alias_for("/other/x")->directory);
        CPPUNIT_ASSERT(settings.alias_for("/cgi-bin/x") == &settings.script_aliases[0]);
    }

    void handler_must_be_cgi_script()
    {
        CgiSettings settings;
        std::string problem;
        CPPUNIT_ASSERT(!mpmd::add_handler(words({"server-status", ".cgi"}), &settings, &problem));
        CPPUNIT_ASSERT(!problem.empty());
        CPPUNIT_ASSERT(settings.extensions.empty());
        problem.clear();
        CPPUNIT_ASSERT(!mpmd::add_handler(words({"cgi", ".cgi"}), &settings, &problem));
        CPPUNIT_ASSERT(!problem.empty());
        CPPUNIT_ASSERT(settings.extensions.empty());
        problem.clear();
        CPPUNIT_ASSERT(mpmd::add_handler(words({"CGI-Script", ".pl"}), &settings, &problem));
        CPPUNIT_ASSERT(problem.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(1), settings.extensions.size());
        CPPUNIT_ASSERT_EQUAL(std::string(".pl"), settings.extensions[0]);
        CPPUNIT_ASSERT(settings.any());
    }

    void handler_extension_normalised()
    {
        CgiSettings settings;
        std::string problem;
        CPPUNIT_ASSERT(mpmd::add_handler(words({"cgi-script", "CGI", ".Sh", ".py"}), &settings, &problem));
        CPPUNIT_ASSERT_EQUAL(size_t(3), settings.extensions.size());
        CPPUNIT_ASSERT_EQUAL(std::string(".cgi"), settings.extensions[0]);
        CPPUNIT_ASSERT_EQUAL(std::string(".sh"), settings.extensions[1]);
        CPPUNIT_ASSERT_EQUAL(std::string(".py"), settings.extensions[2]);

        CgiSettings bad;
        problem.clear();
        CPPUNIT_ASSERT(!mpmd::add_handler(words({"cgi-script", "a/b"}), &bad, &problem));
        CPPUNIT_ASSERT(!problem.empty());
        problem.clear();
        CPPUNIT_ASSERT(!mpmd::add_handler(words({"cgi-script", ""}), &bad, &problem));
        CPPUNIT_ASSERT(!problem.empty());
    }

    void handled_extension_matching()
    {
        CgiSettings settings;
        std::string problem;
        CPPUNIT_ASSERT(mpmd::add_handler(words({"cgi-script", "CGI"}), &settings, &problem));
        CPPUNIT_ASSERT(settings.handled_extension("/a/b.CGI"));
        CPPUNIT_ASSERT(settings.handled_extension("/a/b.cgi"));
        CPPUNIT_ASSERT(settings.handled_extension("b.cgi"));
        CPPUNIT_ASSERT(!settings.handled_extension("/a.cgi/b"));
        CPPUNIT_ASSERT(!settings.handled_extension("/a/b.cgi/"));
        CPPUNIT_ASSERT(!settings.handled_extension("/.cgi"));   // the name must be longer
        CPPUNIT_ASSERT(!settings.handled_extension("/a/.cgi"));
        CPPUNIT_ASSERT(!settings.handled_extension("/a/bcgi"));
        CPPUNIT_ASSERT(!settings.handled_extension("/a/b.cgiz"));
        CPPUNIT_ASSERT(!settings.handled_extension("/a/b.html"));
        CPPUNIT_ASSERT(!CgiSettings().handled_extension("/a/b.cgi"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CgiTest);
