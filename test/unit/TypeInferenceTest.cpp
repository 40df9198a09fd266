//===- TypeInferenceTest.cpp - gm ops built as the front end does -------===//
//
// The front end builds ops without spelling result types: they come from the
// ops' inferReturnTypes. These tests build ops through OpBuilder, check the
// inferred types, and check that inference failures arrive as diagnostics at
// the given location rather than as crashes.
//
//===----------------------------------------------------------------------===//

#include "gm/GmOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::gm;

namespace {

class TypeInferenceTest : public ::testing::Test {
protected:
  TypeInferenceTest() : builder(&context) {
    context.loadDialect<GmDialect>();
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(module->getBody());
    loc = FileLineColLoc::get(&context, "model.gm", 7, 21);
  }

  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, builder.getF32Type());
  }

  /// A value of the given type (a splat constant stands in for any operand).
  Value value(RankedTensorType type) {
    return ConstantOp::create(builder, loc, DenseElementsAttr::get(type, 0.5f));
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
  Location loc = UnknownLoc::get(&context);
};

TEST_F(TypeInferenceTest, BinaryOpsBroadcast) {
  auto add =
      AddOp::create(builder, loc, value(f32({64, 256})), value(f32({256})));
  EXPECT_EQ(add.getType(), f32({64, 256}));
  auto cmp = CompareOp::create(builder, loc, ComparePredicate::gt,
                               value(f32({64, 1})), value(f32({1, 10})));
  EXPECT_EQ(cmp.getType(),
            RankedTensorType::get({64, 10}, builder.getI1Type()));
}

TEST_F(TypeInferenceTest, LibraryOpsInferTheirShapes) {
  auto conv = Conv2dOp::create(builder, loc, value(f32({64, 1, 28, 28})),
                               value(f32({32, 1, 4, 4})),
                               builder.getDenseI64ArrayAttr({2, 2}),
                               builder.getDenseI64ArrayAttr({1, 1, 1, 1}),
                               builder.getDenseI64ArrayAttr({1, 1}),
                               builder.getI64IntegerAttr(1), nullptr);
  EXPECT_EQ(conv.getType(), f32({64, 32, 14, 14}));
  auto mm = MatmulOp::create(builder, loc, value(f32({64, 3136})),
                             value(f32({256, 3136})), false, true);
  EXPECT_EQ(mm.getType(), f32({64, 256}));
  auto codes = NearestOp::create(builder, loc, value(f32({3136, 32})),
                                 value(f32({64, 32})));
  EXPECT_EQ(codes.getType(),
            RankedTensorType::get({3136}, builder.getI32Type()));
  auto sum = ReduceSumOp::create(builder, loc, value(f32({64, 1, 28, 28})),
                                 ArrayRef<int64_t>{1, 2, 3}, false);
  EXPECT_EQ(sum.getType(), f32({64}));
  auto grads = GradOp::create(builder, loc, value(f32({})),
                              ValueRange{value(f32({3, 4})), value(f32({4}))});
  EXPECT_EQ(grads.getResult(0).getType(), f32({3, 4}));
  EXPECT_EQ(grads.getResult(1).getType(), f32({4}));
}

TEST_F(TypeInferenceTest, FailureIsADiagnosticAtTheLocation) {
  std::string message;
  Location where = UnknownLoc::get(&context);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    where = diag.getLocation();
    return success();
  });
  Value lhs = value(f32({64, 4096})), rhs = value(f32({256, 3136}));
  SmallVector<Type> types;
  MatmulOp::Properties properties;
  properties.transpose_rhs = builder.getUnitAttr();
  MatmulOp::Adaptor adaptor(ValueRange{lhs, rhs}, nullptr, properties);
  EXPECT_TRUE(
      failed(MatmulOp::inferReturnTypes(&context, loc, adaptor, types)));
  EXPECT_NE(message.find("'gm.matmul' op contracting dimensions differ"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("4096"), std::string::npos) << message;
  EXPECT_EQ(where, loc);
}

TEST_F(TypeInferenceTest, OptimizerAttributesRoundTripHyperParameters) {
  Attribute attr =
      parseAttribute("#gm.adam<lr = 2.0e-4, beta1 = 0.5>", &context);
  auto adam = dyn_cast_or_null<AdamAttr>(attr);
  ASSERT_TRUE(adam);
  EXPECT_DOUBLE_EQ(adam.getLr(), 2.0e-4);
  EXPECT_DOUBLE_EQ(adam.getBeta1(), 0.5);
  EXPECT_DOUBLE_EQ(adam.getBeta2(), 0.999); // the default
  EXPECT_FALSE(adam.getDecoupled());
  std::string printed;
  llvm::raw_string_ostream os(printed);
  attr.print(os);
  EXPECT_EQ(printed, "#gm.adam<lr = 0.0002, beta1 = 0.5>");
  EXPECT_EQ(parseAttribute(printed, &context), attr);
}

} // namespace
