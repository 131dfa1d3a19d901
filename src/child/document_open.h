// Opening the file a URL path names below DocumentRoot, under the symbolic-link rule of
// FileAccess (Options FollowSymLinks / SymLinksIfOwnerMatch / None, AllowSymLinksOutsideRoot),
// with no window between the check and the use: what is checked is the descriptor that is
// then served.
//   - Fast path: one openat2(2) relative to DocumentRoot with RESOLVE_BENEATH and
//     RESOLVE_NO_SYMLINKS: the kernel walks the path and refuses any link on the way, so a
//     path without links costs one call and cannot leave the root.
//   - A path with a link (or a kernel without openat2) is walked here one name at a time:
//     each name is opened with O_NOFOLLOW relative to the descriptor of the directory before
//     it; a link is read with readlinkat(2) and its target walked the same way, its owner
//     compared with the target's for SymLinksIfOwnerMatch, and the place it leads to
//     tracked, so a target outside DocumentRoot is refused unless AllowSymLinksOutsideRoot.
// DocumentRoot itself is opened by name each time, so a root that is itself a link switched
// by a deployment ("current -> releases/42") is followed at once.
// Runs in: children. Leans on openat2(2) (Linux 5.6), openat(2), readlinkat(2), fstat(2),
// proc(5) (/proc/self/fd for the root's location), path_resolution(7).
#ifndef MPMD_CHILD_DOCUMENT_OPEN_H
#define MPMD_CHILD_DOCUMENT_OPEN_H

#include "shared/file_access.h"

#include <string>
#include <string_view>

namespace mpmd {

struct DocumentFile {
    int fd = -1;                 // owned by the caller on success
    int error = 0;               // errno when fd < 0
    bool link_refused = false;   // a symbolic link the rule does not allow, or one leading out
                                 // of DocumentRoot (error is then EACCES)
    bool without_links = false;  // opened by the fast path: no link below DocumentRoot, so
                                 // the path names this file as long as it is unchanged
};

// Opens `path` (a decoded, normalised URL path such as "/a/b.html" or "/dir/") below
// `document_root` with `flags` (O_CLOEXEC and O_NOFOLLOW are added where they apply).
DocumentFile open_document(const std::string& document_root, std::string_view path, const FileAccess& access,
                           int flags);

} // namespace mpmd

#endif
