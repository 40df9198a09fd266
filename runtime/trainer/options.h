//===- options.h - the trainer's command line -------------------*- C++ -*-===//

#ifndef GMRT_TRAINER_OPTIONS_H
#define GMRT_TRAINER_OPTIONS_H

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gmrt {

/// An option a command accepts: `--name VALUE` (or `--name=VALUE`), or a
/// flag without a value.
struct OptionSpec {
  std::string name;      // with its dashes: "--steps", "-n"
  std::string valueName; // empty for flags
  std::string help;
};

/// A command's parsed options. Throws gmrt::Error (an unknown option, a
/// missing or malformed value) naming the command.
class Options {
public:
  Options(const std::string &command, const std::vector<OptionSpec> &specs,
          const std::vector<std::string> &args);

  bool has(const std::string &name) const;
  std::optional<std::string> string(const std::string &name) const;
  std::string stringOr(const std::string &name,
                       const std::string &fallback) const;
  std::optional<int64_t> integer(const std::string &name, int64_t min) const;
  int64_t integerOr(const std::string &name, int64_t fallback,
                    int64_t min) const;

private:
  std::string command_;
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

/// "  --steps N    train this many steps" lines for help.
std::string describeOptions(const std::vector<OptionSpec> &specs);

} // namespace gmrt

#endif // GMRT_TRAINER_OPTIONS_H
