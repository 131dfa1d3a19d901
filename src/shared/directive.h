// Directive: one row of a module's directive table, and the typed parse/format pairs for the
// values a row describes. A table (a constexpr array of Directive) is the single source of truth
// for parsing, validation, `mpmd -L` and the directive reference in mpmd.conf(5).
// Runs in: master (config load, -L, --roff-directives); the helpers are usable anywhere.
// Leans on: man(7) and mandoc(1) for the roff output; Apache httpd's ap_getword_conf() for quoting.
#ifndef MPMD_SHARED_DIRECTIVE_H
#define MPMD_SHARED_DIRECTIVE_H

#include <climits>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpmd {

enum class DirectiveType : unsigned char {
    Integer,   // one decimal integer within [min, max], measured in `unit`
    Decimal,   // a number with at most two fraction digits ("2", "1.5", "0.25"), held in
               // hundredths: value, min and max are all x100 (Apache's AsyncRequestWorkerFactor)
    Boolean,   // On or Off, case-insensitive (Apache accepts nothing else)
    String,    // one word
    Path,      // one word; a relative path resolves against ServerRoot
    Enum,      // one of `choices`
    WordList,  // one or more words
    Listen,    // one listen address ([address:]port) and its flags per value
    Words,     // min_words..max_words words; the module gives them meaning (LogFormat, ...)
    NamedInteger,   // an Integer, or one of the names in `choices`, written "name=value|...",
                    // each standing for its value, which may lie outside [min, max] (Apache's
                    // MaxRanges: none=0, default=200, unlimited); module code reads a number
};

// A plain, constexpr-constructible row. Build rows with the make_* helpers below so that each
// type fills exactly the fields it uses.
struct Directive {
    std::string_view name;           // Apache's spelling; matched without regard to case
    std::string_view section;        // INI section without brackets, e.g. "server"
    DirectiveType type;
    // The value used when the key is absent, written as in a config file; "" = none.
    // A text in parentheses, e.g. "(the host name)", documents a default computed at load time.
    std::string_view default_value;
    long long min;                   // Integer, Decimal (in hundredths): inclusive bounds
    long long max;
    std::string_view unit;           // Integer, Decimal: "seconds", "connections", ... ("" = a count)
    std::string_view choices;        // Enum: "Major|Minor|Min[imal]": [] marks an optional tail;
                                     // NamedInteger: "none=0|default=200"
    int min_words;                   // Words only: how many words one value has
    int max_words;
    bool repeatable;                 // repeated keys accumulate; otherwise a second one is an error
    std::string_view syntax;         // the value's shape for the docs, e.g. "[address:]port"
    std::string_view doc;            // one line, a sentence or two
    // A restart (HUP, USR1) cannot apply a change: the master keeps the value it started with
    // and warns; the docs say "A change needs a full stop and start." (mark rows with
    // needs_full_restart()).
    bool full_restart;
    // It may also be set in a [vhost:NAME] section, for that host alone (mark rows with
    // also_per_vhost()); rows of the "vhost" section are the ones only a vhost takes.
    bool per_vhost;
};

// The row, marked as one whose changes need a full stop and start (ServerLimit sizes the
// scoreboard, PidFile is where mpmd -k looks for the running master...).
constexpr Directive needs_full_restart(Directive d)
{
    d.full_restart = true;
    return d;
}

// The row, marked as one a [vhost:NAME] section may set for its host (DocumentRoot, ...).
constexpr Directive also_per_vhost(Directive d)
{
    d.per_vhost = true;
    return d;
}

constexpr Directive make_integer(std::string_view section, std::string_view name,
                                 std::string_view default_value, long long min, long long max,
                                 std::string_view unit, std::string_view doc)
{
    // Apache's syntax lines say "Timeout seconds" but "ServerLimit number".
    return {name, section, DirectiveType::Integer, default_value, min, max, unit, {}, 1, 1,
            false, unit == "seconds" ? unit : std::string_view("number"), doc, false, false};
}

