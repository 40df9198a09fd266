//===- StructureOps.cpp - model, variables, nets, phases, data, training --===//
//
// Verifiers, builders and custom assembly of the structural ops. Symbol
// references (variables, nets, datasets) are checked in verifySymbolUses, so
// each op looks its symbols up once per verification.
//
//===----------------------------------------------------------------------===//

#include "gm/GmOps.h"
#include "gm/RowFlow.h"

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace mlir::gm;

//===----------------------------------------------------------------------===//
// gm.model
//===----------------------------------------------------------------------===//

void ModelOp::build(OpBuilder &builder, OperationState &state, StringRef name) {
  state.addAttribute(getSymNameAttrName(state.name),
                     builder.getStringAttr(name));
  state.addRegion()->push_back(new Block);
}

LogicalResult ModelOp::verify() {
  // Every random op draws its own stream: ids must be unique in the model.
  llvm::DenseMap<uint64_t, Operation *> seen;
  WalkResult result = walk([&](RandomOpInterface random) {
    auto [it, inserted] = seen.try_emplace(random.getId(), random);
    if (inserted)
      return WalkResult::advance();
    InFlightDiagnostic diag = random->emitOpError()
                              << "reuses random stream id " << random.getId()
                              << "; every random op needs its own id";
    diag.attachNote(it->second->getLoc()) << "first used here";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

//===----------------------------------------------------------------------===//
// Variables
//===----------------------------------------------------------------------===//

/// Returns the type of the gm.param or gm.state `name` refers to from `user`,
/// or emits an error at `user`. With `trainableOnly`, gm.state is refused.
static FailureOr<RankedTensorType>
lookupVariable(SymbolTableCollection &symbols, Operation *user,
               FlatSymbolRefAttr name, bool trainableOnly = false) {
  Operation *def = symbols.lookupNearestSymbolFrom(user, name);
  if (auto param = dyn_cast_or_null<ParamOp>(def))
    return cast<RankedTensorType>(param.getType());
  if (auto state = dyn_cast_or_null<StateOp>(def)) {
    if (!trainableOnly)
      return cast<RankedTensorType>(state.getType());
    user->emitOpError() << name << " is model state, not a trainable gm.param";
    return failure();
  }
  user->emitOpError() << "refers to " << name
                      << ", which is not a gm.param or gm.state of the model";
  return failure();
}

/// Checks that a load/store's tensor type is the variable's.
static LogicalResult verifyVariableAccess(SymbolTableCollection &symbols,
                                          Operation *op, FlatSymbolRefAttr name,
                                          Type accessType) {
  FailureOr<RankedTensorType> type = lookupVariable(symbols, op, name);
  if (failed(type))
    return failure();
  if (*type != accessType)
    return op->emitOpError() << "type " << accessType << " does not match "
                             << name << " of type " << *type;
  return success();
}

LogicalResult LoadOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyVariableAccess(symbols, *this, getVariableAttr(), getType());
}

LogicalResult StoreOp::verifySymbolUses(SymbolTableCollection &symbols) {
  return verifyVariableAccess(symbols, *this, getVariableAttr(),
                              getValue().getType());
}

//===----------------------------------------------------------------------===//
// Function-like ops: gm.net, gm.sampler
//===----------------------------------------------------------------------===//

template <typename FuncOpT>
static ParseResult parseFunctionLike(OpAsmParser &parser,
                                     OperationState &result) {
  auto buildType = [](Builder &builder, ArrayRef<Type> args,
                      ArrayRef<Type> results,
                      function_interface_impl::VariadicFlag, std::string &) {
    return builder.getFunctionType(args, results);
  };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      FuncOpT::getFunctionTypeAttrName(result.name), buildType,
      FuncOpT::getArgAttrsAttrName(result.name),
      FuncOpT::getResAttrsAttrName(result.name));
}

template <typename FuncOpT>
static void printFunctionLike(OpAsmPrinter &p, FuncOpT op) {
  function_interface_impl::printFunctionOp(
      p, op, /*isVariadic=*/false, op.getFunctionTypeAttrName(),
      op.getArgAttrsAttrName(), op.getResAttrsAttrName());
}

/// Creates the symbol, the type and an entry block with one argument per input.
static void buildFunctionLike(OpBuilder &builder, OperationState &state,
                              StringRef name, FunctionType type,
                              StringAttr typeAttrName) {
  state.addAttribute(SymbolTable::getSymbolAttrName(),
                     builder.getStringAttr(name));
  state.addAttribute(typeAttrName, TypeAttr::get(type));
  Block *entry = new Block;
  for (Type input : type.getInputs())
    entry->addArgument(input, state.location);
  state.addRegion()->push_back(entry);
}

/// Arguments and results of nets and samplers are gm tensors.
static LogicalResult verifyFunctionTypes(Operation *op, FunctionType type) {
  auto isGmTensor = [](Type t) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    return tensor && tensor.hasStaticShape();
  };
  for (Type t : llvm::concat<const Type>(type.getInputs(), type.getResults()))
    if (!isGmTensor(t))
      return op->emitOpError()
             << "arguments and results must be statically shaped tensors, got "
             << t;
  return success();
}

