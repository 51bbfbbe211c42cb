// Entry point of the auth-api-key plugin, build "v2". Bundle it into one
// executable with: node examples/plugins/build.mjs
import { serve } from '@coffer/sdk/plugin/index.js';
import { apiKeyFactory } from './backend.js';
import { V2 } from './edition.js';

serve(apiKeyFactory(V2));
