// Config loading: inih reads the lines our reader hands it, the handler records raw entries,
// then every entry is parsed and checked against its directive's row.
// Runs in: master.
// Leans on: inih (ini_parse_stream; Debian's build: INI_MAX_LINE 200, no line numbers in the
// handler, multi-line continuation on, inline comments after whitespace + ';'), getcwd(3),
// stat(2), strerror(3).
//
// The rules of an mpmd.conf, decided here (mpmd.conf(5) says the same):
// - Lines are counted by our reader, so every message has the real line number.
// - A line of more than 199 bytes (without its newline) is an error, comments included, and is
//   never parsed in pieces as inih would.
// - A key set twice is an error naming both lines, unless the directive is repeatable: then
//   each line adds one value.
// - An indented line continues the value of the key above it (inih's multi-line rule). It is
//   appended with one space, so a word list gains words and a quoted string gains a space;
//   for a repeatable one-entry directive (Listen) each continuation line is one more value.
//   An indented line that reads "KnownDirective = ..." or "[section]" is taken as a key or a
//   section, not a continuation, so keys may be indented under their section.
// - ';' after whitespace starts a comment on every line, also inside quotes (an inih rule we
//   extend to continuation lines, where inih keeps it).
// - Every error is collected; nothing stops at the first one.
#include "shared/config.h"

#include <ini.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace mpmd {

namespace {

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

// Where inih's find_chars_or_comment() stops: the first char of `chars`, or a ';' that follows
// whitespace (an inline comment). npos if neither.
size_t find_before_comment(std::string_view text, std::string_view chars)
{
    bool after_space = false;
    for (size_t i = 0; i < text.size(); ++i) {
        if (chars.find(text[i]) != std::string_view::npos || (after_space && text[i] == ';'))
            return i;
        after_space = is_space(text[i]);
    }
    return std::string_view::npos;
}

// The '=' or ':' that ends a key, as inih finds it; npos when a comment or the end comes first.
size_t find_key_separator(std::string_view text)
{
    const size_t at = find_before_comment(text, "=:");
    return at != std::string_view::npos && text[at] != ';' ? at : std::string_view::npos;
}

std::string first_word(std::string_view text)
{
    size_t end = 0;
    while (end < text.size() && !is_space(text[end]) && text[end] != '=' && text[end] != ':')
        ++end;
    return std::string(text.substr(0, end));
}

std::string errno_text(int err)
{
    return std::strerror(err);
}

// Text of a whole file, or nullopt with errno set.
std::optional<std::string> read_file(const std::string& path)
{
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file)
        return std::nullopt;
    std::string text;
    char buffer[8192];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        text.append(buffer, n);
    const bool failed = std::ferror(file);
    const int err = errno;
    std::fclose(file);
    if (failed) {
        errno = err;
        return std::nullopt;
    }
    return text;
}

std::string current_directory()
{
    std::vector<char> buffer(4096);
    if (!getcwd(buffer.data(), buffer.size()))
        return "/";
    return buffer.data();
}

// A repeatable directive whose every line is one entry (Listen, one address with its flags):
// a continuation line is one more entry, not more words for the one above.
bool one_entry_per_line(const Directive& d)
{
    return d.repeatable && d.min_words == 1 && (d.max_words == 1 || d.type == DirectiveType::Listen);
}

std::string where(std::string_view section, std::string_view name)
{
    return "[" + std::string(section) + "] " + std::string(name) + ": ";
}

} // namespace

std::string ConfigMessage::str() const
{
    if (file.empty())
        return text;
    if (line == 0)
        return file + ": " + text;
    return file + ":" + std::to_string(line) + ": " + text;
}

void sort_messages(std::vector<ConfigMessage>* messages)
{
    const auto key = [](const ConfigMessage& m) { return m.line == 0 ? INT_MAX : m.line; };
    std::stable_sort(messages->begin(), messages->end(),
                     [&](const ConfigMessage& a, const ConfigMessage& b) { return key(a) < key(b); });
}

// ---- the first pass: lines -> raw entries

struct Config::RawEntry {
    std::string text;   // the value as inih gave it, continuation lines joined
    int line;
    bool broken;        // a continuation line was rejected: the value is incomplete
};

