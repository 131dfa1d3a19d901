// Which CGI script a URL path names, if any, as Apache's mod_alias (ScriptAlias) and mod_mime
// with Options ExecCGI decide it: the first name along the path that is a file is the
// script, what follows is its PATH_INFO ("/cgi-bin/env.sh/a/b": env.sh, "/a/b").
//   - Below a ScriptAlias every file is a script; a directory, or a missing name, is refused
//     (403, 404), and so is a file the server user may not execute (403, AH01241).
//   - Below DocumentRoot only a name with an AddHandler cgi-script extension is, and it runs
//     only where Options has ExecCGI (else 403, AH02809); any other path is not CGI and the
//     static handler answers it.
// Files are opened under the host's symbolic-link rule (document_open.h); the DotFiles rule
// is the caller's, on the whole URL path.
// Runs in: children. Leans on open_document (openat2(2)), fstat(2), faccessat(2).
#ifndef MPMD_CHILD_CGI_TARGET_H
#define MPMD_CHILD_CGI_TARGET_H

#include "shared/error_log.h"
#include "shared/server_config.h"

#include <string>
#include <string_view>

namespace mpmd {

struct CgiTarget {
    enum class Kind { NotCgi, Script, Refused };
    Kind kind = Kind::NotCgi;
    int status = 0;                 // Refused: 403 or 404
    std::string script_name;        // URL path of the script
    std::string filename;           // its file
    std::string directory;          // the directory it is in
    std::string path_info;          // decoded, "" or beginning with '/'
    std::string context_prefix;     // the ScriptAlias prefix, "" below DocumentRoot
    std::string context_root;       // its directory, or DocumentRoot
};

// Cheap and without system calls: whether `path` could name a script at all (a ScriptAlias
// prefix, or a name with a CGI extension), so a request that cannot skips the walk.
bool may_be_cgi(std::string_view path, const CgiSettings& cgi);

// `path` is decoded and normalised (UrlPath::path). `client` names it in the error log.
CgiTarget find_cgi_target(std::string_view path, const HostSettings& host, ErrorLog& log, std::string_view client);

} // namespace mpmd

#endif