ParseResult NetOp::parse(OpAsmParser &parser, OperationState &result) {
  return parseFunctionLike<NetOp>(parser, result);
}
void NetOp::print(OpAsmPrinter &p) { printFunctionLike(p, *this); }
void NetOp::build(OpBuilder &builder, OperationState &state, StringRef name,
                  FunctionType type) {
  buildFunctionLike(builder, state, name, type,
                    getFunctionTypeAttrName(state.name));
}
LogicalResult NetOp::verify() {
  return verifyFunctionTypes(*this, getFunctionType());
}

ParseResult SamplerOp::parse(OpAsmParser &parser, OperationState &result) {
  return parseFunctionLike<SamplerOp>(parser, result);
}
void SamplerOp::print(OpAsmPrinter &p) { printFunctionLike(p, *this); }
void SamplerOp::build(OpBuilder &builder, OperationState &state, StringRef name,
                      TypeRange results) {
  buildFunctionLike(builder, state, name, builder.getFunctionType({}, results),
                    getFunctionTypeAttrName(state.name));
}
LogicalResult SamplerOp::verify() {
  if (getFunctionType().getNumInputs() != 0)
    return emitOpError() << "takes no arguments, got "
                         << getFunctionType().getNumInputs();
  if (getFunctionType().getNumResults() == 0)
    return emitOpError() << "must return at least one tensor of samples";
  return verifyFunctionTypes(*this, getFunctionType());
}

LogicalResult CallOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto net = symbols.lookupNearestSymbolFrom<NetOp>(*this, getCalleeAttr());
  if (!net)
    return emitOpError() << "calls " << getCalleeAttr()
                         << ", which is not a gm.net of the model";
  FunctionType type = net.getFunctionType();
  if (TypeRange(type.getInputs()) != TypeRange(getOperandTypes()))
    return emitOpError() << "passes " << getOperandTypes() << " but "
                         << getCalleeAttr() << " takes " << type.getInputs();
  if (TypeRange(type.getResults()) != TypeRange(getResultTypes()))
    return emitOpError() << "expects results " << getResultTypes() << " but "
                         << getCalleeAttr() << " returns " << type.getResults();
  return success();
}

LogicalResult ReturnOp::verify() {
  auto func = cast<FunctionOpInterface>((*this)->getParentOp());
  ArrayRef<Type> expected = func.getResultTypes();
  if (TypeRange(expected) != TypeRange(getOperandTypes()))
    return emitOpError() << "returns " << getOperandTypes() << " but "
                         << func->getName() << " @" << func.getName()
                         << " declares " << expected;
  return success();
}

//===----------------------------------------------------------------------===//
// Phases
//===----------------------------------------------------------------------===//

void PhaseOp::build(OpBuilder &builder, OperationState &state, PhaseKind kind,
                    StringRef name) {
  state.addAttribute(getKindAttrName(state.name),
                     PhaseKindAttr::get(builder.getContext(), kind));
  state.addAttribute(getSymNameAttrName(state.name),
                     builder.getStringAttr(name));
  state.addRegion()->push_back(new Block);
}