class Config::Loader {
public:
    Loader(Config& config, std::string content)
        : config_(config), content_(std::move(content)), entries_(config.directives_.size())
    {
    }

    // One [vhost:NAME] section's raw entries, parallel to Config::directives_.
    struct VhostEntries {
        std::string name;
        int line;
        std::vector<std::vector<RawEntry>> entries;
    };

    void run() { ini_parse_stream(&Loader::read, this, &Loader::handle, this); }
    const std::vector<RawEntry>& entries(size_t directive) const { return entries_[directive]; }
    const std::vector<VhostEntries>& vhosts() const { return vhosts_; }

private:
    enum class Kind { Ignored, Key, Continuation };

    static char* read(char* str, int num, void* stream);
    static int handle(void* user, const char* section, const char* name, const char* value);
    std::string_view classify(std::string_view raw, size_t limit);
    std::string_view classify_section(std::string_view trimmed);
    void open_vhost(std::string_view name);
    const Directive* vhost_directive(std::string_view name);
    void add_key(std::string_view name, std::string_view value);
    void continue_value(std::string_view value);
    bool looks_like_key(std::string_view trimmed) const;
    bool looks_like_section(std::string_view trimmed) const;
    void error(std::string text) { config_.errors_.push_back({config_.file(), line_, std::move(text)}); }
    // The entries keys go to: the open [vhost:NAME] section's, else the server's.
    std::vector<std::vector<RawEntry>>& target() { return vhost_ < 0 ? entries_ : vhosts_[vhost_].entries; }
    RawEntry* current() { return current_ < 0 ? nullptr : &target()[current_].back(); }

    Config& config_;
    std::string content_;
    size_t pos_ = 0;
    int line_ = 0;
    Kind kind_ = Kind::Ignored;
    bool have_key_ = false;       // an indented line would continue a key (inih's prev_name)
    bool in_section_ = false;     // a section header was seen
    bool section_ok_ = false;     // ... and it names a known section
    std::string section_;         // its canonical spelling ("vhost:NAME" for a vhost's)
    long vhost_ = -1;             // the [vhost:NAME] section keys go to, or -1
    long current_ = -1;           // directive whose last entry continuation lines extend
    std::vector<std::vector<RawEntry>> entries_;   // parallel to Config::directives_
    std::vector<VhostEntries> vhosts_;
};

char* Config::Loader::read(char* str, int num, void* stream)
{
    Loader& self = *static_cast<Loader*>(stream);
    if (self.pos_ >= self.content_.size() || num < 2)
        return nullptr;
    const size_t newline = self.content_.find('\n', self.pos_);
    const size_t end = newline == std::string::npos ? self.content_.size() : newline;
    const std::string_view raw(self.content_.data() + self.pos_, end - self.pos_);
    self.pos_ = newline == std::string::npos ? end : end + 1;
    ++self.line_;
    // inih's buffer holds num - 1 bytes and the NUL; the newline is not handed on.
    const std::string_view fed = self.classify(raw, static_cast<size_t>(num) - 1);
    // Not memcpy: an ignored line is an empty view whose data() is null, and memcpy from
    // null is undefined even for 0 bytes (UBSan, fuzz/config_fuzzer).
    fed.copy(str, fed.size());
    str[fed.size()] = '\0';
    return str;
}

bool Config::Loader::looks_like_key(std::string_view trimmed) const
{
    const size_t separator = find_key_separator(trimmed);
    return separator != std::string_view::npos &&
           find_directive_anywhere(config_.tables_, trim(trimmed.substr(0, separator)));
}

bool Config::Loader::looks_like_section(std::string_view trimmed) const
{
    if (trimmed.size() < 3 || trimmed.front() != '[' || trimmed.back() != ']')
        return false;
    for (char c : trimmed.substr(1, trimmed.size() - 2))
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ':'))
            return false;
    return true;
}

