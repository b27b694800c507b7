'use strict';
// A small rule set: the recommended JavaScript and TypeScript rules, promises that are
// never left floating in the runtime (an unhandled rejection stops Node-RED), and the
// house plan: modules under nodes/lib never import a node file.
const js = require('@eslint/js');
const globals = require('globals');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', '.node-red/**', 'coverage/**', 'bench/.data/**', 'test/.tmp/**', 'nodes/**/assembly/**'] },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.mocha } },
    rules: {
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
    },
  },
  {
    // browser tests hand functions to the page, where the editor's globals live
    files: ['test/browser/**/*.js', 'test/**/editor.test.js', 'test/locales/german.test.js'],
    languageOptions: { globals: { ...globals.browser, RED: 'readonly', $: 'readonly' } },
  },
  {
    files: ['resources/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, RED: 'readonly', $: 'readonly' } },
  },
  {
    files: ['nodes/**/*.ts'],
    extends: [...tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // `const node = this` is how a Node-RED node's closures reach it
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  {
    files: ['nodes/lib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+claude-[\\w-]+(\\.[jt]s)?$', message: 'nodes/lib never imports a node file: arrows go nodes → lib.' }] }],
    },
  },
);
