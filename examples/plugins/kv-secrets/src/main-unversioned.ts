// Entry point of the kv-secrets plugin, build "unversioned". Bundle it into one
// executable with: node examples/plugins/build.mjs
import { serve } from '@coffer/sdk/plugin/index.js';
import { kvSecretsFactory } from './backend.js';
import { UNVERSIONED } from './edition.js';

serve(kvSecretsFactory(UNVERSIONED));
