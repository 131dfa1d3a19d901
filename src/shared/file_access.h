// FileAccess: which files below DocumentRoot a client may be served, as far as the names on
// the way decide it: the symbolic-link rule (Apache's Options FollowSymLinks /
// SymLinksIfOwnerMatch / None), whether a link may lead out of DocumentRoot at all, and
// whether names beginning with '.' are served (Debian's apache2 denies ".ht*" with a
// <FilesMatch>; mpmd denies every dot name by default but the RFC 8615 ".well-known").
// The values come from the [server] directives Options, AllowSymLinksOutsideRoot and
// DotFiles (Options also says whether CGI scripts may run outside a ScriptAlias, ExecCGI); src/child/document_open.h applies the link rule while opening.
// Runs in: master (parsing), children (checks).
#ifndef MPMD_SHARED_FILE_ACCESS_H
#define MPMD_SHARED_FILE_ACCESS_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

enum class SymlinkRule {
    None,           // no symbolic link is followed anywhere below DocumentRoot
    IfOwnerMatch,   // a link is followed when its target has the link's owner (the default)
    Follow,         // every link is followed
};

// In the order of the DotFiles directive's choices.
enum class DotFiles {
    Deny,     // any path segment beginning with '.' is refused (403), but a first "/.well-known/"
    DenyHt,   // only names beginning with ".ht" (.htaccess, .htpasswd), as Debian's apache2
    Allow,    // served like any other name
};

inline constexpr std::string_view kDotFilesChoices = "Deny|DenyHt|Allow";
inline constexpr std::string_view kOptionsWords = "FollowSymLinks|SymLinksIfOwnerMatch|None [ExecCGI]";

struct FileAccess {
    SymlinkRule symlinks = SymlinkRule::IfOwnerMatch;
    bool symlinks_outside_root = false;   // a link may resolve to a file outside DocumentRoot
    DotFiles dot_files = DotFiles::Deny;
    bool exec_cgi = false;   // Options ExecCGI: AddHandler cgi-script files below DocumentRoot run
};

// The Options words (case-insensitive): at most one of FollowSymLinks, SymLinksIfOwnerMatch
// and None, and ExecCGI; ExecCGI alone keeps the default link rule (SymLinksIfOwnerMatch).
// Sets out->symlinks and out->exec_cgi; false with *problem set for anything else, naming
// what is allowed.
bool parse_options(const std::vector<std::string>& words, FileAccess* out, std::string* problem);
std::string_view options_word(SymlinkRule rule);

// True when a decoded, normalised URL path ("/a/.git/config") names something the DotFiles
// rule refuses.
bool dot_path_denied(std::string_view path, DotFiles rule);

} // namespace mpmd

#endif
