# lit configuration that runs gmc's GoogleTest binaries (*Tests) one test each.
import lit.formats

config.name = "gmc-unit"
config.test_format = lit.formats.GoogleTest(".", "Tests")
config.test_source_root = config.gmc_unit_dir
config.test_exec_root = config.gmc_unit_dir