// An Integer that also takes names for some values, `names` as "none=0|default=200|..."; the
// syntax line lists the names and "number", as Apache's does ("default|unlimited|none|number").
constexpr Directive make_named_integer(std::string_view section, std::string_view name,
                                       std::string_view default_value, long long min, long long max,
                                       std::string_view unit, std::string_view names,
                                       std::string_view syntax, std::string_view doc)
{
    return {name, section, DirectiveType::NamedInteger, default_value, min, max, unit, names, 1, 1,
            false, syntax, doc, false, false};
}

// `min_hundredths` and `max_hundredths` are the bounds x100: 1..10000 allows 0.01..100.
constexpr Directive make_decimal(std::string_view section, std::string_view name,
                                 std::string_view default_value, long long min_hundredths,
                                 long long max_hundredths, std::string_view unit,
                                 std::string_view doc)
{
    return {name, section, DirectiveType::Decimal, default_value, min_hundredths, max_hundredths,
            unit, {}, 1, 1, false, "number", doc, false, false};
}

constexpr Directive make_flag(std::string_view section, std::string_view name,
                              std::string_view default_value, std::string_view doc)
{
    return {name, section, DirectiveType::Boolean, default_value, 0, 1, {}, {}, 1, 1,
            false, "On|Off", doc, false, false};
}

constexpr Directive make_string(std::string_view section, std::string_view name,
                                std::string_view default_value, std::string_view syntax,
                                std::string_view doc)
{
    return {name, section, DirectiveType::String, default_value, 0, 0, {}, {}, 1, 1,
            false, syntax, doc, false, false};
}

constexpr Directive make_path(std::string_view section, std::string_view name,
                              std::string_view default_value, std::string_view doc)
{
    return {name, section, DirectiveType::Path, default_value, 0, 0, {}, {}, 1, 1,
            false, "path", doc, false, false};
}

constexpr Directive make_enum(std::string_view section, std::string_view name,
                              std::string_view default_value, std::string_view choices,
                              std::string_view doc)
{
    return {name, section, DirectiveType::Enum, default_value, 0, 0, {}, choices, 1, 1,
            false, choices, doc, false, false};
}

constexpr Directive make_word_list(std::string_view section, std::string_view name,
                                   std::string_view default_value, std::string_view syntax,
                                   std::string_view doc)
{
    return {name, section, DirectiveType::WordList, default_value, 0, 0, {}, {}, 1, INT_MAX,
            false, syntax, doc, false, false};
}

constexpr Directive make_listen(std::string_view section, std::string_view name,
                                std::string_view default_value, std::string_view doc)
{
    return {name, section, DirectiveType::Listen, default_value, 0, 0, {}, {}, 1, 3,
            true, "[address:]port [https] [proxy]", doc, false, false};
}

// Repeatable entries of a fixed number of words and no default (LogFormat, CustomLog, ...).
constexpr Directive make_words(std::string_view section, std::string_view name, int min_words,
                               int max_words, std::string_view syntax, std::string_view doc)
{
    return {name, section, DirectiveType::Words, {}, 0, 0, {}, {}, min_words, max_words,
            true, syntax, doc, false, false};
}

// One module's table: a view of its constexpr array.
struct DirectiveTable {
    std::string_view module;   // Apache's module name, e.g. "core", "mpm_prefork"
    const Directive* rows;
    std::size_t count;

    const Directive* begin() const { return rows; }
    const Directive* end() const { return rows + count; }
};

template <std::size_t N>
constexpr DirectiveTable make_table(std::string_view module, const Directive (&rows)[N])
{
    return {module, rows, N};
}

using DirectiveTables = std::vector<DirectiveTable>;

// ---- lookups

bool equals_ignoring_case(std::string_view a, std::string_view b);
const Directive* find_directive(const DirectiveTables& tables, std::string_view section,
                                std::string_view name);
