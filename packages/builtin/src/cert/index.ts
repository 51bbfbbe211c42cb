export { certFactory, createCertBackend, type CertOptions } from './backend.js';
