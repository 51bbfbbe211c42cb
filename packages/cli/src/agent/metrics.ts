// The agent's counters, served at /agent/v1/metrics in go-metrics' JSON
// shape (or Prometheus text with ?format=prometheus), named as Vault Agent's.

export class AgentMetrics {
  private readonly counters = new Map<string, number>();

  increment(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  json(): Record<string, unknown> {
    return {
      Timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      Gauges: [],
      Counters: [...this.counters.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([Name, Count]) => ({ Name, Count, Rate: Count / 10, Sum: Count, Min: 1, Max: 1, Mean: 1, Stddev: 0, Labels: {} })),
      Samples: [],
    };
  }

  prometheus(): string {
    return [...this.counters.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => {
        const metric = name.replace(/[^a-zA-Z0-9_]/g, '_');
        return `# TYPE ${metric} counter\n${metric} ${count}\n`;
      })
      .join('');
  }
}
