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

} // namespace gmrt

#endif // GMRT_CORE_ERROR_H
