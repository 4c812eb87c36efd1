// The host room: the one part of necod that starts `ip` and reads what the kernel says.
export { BatchWriter, type BatchJob, type BatchOutcome, type BatchWriterOptions } from './batch-writers.js';
export { IpMonitor, type IpMonitorEvents, type IpMonitorOptions, type MonitorTuning } from './ip-monitor.js';
export { IpJsonError, type IpAddress, type IpInterface, type IpNextHop, type IpRoute } from './ip-records.js';
export { IpCommandError, ipContext, readAddresses, readTableRoutes, runIp, runIpJson, type IpContext, type IpResult, type IpRunOptions } from './ip-runner.js';
export { subscribeMonitor, type MonitorListener, type MonitorSubscription } from './monitor-hub.js';
export { NameError, NECOD_PROTOCOL, protocolToRead, protocolToWrite, tableToRead, tableToWrite } from './rt-names.js';
export { streamRoutes } from './route-stream.js';
