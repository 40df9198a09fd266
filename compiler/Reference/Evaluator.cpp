//===- Evaluator.cpp - the reference evaluator of gm IR -------------------===//
//
// Runs blocks op by op on a frame mapping SSA values to tensors. Structural
// ops (variables, data, reports, calls, repeat, autoregressive) are handled
// here; math ops go to the kernel families in *Kernels.cpp.
//
//===----------------------------------------------------------------------===//

#include "compiler/Reference/Evaluator.h"

#include "runtime/core/random.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::gm;
using namespace mlir::gm::reference;

struct Evaluator::Frame {
  llvm::DenseMap<Value, RefTensor> values;
  RandomContext random;
  DataSource *data = nullptr;
  std::vector<Report> *reports = nullptr;
  /// The operands of the terminator that ended the block.
  SmallVector<RefTensor> yielded;
  /// In a gm.autoregressive body: the step's position.
  int64_t position = 0;
};

Evaluator::Evaluator(ModelOp model, EvaluatorOptions options)
    : model_(model), options_(options), symbols_(model) {}

void Evaluator::round(RefTensor &t) const {
  if (options_.promoteToF64 && t.isFloat())
    return;
  for (double &v : t.data)
    v = roundTo(t.elementType, v);
}

//===----------------------------------------------------------------------===//
// Variables
//===----------------------------------------------------------------------===//

/// Fills a tensor from an initializer attribute, drawing from the stream of
/// the variable's name.
static void initialize(RefTensor &t, Attribute init, StringRef name,
                       uint64_t seed) {
  gmrt::Stream stream{gmrt::initStreamId(name), gmrt::kInitStep, 0};
  for (int64_t e = 0; e < t.size(); ++e)
    t.data[e] =
        llvm::TypeSwitch<Attribute, double>(init)
            .Case([&](FillAttr f) { return f.getValue(); })
            .Case([&](UniformAttr u) {
              return gmrt::uniformAt(seed, stream, e, u.getLow(), u.getHigh());
            })
            .Case([&](NormalAttr n) {
              return n.getMean() + n.getStd() * gmrt::normalAt(seed, stream, e);
            })
            .Default([](Attribute) { return 0.0; });
}

void Evaluator::initializeVariables() {
  variables_.clear();
  auto add = [&](StringRef name, Type type, Attribute init) {
    RefTensor t = RefTensor::zeros(cast<RankedTensorType>(type));
    initialize(t, init, name, options_.seed);
    round(t);
    variables_[name] = std::move(t);
  };
  for (ParamOp p : model_.getOps<ParamOp>())
    add(p.getSymName(), p.getType(), p.getInit());
  for (StateOp s : model_.getOps<StateOp>())
    add(s.getSymName(), s.getType(), s.getInit());
}

RefTensor *Evaluator::variable(StringRef name) {
  auto it = variables_.find(name);
  return it == variables_.end() ? nullptr : &it->second;
}

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

LogicalResult Evaluator::runPhase(PhaseOp phase, uint32_t step,
                                  DataSource &data,
                                  std::vector<Report> &reports) {
  Frame frame;
  frame.random = {options_.seed, step, 0};
  frame.data = &data;
  std::vector<Report> rounds;
  frame.reports = &rounds;
  if (failed(runBlock(phase.getBodyBlock(), frame)))
    return failure();
  // A report inside a repeat is the mean of its rounds, summed as the
  // trainer sums it (gmrt_report_round: value / rounds per round).
  llvm::StringMap<int> counts;
  for (const Report &r : rounds)
    ++counts[r.name];
  std::vector<Report> means;
  for (const Report &r : rounds) {
    auto it =
        llvm::find_if(means, [&](const Report &m) { return m.name == r.name; });
    if (it == means.end())
      it = means.insert(means.end(), {r.name, 0});
    it->value += r.value / counts[r.name];
  }
  reports.insert(reports.end(), means.begin(), means.end());
  return success();
}

FailureOr<SmallVector<RefTensor>> Evaluator::call(FunctionOpInterface function,
                                                  ArrayRef<RefTensor> args,
                                                  uint32_t step) {
  Block &body = function.getFunctionBody().front();
  if (args.size() != body.getNumArguments())
    return function.emitOpError()
           << "called with " << args.size() << " arguments, expects "
           << body.getNumArguments();
  Frame frame;
  frame.random = {options_.seed, step, 0};
  for (auto [arg, value] : llvm::zip(body.getArguments(), args))
    frame.values[arg] = value;
  if (failed(runBlock(body, frame)))
    return failure();
  return frame.yielded;
}

