export { transitFactory, createTransitBackend, type TransitOptions } from './backend.js';
