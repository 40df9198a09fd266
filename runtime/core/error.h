//===- error.h - the runtime's errors --------------------------*- C++ -*-===//
//
// Runtime failures the user can act on (a missing dataset, a corrupt
// checkpoint) are thrown as gmrt::Error with a message that says which file,
// what is wrong and how to fix it; the trainer's main prints it and exits 1.
//
//===----------------------------------------------------------------------===//

#ifndef GMRT_CORE_ERROR_H
#define GMRT_CORE_ERROR_H

#include <stdexcept>
#include <string>

namespace gmrt {

class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

/// `1 batch`, `2 batches`: a count and its noun, for messages.
inline std::string count(long long n, const std::string &noun) {
  if (n == 1)
    return "1 " + noun;
  bool es = noun.size() >= 2 &&
            (noun.compare(noun.size() - 2, 2, "ch") == 0 || noun.back() == 's');
  return std::to_string(n) + " " + noun + (es ? "es" : "s");
}

} // namespace gmrt

#endif // GMRT_CORE_ERROR_H
