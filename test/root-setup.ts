// The root suites run in one process, one test file after another; each file's namespace
// helpers hook process exit once to clean up after a crash, so the hooks add up past Node's
// default warning threshold of 10. Each is one small closure; raising the threshold is all it takes.
process.setMaxListeners(64);
