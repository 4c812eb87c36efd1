// The root suites run in one process, one test file after another; each file's namespace
// helpers hook process exit once to clean up after a crash, so the hooks add up past Node's
// default warning threshold of 10. They are released when each file's labs are destroyed.
process.setMaxListeners(64);
