export * from './types.js';
export { InterfaceAddressOrigin, type InterfaceAddressOriginOptions, type InterfaceOriginStats } from './interface-addresses.js';
export type { AddressMode, InterfaceSpec } from './interface-routes.js';
export { KernelTableOrigin, type KernelTableOriginOptions, type KernelTableStats } from './kernel-table.js';
export { IpMonitor, type IpMonitorEvents, type IpMonitorOptions, type MonitorTuning } from './ip-monitor.js';
export { IpCommandError, readAddresses, readTableRoutes, runIp, runIpJson, type IpRunOptions } from './ip-json.js';
export { IpJsonError, type IpAddress, type IpInterface, type IpNextHop, type IpRoute } from './ip-records.js';
export { resolveProtocol, resolveTable } from './rt-names.js';
