/**
 * The documented order of the request pipeline's stages. A module that adds
 * a stage with one of these names gets this place; a new kind of stage
 * names the stage it follows instead (StageContribution.after), so adding
 * one never edits this list or another stage.
 *
 *   metrics         time the request, count it by mount and operation
 *   route           find the mount (404 when none); a mount that failed to start still routes (503 later)
 *   quota           rate-limit quotas (429)
 *   audit-refused   record a request whose token was refused
 *   authenticate    resolve the client token (403 when missing or invalid)
 *   request         build the backend's request: the mount boundary (token form, headers)
 *   existence       POST/PUT become create or update by the backend's existence check
 *   authorize       ACL, sudo for the mount's root paths; sudo goes on the request
 *   audit-request   record the request; records the error if a later stage fails
 *   token-use       charge one use of a limited-use token; revoke it after its last use
 *   dispatch        call the backend; filter its response headers (the mount boundary)
 *   lease           register a lease for a secret
 *   token-issue     turn a login's auth into a token
 *   wrap            response wrapping
 *   audit-response  record the response
 */
export const STAGE_ORDER = [
  'metrics',
  'route',
  'quota',
  'audit-refused',
  'authenticate',
  'request',
  'existence',
  'authorize',
  'audit-request',
  'token-use',
  'dispatch',
  'lease',
  'token-issue',
  'wrap',
  'audit-response',
] as const;
