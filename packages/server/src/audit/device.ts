/** An audit device: somewhere audit lines are written. */
export interface AuditDevice {
  /** Write one line; resolves only when the line is durably handed to the sink. */
  write(line: string): Promise<void>;
  /** Reopen files (after log rotation). */
  reopen(): Promise<void>;
  close(): Promise<void>;
}
