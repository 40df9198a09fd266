//===- gmc.cpp - the gmc compiler driver ----------------------------------===//
//
//   gmc check model.gm                   syntax and shapes, fast
//   gmc compile model.gm                 the trainer executable ./model
//   gmc compile model.gm -D B=128 -O3 -o vae --target-cpu=skylake
//   gmc compile model.gm --emit=ast|mlir|mlir-opt|llvm|obj|exe
//
// Errors go to stderr as file:line:col with the source line and a caret;
// the exit status is 1 when there were any.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Driver.h"
#include "compiler/Frontend/Parser.h"
#include "compiler/Frontend/Sema.h"

#include "gm/GmDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <algorithm>
#include <optional>
#include <thread>

namespace cl = llvm::cl;

/// Object files per core: each core takes the next part left, so a part of
/// large kernels does not hold the others up.
static constexpr unsigned kPartsPerCore = 4;

static cl::SubCommand checkCommand("check",
                                   "Check a model's syntax and shapes");
static cl::SubCommand compileCommand("compile", "Compile a model");

static cl::opt<std::string> checkInput(cl::Positional, cl::Required,
                                       cl::desc("<model.gm>"),
                                       cl::sub(checkCommand));
static cl::opt<std::string> compileInput(cl::Positional, cl::Required,
                                         cl::desc("<model.gm | model.mlir>"),
                                         cl::sub(compileCommand));
using gmc::Emit;
static cl::opt<Emit>
    emit("emit", cl::desc("What to produce"), cl::init(Emit::Exe),
         cl::values(
             clEnumValN(Emit::Ast, "ast", "the syntax tree"),
             clEnumValN(Emit::Mlir, "mlir", "gm IR as written"),
             clEnumValN(Emit::MlirOpt, "mlir-opt",
                        "gm IR differentiated, optimized and memory-planned"),
             clEnumValN(Emit::Llvm, "llvm", "LLVM IR, optimized"),
             clEnumValN(Emit::Obj, "obj", "an object file for the target CPU"),
             clEnumValN(Emit::Exe, "exe", "the trainer executable (default)")),
         cl::sub(compileCommand));
static cl::opt<std::string>
    output("o",
           cl::desc("Output file (default: stdout for text, MODEL.o, "
                    "MODEL for the executable)"),
           cl::value_desc("file"), cl::sub(compileCommand));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level 0-3"),
                                  cl::Prefix, cl::init(2),
                                  cl::sub(compileCommand));
static cl::opt<std::string> targetCpu("target-cpu",
                                      cl::desc("CPU to generate code for"),
                                      cl::init("native"), cl::value_desc("cpu"),
                                      cl::sub(compileCommand));
static cl::opt<bool>
    printIrAfterAll("print-ir-after-all",
                    cl::desc("Print the IR after every pass (to stderr)"),
                    cl::sub(compileCommand));
static cl::opt<bool> fuse("fuse",
                          cl::desc("Fuse elementwise chains (default on; "
                                   "--fuse=false to measure without)"),
                          cl::init(true), cl::sub(compileCommand));
static cl::opt<bool>
    epilogues("epilogues",
              cl::desc("Run convolutions' and matmuls' bias and activation "
                       "inside them (default on; --epilogues=false to "
                       "measure without)"),
              cl::init(true), cl::sub(compileCommand));
static cl::opt<bool>
    layouts("layouts",
            cl::desc("Keep activations in oneDNN's blocked layout between "
                     "layers (default on; --layouts=false to measure "
                     "without)"),
            cl::init(true), cl::sub(compileCommand));
static cl::opt<bool>
    windows("windows",
            cl::desc("Compute a sampling step's row-causal layers on the rows "
                     "it needs (default on; --windows=false to measure "
                     "without)"),
            cl::init(true), cl::sub(compileCommand));
enum class Precision { f32, bf16 };
static cl::opt<Precision> precision(
    "precision",
    cl::desc("Precision of convolutions and matmuls (weights, gradients and "
             "the optimizer stay f32)"),
    cl::values(clEnumValN(Precision::f32, "f32", "f32 throughout (default)"),
               clEnumValN(Precision::bf16, "bf16",
                          "bfloat16 operands, f32 accumulation and results")),
    cl::init(Precision::f32), cl::sub(compileCommand));
