import { useState } from 'react';
import { api, apiPath } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { Checkbox, Field, TextArea } from '../components/fields';
import { useAction } from '../use-api';
import type { KvMount } from './kv';

export interface KvVersionInfo {
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

export interface KvMetadata {
  current_version: number;
  oldest_version: number;
  max_versions: number;
  cas_required: boolean;
  delete_version_after: string;
  custom_metadata: Record<string, string> | null;
  created_time: string;
  updated_time: string;
  versions: Record<string, KvVersionInfo>;
}

/** KV v2 metadata: max_versions, cas_required, delete_version_after and custom metadata (one key=value a line). */
export function KvMetadataForm({ kv, path, metadata, onSaved }: { kv: KvMount; path: string; metadata: KvMetadata; onSaved: () => void }) {
  const [maxVersions, setMaxVersions] = useState(String(metadata.max_versions));
  const [casRequired, setCasRequired] = useState(metadata.cas_required);
  const [deleteAfter, setDeleteAfter] = useState(metadata.delete_version_after);
  const [custom, setCustom] = useState(
    Object.entries(metadata.custom_metadata ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const action = useAction();
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    const customMetadata: Record<string, string> = {};
    for (const line of custom.split('\n')) {
      if (!line.trim()) continue;
      const eq = line.indexOf('=');
      if (eq <= 0) {
        void action.run(() => Promise.reject(new Error(`"${line}" is not key=value: write one key=value pair per line.`)));
        return;
      }
      customMetadata[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    void action.run(async () => {
      await api.write(apiPath(kv.mount, 'metadata', path), { max_versions: Number(maxVersions), cas_required: casRequired, delete_version_after: deleteAfter, custom_metadata: customMetadata });
      onSaved();
    });
  };
  return (
    <form className="panel" onSubmit={save} aria-label="Secret metadata">
      <dl className="inline">
        <dt>Created</dt>
        <dd>{metadata.created_time}</dd>
        <dt>Updated</dt>
        <dd>{metadata.updated_time}</dd>
        <dt>Current version</dt>
        <dd>{metadata.current_version}</dd>
      </dl>
      <Field label="Maximum versions" type="number" min={0} value={maxVersions} onChange={(e) => setMaxVersions(e.target.value)} hint="0 uses the mount's setting (10 by default). Older versions are removed." />
      <Checkbox label="Require check-and-set on every write (cas_required)" checked={casRequired} onChange={setCasRequired} />
      <Field label="Delete versions after" value={deleteAfter} onChange={(e) => setDeleteAfter(e.target.value)} hint='A duration such as "720h"; "0s" keeps versions forever.' />
      <TextArea label="Custom metadata" value={custom} onChange={setCustom} rows={4} hint="One key=value per line. Not secret: anyone who can read metadata sees it." />
      <button type="submit" className="primary" disabled={action.busy}>
        Save metadata
      </button>
      <ErrorBox error={action.error} />
    </form>
  );
}
