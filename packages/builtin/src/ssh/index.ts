export { sshFactory, createSshBackend, type SshOptions } from './backend.js';
