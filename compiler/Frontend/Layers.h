//===- Layers.h - the layers of the .gm language ---------------*- C++ -*-===//
//
// Layers create parameters (named `<net>.<layer>_<k>.<weight|bias|...>`,
// initialized like PyTorch's defaults unless `init=` says otherwise) and
// emit the layer's ops.
//
//===----------------------------------------------------------------------===//

#ifndef GM_FRONTEND_LAYERS_H
#define GM_FRONTEND_LAYERS_H

#include "compiler/Frontend/SemaInternal.h"

namespace gmc {

Val conv2dLayer(Sema &sema, CallSite &site);
Val convTranspose2dLayer(Sema &sema, CallSite &site);
Val linearLayer(Sema &sema, CallSite &site);
Val batchNormLayer(Sema &sema, CallSite &site);

} // namespace gmc

#endif // GM_FRONTEND_LAYERS_H