// Decides what a physical line is and returns what inih gets: the line itself (continuation,
// inline comment cut), the line without indentation (key, section), or "" (ignored, rejected).
std::string_view Config::Loader::classify(std::string_view raw, size_t limit)
{
    std::string_view line = raw;
    if (line_ == 1 && line.substr(0, 3) == "\xEF\xBB\xBF")
        line.remove_prefix(3);
    const std::string_view trimmed = trim(line);
    kind_ = Kind::Ignored;
    const bool too_long = raw.size() > limit;
    if (too_long)
        error("line is " + std::to_string(raw.size()) + " bytes long; the limit is " +
              std::to_string(limit) + ": continue a long value on an indented next line");
    if (trimmed.empty() || trimmed.front() == ';' || trimmed.front() == '#')
        return {};
    const bool indented = is_space(line.front());
    const bool continuation =
        indented && have_key_ && !looks_like_key(trimmed) && !looks_like_section(trimmed);
    if (too_long) {
        if (continuation && current())
            current()->broken = true;
        if (!continuation && trimmed.front() == '[') {
            in_section_ = true;
            section_ok_ = false;   // its keys are dropped: the header was not read
            have_key_ = false;
        } else {
            have_key_ = true;      // swallow the rejected value's continuation lines
        }
        current_ = -1;
        return {};
    }
    if (continuation) {
        if (!current())
            return {};
        kind_ = Kind::Continuation;
        const size_t comment = find_before_comment(line, "");
        return line.substr(0, comment);
    }
    if (trimmed.front() == '[')
        return classify_section(trimmed);

    have_key_ = true;
    current_ = -1;
    const size_t separator = find_key_separator(trimmed);
    const std::string_view name =
        separator == std::string_view::npos ? trimmed : trim(trimmed.substr(0, separator));
    if (separator == std::string_view::npos || name.empty() ||
        name.find_first_of(" \t") != std::string_view::npos) {
        const std::string word = first_word(trimmed);
        error((in_section_ ? "[" + section_ + "] " : std::string()) + word +
              ": not a \"Key = value\" line (write \"" + word + " = value\")");
        return {};
    }
    kind_ = Kind::Key;
    return trimmed;
}

std::string_view Config::Loader::classify_section(std::string_view trimmed)
{
    have_key_ = false;
    current_ = -1;
    in_section_ = true;
    section_ok_ = false;
    vhost_ = -1;
    const size_t close = find_before_comment(trimmed, "]");
    if (close == std::string_view::npos || trimmed[close] != ']') {
        error(std::string(trimmed) + ": malformed section header: no closing ']'");
        return {};
    }
    const std::string_view name = trim(trimmed.substr(1, close - 1));
    const size_t colon = name.find(':');
    if (colon != std::string_view::npos && equals_ignoring_case(trim(name.substr(0, colon)), kVhostSection)) {
        open_vhost(trim(name.substr(colon + 1)));
        return trimmed;
    }
    std::string allowed;
    for (std::string_view known : directive_sections(config_.tables_)) {
        if (known == kVhostSection) {
            allowed += (allowed.empty() ? "" : ", ") + std::string(known) + ":NAME";
            continue;
        }
        if (equals_ignoring_case(known, name)) {
            section_ = std::string(known);
            section_ok_ = true;
        }
        allowed += (allowed.empty() ? "" : ", ") + std::string(known);
    }
    if (section_ok_)
        return trimmed;
    section_ = std::string(name);
    if (equals_ignoring_case(name, kVhostSection))
        error("[" + section_ + "]: a virtual host's section needs its name: write [vhost:NAME], e.g. "
              "[vhost:www.example.com]");
    else
        error("[" + section_ + "]: unknown section (allowed: " + allowed + ")");
    return trimmed;
}

// A [vhost:NAME] header: a new virtual host, unless the name is malformed or taken (then its
// keys are dropped, reported once here).
void Config::Loader::open_vhost(std::string_view name)
{
    section_ = "vhost:" + std::string(name);
    const bool well_formed =
        !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
        });
    if (!well_formed) {
        error("[" + section_ + "]: a vhost's name is letters, digits, '.', '-' and '_' "
              "(e.g. [vhost:www.example.com])");
        return;
    }
    for (const VhostEntries& earlier : vhosts_) {
        if (equals_ignoring_case(earlier.name, name)) {
            error("[" + section_ + "]: defined twice (first on line " + std::to_string(earlier.line) +
                  "); give each virtual host a section of its own");
            return;
        }
    }
    vhosts_.push_back({std::string(name), line_, std::vector<std::vector<RawEntry>>(config_.directives_.size())});
    vhost_ = static_cast<long>(vhosts_.size() - 1);
    section_ok_ = true;
}

