import type { PipelineResult } from '../core/pipeline-types.js';

/** Vault's JSON response envelope, field for field. */
export function renderEnvelope(result: PipelineResult): Record<string, unknown> {
  const { response } = result;
  const data = response?.data ?? null;
  const body: Record<string, unknown> = {
    request_id: result.requestId,
    lease_id: result.leaseId ?? '',
    renewable: result.renewable ?? false,
    lease_duration: result.leaseDuration ?? 0,
    data: result.wrapInfo ? null : data,
    wrap_info: result.wrapInfo ?? null,
    warnings: response?.warnings && response.warnings.length > 0 ? response.warnings : null,
    auth: result.wrapInfo ? null : (result.auth ?? null),
    mount_type: result.mountType ?? '',
  };
  if (result.mergeDataIntoBody && data && !result.wrapInfo) {
    for (const [k, v] of Object.entries(data)) if (!(k in body)) body[k] = v;
  }
  return body;
}

export function renderErrors(errors: string[]): string {
  return JSON.stringify({ errors });
}
