// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs
// the Reflect metadata API; it must be loaded before @peculiar/x509 is.
import 'reflect-metadata';