// The row a key of a [vhost:NAME] section names: one of the "vhost" section's, or one of the
// server's marked per_vhost; nullptr after reporting why not.
const Directive* Config::Loader::vhost_directive(std::string_view name)
{
    const DirectiveTables& tables = config_.tables_;
    if (const Directive* d = find_directive(tables, kVhostSection, name))
        return d;
    const std::string here = where(section_, name);
    const Directive* d = find_directive_anywhere(tables, name);
    if (d && d->per_vhost)
        return d;
    if (d) {
        error(here + "is not set per virtual host: set it in [" + std::string(d->section) + "]");
    } else if (const Directive* close = closest_directive(tables, name)) {
        error(here + "unknown directive (did you mean " + std::string(close->name) + "?)");
    } else {
        error(here + "unknown directive (mpmd -L lists them all)");
    }
    return nullptr;
}

int Config::Loader::handle(void* user, const char*, const char* name, const char* value)
{
    Loader& self = *static_cast<Loader*>(user);
    if (self.kind_ == Kind::Continuation)
        self.continue_value(value);
    else if (self.kind_ == Kind::Key)
        self.add_key(name, value);
    return 1;   // our errors are collected; inih's own count is not used
}

void Config::Loader::add_key(std::string_view name, std::string_view value)
{
    const DirectiveTables& tables = config_.tables_;
    if (!in_section_) {
        const Directive* d = find_directive_anywhere(tables, name);
        error(std::string(name) + ": outside any section" +
              (d ? " (it belongs in [" + std::string(d->section) + "])" : std::string()));
        return;
    }
    if (!section_ok_)
        return;   // reported once, at the section header
    const Directive* d = vhost_ >= 0 ? vhost_directive(name) : find_directive(tables, section_, name);
    if (!d && vhost_ >= 0)
        return;
    if (!d) {
        const std::string here = where(section_, name);
        if (const Directive* elsewhere = find_directive_anywhere(tables, name)) {
            const std::string home = elsewhere->section == kVhostSection ? std::string("a [vhost:NAME] section")
                                                                         : "[" + std::string(elsewhere->section) + "]";
            error(here + "belongs in " + home + ", not in [" + section_ + "]");
        } else if (const Directive* close = closest_directive(tables, name)) {
            const bool same = close->section == section_;
            error(here + "unknown directive (did you mean " + std::string(close->name) +
                  (same ? "" : " in [" + std::string(close->section) + "]") + "?)");
        } else {
            error(here + "unknown directive (mpmd -L lists them all)");
        }
        return;
    }
    const size_t index = static_cast<size_t>(
        std::find(config_.directives_.begin(), config_.directives_.end(), d) -
        config_.directives_.begin());
    std::vector<RawEntry>& entries = target()[index];
    if (!d->repeatable && !entries.empty()) {
        error(where(section_, d->name) + "set twice (first on line " +
              std::to_string(entries.front().line) + "); only " +
              "repeatable directives may be given more than once");
        return;
    }
    entries.push_back({std::string(value), line_, false});
    current_ = static_cast<long>(index);
}

void Config::Loader::continue_value(std::string_view value)
{
    RawEntry& entry = *current();
    if (trim(entry.text).empty()) {
        entry.text = std::string(value);
        entry.line = line_;
    } else if (one_entry_per_line(*config_.directives_[current_])) {
        target()[current_].push_back({std::string(value), line_, false});
    } else {
        entry.text += ' ';
        entry.text += value;
    }
}

// ---- the second pass: raw entries -> checked values

