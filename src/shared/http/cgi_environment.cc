// See cgi_environment.h.
#include "shared/http/cgi_environment.h"

namespace mpmd {

namespace {

void put(std::vector<std::string>& env, std::string_view name, std::string_view value)
{
    std::string entry;
    entry.reserve(name.size() + 1 + value.size());
    entry.append(name).append("=").append(value);
    env.push_back(std::move(entry));
}

// HTTP_NAME for a field name, or "" when the name is dropped (see the header).
std::string http_variable(std::string_view field)
{
    std::string name = "HTTP_";
    for (char c : field) {
        if (c >= 'a' && c <= 'z')
            name.push_back(char(c - 'a' + 'A'));
        else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            name.push_back(c);
        else if (c == '-')
            name.push_back('_');
        else
            return {};
    }
    return name;
}

bool never_passed(std::string_view field)
{
    return ascii_iequals(field, "Content-Type") || ascii_iequals(field, "Content-Length") ||
           ascii_iequals(field, "Authorization") || ascii_iequals(field, "Proxy-Authorization") ||
           ascii_iequals(field, "Proxy");
}

} // namespace

std::vector<std::string> cgi_environment(const CgiRequestInfo& info)
{
    const HttpRequest& request = info.request;
    std::vector<std::string> env;
    env.reserve(32 + request.headers.size());
    put(env, "GATEWAY_INTERFACE", "CGI/1.1");
    put(env, "PATH", kCgiPath);
    put(env, "SERVER_SOFTWARE", info.server_software);
    put(env, "SERVER_NAME", info.server_name);
    put(env, "SERVER_ADDR", info.server_addr);
    put(env, "SERVER_PORT", std::to_string(info.server_port));
    put(env, "SERVER_PROTOCOL", request.version >= 11 ? "HTTP/1.1" : "HTTP/1.0");
    put(env, "REQUEST_METHOD", request.method);
    put(env, "REQUEST_URI", request.target);
    put(env, "REQUEST_SCHEME", info.https ? "https" : "http");
    if (info.https)
        put(env, "HTTPS", "on");
    put(env, "SCRIPT_NAME", info.script_name);
    put(env, "SCRIPT_FILENAME", info.script_filename);
    if (!info.path_info.empty()) {
        put(env, "PATH_INFO", info.path_info);
        put(env, "PATH_TRANSLATED", info.path_translated);
    }
    put(env, "QUERY_STRING", info.query);
    put(env, "DOCUMENT_ROOT", info.document_root);
    put(env, "CONTEXT_PREFIX", info.context_prefix);
    put(env, "CONTEXT_DOCUMENT_ROOT", info.context_root);
    put(env, "REMOTE_ADDR", info.remote_addr);
    put(env, "REMOTE_PORT", std::to_string(info.remote_port));
    if (const std::string* type = request.header("Content-Type"))
        put(env, "CONTENT_TYPE", *type);
    if (const std::string* length = request.header("Content-Length"))
        put(env, "CONTENT_LENGTH", *length);

    // Request fields, a repeated one joined into its first's variable.
    const size_t first_field = env.size();
    for (const HttpHeader& field : request.headers) {
        if (never_passed(field.name))
            continue;
        const std::string name = http_variable(field.name);
        if (name.empty())
            continue;
        bool joined = false;
        for (size_t i = first_field; i < env.size(); ++i) {
            std::string& entry = env[i];
            if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 && entry[name.size()] == '=') {
                entry.append(", ").append(field.value);
                joined = true;
                break;
            }
        }
        if (!joined)
            put(env, name, field.value);
    }
    return env;
}

} // namespace mpmd
