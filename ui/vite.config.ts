import { defineConfig } from "vitest/config";

// Tauri serves ui/dist from the app bundle; relative URLs, no inline module preload polyfill
// (the window's CSP forbids inline scripts), everything bundled (it must work offline).
export default defineConfig({
  base: "./",
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: "dist",
    target: "es2021",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    environment: "happy-dom",
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
  },
});