static cl::opt<bool> timing("timing",
                            cl::desc("Print the time each stage took"),
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
  llvm::errs() << gmc::count(diags.errorsSaid(), "error") << " generated.\n";
  return 1;
}

/// The default output of `what` for `input`: stdout for text, the model
/// file's stem (with .o for objects) in the working directory otherwise.
static std::string defaultOutput(Emit what, llvm::StringRef input) {
  std::string stem = llvm::sys::path::stem(input).str();
  if (what == Emit::Obj)
    return stem + ".o";
  if (what == Emit::Exe)
    return stem;
  return "-";
}

/// An output that cannot be written is reported before anything compiles
/// (the linker would say so only at the end, in its own words).
static bool checkOutputPath(const std::string &path) {
  if (path == "-")
    return true;
  std::string problem;
  llvm::StringRef parent = llvm::sys::path::parent_path(path);
  if (llvm::sys::fs::is_directory(path))
    problem = "it is a directory";
  else if (gmc::writesInPlace(path)) { // a device: not its directory's matter
    if (llvm::sys::fs::access(path, llvm::sys::fs::AccessMode::Write))
      problem = "it is not writable";
  } else if (!parent.empty() && !llvm::sys::fs::is_directory(parent))
    problem = "there is no directory '" + parent.str() + "'";
  else if (llvm::sys::fs::access(parent.empty() ? "." : parent,
                                 llvm::sys::fs::AccessMode::Write))
    problem = "the directory '" + (parent.empty() ? "." : parent).str() +
              "' is not writable";
  if (problem.empty())
    return true;
  llvm::errs() << "gmc: error: cannot write '" << path << "': " << problem
               << "\n";
  return false;
}

/// Writes `path` through `write`; 1 (the error printed) when it cannot.
static int writeOutput(const std::string &path,
                       llvm::function_ref<void(llvm::raw_ostream &)> write) {
  std::string error = gmc::writeTo(path, [&](llvm::raw_pwrite_stream &os) {
    write(os);
    return std::string();
  });
  if (error.empty())
    return 0;
  llvm::errs() << "gmc: error: " << error << "\n";
  return 1;
}

static int printModule(mlir::ModuleOp module, const std::string &path) {
  return writeOutput(path, [&](llvm::raw_ostream &os) { module->print(os); });
}