void RepeatOp::build(OpBuilder &builder, OperationState &state, int64_t count) {
  state.addAttribute(getCountAttrName(state.name),
                     builder.getI64IntegerAttr(count));
  state.addRegion()->push_back(new Block);
}

//===----------------------------------------------------------------------===//
// Data
//===----------------------------------------------------------------------===//

LogicalResult DatasetOp::verify() {
  if (getSource().empty())
    return emitOpError() << "needs a source";
  if (getFields().empty())
    return emitOpError() << "needs at least one field";
  for (Attribute field : getFields()) {
    auto tensor = dyn_cast<RankedTensorType>(cast<TypeAttr>(field).getValue());
    if (!tensor || !tensor.hasStaticShape())
      return emitOpError() << "fields must be statically shaped tensors, got "
                           << field;
  }
  return success();
}

LogicalResult NextOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto dataset =
      symbols.lookupNearestSymbolFrom<DatasetOp>(*this, getDatasetAttr());
  if (!dataset)
    return emitOpError() << "reads " << getDatasetAttr()
                         << ", which is not a gm.dataset of the model";
  ArrayAttr fields = dataset.getFields();
  if (fields.size() != getNumResults())
    return emitOpError() << "has " << getNumResults() << " results but "
                         << getDatasetAttr() << " has " << fields.size()
                         << " fields";
  std::optional<int64_t> batch;
  for (auto [field, result] : llvm::zip(fields, getResults())) {
    auto example = cast<RankedTensorType>(cast<TypeAttr>(field).getValue());
    auto type = cast<RankedTensorType>(result.getType());
    bool matches = type.getRank() == example.getRank() + 1 &&
                   type.getShape().drop_front() == example.getShape() &&
                   type.getElementType() == example.getElementType();
    if (!matches)
      return emitOpError() << "result " << type
                           << " is not a batch of the field " << example;
    if (batch && *batch != type.getDimSize(0))
      return emitOpError() << "results disagree on the batch size (" << *batch
                           << " vs " << type.getDimSize(0) << ")";
    batch = type.getDimSize(0);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Training
//===----------------------------------------------------------------------===//

/// Shared by minimize and apply_gradients: a train phase, a non-empty
/// parameter group without repeats, a positive clip norm.
static LogicalResult verifyParameterGroup(Operation *op, ArrayAttr params,
                                          std::optional<APFloat> clipNorm) {
  auto phase = op->getParentOfType<PhaseOp>();
  if (!phase || phase.getKind() != PhaseKind::train)
    return op->emitOpError() << "must be inside a train phase";
  if (params.empty())
    return op->emitOpError() << "needs at least one parameter to update";
  if (clipNorm && !(clipNorm->convertToDouble() > 0))
    return op->emitOpError() << "needs a positive clip_norm, got "
                             << formatReal(clipNorm->convertToDouble());
  llvm::DenseSet<Attribute> seen;
  for (Attribute param : params)
    if (!seen.insert(param).second)
      return op->emitOpError() << "lists " << param << " twice";
  return success();
}

LogicalResult MinimizeOp::verify() {
  return verifyParameterGroup(*this, getParams(), getClipNorm());
}

LogicalResult MinimizeOp::verifySymbolUses(SymbolTableCollection &symbols) {
  for (Attribute param : getParams())
    if (failed(lookupVariable(symbols, *this, cast<FlatSymbolRefAttr>(param),
                              /*trainableOnly=*/true)))
      return failure();
  return success();
}

LogicalResult ApplyGradientsOp::verify() {
  if (getGradients().size() != getParams().size())
    return emitOpError() << "has " << getGradients().size() << " gradients for "
                         << getParams().size() << " parameters";
  return verifyParameterGroup(*this, getParams(), getClipNorm());
}

LogicalResult
ApplyGradientsOp::verifySymbolUses(SymbolTableCollection &symbols) {
  for (auto [param, gradient] : llvm::zip(getParams(), getGradients())) {
    FailureOr<RankedTensorType> type = lookupVariable(
        symbols, *this, cast<FlatSymbolRefAttr>(param), /*trainableOnly=*/true);
    if (failed(type))
      return failure();
    if (*type != gradient.getType())
      return emitOpError() << "gradient " << gradient.getType()
                           << " does not match " << param << " of type "
                           << *type;
  }
  return success();
}

int64_t mlir::gm::repeatRounds(Operation *op) {
  int64_t rounds = 1;
  for (auto repeat = op->getParentOfType<RepeatOp>(); repeat;
       repeat = repeat->getParentOfType<RepeatOp>())
    rounds *= repeat.getCount();
  return rounds;
}

LogicalResult ReportOp::verify() {
  if (getName().empty())
    return emitOpError() << "needs a non-empty name";
  auto phase = (*this)->getParentOfType<PhaseOp>();
  if (!phase)
    return emitOpError() << "must be inside a train or eval phase";
  // One value per name and step: a repeat's rounds are one report.
  // Said at the second report: the walk stops at this one.
  Operation *self = *this;
  bool earlier = false;
  phase.walk([&](ReportOp other) {
    if (other == self)
      return WalkResult::interrupt();
    earlier |= other.getName() == getName();
    return WalkResult::advance();
  });
  if (earlier)
    return emitOpError() << "reports '" << getName()
                         << "' a second time in its phase";
  return success();
}

LogicalResult StatisticOp::verify() {
  if (getName().empty())
    return emitOpError() << "needs a non-empty name";
  auto phase = (*this)->getParentOfType<PhaseOp>();
  if (!phase || phase.getKind() != PhaseKind::eval)
    return emitOpError() << "must be inside an eval phase";
  if ((*this)->getParentOfType<RepeatOp>())
    return emitOpError() << "takes each batch once: not inside a gm.repeat";
  auto typeOf = [&](unsigned i) {
    return cast<RankedTensorType>(getValues()[i].getType());
  };
  if (getKind() == "frechet_distance") {
    if (getValues().size() != 2)
      return emitOpError() << "frechet_distance takes two feature tensors";
    for (unsigned i = 0; i < 2; ++i)
      if (typeOf(i).getRank() != 2)
        return emitOpError() << "frechet_distance takes rows of features "
                                "(rank 2), operand "
                             << i << " is " << typeOf(i);
    if (typeOf(0).getDimSize(1) != typeOf(1).getDimSize(1))
      return emitOpError() << "compares features of one size, not "
                           << typeOf(0).getDimSize(1) << " and "
                           << typeOf(1).getDimSize(1);
    return success();
  }
  if (getKind() == "distinct") {
    if (getValues().size() != 1 || typeOf(0).getRank() != 1)
      return emitOpError() << "distinct takes one rank-1 tensor";
    return success();
  }
  return emitOpError() << "of unknown kind '" << getKind()
                       << "' (frechet_distance, distinct)";
}

LogicalResult GradOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location> location,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  // d value / d x has the type of x.
  for (Value x : adaptor.getWrt())
    types.push_back(x.getType());
  return success();
}

