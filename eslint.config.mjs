import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';
import drizzle from 'eslint-plugin-drizzle';

const APP_IMPORTS = ['next', 'next/*', 'react', 'react-dom', '@/lib/db', '@/lib/db/*', '@/lib/env', '@/app/*', '@/components/*', '**/lib/db/**', '**/lib/env'];

const config = [
  { ignores: ['.next/**', '.next-*/**', 'node_modules/**', '.data/**', 'drizzle/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'] },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    plugins: { drizzle },
    rules: {
      // An UPDATE or DELETE without WHERE rewrites the whole table: never on purpose here.
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The production build holds one copy of a module per server bundle (the in-process worker, each route and
    // action), so `instanceof` fails for an error thrown by another copy: recognise the app's errors by brand.
    files: ['app/**', 'components/**', 'lib/**', 'scripts/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression[operator='instanceof'][right.name=/^(Alipay\\w*|Money|Forbidden)Error$/]",
          message: 'Use isAlipayError(e, kind) / isMoneyError(e) / isForbiddenError(e): instanceof fails across server bundles.',
        },
      ],
    },
  },
  {
    // lib/env.ts is the only reader of process.env in code the portal runs (proxy.ts included). Scripts load
    // it through scripts/load-config.ts; benches, tests and tool config files are exempt.
    files: ['app/**', 'components/**', 'lib/**', 'i18n/**', 'proxy.ts', 'middleware.ts'],
    ignores: ['lib/env.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through lib/env.ts.' }],
    },
  },
  {
    // instrumentation.ts runs in every runtime before anything is validated: it may only ask which
    // runtime it is in (process.env.NEXT_RUNTIME, set by Next, not by the operator).
    files: ['instrumentation.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']:not(MemberExpression[property.name='NEXT_RUNTIME'] > MemberExpression.object)",
          message: 'instrumentation.ts may read only process.env.NEXT_RUNTIME; read configuration through lib/env.ts.',
        },
        {
          selector: "MemberExpression[object.name='process'][property.value='env']",
          message: 'instrumentation.ts may read only process.env.NEXT_RUNTIME; read configuration through lib/env.ts.',
        },
      ],
    },
  },
  {
    // The protocol module, money and the simulator are framework-free: usable from any Node program.
    files: ['lib/alipay/**', 'lib/money/**', 'lib/simulator/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: APP_IMPORTS, message: 'lib/alipay, lib/money and lib/simulator must not import app code.' }] }],
    },
  },
  {
    files: ['lib/alipay/**', 'lib/money/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: APP_IMPORTS, message: 'lib/alipay and lib/money must not import app code.' },
            { group: ['**/simulator/**', '@/lib/simulator/*'], message: 'The client must not depend on the simulator.' },
          ],
          paths: [{ name: 'node-forge', message: 'Sign and verify with node:crypto (reliability.md §4.1).' }],
        },
      ],
    },
  },
];

export default config;
