// Programmatic entry points of the CLI package (used by tests and tools).
export { run, type Registry } from './cli/run.js';
export type { Io, OutStream, InStream } from './cli/io.js';
export type { Command, CommandGroup } from './cli/command.js';
export { ApiClient } from './api/client.js';
export { clientOptions, DEFAULT_ADDRESS, type ClientOptions } from './api/config.js';
export { ResponseError, TransportError } from './api/errors.js';
export type { Secret } from './api/secret.js';
export { VERSION, VERSION_STRING } from './cli/branding.js';
