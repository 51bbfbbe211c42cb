import { CofferError } from '@coffer/sdk';

/** Where in which file: the prefix of every config error and warning. */
export function where(file: string, line: number | undefined): string {
  return line === undefined ? `config file "${file}"` : `config file "${file}" line ${line}`;
}

/** A config mistake; the message names the file and, when known, the line. */
export function configError(file: string, line: number | undefined, message: string): CofferError {
  return new CofferError('invalid_request', `${where(file, line)}: ${message}`);
}
