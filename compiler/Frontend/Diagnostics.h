//===- Diagnostics.h - errors of the .gm front end -------------*- C++ -*-===//
//
// Errors are the user's interface: `file:line:col: error: message`, the
// source line, a caret under the span, and notes that point at the other
// party. The engine keeps the sources (a model and its imports), counts the
// errors, and prints each one as it is reported, so one run shows them all.
//
//===----------------------------------------------------------------------===//

#ifndef GM_FRONTEND_DIAGNOSTICS_H
#define GM_FRONTEND_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace gmc {

/// A span of source text.
struct SourceRange {
  llvm::SMLoc begin, end;
  bool valid() const { return begin.isValid(); }
};

/// `1 argument`, `2 arguments`: a count and its noun, for messages.
std::string count(size_t n, llvm::StringRef noun);

class DiagnosticEngine {
public:
  explicit DiagnosticEngine(llvm::raw_ostream &os = llvm::errs()) : os_(os) {}

  llvm::SourceMgr &sources() { return sources_; }

  /// Adds a file's text; returns the buffer id. `importedAt` is the
  /// `import` that read it: messages in the file then name the import
  /// chain (`imported from main.gm:3:8:`).
  unsigned addSource(std::unique_ptr<llvm::MemoryBuffer> buffer,
                     llvm::SMLoc importedAt = {});

  /// Reports an error with optional notes; printed at once. An error (or
  /// warning) said before at the same span is not said again, nor are its
  /// notes: a net elaborated for several input shapes reports once.
  void error(SourceRange where, const llvm::Twine &message);
  void note(SourceRange where, const llvm::Twine &message);
  void warning(SourceRange where, const llvm::Twine &message);

  /// After each error whose span mentions `name` (as a whole word), says
  /// `message` in a note at `where`: for a name whose value comes from
  /// elsewhere, such as a const set by -D on the command line.
  void explainName(llvm::StringRef name, SourceRange where,
                   const llvm::Twine &message);

  /// Errors reported, repeats and quiet ones included: what callers
  /// compare to see whether a step failed.
  unsigned errorCount() const { return errors_ + quietErrors_; }
  /// Whether an error was reported (not a quiet one): the run fails.
  bool hasErrors() const { return errors_ > 0; }
  /// Errors said (repeats left out), for the summary line.
  unsigned errorsSaid() const { return errorsSaid_; }

  /// Errors printed at most; past them the rest are counted, not printed
  /// (a binary file or a wrong language would flood the terminal).
  static constexpr unsigned kErrorLimit = 50;

  /// While a Quiet lives, errors, warnings and notes are dropped; errors
  /// count in errorCount() but do not fail the run: for trying something
  /// whose failure is no error of its own (it would echo one reported, or
  /// it is a guess).
  class Quiet {
  public:
    explicit Quiet(DiagnosticEngine &diags) : diags_(diags) { ++diags_.quiet_; }
    ~Quiet() { --diags_.quiet_; }
    Quiet(const Quiet &) = delete;
    Quiet &operator=(const Quiet &) = delete;

  private:
    DiagnosticEngine &diags_;
  };

  /// `file:line:col` of a location, for messages that cite another place.
  std::string position(llvm::SMLoc loc) const;
  /// The MLIR location of a source position (for the ops built from it).
  mlir::Location location(mlir::MLIRContext *context, llvm::SMLoc loc) const;
  /// The source position of an MLIR location (for MLIR's own diagnostics):
  /// an op inlined from a net is at its place in the net.
  llvm::SMLoc locate(mlir::Location loc);

  /// Reports one of MLIR's diagnostics (a verifier's, a pass's) as ours: at
  /// its location's source position, under the import chain, with a
  /// `called from` note per call that inlined the op, then its own notes.
  /// `prefix` goes before the message.
  void report(mlir::Diagnostic &diagnostic, llvm::StringRef prefix = {});

private:
  void print(llvm::SourceMgr::DiagKind kind, SourceRange where,
             const llvm::Twine &message);

  /// The notes of explainName for an error at `where`.
  void explain(SourceRange where);

  /// `imported from FILE:LINE:COL:`, innermost first, for a position in an
  /// imported file.
  void printImportChain(llvm::SMLoc loc);

  /// Whether (where, message) is new; remembers it.
  bool firstTime(SourceRange where, const std::string &message);

  llvm::raw_ostream &os_;
  llvm::SourceMgr sources_;
  llvm::DenseMap<unsigned, llvm::SMLoc> importedAt_; // buffer -> its import
  struct Explanation {
    std::string name;
    SourceRange where;
    std::string message;
  };
  std::vector<Explanation> explanations_;
  unsigned errors_ = 0;
  unsigned errorsSaid_ = 0; // errors, repeats left out
  std::set<std::tuple<const char *, const char *, std::string>> said_;
  bool repeating_ = false;   // the last error or warning was a repeat
  unsigned quiet_ = 0;       // Quiet scopes alive
  unsigned quietErrors_ = 0; // errors dropped by them
};

} // namespace gmc

#endif // GM_FRONTEND_DIAGNOSTICS_H