Config Config::load(const LoadOptions& options, const DirectiveTables& tables)
{
    Config config;
    config.options_ = options;
    config.tables_ = tables;
    for (const DirectiveTable& table : tables)
        for (const Directive& d : table)
            config.directives_.push_back(&d);
    config.values_.resize(config.directives_.size());

    std::optional<std::string> content = read_file(options.path);
    const int read_error = errno;
    if (!content)
        config.errors_.push_back(
            {options.path, 0, "cannot read the config file: " + errno_text(read_error)});
    config.file_read_ = content.has_value();
    Loader loader(config, content ? std::move(*content) : std::string());
    loader.run();

    // ServerRoot first: every other Path resolves against it.
    const size_t root_index = config.index_of(kServerSection, kServerRootName);
    config.take_values(root_index, loader.entries(root_index), current_directory());
    config.settle_server_root(root_index);
    for (size_t i = 0; i < config.directives_.size(); ++i)
        if (i != root_index)
            config.take_values(i, loader.entries(i), config.server_root_);
    for (const Loader::VhostEntries& raw : loader.vhosts()) {
        VhostSection vhost{raw.name, config.file(), raw.line, {}, {}};
        for (size_t i = 0; i < config.directives_.size(); ++i) {
            if (raw.entries[i].empty())
                continue;
            std::vector<ConfigValue> values;
            config.parse_entries(*config.directives_[i], vhost.label(), raw.entries[i], config.server_root_, &values);
            if (values.empty())
                continue;   // every value was wrong (reported): the server's apply
            vhost.directives.push_back(config.directives_[i]);
            vhost.values.push_back(std::move(values));
        }
        config.vhosts_.push_back(std::move(vhost));
    }

    sort_messages(&config.errors_);
    return config;
}

void Config::parse_entries(const Directive& d, std::string_view section, const std::vector<RawEntry>& entries,
                           const std::string& root, std::vector<ConfigValue>* out)
{
    for (const RawEntry& entry : entries) {
        if (entry.broken)
            continue;   // its too-long line is the error
        ConfigValue value;
        const std::string problem = parse_directive_value(d, entry.text, root, &value);
        if (!problem.empty()) {
            errors_.push_back({file(), entry.line, where(section, d.name) + problem});
            continue;
        }
        value.text = entry.text;
        value.file = file();
        value.line = entry.line;
        out->push_back(std::move(value));
    }
}

void Config::take_values(size_t index, const std::vector<RawEntry>& entries,
                         const std::string& root)
{
    const Directive& d = *directives_[index];
    std::vector<ConfigValue>& values = values_[index];
    parse_entries(d, d.section, entries, root, &values);
    if (!values.empty() || d.default_value.empty())
        return;
    ConfigValue value;
    if (!has_computed_default(d) && !parse_directive_value(d, d.default_value, root, &value).empty())
        throw std::logic_error("bad default for " + std::string(d.name));
    value.text = std::string(d.default_value);
    value.file = file();
    values.push_back(std::move(value));
}

void Config::settle_server_root(size_t index)
{
    const Directive& d = *directives_[index];
    ConfigValue& root = values_[index].front();
    const std::string& override_root = options_.server_root_override;
    if (!override_root.empty()) {
        root.words = {resolve_path(current_directory(), override_root)};
        root.text = override_root;
        root.line = 0;
    }
    server_root_ = root.words.front();
    struct stat st;
    std::string problem;
    if (stat(server_root_.c_str(), &st) != 0)
        problem = errno_text(errno);
    else if (!S_ISDIR(st.st_mode))
        problem = errno_text(ENOTDIR);
    if (problem.empty())
        return;
    if (!override_root.empty())
        errors_.push_back({"", 0, "-d " + server_root_ + ": " + problem});
    else
        errors_.push_back(message(root, d.section, d.name, server_root_ + ": " + problem));
}

// ---- lookups

size_t Config::index_of(std::string_view section, std::string_view name) const
{
    for (size_t i = 0; i < directives_.size(); ++i)
        if (equals_ignoring_case(directives_[i]->section, section) &&
            equals_ignoring_case(directives_[i]->name, name))
            return i;
    throw std::logic_error("no directive [" + std::string(section) + "] " + std::string(name));
}

const std::vector<ConfigValue>& Config::values(std::string_view section,
                                               std::string_view name) const
{
    return values_[index_of(section, name)];
}