LogicalResult GradOp::verify() {
  if (getWrt().empty())
    return emitOpError() << "needs at least one value to differentiate by";
  if (getValue().getType().getElementType() !=
      cast<RankedTensorType>(getWrt().front().getType()).getElementType())
    return emitOpError() << "differentiates " << getValue().getType() << " by "
                         << getWrt().front().getType()
                         << ": element types differ";
  return success();
}

//===----------------------------------------------------------------------===//
// Sampling
//===----------------------------------------------------------------------===//

LogicalResult AutoregressiveOp::verify() {
  auto type = cast<RankedTensorType>(getInit().getType());
  ArrayRef<int64_t> over = getOver();
  if (over.empty() || over.size() > static_cast<size_t>(type.getRank()) ||
      type.getShape().take_back(over.size()) != over)
    return emitOpError() << "fills " << shape::format(over)
                         << ", which must be the trailing dimensions of "
                         << type;
  Block &body = getBody().front();
  if (body.getNumArguments() != 1 || body.getArgument(0).getType() != type)
    return emitOpError() << "body must take the canvas (" << type
                         << ") as its only argument";
  auto yield = body.mightHaveTerminator()
                   ? dyn_cast<YieldOp>(body.getTerminator())
                   : YieldOp();
  if (!yield || yield.getValues().size() != 1 ||
      yield.getValues()[0].getType() != type)
    return emitOpError() << "body must yield a tensor of type " << type;
  return success();
}

