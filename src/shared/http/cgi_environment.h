// The environment a CGI script runs with (RFC 3875 4.1, with Apache 2.4's additions and its
// rules for request fields), built from the request and its connection. Nothing of the
// server's own environment is passed on: PATH is a fixed safe one.
//   - Each request field becomes HTTP_NAME (upper case, '-' as '_'); a name with any other
//     character than letters, digits and '-' is dropped, so "Foo_Bar" cannot pose as
//     "Foo-Bar" (Apache 2.4 does the same); repeated fields are joined with ", ".
//   - Content-Type and Content-Length are CONTENT_TYPE and CONTENT_LENGTH, not HTTP_*;
//     Authorization and Proxy-Authorization are never passed (Apache without CGIPassAuth),
//     nor Proxy (HTTP_PROXY would set a script's outbound proxy: "httpoxy", CVE-2016-5385).
// Runs in: children. Pure: no system calls.
#ifndef MPMD_SHARED_HTTP_CGI_ENVIRONMENT_H
#define MPMD_SHARED_HTTP_CGI_ENVIRONMENT_H

#include "shared/http/http_request.h"

#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

// The script's PATH (Apache's default when its own environment has none).
inline constexpr std::string_view kCgiPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct CgiRequestInfo {
    const HttpRequest& request;
    std::string_view script_name;       // URL path of the script ("/cgi-bin/env.sh")
    std::string_view script_filename;   // its file ("/usr/lib/cgi-bin/env.sh")
    std::string_view path_info;         // decoded URL path after the script's name, or ""
    std::string_view path_translated;   // path_info below DocumentRoot, or "" without path_info
    std::string_view query;             // without the '?'
    std::string_view document_root;
    std::string_view context_prefix;    // the ScriptAlias prefix, or ""
    std::string_view context_root;      // its directory, or DocumentRoot
    std::string_view server_name;       // the Host the request named, else ServerName
    std::string_view server_software;   // the Server: banner
    std::string_view server_addr;
    int server_port = 0;
    std::string_view remote_addr;
    int remote_port = 0;
    bool https = false;
};

// "NAME=value" strings, ready for execve(2).
std::vector<std::string> cgi_environment(const CgiRequestInfo& info);

} // namespace mpmd

#endif
