// CgiSettings: where CGI scripts are, as ScriptAlias and AddHandler say (mod_alias's and
// mod_mime's directives, with mod_cgi's meaning): URL prefixes that map to directories of
// scripts, and the file extensions that run as scripts below DocumentRoot where Options has
// ExecCGI. A vhost that sets neither has the server's.
// Runs in: master (parsing), children (matching).
// Leans on: RFC 3875 (CGI/1.1) for what a script is; Apache's mod_alias for prefix matching.
#ifndef MPMD_SHARED_CGI_SETTINGS_H
#define MPMD_SHARED_CGI_SETTINGS_H

#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

struct ScriptAlias {
    std::string url_prefix;   // as written ("/cgi-bin/"), decoded URL path form
    std::string directory;    // absolute
};

struct CgiSettings {
    std::vector<ScriptAlias> script_aliases;   // file order: the first match wins
    std::vector<std::string> extensions;       // AddHandler cgi-script: ".cgi", lower case

    bool any() const { return !script_aliases.empty() || !extensions.empty(); }
    // The ScriptAlias whose prefix `path` (a decoded, normalised URL path) begins with, by
    // whole segments ("/cgi-bin" takes "/cgi-bin/x", never "/cgi-binx"); nullptr: none.
    const ScriptAlias* alias_for(std::string_view path) const;
    // Whether the last name of `path` ends in an AddHandler cgi-script extension.
    bool handled_extension(std::string_view path) const;
};

// One ScriptAlias line's words; false with *problem set (a URL-path must begin with '/').
bool add_script_alias(const std::vector<std::string>& words, std::string_view server_root, CgiSettings* out,
                      std::string* problem);
// One AddHandler line's words; false with *problem set (an unknown handler, an extension
// without its '.').
bool add_handler(const std::vector<std::string>& words, CgiSettings* out, std::string* problem);

} // namespace mpmd

#endif
