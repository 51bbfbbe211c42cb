export { loadConfig } from './load.js';
export { parseConfig, parseConfigFragment } from './parse.js';
export { finalizeConfig, mergeFragments } from './merge.js';
export * from './types.js';
