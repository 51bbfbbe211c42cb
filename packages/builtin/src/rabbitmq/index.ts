export { createRabbitmqBackend, rabbitmqFactory } from './backend.js';
