//===- Driver.cpp - from gm IR to a trainer executable --------------------===//

#include "compiler/Driver/Driver.h"

#include "compiler/Conversion/Passes.h"
#include "compiler/Driver/Config.h"
#include "compiler/Driver/KernelHints.h"
#include "compiler/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Transforms/Utils/SplitModule.h"

#include <atomic>
#include <optional>
#include <thread>

using namespace mlir;

namespace gmc {

static void configure(PassManager &pm, const BackendOptions &options,
                      TimingScope &timing) {
  pm.enableTiming(timing);
  if (options.printIrAfterAll) {
    // Printing after every pass needs one thread and whole modules.
    pm.getContext()->disableMultithreading();
    pm.enableIRPrinting(/*shouldPrintBeforePass=*/nullptr,
                        /*shouldPrintAfterPass=*/
                        [](Pass *, Operation *) { return true; },
                        /*printModuleScope=*/true);
  }
}

LogicalResult optimizeModel(ModuleOp module, const BackendOptions &options,
                            TimingScope &timing) {
  PassManager pm(module->getName());
  configure(pm, options, timing);
  gm::GmOptimizeOptions optimize;
  optimize.fuse = options.fuse;
  optimize.epilogues = options.epilogues;
  optimize.layouts = options.layouts;
  optimize.windows = options.windows;
  gm::buildGmOptimizePipeline(pm, optimize);
  return pm.run(module);
}

std::string checkTargetCpu(const std::string &cpu) {
  if (cpu == "native")
    return "";
  llvm::InitializeNativeTarget();
  std::string error;
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return error;
  // Asked without a CPU first: LLVM warns on stderr about unknown ones.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      target->createMCSubtargetInfo(triple, "", ""));
  if (!generic->isCPUStringValid(cpu))
    return "unknown --target-cpu '" + cpu + "' for " + triple.str();
  std::unique_ptr<llvm::MCSubtargetInfo> chosen(
      target->createMCSubtargetInfo(triple, cpu, ""));
  // 32-bit-only CPUs (i686, pentium4) would end in an LLVM fatal error.
  if (triple.isArch64Bit() && !chosen->checkFeatures("+64bit"))
    return "--target-cpu '" + cpu + "' cannot run 64-bit code (" +
           triple.str() + ")";
  return "";
}

std::vector<std::string> featuresLackingHere(const std::string &cpu) {
  if (cpu == "native" || !checkTargetCpu(cpu).empty())
    return {};
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  std::unique_ptr<llvm::MCSubtargetInfo> chosen(
      llvm::TargetRegistry::lookupTarget(triple, error)
          ->createMCSubtargetInfo(triple, cpu, ""));
  // Only instruction sets the code generator uses unasked: system features
  // (pku, wbnoinvd, ...) come only from intrinsics the kernels never call.
  static const char *const kIsaPrefixes[] = {
      "sse",    "ssse3",     "avx",   "amx",  "fma", "f16c",   "bmi",
      "popcnt", "lzcnt",     "movbe", "sha",  "aes", "pclmul", "vpclmulqdq",
      "gfni",   "vaes",      "adx",   "xop",  "tbm", "egpr",   "ndd",
      "ppx",    "push2pop2", "nf",    "ccmp", "cf",  "zu"};
  auto isIsa = [](llvm::StringRef name) {
    return llvm::any_of(kIsaPrefixes,
                        [&](const char *p) { return name.starts_with(p); });
  };
  std::vector<std::string> lacking;
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  for (const llvm::SubtargetFeatureKV &feature :
       chosen->getAllProcessorFeatures()) {
    auto it = host.find(feature.Key);
    if (chosen->getFeatureBits()[feature.Value] && isIsa(feature.Key) &&
        it != host.end() && !it->second)
      lacking.push_back(feature.Key);
  }
  return lacking;
}

/// The host CPU and its features, or the named CPU with its defaults.
static std::unique_ptr<llvm::TargetMachine>
targetMachine(const std::string &cpuName, unsigned optLevel,
              std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpu = cpuName, features;
  if (cpuName == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
      features += (features.empty() ? "" : ",") +
                  std::string(enabled ? "+" : "-") + feature.str();
  } else if (error = checkTargetCpu(cpu); !error.empty()) {
    return nullptr;
  }
  llvm::CodeGenOptLevel level = optLevel == 0   ? llvm::CodeGenOptLevel::None
                                : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : optLevel == 2
                                    ? llvm::CodeGenOptLevel::Default
                                    : llvm::CodeGenOptLevel::Aggressive;
  // Position-independent: the trainer is linked as a PIE.
  return std::unique_ptr<llvm::TargetMachine>(
      target->createTargetMachine(triple, cpu, features, llvm::TargetOptions(),
                                  llvm::Reloc::PIC_, std::nullopt, level));
}

/// The entry functions (gm_run, phases, samplers) are straight-line
/// sequences of kernel and runtime calls: optimizing them buys nothing
/// measurable and cost a fifth of the compile time of a large model, so
/// they are compiled as at -O0, and no kernel is inlined into them.
static void compileEntriesQuickly(llvm::Module &module) {
  for (llvm::Function &fn : module) {
    llvm::StringRef name = fn.getName();
    if (fn.isDeclaration() ||
        !(name == "gm_run" || name.starts_with("gm_phase_") ||
          name.starts_with("gm_sampler_")))
      continue;
    fn.addFnAttr(llvm::Attribute::OptimizeNone);
    fn.addFnAttr(llvm::Attribute::NoInline);
  }
}

static void optimizeLLVM(llvm::Module &module, llvm::TargetMachine &machine,
                         unsigned optLevel) {
  compileEntriesQuickly(module);
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  builder.registerLateLoopOptimizationsEPCallback(
      [](llvm::LoopPassManager &lpm, llvm::OptimizationLevel) {
        lpm.addPass(KernelInnerLoopsPass());
      });
  builder.registerVectorizerStartEPCallback(
      [](llvm::FunctionPassManager &fpm, llvm::OptimizationLevel) {
        fpm.addPass(KernelAliasScopesPass());
      });
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager passes =
      optLevel == 0 ? builder.buildO0DefaultPipeline(level)
                    : builder.buildPerModuleDefaultPipeline(level);
  passes.run(module, mam);
}

bool writesInPlace(const std::string &path) {
  llvm::sys::fs::file_status status;
  return path == "-" ||
         (!llvm::sys::fs::status(path, status) &&
          status.type() != llvm::sys::fs::file_type::regular_file);
}

/// Where an output for `path` is written first: a new file beside it, to be
/// renamed over it once complete, so that a failure leaves an earlier output
/// as it was; or `path` itself (writesInPlace).
static std::string stagingPath(const std::string &path, llvm::StringRef tag) {
  if (writesInPlace(path))
    return path;
  llvm::SmallString<256> staged;
  llvm::sys::fs::createUniquePath(path + "." + tag + "-%%%%%%", staged,
                                  /*MakeAbsolute=*/false);
  return staged.str().str();
}

std::string
writeTo(const std::string &path,
        llvm::function_ref<std::string(llvm::raw_pwrite_stream &)> write) {
  std::string target = stagingPath(path, "tmp");
  bool direct = target == path;
  std::error_code ec;
  llvm::ToolOutputFile out(target, ec, llvm::sys::fs::OF_None);
  if (ec)
    return path + ": " + ec.message();
  std::string error;
  {
    // Object writers seek back, which a pipe cannot: they write to memory,
    // sent on when the buffer goes.
    std::optional<llvm::buffer_ostream> buffered;
    llvm::raw_pwrite_stream *os = &out.os();
    if (!out.os().supportsSeeking())
      os = &buffered.emplace(out.os());
    error = write(*os);
  }
  out.os().close(); // a full disk may only say so now
  if (error.empty() && out.os().has_error())
    error = path + ": cannot write: " + out.os().error().message();
  // A write error left set is a fatal error when the stream goes away.
  out.os().clear_error();
  if (error.empty() && !direct)
    if (std::error_code renamed = llvm::sys::fs::rename(target, path))
      error = path + ": cannot replace: " + renamed.message();
  if (error.empty() && direct)
    out.keep();
  return error;
}

/// writeTo, reporting its error.
static LogicalResult
writeFile(const std::string &path,
          llvm::function_ref<std::string(llvm::raw_pwrite_stream &)> write) {
  std::string error = writeTo(path, write);
  if (!error.empty()) {
    llvm::errs() << "gmc: error: " << error << "\n";
    return failure();
  }
  return success();
}

/// Object code for `module`, verified first.
static std::string emitObject(llvm::Module &module,
                              llvm::TargetMachine &machine,
                              llvm::raw_pwrite_stream &os) {
  if (llvm::verifyModule(module, &llvm::errs()))
    return "generated LLVM IR is invalid";
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, os, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return "the target cannot emit object files";
  codegen.run(module);
  return "";
}

/// LLVM's loop strength reduction took a quarter of the code generation
/// time of the kernels (VQ-VAE-2: compile 1.77 -> 1.48 s wall without it,
/// medians of 6 interleaved runs) and bought no run time that perf could
/// see (the kernels' share of PixelCNN's and VQ-VAE-2's steps the same
/// within noise): the vectorized loops address memory simply. Off unless
/// asked for on the command line (-disable-lsr=false).
static void skipLoopStrengthReduction() {
  auto options = llvm::cl::getRegisteredOptions();
  auto it = options.find("disable-lsr");
  if (it == options.end() || it->second->getNumOccurrences() > 0)
    return;
  static_cast<llvm::cl::opt<bool> *>(it->second)->setValue(true);
}

/// Splits `module` into one part per path (functions dealt round-robin:
/// the kernels are independent) and optimizes and compiles the parts, each
/// in its own LLVM context, on as many threads as there are cores: each
/// thread takes the next part left, so that a part of large kernels does
/// not hold the others up. Returns one error message per part ("" where it
/// succeeded).
static std::vector<std::string>
compileInParallel(llvm::Module &module, llvm::ArrayRef<std::string> paths,
                  const BackendOptions &options) {
  std::vector<llvm::SmallString<0>> parts;
  llvm::SplitModule(
      module, paths.size(),
      [&](std::unique_ptr<llvm::Module> part) {
        llvm::raw_svector_ostream os(parts.emplace_back());
        llvm::WriteBitcodeToFile(*part, os);
      },
      /*PreserveLocals=*/false, /*RoundRobin=*/true);
  std::vector<std::string> errors(parts.size());
  auto compilePart = [&](size_t i) {
    llvm::LLVMContext context;
    llvm::Expected<std::unique_ptr<llvm::Module>> part = llvm::parseBitcodeFile(
        llvm::MemoryBufferRef(parts[i].str(), "gm-model-part"), context);
    if (!part) {
      errors[i] = llvm::toString(part.takeError());
      return;
    }
    std::unique_ptr<llvm::TargetMachine> machine =
        targetMachine(options.targetCpu, options.optLevel, errors[i]);
    if (!machine)
      return;
    optimizeLLVM(**part, *machine, options.optLevel);
    errors[i] = writeTo(paths[i], [&](llvm::raw_pwrite_stream &os) {
      return emitObject(**part, *machine, os);
    });
  };
  std::atomic<size_t> next = 0;
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::min(cores, parts.size()); ++t)
    threads.emplace_back([&] {
      for (size_t i = next++; i < parts.size(); i = next++)
        compilePart(i);
    });
  for (std::thread &thread : threads)
    thread.join();
  return errors;
}

