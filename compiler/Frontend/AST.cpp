//===- AST.cpp - printing the syntax tree (gmc --emit=ast) ----------------===//

#include "compiler/Frontend/AST.h"

#include "llvm/Support/FormatVariadic.h"

using namespace gmc;
using llvm::dyn_cast;

namespace {

/// Prints expressions back as source-like text and statements one per line.
class Dumper {
public:
  explicit Dumper(llvm::raw_ostream &os) : os(os) {}

  void expr(const Expr *e) {
    if (!e) {
      os << "<missing>";
      return;
    }
    if (auto *n = dyn_cast<NumberExpr>(e))
      os << (n->isInt
                 ? llvm::formatv("{0}", static_cast<int64_t>(n->value)).str()
                 : llvm::formatv("{0}", n->value).str());
    else if (auto *s = dyn_cast<StringExpr>(e))
      os << '"' << s->value << '"';
    else if (auto *b = dyn_cast<BoolExpr>(e))
      os << (b->value ? "true" : "false");
    else if (auto *n = dyn_cast<NameExpr>(e))
      os << n->name;
    else if (auto *l = dyn_cast<ListExpr>(e)) {
      os << "[";
      for (size_t i = 0; i < l->items.size(); ++i) {
        if (i)
          os << ", ";
        expr(l->items[i].get());
      }
      os << "]";
    } else if (auto *c = dyn_cast<CallExpr>(e)) {
      os << c->callee.name << "(";
      args(c->args);
      os << ")";
    } else if (auto *u = dyn_cast<UnaryExpr>(e)) {
      os << "(-";
      expr(u->operand.get());
      os << ")";
    } else if (auto *b = dyn_cast<BinaryExpr>(e)) {
      os << "(";
      expr(b->lhs.get());
      os << " " << spell(b->op).trim("'") << " ";
      expr(b->rhs.get());
      os << ")";
    } else if (auto *i = dyn_cast<IndexExpr>(e)) {
      expr(i->base.get());
      os << "[";
      for (size_t k = 0; k < i->subscripts.size(); ++k) {
        const Subscript &s = i->subscripts[k];
        if (k)
          os << ", ";
        if (s.start)
          expr(s.start.get());
        if (s.isRange) {
          os << ":";
          if (s.stop)
            expr(s.stop.get());
          if (s.step) {
            os << ":";
            expr(s.step.get());
          }
        }
      }
      os << "]";
    } else if (auto *a = dyn_cast<AutoregressiveExpr>(e)) {
      os << "autoregressive " << a->var.name << ": ";
      type(a->type);
      os << " over ";
      expr(a->over.get());
      os << "\n";
      block(a->body);
      indent();
      os << "end autoregressive";
    }
  }

  void args(const std::vector<Arg> &list) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (i)
        os << ", ";
      if (list[i].keyword)
        os << list[i].keyword->name << "=";
      expr(list[i].value.get());
    }
  }

  void type(const TypeSpec &t) {
    os << t.element.name << "[";
    for (size_t i = 0; i < t.dims.size(); ++i) {
      if (i)
        os << ", ";
      expr(t.dims[i].get());
    }
    os << "]";
  }

  void block(const Block &body) {
    ++depth;
    for (const auto &s : body)
      stmt(s.get());
    --depth;
  }

  void stmt(const Stmt *s) {
    indent();
    if (auto *a = dyn_cast<AssignStmt>(s)) {
      os << "assign ";
      for (size_t i = 0; i < a->targets.size(); ++i)
        os << (i ? ", " : "") << a->targets[i].name;
      os << " = ";
      expr(a->value.get());
    } else if (auto *p = dyn_cast<ParamStmt>(s)) {
      os << "param " << p->name.name << ": ";
      type(p->type);
      os << " = ";
      expr(p->init.get());
    } else if (auto *v = dyn_cast<AssignVariableStmt>(s)) {
      os << "assign-variable " << v->net.name << "." << v->name.name << " = ";
      expr(v->value.get());
    } else if (auto *m = dyn_cast<MinimizeStmt>(s)) {
      os << "minimize ";
      expr(m->loss.get());
      os << " over";
      for (const Ident &n : m->nets)
        os << " " << n.name;
      os << " with ";
      expr(m->optimizer.get());
      if (!m->options.empty()) {
        os << " ";
        args(m->options);
      }
    } else if (auto *r = dyn_cast<ReportStmt>(s)) {
      os << "report";
      for (const auto &item : r->items) {
        os << " " << item.name.name;
        if (item.value) {
          os << "=";
          expr(item.value.get());
        }
      }
    } else if (auto *r = dyn_cast<RepeatStmt>(s)) {
      os << "repeat ";
      expr(r->count.get());
      os << "\n";
      block(r->body);
      indent();
      os << "end repeat";
    } else if (auto *r = dyn_cast<ReturnStmt>(s)) {
      os << "return ";
      for (size_t i = 0; i < r->values.size(); ++i) {
        if (i)
          os << ", ";
        expr(r->values[i].get());
      }
    } else if (auto *e = dyn_cast<EmitStmt>(s)) {
      os << "emit ";
      expr(e->value.get());
    }
    os << "\n";
  }

  void indent() { os.indent(2 * depth); }

  llvm::raw_ostream &os;
  int depth = 0;
};

} // namespace

void gmc::dump(const Program &program, llvm::raw_ostream &os) {
  Dumper d(os);
  os << "model " << program.model.name << "\n";
  for (const ConstDecl &c : program.consts) {
    os << "const " << c.name.name << " = ";
    d.expr(c.value.get());
    os << "\n";
  }
  for (const DataDecl &data : program.data) {
    os << "data " << data.name.name << " = ";
    d.expr(data.source.get());
    os << "\n";
  }
  for (const NetDecl &net : program.nets) {
    os << "net " << net.name.name << "(";
    for (size_t i = 0; i < net.args.size(); ++i) {
      os << (i ? ", " : "") << net.args[i].name.name << ": ";
      d.type(net.args[i].type);
    }
    os << ") -> (";
    for (size_t i = 0; i < net.results.size(); ++i) {
      os << (i ? ", " : "");
      if (!net.results[i].name.name.empty())
        os << net.results[i].name.name << ": ";
      d.type(net.results[i].type);
    }
    os << ")\n";
    d.block(net.body);
  }
  for (const PhaseDecl &phase : program.phases) {
    os << (phase.isTrain ? "train " : "eval ") << phase.name.name << "\n";
    d.block(phase.body);
  }
  for (const SampleDecl &s : program.samplers) {
    os << "sample(" << s.batch.name;
    if (s.batchSize) {
      os << " = ";
      d.expr(s.batchSize.get());
    }
    os << ")\n";
    d.block(s.body);
  }
}