// The first directive of that name in any section, or nullptr.
const Directive* find_directive_anywhere(const DirectiveTables& tables, std::string_view name);
// The directive name closest to `name` (case-insensitive edit distance), when close enough to
// be a likely typo; nullptr otherwise.
const Directive* closest_directive(const DirectiveTables& tables, std::string_view name);
// The distinct sections of the tables, in table order.
std::vector<std::string_view> directive_sections(const DirectiveTables& tables);
bool has_computed_default(const Directive& d);

// ---- typed parse/format helpers (module code uses these, never strtol)

// A decimal integer with an optional '-'; nullopt on anything else (no spaces, no suffix).
std::optional<long long> parse_integer(std::string_view text);
// A decimal number with an optional '-' and at most two digits after a '.', in hundredths
// ("1.5" -> 150, "-2" -> -200); digits are needed on both sides of the '.'. nullopt on
// anything else, and when the value x100 does not fit a long long.
std::optional<long long> parse_decimal(std::string_view text);
// The inverse, in the shortest spelling: 200 -> "2", 150 -> "1.5", 125 -> "1.25".
std::string format_decimal(long long hundredths);
// On/Off, case-insensitive.
std::optional<bool> parse_on_off(std::string_view text);
// Index of `text` among `choices` ("A|Bc[def]|G"; "Bc" and "Bcdef" both match index 1).
std::optional<int> parse_choice(std::string_view choices, std::string_view text);
// The full spelling of choice `index` ("Bcdef").
std::string choice_name(std::string_view choices, int index);
// The choices as written in the table, joined by ", " for "(allowed: ...)".
std::string choice_list(std::string_view choices);

// Apache-style words: whitespace separates; a word that starts with '"' runs to the matching
// '"'; `\"` and `\\` are escapes everywhere, any other backslash is kept as written (so
// LogFormat's own "\n" reaches the log code). nullopt with *problem set on a missing '"'.
std::optional<std::vector<std::string>> split_words(std::string_view text, std::string* problem);
// The inverse: a word quoted only when it needs to be (empty, space, '"', '\\', ';').
std::string quote_word(std::string_view word);
std::string join_words(const std::vector<std::string>& words);

// The effective value of one directive, as parsed from config text (see split_words).
struct DirectiveValue {
    std::vector<std::string> words;   // Path: words[0] is already resolved against ServerRoot
    long long number = 0;             // Integer, NamedInteger: the value; Decimal: the value x100;
                                      // Boolean: 0/1; Enum: the choice index
};

// Parses `text` (one value as written) as directive `d`. `server_root` resolves Path values.
// Returns "" on success, else the problem in words fit for "file:line: [section] Key: problem".
std::string parse_directive_value(const Directive& d, std::string_view text,
                                  std::string_view server_root, DirectiveValue* out);
// The value written back as config text (canonical spelling), e.g. "On", "Minimal", "60".
std::string format_directive_value(const Directive& d, const DirectiveValue& value);
// "allowed: ..." text for a directive's type, e.g. "1..86400 seconds", "0.01..100" or "On, Off".
std::string directive_allowed(const Directive& d);

// ---- documentation generated from the tables

// What `mpmd -L` prints: one block per directive with its section, name, syntax, default and doc.
std::string directives_listing(const DirectiveTables& tables);
// The directive reference of mpmd.conf(5) as man(7) roff: `.SS [section]` per section, then per
// directive `.TP`, the name in bold and syntax in italics, the doc, and `Default: ...`.
// Meant to be embedded below a `.SH` in a page; clean under `mandoc -Tlint -Wwarning`.
std::string directives_roff(const DirectiveTables& tables);
// Text escaped for a roff text line: backslashes as \e, a leading '.' or '\'' guarded by \&.
std::string roff_escape(std::string_view text);

// `path` made absolute against `root` ("" root leaves it as is); no file system access.
std::string resolve_path(std::string_view root, std::string_view path);

} // namespace mpmd

#endif
