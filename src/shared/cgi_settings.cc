// See cgi_settings.h.
#include "shared/cgi_settings.h"

#include "shared/directive.h"   // equals_ignoring_case, resolve_path
#include "shared/http/http_request.h"   // ascii_lower

namespace mpmd {

const ScriptAlias* CgiSettings::alias_for(std::string_view path) const
{
    for (const ScriptAlias& alias : script_aliases) {
        const std::string_view prefix = alias.url_prefix;
        if (path.substr(0, prefix.size()) != prefix)
            continue;
        // A prefix without its trailing '/' matches only up to a segment's end.
        if (prefix.back() == '/' || path.size() == prefix.size() || path[prefix.size()] == '/')
            return &alias;
    }
    return nullptr;
}

bool CgiSettings::handled_extension(std::string_view path) const
{
    const size_t slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    for (const std::string& extension : extensions) {
        if (name.size() <= extension.size())
            continue;
        if (ascii_iequals(name.substr(name.size() - extension.size()), extension))
            return true;
    }
    return false;
}

bool add_script_alias(const std::vector<std::string>& words, std::string_view server_root, CgiSettings* out,
                      std::string* problem)
{
    const std::string& prefix = words.at(0);
    if (prefix.empty() || prefix.front() != '/') {
        *problem = "the URL-path \"" + prefix + "\" must begin with '/' (e.g. /cgi-bin/)";
        return false;
    }
    if (prefix.find("/./") != std::string::npos || prefix.find("/../") != std::string::npos ||
        prefix.find("//") != std::string::npos) {
        *problem = "the URL-path \"" + prefix + "\" must be normalised (no //, . or .. segments)";
        return false;
    }
    std::string directory = resolve_path(server_root, words.at(1));
    out->script_aliases.push_back({prefix, std::move(directory)});
    return true;
}

bool add_handler(const std::vector<std::string>& words, CgiSettings* out, std::string* problem)
{
    if (!equals_ignoring_case(words.at(0), "cgi-script")) {
        *problem = "\"" + words.at(0) + "\" is not a handler mpmd has (allowed: cgi-script)";
        return false;
    }
    for (size_t i = 1; i < words.size(); ++i) {
        std::string extension = words[i];
        if (extension.empty() || extension.find('/') != std::string::npos) {
            *problem = "\"" + words[i] + "\" is not a file extension (e.g. .cgi)";
            return false;
        }
        if (extension.front() != '.')
            extension.insert(extension.begin(), '.');   // mod_mime takes "cgi" as ".cgi" too
        for (char& c : extension)
            c = ascii_lower(c);
        out->extensions.push_back(std::move(extension));
    }
    return true;
}

} // namespace mpmd