const ConfigValue& Config::value(std::string_view section, std::string_view name) const
{
    static const ConfigValue none;
    const std::vector<ConfigValue>& all = values(section, name);
    return all.empty() ? none : all.front();
}

long long Config::integer(std::string_view section, std::string_view name) const
{
    return value(section, name).number;
}

bool Config::flag(std::string_view section, std::string_view name) const
{
    return value(section, name).number != 0;
}

int Config::choice(std::string_view section, std::string_view name) const
{
    return static_cast<int>(value(section, name).number);
}

const std::string& Config::string(std::string_view section, std::string_view name) const
{
    static const std::string empty;
    const std::vector<std::string>& all = value(section, name).words;
    return all.empty() ? empty : all.front();
}

const std::vector<std::string>& Config::words(std::string_view section,
                                              std::string_view name) const
{
    return value(section, name).words;
}

const std::vector<ConfigValue>* VhostSection::find(const Directive& d) const
{
    for (size_t i = 0; i < directives.size(); ++i)
        if (directives[i] == &d)
            return &values[i];
    return nullptr;
}

const std::vector<ConfigValue>& Config::values_for(const VhostSection* vhost, std::string_view section,
                                                   std::string_view name) const
{
    const size_t index = index_of(section, name);
    if (vhost != nullptr)
        if (const std::vector<ConfigValue>* own = vhost->find(*directives_[index]))
            return *own;
    return values_[index];
}

const ConfigValue& Config::value_for(const VhostSection* vhost, std::string_view section,
                                     std::string_view name) const
{
    static const ConfigValue none;
    const std::vector<ConfigValue>& all = values_for(vhost, section, name);
    return all.empty() ? none : all.front();
}

ConfigMessage Config::message(const ConfigValue& value, std::string_view section,
                              std::string_view name, std::string_view problem) const
{
    return {value.file.empty() ? file() : value.file, value.line,
            where(section, name) + std::string(problem)};
}

std::vector<Config::Unapplied> Config::full_restart_changes(const Config& next,
                                                           std::string_view mpm_section) const
{
    std::vector<Unapplied> out;
    for (size_t i = 0; i < directives_.size(); ++i) {
        const Directive& d = *directives_[i];
        const bool other_mpm = d.section.substr(0, 4) == "mpm_" && d.section != mpm_section;
        if (!d.full_restart || other_mpm)
            continue;
        const std::vector<ConfigValue>& now = values_[i];
        const std::vector<ConfigValue>& then = next.values(d.section, d.name);
        const bool same = std::equal(now.begin(), now.end(), then.begin(), then.end(),
                                     [](const ConfigValue& a, const ConfigValue& b) {
                                         return a.words == b.words && a.number == b.number;
                                     });
        if (same)
            continue;
        std::string kept;
        for (const ConfigValue& v : now)
            kept += (kept.empty() ? "" : ", ") + format_directive_value(d, v);
        out.push_back({&d, kept.empty() ? std::string("(unset)") : kept});
    }
    return out;
}

std::string Config::dump() const
{
    std::string out;
    std::string_view section;
    for (size_t i = 0; i < directives_.size(); ++i) {
        const Directive& d = *directives_[i];
        if (d.section == kVhostSection)
            continue;   // only in the [vhost:NAME] sections below
        if (d.section != section) {
            section = d.section;
            out += (out.empty() ? "[" : "\n[") + std::string(section) + "]\n";
        }
        for (const ConfigValue& value : values_[i]) {
            if (has_computed_default(d) && value.words.empty()) {
                out += "; " + std::string(d.name) + " = " + value.text + "\n";
                continue;
            }
            out += std::string(d.name) + " = " + format_directive_value(d, value) +
                   (value.is_default() ? "   ; default\n" : "\n");
        }
    }
    for (const VhostSection& vhost : vhosts_) {
        out += "\n[" + vhost.label() + "]\n";
        for (size_t i = 0; i < vhost.directives.size(); ++i)
            for (const ConfigValue& value : vhost.values[i])
                out += std::string(vhost.directives[i]->name) + " = " +
                       format_directive_value(*vhost.directives[i], value) + "\n";
    }
    return out;
}

} // namespace mpmd
