//===- CallSite.cpp - binding and checking call arguments -----------------===//

#include "compiler/Frontend/SemaInternal.h"

#include "llvm/ADT/StringExtras.h"

using namespace gmc;
using namespace mlir;

bool CallSite::bind(std::initializer_list<const char *> names) {
  std::vector<std::string> all(names.begin(), names.end());
  size_t next = 0;
  for (const Arg &arg : call_->args) {
    std::string name;
    SourceRange where = arg.value->range;
    if (arg.keyword) {
      name = arg.keyword->name;
      where = arg.keyword->range;
      if (llvm::find(all, name) == all.end()) {
        sema_.diags().error(where, callee() + " has no argument '" + name +
                                       "'" + sema_.suggest(name, all));
        ok_ = false;
        continue;
      }
    } else {
      if (next >= all.size()) {
        sema_.diags().error(arg.value->range,
                            callee() + " takes at most " +
                                count(all.size(), "argument") + " (" +
                                llvm::join(all, ", ") + ")");
        ok_ = false;
        continue;
      }
      name = all[next++];
    }
    if (!exprs_.try_emplace(name, arg.value.get()).second) {
      sema_.diags().error(where,
                          callee() + " gets argument '" + name + "' twice");
      ok_ = false;
    }
  }
  return ok_;
}

void CallSite::fail(llvm::StringRef name, const llvm::Twine &message) {
  ok_ = false;
  sema_.diags().error(name.empty() ? call_->range : range(name), message);
}

SourceRange CallSite::range(llvm::StringRef name) const {
  const Expr *e = expr(name);
  return e ? e->range : call_->range;
}

Val CallSite::value(llvm::StringRef name) {
  auto cached = values_.find(name);
  if (cached != values_.end())
    return cached->second;
  const Expr *e = expr(name);
  if (!e) {
    fail("", callee() + " needs the argument '" + name + "'");
    return Val::invalid();
  }
  Val v = sema_.elaborate(e);
  if (!v.valid())
    ok_ = false;
  values_[name] = v;
  return v;
}

Value CallSite::tensor(llvm::StringRef name, Type numberType) {
  Val v = value(name);
  if (!v.valid())
    return nullptr;
  Value t =
      sema_.tensorOf(v, callee() + "'s argument '" + name + "'", numberType);
  ok_ &= static_cast<bool>(t);
  return t;
}

std::optional<double> CallSite::number(llvm::StringRef name) {
  Val v = value(name);
  if (!v.valid())
    return std::nullopt;
  std::optional<double> n =
      sema_.numberOf(v, callee() + "'s argument '" + name + "'");
  ok_ &= n.has_value();
  return n;
}

std::optional<double> CallSite::numberOr(llvm::StringRef name,
                                         double fallback) {
  return has(name) ? number(name) : fallback;
}

std::optional<int64_t> CallSite::integer(llvm::StringRef name) {
  Val v = value(name);
  if (!v.valid())
    return std::nullopt;
  std::optional<int64_t> n =
      sema_.intOf(v, callee() + "'s argument '" + name + "'");
  ok_ &= n.has_value();
  return n;
}

std::optional<int64_t> CallSite::positiveInt(llvm::StringRef name) {
  std::optional<int64_t> n = integer(name);
  if (n && *n < 1) {
    fail(name, callee() + "'s argument '" + name + "' must be positive, got " +
                   std::to_string(*n));
    return std::nullopt;
  }
  if (n && *n > kMaxSize) {
    fail(name, callee() + "'s argument '" + name + "' is " +
                   std::to_string(*n) + ", more than the limit of " +
                   std::to_string(kMaxSize));
    return std::nullopt;
  }
  return n;
}

std::optional<int64_t> CallSite::intOr(llvm::StringRef name, int64_t fallback) {
  return has(name) ? integer(name) : fallback;
}

bool CallSite::boolOr(llvm::StringRef name, bool fallback) {
  if (!has(name))
    return fallback;
  Val v = value(name);
  if (v.kind == Val::Bool)
    return v.boolean;
  if (v.valid())
    fail(name, callee() + "'s argument '" + name +
                   "' must be true or false, this is " + describe(v));
  return fallback;
}

std::optional<std::string> CallSite::string(llvm::StringRef name) {
  Val v = value(name);
  if (v.kind == Val::String)
    return v.text;
  if (v.valid())
    fail(name, callee() + "'s argument '" + name +
                   "' must be a string, this is " + describe(v));
  return std::nullopt;
}

std::optional<std::vector<int64_t>> CallSite::intList(llvm::StringRef name) {
  Val v = value(name);
  if (!v.valid())
    return std::nullopt;
  auto list = sema_.intListOf(v, callee() + "'s argument '" + name + "'");
  ok_ &= list.has_value();
  return list;
}

std::optional<SmallVector<int64_t>>
CallSite::ints(llvm::StringRef name, size_t n, int64_t fallback, int64_t min) {
  if (!has(name))
    return SmallVector<int64_t>(n, fallback);
  Val v = value(name);
  if (!v.valid())
    return std::nullopt;
  if (v.isNumber()) {
    std::optional<int64_t> one = integer(name);
    if (!one)
      return std::nullopt;
    if (*one < min || *one > kMaxSize) {
      fail(name, callee() + "'s argument '" + name + "' is " +
                     std::to_string(*one) + ", outside [" +
                     std::to_string(min) + ", " + std::to_string(kMaxSize) +
                     "]");
      return std::nullopt;
    }
    return SmallVector<int64_t>(n, *one);
  }
  std::optional<std::vector<int64_t>> list = intList(name);
  if (!list)
    return std::nullopt;
  if (list->size() != n) {
    fail(name, callee() + "'s argument '" + name + "' takes one integer or " +
                   std::to_string(n) + ", got " + std::to_string(list->size()));
    return std::nullopt;
  }
  for (int64_t v : *list)
    if (v < min || v > kMaxSize) {
      fail(name, callee() + "'s argument '" + name + "' has " +
                     std::to_string(v) + ", outside [" + std::to_string(min) +
                     ", " + std::to_string(kMaxSize) + "]");
      return std::nullopt;
    }
  return SmallVector<int64_t>(list->begin(), list->end());
}
