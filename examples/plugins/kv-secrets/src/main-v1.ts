// Entry point of the kv-secrets plugin, build "v1". Bundle it into one
// executable with: node examples/plugins/build.mjs
import { serve } from '@coffer/sdk/plugin/index.js';
import { kvSecretsFactory } from './backend.js';
import { V1 } from './edition.js';

serve(kvSecretsFactory(V1));
