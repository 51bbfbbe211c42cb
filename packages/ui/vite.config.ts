import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves the build at /ui/ (packages/server/src/http/ui-static.ts),
// with a CSP that forbids inline scripts and styles: nothing may be inlined.
export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8200' } },
});
