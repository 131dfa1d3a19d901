// See cgi_target.h.
#include "child/cgi_target.h"

#include "child/document_open.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace mpmd {

namespace {

bool any_segment_has_extension(std::string_view path, const CgiSettings& cgi)
{
    if (cgi.extensions.empty())
        return false;
    size_t end = path.size();
    while (end > 0) {
        const size_t slash = path.rfind('/', end - 1);
        const std::string_view segment = path.substr(slash + 1, end - slash - 1);
        if (cgi.handled_extension(segment))
            return true;
        if (slash == std::string_view::npos || slash == 0)
            break;
        end = slash;
    }
    return false;
}

CgiTarget refused(int status)
{
    CgiTarget target;
    target.kind = CgiTarget::Kind::Refused;
    target.status = status;
    return target;
}

std::string joined(const std::string& root, std::string_view path)
{
    std::string out = root;
    while (!out.empty() && out.back() == '/')
        out.pop_back();
    out.append(path);
    return out;
}

// Walks `rest` ("/a/b/c") below `root` to its first file. Returns that file's length of
// `rest` in *script_end (npos when every name is a directory), or an errno.
int walk(const std::string& root, std::string_view rest, const FileAccess& access, size_t* script_end)
{
    *script_end = std::string_view::npos;
    size_t at = 0;
    while (at < rest.size()) {
        size_t end = rest.find('/', at + 1);
        if (end == std::string_view::npos)
            end = rest.size();
        if (end == at + 1) {   // a trailing '/'
            at = end;
            continue;
        }
        DocumentFile file = open_document(root, rest.substr(0, end), access, O_RDONLY);
        if (file.fd < 0)
            return file.link_refused ? EACCES : file.error;
        struct stat st;
        const int stat_result = fstat(file.fd, &st);
        close(file.fd);
        if (stat_result != 0)
            return errno;
        if (S_ISREG(st.st_mode)) {
            *script_end = end;
            return 0;
        }
        if (!S_ISDIR(st.st_mode))
            return EACCES;
        at = end;
    }
    return 0;
}

int status_for(int error)
{
    return error == ENOENT || error == ENOTDIR || error == ENAMETOOLONG ? 404 : 403;
}

} // namespace

bool may_be_cgi(std::string_view path, const CgiSettings& cgi)
{
    return cgi.any() && (cgi.alias_for(path) != nullptr || any_segment_has_extension(path, cgi));
}

CgiTarget find_cgi_target(std::string_view path, const HostSettings& host, ErrorLog& log, std::string_view client)
{
    CgiTarget target;
    std::string root;
    std::string_view rest;
    if (const ScriptAlias* alias = host.cgi.alias_for(path)) {
        root = alias->directory;
        std::string_view prefix = alias->url_prefix;
        if (prefix.back() == '/')
            prefix.remove_suffix(1);   // rest keeps its leading '/'
        rest = path.substr(prefix.size());
        target.context_prefix = std::string(prefix);
        target.context_root = root;
    } else if (any_segment_has_extension(path, host.cgi)) {
        root = host.document_root;
        rest = path;
        target.context_root = root;
    } else {
        return target;
    }
    const bool aliased = !target.context_prefix.empty() || host.cgi.alias_for(path) != nullptr;
    size_t script_end = std::string_view::npos;
    const int error = walk(root, rest, host.file_access, &script_end);
    if (error != 0 || script_end == std::string_view::npos) {
        if (!aliased)
            return target;   // the static handler answers it (404, 403, a directory...)
        if (error == 0)
            log_client_error_to(log, LogLevel::Error, "cgi", client,
                                "AH01216: attempt to invoke directory as script: %s", joined(root, rest).c_str());
        else if (status_for(error) == 404)
            log_client_error_to(log, LogLevel::Error, "cgi", client,
                                "AH02811: script not found or unable to stat: %s", joined(root, rest).c_str());
        return refused(error != 0 ? status_for(error) : 403);
    }
    const std::string_view script = rest.substr(0, script_end);
    if (!aliased) {
        if (!host.cgi.handled_extension(script))
            return target;   // a plain file, with what follows it: the static handler's
        if (!host.file_access.exec_cgi) {
            log_client_error_to(log, LogLevel::Error, "cgi", client,
                                "AH02809: Options ExecCGI is off in this directory: %s", joined(root, script).c_str());
            return refused(403);
        }
    }
    target.filename = joined(root, script);
    if (faccessat(AT_FDCWD, target.filename.c_str(), X_OK, AT_EACCESS) != 0) {
        log_client_error_to(log, LogLevel::Error, "cgi", client, "AH01241: file permissions deny server execution: %s",
                            target.filename.c_str());
        return refused(403);
    }
    target.kind = CgiTarget::Kind::Script;
    target.script_name = std::string(path.substr(0, path.size() - rest.size() + script_end));
    target.path_info = std::string(rest.substr(script_end));
    target.directory = target.filename.substr(0, target.filename.rfind('/'));
    if (target.directory.empty())
        target.directory = "/";
    return target;
}

} // namespace mpmd