LogicalResult AutoregressiveOp::verifyRegions() {
  // The backend keeps a gm.per_row op's value from a row's first step on:
  // it must be the same at every step of the row, from that row on, in the
  // rows the step reads.
  std::optional<llvm::DenseMap<Operation *, int64_t>> same;
  for (Operation &op : getBody().front()) {
    std::optional<int64_t> from = perRowMark(&op);
    if (!from)
      continue;
    if (getPositions() == getOver().front())
      return op.emitOpError()
             << "attribute '" << kPerRowAttr
             << "' marks an op of a loop whose rows are one step each";
    if (!same)
      same = perRowOps(*this);
    auto it = same->find(&op);
    if (it == same->end())
      return op.emitOpError()
             << "attribute '" << kPerRowAttr
             << "' marks an op whose value changes within a row (it reads "
                "a draw or the canvas in the step's row, or a reader reads "
                "its rows below the step's)";
    if (*from < it->second)
      return op.emitOpError()
             << "attribute '" << kPerRowAttr << "' marks row " << *from
             << ", but the op's value is the same along a row only from row "
             << it->second
             << " on (before, its window reaches below the step's row, "
                "and a reader reads those rows)";
  }
  return success();
}

int64_t AutoregressiveOp::getPositions() {
  int64_t positions = 1;
  for (int64_t d : getOver())
    positions *= d;
  return positions;
}

bool mlir::gm::trapsOnZero(Operation *op) {
  auto div = dyn_cast<DivOp>(op);
  return div && getElementTypeOrSelf(div.getType()).isInteger();
}

/// Whether `user` computes each element of its results from the element of
/// `operand` at the same flat index alone, harmlessly where it was never
/// drawn: a reshape (the same flat order), a reorder (the same tensor in
/// another layout), or elementwise ops (Bernoulli's draw among them, fused
/// chains of them) whose results have the operand's shape (a broadcast
/// operand is read at other indices).
static bool keepsPositions(Operation *user, Value operand) {
  if (isa<ReshapeOp, ReorderOp>(user))
    return true;
  auto elementwise = [](Operation *op) {
    // Elements never drawn are stale: only compute values nobody reads.
    return (isElementwise(op) || isa<BernoulliOp>(op)) && !trapsOnZero(op);
  };
  bool keeps;
  if (auto fused = dyn_cast<FusedOp>(user))
    keeps = llvm::all_of(fused.getBody().front().without_terminator(),
                         [&](Operation &op) { return elementwise(&op); });
  else
    keeps = elementwise(user);
  auto shape = cast<ShapedType>(operand.getType()).getShape();
  return keeps && llvm::all_of(user->getResultTypes(), [&](Type t) {
           return cast<ShapedType>(t).getShape() == shape;
         });
}

/// Whether every reader of `value` reaches `yield` through ops that keep
/// positions (`known`: the values already answered, so that a chain whose
/// values are read twice is walked once).
static bool onlyReachesYield(Value value, Operation *yield,
                             llvm::DenseMap<Value, bool> &known) {
  if (auto it = known.find(value); it != known.end())
    return it->second;
  bool only = llvm::all_of(value.getUses(), [&](OpOperand &use) {
    Operation *user = use.getOwner();
    return user == yield || (keepsPositions(user, value) &&
                             llvm::all_of(user->getResults(), [&](Value r) {
                               return onlyReachesYield(r, yield, known);
                             }));
  });
  known[value] = only;
  return only;
}

