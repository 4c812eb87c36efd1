// The kernel FIB: what the rest of necod uses.
export { Fib, type BatchReport, type FibOptions, type FibStatus, type NexthopGroupsSetting, type StopOptions } from './fib.js';
export { NameError, NECOD_PROTOCOL } from '../host/rt-names.js';
export type { DesiredRoute, FibCounters, NextHop, RouteStateName, RouteStatus } from './types.js';
