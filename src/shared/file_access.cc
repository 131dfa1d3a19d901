// See file_access.h.
#include "shared/file_access.h"

#include "shared/directive.h"

namespace mpmd {

bool parse_options(const std::vector<std::string>& words, FileAccess* out, std::string* problem)
{
    std::optional<SymlinkRule> rule;
    bool exec_cgi = false;
    for (const std::string& word : words) {
        if (equals_ignoring_case(word, "ExecCGI")) {
            exec_cgi = true;
            continue;
        }
        std::optional<SymlinkRule> this_one;
        if (equals_ignoring_case(word, "FollowSymLinks"))
            this_one = SymlinkRule::Follow;
        else if (equals_ignoring_case(word, "SymLinksIfOwnerMatch"))
            this_one = SymlinkRule::IfOwnerMatch;
        else if (equals_ignoring_case(word, "None"))
            this_one = SymlinkRule::None;
        if (!this_one) {
            // Apache's other options (Indexes, MultiViews, Includes...) name features mpmd
            // does not have; saying so beats ignoring them.
            *problem = "\"" + word + "\" is not an option mpmd knows (allowed: FollowSymLinks, "
                       "SymLinksIfOwnerMatch, None, ExecCGI)";
            return false;
        }
        if (rule && *rule != *this_one) {
            *problem = "give one of FollowSymLinks, SymLinksIfOwnerMatch and None, not several";
            return false;
        }
        rule = this_one;
    }
    if (!rule && !exec_cgi) {
        *problem = "an option is needed (allowed: FollowSymLinks, SymLinksIfOwnerMatch, None, ExecCGI)";
        return false;
    }
    out->symlinks = rule.value_or(SymlinkRule::IfOwnerMatch);
    out->exec_cgi = exec_cgi;
    return true;
}

std::string_view options_word(SymlinkRule rule)
{
    switch (rule) {
    case SymlinkRule::None: return "None";
    case SymlinkRule::IfOwnerMatch: return "SymLinksIfOwnerMatch";
    case SymlinkRule::Follow: return "FollowSymLinks";
    }
    return "None";
}

bool dot_path_denied(std::string_view path, DotFiles rule)
{
    if (rule == DotFiles::Allow)
        return false;
    size_t start = 0;
    bool first = true;
    while (start < path.size()) {
        if (path[start] == '/') {
            ++start;
            continue;
        }
        size_t end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        const std::string_view segment = path.substr(start, end - start);
        if (segment.front() == '.') {
            if (rule == DotFiles::DenyHt) {
                if (segment.size() >= 3 && segment.compare(1, 2, "ht") == 0)
                    return true;
            } else if (!(first && segment == ".well-known")) {
                return true;
            }
        }
        first = false;
        start = end;
    }
    return false;
}

} // namespace mpmd