bool AutoregressiveOp::drawnOnlyAtPosition(Operation *draw) {
  Operation *yield = getBody().front().getTerminator();
  llvm::DenseMap<Value, bool> known;
  return draw->getParentOp() == getOperation() &&
         llvm::all_of(draw->getResults(), [&](Value r) {
           auto type = cast<ShapedType>(r.getType());
           return type.getNumElements() % getPositions() == 0 &&
                  onlyReachesYield(r, yield, known);
         });
}

int64_t AutoregressiveOp::getStepsPer(int64_t along) {
  int64_t steps = 1;
  for (int64_t d : getOver().drop_front(along + 1))
    steps *= d;
  return steps;
}

int64_t AutoregressiveOp::windowStart(int64_t position, int64_t rows,
                                      int64_t along) {
  int64_t row = position / getStepsPer(along) % getOver()[along];
  return std::max<int64_t>(0, row - rows + 1);
}

/// Checks that `small` is `big` but for dimension `dim`, where it has 1 to
/// as many rows as `big`, and `big` has the rows of the loop's first `over`
/// dimension (`whole`) or at most as many (a window of them).
static LogicalResult verifyRowWindow(Operation *op, Type small, Type big,
                                     int64_t dim, int64_t along, bool whole) {
  auto s = cast<RankedTensorType>(small), b = cast<RankedTensorType>(big);
  auto loop = cast<AutoregressiveOp>(op->getParentOp());
  if (along < 0 || along >= static_cast<int64_t>(loop.getOver().size()))
    return op->emitOpError()
           << "follows dimension " << along << " of the loop's "
           << loop.getOver().size() << " (`along` must name one of them)";
  int64_t rows = loop.getOver()[along];
  if (dim < 0 || dim >= b.getRank())
    return op->emitOpError() << "windows dimension " << dim << " of " << b;
  int64_t bigRows = b.getDimSize(dim);
  if (whole ? bigRows != rows : bigRows > rows)
    return op->emitOpError()
           << "windows dimension " << dim << " of " << b << ", which must have "
           << (whole ? "" : "at most ") << rows << " rows (dimension " << along
           << " of those the loop fills)";
  SmallVector<int64_t> expected(b.getShape());
  expected[dim] = s.getRank() == b.getRank() ? s.getDimSize(dim) : 0;
  if (s.getElementType() != b.getElementType() ||
      s.getShape() != ArrayRef<int64_t>(expected) || expected[dim] < 1 ||
      expected[dim] > bigRows)
    return op->emitOpError()
           << "has a window " << s << " that is not " << b << " with 1 to "
           << bigRows << " rows in dimension " << dim;
  return success();
}

LogicalResult RowWindowOp::verify() {
  if (failed(verifyRowWindow(*this, getType(), getInput().getType(), getDim(),
                             getAlong(), /*whole=*/false)))
    return failure();
  if (getType().getDimSize(getDim()) != static_cast<int64_t>(getRows()))
    return emitOpError() << "takes " << getRows() << " rows but its result "
                         << getType() << " has "
                         << getType().getDimSize(getDim());
  return success();
}

LogicalResult RowUnwindowOp::verify() {
  return verifyRowWindow(*this, getInput().getType(), getType(), getDim(),
                         getAlong(), /*whole=*/true);
}

Operation *FusedOp::getReduction() {
  Block &body = getBody().front();
  if (body.empty() || !body.mightHaveTerminator() ||
      &body.front() == body.getTerminator())
    return nullptr;
  Operation *last = body.getTerminator()->getPrevNode();
  return isa<ReduceSumOp, ReduceMeanOp, ReduceMaxOp>(last) ? last : nullptr;
}

Operation *FusedOp::getLibraryOp() {
  Block &body = getBody().front();
  if (body.empty() || !isa<Conv2dOp, MatmulOp>(body.front()))
    return nullptr;
  return &body.front();
}

SmallVector<int64_t> mlir::gm::epilogueBiasShape(Operation *library) {
  auto type = cast<RankedTensorType>(library->getResult(0).getType());
  if (isa<Conv2dOp>(library))
    return {type.getDimSize(1), 1, 1};
  return {type.getShape().back()};
}

