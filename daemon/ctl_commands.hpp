#pragma once

// wmsgatectl's subcommands: a table, one function each.

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace wmsgate::daemon::ctl {

// Documented exit codes.
enum Exit { ok = 0, usage_error = 1, not_found_or_conflict = 2, unreachable = 3 };

// One parsed command line, after the subcommand words.
struct Invocation {
    std::filesystem::path socket;
    std::optional<std::string> name;             // the NAME operand, for peer commands
    std::map<std::string, std::string> options;  // "--groups" -> "a,b"; flags -> ""

    bool has(const std::string& option) const { return options.contains(option); }
};

struct Subcommand {
    std::vector<std::string> words;  // {"peer", "add"}
    bool takes_name = false;
    std::set<std::string> options;  // besides --socket, --config, --help
    const char* synopsis;           // the usage line after the words
    const char* summary;
    int (*run)(const Invocation&);
};

const std::vector<Subcommand>& subcommands();

// Options that take a value; every other "--x" is a flag.
bool takes_value(const std::string& option);

}  // namespace wmsgate::daemon::ctl
