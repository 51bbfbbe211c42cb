export { createBackend, FrameworkBackend } from './backend.js';
export { FrameworkFieldData, createFieldData } from './field-data.js';
export { definePath, type FieldTypeValues, type FieldValue, type TypedFields, type TypedFieldData, type TypedPathDefinition, type TypedOperationCallback } from './typed-fields.js';
export { coerceValue, zeroValue, canonicalHeaderKey, FieldConversionError } from './coerce.js';
export { parseDuration, parseDurationExact, formatDuration } from './duration.js';
export {
  genericNameRegex,
  genericNameWithAtRegex,
  optionalGenericNameRegex,
  matchAllRegex,
  optionalParamRegex,
} from './regex.js';
export { anchoredPattern, captureNamesOf } from './pattern.js';
export { expandPattern } from './pattern-expand.js';
export { matchesSpecialPath } from './special-paths.js';
export { pathHelpText, rootHelpText } from './help.js';
export {
  openApiDocument,
  mergeOpenApi,
  prefixOpenApiPaths,
  fieldSchema,
  type OpenApiDocument,
  type OpenApiPaths,
  type OpenApiObject,
  type OpenApiOptions,
} from './openapi.js';
export { parseBool } from './parse-bool.js';
export { ownValue } from './own-property.js';