/// Compiles through the back end; errors were printed.
static int compileBackEnd(mlir::ModuleOp module, const std::string &path,
                          mlir::TimingScope &timer) {
  gmc::BackendOptions options;
  if (optLevel > 3) {
    llvm::errs() << "gmc: error: -O takes 0 to 3, got -O" << optLevel << "\n";
    return 1;
  }
  options.optLevel = optLevel;
  options.targetCpu = targetCpu;
  options.printIrAfterAll = printIrAfterAll;
  options.fuse = fuse;
  options.epilogues = epilogues;
  options.layouts = layouts;
  options.windows = windows;
  options.precision = precision == Precision::bf16 ? "bf16" : "f32";
  if (mlir::failed(gmc::optimizeModel(module, options, timer)))
    return 1;
  if (emit == Emit::MlirOpt)
    return printModule(module, path);
  if (emit != Emit::Exe)
    return mlir::failed(gmc::emitNative(module, emit, {path}, options, timer));
  // Objects (a few per core, compiled in parallel) go to temporary files,
  // removed after the link.
  unsigned parts =
      kPartsPerCore * std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  std::vector<std::string> objects;
  std::vector<std::unique_ptr<llvm::FileRemover>> removers;
  for (unsigned i = 0; i < parts; ++i) {
    llvm::SmallString<128> object;
    if (llvm::sys::fs::createTemporaryFile("gmc-model", "o", object)) {
      llvm::errs() << "gmc: error: cannot create a temporary object file\n";
      return 1;
    }
    objects.push_back(object.str().str());
    removers.push_back(std::make_unique<llvm::FileRemover>(object));
  }
  if (mlir::failed(gmc::emitNative(module, Emit::Obj, objects, options, timer)))
    return 1;
  return mlir::failed(gmc::linkTrainer(objects, path, timer));
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // LLVM's own options (hundreds, from the linked libraries) stay out of
  // `gmc --help`; the subcommands list theirs.
  static cl::OptionCategory gmcCategory("gmc");
  cl::HideUnrelatedOptions(gmcCategory);
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
  if (compileCommand) {
    if (std::string error = gmc::checkTargetCpu(targetCpu); !error.empty()) {
      llvm::errs() << "gmc: error: " << error << "\n";
      return 1;
    }
    std::vector<std::string> lacking = emit == Emit::Exe
                                           ? gmc::featuresLackingHere(targetCpu)
                                           : std::vector<std::string>{};
    if (!lacking.empty()) {
      size_t shown = std::min<size_t>(lacking.size(), 6);
      std::string more =
          lacking.size() > shown
              ? " and " + std::to_string(lacking.size() - shown) + " more"
              : "";
      llvm::errs() << "gmc: warning: --target-cpu=" << targetCpu
                   << " may use features this machine lacks ("
                   << llvm::join(lacking.begin(), lacking.begin() + shown, ", ")
                   << more
                   << "): the trainer can stop with an illegal instruction "
                      "here\n";
    }
  }
  if (output.getNumOccurrences() && output.empty()) {
    llvm::errs() << "gmc: error: -o needs a file name (it got an empty one)\n";
    return 1;
  }
  if (output.empty() && compileInput == "-" &&
      (emit == Emit::Exe || emit == Emit::Obj)) {
    // The output's name comes from the input's, which stdin has not.
    llvm::errs() << "gmc: error: the model comes from stdin: name the "
                 << (emit == Emit::Exe ? "trainer" : "object file")
                 << " with -o FILE\n";
    return 1;
  }
  std::string path =
      output.empty() ? defaultOutput(emit, compileInput) : std::string(output);
  if (path == "-" && emit == Emit::Exe) {
    // The linker writes a file; stdout would become a file named '-'.
    llvm::errs() << "gmc: error: -o -: a trainer is an executable file and "
                    "cannot go to stdout; give a file name (stdout takes "
                    "--emit=ast, mlir, mlir-opt, llvm or obj)\n";
    return 1;
  }
  if (!checkOutputPath(path))
    return 1;
  if (emit == Emit::Ast) {
    if (!gmc::parseFile(compileInput, diags, program) || diags.hasErrors())
      return finish(diags);
    return writeOutput(path,
                       [&](llvm::raw_ostream &os) { gmc::dump(program, os); });
  }

  mlir::DefaultTimingManager timingManager;
  timingManager.setEnabled(timing);
  mlir::TimingScope timer = timingManager.getRootScope();
  mlir::OwningOpRef<mlir::ModuleOp> module;
  bool fromIR = llvm::StringRef(compileInput).ends_with(".mlir");
  if (fromIR) {
    // gm IR written by hand or by an earlier --emit=mlir: straight to the
    // back end (the op tests of the CPU backend are written this way).
    mlir::TimingScope parseTimer = timer.nest("Parse gm IR");
    context.loadDialect<mlir::gm::GmDialect>();
    module = mlir::parseSourceFile<mlir::ModuleOp>(compileInput.getValue(),
                                                   &context);
    if (!module)
      return 1;
  } else {
    mlir::TimingScope frontEndTimer = timer.nest("Front end");
    module = frontEnd(compileInput, context, diags, program);
    if (!module)
      return finish(diags);
  }
  if (emit == Emit::Mlir)
    return printModule(*module, path);
  // Pass failures report through MLIR's diagnostics. At model.gm locations
  // they are shown as the front end shows its errors: the line, a caret,
  // the import chain, a note per net call that led there. The op itself
  // (IR) is left out: gm-opt shows it to who wants it.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr irSources;
  std::optional<mlir::SourceMgrDiagnosticHandler> showIR;
  std::optional<mlir::ScopedDiagnosticHandler> showModel;
  if (fromIR)
    showIR.emplace(irSources, &context);
  else
    showModel.emplace(&context, [&](mlir::Diagnostic &d) {
      diags.report(d);
      return mlir::success();
    });
  int status = compileBackEnd(*module, path, timer);
  // The count, as after the front end's errors (not for hand-written IR,
  // whose errors MLIR's handler printed).
  if (status != 0 && !fromIR && diags.hasErrors())
    return finish(diags);
  return status;
}
