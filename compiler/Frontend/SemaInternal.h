//===- SemaInternal.h - the elaborator's private structures ----*- C++ -*-===//
//
// Scopes, frames (which block or net is being elaborated), net instances,
// and CallSite, the argument binder every builtin and layer uses.
//
//===----------------------------------------------------------------------===//

#ifndef GM_FRONTEND_SEMAINTERNAL_H
#define GM_FRONTEND_SEMAINTERNAL_H

#include "compiler/Frontend/Sema.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>
#include <optional>

namespace gmc {

/// Variables of one block; net bodies see only the consts beyond their own.
struct Sema::Scope {
  llvm::StringMap<Val> vars;
  Scope *parent = nullptr;
};

/// What is being elaborated: a net body or a train/eval/sample block.
struct Sema::Frame {
  enum Kind { NetBody, Train, Eval, Sample };
  Kind kind = Train;
  /// Batch norm uses batch statistics (train blocks and what they call).
  bool training = true;
  /// The net whose parameters layers create; empty in blocks.
  std::string owner;
  std::map<std::string, int> layerCounts;
  NetInstance *instance = nullptr;
  /// Whether a layer behaved differently because of `training`.
  bool modeDependent = false;
  /// The values of `return`, once reached.
  std::optional<std::vector<Val>> returned;
  /// A `return` or `emit` was reached but a value was invalid: its error
  /// was said where it arose, perhaps outside this block (a bad const).
  bool resultInvalid = false;
  /// The value of `emit` in an autoregressive body.
  std::optional<Val> emitted;
  bool inAutoregressive = false;
  Frame *parent = nullptr;
};

/// One elaboration of a net: per argument types and (when it matters) mode.
struct Sema::NetInstance {
  const NetDecl *decl = nullptr;
  std::vector<mlir::RankedTensorType> argTypes;
  bool training = true;
  bool modeDependent = false;
  std::string symbol;
  llvm::SmallVector<mlir::Type> resultTypes;
  mlir::Operation *op = nullptr;
  bool ok = true;
  /// Whether the body was elaborated (its errors reported).
  bool bodyChecked = false;
};

class FrameGuard {
public:
  FrameGuard(Sema &sema, Sema::Frame &frame)
      : sema_(sema), saved_(sema.frame_) {
    frame.parent = sema.frame_;
    sema.frame_ = &frame;
  }
  ~FrameGuard() { sema_.frame_ = saved_; }

private:
  Sema &sema_;
  Sema::Frame *saved_;
};

class ScopeGuard {
public:
  /// An isolated scope (a net body) sees the consts, not its caller.
  ScopeGuard(Sema &sema, Sema::Scope &scope, bool isolated = false)
      : sema_(sema), saved_(sema.scope_) {
    scope.parent = isolated ? sema.globalScope_ : sema.scope_;
    if (!sema.globalScope_)
      sema.globalScope_ = &scope;
    sema.scope_ = &scope;
  }
  ~ScopeGuard() {
    sema_.scope_ = saved_;
    if (sema_.globalScope_ && !saved_)
      sema_.globalScope_ = nullptr;
  }

private:
  Sema &sema_;
  Sema::Scope *saved_;
};

/// The arguments of one builtin or layer call, matched to parameter names
/// (positional in order, then keywords), elaborated on demand and checked
/// with messages that name the function and the argument.
class CallSite {
public:
  CallSite(Sema &sema, const CallExpr *call) : sema_(sema), call_(call) {}

  /// Matches the arguments to `names`; reports unknown keywords (with a
  /// suggestion), duplicates and surplus positional arguments.
  bool bind(std::initializer_list<const char *> names);

  llvm::StringRef callee() const { return call_->callee.name; }
  SourceRange callRange() const { return call_->range; }
  bool has(llvm::StringRef name) const { return exprs_.count(name); }
  const Expr *expr(llvm::StringRef name) const { return exprs_.lookup(name); }
  /// The argument's source range, or the call's when absent.
  SourceRange range(llvm::StringRef name) const;

  /// The elaborated argument; an error when it is missing.
  Val value(llvm::StringRef name);
  mlir::Value tensor(llvm::StringRef name, mlir::Type numberType = {});
  std::optional<int64_t> integer(llvm::StringRef name);
  std::optional<int64_t> positiveInt(llvm::StringRef name);
  std::optional<int64_t> intOr(llvm::StringRef name, int64_t fallback);
  std::optional<double> number(llvm::StringRef name);
  std::optional<double> numberOr(llvm::StringRef name, double fallback);
  bool boolOr(llvm::StringRef name, bool fallback);
  std::optional<std::string> string(llvm::StringRef name);
  std::optional<std::vector<int64_t>> intList(llvm::StringRef name);
  /// An int or a list of `n` ints (`kernel=3` or `kernel=[1, 3]`), each at
  /// least `min`.
  std::optional<llvm::SmallVector<int64_t>>
  ints(llvm::StringRef name, size_t n, int64_t fallback, int64_t min = 0);
  /// Whether every check so far passed.
  bool finish() const { return ok_; }

  /// Reports `message` at the argument (or, for an empty name, the call).
  void fail(llvm::StringRef name, const llvm::Twine &message);

private:
  Sema &sema_;
  const CallExpr *call_;
  llvm::StringMap<const Expr *> exprs_;
  llvm::StringMap<Val> values_;
  bool ok_ = true;
};

/// The largest size (a dimension, a channel count, a kernel) and element
/// count the front end accepts: beyond them a model cannot run anyway, and
/// the arithmetic of shapes stays far from overflow.
constexpr int64_t kMaxSize = int64_t(1) << 24;
constexpr int64_t kMaxElements = int64_t(1) << 40;
/// Statements elaborated per compile, at most (nets unroll repeat).
constexpr int64_t kMaxStatements = 1000000;

/// Whether a shape's element count stays within kMaxElements.
inline bool sizeAcceptable(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || d > kMaxSize || n > kMaxElements / std::max<int64_t>(d, 1))
      return false;
    n *= std::max<int64_t>(d, 1);
  }
  return true;
}

/// A builtin function or layer: `fn(sema, site)` elaborates the call.
using BuiltinFn = Val (*)(Sema &, CallSite &);

/// The builtin or layer of that name, or null.
BuiltinFn findBuiltin(llvm::StringRef name);
/// Whether `name` is a statistic of a whole eval split (frechet_distance,
/// distinct): valid only as the value of an eval block's report.
bool isStatistic(llvm::StringRef name);
/// Every builtin and layer name (for suggestions).
std::vector<std::string> builtinNames();

/// A parameter initializer written in the language: normal(mean, std),
/// uniform(low, high), zeros(), ones(), fill(v). Null (reported) otherwise.
mlir::Attribute initializerOf(Sema &sema, const Expr *expr);

/// The source text of a range (how a type or expression was written).
inline llvm::StringRef sourceText(SourceRange range) {
  if (!range.valid() || !range.end.isValid())
    return "";
  return llvm::StringRef(range.begin.getPointer(),
                         range.end.getPointer() - range.begin.getPointer());
}
inline std::string spellType(const TypeSpec &type) {
  return sourceText(type.range).str();
}

} // namespace gmc

#endif // GM_FRONTEND_SEMAINTERNAL_H
