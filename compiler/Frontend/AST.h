//===- AST.h - the syntax tree of a .gm program ----------------*- C++ -*-===//
//
// What the parser builds: declarations (model, import, const, data, net,
// train/eval blocks, sample), statements and expressions, each with the
// source range it came from. Semantics live in Sema; the tree only records
// what was written.
//
//===----------------------------------------------------------------------===//

#ifndef GM_FRONTEND_AST_H
#define GM_FRONTEND_AST_H

#include "compiler/Frontend/Diagnostics.h"
#include "compiler/Frontend/Lexer.h"

#include "llvm/Support/Casting.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gmc {

struct Stmt;
using Block = std::vector<std::unique_ptr<Stmt>>;

/// A name as written, with where.
struct Ident {
  std::string name;
  SourceRange range;
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

struct Expr {
  enum Kind {
    Number,
    String,
    Bool,
    Name,
    List,
    Call,
    Unary,
    Binary,
    Index,
    Autoregressive
  };
  Expr(Kind kind, SourceRange range) : kind(kind), range(range) {}
  virtual ~Expr() = default;
  const Kind kind;
  SourceRange range;
};
using ExprPtr = std::unique_ptr<Expr>;

struct NumberExpr : Expr {
  NumberExpr(SourceRange r, double value, bool isInt)
      : Expr(Number, r), value(value), isInt(isInt) {}
  double value;
  bool isInt;
  static bool classof(const Expr *e) { return e->kind == Number; }
};

struct StringExpr : Expr {
  StringExpr(SourceRange r, std::string value)
      : Expr(String, r), value(std::move(value)) {}
  std::string value;
  static bool classof(const Expr *e) { return e->kind == String; }
};

struct BoolExpr : Expr {
  BoolExpr(SourceRange r, bool value) : Expr(Bool, r), value(value) {}
  bool value;
  static bool classof(const Expr *e) { return e->kind == Bool; }
};

struct NameExpr : Expr {
  NameExpr(SourceRange r, std::string name)
      : Expr(Name, r), name(std::move(name)) {}
  std::string name;
  static bool classof(const Expr *e) { return e->kind == Name; }
};

/// `[a, b, c]`: shapes, axis lists, tensors to concatenate.
struct ListExpr : Expr {
  ListExpr(SourceRange r, std::vector<ExprPtr> items)
      : Expr(List, r), items(std::move(items)) {}
  std::vector<ExprPtr> items;
  static bool classof(const Expr *e) { return e->kind == List; }
};

/// One argument of a call: positional, or `keyword = value`.
struct Arg {
  std::optional<Ident> keyword;
  ExprPtr value;
};

/// `callee(args)`: a builtin, a layer or a net.
struct CallExpr : Expr {
  CallExpr(SourceRange r, Ident callee, std::vector<Arg> args)
      : Expr(Call, r), callee(std::move(callee)), args(std::move(args)) {}
  Ident callee;
  std::vector<Arg> args;
  static bool classof(const Expr *e) { return e->kind == Call; }
};

struct UnaryExpr : Expr {
  UnaryExpr(SourceRange r, ExprPtr operand)
      : Expr(Unary, r), operand(std::move(operand)) {}
  ExprPtr operand; // The only unary operator is '-'.
  static bool classof(const Expr *e) { return e->kind == Unary; }
};

struct BinaryExpr : Expr {
  BinaryExpr(SourceRange r, Tok op, SourceRange opRange, ExprPtr lhs,
             ExprPtr rhs)
      : Expr(Binary, r), op(op), opRange(opRange), lhs(std::move(lhs)),
        rhs(std::move(rhs)) {}
  Tok op;
  SourceRange opRange;
  ExprPtr lhs, rhs;
  static bool classof(const Expr *e) { return e->kind == Binary; }
};

/// One subscript: an index `i`, or a range `start:stop:step` (parts optional).
struct Subscript {
  SourceRange range;
  bool isRange = false;
  ExprPtr start, stop, step;
};

/// `base[subscripts]`.
struct IndexExpr : Expr {
  IndexExpr(SourceRange r, ExprPtr base, std::vector<Subscript> subscripts)
      : Expr(Index, r), base(std::move(base)),
        subscripts(std::move(subscripts)) {}
  ExprPtr base;
  std::vector<Subscript> subscripts;
  static bool classof(const Expr *e) { return e->kind == Index; }
};

/// An element type and dimensions: `f32[B, 1, 28, 28]`.
struct TypeSpec {
  Ident element;
  std::vector<ExprPtr> dims;
  SourceRange range;
};

/// `autoregressive x: f32[n,1,28,28] over [28, 28] { emit ... }`.
struct AutoregressiveExpr : Expr {
  AutoregressiveExpr(SourceRange r, Ident var, TypeSpec type, ExprPtr over,
                     Block body)
      : Expr(Autoregressive, r), var(std::move(var)), type(std::move(type)),
        over(std::move(over)), body(std::move(body)) {}
  Ident var;
  TypeSpec type;
  ExprPtr over;
  Block body;
  static bool classof(const Expr *e) { return e->kind == Autoregressive; }
};

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

struct Stmt {
  enum Kind {
    Assign,
    Param,
    AssignVariable,
    Minimize,
    Report,
    Repeat,
    Return,
    Emit
  };
  Stmt(Kind kind, SourceRange range) : kind(kind), range(range) {}
  virtual ~Stmt() = default;
  const Kind kind;
  SourceRange range;
};

/// `a = e` or `a, b = e`.
struct AssignStmt : Stmt {
  AssignStmt(SourceRange r, std::vector<Ident> targets, ExprPtr value)
      : Stmt(Assign, r), targets(std::move(targets)), value(std::move(value)) {}
  std::vector<Ident> targets;
  ExprPtr value;
  static bool classof(const Stmt *s) { return s->kind == Assign; }
};

/// `param codebook: f32[64, 32] = uniform(-0.015, 0.015)` inside a net.
struct ParamStmt : Stmt {
  ParamStmt(SourceRange r, Ident name, TypeSpec type, ExprPtr init)
      : Stmt(Param, r), name(std::move(name)), type(std::move(type)),
        init(std::move(init)) {}
  Ident name;
  TypeSpec type;
  ExprPtr init;
  static bool classof(const Stmt *s) { return s->kind == Param; }
};

/// `assign codebooks.top = expr`: a new value for a net's parameter or
/// state, outside any optimizer (restarting dead codes). `name` is the
/// variable's name within the net (`conv2d_0.weight`).
struct AssignVariableStmt : Stmt {
  AssignVariableStmt(SourceRange r, Ident net, Ident name, ExprPtr value)
      : Stmt(AssignVariable, r), net(std::move(net)), name(std::move(name)),
        value(std::move(value)) {}
  Ident net, name;
  ExprPtr value;
  static bool classof(const Stmt *s) { return s->kind == AssignVariable; }
};

/// `minimize loss over enc, dec with adam(lr=1e-3) [clip_norm=1.0]`.
struct MinimizeStmt : Stmt {
  MinimizeStmt(SourceRange r, ExprPtr loss, std::vector<Ident> nets,
               std::unique_ptr<CallExpr> optimizer, std::vector<Arg> options)
      : Stmt(Minimize, r), loss(std::move(loss)), nets(std::move(nets)),
        optimizer(std::move(optimizer)), options(std::move(options)) {}
  ExprPtr loss;
  std::vector<Ident> nets;
  std::unique_ptr<CallExpr> optimizer;
  std::vector<Arg> options;
  static bool classof(const Stmt *s) { return s->kind == Minimize; }
};

/// `report a, b = e`: a name alone reports the variable of that name.
struct ReportStmt : Stmt {
  struct Item {
    Ident name;
    ExprPtr value; // null: the variable `name`
  };
  ReportStmt(SourceRange r, std::vector<Item> items)
      : Stmt(Report, r), items(std::move(items)) {}
  std::vector<Item> items;
  static bool classof(const Stmt *s) { return s->kind == Report; }
};

struct RepeatStmt : Stmt {
  RepeatStmt(SourceRange r, ExprPtr count, Block body)
      : Stmt(Repeat, r), count(std::move(count)), body(std::move(body)) {}
  ExprPtr count;
  Block body;
  static bool classof(const Stmt *s) { return s->kind == Repeat; }
};

struct ReturnStmt : Stmt {
  ReturnStmt(SourceRange r, std::vector<ExprPtr> values)
      : Stmt(Return, r), values(std::move(values)) {}
  std::vector<ExprPtr> values;
  static bool classof(const Stmt *s) { return s->kind == Return; }
};

struct EmitStmt : Stmt {
  EmitStmt(SourceRange r, ExprPtr value)
      : Stmt(Emit, r), value(std::move(value)) {}
  ExprPtr value;
  static bool classof(const Stmt *s) { return s->kind == Emit; }
};

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

struct ConstDecl {
  Ident name;
  ExprPtr value;
};

struct DataDecl {
  Ident name;
  std::unique_ptr<CallExpr> source;
};

/// A typed name: a net argument or a named result.
struct TypedName {
  Ident name; // empty for an unnamed result
  TypeSpec type;
};

struct NetDecl {
  Ident name;
  std::vector<TypedName> args;
  std::vector<TypedName> results;
  Block body;
  SourceRange range;
};

/// `train [name] { }` or `eval [name] { }`.
struct PhaseDecl {
  bool isTrain;
  Ident name;
  Block body;
  SourceRange range;
};

/// `sample(n [= 64]) { return ... }`.
struct SampleDecl {
  Ident batch;
  ExprPtr batchSize; // null: 64
  Block body;
  SourceRange range;
};

struct Program {
  Ident model;
  std::vector<ConstDecl> consts;
  std::vector<DataDecl> data;
  std::vector<NetDecl> nets;
  std::vector<PhaseDecl> phases;
  std::vector<SampleDecl> samplers;
  /// Nets whose declaration did not parse (reported): known by name only.
  std::vector<Ident> unparsedNets;
};

/// Prints the tree in a compact, indented form (gmc --emit=ast).
void dump(const Program &program, llvm::raw_ostream &os);

} // namespace gmc

#endif // GM_FRONTEND_AST_H
