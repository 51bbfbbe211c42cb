// Names used in messages. Vault's wording is kept everywhere; only the name
// of the program and of the product change.
export const CLI_NAME = 'coffer';
export const PRODUCT_NAME = 'Coffer';
export const VERSION = '0.1.0';
export const VERSION_STRING = `${PRODUCT_NAME} v${VERSION} (Vault API compatible)`;
