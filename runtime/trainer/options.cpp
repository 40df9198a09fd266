//===- options.cpp - the trainer's command line ---------------------------===//

#include "runtime/trainer/options.h"

#include "runtime/core/error.h"

#include <algorithm>

namespace gmrt {

Options::Options(const std::string &command,
                 const std::vector<OptionSpec> &specs,
                 const std::vector<std::string> &args)
    : command_(command) {
  auto find = [&](const std::string &name) -> const OptionSpec * {
    for (const OptionSpec &s : specs)
      if (s.name == name)
        return &s;
    return nullptr;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i], value;
    bool inlineValue = false;
    if (size_t eq = arg.find('=');
        arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inlineValue = true;
    }
    const OptionSpec *spec = find(arg);
    if (!spec)
      throw Error(arg.rfind("-", 0) == 0
                      ? "unknown option '" + arg + "' for '" + command +
                            "' (see '" + command + " --help')"
                      : "unexpected argument '" + arg + "' for '" + command +
                            "' (see '" + command + " --help')");
    if (spec->valueName.empty()) {
      if (inlineValue)
        throw Error("option " + arg + " takes no value");
      flags_.insert(arg);
      continue;
    }
    if (!inlineValue) {
      if (i + 1 >= args.size())
        throw Error("option " + arg + " needs a value: " + arg + " " +
                    spec->valueName);
      value = args[++i];
    }
    // An empty path would mean the root directory; a second value would
    // silently replace the first.
    if (value.empty())
      throw Error("option " + arg + " needs a value: " + arg + " " +
                  spec->valueName + " (it got an empty one)");
    if (!values_.emplace(arg, value).second) {
      // A list option takes its items in one value, comma-separated.
      bool list = spec->valueName.find(",") != std::string::npos;
      throw Error("option " + arg + " is given twice ('" + values_[arg] +
                  "', then '" + value + "'); give it once" +
                  (list ? ", with the items separated by commas: " + arg + " " +
                              values_[arg] + "," + value
                        : std::string()));
    }
  }
}

bool Options::has(const std::string &name) const {
  return flags_.count(name) || values_.count(name);
}

std::optional<std::string> Options::string(const std::string &name) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return std::nullopt;
  return it->second;
}

std::string Options::stringOr(const std::string &name,
                              const std::string &fallback) const {
  return string(name).value_or(fallback);
}

std::optional<int64_t> Options::integer(const std::string &name,
                                        int64_t min) const {
  std::optional<std::string> text = string(name);
  if (!text)
    return std::nullopt;
  try {
    size_t used = 0;
    long long v = std::stoll(*text, &used);
    if (used == text->size() && v >= min)
      return v;
  } catch (const std::exception &) {
  }
  throw Error("option " + name + " takes an integer of at least " +
              std::to_string(min) + ", got '" + *text + "'");
}

int64_t Options::integerOr(const std::string &name, int64_t fallback,
                           int64_t min) const {
  return integer(name, min).value_or(fallback);
}

std::string describeOptions(const std::vector<OptionSpec> &specs) {
  size_t width = 0;
  std::vector<std::string> heads;
  for (const OptionSpec &s : specs) {
    heads.push_back(s.name + (s.valueName.empty() ? "" : " " + s.valueName));
    width = std::max(width, heads.back().size());
  }
  std::string out;
  for (size_t i = 0; i < specs.size(); ++i)
    out += "  " + heads[i] + std::string(width - heads[i].size() + 2, ' ') +
           specs[i].help + "\n";
  return out;
}

} // namespace gmrt
