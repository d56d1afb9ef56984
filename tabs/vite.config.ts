import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The managers' tab (issue 15 point 1): React + Fluent UI v9, built into tabs/dist and served at /tab/
 * (src/infra/http/server.ts). `npm run build:tab`; `npm install` and `npm start` build it when missing.
 */
export default defineConfig({
  root: fileURLToPath(new URL("./app/", import.meta.url)),
  base: "/tab/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./dist/", import.meta.url)),
    emptyOutDir: true,
    // No inline scripts in the built page (CSP `script-src 'self'`): Vite emits module script files only.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
});
