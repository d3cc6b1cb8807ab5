export interface NetworkGuardViolation {
  address: string;
  message: string;
  pid: number;
}
export declare function isLoopbackHost(host: string | undefined | null): boolean;
export declare const networkGuard: {
  readonly violations: NetworkGuardViolation[];
  /** Returns and clears the violations recorded in this process. */
  take(): NetworkGuardViolation[];
};
