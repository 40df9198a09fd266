//===- gmc.cpp - the gmc compiler driver
//-------------------------------------===//
//
//   gmc check model.gm                      syntax and shapes, fast
//   gmc compile model.gm --emit=ast|mlir    print the syntax tree or gm IR
//   gmc compile model.gm -D B=128 -o out.mlir
//
// Errors go to stderr as file:line:col with the source line and a caret;
// the exit status is 1 when there were any.
//
//===----------------------------------------------------------------------===//

#include "compiler/Frontend/Parser.h"
#include "compiler/Frontend/Sema.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"

namespace cl = llvm::cl;

static cl::SubCommand checkCommand("check",
                                   "Check a model's syntax and shapes");
static cl::SubCommand compileCommand("compile", "Compile a model");

static cl::opt<std::string> checkInput(cl::Positional, cl::Required,
                                       cl::desc("<model.gm>"),
                                       cl::sub(checkCommand));
static cl::opt<std::string> compileInput(cl::Positional, cl::Required,
                                         cl::desc("<model.gm>"),
                                         cl::sub(compileCommand));
enum class Emit { Ast, Mlir };
static cl::opt<Emit>
    emit("emit", cl::desc("What to produce"), cl::init(Emit::Mlir),
         cl::values(clEnumValN(Emit::Ast, "ast", "the syntax tree"),
                    clEnumValN(Emit::Mlir, "mlir", "gm IR as written")),
         cl::sub(compileCommand));
static cl::opt<std::string> output("o", cl::desc("Output file"),
                                   cl::value_desc("file"), cl::init("-"),
                                   cl::sub(compileCommand));
static cl::list<std::string>
    defines("D", cl::desc("Override a const: -D NAME=VALUE"), cl::Prefix,
            cl::value_desc("NAME=VALUE"), cl::sub(checkCommand),
            cl::sub(compileCommand));

/// Parses and elaborates; null module when there were errors.
static mlir::OwningOpRef<mlir::ModuleOp> frontEnd(llvm::StringRef path,
                                                  mlir::MLIRContext &context,
                                                  gmc::DiagnosticEngine &diags,
                                                  gmc::Program &program) {
  // Sema runs after syntax errors too: the parser dropped only the broken
  // statements, and every error of the file should show in one run.
  if (!gmc::parseFile(path, diags, program))
    return nullptr;
  gmc::CompileOptions options;
  for (const std::string &d : defines) {
    auto [name, value] = llvm::StringRef(d).split('=');
    if (name.empty() || value.empty()) {
      diags.error({}, "-D takes NAME=VALUE, got '" + d + "'");
      return nullptr;
    }
    options.defines.push_back({name.str(), value.str()});
  }
  return gmc::generateModel(context, program, options, diags);
}

static int finish(gmc::DiagnosticEngine &diags) {
  if (!diags.hasErrors())
    return 0;
  llvm::errs() << diags.errorCount() << " error"
               << (diags.errorCount() == 1 ? "" : "s") << " generated.\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "gmc: a compiler for deep "
                              "generative models\n");
  mlir::MLIRContext context;
  gmc::DiagnosticEngine diags;
  gmc::Program program;

  if (checkCommand) {
    (void)frontEnd(checkInput, context, diags, program);
    return finish(diags);
  }
  if (!compileCommand) {
    cl::PrintHelpMessage();
    return 1;
  }
  if (emit == Emit::Ast) {
    if (!gmc::parseFile(compileInput, diags, program) || diags.hasErrors())
      return finish(diags);
  }
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (emit == Emit::Mlir) {
    module = frontEnd(compileInput, context, diags, program);
    if (!module)
      return finish(diags);
  }
  std::string error;
  auto out = mlir::openOutputFile(output, &error);
  if (!out) {
    llvm::errs() << "gmc: " << error << "\n";
    return 1;
  }
  if (emit == Emit::Ast)
    gmc::dump(program, out->os());
  else
    module->print(out->os());
  out->keep();
  return 0;
}
