// Config: a whole mpmd.conf loaded against a set of directive tables: every directive's
// effective values (or its default) with the file:line each came from, plus every error and
// warning found. Generic: it knows types, not meanings; the typed views (ServerConfig, the
// MPM's config) read it. Immutable once loaded; a restart loads a new one beside the old.
// Runs in: master.
// Leans on: inih (ini_parse_stream with our own line-counting reader).
#ifndef MPMD_SHARED_CONFIG_H
#define MPMD_SHARED_CONFIG_H

#include "shared/core_directives.h"
#include "shared/directive.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

// One error or warning: "file:line: [section] Key: problem (allowed: ...)".
struct ConfigMessage {
    std::string file;   // "" when the message is about no file (e.g. the -d option)
    int line = 0;       // 0 = not from one line (a default, a missing file, a cross-check)
    std::string text;   // "[section] Key: problem ..." or a problem alone

    std::string str() const;
};

// Orders messages by line, stably; those of no line (defaults, the file itself) go last.
void sort_messages(std::vector<ConfigMessage>* messages);

struct LoadOptions {
    std::string path = default_config_file();   // opened as given (relative = to the cwd)
    std::string server_root_override;       // mpmd -d DIR; wins over ServerRoot in the file
    std::set<std::string> defines;          // mpmd -D NAME (e.g. FOREGROUND), carried through
};

// One effective value of a directive.
struct ConfigValue : DirectiveValue {
    std::string text;   // as written (continuation lines joined) or the default's text
    std::string file;   // where it was set; for a default, the config file
    int line = 0;       // first line of the value; 0 = the built-in default

    bool is_default() const { return line == 0; }
};

// One [vhost:NAME] section: the values it sets itself (rows of the "vhost" section and those
// marked per_vhost), in the order of the tables; what it leaves unset, the host takes from
// [server] and [log] (Config::values_for).
struct VhostSection {
    std::string name;   // as written after "vhost:"
    std::string file;
    int line = 0;       // the section header's
    std::vector<const Directive*> directives;       // set in this section
    std::vector<std::vector<ConfigValue>> values;   // parallel to directives

    // "vhost:NAME", the section as messages name it.
    std::string label() const { return "vhost:" + name; }
    // Its own values of `d`, or nullptr when the section does not set it.
    const std::vector<ConfigValue>* find(const Directive& d) const;
};

class Config {
public:
    // Reads and checks options.path against `tables`. Never throws for user mistakes: they
    // land in errors(). A directive whose values are all invalid keeps its default, so the
    // accessors always answer.
    static Config load(const LoadOptions& options, const DirectiveTables& tables);

    const LoadOptions& options() const { return options_; }
    const std::string& file() const { return options_.path; }
    const DirectiveTables& tables() const { return tables_; }
    // Absolute: -d, else ServerRoot from the file, else the default (relative ones against
    // the cwd, as Apache does).
    const std::string& server_root() const { return server_root_; }
    bool file_read() const { return file_read_; }

    // Problems with the file or a value's syntax, type or range, in line order within each
    // directive; the typed views add the cross-checks (users, paths, limits).
    const std::vector<ConfigMessage>& errors() const { return errors_; }

    // Lookups name a directive that is in the tables; an unknown one is a programming error
    // and throws std::logic_error. values() is empty for an unset repeatable directive with
    // no default; every other directive has at least one value.
    const std::vector<ConfigValue>& values(std::string_view section, std::string_view name) const;
    const ConfigValue& value(std::string_view section, std::string_view name) const;
    long long integer(std::string_view section, std::string_view name) const;
    bool flag(std::string_view section, std::string_view name) const;
    int choice(std::string_view section, std::string_view name) const;
    const std::string& string(std::string_view section, std::string_view name) const;
    const std::vector<std::string>& words(std::string_view section, std::string_view name) const;

    // The [vhost:NAME] sections in file order; the first is the default host.
    const std::vector<VhostSection>& vhosts() const { return vhosts_; }
    // The values of a directive as `vhost` sees them: its own when it sets the directive, else
    // the server's (values()). A null vhost is the server itself.
    const std::vector<ConfigValue>& values_for(const VhostSection* vhost, std::string_view section,
                                               std::string_view name) const;
    const ConfigValue& value_for(const VhostSection* vhost, std::string_view section,
                                 std::string_view name) const;

    // A message located at `value` (its file:line, or the config file alone for a default),
    // with the text "[section] Name: problem".
    ConfigMessage message(const ConfigValue& value, std::string_view section,
                          std::string_view name, std::string_view problem) const;

    // Every effective value written back as an INI file (like nginx -T): paths resolved,
    // defaults included and marked "; default". Values as read, before any typed view adjusts.
    std::string dump() const;

    // The rows marked full_restart (directive.h) whose effective value in `next` differs from
    // this one's, in table order: a restart from this configuration to `next` cannot apply
    // them. The MPM sections ("mpm_*") count only for the running MPM's, `mpm_section`.
    struct Unapplied {
        const Directive* directive;
        std::string kept;   // this configuration's value, formatted as in a config file
    };
    std::vector<Unapplied> full_restart_changes(const Config& next, std::string_view mpm_section) const;

private:
    class Loader;
    struct RawEntry;
    void take_values(size_t index, const std::vector<RawEntry>& entries, const std::string& root);
    void parse_entries(const Directive& d, std::string_view section, const std::vector<RawEntry>& entries,
                       const std::string& root, std::vector<ConfigValue>* out);
    void settle_server_root(size_t index);
    size_t index_of(std::string_view section, std::string_view name) const;

    LoadOptions options_;
    DirectiveTables tables_;
    std::vector<const Directive*> directives_;        // every row of every table, in order
    std::vector<std::vector<ConfigValue>> values_;    // parallel to directives_
    std::vector<VhostSection> vhosts_;
    std::string server_root_;
    bool file_read_ = false;
    std::vector<ConfigMessage> errors_;
};

} // namespace mpmd

#endif
