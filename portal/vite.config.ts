import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Paths are resolved from this file, so the build works from any working directory.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/portal/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/portal', import.meta.url)),
    emptyOutDir: true,
  },
  // `npx vite --config portal/vite.config.ts` serves the portal with hot reload next to `npm start` on port 8080.
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
