import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'examples/repo/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    // The engine and the renderers must run with no GitHub in sight (CLI, other CIs).
    files: ['src/engine/**/*.ts', 'src/report/**/*.ts', 'src/config/**/*.ts', 'src/sources/**/*.ts', 'src/cli.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@actions/*', '@octokit/*'], message: 'engine/, report/, config/, sources/ and the CLI must not depend on GitHub.' },
        { group: ['**/github/**', '../github', './github'], message: 'engine/, report/, config/, sources/ and the CLI must not import src/github.' }
      ] }]
    }
  }
)