LogicalResult emitNative(ModuleOp module, Emit what,
                         llvm::ArrayRef<std::string> paths,
                         const BackendOptions &options, TimingScope &timing) {
  MLIRContext *context = module.getContext();
  {
    PassManager pm(module->getName());
    configure(pm, options, timing);
    gm::GmToCpuOptions cpuOptions;
    cpuOptions.precision = options.precision;
    pm.addPass(gm::createGmToCpu(cpuOptions));
    gm::buildGmCpuToLLVMPipeline(pm);
    if (failed(pm.run(module)))
      return failure();
  }

  TimingScope translateTimer = timing.nest("Translate to LLVM IR");
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  context->appendDialectRegistry(registry);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "gm-model");
  if (!llvmModule)
    return emitError(module.getLoc()) << "could not translate to LLVM IR";
  translateTimer.stop();

  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      targetMachine(options.targetCpu, options.optLevel, error);
  if (!machine)
    return emitError(module.getLoc()) << error;
  skipLoopStrengthReduction();
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());

  if (what == Emit::Llvm) {
    TimingScope optimizeTimer = timing.nest("LLVM optimization");
    optimizeLLVM(*llvmModule, *machine, options.optLevel);
    return writeFile(paths.front(), [&](llvm::raw_pwrite_stream &os) {
      if (llvm::verifyModule(*llvmModule, &llvm::errs()))
        return std::string("generated LLVM IR is invalid");
      llvmModule->print(os, nullptr);
      return std::string();
    });
  }
  if (paths.size() == 1) {
    TimingScope optimizeTimer = timing.nest("LLVM optimization");
    optimizeLLVM(*llvmModule, *machine, options.optLevel);
    optimizeTimer.stop();
    TimingScope codegenTimer = timing.nest("LLVM code generation");
    return writeFile(paths.front(), [&](llvm::raw_pwrite_stream &os) {
      return emitObject(*llvmModule, *machine, os);
    });
  }
  TimingScope parallelTimer =
      timing.nest("LLVM optimization and code generation, in parallel");
  std::vector<std::string> errors =
      compileInParallel(*llvmModule, paths, options);
  for (const std::string &message : errors)
    if (!message.empty()) {
      llvm::errs() << "gmc: error: " << message << "\n";
      return failure();
    }
  return success();
}

