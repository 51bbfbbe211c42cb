// Entry point of the auth-api-key plugin, build "v1". Bundle it into one
// executable with: node examples/plugins/build.mjs
import { serve } from '@coffer/sdk/plugin/index.js';
import { apiKeyFactory } from './backend.js';
import { V1 } from './edition.js';

serve(apiKeyFactory(V1));
