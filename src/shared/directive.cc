// Directive tables: lookups, the typed parse/format pairs, and the text generated from the
// tables (`mpmd -L`, the roff directive reference of mpmd.conf(5)).
// Runs in: master.
// Leans on: man(7) escapes (\e, \&, \fB, \fI, \fR); std::from_chars instead of strtol(3).
#include "shared/directive.h"

#include "shared/listen_address.h"

#include <algorithm>
#include <charconv>

namespace mpmd {

namespace {

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            const size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// Calls fn(short_spelling, full_spelling) for each '|'-separated choice; "Min[imal]" gives
// ("Min", "Minimal"), "OS" gives ("OS", "OS").
template <typename Fn>
void for_each_choice(std::string_view choices, Fn fn)
{
    while (!choices.empty()) {
        const size_t bar = choices.find('|');
        std::string_view choice = choices.substr(0, bar);
        choices = bar == std::string_view::npos ? std::string_view() : choices.substr(bar + 1);
        const size_t open = choice.find('[');
        if (open == std::string_view::npos) {
            fn(choice, std::string(choice));
            continue;
        }
        std::string full(choice.substr(0, open));
        full += choice.substr(open + 1, choice.find(']', open) - open - 1);
        fn(choice.substr(0, open), full);
    }
}

// Calls fn(name, value) for each "name=value" of a NamedInteger's `choices`.
template <typename Fn>
void for_each_named_value(std::string_view choices, Fn fn)
{
    while (!choices.empty()) {
        const size_t bar = choices.find('|');
        const std::string_view entry = choices.substr(0, bar);
        choices = bar == std::string_view::npos ? std::string_view() : choices.substr(bar + 1);
        const size_t equals = entry.find('=');
        fn(entry.substr(0, equals), parse_integer(entry.substr(equals + 1)).value_or(0));
    }
}

// "1..86400 seconds", "0 or more connections".
std::string integer_range(const Directive& d)
{
    std::string range = d.max == LLONG_MAX || d.max == INT_MAX
                            ? std::to_string(d.min) + " or more"
                            : std::to_string(d.min) + ".." + std::to_string(d.max);
    return d.unit.empty() ? range : range + " " + std::string(d.unit);
}

bool is_single_word(DirectiveType type)
{
    return type != DirectiveType::WordList && type != DirectiveType::Words;
}

bool has_range(const Directive& d)
{
    return d.type == DirectiveType::Integer || d.type == DirectiveType::Decimal ||
           d.type == DirectiveType::NamedInteger;
}

std::string plural(long long n, std::string_view word)
{
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string word_count_problem(const Directive& d, size_t got)
{
    if (got == 0)
        return "missing value (allowed: " + directive_allowed(d) + ")";
    if (is_single_word(d.type))
        return "takes one value, got " + plural(static_cast<long long>(got), "word") +
               " (quote a value that contains spaces)";
    std::string want = d.min_words == d.max_words
                           ? plural(d.min_words, "word")
                           : std::to_string(d.min_words) + " to " + plural(d.max_words, "word");
    return "takes " + want + ", got " + std::to_string(got) + " (allowed: " +
           std::string(d.syntax) + ")";
}

std::string display_default(const Directive& d)
{
    if (d.default_value.empty())
        return "none";
    if (has_computed_default(d))
        return std::string(d.default_value.substr(1, d.default_value.size() - 2));
    return std::string(d.default_value);
}

// `text` filled into lines of at most `width` columns, each starting with `indent`.
std::string wrap(std::string_view text, std::string_view indent, size_t width)
{
    std::string out;
    std::string line(indent);
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(' ', start);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view word = text.substr(start, end - start);
        if (line.size() > indent.size() && line.size() + 1 + word.size() > width) {
            out += line + "\n";
            line = std::string(indent);
        }
        if (line.size() > indent.size())
            line += ' ';
        line += word;
        start = end + 1;
    }
    return out + line + "\n";
}

} // namespace

// ---- lookups

bool equals_ignoring_case(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

const Directive* find_directive(const DirectiveTables& tables, std::string_view section,
                                std::string_view name)
{
    for (const DirectiveTable& table : tables)
        for (const Directive& d : table)
            if (equals_ignoring_case(d.section, section) && equals_ignoring_case(d.name, name))
                return &d;
    return nullptr;
}

const Directive* find_directive_anywhere(const DirectiveTables& tables, std::string_view name)
{
    for (const DirectiveTable& table : tables)
        for (const Directive& d : table)
            if (equals_ignoring_case(d.name, name))
                return &d;
    return nullptr;
}

const Directive* closest_directive(const DirectiveTables& tables, std::string_view name)
{
    // A typo is a letter or two: allow 1 edit in short names, 2 in medium, 3 in long ones.
    const size_t limit = name.size() <= 4 ? 1 : name.size() <= 9 ? 2 : 3;
    const Directive* best = nullptr;
    size_t best_distance = limit + 1;
    for (const DirectiveTable& table : tables)
        for (const Directive& d : table) {
            // The distance is at least the difference in lengths, so a name that cannot come
            // closer is not compared (most names, and every one for a long key).
            const size_t gap = name.size() > d.name.size() ? name.size() - d.name.size()
                                                           : d.name.size() - name.size();
            if (gap >= best_distance)
                continue;
            const size_t distance = edit_distance(name, d.name);
            if (distance < best_distance) {
                best = &d;
                best_distance = distance;
            }
        }
    return best;
}

std::vector<std::string_view> directive_sections(const DirectiveTables& tables)
{
    std::vector<std::string_view> sections;
    for (const DirectiveTable& table : tables)
        for (const Directive& d : table)
            if (std::find(sections.begin(), sections.end(), d.section) == sections.end())
                sections.push_back(d.section);
    return sections;
}

bool has_computed_default(const Directive& d)
{
    return d.default_value.size() >= 2 && d.default_value.front() == '(' &&
           d.default_value.back() == ')';
}

// ---- typed parse/format helpers

std::optional<long long> parse_integer(std::string_view text)
{
    if (text.empty() || text.front() == '+')
        return std::nullopt;
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<long long> parse_decimal(std::string_view text)
{
    const bool negative = !text.empty() && text.front() == '-';
    if (negative)
        text.remove_prefix(1);
    const size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    const bool digits_only = fraction.find_first_not_of("0123456789") == std::string_view::npos;
    if (whole.empty() || whole.front() == '-' || !digits_only ||
        (dot != std::string_view::npos && (fraction.empty() || fraction.size() > 2)))
        return std::nullopt;
    const std::optional<long long> units = parse_integer(whole);
    if (!units || *units > (LLONG_MAX - 99) / 100)
        return std::nullopt;
    long long hundredths = *units * 100;
    if (!fraction.empty())
        hundredths += (fraction[0] - '0') * 10 + (fraction.size() == 2 ? fraction[1] - '0' : 0);
    return negative ? -hundredths : hundredths;
}

std::string format_decimal(long long hundredths)
{
    // LLONG_MIN has no magnitude; parse_decimal never yields it.
    const bool negative = hundredths < 0;
    const long long magnitude = negative ? -hundredths : hundredths;
    std::string text = (negative ? "-" : "") + std::to_string(magnitude / 100);
    const long long cents = magnitude % 100;
    if (cents != 0) {
        text += '.';
        text += static_cast<char>('0' + cents / 10);
        if (cents % 10 != 0)
            text += static_cast<char>('0' + cents % 10);
    }
    return text;
}

std::optional<bool> parse_on_off(std::string_view text)
{
    if (equals_ignoring_case(text, "on"))
        return true;
    if (equals_ignoring_case(text, "off"))
        return false;
    return std::nullopt;
}

std::optional<int> parse_choice(std::string_view choices, std::string_view text)
{
    std::optional<int> found;
    int index = 0;
    for_each_choice(choices, [&](std::string_view brief, const std::string& full) {
        if (!found && (equals_ignoring_case(text, brief) || equals_ignoring_case(text, full)))
            found = index;
        ++index;
    });
    return found;
}

std::string choice_name(std::string_view choices, int index)
{
    std::string name;
    int i = 0;
    for_each_choice(choices, [&](std::string_view, const std::string& full) {
        if (i++ == index)
            name = full;
    });
    return name;
}

std::string choice_list(std::string_view choices)
{
    std::string list(choices);
    for (size_t bar = list.find('|'); bar != std::string::npos; bar = list.find('|', bar))
        list.replace(bar, 1, ", ");
    return list;
}

std::optional<std::vector<std::string>> split_words(std::string_view text, std::string* problem)
{
    std::vector<std::string> words;
    size_t i = 0;
    while (true) {
        while (i < text.size() && is_space(text[i]))
            ++i;
        if (i == text.size())
            return words;
        const bool quoted = text[i] == '"';
        const size_t start = i;
        if (quoted)
            ++i;
        std::string word;
        bool closed = !quoted;
        while (i < text.size()) {
            const char c = text[i];
            if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) {
                word += text[i + 1];
                i += 2;
                continue;
            }
            if (quoted && c == '"') {
                closed = true;
                ++i;
                break;
            }
            if (!quoted && is_space(c))
                break;
            word += c;
            ++i;
        }
        if (!closed) {
            *problem = "missing closing '\"' in " + std::string(text.substr(start));
            return std::nullopt;
        }
        if (quoted && i < text.size() && !is_space(text[i])) {
            *problem = "text after a closing '\"': " + std::string(text.substr(start));
            return std::nullopt;
        }
        words.push_back(std::move(word));
    }
}

std::string quote_word(std::string_view word)
{
    const bool plain = !word.empty() && word.find_first_of(" \t\"\\;") == std::string_view::npos;
    if (plain)
        return std::string(word);
    std::string quoted = "\"";
    for (char c : word) {
        if (c == '"' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    return quoted + "\"";
}

std::string join_words(const std::vector<std::string>& words)
{
    std::string text;
    for (const std::string& word : words) {
        text += text.empty() ? "" : " ";
        text += quote_word(word);
    }
    return text;
}

std::string resolve_path(std::string_view root, std::string_view path)
{
    if (path.empty() || path.front() == '/' || root.empty())
        return std::string(path);
    std::string full(root);
    if (full.back() != '/')
        full += '/';
    return full + std::string(path);
}

std::string directive_allowed(const Directive& d)
{
    switch (d.type) {
    case DirectiveType::Integer:
        return integer_range(d);
    case DirectiveType::NamedInteger: {
        std::string names;
        for_each_named_value(d.choices, [&](std::string_view name, long long) {
            names.append(name).append(", ");
        });
        return names + "or " + integer_range(d);
    }
    case DirectiveType::Decimal: {
        const std::string range = format_decimal(d.min) + ".." + format_decimal(d.max);
        return d.unit.empty() ? range : range + " " + std::string(d.unit);
    }
    case DirectiveType::Boolean:
        return "On, Off";
    case DirectiveType::Enum:
        return choice_list(d.choices);
    default:
        return std::string(d.syntax);
    }
}

std::string parse_directive_value(const Directive& d, std::string_view text,
                                  std::string_view server_root, DirectiveValue* out)
{
    std::string problem;
    std::optional<std::vector<std::string>> words = split_words(text, &problem);
    if (!words)
        return problem;
    const size_t n = words->size();
    if (n < static_cast<size_t>(d.min_words) || n > static_cast<size_t>(d.max_words))
        return word_count_problem(d, n);
    const std::string& word = words->front();
    DirectiveValue value;
    switch (d.type) {
    case DirectiveType::NamedInteger: {
        bool named = false;
        for_each_named_value(d.choices, [&](std::string_view name, long long number) {
            if (!named && equals_ignoring_case(name, word)) {
                value.number = number;
                named = true;
            }
        });
        if (named)
            break;
        [[fallthrough]];   // not a name: a number, read as an Integer
    }
    case DirectiveType::Integer: {
        const std::optional<long long> number = parse_integer(word);
        if (!number)
            return "\"" + word + "\" is not a decimal integer (allowed: " + directive_allowed(d) +
                   ")";
        if (*number < d.min || *number > d.max)
            return word + " is out of range (allowed: " + directive_allowed(d) + ")";
        value.number = *number;
        break;
    }
    case DirectiveType::Decimal: {
        const std::optional<long long> hundredths = parse_decimal(word);
        if (!hundredths)
            return "\"" + word + "\" is not a number with at most two decimals (allowed: " +
                   directive_allowed(d) + ")";
        if (*hundredths < d.min || *hundredths > d.max)
            return word + " is out of range (allowed: " + directive_allowed(d) + ")";
        value.number = *hundredths;
        break;
    }
    case DirectiveType::Boolean: {
        const std::optional<bool> flag = parse_on_off(word);
        if (!flag)
            return "\"" + word + "\" is not On or Off (allowed: On, Off)";
        value.number = *flag ? 1 : 0;
        break;
    }
    case DirectiveType::Enum: {
        const std::optional<int> choice = parse_choice(d.choices, word);
        if (!choice)
            return "\"" + word + "\" is not allowed (allowed: " + choice_list(d.choices) + ")";
        value.number = *choice;
        break;
    }
    case DirectiveType::Listen: {
        std::string why;
        if (!parse_listen(*words, &why))
            return why + " (allowed: " + std::string(d.syntax) +
                   ", e.g. 80, *:80, 192.0.2.1:80, [::1]:8080, 443 https, 8080 proxy)";
        break;
    }
    case DirectiveType::Path:
        (*words)[0] = resolve_path(server_root, word);
        break;
    case DirectiveType::String:
    case DirectiveType::WordList:
    case DirectiveType::Words:
        break;
    }
    value.words = std::move(*words);
    *out = std::move(value);
    return {};
}

std::string format_directive_value(const Directive& d, const DirectiveValue& value)
{
    switch (d.type) {
    case DirectiveType::Integer:
        return std::to_string(value.number);
    case DirectiveType::NamedInteger: {
        std::string text;
        for_each_named_value(d.choices, [&](std::string_view name, long long number) {
            if (text.empty() && number == value.number)
                text = name;
        });
        return text.empty() ? std::to_string(value.number) : text;
    }
    case DirectiveType::Decimal:
        return format_decimal(value.number);
    case DirectiveType::Boolean:
        return value.number ? "On" : "Off";
    case DirectiveType::Enum:
        return choice_name(d.choices, static_cast<int>(value.number));
    default:
        return join_words(value.words);
    }
}

// ---- documentation

namespace {
// Said of every row marked needs_full_restart(), in -L and in mpmd.conf(5).
constexpr const char* kFullRestartNote =
    "A change needs a full stop and start: a restart keeps the value the server started with and "
    "logs a warning naming it.";
// Said of every row marked also_per_vhost().
constexpr const char* kPerVhostNote = "A [vhost:NAME] section may set it for its host alone.";

// How a section is written in a config file: the "vhost" rows go in [vhost:NAME] sections.
std::string section_heading(std::string_view section)
{
    return section == "vhost" ? "vhost:NAME" : std::string(section);
}

// The doc of a row with the notes its marks add.
std::string full_doc(const Directive& d)
{
    std::string doc(d.doc);
    if (d.per_vhost)
        doc += std::string(" ") + kPerVhostNote;
    if (d.full_restart)
        doc += std::string(" ") + kFullRestartNote;
    return doc;
}

// The names of the rows a vhost may set besides its own section's, "A, B and C".
std::string per_vhost_names(const DirectiveTables& tables)
{
    std::vector<std::string> names;
    for (const DirectiveTable& table : tables)
        for (const Directive& d : table)
            if (d.per_vhost)
                names.push_back("[" + std::string(d.section) + "] " + std::string(d.name));
    std::string out;
    for (size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return out;
}
} // namespace

std::string directives_listing(const DirectiveTables& tables)
{
    std::string out;
    for (const DirectiveTable& table : tables)
        for (const Directive& d : table) {
            out += "[" + section_heading(d.section) + "] " + std::string(d.name) + " = " +
                   std::string(d.syntax) + (d.repeatable ? "   (repeatable)" : "") + "\n";
            out += wrap(full_doc(d), "    ", 80);
            out += "    Default: " + display_default(d);
            if (has_range(d))
                out += "; allowed: " + directive_allowed(d);
            out += "; module: " + std::string(table.module) + "\n\n";
        }
    return out;
}

std::string roff_escape(std::string_view text)
{
    std::string out;
    if (!text.empty() && (text.front() == '.' || text.front() == '\''))
        out += "\\&";
    for (char c : text) {
        if (c == '\\')
            out += "\\e";
        else
            out += c;
    }
    return out;
}

std::string directives_roff(const DirectiveTables& tables)
{
    std::string out;
    for (std::string_view section : directive_sections(tables)) {
        out += ".SS [" + roff_escape(section_heading(section)) + "]\n";
        if (section == "vhost")
            out += "One section per name-based virtual host (see Virtual hosts above). Besides the "
                   "directive below, it takes " + per_vhost_names(tables) +
                   ", for its host alone; what it leaves unset comes from [server].\n";
        for (const DirectiveTable& table : tables)
            for (const Directive& d : table) {
                if (d.section != section)
                    continue;
                out += ".TP\n\\fB" + roff_escape(d.name) + "\\fR = \\fI" +
                       roff_escape(d.syntax) + "\\fR\n";
                out += roff_escape(full_doc(d));
                if (d.repeatable)
                    out += " May be given more than once.";
                out += "\n.br\nDefault: " + roff_escape(display_default(d));
                if (has_range(d))
                    out += " (allowed: " + roff_escape(directive_allowed(d)) + ")";
                out += "\n";
            }
    }
    return out;
}

} // namespace mpmd
