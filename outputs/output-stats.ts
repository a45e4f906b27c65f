/** An output's state and counts as every surface shows them (no runtime imports: the control surface's page reads these types). */
export const OutputStates = ['stopped', 'starting', 'running', 'reconnecting', 'failed'] as const;
export type OutputState = (typeof OutputStates)[number];

export interface OutputStats {
  id: string;
  type: string;
  state: OutputState;
  /** Frames handed on to the target. */
  sent: number;
  /** Frames not sent because the target was busy or not running (latest wins). */
  dropped: number;
  lastError: string | null;
  /** Target-specific facts (file path, connections, ...); never secrets. */
  detail: Record<string, unknown>;
}
