//===- Parser.h - recursive-descent parser of .gm files ---------*- C++ -*-===//
//
// Builds the Program of a model file and of the files it imports. A syntax
// error is reported where it happens and the parser resumes at the next
// statement, so one run reports every error of the file.
//
//===----------------------------------------------------------------------===//

#ifndef GM_FRONTEND_PARSER_H
#define GM_FRONTEND_PARSER_H

#include "compiler/Frontend/AST.h"

#include "llvm/ADT/StringSet.h"

namespace gmc {

/// Parses `path` (and its imports) into `program`. Returns false when the
/// file cannot be read; syntax errors are in `diags`.
bool parseFile(llvm::StringRef path, DiagnosticEngine &diags, Program &program);

/// Parses an in-memory source named `name` (tests, the fuzzer).
void parseSource(llvm::StringRef name, llvm::StringRef text,
                 DiagnosticEngine &diags, Program &program);

} // namespace gmc

#endif // GM_FRONTEND_PARSER_H
