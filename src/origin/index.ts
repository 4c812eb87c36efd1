export * from './types.js';
export { InterfaceAddressOrigin, type InterfaceAddressOriginOptions, type InterfaceOriginStats } from './interface-addresses.js';
export type { AddressMode, InterfaceSpec } from './interface-routes.js';
export { KernelTableOrigin, type KernelTableOriginOptions, type KernelTableStats } from './kernel-table.js';