/// The directory of the runtime libraries: next to gmc's bin/ (build tree or
/// install), else where the build put them.
static std::string runtimeLibDir() {
  std::string exe = llvm::sys::fs::getMainExecutable(
      nullptr, reinterpret_cast<void *>(&runtimeLibDir));
  llvm::SmallString<256> dir(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(dir, "lib");
  llvm::SmallString<256> probe(dir);
  llvm::sys::path::append(probe, "libgmrt.a");
  if (llvm::sys::fs::exists(probe))
    return dir.str().str();
  return GMC_BUILD_LIB_DIR;
}

LogicalResult linkTrainer(llvm::ArrayRef<std::string> objects,
                          const std::string &output, TimingScope &timing) {
  TimingScope linkTimer = timing.nest("Link");
  std::string libDir = runtimeLibDir();
  for (const char *lib :
       {"libgmtrainer_main.a", "libgmtrainer.a", "libgmrt.a"}) {
    llvm::SmallString<256> path(libDir);
    llvm::sys::path::append(path, lib);
    if (!llvm::sys::fs::exists(path)) {
      llvm::errs() << "gmc: error: the runtime library " << path
                   << " is missing (build the 'gmrt' targets, or reinstall "
                      "gmc)\n";
      return failure();
    }
  }
  const char *overridden = std::getenv("GMC_CXX");
  bool chosen = overridden && *overridden; // an empty GMC_CXX is unset
  std::string linker = chosen ? overridden : GMC_LINKER;
  // A path is returned as it is, found or not: check it can run.
  auto found = llvm::sys::findProgramByName(linker);
  if (!found || !llvm::sys::fs::can_execute(*found)) {
    if (chosen)
      llvm::errs() << "gmc: error: GMC_CXX names '" << linker
                   << "', which is no program this machine can run\n";
    else
      llvm::errs() << "gmc: error: cannot find the linker driver '" << linker
                   << "' (install g++, or set GMC_CXX)\n";
    return failure();
  }
  // Linked beside `output` and renamed over it: a failed link leaves no
  // half-written file, and an earlier trainer stays as it was.
  std::string temp = stagingPath(output, "link");
  bool direct = temp == output;
  llvm::FileRemover removeTemp(temp, /*deleteIt=*/!direct);
  std::vector<std::string> args = {*found, "-o", temp};
  args.insert(args.end(), objects.begin(), objects.end());
  args.insert(args.end(),
              {"-L" + libDir, "-lgmtrainer_main", "-lgmtrainer", "-lgmrt"});
  for (llvm::StringRef lib : llvm::split(GMC_SYSTEM_LIBS, ';'))
    if (!lib.empty())
      args.push_back(lib.str());
  for (llvm::StringRef flag : llvm::split(GMC_OPENMP_FLAGS, ' '))
    if (!flag.empty())
      args.push_back(flag.str());
  std::vector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::string error;
  int status = llvm::sys::ExecuteAndWait(*found, argRefs, std::nullopt, {}, 0,
                                         0, &error);
  if (status != 0) {
    llvm::errs() << "gmc: error: linking " << output << " failed"
                 << (error.empty() ? "" : ": " + error) << "\n";
    return failure();
  }
  if (direct)
    return success();
  if (std::error_code ec = llvm::sys::fs::rename(temp, output)) {
    llvm::errs() << "gmc: error: cannot write '" << output
                 << "': " << ec.message() << "\n";
    return failure();
  }
  removeTemp.releaseFile();
  return success();
}

} // namespace gmc