/// A gm.fused that starts with a convolution or matmul is what the backends
/// run as one library call (gm-fuse's epilogues): inputs (x, w, bias), the
/// op on the first two, an add of the bias in the shape the library adds it
/// in ([C, 1, 1] for a convolution, [N] for a matmul), then at most a relu
/// or leaky_relu, yielded.
static LogicalResult verifyEpilogue(FusedOp op, Operation *library) {
  Block &body = op.getBody().front();
  auto fail = [&](const Twine &why) {
    return op.emitOpError()
           << "starting with a " << library->getName().getStringRef()
           << " must be a library call with its epilogue (inputs x, w, "
              "bias; the op on x and w; an add of the bias; at most one "
              "relu or leaky_relu, yielded): "
           << why;
  };
  if (op.getInputs().size() != 3 || op.getNumResults() != 1)
    return fail("it needs 3 inputs and 1 result");
  if (library->getNumOperands() != 2 ||
      library->getOperand(0) != body.getArgument(0) ||
      library->getOperand(1) != body.getArgument(1))
    return fail("the op must read the first two inputs, in order");
  SmallVector<Operation *> ops;
  for (Operation &inner : body.without_terminator())
    ops.push_back(&inner);
  Value y = library->getResult(0), bias = body.getArgument(2);
  auto add = ops.size() >= 2 ? dyn_cast<AddOp>(ops[1]) : AddOp();
  if (!add || !((add.getLhs() == y && add.getRhs() == bias) ||
                (add.getLhs() == bias && add.getRhs() == y)))
    return fail("the op's result must be added to the third input");
  SmallVector<int64_t> biasShape = epilogueBiasShape(library);
  if (cast<RankedTensorType>(bias.getType()).getShape() !=
      ArrayRef<int64_t>(biasShape))
    return fail("the bias must have shape " + shape::format(biasShape));
  if (ops.size() > 3 ||
      (ops.size() == 3 && (!isa<ReluOp, LeakyReluOp>(ops[2]) ||
                           ops[2]->getOperand(0) != add.getResult())))
    return fail("after the add only one relu or leaky_relu of it may follow");
  if (body.getTerminator()->getOperand(0) != ops.back()->getResult(0))
    return fail("the body must yield the last op's result");
  return success();
}

LogicalResult FusedOp::verify() {
  Block &body = getBody().front();
  if (body.getArgumentTypes() != getInputs().getTypes())
    return emitOpError() << "body arguments must have the inputs' types";
  auto yield = body.mightHaveTerminator()
                   ? dyn_cast<YieldOp>(body.getTerminator())
                   : YieldOp();
  if (!yield || yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "body must yield one value per result, of the "
                            "results' types";
  if (getNumResults() == 0)
    return emitOpError() << "computes nothing";
  Operation *reduction = getReduction();
  if (reduction && (getNumResults() != 1 ||
                    yield.getValues().front() != reduction->getResult(0)))
    return reduction->emitOpError()
           << "ends a gm.fused, which must then yield only its result";
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(reduction ? reduction->getOperand(0).getType()
                                       : getResult(0).getType())
          .getShape();
  Operation *library = getLibraryOp();
  if (library && reduction)
    return emitOpError() << "cannot both start with a "
                         << library->getName().getStringRef()
                         << " and end with a reduction";
  if (library && failed(verifyEpilogue(*this, library)))
    return failure();
  for (Operation &op : body.without_terminator()) {
    if (&op == reduction || &op == library)
      continue;
    if (isa<Conv2dOp, MatmulOp>(op))
      return op.emitOpError() << "can only start a gm.fused";
    if (!isElementwise(&op))
      return op.emitOpError() << "cannot be fused: not elementwise";
    for (Type t : op.getResultTypes())
      if (cast<RankedTensorType>(t).getShape() != shape)
        return op.emitOpError()
               << "has shape "
               << shape::format(cast<RankedTensorType>(t).getShape())
               << " in a gm.fused over " << shape::format(shape);
  }
  return success();
}
