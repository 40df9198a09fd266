# lit configuration of gmc's FileCheck tests.
import os

import lit.formats

config.name = "gmc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".gm", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.gmc_obj_root, "test")
# unit/ is its own suite (GoogleTest); Inputs/ hold files that tests read.
config.excludes = ["unit", "Inputs", "lib", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

# Our tools first, then LLVM's FileCheck, not, split-file.
config.environment["PATH"] = os.pathsep.join(
    [config.gmc_tools_dir, config.llvm_tools_dir, os.environ.get("PATH", "")]
)
config.substitutions.append(("%gmc_src_root", config.gmc_src_root))
config.substitutions.append(("%gmc_obj_root", config.gmc_obj_root))
# Compiled trainers against the reference evaluator (test/e2e).
config.substitutions.append(
    ("%compare-samplers",
     "bash " + os.path.join(config.gmc_src_root, "test/e2e/lib/compare-samplers.sh")))
# Runs a command as a user whom file permissions bind: root writes into a
# read-only directory, so the tests of "not writable" drop to nobody.
config.substitutions.append(
    ("%unprivileged",
     "setpriv --reuid=65534 --regid=65534 --clear-groups"
     if os.getuid() == 0 else ""))
# Debian's dataset-fashion-mnist (scripts/install-deps.sh installs it).
datasets = "/usr/share/datasets"
config.substitutions.append(("%datasets", datasets))
if os.path.isdir(os.path.join(datasets, "fashion-mnist")):
    config.available_features.add("fashion-mnist")
if config.cuda_enabled:
    config.available_features.add("cuda")
