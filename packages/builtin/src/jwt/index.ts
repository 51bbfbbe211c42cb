export { jwtFactory, createJwtBackend, type JwtOptions } from './backend.js';