LogicalResult Evaluator::runBlock(Block &block, Frame &frame) {
  for (Operation &op : block)
    if (failed(runOp(op, frame)))
      return failure();
  return success();
}

LogicalResult Evaluator::runOp(Operation &op, Frame &frame) {
  SmallVector<const RefTensor *> operands;
  for (Value v : op.getOperands()) {
    auto it = frame.values.find(v);
    if (it == frame.values.end())
      return op.emitOpError() << "reads a value the evaluator has not computed";
    operands.push_back(&it->second);
  }
  auto bind = [&](SmallVectorImpl<RefTensor> &results) {
    for (auto [value, tensor] : llvm::zip(op.getResults(), results)) {
      round(tensor);
      frame.values[value] = std::move(tensor);
    }
    return success();
  };

  // Structural ops.
  if (auto load = dyn_cast<LoadOp>(op)) {
    SmallVector<RefTensor> r{*variable(load.getVariable())};
    return bind(r);
  }
  if (auto store = dyn_cast<StoreOp>(op)) {
    RefTensor value = *operands[0];
    round(value);
    *variable(store.getVariable()) = std::move(value);
    return success();
  }
  if (auto next = dyn_cast<NextOp>(op)) {
    if (!frame.data)
      return op.emitOpError() << "needs data, which this run has none of";
    auto dataset = symbols_.lookup<DatasetOp>(next.getDataset());
    FailureOr<SmallVector<RefTensor>> batch =
        frame.data->next(dataset, next.getResultTypes());
    if (failed(batch))
      return failure();
    return bind(*batch);
  }
  if (auto report = dyn_cast<ReportOp>(op)) {
    if (frame.reports)
      frame.reports->push_back({report.getName().str(), operands[0]->data[0]});
    return success();
  }
  if (isa<StatisticOp>(op))
    return success(); // Whole-split metrics are the trainer's (gmrt_statistic).
  if (isa<ReturnOp, YieldOp>(op)) {
    frame.yielded.clear();
    for (const RefTensor *t : operands)
      frame.yielded.push_back(*t);
    return success();
  }
  if (auto call = dyn_cast<CallOp>(op)) {
    SmallVector<RefTensor> args;
    for (const RefTensor *t : operands)
      args.push_back(*t);
    auto net = symbols_.lookup<NetOp>(call.getCallee());
    FailureOr<SmallVector<RefTensor>> results =
        this->call(net, args, frame.random.step);
    if (failed(results))
      return failure();
    return bind(*results);
  }
  if (auto repeat = dyn_cast<RepeatOp>(op)) {
    // Iterations of nested repeats flatten into one index.
    uint32_t outer = frame.random.iteration;
    for (int64_t i = 0; i < static_cast<int64_t>(repeat.getCount()); ++i) {
      frame.random.iteration = outer * repeat.getCount() + i;
      if (failed(runBlock(repeat.getBodyBlock(), frame)))
        return failure();
    }
    frame.random.iteration = outer;
    return success();
  }
  if (auto ar = dyn_cast<AutoregressiveOp>(op)) {
    // Position p of the canvas takes position p of the body's result, in
    // raster order over the trailing `over` dimensions.
    RefTensor canvas = *operands[0];
    int64_t positions = 1;
    for (int64_t d : ar.getOver())
      positions *= d;
    int64_t lines = canvas.size() / positions;
    Block &body = ar.getBody().front();
    int64_t outerPosition = frame.position;
    for (int64_t p = 0; p < positions; ++p) {
      frame.values[body.getArgument(0)] = canvas;
      frame.position = p;
      if (failed(runBlock(body, frame)))
        return failure();
      const RefTensor &next = frame.yielded.front();
      for (int64_t l = 0; l < lines; ++l)
        canvas.data[l * positions + p] = next.data[l * positions + p];
    }
    frame.position = outerPosition;
    SmallVector<RefTensor> r{canvas};
    return bind(r);
  }
  if (isa<RowWindowOp, RowUnwindowOp>(op)) {
    // The window (`small`) inside the whole tensor or a wider window
    // (`big`): one run of rows per line of the dimensions before `dim`.
    bool unwindow = isa<RowUnwindowOp>(op);
    SmallVector<RefTensor> r = resultsOf(&op);
    const RefTensor &small = unwindow ? *operands[0] : r.front();
    const RefTensor &big = unwindow ? r.front() : *operands[0];
    int64_t dim = op.getAttrOfType<IntegerAttr>("dim").getInt();
    int64_t bigRows = big.shape[dim], smallRows = small.shape[dim];
    int64_t inner = 1;
    for (int64_t d : ArrayRef<int64_t>(big.shape).drop_front(dim + 1))
      inner *= d;
    auto loop = cast<AutoregressiveOp>(op.getParentOp());
    int64_t along = op.getAttrOfType<IntegerAttr>("along").getInt();
    int64_t offset = loop.windowStart(frame.position, smallRows, along) -
                     loop.windowStart(frame.position, bigRows, along);
    int64_t run = smallRows * inner;
    for (int64_t line = 0; line * run < small.size(); ++line)
      for (int64_t i = 0; i < run; ++i) {
        int64_t s = line * run + i, b = (line * bigRows + offset) * inner + i;
        if (unwindow)
          r.front().data[b] = small.data[s];
        else
          r.front().data[s] = big.data[b];
      }
    return bind(r);
  }
  if (auto fused = dyn_cast<FusedOp>(op)) {
    // The body, element op by element op, on the whole tensors.
    Frame inner;
    inner.random = frame.random;
    Block &body = fused.getBody().front();
    for (auto [arg, tensor] : llvm::zip(body.getArguments(), operands))
      inner.values[arg] = *tensor;
    if (failed(runBlock(body, inner)))
      return failure();
    return bind(inner.yielded);
  }
  if (isa<GradOp, MinimizeOp, ApplyGradientsOp>(op))
    return op.emitOpError() << "is not evaluated directly: run gm-inline, "
                               "gm-autodiff and gm-expand-optimizers first";

  // Indices out of range are errors, as in the trainer (library.cpp).
  auto outside = [&](const RefTensor &indices, int64_t bound) {
    return llvm::find_if(indices.data, [&](double v) {
      return v < 0 || v >= static_cast<double>(bound);
    });
  };
  if (auto oneHot = dyn_cast<OneHotOp>(op)) {
    auto it = outside(*operands[0], oneHot.getClasses());
    if (it != operands[0]->data.end())
      return op.emitOpError()
             << "label " << static_cast<int64_t>(*it) << " is outside the "
             << oneHot.getClasses() << " classes";
  }
  if (auto lookup = dyn_cast<LookupOp>(op)) {
    int64_t rows = operands[0]->shape[0];
    auto it = outside(*operands[1], rows);
    if (it != operands[1]->data.end())
      return op.emitOpError() << "index " << static_cast<int64_t>(*it)
                              << " is outside the table's " << rows << " rows";
  }

  // Math ops.
  SmallVector<RefTensor> results;
  if (succeeded(evaluateElementwise(&op, operands, results)) ||
      succeeded(evaluateNN(&op, operands, results)) ||
      succeeded(evaluateShape(&op, operands, results)) ||
      succeeded(evaluateRandom(&op, operands, frame.random, results)))
    return bind(results);
  return op.emitOpError() << "is not supported by the reference evaluator";
}

//===----------------------------------------------------------------------===//
// Synthetic data
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<RefTensor>> SyntheticData::next(DatasetOp dataset,
                                                      TypeRange batchTypes) {
  SmallVector<RefTensor> batch;
  uint32_t field = 0;
  for (Type type : batchTypes) {
    RefTensor t = RefTensor::zeros(cast<RankedTensorType>(type));
    // A stream id no random op uses: the top of the id space.
    gmrt::Stream stream{0xFFFF0000u + field++, batch_, 0};
    for (int64_t e = 0; e < t.size(); ++e) {
      double u = gmrt::uniformAt(seed_, stream, e, 0, 1);
      t.data[e] = t.isFloat() ? u : std::floor(u * 10);
    }
    batch.push_back(std::move(t));
  }
  ++batch_;
  return batch;
}
