// Types for the test-only parser of Prometheus' text exposition format (the package ships none).
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
