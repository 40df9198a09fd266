// Calls for scripts/check-build-order.sh (test/scripts/check-build-order.test):
// each CHECK names a call where more than one argument builds IR (the
// script's report: "more than one argument builds IR"); every other call
// here must pass.
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <utility>

using namespace mlir;

static Value twice(OpBuilder &b, Location loc, Value x) {
  return arith::AddFOp::create(b, loc, x, x);
}

/// Holds its builder, as TensorBuilder and the front end's Sema do.
struct Emitter {
  OpBuilder &b;
  Location loc;
  Value neg(Value x) { return arith::NegFOp::create(b, loc, x); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
};

/// Holds a holder, as the front end's CallSite holds Sema.
struct Site {
  Emitter &e;
  Value tensor(Value x) { return e.neg(x); }
};

static FailureOr<Value> maybe(OpBuilder &b, Location loc, Value x) {
  return twice(b, loc, x);
}

static Value apply(llvm::function_ref<Value()> f,
                   llvm::function_ref<Value()> g) {
  return f() ? f() : g();
}

Value unordered(OpBuilder &b, Location loc, Value x, Emitter &e) {
  // CHECK: build-order.cpp:[[@LINE+1]]:{{[0-9]+}}: more than one
  Value op = arith::MulFOp::create(b, loc, twice(b, loc, x), twice(b, loc, x));
  // CHECK: build-order.cpp:[[@LINE+1]]:{{[0-9]+}}: more than one
  Value member = e.add(e.neg(x), e.neg(op));
  auto one = [&] {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                          llvm::APFloat(1.0f));
  };
  // CHECK: build-order.cpp:[[@LINE+1]]:{{[0-9]+}}: more than one
  Value lambdas = e.add(one(), one());
  // CHECK: build-order.cpp:[[@LINE+1]]:{{[0-9]+}}: more than one
  std::pair<Value, Value> pair(e.neg(member), twice(b, loc, lambdas));
  Site site{e};
  // CHECK: build-order.cpp:[[@LINE+1]]:{{[0-9]+}}: more than one
  Value nested = e.add(site.tensor(x), site.tensor(pair.second));
  // CHECK: build-order.cpp:[[@LINE+1]]:{{[0-9]+}}: more than one
  Value wrapped = e.add(*maybe(b, loc, x), *maybe(b, loc, nested));
  // CHECK: build-order.cpp:[[@LINE+1]]:{{[0-9]+}}: more than one
  return e.add(wrapped, e.add(e.neg(x), one()));
}

Value ordered(OpBuilder &b, Location loc, Value x, Emitter &e) {
  // One builder call per call, the rest in statements of their own.
  Value left = twice(b, loc, x);
  Value op = arith::MulFOp::create(b, loc, left, twice(b, loc, x));
  Value member = e.add(e.neg(x), op);
  // Braces evaluate in order.
  llvm::SmallVector<Value> values{e.neg(x), e.neg(member)};
  // Getters build no IR.
  Value constant = arith::ConstantOp::create(
      b, loc, b.getF32Type(), b.getFloatAttr(b.getF32Type(), 2.0));
  // Lambdas handed on run later, inside the callee.
  Value later =
      apply([&] { return e.neg(x); }, [&] { return e.neg(constant); });
  return e.add(values.front(), later);
}
