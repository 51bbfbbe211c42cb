// Entry point of the kv-secrets plugin, build "v2". Bundle it into one
// executable with: node examples/plugins/build.mjs
import { serve } from '@coffer/sdk/plugin/index.js';
import { kvSecretsFactory } from './backend.js';
import { V2 } from './edition.js';

serve(kvSecretsFactory(V2));
