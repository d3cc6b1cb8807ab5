export interface NetworkGuardViolation {
  address: string;
  message: string;
  pid: number;
}
/** True for `invalid` and `*.invalid`, which the guard fails with ENOTFOUND without a DNS query. */
export declare function isInvalidHost(host: string | undefined | null): boolean;
export declare function isLoopbackHost(host: string | undefined | null): boolean;
export declare const networkGuard: {
  readonly violations: NetworkGuardViolation[];
  /** Returns and clears the violations recorded in this process. */
  take(): NetworkGuardViolation[];
};
