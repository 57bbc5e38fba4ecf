import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { awsRelayPlugin } from './server/aws-relay.ts'
import { awsSignerPlugin } from './server/aws-signer.ts'

export default defineConfig({
  plugins: [vue(), awsRelayPlugin(), awsSignerPlugin()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  // No CORS: the relay and the signer answer the playground's own page only, not every page on this machine.
  server: { host: '127.0.0.1', port: 5173, cors: false },
  preview: { host: '127.0.0.1', port: 4173, cors: false },
  build: { target: 'es2022', sourcemap: true },
})
