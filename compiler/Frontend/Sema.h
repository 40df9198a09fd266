//===- Sema.h - checking and MLIR generation of .gm programs ---*- C++ -*-===//
//
// Elaborates a parsed program into one gm.model: it resolves names, folds
// consts (with -D overrides), infers every static shape, creates parameters
// with deterministic names and PyTorch's default initializers, instantiates
// nets per argument shapes and mode (batch norm trains in train blocks and
// uses running statistics elsewhere) and emits gm ops with the source
// location of each expression.
//
// Checking and emitting are one walk: an expression's shape is computed by
// the same gm shape rules (dialects/gm/ShapeRules.h) that its op verifies
// with, and it is emitted only when the check passed. Errors are reported at
// the expression with the facts involved; elaboration goes on with the next
// statement, so one run reports every error.
//
//===----------------------------------------------------------------------===//

#ifndef GM_FRONTEND_SEMA_H
#define GM_FRONTEND_SEMA_H

#include "compiler/Frontend/AST.h"
#include "compiler/Frontend/Value.h"

#include "gm/GmOps.h"
#include "gm/TensorBuilder.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <memory>
#include <utility>

namespace gmc {

struct CompileOptions {
  /// -D NAME=VALUE overrides of consts.
  std::vector<std::pair<std::string, std::string>> defines;
};

/// Elaborates `program`; returns null when there were errors (reported).
mlir::OwningOpRef<mlir::ModuleOp> generateModel(mlir::MLIRContext &context,
                                                const Program &program,
                                                const CompileOptions &options,
                                                DiagnosticEngine &diags);

class CallSite;

/// The elaborator. Its methods are shared by Sema.cpp (declarations, nets,
/// blocks), Expressions.cpp, Statements.cpp, Builtins.cpp and Layers.cpp.
class Sema {
public:
  Sema(mlir::MLIRContext &context, const Program &program,
       const CompileOptions &options, DiagnosticEngine &diags);
  mlir::OwningOpRef<mlir::ModuleOp> run();

  //===--- Services for expressions, statements, builtins, layers ---===//

  DiagnosticEngine &diags() { return diags_; }
  mlir::OpBuilder &builder() { return builder_; }
  mlir::MLIRContext *context() { return &context_; }
  mlir::Location loc(SourceRange range) {
    return diags_.location(&context_, range.begin);
  }
  mlir::gm::TensorBuilder math(SourceRange range) {
    return mlir::gm::TensorBuilder(builder_, loc(range));
  }
  /// Reports an error and returns an invalid value.
  Val error(SourceRange where, const llvm::Twine &message);
  /// A number computed at compile time, held to the rules of literals: it
  /// must be finite, and an integer at most 2^53 (else reported, invalid).
  Val foldedNumber(double value, bool isInt, SourceRange range);

  Val elaborate(const Expr *expr);
  /// A value that must be a tensor; numbers become scalar constants of
  /// `numberType` (f32 when null). Null on error (reported).
  mlir::Value tensorOf(const Val &v, const llvm::Twine &what,
                       mlir::Type numberType = {});
  /// A compile-time integer (an integral number), or nullopt (reported).
  std::optional<int64_t> intOf(const Val &v, const llvm::Twine &what);
  std::optional<double> numberOf(const Val &v, const llvm::Twine &what);
  /// A list of compile-time integers (a shape, axes).
  std::optional<std::vector<int64_t>> intListOf(const Val &v,
                                                const llvm::Twine &what);
  /// Element type from its name (`f32`), or null (reported).
  mlir::Type elementType(const Ident &name);
  /// A type spec with its dimensions evaluated in the current scope.
  mlir::RankedTensorType typeOf(const TypeSpec &spec);
  /// A declared dimension's value, if it is a positive integer (else
  /// reported).
  std::optional<int64_t> dimensionOf(const Expr *dim);

  /// Emits a gm op of the given class with inferred types, at `range`.
  template <typename OpT, typename... Args>
  OpT create(SourceRange range, Args &&...args) {
    return OpT::create(builder_, loc(range), std::forward<Args>(args)...);
  }

  /// The next random stream id.
  int64_t nextRandomId() { return randomIds_++; }

  /// Whether batch norm uses batch statistics here (train blocks).
  bool training() const;
  /// Called by mode-dependent layers: the current net instance differs
  /// between train and eval.
  void markModeDependent();

  /// The name a new layer of `kind` gets in the current net (`conv2d_0`), or
  /// an error when there is no net (layers create parameters).
  std::optional<std::string> layerName(SourceRange where, llvm::StringRef kind,
                                       std::optional<std::string> explicitName);
  /// Creates (or, for another instance of the same net, reuses) the
  /// parameter or state `<net>.<local>` and loads it.
  mlir::Value variable(SourceRange where, llvm::StringRef local,
                       mlir::RankedTensorType type, mlir::Attribute init,
                       bool trainable);
  /// Stores a new value of the state `<net>.<local>`.
  void storeState(SourceRange where, llvm::StringRef local, mlir::Value value);

  /// Calls a user net.
  Val callNet(const CallExpr *call, const NetDecl &net);
  /// The net declared with that name, or null.
  const NetDecl *findNet(llvm::StringRef name) const;
  /// A dataset's batch (`next(train)`).
  Val nextBatch(const CallExpr *call, const Ident &dataset);

