import { useState, type ReactNode } from 'react';
import { api, request } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { Field, Select, TextArea } from '../components/fields';
import { JsonView } from '../components/json-view';
import { OneTime } from '../components/secret-value';
import { Tabs } from '../components/tabs';
import { PageTitle } from '../layout';
import { useAction } from '../use-api';

const TOOLS = [
  { id: 'wrap', title: 'Wrap' },
  { id: 'unwrap', title: 'Unwrap' },
  { id: 'lookup', title: 'Lookup' },
  { id: 'rewrap', title: 'Rewrap' },
  { id: 'random', title: 'Random bytes' },
  { id: 'hash', title: 'Hash' },
];

/** sys/wrapping/* and sys/tools/*. */
export function ToolsPage({ tool }: { tool: string }) {
  const current = TOOLS.some((t) => t.id === tool) ? tool : 'wrap';
  return (
    <>
      <PageTitle>Tools</PageTitle>
      <Tabs label="Tools" current={current} tabs={TOOLS.map((t) => ({ ...t, route: `tools/${t.id}` }))} />
      {current === 'wrap' ? <WrapTool /> : null}
      {current === 'unwrap' || current === 'lookup' || current === 'rewrap' ? <TokenTool key={current} verb={current} /> : null}
      {current === 'random' ? <RandomTool /> : null}
      {current === 'hash' ? <HashTool /> : null}
    </>
  );
}

/**
 * A tool's panel: its fields, the submit button that runs `work` (busy while
 * it runs), the error if it failed, and the result.
 */
function ToolForm({ label, submit, work, result, children }: { label: string; submit: string; work: () => Promise<void>; result: ReactNode; children: ReactNode }) {
  const action = useAction();
  return (
    <form
      className="panel"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(work);
      }}
    >
      {children}
      <button type="submit" className="primary" disabled={action.busy}>
        {submit}
      </button>
      <ErrorBox error={action.error} />
      {result}
    </form>
  );
}

function WrapTool() {
  const [json, setJson] = useState('{\n  "key": "value"\n}');
  const [ttl, setTtl] = useState('30m');
  const [token, setToken] = useState('');
  const wrap = async () => {
    let data: unknown;
    try {
      data = JSON.parse(json);
    } catch (err) {
      throw new Error(`The data is not valid JSON: ${(err as Error).message}`);
    }
    const res = await request('POST', 'sys/wrapping/wrap', { body: data, wrapTtl: ttl });
    setToken(res.wrap_info!.token);
  };
  return (
    <ToolForm label="Wrap data" submit="Wrap" work={wrap} result={token ? <OneTime label="Wrapping token" value={token} /> : null}>
      <TextArea label="Data to wrap (JSON object)" value={json} onChange={setJson} rows={6} />
      <Field label="Wrap TTL" value={ttl} onChange={(e) => setTtl(e.target.value)} required />
    </ToolForm>
  );
}

function TokenTool({ verb }: { verb: 'unwrap' | 'lookup' | 'rewrap' }) {
  const [token, setToken] = useState('');
  const [result, setResult] = useState<unknown>();
  const run = async () => {
    const res = await api.write(`sys/wrapping/${verb}`, { token });
    setResult(verb === 'rewrap' ? res.wrap_info : verb === 'unwrap' ? (res.auth ?? res.data) : res.data);
  };
  return (
    <ToolForm label={`${verb} a wrapping token`} submit={verb[0]!.toUpperCase() + verb.slice(1)} work={run} result={result ? <JsonView label="Result" value={result} /> : null}>
      <p className="muted">{verb === 'unwrap' ? 'Unwrapping uses the token up: it works once.' : verb === 'rewrap' ? 'Rewrapping gives a new token for the same data; the old one stops working.' : 'Lookup shows the creation time, TTL and path of a wrapping token without using it.'}</p>
      <Field label="Wrapping token" type="password" value={token} onChange={(e) => setToken(e.target.value)} required />
    </ToolForm>
  );
}

function RandomTool() {
  const [bytes, setBytes] = useState('32');
  const [format, setFormat] = useState('base64');
  const [value, setValue] = useState('');
  const generate = async () => setValue(String((await api.write<{ random_bytes: string }>('sys/tools/random', { bytes: Number(bytes), format })).data.random_bytes));
  return (
    <ToolForm label="Random bytes" submit="Generate" work={generate} result={value ? <OneTime label="Random bytes" value={value} /> : null}>
      <Field label="Number of bytes" type="number" min={1} max={131072} value={bytes} onChange={(e) => setBytes(e.target.value)} />
      <Select label="Format" value={format} onChange={setFormat} options={['base64', 'hex'].map((f) => ({ value: f, label: f }))} />
    </ToolForm>
  );
}

/** UTF-8 text to base64, as sys/tools/hash expects its input. */
function toBase64(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

function HashTool() {
  const [input, setInput] = useState('');
  const [algorithm, setAlgorithm] = useState('sha2-256');
  const [format, setFormat] = useState('hex');
  const [sum, setSum] = useState('');
  const hash = async () => setSum((await api.write<{ sum: string }>('sys/tools/hash', { input: toBase64(input), algorithm, format })).data.sum);
  return (
    <ToolForm
      label="Hash"
      submit="Hash"
      work={hash}
      result={
        sum ? (
          <p role="status">
            Sum: <code>{sum}</code>
          </p>
        ) : null
      }
    >
      <TextArea label="Input text" value={input} onChange={setInput} rows={4} />
      <Select label="Algorithm" value={algorithm} onChange={setAlgorithm} options={['sha2-224', 'sha2-256', 'sha2-384', 'sha2-512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512'].map((a) => ({ value: a, label: a }))} />
      <Select label="Output format" value={format} onChange={setFormat} options={['hex', 'base64'].map((f) => ({ value: f, label: f }))} />
    </ToolForm>
  );
}
