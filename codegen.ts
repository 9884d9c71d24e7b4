import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed client documents for the example app, generated from the committed
 * `schema.graphql`. `npm run codegen` writes client/generated/; CI type-checks
 * the operations in client/ against it, so a schema change that breaks a client fails.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['client/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'client/generated/': {
      preset: 'client',
      config: {
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          JSON: 'unknown',
          BigInt: 'string',
          Decimal: 'string',
          Bytes: 'string',
          Upload: 'File',
        },
      },
    },
  },
};

export default config;
