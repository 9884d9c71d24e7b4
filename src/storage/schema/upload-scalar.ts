import { GraphQLScalarType } from 'graphql';
import { badInput } from '../../base/errors.ts';
import { StagedUpload } from '../staged-upload.ts';

/**
 * `Upload`: a file sent in a GraphQL multipart request. The variable holds a
 * {@link StagedUpload} the multipart plugin put there; JSON, literals and
 * anything else are refused. (Named `Upload`, not yoga's `File`, which the
 * file model's object type is called.)
 */
export const UploadScalar = new GraphQLScalarType({
  name: 'Upload',
  description: 'A file sent as a part of a GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec).',
  parseValue: (value) => {
    if (value instanceof StagedUpload) return value;
    throw badInput('Upload variables take a file sent in a multipart/form-data request, with the variable set to null in "operations"');
  },
  parseLiteral: () => {
    throw badInput('Upload values cannot be written in the query: send the file as a multipart variable');
  },
  serialize: () => {
    throw new Error('Upload is an input-only scalar');
  },
});