  /// Takes the name of the report whose statistic (`report fid =
  /// frechet_distance(...)` in an eval block) is being elaborated; null
  /// elsewhere (and for a second statistic inside the first's arguments),
  /// where statistics are an error.
  const std::string *takeStatisticReport() {
    return std::exchange(statisticReport_, nullptr);
  }

  /// Suggests the closest known name for a misspelled one.
  std::string suggest(llvm::StringRef name,
                      llvm::ArrayRef<std::string> candidates) const;
  /// Every name a call could mean: builtins, layers, nets.
  std::vector<std::string> callableNames() const;

  //===--- Statements (Statements.cpp) ---===//
  void elaborateBlock(const Block &block);
  void elaborateStatement(const Stmt *stmt);

private:
  friend class CallSite;
  struct Scope;
  struct NetInstance;
  struct Frame;
  struct DatasetInfo {
    mlir::gm::DatasetOp op;
    std::vector<mlir::RankedTensorType> batchTypes;
    SourceRange range;
  };

  // Declarations (Sema.cpp).
  void declareConsts();
  Val overrideValue(const ConstDecl &c, llvm::StringRef text);
  void declareData(const DataDecl &decl);
  void elaboratePhase(const PhaseDecl &phase);
  void elaborateSampler(const SampleDecl &sampler);
  void finishMinimizes();
  NetInstance *instantiate(const NetDecl &net,
                           llvm::ArrayRef<mlir::RankedTensorType> argTypes,
                           const CallExpr *call);
  Val placeholderResults(const NetDecl &net,
                         llvm::ArrayRef<mlir::RankedTensorType> types,
                         const CallExpr *call);
  void checkUncalledNets();
  /// Whether a declared dimension names a shape variable (anything but
  /// consts), so that its value depends on the call.
  bool namesShapes(const Expr *e) const;
  std::optional<std::vector<mlir::RankedTensorType>>
  guessArgumentTypes(const NetDecl &net, int64_t guess, bool &computedFailed);
  bool bindShapes(const NetDecl &net,
                  llvm::ArrayRef<mlir::RankedTensorType> types,
                  const CallExpr *call, bool report = true);

  // Statements (Statements.cpp).
  void assign(const AssignStmt *stmt);
  void minimize(const MinimizeStmt *stmt);
  void report(const ReportStmt *stmt);
  void repeat(const RepeatStmt *stmt);
  void returnValues(const ReturnStmt *stmt);
  void emit(const EmitStmt *stmt);
  void param(const ParamStmt *stmt);
  void assignVariable(const AssignVariableStmt *stmt);

  // Expressions (Expressions.cpp).
  Val lookup(const NameExpr *name);
  Val binary(const BinaryExpr *expr);
  Val unaryMinus(const UnaryExpr *expr);
  Val index(const IndexExpr *expr);
  Val list(const ListExpr *expr);
  Val autoregressive(const AutoregressiveExpr *expr);
  Val callExpr(const CallExpr *expr);

public:
  /// Binary arithmetic on values (numbers fold; tensors broadcast).
  Val arithmetic(Tok op, const Val &lhs, const Val &rhs, SourceRange range,
                 SourceRange opRange);
  /// Binds a name in the innermost scope.
  void bind(const std::string &name, Val value);

private:
  mlir::MLIRContext &context_;
  const Program &program_;
  const CompileOptions &options_;
  DiagnosticEngine &diags_;
  mlir::OpBuilder builder_;
  mlir::OwningOpRef<mlir::ModuleOp> module_;
  mlir::gm::ModelOp model_;
  std::unique_ptr<mlir::SymbolTable> symbols_;

  llvm::StringMap<Val> consts_;
  llvm::StringMap<DatasetInfo> datasets_;
  llvm::StringMap<const NetDecl *> nets_;
  llvm::DenseSet<const NetDecl *> brokenNets_;
  /// Whether `name` is a net whose declaration did not parse (its error is
  /// said; its uses add none).
  bool unparsedNet(llvm::StringRef name) const;
  std::vector<std::unique_ptr<NetInstance>> instances_;
  /// Parameters per net (for `minimize over net`), in creation order.
  llvm::StringMap<std::vector<std::string>> netParams_;
  /// Nets each net calls (their parameters train with it).
  llvm::StringMap<llvm::SmallVector<std::string>> netCallees_;
  /// Where each variable was declared, and its type.
  llvm::StringMap<std::pair<SourceRange, mlir::Type>> variables_;
  struct PendingMinimize {
    mlir::gm::MinimizeOp op;
    std::vector<Ident> nets;
  };
  std::vector<PendingMinimize> minimizes_;
  int64_t randomIds_ = 0;
  const std::string *statisticReport_ = nullptr;
  int64_t statements_ = 0;

  Frame *frame_ = nullptr;
  Scope *scope_ = nullptr;
  Scope *globalScope_ = nullptr;
  /// Where declarations (datasets, parameters, state) go: after the
  /// earlier ones, before the nets, phases and samplers.
  mlir::Block::iterator declPoint();
  /// Checking a net no block calls: layers create no parameters.
  bool scratch_ = false;
  /// Elaborating a dimension of a type (an unknown name there is explained
  /// as a shape).
  bool inDimension_ = false;
  /// The nets being elaborated (a net that calls itself is an error).
  std::vector<const NetDecl *> stack_;

  friend class FrameGuard;
  friend class ScopeGuard;
};

} // namespace gmc

#endif // GM_FRONTEND_SEMA_H
