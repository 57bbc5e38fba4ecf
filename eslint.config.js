import pluginVue from 'eslint-plugin-vue'
import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'
import skipFormatting from '@vue/eslint-config-prettier/skip-formatting'

export default defineConfigWithVueTs(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench-results/**'] },
  pluginVue.configs['flat/recommended'],
  vueTsConfigs.recommended,
  {
    rules: {
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/no-v-html': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The framework-free core must stay framework-free: no Vue, Pinia or AWS SDK in it.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['vue', 'pinia', '@vueuse/*', '@aws-sdk/*', '@/stores/*', '@/components/*'] },
      ],
    },
  },
  {
    // Components render and dispatch: sockets, timers and AWS calls live in core, stores and src/aws.
    files: ['src/components/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '@/core/session/session', '@/aws/*'] }],
    },
  },
  {
    // The gateway is a Node program with no Vue in it.
    files: ['gateway/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['vue', 'pinia', '@/*'] }] },
  },
  // Prettier owns layout (npm run format); ESLint's formatting rules would fight it.
  skipFormatting,
)
